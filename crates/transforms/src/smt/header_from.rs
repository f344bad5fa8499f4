//! `org.apache.kafka.connect.transforms.HeaderFrom$Key` / `$Value`: copies or moves fields of the
//! key or value into headers.

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, Validator};
use ferry_data::Value;

use crate::config::{self, Check, Getters, REPLACE_NULL_WITH_DEFAULT};
use crate::error::TransformError;
use crate::record::{ConnectRecord, Header};
use crate::util::{
    field_value, map_get, map_remove, push_field, require_map, require_struct, struct_like,
    SchemaCache, Side, StructWriter,
};
use crate::Transformation;

const FIELDS: &str = "fields";
const HEADERS: &str = "headers";
const OPERATION: &str = "operation";

/// Checks performed by Kafka's validators.
pub(crate) const CHECKS: &[(&str, Check)] = &[
    (FIELDS, Check::NonEmptyList),
    (HEADERS, Check::NonEmptyList),
];

/// `HeaderFrom.CONFIG_DEF`.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(FIELDS, ConfigType::List)
                .importance(Importance::High)
                .doc("Field names in the record whose values are to be copied or moved to headers."),
        )
        .define(
            ConfigKey::new(HEADERS, ConfigType::List)
                .importance(Importance::High)
                .doc("Header names, in the same order as the field names listed in the fields configuration property."),
        )
        .define(
            ConfigKey::new(OPERATION, ConfigType::String)
                .validator(Validator::valid_string(&["move", "copy"]))
                .importance(Importance::High)
                .doc("Either <code>move</code> if the fields are to be moved to the headers (removed from the key/value), or <code>copy</code> if the fields are to be copied to the headers (retained in the key/value)."),
        )
        .define(config::replace_null_with_default_key())
}

