//! `org.apache.kafka.connect.transforms.TimestampConverter$Key` / `$Value`: converts timestamps
//! between strings (SimpleDateFormat patterns, UTC), Unix epochs and Connect's Date, Time and
//! Timestamp, for a field or the whole key/value.

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, Validator};
use ferry_data::{logical, Schema, SchemaRef, Struct, Type, Value};

use crate::config::{self, is_blank, Getters, REPLACE_NULL_WITH_DEFAULT};
use crate::datefmt::{DateFormat, MILLIS_PER_DAY};
use crate::error::TransformError;
use crate::record::ConnectRecord;
use crate::util::{
    field_value, java_class, map_get, map_put, push_field, require_map, require_struct_or_null,
    struct_like, SchemaCache, Side, StructWriter,
};
use crate::Transformation;

const FIELD: &str = "field";
const TARGET_TYPE: &str = "target.type";
const FORMAT: &str = "format";
const UNIX_PRECISION: &str = "unix.precision";
const PURPOSE: &str = "converting timestamp formats";

/// `TimestampConverter.CONFIG_DEF`.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(FIELD, ConfigType::String)
                .default_value("")
                .importance(Importance::High)
                .doc("The field containing the timestamp, or empty if the entire value is a timestamp"),
        )
        .define(
            ConfigKey::new(TARGET_TYPE, ConfigType::String)
                .validator(Validator::valid_string(&["string", "unix", "Date", "Time", "Timestamp"]))
                .importance(Importance::High)
                .doc("The desired timestamp representation: string, unix, Date, Time, or Timestamp"),
        )
        .define(
            ConfigKey::new(FORMAT, ConfigType::String)
                .default_value("")
                .importance(Importance::Medium)
                .doc("A SimpleDateFormat-compatible format for the timestamp. Used to generate the output when type=string or used to parse the input if the input is a string."),
        )
        .define(
            ConfigKey::new(UNIX_PRECISION, ConfigType::String)
                .default_value("milliseconds")
                .validator(Validator::valid_string(&["nanoseconds", "microseconds", "milliseconds", "seconds"]))
                .importance(Importance::Low)
                .doc("The desired Unix precision for the timestamp: seconds, milliseconds, microseconds, or nanoseconds. Used to generate the output when type=unix or used to parse the input if the input is a Long.Note: This SMT will cause precision loss during conversions from, and to, values with sub-millisecond components."),
        )
        .define(config::replace_null_with_default_key())
}

/// A timestamp representation (`TimestampTranslator`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    String,
    Unix,
    Date,
    Time,
    Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Precision {
    Seconds,
    Millis,
    Micros,
    Nanos,
}

/// A configured `TimestampConverter$Key` or `TimestampConverter$Value`.
#[derive(Debug)]
pub(crate) struct TimestampConverter {
    side: Side,
    field: String,
    target: Kind,
    format: Option<DateFormat>,
    precision: Precision,
    replace_null_with_default: bool,
    /// The target schema, required and optional (shared by every record).
    target_schemas: [SchemaRef; 2],
    cache: SchemaCache,
}

impl TimestampConverter {
    /// `configure(props)`.
    pub(crate) fn configure(
        side: Side,
        props: &BTreeMap<String, String>,
    ) -> Result<TimestampConverter, ConfigError> {
        let cfg = config::parse(&config_def(), &[], "", props)?;
        let target = match cfg.req_string(TARGET_TYPE)?.as_str() {
            "string" => Kind::String,
            "unix" => Kind::Unix,
            "Date" => Kind::Date,
            "Time" => Kind::Time,
            _ => Kind::Timestamp,
        };
        let pattern = cfg.req_string(FORMAT)?;
        if target == Kind::String && is_blank(&pattern) {
            return Err(ConfigError::Other(
                "TimestampConverter requires format option to be specified when using string timestamps".to_owned(),
            ));
        }
        let format = if is_blank(&pattern) {
            None
        } else {
            Some(DateFormat::new(&pattern).map_err(|_| {
                ConfigError::Other(format!(
                    "TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: {pattern}"
                ))
            })?)
        };
        let precision = match cfg.req_string(UNIX_PRECISION)?.as_str() {
            "seconds" => Precision::Seconds,
            "microseconds" => Precision::Micros,
            "nanoseconds" => Precision::Nanos,
            _ => Precision::Millis,
        };
        let build = |optional: bool| -> SchemaRef {
            let b = match target {
                Kind::String => Schema::builder(Type::String),
                Kind::Unix => Schema::builder(Type::Int64),
                Kind::Date => logical::date(),
                Kind::Time => logical::time(),
                Kind::Timestamp => logical::timestamp(),
            };
            if optional {
                b.optional().build()
            } else {
                b.build()
            }
        };
        Ok(TimestampConverter {
            side,
            field: cfg.req_string(FIELD)?,
            target,
            format,
            precision,
            replace_null_with_default: cfg.req_bool(REPLACE_NULL_WITH_DEFAULT)?,
            target_schemas: [build(false), build(true)],
            cache: SchemaCache::default(),
        })
    }

    fn target_schema(&self, optional: bool) -> SchemaRef {
        self.target_schemas[usize::from(optional)].clone()
    }

