//! Connect schema → Avro schema JSON, as Confluent's `AvroData.fromConnectSchema` writes it:
//! optional = `["null", T]` with default null, INT8/INT16 = `int` with `connect.type`, logical
//! types as Avro logical types (decimal bytes with `precision`/`scale`, `date`,
//! `time-millis`, `timestamp-millis`), unnamed structs named
//! `io.confluent.connect.avro.ConnectDefault` (then `ConnectDefault2`, …), maps with non-string
//! keys as arrays of `MapEntry` records, and `connect.*` properties on the types.

use std::collections::HashSet;

use ferry_plugin_sdk::data::logical::Logical;
use ferry_plugin_sdk::data::{Schema, Type};
use serde_json::{json, Map, Value as Json};

const NAMESPACE: &str = "io.confluent.connect.avro";
/// Confluent's default precision for Connect decimals without `connect.decimal.precision`.
pub const DEFAULT_DECIMAL_PRECISION: u32 = 64;
const PRECISION_PARAM: &str = "connect.decimal.precision";

/// The Avro schema JSON of a Connect schema.
pub fn avro_schema(schema: &Schema) -> Json {
    Builder::default().schema(schema)
}

/// The precision written for a decimal schema.
pub fn decimal_precision(schema: &Schema) -> u32 {
    schema
        .parameter(PRECISION_PARAM)
        .and_then(|p| p.parse().ok())
        .unwrap_or(DEFAULT_DECIMAL_PRECISION)
}

#[derive(Default)]
struct Builder {
    defined: HashSet<String>,
    default_names: usize,
    map_entries: usize,
}

/// Avro names: `[A-Za-z_][A-Za-z0-9_]*` per dot-separated part; anything else becomes `_`.
fn sanitize(name: &str) -> String {
    name.split('.')
        .map(|part| {
            let mut s: String = part
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
                s.insert(0, '_');
            }
            s
        })
        .collect::<Vec<_>>()
        .join(".")
}

impl Builder {
    fn schema(&mut self, schema: &Schema) -> Json {
        let base = self.non_null(schema);
        if schema.optional {
            json!(["null", base])
        } else {
            base
        }
    }

    fn connect_props(schema: &Schema, obj: &mut Map<String, Json>) {
        if let Some(v) = schema.version {
            obj.insert("connect.version".into(), json!(v));
        }
        if let Some(d) = &schema.doc {
            obj.insert("connect.doc".into(), json!(d));
        }
        if !schema.parameters.is_empty() {
            let params: Map<String, Json> = schema
                .parameters
                .iter()
                .map(|(k, v)| (k.clone(), json!(v)))
                .collect();
            obj.insert("connect.parameters".into(), Json::Object(params));
        }
        if let Some(n) = &schema.name {
            obj.insert("connect.name".into(), json!(n));
        }
    }

    fn primitive(schema: &Schema, avro: &str, extra: &[(&str, Json)]) -> Json {
        let mut obj = Map::new();
        obj.insert("type".into(), json!(avro));
        for (k, v) in extra {
            obj.insert((*k).into(), v.clone());
        }
        Self::connect_props(schema, &mut obj);
        if obj.len() == 1 {
            json!(avro)
        } else {
            Json::Object(obj)
        }
    }

    fn non_null(&mut self, schema: &Schema) -> Json {
        match Logical::of(schema) {
            Some(Logical::Decimal { scale }) => {
                let precision = decimal_precision(schema);
                return Self::primitive(
                    schema,
                    "bytes",
                    &[
                        ("scale", json!(scale)),
                        ("precision", json!(precision)),
                        ("logicalType", json!("decimal")),
                    ],
                );
            }
            Some(Logical::Date) => {
                return Self::primitive(schema, "int", &[("logicalType", json!("date"))])
            }
            Some(Logical::Time) => {
                return Self::primitive(schema, "int", &[("logicalType", json!("time-millis"))])
            }
            Some(Logical::Timestamp) => {
                return Self::primitive(
                    schema,
                    "long",
                    &[("logicalType", json!("timestamp-millis"))],
                )
            }
            None => {}
        }
        match schema.ty {
            Type::Int8 => Self::primitive(schema, "int", &[("connect.type", json!("int8"))]),
            Type::Int16 => Self::primitive(schema, "int", &[("connect.type", json!("int16"))]),
            Type::Int32 => Self::primitive(schema, "int", &[]),
            Type::Int64 => Self::primitive(schema, "long", &[]),
            Type::Float32 => Self::primitive(schema, "float", &[]),
            Type::Float64 => Self::primitive(schema, "double", &[]),
            Type::Boolean => Self::primitive(schema, "boolean", &[]),
            Type::String => Self::primitive(schema, "string", &[]),
            Type::Bytes => Self::primitive(schema, "bytes", &[]),
            Type::Array => {
                let items = schema
                    .value_schema
                    .as_deref()
                    .map_or(json!("null"), |s| self.schema(s));
                json!({"type": "array", "items": items})
            }
            Type::Map => self.map(schema),
            Type::Struct => self.record(schema),
        }
    }

