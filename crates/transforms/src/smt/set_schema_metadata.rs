//! `org.apache.kafka.connect.transforms.SetSchemaMetadata$Key` / `$Value`: sets the schema name
//! and/or version.

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance};
use ferry_data::{Schema, SchemaRef, Type, Value};

use crate::config::{self, Getters, REPLACE_NULL_WITH_DEFAULT};
use crate::error::TransformError;
use crate::record::ConnectRecord;
use crate::util::{field_value, new_struct, require_schema, SchemaCache, Side};
use crate::Transformation;

const SCHEMA_NAME: &str = "schema.name";
const SCHEMA_VERSION: &str = "schema.version";

/// `SetSchemaMetadata.CONFIG_DEF`.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(SCHEMA_NAME, ConfigType::String)
                .default_null()
                .importance(Importance::High)
                .doc("Schema name to set."),
        )
        .define(
            ConfigKey::new(SCHEMA_VERSION, ConfigType::Int)
                .default_null()
                .importance(Importance::High)
                .doc("Schema version to set."),
        )
        .define(config::replace_null_with_default_key())
}

/// A configured `SetSchemaMetadata$Key` or `SetSchemaMetadata$Value`.
#[derive(Debug)]
pub(crate) struct SetSchemaMetadata {
    side: Side,
    name: Option<String>,
    version: Option<i32>,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

impl SetSchemaMetadata {
    /// `configure(props)`.
    pub(crate) fn configure(
        side: Side,
        props: &BTreeMap<String, String>,
    ) -> Result<SetSchemaMetadata, ConfigError> {
        let cfg = config::parse(&config_def(), &[], "", props)?;
        let name = cfg.opt_string(SCHEMA_NAME)?;
        let version = cfg.int(SCHEMA_VERSION)?;
        if name.is_none() && version.is_none() {
            return Err(ConfigError::Other(
                "Neither schema name nor version configured".to_owned(),
            ));
        }
        Ok(SetSchemaMetadata {
            side,
            name,
            version,
            replace_null_with_default: cfg.req_bool(REPLACE_NULL_WITH_DEFAULT)?,
            cache: SchemaCache::default(),
        })
    }

    fn updated(&self, schema: &Schema) -> SchemaRef {
        let mut s = schema.clone();
        if let Some(n) = &self.name {
            s.name = Some(n.clone());
        }
        if let Some(v) = self.version {
            s.version = Some(v);
        }
        if s.ty != Type::Map {
            s.key_schema = None;
        }
        if !matches!(s.ty, Type::Map | Type::Array) {
            s.value_schema = None;
        }
        s.into()
    }
}

impl Transformation for SetSchemaMetadata {
    fn apply(&self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        if self.side.value(&record).is_null() && self.side.schema(&record).is_none() {
            return Ok(Some(record));
        }
        let (schema, value) = self.side.take(&mut record);
        let schema = require_schema(schema.as_ref(), "updating schema metadata")?;
        let updated = self
            .cache
            .get_or_try_insert(schema, || Ok(self.updated(schema)))?;
        let value = match value {
            Value::Struct(s) => {
                let mut values = Vec::with_capacity(updated.fields.len());
                for f in &updated.fields {
                    values.push(field_value(&s, &f.name, self.replace_null_with_default)?);
                }
                Value::Struct(new_struct(&updated, values)?)
            }
            other => other,
        };
        self.side.set(&mut record, Some(updated), value);
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smt::testutil::{key_record, props, value_record};
    use ferry_data::Struct;

    #[test]
    fn sets_name_and_version() {
        let x = SetSchemaMetadata::configure(
            Side::Value,
            &props(&[("schema.name", "foo"), ("schema.version", "42")]),
        )
        .unwrap();
        let schema = Schema::struct_builder()
            .field("stringField", Schema::primitive(Type::String))
            .build();
        let s = Struct::new(schema.clone())
            .unwrap()
            .with("stringField", "value")
            .unwrap();
        let out = x
            .apply(value_record(Some(schema.clone()), Value::Struct(s)))
            .unwrap()
            .unwrap();
        let us = out.value_schema.clone().unwrap();
        assert_eq!(us.name.as_deref(), Some("foo"));
        assert_eq!(us.version, Some(42));
        let Value::Struct(o) = &out.value else {
            panic!()
        };
        assert!(
            SchemaRef::ptr_eq(o.schema(), &us),
            "the struct refers to the updated schema"
        );
        assert_eq!(o.get("stringField").unwrap(), &Value::from("value"));
        let k =
            SetSchemaMetadata::configure(Side::Key, &props(&[("schema.version", "42")])).unwrap();
        let out = k
            .apply(key_record(
                Some(Schema::primitive(Type::Int32)),
                Value::Int32(1),
            ))
            .unwrap()
            .unwrap();
        assert_eq!(out.key_schema.unwrap().version, Some(42));
    }

    #[test]
    fn null_and_schemaless() {
        let x =
            SetSchemaMetadata::configure(Side::Value, &props(&[("schema.name", "foo")])).unwrap();
        let tomb = value_record(None, Value::Null);
        assert_eq!(x.apply(tomb.clone()).unwrap().unwrap(), tomb);
        assert_eq!(
            x.apply(value_record(None, Value::Int32(1)))
                .unwrap_err()
                .to_string(),
            "Schema required for [updating schema metadata]"
        );
        let out = x
            .apply(value_record(
                Some(Schema::optional_primitive(Type::Int32)),
                Value::Null,
            ))
            .unwrap()
            .unwrap();
        assert_eq!(out.value_schema.unwrap().name.as_deref(), Some("foo"));
    }

    #[test]
    fn config_errors() {
        assert_eq!(
            SetSchemaMetadata::configure(Side::Value, &props(&[]))
                .unwrap_err()
                .to_string(),
            "Neither schema name nor version configured"
        );
        assert_eq!(
            SetSchemaMetadata::configure(Side::Value, &props(&[("schema.version", "x")]))
                .unwrap_err()
                .to_string(),
            "Invalid value x for configuration schema.version: Not a number of type INT"
        );
    }
}
