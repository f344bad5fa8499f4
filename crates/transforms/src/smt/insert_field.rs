//! `org.apache.kafka.connect.transforms.InsertField$Key` / `$Value`: adds fields with the topic,
//! partition, offset, timestamp or a static value.

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance};
use ferry_data::{logical, Schema, SchemaRef, Type, Value};

use crate::config::{self, Getters, REPLACE_NULL_WITH_DEFAULT};
use crate::error::TransformError;
use crate::record::ConnectRecord;
use crate::util::{
    field_value, map_put, push_field, require_map, require_struct, struct_like, SchemaCache, Side,
    StructWriter,
};
use crate::Transformation;

const TOPIC_FIELD: &str = "topic.field";
const PARTITION_FIELD: &str = "partition.field";
const OFFSET_FIELD: &str = "offset.field";
const TIMESTAMP_FIELD: &str = "timestamp.field";
const STATIC_FIELD: &str = "static.field";
const STATIC_VALUE: &str = "static.value";
const PURPOSE: &str = "field insertion";
const OPTIONALITY_DOC: &str = "Suffix with <code>!</code> to make this a required field, or <code>?</code> to keep it optional (the default).";

fn key(name: &str, doc: String) -> ConfigKey {
    ConfigKey::new(name, ConfigType::String)
        .default_null()
        .importance(Importance::Medium)
        .doc(doc)
}

/// `InsertField.CONFIG_DEF`.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(key(TOPIC_FIELD, format!("Field name for Kafka topic. {OPTIONALITY_DOC}")))
        .define(key(PARTITION_FIELD, format!("Field name for Kafka partition. {OPTIONALITY_DOC}")))
        .define(key(OFFSET_FIELD, format!("Field name for Kafka offset - only applicable to sink connectors.<br/>{OPTIONALITY_DOC}")))
        .define(key(TIMESTAMP_FIELD, format!("Field name for record timestamp. {OPTIONALITY_DOC}")))
        .define(key(STATIC_FIELD, format!("Field name for static data field. {OPTIONALITY_DOC}")))
        .define(key(STATIC_VALUE, "Static field value, if field name configured.".to_owned()))
        .define(config::replace_null_with_default_key())
}

/// `InsertionSpec`: a field name and whether it is optional (`?`, the default) or required (`!`).
#[derive(Debug, Clone)]
struct Spec {
    name: String,
    optional: bool,
}

impl Spec {
    fn parse(spec: Option<String>) -> Option<Spec> {
        let spec = spec?;
        Some(if let Some(name) = spec.strip_suffix('?') {
            Spec {
                name: name.to_owned(),
                optional: true,
            }
        } else if let Some(name) = spec.strip_suffix('!') {
            Spec {
                name: name.to_owned(),
                optional: false,
            }
        } else {
            Spec {
                name: spec,
                optional: true,
            }
        })
    }

    fn schema(&self, ty: Type) -> SchemaRef {
        if self.optional {
            Schema::optional_primitive(ty)
        } else {
            Schema::primitive(ty)
        }
    }
}

/// A configured `InsertField$Key` or `InsertField$Value`.
#[derive(Debug)]
pub(crate) struct InsertField {
    side: Side,
    topic: Option<Spec>,
    partition: Option<Spec>,
    offset: Option<Spec>,
    timestamp: Option<Spec>,
    static_field: Option<Spec>,
    static_value: Option<String>,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

impl InsertField {
    /// `configure(props)`.
    pub(crate) fn configure(
        side: Side,
        props: &BTreeMap<String, String>,
    ) -> Result<InsertField, ConfigError> {
        let cfg = config::parse(&config_def(), &[], "", props)?;
        let x = InsertField {
            side,
            topic: Spec::parse(cfg.opt_string(TOPIC_FIELD)?),
            partition: Spec::parse(cfg.opt_string(PARTITION_FIELD)?),
            offset: Spec::parse(cfg.opt_string(OFFSET_FIELD)?),
            timestamp: Spec::parse(cfg.opt_string(TIMESTAMP_FIELD)?),
            static_field: Spec::parse(cfg.opt_string(STATIC_FIELD)?),
            static_value: cfg.opt_string(STATIC_VALUE)?,
            replace_null_with_default: cfg.req_bool(REPLACE_NULL_WITH_DEFAULT)?,
            cache: SchemaCache::default(),
        };
        if x.topic.is_none()
            && x.partition.is_none()
            && x.offset.is_none()
            && x.timestamp.is_none()
            && x.static_field.is_none()
        {
            return Err(ConfigError::Other(
                "No field insertion configured".to_owned(),
            ));
        }
        if let (Some(f), None) = (&x.static_field, &x.static_value) {
            return Err(ConfigError::invalid(
                STATIC_VALUE,
                "null",
                format!("No value specified for static field: {}", f.name),
            ));
        }
        Ok(x)
    }

