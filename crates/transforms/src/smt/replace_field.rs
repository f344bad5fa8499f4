//! `org.apache.kafka.connect.transforms.ReplaceField$Key` / `$Value`: drops, keeps and renames
//! fields.

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance};
use ferry_data::Value;

use crate::config::{self, parse_rename_mappings, Check, Getters, REPLACE_NULL_WITH_DEFAULT};
use crate::error::TransformError;
use crate::record::ConnectRecord;
use crate::util::{
    field_value, map_put, push_field, require_map, require_struct, struct_like, SchemaCache, Side,
    StructWriter,
};
use crate::Transformation;

const EXCLUDE: &str = "exclude";
const INCLUDE: &str = "include";
const RENAMES: &str = "renames";
const PURPOSE: &str = "field replacement";

/// Checks performed by Kafka's lambda validators.
pub(crate) const CHECKS: &[(&str, Check)] = &[(RENAMES, Check::RenameMappings)];

/// `ReplaceField.CONFIG_DEF`.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(EXCLUDE, ConfigType::List)
                .default_value("")
                .importance(Importance::Medium)
                .doc("Fields to exclude. This takes precedence over the fields to include."),
        )
        .define(
            ConfigKey::new(INCLUDE, ConfigType::List)
                .default_value("")
                .importance(Importance::Medium)
                .doc("Fields to include. If specified, only these fields will be used."),
        )
        .define(
            ConfigKey::new(RENAMES, ConfigType::List)
                .default_value("")
                .importance(Importance::Medium)
                .doc("Field rename mappings."),
        )
        .define(config::replace_null_with_default_key())
}

/// A configured `ReplaceField$Key` or `ReplaceField$Value`.
#[derive(Debug)]
pub(crate) struct ReplaceField {
    side: Side,
    exclude: Vec<String>,
    include: Vec<String>,
    renames: Vec<(String, String)>,
    replace_null_with_default: bool,
    cache: SchemaCache,
}

impl ReplaceField {
    /// `configure(props)`.
    pub(crate) fn configure(
        side: Side,
        props: &BTreeMap<String, String>,
    ) -> Result<ReplaceField, ConfigError> {
        let cfg = config::parse(&config_def(), CHECKS, "", props)?;
        Ok(ReplaceField {
            side,
            exclude: cfg.req_list(EXCLUDE)?,
            include: cfg.req_list(INCLUDE)?,
            renames: parse_rename_mappings(&cfg.req_list(RENAMES)?)?,
            replace_null_with_default: cfg.req_bool(REPLACE_NULL_WITH_DEFAULT)?,
            cache: SchemaCache::default(),
        })
    }

    fn filter(&self, name: &str) -> bool {
        !self.exclude.iter().any(|e| e == name)
            && (self.include.is_empty() || self.include.iter().any(|i| i == name))
    }

    fn renamed<'a>(&'a self, name: &'a str) -> &'a str {
        self.renames
            .iter()
            .find(|(old, _)| old == name)
            .map_or(name, |(_, new)| new.as_str())
    }

    fn reverse_renamed<'a>(&'a self, name: &'a str) -> &'a str {
        self.renames
            .iter()
            .rev()
            .find(|(_, new)| new == name)
            .map_or(name, |(old, _)| old.as_str())
    }
}

