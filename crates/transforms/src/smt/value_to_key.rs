//! `org.apache.kafka.connect.transforms.ValueToKey`: key := a Struct (or Map) of selected value
//! fields.

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance};
use ferry_data::{Schema, Type, Value};

use crate::config::{self, Check, Getters, REPLACE_NULL_WITH_DEFAULT};
use crate::error::TransformError;
use crate::record::ConnectRecord;
use crate::util::{
    field_value, map_get, map_put, push_field, require_map, require_struct, SchemaCache,
    StructWriter,
};
use crate::Transformation;

const FIELDS: &str = "fields";
const PURPOSE: &str = "copying fields from value to key";

/// Checks performed by Kafka's validators.
pub(crate) const CHECKS: &[(&str, Check)] = &[(FIELDS, Check::NonEmptyList)];

/// `ValueToKey.CONFIG_DEF`.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(FIELDS, ConfigType::List)
                .importance(Importance::High)
                .doc("Field names on the record value to extract as the record key."),
        )
        .define(config::replace_null_with_default_key())
}

/// A configured `ValueToKey`.
#[derive(Debug)]
pub(crate) struct ValueToKey {
    fields: Vec<String>,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

impl ValueToKey {
    /// `configure(props)`.
    pub(crate) fn configure(props: &BTreeMap<String, String>) -> Result<ValueToKey, ConfigError> {
        let cfg = config::parse(&config_def(), CHECKS, "", props)?;
        Ok(ValueToKey {
            fields: cfg.req_list(FIELDS)?,
            replace_null_with_default: cfg.req_bool(REPLACE_NULL_WITH_DEFAULT)?,
            cache: SchemaCache::default(),
        })
    }
}

impl Transformation for ValueToKey {
    fn apply(&self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        if record.value_schema.is_none() {
            let value = require_map(&record.value, PURPOSE)?;
            let mut key = Vec::with_capacity(self.fields.len());
            for f in &self.fields {
                map_put(
                    &mut key,
                    f,
                    map_get(value, f).cloned().unwrap_or(Value::Null),
                );
            }
            record.key_schema = None;
            record.key = Value::Map(key);
        } else {
            let value = require_struct(&record.value, PURPOSE)?;
            let key_schema = self.cache.get_or_try_insert(value.schema(), || {
                let mut s = Schema::of(Type::Struct);
                for f in &self.fields {
                    let field = value.schema().field(f).ok_or_else(|| {
                        TransformError::data(format!("Field does not exist: {f}"))
                    })?;
                    push_field(&mut s, f, field.schema.clone());
                }
                Ok(s.into())
            })?;
            let mut w = StructWriter::new(&key_schema);
            for f in &self.fields {
                w.put(f, field_value(value, f, self.replace_null_with_default)?)?;
            }
            record.value_schema = Some(value.schema().clone());
            record.key = Value::Struct(w.finish());
            record.key_schema = Some(key_schema);
        }
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smt::testutil::{map, props, value_record};
    use ferry_data::{SchemaRef, Struct};

    #[test]
    fn schemaless() {
        let x = ValueToKey::configure(&props(&[("fields", "a,b")])).unwrap();
        let value = map(&[
            ("a", Value::Int32(1)),
            ("b", Value::Int32(2)),
            ("c", Value::Int32(3)),
        ]);
        let out = x.apply(value_record(None, value.clone())).unwrap().unwrap();
        assert_eq!(
            out.key,
            map(&[("a", Value::Int32(1)), ("b", Value::Int32(2))])
        );
        assert_eq!(out.value, value);
        assert_eq!(out.key_schema, None);
    }

    #[test]
    fn with_schema() {
        let x = ValueToKey::configure(&props(&[("fields", "a,b")])).unwrap();
        let schema = Schema::struct_builder()
            .field("a", Schema::primitive(Type::Int32))
            .field("b", Schema::primitive(Type::Int32))
            .field("c", Schema::primitive(Type::Int32))
            .build();
        let s = Struct::new(schema.clone())
            .unwrap()
            .with("a", 1)
            .unwrap()
            .with("b", 2)
            .unwrap()
            .with("c", 3)
            .unwrap();
        let out = x
            .apply(value_record(Some(schema.clone()), Value::Struct(s.clone())))
            .unwrap()
            .unwrap();
        let ks = out.key_schema.clone().unwrap();
        assert_eq!(ks.fields.len(), 2);
        let Value::Struct(k) = &out.key else { panic!() };
        assert_eq!(k.get("a").unwrap(), &Value::Int32(1));
        assert_eq!(k.get("b").unwrap(), &Value::Int32(2));
        let again = x
            .apply(value_record(Some(schema.clone()), Value::Struct(s.clone())))
            .unwrap()
            .unwrap();
        assert!(SchemaRef::ptr_eq(&ks, again.key_schema.as_ref().unwrap()));
        let bad = ValueToKey::configure(&props(&[("fields", "not_exist")])).unwrap();
        assert_eq!(
            bad.apply(value_record(Some(schema), Value::Struct(s)))
                .unwrap_err()
                .to_string(),
            "Field does not exist: not_exist"
        );
    }

    #[test]
    fn errors() {
        let x = ValueToKey::configure(&props(&[("fields", "a")])).unwrap();
        assert_eq!(
            x.apply(value_record(None, Value::Null)).unwrap_err().to_string(),
            "Only Map objects supported in absence of schema for [copying fields from value to key], found: null"
        );
        assert_eq!(
            ValueToKey::configure(&props(&[])).unwrap_err().to_string(),
            "Missing required configuration \"fields\" which has no default value."
        );
    }
}
