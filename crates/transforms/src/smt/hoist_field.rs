//! `org.apache.kafka.connect.transforms.HoistField$Key` / `$Value`: wraps the key or value in a
//! single-field Struct (with a schema) or Map (without).

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance};
use ferry_data::{Schema, Type, Value};

use crate::config::{self, Getters};
use crate::error::TransformError;
use crate::record::ConnectRecord;
use crate::util::{push_field, SchemaCache, Side, StructWriter};
use crate::Transformation;

const FIELD: &str = "field";

/// `HoistField.CONFIG_DEF`.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new().define(
        ConfigKey::new(FIELD, ConfigType::String)
            .importance(Importance::Medium)
            .doc("Field name for the single field that will be created in the resulting Struct or Map."),
    )
}

/// A configured `HoistField$Key` or `HoistField$Value`.
#[derive(Debug)]
pub(crate) struct HoistField {
    side: Side,
    field: String,
    cache: SchemaCache,
}

impl HoistField {
    /// `configure(props)`.
    pub(crate) fn configure(
        side: Side,
        props: &BTreeMap<String, String>,
    ) -> Result<HoistField, ConfigError> {
        let cfg = config::parse(&config_def(), &[], "", props)?;
        Ok(HoistField {
            side,
            field: cfg.req_string(FIELD)?,
            cache: SchemaCache::default(),
        })
    }
}

impl Transformation for HoistField {
    fn apply(&self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let (schema, value) = self.side.take(&mut record);
        match schema {
            None => {
                let map = Value::Map(vec![(Value::String(self.field.clone()), value)]);
                self.side.set(&mut record, None, map);
            }
            Some(schema) => {
                let updated = self.cache.get_or_try_insert(&schema, || {
                    let mut s = Schema::of(Type::Struct);
                    push_field(&mut s, &self.field, schema.clone());
                    Ok(s.into())
                })?;
                let mut w = StructWriter::new(&updated);
                w.put(&self.field, value)?;
                self.side
                    .set(&mut record, Some(updated), Value::Struct(w.finish()));
            }
        }
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smt::testutil::{key_record, map, props};
    use ferry_data::SchemaRef;

    #[test]
    fn schemaless() {
        let x = HoistField::configure(Side::Key, &props(&[("field", "magic")])).unwrap();
        let out = x
            .apply(key_record(None, Value::Int32(42)))
            .unwrap()
            .unwrap();
        assert_eq!(out.key_schema, None);
        assert_eq!(out.key, map(&[("magic", Value::Int32(42))]));
    }

    #[test]
    fn with_schema_and_cached_schema() {
        let x = HoistField::configure(Side::Key, &props(&[("field", "magic")])).unwrap();
        let int32 = Schema::primitive(Type::Int32);
        let out = x
            .apply(key_record(Some(int32.clone()), Value::Int32(42)))
            .unwrap()
            .unwrap();
        let schema = out.key_schema.clone().unwrap();
        assert_eq!(schema.ty, Type::Struct);
        assert_eq!(schema.field("magic").unwrap().schema, int32);
        match &out.key {
            Value::Struct(s) => assert_eq!(s.get("magic").unwrap(), &Value::Int32(42)),
            other => panic!("{other:?}"),
        }
        let again = x
            .apply(key_record(Some(int32), Value::Int32(1)))
            .unwrap()
            .unwrap();
        assert!(SchemaRef::ptr_eq(
            &schema,
            again.key_schema.as_ref().unwrap()
        ));
    }

    #[test]
    fn null_for_required_schema_fails() {
        let x = HoistField::configure(Side::Value, &props(&[("field", "f")])).unwrap();
        let err = x
            .apply(crate::smt::testutil::value_record(
                Some(Schema::primitive(Type::Int32)),
                Value::Null,
            ))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Invalid value: null used for required field: \"f\", schema type: INT32"
        );
    }
}
