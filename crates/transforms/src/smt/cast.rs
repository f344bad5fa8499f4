//! `org.apache.kafka.connect.transforms.Cast$Key` / `Cast$Value`: cast fields, or the whole key
//! or value, to another primitive type.

use std::collections::BTreeMap;

use base64::Engine as _;
use ferry_configdef::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance};
use ferry_data::{Schema, SchemaRef, Type, Value};
use num_bigint::BigInt;

use crate::config::{self, Check, Getters, REPLACE_NULL_WITH_DEFAULT};
use crate::datefmt as temporal;
use crate::error::TransformError;
use crate::record::ConnectRecord;
use crate::util::{
    copy_schema_basics, field_value, java_class, java_split, java_trim, map_put, new_struct,
    push_field, require_map, require_struct, struct_like, SchemaCache, Side,
};
use crate::Transformation;

const SPEC: &str = "spec";
const PURPOSE: &str = "cast types";

const INPUT_TYPES: [Type; 9] = [
    Type::Int8,
    Type::Int16,
    Type::Int32,
    Type::Int64,
    Type::Float32,
    Type::Float64,
    Type::Boolean,
    Type::String,
    Type::Bytes,
];

/// Checks performed by Kafka's lambda validators.
pub(crate) const CHECKS: &[(&str, Check)] = &[(SPEC, Check::CastSpec)];

/// `Cast.CONFIG_DEF`.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(SPEC, ConfigType::List)
                .importance(Importance::High)
                .doc("List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string. Note that binary fields can only be cast to string."),
        )
        .define(config::replace_null_with_default_key())
}

/// The parsed spec: per-field casts (last wins) and the whole-value cast.
#[derive(Debug, Default)]
pub(crate) struct Casts {
    fields: Vec<(String, Type)>,
    whole: Option<Type>,
}

fn type_list(types: &[Type]) -> String {
    let names: Vec<&str> = types.iter().map(|t| t.name()).collect();
    format!("[{}]", names.join(", "))
}

fn parse_type(text: &str) -> Result<Type, ConfigError> {
    let upper = java_trim(text).to_uppercase();
    let ty = Type::ALL
        .into_iter()
        .find(|t| t.name() == upper)
        .ok_or_else(|| {
            ConfigError::Other(format!(
                "Invalid type found in casting spec: {}",
                java_trim(text)
            ))
        })?;
    if INPUT_TYPES[..8].contains(&ty) {
        Ok(ty)
    } else {
        Err(ConfigError::Other(format!(
            "Cast transformation does not support casting to {ty}; supported types are {}",
            type_list(&INPUT_TYPES[..8])
        )))
    }
}

/// `Cast.parseFieldTypes`.
pub(crate) fn parse_field_types(mappings: &[String]) -> Result<Casts, ConfigError> {
    let mut casts = Casts::default();
    for mapping in mappings {
        let parts = java_split(mapping, ':');
        match parts.len() {
            0 => {}
            1 => casts.whole = Some(parse_type(parts[0])?),
            2 => {
                let ty = parse_type(parts[1])?;
                let name = java_trim(parts[0]).to_owned();
                casts.fields.retain(|(n, _)| *n != name);
                casts.fields.push((name, ty));
            }
            _ => {
                return Err(ConfigError::invalid(
                    "renames",
                    config::java_list(mappings),
                    format!("Invalid rename mapping: {mapping}"),
                ))
            }
        }
    }
    if casts.whole.is_some() && mappings.len() > 1 {
        return Err(ConfigError::Other(
            "Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec".to_owned(),
        ));
    }
    Ok(casts)
}

/// A configured `Cast$Key` or `Cast$Value`.
#[derive(Debug)]
pub(crate) struct Cast {
    side: Side,
    casts: Casts,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

impl Cast {
    /// `configure(props)`.
    pub(crate) fn configure(
        side: Side,
        props: &BTreeMap<String, String>,
    ) -> Result<Cast, ConfigError> {
        let cfg = config::parse(&config_def(), CHECKS, "", props)?;
        Ok(Cast {
            side,
            casts: parse_field_types(&cfg.req_list(SPEC)?)?,
            replace_null_with_default: cfg.req_bool(REPLACE_NULL_WITH_DEFAULT)?,
            cache: SchemaCache::default(),
        })
    }

    fn cast_for(&self, name: &str) -> Option<Type> {
        self.casts
            .fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| *t)
    }

    fn build_schema(&self, schema: &Schema) -> Result<SchemaRef, TransformError> {
        let mut updated = match self.casts.whole {
            Some(ty) => copy_schema_basics(schema, Schema::of(ty)),
            None => {
                let mut s = struct_like(schema);
                for field in &schema.fields {
                    match self.cast_for(&field.name) {
                        Some(ty) => {
                            let mut fs = Schema::of(ty);
                            fs.optional = field.schema.optional;
                            if let Some(default) = &field.schema.default {
                                fs.default = Some(cast_value(Some(&field.schema), default, ty)?);
                            }
                            push_field(&mut s, &field.name, fs.into());
                        }
                        None => push_field(&mut s, &field.name, field.schema.clone()),
                    }
                }
                s
            }
        };
        if schema.optional {
            updated.optional = true;
        }
        if let Some(default) = &schema.default {
            updated.default = Some(cast_value(Some(schema), default, updated.ty)?);
        }
        Ok(updated.into())
    }
}

