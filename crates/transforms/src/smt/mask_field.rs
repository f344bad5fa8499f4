//! `org.apache.kafka.connect.transforms.MaskField$Key` / `$Value`: replaces fields with their
//! type's "null value" (`0`, `false`, `""`, epoch, empty list/map) or a replacement.

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, Validator};
use ferry_data::Value;
use num_bigint::BigInt;

use crate::config::{self, Check, Getters, REPLACE_NULL_WITH_DEFAULT};
use crate::error::TransformError;
use crate::record::ConnectRecord;
use crate::smt::cast::{decimal_to_bigint, java_parse_double, low_i64};
use crate::util::{
    field_value, java_class, map_get, map_put, new_struct, require_map, require_struct, Side,
};
use crate::Transformation;

const FIELDS: &str = "fields";
const REPLACEMENT: &str = "replacement";
const PURPOSE: &str = "mask fields";

/// Checks performed by Kafka's validators.
pub(crate) const CHECKS: &[(&str, Check)] = &[(FIELDS, Check::NonEmptyList)];

/// `MaskField.CONFIG_DEF`.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(FIELDS, ConfigType::List)
                .importance(Importance::High)
                .doc("Names of fields to mask."),
        )
        .define(
            ConfigKey::new(REPLACEMENT, ConfigType::String)
                .default_null()
                .validator(Validator::NonEmptyString)
                .importance(Importance::Low)
                .doc("Custom value replacement, that will be applied to all 'fields' values (numeric or non-empty string values only)."),
        )
        .define(config::replace_null_with_default_key())
}

/// A configured `MaskField$Key` or `MaskField$Value`.
#[derive(Debug)]
pub(crate) struct MaskField {
    side: Side,
    fields: Vec<String>,
    replacement: Option<String>,
    replace_null_with_default: bool,
}

/// `new BigDecimal(text)`: the unscaled value and scale.
pub(crate) fn parse_big_decimal(text: &str) -> Option<(BigInt, i32)> {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(i) => (
            &text[..i],
            text[i + 1..]
                .strip_prefix('+')
                .unwrap_or(&text[i + 1..])
                .parse::<i32>()
                .ok()?,
        ),
        None => (text, 0),
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{int_part}{frac_part}");
    let unsigned = digits.strip_prefix(['+', '-']).unwrap_or(&digits);
    if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let unscaled: BigInt = digits.strip_prefix('+').unwrap_or(&digits).parse().ok()?;
    let scale = i32::try_from(frac_part.len()).ok()?.checked_sub(exponent)?;
    Some((unscaled, scale))
}

/// `Values.convertToLong(null, text)` etc.: `new BigDecimal(text).longValue()`.
fn as_long(text: &str) -> Result<i64, TransformError> {
    parse_big_decimal(text)
        .map(|(u, s)| low_i64(&decimal_to_bigint(&u, s)))
        .ok_or_else(|| {
            TransformError::data(format!(
                "Unable to convert {text} (class java.lang.String) to a number"
            ))
        })
}

fn as_double(text: &str) -> Result<f64, TransformError> {
    match parse_big_decimal(text) {
        Some(_) => Ok(java_parse_double(text).unwrap_or(f64::NAN)),
        None => Err(TransformError::data(format!(
            "Unable to convert {text} (class java.lang.String) to a number"
        ))),
    }
}

fn mask_with_null_value(value: &Value) -> Result<Value, TransformError> {
    Ok(match value {
        Value::Boolean(_) => Value::Boolean(false),
        Value::Int8(_) => Value::Int8(0),
        Value::Int16(_) => Value::Int16(0),
        Value::Int32(_) => Value::Int32(0),
        Value::Int64(_) => Value::Int64(0),
        Value::Float32(_) => Value::Float32(0.0),
        Value::Float64(_) => Value::Float64(0.0),
        Value::Decimal(_, scale) => Value::Decimal(BigInt::from(0), *scale),
        Value::Date(_) => Value::Date(0),
        Value::Time(_) => Value::Time(0),
        Value::Timestamp(_) => Value::Timestamp(0),
        Value::String(_) => Value::String(String::new()),
        Value::Array(_) => Value::Array(Vec::new()),
        Value::Map(_) => Value::Map(Vec::new()),
        other => {
            return Err(TransformError::data(format!(
                "Cannot mask value of type: {}",
                java_class(other)
            )))
        }
    })
}

fn mask_with_replacement(value: &Value, replacement: &str) -> Result<Value, TransformError> {
    Ok(match value {
        Value::Int8(_) => Value::Int8(as_long(replacement)? as i8),
        Value::Int16(_) => Value::Int16(as_long(replacement)? as i16),
        Value::Int32(_) => Value::Int32(as_long(replacement)? as i32),
        Value::Int64(_) => Value::Int64(as_long(replacement)?),
        Value::Float32(_) => Value::Float32(as_double(replacement)? as f32),
        Value::Float64(_) => Value::Float64(as_double(replacement)?),
        Value::String(_) => Value::String(replacement.to_owned()),
        Value::Decimal(..) => {
            let (u, s) = parse_big_decimal(replacement).ok_or_else(|| {
                TransformError::data(format!(
                    "Unable to convert {replacement} (class java.lang.String) to number"
                ))
            })?;
            Value::Decimal(u, s)
        }
        other => {
            return Err(TransformError::data(format!(
                "Cannot mask value of type {} with custom replacement.",
                java_class(other)
            )))
        }
    })
}

impl MaskField {
    /// `configure(props)`.
    pub(crate) fn configure(
        side: Side,
        props: &BTreeMap<String, String>,
    ) -> Result<MaskField, ConfigError> {
        let cfg = config::parse(&config_def(), CHECKS, "", props)?;
        let mut fields = cfg.req_list(FIELDS)?;
        let mut seen = Vec::new();
        fields.retain(|f| {
            let new = !seen.contains(f);
            seen.push(f.clone());
            new
        });
        Ok(MaskField {
            side,
            fields,
            replacement: cfg.opt_string(REPLACEMENT)?,
            replace_null_with_default: cfg.req_bool(REPLACE_NULL_WITH_DEFAULT)?,
        })
    }

    fn masked(&self, value: &Value) -> Result<Value, TransformError> {
        match (value, &self.replacement) {
            (Value::Null, _) => Ok(Value::Null),
            (v, None) => mask_with_null_value(v),
            (v, Some(r)) => mask_with_replacement(v, r),
        }
    }
}

impl Transformation for MaskField {
    fn apply(&self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let (schema, value) = self.side.take(&mut record);
        match schema {
            None => {
                let original = require_map(&value, PURPOSE)?;
                let mut updated = original.clone();
                for f in &self.fields {
                    let v = map_get(original, f).cloned().unwrap_or(Value::Null);
                    map_put(&mut updated, f, self.masked(&v)?);
                }
                self.side.set(&mut record, None, Value::Map(updated));
            }
            Some(schema) => {
                let s = require_struct(&value, PURPOSE)?;
                let mut values = Vec::with_capacity(s.schema().fields.len());
                for f in &s.schema().fields {
                    let v = field_value(s, &f.name, self.replace_null_with_default)?;
                    values.push(if self.fields.contains(&f.name) {
                        self.masked(&v)?
                    } else {
                        v
                    });
                }
                let updated = new_struct(s.schema(), values)?;
                self.side
                    .set(&mut record, Some(schema), Value::Struct(updated));
            }
        }
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests;