    fn offset_value(&self, record: &ConnectRecord) -> Result<i64, TransformError> {
        record.kafka_offset.ok_or_else(|| {
            TransformError::data(format!(
                "Only SinkRecord supported for [{PURPOSE}], found: org.apache.kafka.connect.source.SourceRecord"
            ))
        })
    }

    /// The inserted (name, value) pairs, in Kafka's order.
    fn insertions(
        &self,
        record: &ConnectRecord,
        timestamp: impl Fn(i64) -> Value,
    ) -> Result<Vec<(String, Value)>, TransformError> {
        let mut out = Vec::new();
        if let Some(f) = &self.topic {
            out.push((f.name.clone(), Value::String(record.topic.clone())));
        }
        if let (Some(f), Some(p)) = (&self.partition, record.kafka_partition) {
            out.push((f.name.clone(), Value::Int32(p)));
        }
        if let Some(f) = &self.offset {
            out.push((f.name.clone(), Value::Int64(self.offset_value(record)?)));
        }
        if let (Some(f), Some(t)) = (&self.timestamp, record.timestamp) {
            out.push((f.name.clone(), timestamp(t)));
        }
        if let (Some(f), Some(v)) = (&self.static_field, &self.static_value) {
            out.push((f.name.clone(), Value::String(v.clone())));
        }
        Ok(out)
    }