impl Transformation for Cast {
    fn apply(&self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        if self.side.value(&record).is_null() {
            return Ok(Some(record));
        }
        let (schema, value) = self.side.take(&mut record);
        match schema {
            None => {
                if let Some(ty) = self.casts.whole {
                    let cast = cast_value(None, &value, ty)?;
                    self.side.set(&mut record, None, cast);
                } else {
                    let mut updated = require_map(&value, PURPOSE)?.clone();
                    for (name, ty) in &self.casts.fields {
                        let orig = crate::util::map_get(&updated, name)
                            .cloned()
                            .unwrap_or(Value::Null);
                        map_put(&mut updated, name, cast_value(None, &orig, *ty)?);
                    }
                    self.side.set(&mut record, None, Value::Map(updated));
                }
            }
            Some(schema) => {
                let updated_schema = self
                    .cache
                    .get_or_try_insert(&schema, || self.build_schema(&schema))?;
                if let Some(ty) = self.casts.whole {
                    let cast = cast_value(Some(&schema), &value, ty)?;
                    self.side.set(&mut record, Some(updated_schema), cast);
                } else {
                    let s = require_struct(&value, PURPOSE)?;
                    let mut values = Vec::with_capacity(s.schema().fields.len());
                    for field in &s.schema().fields {
                        let orig = field_value(s, &field.name, self.replace_null_with_default)?;
                        values.push(match self.cast_for(&field.name) {
                            Some(ty) => cast_value(Some(&field.schema), &orig, ty)?,
                            None => orig,
                        });
                    }
                    let updated = new_struct(&updated_schema, values)?;
                    self.side
                        .set(&mut record, Some(updated_schema), Value::Struct(updated));
                }
            }
        }
        Ok(Some(record))
    }
}

/// `ConnectSchema.schemaType(value.getClass())`: `None` for classes Connect has no schema type
/// for (BigDecimal, java.util.Date).
fn schema_type(value: &Value) -> Option<Type> {
    match value {
        Value::Decimal(..) | Value::Date(_) | Value::Time(_) | Value::Timestamp(_) => None,
        other => other.connect_type(),
    }
}

/// A numeric view of a value (Java's `Number`).
enum Num<'a> {
    Int(i64),
    Float(f64),
    Decimal(&'a BigInt, i32),
}

/// The truncated integer part of a decimal (`BigDecimal.toBigInteger()`).
pub(crate) fn decimal_to_bigint(unscaled: &BigInt, scale: i32) -> BigInt {
    if scale <= 0 {
        unscaled * BigInt::from(10).pow(scale.unsigned_abs())
    } else {
        unscaled / BigInt::from(10).pow(scale.unsigned_abs())
    }
}

/// The low 64 bits of a big integer, as Java's `BigInteger.longValue()`.
pub(crate) fn low_i64(b: &BigInt) -> i64 {
    let mask = BigInt::from(u64::MAX);
    let low = u64::try_from(b & &mask).unwrap_or(0);
    low as i64
}

impl Num<'_> {
    fn long_value(&self) -> i64 {
        match self {
            Num::Int(i) => *i,
            Num::Float(f) => *f as i64,
            Num::Decimal(u, s) => low_i64(&decimal_to_bigint(u, *s)),
        }
    }
    fn int_value(&self) -> i32 {
        match self {
            Num::Int(i) => *i as i32,
            Num::Float(f) => *f as i32,
            Num::Decimal(..) => self.long_value() as i32,
        }
    }
    fn double_value(&self) -> f64 {
        match self {
            Num::Int(i) => *i as f64,
            Num::Float(f) => *f,
            Num::Decimal(u, s) => ferry_data::java_decimal_string(u, *s)
                .parse()
                .unwrap_or(f64::NAN),
        }
    }
}

fn as_number(value: &Value) -> Option<Num<'_>> {
    Some(match value {
        Value::Int8(v) => Num::Int(i64::from(*v)),
        Value::Int16(v) => Num::Int(i64::from(*v)),
        Value::Int32(v) | Value::Date(v) | Value::Time(v) => Num::Int(i64::from(*v)),
        Value::Int64(v) | Value::Timestamp(v) => Num::Int(*v),
        Value::Float32(v) => Num::Float(f64::from(*v)),
        Value::Float64(v) => Num::Float(*v),
        Value::Decimal(u, s) => Num::Decimal(u, *s),
        _ => return None,
    })
}

/// Java's `Long.parseLong` (radix 10).
fn java_parse_long(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.strip_prefix('+').unwrap_or(s).parse().ok()
}