    fn map(&mut self, schema: &Schema) -> Json {
        let key = schema.key_schema.as_deref();
        let values = schema
            .value_schema
            .as_deref()
            .map_or(json!("null"), |s| self.schema(s));
        if key.is_some_and(|k| k.ty == Type::String && !k.optional && k.name.is_none()) {
            return json!({"type": "map", "values": values});
        }
        self.map_entries += 1;
        let name = if self.map_entries > 1 {
            format!("MapEntry{}", self.map_entries)
        } else {
            "MapEntry".to_owned()
        };
        let key = key.map_or(json!("null"), |k| self.schema(k));
        json!({"type": "array", "items": {
            "type": "record", "name": name, "namespace": NAMESPACE,
            "fields": [{"name": "key", "type": key}, {"name": "value", "type": values}]
        }})
    }

    fn record(&mut self, schema: &Schema) -> Json {
        let full_name = match &schema.name {
            Some(n) => sanitize(n),
            None => {
                self.default_names += 1;
                if self.default_names > 1 {
                    format!("{NAMESPACE}.ConnectDefault{}", self.default_names)
                } else {
                    format!("{NAMESPACE}.ConnectDefault")
                }
            }
        };
        if !self.defined.insert(full_name.clone()) {
            return json!(full_name);
        }
        let fields: Vec<Json> = schema
            .fields
            .iter()
            .map(|f| {
                let mut field = Map::new();
                field.insert("name".into(), json!(sanitize(&f.name).replace('.', "_")));
                field.insert("type".into(), self.schema(&f.schema));
                if f.schema.optional {
                    field.insert("default".into(), Json::Null);
                }
                Json::Object(field)
            })
            .collect();
        let mut obj = Map::new();
        obj.insert("type".into(), json!("record"));
        obj.insert("name".into(), json!(full_name));
        obj.insert("fields".into(), Json::Array(fields));
        if let Some(d) = &schema.doc {
            obj.insert("doc".into(), json!(d));
        }
        Self::connect_props(schema, &mut obj);
        Json::Object(obj)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use ferry_plugin_sdk::data::logical;

    #[test]
    fn structs_logical_types_and_optionals_map_like_confluents() {
        let s = Schema::struct_builder()
            .name("accounts")
            .field("id", Schema::primitive(Type::Int64))
            .field("name", Schema::optional_primitive(Type::String))
            .field("amount", logical::decimal(2).build())
            .field("ts", logical::timestamp().build())
            .field("tiny", Schema::primitive(Type::Int8))
            .build();
        let j = avro_schema(&s);
        assert_eq!(j["name"], "accounts");
        assert_eq!(j["fields"][0]["type"], "long");
        assert_eq!(j["fields"][1]["type"], json!(["null", "string"]));
        assert_eq!(j["fields"][1]["default"], Json::Null);
        assert_eq!(j["fields"][2]["type"]["logicalType"], "decimal");
        assert_eq!(j["fields"][2]["type"]["precision"], 64);
        assert_eq!(j["fields"][2]["type"]["scale"], 2);
        assert_eq!(j["fields"][3]["type"]["logicalType"], "timestamp-millis");
        assert_eq!(j["fields"][4]["type"]["connect.type"], "int8");
    }

    #[test]
    fn unnamed_structs_get_connect_default_names() {
        let inner = Schema::struct_builder()
            .field("a", Schema::primitive(Type::Int32))
            .build();
        let s = Schema::struct_builder().field("x", inner.clone()).build();
        let j = avro_schema(&s);
        assert_eq!(j["name"], "io.confluent.connect.avro.ConnectDefault");
        assert_eq!(
            j["fields"][0]["type"]["name"],
            "io.confluent.connect.avro.ConnectDefault2"
        );
    }
}
