//! `org.apache.kafka.connect.transforms.Flatten$Key` / `$Value`: flattens nested Structs (or
//! Maps) into one level, joining field names with a delimiter.

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance};
use ferry_data::{Schema, SchemaRef, Struct, Type, Value};

use crate::config::{self, Getters};
use crate::error::TransformError;
use crate::record::ConnectRecord;
use crate::util::{
    copy_schema_basics, java_class, map_put, push_field, require_map, require_struct_or_null,
    struct_like, Entries, SchemaCache, Side, StructWriter,
};
use crate::Transformation;

const DELIMITER: &str = "delimiter";
const PURPOSE: &str = "flattening";

/// `Flatten.CONFIG_DEF`.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new().define(
        ConfigKey::new(DELIMITER, ConfigType::String)
            .default_value(".")
            .importance(Importance::Medium)
            .doc("Delimiter to insert between field names from the input record when generating field names for the output record"),
    )
}

/// A configured `Flatten$Key` or `Flatten$Value`.
#[derive(Debug)]
pub(crate) struct Flatten {
    side: Side,
    delimiter: String,
    cache: SchemaCache,
}

fn unsupported_with_schema(ty: Type, name: &str) -> TransformError {
    TransformError::data(format!(
        "Flatten transformation does not support {ty} for record with schemas (for field {name})."
    ))
}

impl Flatten {
    /// `configure(props)`.
    pub(crate) fn configure(
        side: Side,
        props: &BTreeMap<String, String>,
    ) -> Result<Flatten, ConfigError> {
        let cfg = config::parse(&config_def(), &[], "", props)?;
        Ok(Flatten {
            side,
            delimiter: cfg.req_string(DELIMITER)?,
            cache: SchemaCache::default(),
        })
    }

    fn field_name(&self, prefix: &str, name: &str) -> String {
        if prefix.is_empty() {
            name.to_owned()
        } else {
            format!("{prefix}{}{name}", self.delimiter)
        }
    }

    fn flatten_map(
        &self,
        original: &Entries,
        prefix: &str,
        out: &mut Entries,
    ) -> Result<(), TransformError> {
        for (k, v) in original {
            let key = match k {
                Value::String(s) => s.clone(),
                other => other.to_java_string(),
            };
            let name = self.field_name(prefix, &key);
            match v {
                Value::Null
                | Value::Int8(_)
                | Value::Int16(_)
                | Value::Int32(_)
                | Value::Int64(_)
                | Value::Float32(_)
                | Value::Float64(_)
                | Value::Boolean(_)
                | Value::String(_)
                | Value::Bytes(_)
                | Value::Array(_) => map_put(out, &name, v.clone()),
                Value::Map(inner) => self.flatten_map(inner, &name, out)?,
                Value::Struct(_) => {
                    return Err(TransformError::data(format!(
                        "Flatten transformation does not support {} for record without schemas (for field {name}).",
                        java_class(v)
                    )))
                }
                Value::Decimal(..) | Value::Date(_) | Value::Time(_) | Value::Timestamp(_) => {
                    return Err(TransformError::data(format!(
                        "Flatten transformation was passed a value of type {} which is not supported by Connect's data API",
                        java_class(v)
                    )))
                }
            }
        }
        Ok(())
    }

    fn build_schema(
        &self,
        schema: &Schema,
        prefix: &str,
        out: &mut Schema,
        optional: bool,
        default_from_parent: Option<&Struct>,
    ) -> Result<(), TransformError> {
        for field in &schema.fields {
            let name = self.field_name(prefix, &field.name);
            let field_optional = optional || field.schema.optional;
            let default = match (&field.schema.default, default_from_parent) {
                (Some(d), _) => Some(d.clone()),
                (None, Some(parent)) => {
                    Some(parent.get(&field.name)?.clone()).filter(|v| !v.is_null())
                }
                (None, None) => None,
            };
            match field.schema.ty {
                Type::Struct => {
                    let parent = match &default {
                        Some(Value::Struct(s)) => Some(s),
                        _ => None,
                    };
                    self.build_schema(&field.schema, &name, out, field_optional, parent)?;
                }
                Type::Map => return Err(unsupported_with_schema(Type::Map, &name)),
                _ => {
                    let mut fs = copy_schema_basics(&field.schema, Schema::of(field.schema.ty));
                    fs.value_schema = match field.schema.ty {
                        Type::Array => field.schema.value_schema.clone(),
                        _ => None,
                    };
                    if field_optional {
                        fs.optional = true;
                    }
                    fs.default = default;
                    push_field(out, &name, SchemaRef::new(fs));
                }
            }
        }
        Ok(())
    }

    fn flatten_struct(
        &self,
        s: &Struct,
        prefix: &str,
        out: &mut StructWriter,
    ) -> Result<(), TransformError> {
        for field in &s.schema().fields {
            let name = self.field_name(prefix, &field.name);
            match field.schema.ty {
                Type::Struct => {
                    if let Value::Struct(inner) = s.get(&field.name)? {
                        self.flatten_struct(inner, &name, out)?;
                    }
                }
                Type::Map => return Err(unsupported_with_schema(Type::Map, &name)),
                _ => out.put(&name, s.get(&field.name)?.clone())?,
            }
        }
        Ok(())
    }
}

impl Transformation for Flatten {
    fn apply(&self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        if self.side.value(&record).is_null() {
            return Ok(Some(record));
        }
        let (schema, value) = self.side.take(&mut record);
        match schema {
            None => {
                let original = require_map(&value, PURPOSE)?;
                let mut out = Vec::new();
                self.flatten_map(original, "", &mut out)?;
                self.side.set(&mut record, None, Value::Map(out));
            }
            Some(schema) => {
                let s = require_struct_or_null(&value, PURPOSE)?;
                let updated = self.cache.get_or_try_insert(&schema, || {
                    let mut out = struct_like(&schema);
                    let default = match &schema.default {
                        Some(Value::Struct(d)) => Some(d),
                        _ => None,
                    };
                    self.build_schema(&schema, "", &mut out, schema.optional, default)?;
                    Ok(out.into())
                })?;
                let flattened = match s {
                    None => Value::Null,
                    Some(s) => {
                        let mut w = StructWriter::new(&updated);
                        self.flatten_struct(s, "", &mut w)?;
                        Value::Struct(w.finish())
                    }
                };
                self.side.set(&mut record, Some(updated), flattened);
            }
        }
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests;