/// Java's `Double.parseDouble` for the usual inputs (trimmed, optional `f`/`d` suffix,
/// `NaN`, `Infinity`).
pub(crate) fn java_parse_double(s: &str) -> Option<f64> {
    let t = java_trim(s);
    let (sign, body) = match t.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, t.strip_prefix('+').unwrap_or(t)),
    };
    match body {
        "NaN" => return Some(f64::NAN),
        "Infinity" => return Some(sign * f64::INFINITY),
        _ => {}
    }
    let body = body.strip_suffix(['f', 'F', 'd', 'D']).unwrap_or(body);
    if body.is_empty()
        || !body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    body.parse::<f64>().ok().map(|v| sign * v)
}

/// `Cast.castValueToType`.
pub(crate) fn cast_value(
    schema: Option<&Schema>,
    value: &Value,
    target: Type,
) -> Result<Value, TransformError> {
    if value.is_null() {
        return Ok(Value::Null);
    }
    let inferred = match schema {
        Some(s) => s.ty,
        None => schema_type(value).ok_or_else(|| {
            TransformError::data(format!(
                "Cast transformation was passed a value of type {} which is not supported by Connect's data API",
                java_class(value)
            ))
        })?,
    };
    if !INPUT_TYPES.contains(&inferred) {
        return Err(TransformError::data(format!(
            "Cast transformation does not support casting from {inferred}; supported types are {}",
            type_list(&INPUT_TYPES)
        )));
    }
    let out_of_range = || {
        TransformError::data(format!(
            "Value ({}) was out of range for requested data type",
            value.to_java_string()
        ))
    };
    let unexpected = || {
        TransformError::data(format!(
            "Unexpected type in Cast transformation: {}",
            java_class(value)
        ))
    };
    let number = as_number(value);
    let boolean = match value {
        Value::Boolean(b) => Some(*b),
        _ => None,
    };
    let text = match value {
        Value::String(s) => Some(s.as_str()),
        _ => None,
    };
    let parse_int = |min: i64, max: i64| -> Result<i64, TransformError> {
        let s = text.ok_or_else(unexpected)?;
        java_parse_long(s)
            .filter(|v| (min..=max).contains(v))
            .ok_or_else(out_of_range)
    };
    Ok(match target {
        Type::Int8 => Value::Int8(match (&number, boolean) {
            (Some(n), _) => n.int_value() as i8,
            (None, Some(b)) => i8::from(b),
            _ => parse_int(i64::from(i8::MIN), i64::from(i8::MAX))? as i8,
        }),
        Type::Int16 => Value::Int16(match (&number, boolean) {
            (Some(n), _) => n.int_value() as i16,
            (None, Some(b)) => i16::from(b),
            _ => parse_int(i64::from(i16::MIN), i64::from(i16::MAX))? as i16,
        }),
        Type::Int32 => Value::Int32(match (&number, boolean) {
            (Some(n), _) => n.int_value(),
            (None, Some(b)) => i32::from(b),
            _ => parse_int(i64::from(i32::MIN), i64::from(i32::MAX))? as i32,
        }),
        Type::Int64 => Value::Int64(match (&number, boolean) {
            (Some(n), _) => n.long_value(),
            (None, Some(b)) => i64::from(b),
            _ => parse_int(i64::MIN, i64::MAX)?,
        }),
        Type::Float32 => Value::Float32(match (&number, boolean) {
            (Some(n), _) => n.double_value() as f32,
            (None, Some(b)) => f32::from(u8::from(b)),
            _ => java_parse_double(text.ok_or_else(unexpected)?).ok_or_else(out_of_range)? as f32,
        }),
        Type::Float64 => Value::Float64(match (&number, boolean) {
            (Some(n), _) => n.double_value(),
            (None, Some(b)) => f64::from(u8::from(b)),
            _ => java_parse_double(text.ok_or_else(unexpected)?).ok_or_else(out_of_range)?,
        }),
        Type::Boolean => Value::Boolean(match (&number, boolean) {
            (Some(n), _) => n.long_value() != 0,
            (None, Some(b)) => b,
            _ => text.ok_or_else(unexpected)?.eq_ignore_ascii_case("true"),
        }),
        Type::String => Value::String(cast_to_string(value)),
        other => {
            return Err(TransformError::data(format!(
                "{other} is not supported in the Cast transformation."
            )))
        }
    })
}

/// `Cast.castToString`.
fn cast_to_string(value: &Value) -> String {
    match value {
        Value::Date(days) => temporal::date_format_for(i64::from(*days) * temporal::MILLIS_PER_DAY),
        Value::Time(ms) => temporal::date_format_for(i64::from(*ms)),
        Value::Timestamp(ms) => temporal::date_format_for(*ms),
        Value::Bytes(b) => base64::engine::general_purpose::STANDARD.encode(b),
        other => other.to_java_string(),
    }
}

#[cfg(test)]
mod tests;