/// A configured `HeaderFrom$Key` or `HeaderFrom$Value`.
#[derive(Debug)]
pub(crate) struct HeaderFrom {
    side: Side,
    fields: Vec<String>,
    headers: Vec<String>,
    is_move: bool,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

impl HeaderFrom {
    /// `configure(props)`.
    pub(crate) fn configure(
        side: Side,
        props: &BTreeMap<String, String>,
    ) -> Result<HeaderFrom, ConfigError> {
        let cfg = config::parse(&config_def(), CHECKS, "", props)?;
        let fields = cfg.req_list(FIELDS)?;
        let headers = cfg.req_list(HEADERS)?;
        if fields.len() != headers.len() {
            return Err(ConfigError::Other(
                "'fields' config must have the same number of elements as 'headers' config."
                    .to_owned(),
            ));
        }
        Ok(HeaderFrom {
            side,
            fields,
            headers,
            is_move: cfg.req_string(OPERATION)? == "move",
            replace_null_with_default: cfg.req_bool(REPLACE_NULL_WITH_DEFAULT)?,
            cache: SchemaCache::default(),
        })
    }
}

impl Transformation for HeaderFrom {
    fn apply(&self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let purpose = if self.is_move {
            "header move"
        } else {
            "header copy"
        };
        let (schema, value) = self.side.take(&mut record);
        match schema {
            None => {
                let original = require_map(&value, purpose)?;
                let mut updated = original.clone();
                for (field, header) in self.fields.iter().zip(&self.headers) {
                    let v = map_get(original, field).cloned().unwrap_or(Value::Null);
                    if self.is_move {
                        map_remove(&mut updated, field);
                    }
                    record.headers.push(Header::new(header.clone(), None, v));
                }
                self.side.set(&mut record, None, Value::Map(updated));
            }
            Some(schema) => {
                let s = require_struct(&value, purpose)?;
                let (updated_schema, updated_value) = if self.is_move {
                    let moved = self.cache.get_or_try_insert(&schema, || {
                        let mut out = struct_like(&schema);
                        for f in schema
                            .fields
                            .iter()
                            .filter(|f| !self.fields.contains(&f.name))
                        {
                            push_field(&mut out, &f.name, f.schema.clone());
                        }
                        Ok(out.into())
                    })?;
                    let mut w = StructWriter::new(&moved);
                    for f in &moved.fields {
                        w.put(
                            &f.name,
                            field_value(s, &f.name, self.replace_null_with_default)?,
                        )?;
                    }
                    (moved, Value::Struct(w.finish()))
                } else {
                    (schema.clone(), value.clone())
                };
                for (field, header) in self.fields.iter().zip(&self.headers) {
                    let field_schema = schema
                        .field(field)
                        .ok_or_else(|| {
                            TransformError::data(format!("Field does not exist: {field}"))
                        })?
                        .schema
                        .clone();
                    let v = field_value(s, field, self.replace_null_with_default)?;
                    record
                        .headers
                        .push(Header::new(header.clone(), Some(field_schema), v));
                }
                self.side
                    .set(&mut record, Some(updated_schema), updated_value);
            }
        }
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smt::testutil::{map, props, value_record};
    use ferry_data::{Schema, SchemaRef, Struct, Type};

    fn cfg(op: &str) -> BTreeMap<String, String> {
        props(&[
            ("fields", "field1,field2"),
            ("headers", "inserted1,inserted2"),
            ("operation", op),
        ])
    }

    #[test]
    fn schemaless_copy_and_move() {
        let value = map(&[
            ("field1", Value::from("a")),
            ("field2", Value::Int32(2)),
            ("x", Value::Null),
        ]);
        let copy = HeaderFrom::configure(Side::Value, &cfg("copy")).unwrap();
        let out = copy
            .apply(value_record(None, value.clone()))
            .unwrap()
            .unwrap();
        assert_eq!(out.value, value);
        assert_eq!(
            out.headers[0],
            Header::new("inserted1", None, Value::from("a"))
        );
        assert_eq!(
            out.headers[1],
            Header::new("inserted2", None, Value::Int32(2))
        );
        let mv = HeaderFrom::configure(Side::Value, &cfg("move")).unwrap();
        let out = mv.apply(value_record(None, value)).unwrap().unwrap();
        assert_eq!(out.value, map(&[("x", Value::Null)]));
        assert_eq!(out.headers.len(), 2);
    }

    #[test]
    fn with_schema_move() {
        let schema = Schema::struct_builder()
            .name("n")
            .field("field1", Schema::primitive(Type::String))
            .field("field2", Schema::primitive(Type::Int32))
            .field("keep", Schema::primitive(Type::Boolean))
            .build();
        let s = Struct::new(schema.clone())
            .unwrap()
            .with("field1", "a")
            .unwrap()
            .with("field2", 2)
            .unwrap()
            .with("keep", true)
            .unwrap();
        let mv = HeaderFrom::configure(Side::Value, &cfg("move")).unwrap();
        let out = mv
            .apply(value_record(Some(schema.clone()), Value::Struct(s.clone())))
            .unwrap()
            .unwrap();
        let moved = out.value_schema.clone().unwrap();
        assert_eq!(moved.fields.len(), 1);
        assert_eq!(moved.name.as_deref(), Some("n"));
        assert_eq!(
            out.headers[1],
            Header::new(
                "inserted2",
                Some(Schema::primitive(Type::Int32)),
                Value::Int32(2)
            )
        );
        let again = mv
            .apply(value_record(Some(schema.clone()), Value::Struct(s.clone())))
            .unwrap()
            .unwrap();
        assert!(SchemaRef::ptr_eq(
            &moved,
            again.value_schema.as_ref().unwrap()
        ));
        let copy = HeaderFrom::configure(Side::Value, &cfg("copy")).unwrap();
        let out = copy
            .apply(value_record(Some(schema.clone()), Value::Struct(s)))
            .unwrap()
            .unwrap();
        assert_eq!(out.value_schema, Some(schema));
        assert_eq!(
            copy.apply(value_record(
                Some(Schema::primitive(Type::Int32)),
                Value::Null
            ))
            .unwrap_err()
            .to_string(),
            "Only Struct objects supported for [header copy], found: null"
        );
    }

    #[test]
    fn config_errors() {
        assert_eq!(
            HeaderFrom::configure(
                Side::Value,
                &props(&[("fields", "a,b"), ("headers", "h"), ("operation", "copy")])
            )
            .unwrap_err()
            .to_string(),
            "'fields' config must have the same number of elements as 'headers' config."
        );
        assert_eq!(
            HeaderFrom::configure(
                Side::Value,
                &props(&[("fields", "a"), ("headers", "h"), ("operation", "cut")])
            )
            .unwrap_err()
            .to_string(),
            "Invalid value cut for configuration operation: String must be one of: move, copy"
        );
    }
}