    fn build_schema(&self, schema: &ferry_data::Schema) -> SchemaRef {
        let mut out = struct_like(schema);
        for f in &schema.fields {
            push_field(&mut out, &f.name, f.schema.clone());
        }
        if let Some(f) = &self.topic {
            push_field(&mut out, &f.name, f.schema(Type::String));
        }
        if let Some(f) = &self.partition {
            push_field(&mut out, &f.name, f.schema(Type::Int32));
        }
        if let Some(f) = &self.offset {
            push_field(&mut out, &f.name, f.schema(Type::Int64));
        }
        if let Some(f) = &self.timestamp {
            let b = logical::timestamp();
            push_field(
                &mut out,
                &f.name,
                if f.optional {
                    b.optional().build()
                } else {
                    b.build()
                },
            );
        }
        if let Some(f) = &self.static_field {
            push_field(&mut out, &f.name, f.schema(Type::String));
        }
        out.into()
    }
}

impl Transformation for InsertField {
    fn apply(&self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        if self.side.value(&record).is_null() {
            return Ok(Some(record));
        }
        let (schema, value) = self.side.take(&mut record);
        match schema {
            None => {
                let mut updated = require_map(&value, PURPOSE)?.clone();
                for (name, v) in self.insertions(&record, Value::Int64)? {
                    map_put(&mut updated, &name, v);
                }
                self.side.set(&mut record, None, Value::Map(updated));
            }
            Some(_) => {
                let s = require_struct(&value, PURPOSE)?;
                let updated = self
                    .cache
                    .get_or_try_insert(s.schema(), || Ok(self.build_schema(s.schema())))?;
                let mut w = StructWriter::new(&updated);
                for f in &s.schema().fields {
                    w.put(
                        &f.name,
                        field_value(s, &f.name, self.replace_null_with_default)?,
                    )?;
                }
                for (name, v) in self.insertions(&record, Value::Timestamp)? {
                    w.put(&name, v)?;
                }
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
    use crate::smt::testutil::{map, props, value_record};
    use ferry_data::Struct;

    fn all() -> BTreeMap<String, String> {
        props(&[
            ("topic.field", "topic_field!"),
            ("partition.field", "partition_field"),
            ("timestamp.field", "timestamp_field?"),
            ("static.field", "instance_id"),
            ("static.value", "my-instance-id"),
        ])
    }

    #[test]
    fn with_schema() {
        let x = InsertField::configure(Side::Value, &all()).unwrap();
        let schema = Schema::struct_builder()
            .name("name")
            .version(1)
            .doc("doc")
            .field("magic", Schema::optional_primitive(Type::Int64))
            .build();
        let s = Struct::new(schema.clone())
            .unwrap()
            .with("magic", 42i64)
            .unwrap();
        let mut r = value_record(Some(schema.clone()), Value::Struct(s));
        r.timestamp = Some(1_483_425_001_864);
        let out = x.apply(r.clone()).unwrap().unwrap();
        let us = out.value_schema.clone().unwrap();
        assert_eq!(us.name.as_deref(), Some("name"));
        assert_eq!(us.version, Some(1));
        assert_eq!(us.doc.as_deref(), Some("doc"));
        assert_eq!(
            us.field("topic_field").unwrap().schema,
            Schema::primitive(Type::String)
        );
        assert_eq!(
            us.field("partition_field").unwrap().schema,
            Schema::optional_primitive(Type::Int32)
        );
        assert_eq!(
            us.field("timestamp_field").unwrap().schema,
            logical::timestamp().optional().build()
        );
        assert_eq!(
            us.field("instance_id").unwrap().schema,
            Schema::optional_primitive(Type::String)
        );
        match &out.value {
            Value::Struct(v) => {
                assert_eq!(v.get("magic").unwrap(), &Value::Int64(42));
                assert_eq!(v.get("topic_field").unwrap(), &Value::from("topic"));
                assert_eq!(v.get("partition_field").unwrap(), &Value::Int32(0));
                assert_eq!(
                    v.get("timestamp_field").unwrap(),
                    &Value::Timestamp(1_483_425_001_864)
                );
                assert_eq!(
                    v.get("instance_id").unwrap(),
                    &Value::from("my-instance-id")
                );
            }
            other => panic!("{other:?}"),
        }
        let again = x.apply(r).unwrap().unwrap();
        assert!(SchemaRef::ptr_eq(&us, again.value_schema.as_ref().unwrap()));
    }

    #[test]
    fn schemaless_and_tombstone() {
        let x = InsertField::configure(Side::Value, &all()).unwrap();
        let mut r = value_record(None, map(&[("magic", Value::Int64(42))]));
        r.timestamp = Some(1_483_425_001_864);
        let out = x.apply(r).unwrap().unwrap();
        assert_eq!(
            out.value,
            map(&[
                ("magic", Value::Int64(42)),
                ("topic_field", Value::from("topic")),
                ("partition_field", Value::Int32(0)),
                ("timestamp_field", Value::Int64(1_483_425_001_864)),
                ("instance_id", Value::from("my-instance-id")),
            ])
        );
        let tomb = value_record(None, Value::Null);
        assert_eq!(x.apply(tomb.clone()).unwrap().unwrap(), tomb);
    }

    #[test]
    fn offset_requires_sink_record() {
        let x = InsertField::configure(Side::Value, &props(&[("offset.field", "off")])).unwrap();
        let r = value_record(None, map(&[]));
        assert_eq!(
            x.apply(r.clone()).unwrap_err().to_string(),
            "Only SinkRecord supported for [field insertion], found: org.apache.kafka.connect.source.SourceRecord"
        );
        let mut sink = r;
        sink.kafka_offset = Some(7);
        assert_eq!(
            x.apply(sink).unwrap().unwrap().value,
            map(&[("off", Value::Int64(7))])
        );
    }

    #[test]
    fn config_errors() {
        assert_eq!(
            InsertField::configure(Side::Value, &props(&[]))
                .unwrap_err()
                .to_string(),
            "No field insertion configured"
        );
        assert_eq!(
            InsertField::configure(Side::Value, &props(&[("static.field", "s")])).unwrap_err().to_string(),
            "Invalid value null for configuration static.value: No value specified for static field: s"
        );
    }
}