    /// `toRaw`: epoch milliseconds.
    fn to_raw(&self, kind: Kind, value: &Value) -> Result<i64, TransformError> {
        let date = |what: &str| match value {
            Value::Date(d) => Ok(i64::from(*d) * MILLIS_PER_DAY),
            Value::Time(t) => Ok(i64::from(*t)),
            Value::Timestamp(t) => Ok(*t),
            other => Err(TransformError::data(format!(
                "Expected {what} to be a java.util.Date, but found {}",
                java_class(other)
            ))),
        };
        match kind {
            Kind::String => {
                let Value::String(s) = value else {
                    return Err(TransformError::data(format!(
                        "Expected string timestamp to be a String, but found {}",
                        java_class(value)
                    )));
                };
                let pattern = self.format.as_ref().map_or("null", DateFormat::pattern);
                self.format
                    .as_ref()
                    .and_then(|f| f.parse(s))
                    .ok_or_else(|| {
                        TransformError::data(format!(
                        "Could not parse timestamp: value ({s}) does not match pattern ({pattern})"
                    ))
                    })
            }
            Kind::Unix => {
                let Value::Int64(v) = value else {
                    return Err(TransformError::data(format!(
                        "Expected Unix timestamp to be a Long, but found {}",
                        java_class(value)
                    )));
                };
                Ok(match self.precision {
                    Precision::Seconds => v.saturating_mul(1000),
                    Precision::Millis => *v,
                    Precision::Micros => v / 1000,
                    Precision::Nanos => v / 1_000_000,
                })
            }
            Kind::Date => date("Date"),
            Kind::Time => date("Time"),
            Kind::Timestamp => date("Timestamp"),
        }
    }

    /// `toType`.
    fn to_type(&self, raw: i64) -> Value {
        match self.target {
            Kind::String => Value::String(
                self.format
                    .as_ref()
                    .map(|f| f.format(raw))
                    .unwrap_or_default(),
            ),
            Kind::Unix => Value::Int64(match self.precision {
                Precision::Seconds => raw / 1000,
                Precision::Millis => raw,
                Precision::Micros => raw.saturating_mul(1000),
                Precision::Nanos => raw.saturating_mul(1_000_000),
            }),
            Kind::Date => Value::Date(raw.div_euclid(MILLIS_PER_DAY) as i32),
            Kind::Time => Value::Time(raw.rem_euclid(MILLIS_PER_DAY) as i32),
            Kind::Timestamp => Value::Timestamp(raw),
        }
    }

    /// `convertTimestamp(timestamp, format)`; `kind` `None` = inferred from the value.
    fn convert(&self, value: &Value, kind: Option<Kind>) -> Result<Value, TransformError> {
        if value.is_null() {
            return Ok(Value::Null);
        }
        let kind = match kind {
            Some(k) => k,
            None => match value {
                Value::Date(_) | Value::Time(_) | Value::Timestamp(_) => Kind::Timestamp,
                Value::Int64(_) => Kind::Unix,
                Value::String(_) => Kind::String,
                other => {
                    return Err(TransformError::data(format!(
                        "TimestampConverter does not support {} objects as timestamps",
                        java_class(other)
                    )))
                }
            },
        };
        Ok(self.to_type(self.to_raw(kind, value)?))
    }

    fn convert_struct(
        &self,
        value: &Struct,
        updated: &SchemaRef,
    ) -> Result<Struct, TransformError> {
        let mut w = StructWriter::new(updated);
        for f in &value.schema().fields {
            let v = field_value(value, &f.name, self.replace_null_with_default)?;
            let v = if f.name == self.field {
                self.convert(&v, Some(kind_from_schema(&f.schema)?))?
            } else {
                v
            };
            w.put(&f.name, v)?;
        }
        Ok(w.finish())
    }
}

/// `timestampTypeFromSchema`.
fn kind_from_schema(schema: &Schema) -> Result<Kind, TransformError> {
    match (schema.name.as_deref(), schema.ty) {
        (Some(logical::TIMESTAMP), _) => Ok(Kind::Timestamp),
        (Some(logical::DATE), _) => Ok(Kind::Date),
        (Some(logical::TIME), _) => Ok(Kind::Time),
        (_, Type::String) => Ok(Kind::String),
        (_, Type::Int64) => Ok(Kind::Unix),
        _ => Err(TransformError::Connect(format!(
            "Schema {schema} does not correspond to a known timestamp type format"
        ))),
    }
}

impl Transformation for TimestampConverter {
    fn apply(&self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let (schema, value) = self.side.take(&mut record);
        match schema {
            None => {
                if value.is_null() || self.field.is_empty() {
                    let converted = self.convert(&value, None)?;
                    self.side.set(&mut record, None, converted);
                } else {
                    let mut updated = require_map(&value, PURPOSE)?.clone();
                    let orig = map_get(&updated, &self.field)
                        .cloned()
                        .unwrap_or(Value::Null);
                    map_put(&mut updated, &self.field, self.convert(&orig, None)?);
                    self.side.set(&mut record, None, Value::Map(updated));
                }
            }
            Some(schema) if self.field.is_empty() => {
                let updated = self.target_schema(schema.optional);
                let converted = self.convert(&value, Some(kind_from_schema(&schema)?))?;
                self.side.set(&mut record, Some(updated), converted);
            }
            Some(schema) => {
                let s = require_struct_or_null(&value, PURPOSE)?;
                let updated = self.cache.get_or_try_insert(&schema, || {
                    let mut out = struct_like(&schema);
                    for f in &schema.fields {
                        if f.name == self.field {
                            push_field(&mut out, &f.name, self.target_schema(f.schema.optional));
                        } else {
                            push_field(&mut out, &f.name, f.schema.clone());
                        }
                    }
                    out.optional = schema.optional;
                    if let Some(Value::Struct(default)) = &schema.default {
                        let plain: SchemaRef = out.clone().into();
                        out.default = Some(Value::Struct(self.convert_struct(default, &plain)?));
                    }
                    Ok(out.into())
                })?;
                let converted = match s {
                    Some(s) => Value::Struct(self.convert_struct(s, &updated)?),
                    None => Value::Null,
                };
                self.side.set(&mut record, Some(updated), converted);
            }
        }
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests;