impl Transformation for ReplaceField {
    fn apply(&self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        if self.side.value(&record).is_null() {
            return Ok(Some(record));
        }
        let (schema, value) = self.side.take(&mut record);
        match schema {
            None => {
                let original = require_map(&value, PURPOSE)?;
                let mut updated = Vec::with_capacity(original.len());
                for (k, v) in original {
                    let name = match k {
                        Value::String(s) => s.as_str(),
                        _ => continue,
                    };
                    if self.filter(name) {
                        map_put(&mut updated, self.renamed(name), v.clone());
                    }
                }
                self.side.set(&mut record, None, Value::Map(updated));
            }
            Some(_) => {
                let s = require_struct(&value, PURPOSE)?;
                let updated = self.cache.get_or_try_insert(s.schema(), || {
                    let mut out = struct_like(s.schema());
                    for f in s.schema().fields.iter().filter(|f| self.filter(&f.name)) {
                        push_field(&mut out, self.renamed(&f.name), f.schema.clone());
                    }
                    Ok(out.into())
                })?;
                let mut w = StructWriter::new(&updated);
                for f in &updated.fields {
                    let v = field_value(
                        s,
                        self.reverse_renamed(&f.name),
                        self.replace_null_with_default,
                    )?;
                    w.put(&f.name, v)?;
                }
                self.side.set(
                    &mut record,
                    Some(updated.clone()),
                    Value::Struct(w.finish()),
                );
            }
        }
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smt::testutil::{map, props, value_record};
    use ferry_data::{Schema, Struct, Type};

    #[test]
    fn schemaless() {
        let x = ReplaceField::configure(
            Side::Value,
            &props(&[("exclude", "dont"), ("renames", "abc:xyz,foo:bar")]),
        )
        .unwrap();
        let value = map(&[
            ("dont", Value::from("whatever")),
            ("abc", Value::Int32(42)),
            ("foo", Value::Boolean(true)),
            ("etc", Value::from("etc")),
        ]);
        let out = x.apply(value_record(None, value)).unwrap().unwrap();
        assert_eq!(
            out.value,
            map(&[
                ("xyz", Value::Int32(42)),
                ("bar", Value::Boolean(true)),
                ("etc", Value::from("etc"))
            ])
        );
        let inc = ReplaceField::configure(
            Side::Value,
            &props(&[("include", "abc,foo"), ("exclude", "foo")]),
        )
        .unwrap();
        let out = inc
            .apply(value_record(
                None,
                map(&[
                    ("abc", Value::Int32(1)),
                    ("foo", Value::Int32(2)),
                    ("x", Value::Int32(3)),
                ]),
            ))
            .unwrap()
            .unwrap();
        assert_eq!(out.value, map(&[("abc", Value::Int32(1))]));
        let tomb = value_record(None, Value::Null);
        assert_eq!(x.apply(tomb.clone()).unwrap().unwrap(), tomb);
    }

    #[test]
    fn with_schema() {
        let x = ReplaceField::configure(
            Side::Value,
            &props(&[("include", "abc,foo,etc"), ("renames", "abc:xyz,foo:bar")]),
        )
        .unwrap();
        let schema = Schema::struct_builder()
            .field("dont", Schema::primitive(Type::String))
            .field("abc", Schema::primitive(Type::Int32))
            .field("foo", Schema::primitive(Type::Boolean))
            .field("etc", Schema::primitive(Type::String))
            .build();
        let s = Struct::new(schema.clone())
            .unwrap()
            .with("dont", "whatever")
            .unwrap()
            .with("abc", 42)
            .unwrap()
            .with("foo", true)
            .unwrap()
            .with("etc", "etc")
            .unwrap();
        let out = x
            .apply(value_record(Some(schema), Value::Struct(s)))
            .unwrap()
            .unwrap();
        let us = out.value_schema.unwrap();
        let names: Vec<&str> = us.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["xyz", "bar", "etc"]);
        let Value::Struct(o) = &out.value else {
            panic!()
        };
        assert_eq!(o.get("xyz").unwrap(), &Value::Int32(42));
        assert_eq!(o.get("bar").unwrap(), &Value::Boolean(true));
        assert_eq!(o.get("etc").unwrap(), &Value::from("etc"));
    }

    #[test]
    fn config_errors() {
        assert_eq!(
            ReplaceField::configure(Side::Value, &props(&[("renames", "a:b:c")]))
                .unwrap_err()
                .to_string(),
            "Invalid value [a:b:c] for configuration renames: Invalid rename mapping: a:b:c"
        );
    }
}
