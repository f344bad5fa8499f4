//! Golden vectors for the JsonConverter, from Kafka's `JsonConverterTest`: the exact bytes
//! Kafka writes for Connect data, and the Connect data Kafka reads from JSON.

use ferry_data::{logical, Schema, SchemaRef, Struct, Type, Value};
use num_bigint::BigInt;

use super::JsonConverter;
use crate::{Converter, ConverterConfig, HeaderConverter};

fn converter(pairs: &[(&str, &str)]) -> JsonConverter {
    let config: ConverterConfig = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    JsonConverter::new(&config).unwrap()
}

fn encode(c: &JsonConverter, schema: Option<&SchemaRef>, value: &Value) -> String {
    let bytes = c.from_connect("topic", schema, value).unwrap().unwrap();
    String::from_utf8(bytes).unwrap()
}

fn decode(c: &JsonConverter, json: &str) -> (Option<SchemaRef>, Value) {
    c.to_connect("topic", Some(json.as_bytes()))
        .unwrap_or_else(|e| panic!("{json}: {e}"))
}

fn decode_err(c: &JsonConverter, json: &str) -> String {
    c.to_connect("topic", Some(json.as_bytes()))
        .unwrap_err()
        .to_string()
}

fn encode_err(c: &JsonConverter, schema: Option<&SchemaRef>, value: &Value) -> String {
    c.from_connect("topic", schema, value)
        .unwrap_err()
        .to_string()
}

fn prim(ty: Type) -> SchemaRef {
    Schema::primitive(ty)
}

fn opt(ty: Type) -> SchemaRef {
    Schema::optional_primitive(ty)
}

fn decimal(unscaled: i64, scale: i32) -> Value {
    Value::Decimal(BigInt::from(unscaled), scale)
}

fn four_field_struct() -> (SchemaRef, Value) {
    let schema = Schema::struct_builder()
        .field("field1", prim(Type::Boolean))
        .field("field2", prim(Type::String))
        .field("field3", prim(Type::String))
        .field("field4", prim(Type::Boolean))
        .build();
    let value = Struct::new(schema.clone())
        .and_then(|s| s.with("field1", true))
        .and_then(|s| s.with("field2", "string2"))
        .and_then(|s| s.with("field3", "string3"))
        .and_then(|s| s.with("field4", false))
        .unwrap();
    (schema, Value::Struct(value))
}

/// Vectors that hold both ways with the default configuration: Kafka writes exactly this JSON
/// for this data, and reads this data from it.
fn symmetric_vectors() -> Vec<(&'static str, Option<SchemaRef>, Value)> {
    let metadata = Schema::builder(Type::Boolean)
        .name("bool")
        .version(3)
        .doc("the documentation")
        .parameter("foo", "bar")
        .build();
    let (struct_schema, struct_value) = four_field_struct();
    vec![
        (
            r#"{"schema":{"type":"boolean","optional":false},"payload":true}"#,
            Some(prim(Type::Boolean)),
            Value::Boolean(true),
        ),
        (
            r#"{"schema":{"type":"boolean","optional":false},"payload":false}"#,
            Some(prim(Type::Boolean)),
            Value::Boolean(false),
        ),
        (
            r#"{"schema":{"type":"boolean","optional":true},"payload":null}"#,
            Some(opt(Type::Boolean)),
            Value::Null,
        ),
        (
            r#"{"schema":{"type":"boolean","optional":false,"default":true},"payload":true}"#,
            Some(
                Schema::builder(Type::Boolean)
                    .default_value(Value::Boolean(true))
                    .build(),
            ),
            Value::Boolean(true),
        ),
        (
            r#"{"schema":{"type":"boolean","optional":false,"name":"bool","version":3,"doc":"the documentation","parameters":{"foo":"bar"}},"payload":true}"#,
            Some(metadata),
            Value::Boolean(true),
        ),
        (
            r#"{"schema":{"type":"int8","optional":false},"payload":12}"#,
            Some(prim(Type::Int8)),
            Value::Int8(12),
        ),
        (
            r#"{"schema":{"type":"int8","optional":false},"payload":-128}"#,
            Some(prim(Type::Int8)),
            Value::Int8(-128),
        ),
        (
            r#"{"schema":{"type":"int16","optional":false},"payload":12}"#,
            Some(prim(Type::Int16)),
            Value::Int16(12),
        ),
        (
            r#"{"schema":{"type":"int32","optional":false},"payload":12}"#,
            Some(prim(Type::Int32)),
            Value::Int32(12),
        ),
        (
            r#"{"schema":{"type":"int64","optional":false},"payload":4398046511104}"#,
            Some(prim(Type::Int64)),
            Value::Int64(4398046511104),
        ),
        (
            r#"{"schema":{"type":"int64","optional":false},"payload":9007199254740993}"#,
            Some(prim(Type::Int64)),
            Value::Int64(9007199254740993),
        ),
        (
            r#"{"schema":{"type":"int64","optional":false},"payload":-9223372036854775808}"#,
            Some(prim(Type::Int64)),
            Value::Int64(i64::MIN),
        ),
        (
            r#"{"schema":{"type":"float","optional":false},"payload":12.34}"#,
            Some(prim(Type::Float32)),
            Value::Float32(12.34),
        ),
        (
            r#"{"schema":{"type":"double","optional":false},"payload":12.34}"#,
            Some(prim(Type::Float64)),
            Value::Float64(12.34),
        ),
        (
            r#"{"schema":{"type":"double","optional":false},"payload":1.0}"#,
            Some(prim(Type::Float64)),
            Value::Float64(1.0),
        ),
        (
            r#"{"schema":{"type":"double","optional":false},"payload":1.0E7}"#,
            Some(prim(Type::Float64)),
            Value::Float64(1.0e7),
        ),
        (
            r#"{"schema":{"type":"double","optional":false},"payload":-1.0E-4}"#,
            Some(prim(Type::Float64)),
            Value::Float64(-1.0e-4),
        ),
        (
            r#"{"schema":{"type":"float","optional":false},"payload":3.4028235E38}"#,
            Some(prim(Type::Float32)),
            Value::Float32(f32::MAX),
        ),
        (
            r#"{"schema":{"type":"double","optional":false},"payload":"Infinity"}"#,
            Some(prim(Type::Float64)),
            Value::Float64(f64::INFINITY),
        ),
        (
            r#"{"schema":{"type":"bytes","optional":false},"payload":"dGVzdC1zdHJpbmc="}"#,
            Some(prim(Type::Bytes)),
            Value::Bytes(b"test-string".to_vec()),
        ),
        (
            r#"{"schema":{"type":"string","optional":false},"payload":"test-string"}"#,
            Some(prim(Type::String)),
            "test-string".into(),
        ),
        (
            r#"{"schema":{"type":"string","optional":false},"payload":"q\"b\\s/\n\u0001é😀"}"#,
            Some(prim(Type::String)),
            "q\"b\\s/\n\u{1}é😀".into(),
        ),
        (
            r#"{"schema":{"type":"array","items":{"type":"int32","optional":false},"optional":false},"payload":[1,2,3]}"#,
            Some(Schema::array(prim(Type::Int32)).build()),
            Value::Array(vec![Value::Int32(1), Value::Int32(2), Value::Int32(3)]),
        ),
        (
            r#"{"schema":{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":{"key1":12,"key2":15}}"#,
            Some(Schema::map(prim(Type::String), prim(Type::Int32)).build()),
            Value::Map(vec![
                ("key1".into(), Value::Int32(12)),
                ("key2".into(), Value::Int32(15)),
            ]),
        ),
        (
            r#"{"schema":{"type":"map","keys":{"type":"int32","optional":false},"values":{"type":"int32","optional":false},"optional":false},"payload":[[1,12],[2,15]]}"#,
            Some(Schema::map(prim(Type::Int32), prim(Type::Int32)).build()),
            Value::Map(vec![
                (Value::Int32(1), Value::Int32(12)),
                (Value::Int32(2), Value::Int32(15)),
            ]),
        ),
        (
            r#"{"schema":{"type":"struct","fields":[{"type":"boolean","optional":false,"field":"field1"},{"type":"string","optional":false,"field":"field2"},{"type":"string","optional":false,"field":"field3"},{"type":"boolean","optional":false,"field":"field4"}],"optional":false},"payload":{"field1":true,"field2":"string2","field3":"string3","field4":false}}"#,
            Some(struct_schema),
            struct_value,
        ),
        (
            r#"{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":"AJw="}"#,
            Some(logical::decimal(2).build()),
            decimal(156, 2),
        ),
        (
            r#"{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"0"}},"payload":"/38="}"#,
            Some(logical::decimal(0).build()),
            decimal(-129, 0),
        ),
        (
            r#"{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Date","version":1},"payload":10000}"#,
            Some(logical::date().build()),
            Value::Date(10000),
        ),
        (
            r#"{"schema":{"type":"int32","optional":false,"name":"org.apache.kafka.connect.data.Time","version":1},"payload":14400000}"#,
            Some(logical::time().build()),
            Value::Time(14_400_000),
        ),
        (
            r#"{"schema":{"type":"int64","optional":false,"name":"org.apache.kafka.connect.data.Timestamp","version":1},"payload":4000000000}"#,
            Some(logical::timestamp().build()),
            Value::Timestamp(4_000_000_000),
        ),
        (
            r#"{"schema":null,"payload":true}"#,
            None,
            Value::Boolean(true),
        ),
        (r#"{"schema":null,"payload":12}"#, None, Value::Int64(12)),
        (
            r#"{"schema":null,"payload":12.24}"#,
            None,
            Value::Float64(12.24),
        ),
        (
            r#"{"schema":null,"payload":"a string"}"#,
            None,
            "a string".into(),
        ),
        (
            r#"{"schema":null,"payload":[1,"2",3]}"#,
            None,
            Value::Array(vec![Value::Int64(1), "2".into(), Value::Int64(3)]),
        ),
        (
            r#"{"schema":null,"payload":{"field1":1,"field2":2}}"#,
            None,
            Value::Map(vec![
                ("field1".into(), Value::Int64(1)),
                ("field2".into(), Value::Int64(2)),
            ]),
        ),
    ]
}

#[test]
fn golden_vectors_are_written_exactly() {
    let c = converter(&[]);
    for (json, schema, value) in symmetric_vectors() {
        assert_eq!(encode(&c, schema.as_ref(), &value), json);
    }
}

#[test]
fn golden_vectors_are_read_back() {
    let c = converter(&[]);
    for (json, schema, value) in symmetric_vectors() {
        assert_eq!(decode(&c, json), (schema, value), "{json}");
    }
}

#[test]
fn kafka_to_connect_vectors() {
    let c = converter(&[]);
    let b = |v: bool| Value::Boolean(v);
    let metadata = Schema::builder(Type::Boolean)
        .name("bool")
        .version(2)
        .doc("the documentation")
        .parameter("foo", "bar")
        .build();
    let struct_schema = Schema::struct_builder()
        .field("field1", prim(Type::Boolean))
        .field("field2", prim(Type::String))
        .build();
    let struct_value = Struct::new(struct_schema.clone())
        .unwrap()
        .with("field1", true)
        .unwrap()
        .with("field2", "string")
        .unwrap();
    let optional_struct = Schema::struct_builder()
        .field("optional", opt(Type::String))
        .field("required", prim(Type::String))
        .build();
    let optional_value = Struct::new(optional_struct.clone())
        .unwrap()
        .with("required", "required")
        .unwrap();
    let dec2 = logical::decimal(2);
    let vectors: Vec<(&str, Option<SchemaRef>, Value)> = vec![
        (
            r#"{ "schema": { "type": "boolean" }, "payload": true }"#,
            Some(prim(Type::Boolean)),
            b(true),
        ),
        (
            r#"{ "schema": { "type": "boolean", "optional": true }, "payload": null }"#,
            Some(opt(Type::Boolean)),
            Value::Null,
        ),
        (
            r#"{ "schema": { "type": "boolean", "default": true }, "payload": null }"#,
            Some(
                Schema::builder(Type::Boolean)
                    .default_value(b(true))
                    .build(),
            ),
            b(true),
        ),
        (
            r#"{ "schema": { "type": "boolean", "optional": false, "name": "bool", "version": 2, "doc": "the documentation", "parameters": { "foo": "bar" }}, "payload": true }"#,
            Some(metadata),
            b(true),
        ),
        (
            r#"{ "schema": { "type": "int8" }, "payload": 0012 }"#,
            Some(prim(Type::Int8)),
            Value::Int8(12),
        ),
        (
            r#"{ "schema": { "type": "int16" }, "payload": 000123 }"#,
            Some(prim(Type::Int16)),
            Value::Int16(123),
        ),
        (
            r#"{ "schema": { "type": "int32" }, "payload": 000012345 }"#,
            Some(prim(Type::Int32)),
            Value::Int32(12345),
        ),
        (
            r#"{ "schema": { "type": "int64" }, "payload": 00000123456789 }"#,
            Some(prim(Type::Int64)),
            Value::Int64(123456789),
        ),
        (
            r#"{ "schema": { "type": "float" }, "payload": 12.34 }"#,
            Some(prim(Type::Float32)),
            Value::Float32(12.34),
        ),
        (
            r#"{ "schema": { "type": "double" }, "payload": 12.34 }"#,
            Some(prim(Type::Float64)),
            Value::Float64(12.34),
        ),
        (
            r#"{ "schema": { "type": "bytes" }, "payload": "dGVzdC1zdHJpbmc=" }"#,
            Some(prim(Type::Bytes)),
            Value::Bytes(b"test-string".to_vec()),
        ),
        (
            r#"{ "schema": { "type": "array", "items": { "type" : "int32" } }, "payload": [1, 2, 3] }"#,
            Some(Schema::array(prim(Type::Int32)).build()),
            Value::Array(vec![Value::Int32(1), Value::Int32(2), Value::Int32(3)]),
        ),
        (
            r#"{ "schema": { "type": "map", "keys": { "type" : "int32" }, "values": { "type" : "int32" } }, "payload": [ [1, 12], [2, 15] ] }"#,
            Some(Schema::map(prim(Type::Int32), prim(Type::Int32)).build()),
            Value::Map(vec![
                (Value::Int32(1), Value::Int32(12)),
                (Value::Int32(2), Value::Int32(15)),
            ]),
        ),
        (
            r#"{ "schema": { "type": "struct", "fields": [{ "field": "field1", "type": "boolean" }, { "field": "field2", "type": "string" }] }, "payload": { "field1": true, "field2": "string" } }"#,
            Some(struct_schema),
            Value::Struct(struct_value),
        ),
        (
            r#"{ "schema": { "type": "struct", "fields": [{ "field":"optional", "type": "string", "optional": true }, {  "field": "required", "type": "string" }] }, "payload": { "required": "required" } }"#,
            Some(optional_struct),
            Value::Struct(optional_value),
        ),
        (r#"{ "schema": null, "payload": null }"#, None, Value::Null),
        (
            r#"{ "schema": { "type": "bytes", "name": "org.apache.kafka.connect.data.Decimal", "version": 1, "optional": true, "parameters": { "scale": "2" } }, "payload": null }"#,
            Some(dec2.clone().optional().build()),
            Value::Null,
        ),
        (
            r#"{ "schema": { "type": "bytes", "name": "org.apache.kafka.connect.data.Decimal", "version": 1, "default": "AJw=", "parameters": { "scale": "2" } }, "payload": null }"#,
            Some(dec2.clone().default_value(decimal(156, 2)).build()),
            decimal(156, 2),
        ),
        (
            r#"{ "schema": { "type": "bytes", "name": "org.apache.kafka.connect.data.Decimal", "version": 1, "optional": true, "default": "AJw=", "parameters": { "scale": "2" } }, "payload": null }"#,
            Some(
                dec2.clone()
                    .optional()
                    .default_value(decimal(156, 2))
                    .build(),
            ),
            decimal(156, 2),
        ),
        (
            r#"{ "schema": { "type": "bytes", "name": "org.apache.kafka.connect.data.Decimal", "version": 1, "parameters": { "scale": "2" } }, "payload": 1.56 }"#,
            Some(dec2.clone().build()),
            decimal(156, 2),
        ),
        (
            r#"{ "schema": { "type": "bytes", "name": "org.apache.kafka.connect.data.Decimal", "version": 1, "parameters": { "scale": "4" } }, "payload": 1.5600 }"#,
            Some(logical::decimal(4).build()),
            decimal(15600, 4),
        ),
        (
            r#"{ "schema": { "type": "bytes", "name": "org.apache.kafka.connect.data.Decimal", "version": 1, "parameters": { "scale": "17" } }, "payload": 1.23456789123456789 }"#,
            Some(logical::decimal(17).build()),
            decimal(123456789123456789, 17),
        ),
        (
            r#"{ "schema": { "type": "int32", "name": "org.apache.kafka.connect.data.Date", "version": 1, "optional": true }, "payload": null }"#,
            Some(logical::date().optional().build()),
            Value::Null,
        ),
        (
            r#"{ "schema": { "type": "int32", "name": "org.apache.kafka.connect.data.Date", "version": 1, "default": 0 }, "payload": null }"#,
            Some(logical::date().default_value(Value::Date(0)).build()),
            Value::Date(0),
        ),
        (
            r#"{ "schema": { "type": "int32", "name": "org.apache.kafka.connect.data.Time", "version": 1, "optional": true, "default": 0 }, "payload": null }"#,
            Some(
                logical::time()
                    .optional()
                    .default_value(Value::Time(0))
                    .build(),
            ),
            Value::Time(0),
        ),
        (
            r#"{ "schema": { "type": "int64", "name": "org.apache.kafka.connect.data.Timestamp", "version": 1,  "optional": true, "default": 42 }, "payload": null }"#,
            Some(
                logical::timestamp()
                    .optional()
                    .default_value(Value::Timestamp(42))
                    .build(),
            ),
            Value::Timestamp(42),
        ),
    ];
    for (json, schema, value) in vectors {
        assert_eq!(decode(&c, json), (schema, value), "{json}");
    }
    assert_eq!(c.to_connect("topic", None).unwrap(), (None, Value::Null));
}

#[test]
fn nulls_and_defaults_follow_replace_null_with_default() {
    let schema = Schema::builder(Type::String)
        .optional()
        .default_value("default".into())
        .build();
    let struct_schema = Schema::struct_builder()
        .field("field1", schema.clone())
        .build();
    let empty = Value::Struct(Struct::new(struct_schema.clone()).unwrap());
    let replace = converter(&[("replace.null.with.default", "true")]);
    let keep = converter(&[("replace.null.with.default", "false")]);

    let top =
        r#"{"schema":{"type":"string","optional":true,"default":"default"},"payload":"default"}"#;
    assert_eq!(encode(&replace, Some(&schema), &Value::Null), top);
    let top_null =
        r#"{"schema":{"type":"string","optional":true,"default":"default"},"payload":null}"#;
    assert_eq!(encode(&keep, Some(&schema), &Value::Null), top_null);
    assert_eq!(decode(&replace, top_null).1, "default".into());
    assert_eq!(decode(&keep, top_null).1, Value::Null);

    let field = r#"{"schema":{"type":"struct","fields":[{"type":"string","optional":true,"default":"default","field":"field1"}],"optional":false},"payload":{"field1":"default"}}"#;
    assert_eq!(encode(&replace, Some(&struct_schema), &empty), field);
    let field_null = r#"{"schema":{"type":"struct","fields":[{"type":"string","optional":true,"default":"default","field":"field1"}],"optional":false},"payload":{"field1":null}}"#;
    assert_eq!(encode(&keep, Some(&struct_schema), &empty), field_null);
    let with_default = Struct::new(struct_schema.clone())
        .unwrap()
        .with("field1", "default")
        .unwrap();
    assert_eq!(decode(&replace, field_null).1, Value::Struct(with_default));
    assert_eq!(decode(&keep, field_null).1, empty);
}

#[test]
fn decimal_formats() {
    let numeric = converter(&[("decimal.format", "NUMERIC")]);
    let schema2 = logical::decimal(2).build();
    let schema4 = logical::decimal(4).build();
    let json = r#"{"schema":{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2"}},"payload":1.56}"#;
    assert_eq!(encode(&numeric, Some(&schema2), &decimal(156, 2)), json);
    assert_eq!(
        decode(&numeric, json),
        (Some(schema2.clone()), decimal(156, 2))
    );
    let trailing = encode(&numeric, Some(&schema4), &decimal(15600, 4));
    assert!(trailing.ends_with(r#""payload":1.5600}"#), "{trailing}");
    // Both formats are read whatever the configured one; numbers rescale exactly.
    let base64 = converter(&[]);
    assert_eq!(decode(&base64, json).1, decimal(156, 2));
    let b64 = json.replace("1.56", "\"AJw=\"");
    assert_eq!(decode(&numeric, &b64).1, decimal(156, 2));
    assert_eq!(
        decode(&numeric, &json.replace("1.56", "1.5")).1,
        decimal(150, 2)
    );
    assert_eq!(
        decode(&numeric, &json.replace("1.56", "7")).1,
        decimal(700, 2)
    );
    assert_eq!(
        decode(&numeric, &json.replace("1.56", "1.555")).1,
        decimal(1555, 3)
    );
    // Negative and exponent forms as BigDecimal.toString writes them.
    assert!(encode(&numeric, Some(&schema2), &decimal(-5, 2)).ends_with(r#""payload":-0.05}"#));
    let scaled = Schema::builder(Type::Bytes)
        .name(logical::DECIMAL)
        .parameter("scale", "-2")
        .build();
    assert!(encode(&numeric, Some(&scaled), &decimal(123, -2)).ends_with(r#""payload":1.23E+4}"#));
    assert_eq!(
        encode_err(&base64, Some(&schema2), &decimal(15, 1)),
        "Decimal value has mismatching scale for given Decimal schema. Schema has scale 2, value has scale 1."
    );
}

#[test]
fn schemaless_mode() {
    let c = converter(&[("schemas.enable", "false")]);
    assert_eq!(encode(&c, None, &Value::Boolean(true)), "true");
    assert_eq!(decode(&c, "true"), (None, Value::Boolean(true)));
    assert_eq!(
        c.to_connect("topic", Some(b"")).unwrap(),
        (None, Value::Null)
    );
    assert_eq!(
        c.to_connect("topic", Some(b" \n")).unwrap(),
        (None, Value::Null)
    );
    assert_eq!(c.from_connect("topic", None, &Value::Null).unwrap(), None);
    assert_eq!(encode(&c, Some(&opt(Type::Int32)), &Value::Null), "null");
    assert_eq!(
        decode(&c, r#"{ "a": "", "b": null, "a": "last"}"#).1,
        Value::Map(vec![("a".into(), "last".into()), ("b".into(), Value::Null)])
    );
    assert_eq!(decode(&c, "9223372036854775807").1, Value::Int64(i64::MAX));
    assert_eq!(decode(&c, "1e2").1, Value::Float64(100.0));
    assert_eq!(decode(&c, "-0").1, Value::Int64(0));
    assert_eq!(
        decode(&c, r#"{"schema":null,"payload":1}"#)
            .1
            .connect_type(),
        Some(Type::Map)
    );
    // Jackson reads one root value and ignores what follows it.
    assert_eq!(
        decode(&c, "[1] trailing").1,
        Value::Array(vec![Value::Int64(1)])
    );
    assert_eq!(decode(&c, "12 13").1, Value::Int64(12));
    assert!(decode_err(&c, "12abc").starts_with("Converting byte[] to Kafka Connect data failed"));
    assert_eq!(
        decode_err(&c, "9223372036854775808"),
        "Numeric value (9223372036854775808) out of range of INT64"
    );
    let mixed_keys = Value::Map(vec![
        ("string".into(), Value::Int32(12)),
        (Value::Int32(52), "string".into()),
        (Value::Boolean(false), Value::Boolean(true)),
    ]);
    assert_eq!(
        encode(&c, None, &mixed_keys),
        r#"[["string",12],[52,"string"],[false,true]]"#
    );
    assert_eq!(
        encode(
            &c,
            None,
            &Value::Array(vec![Value::Int32(1), "string".into(), Value::Boolean(true)])
        ),
        r#"[1,"string",true]"#
    );
}

#[test]
fn envelope_errors() {
    let c = converter(&[]);
    let envelope = "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.";
    for json in [
        "{}",
        r#"{"schema":null}"#,
        r#"{"payload":1}"#,
        r#"{"schema":null,"payload":1,"x":2}"#,
        "[1]",
        "\"x\"",
        "",
        "  ",
        "true",
    ] {
        assert_eq!(decode_err(&c, json), envelope, "{json}");
    }
    // Kafka writes the schema first, but any order and repeated members (last wins) are read.
    let reordered = r#"{"payload":12,"schema":{"type":"int32","optional":false}}"#;
    assert_eq!(
        decode(&c, reordered),
        (Some(prim(Type::Int32)), Value::Int32(12))
    );
    let repeated = r#"{"schema":{"type":"int64"},"payload":12,"schema":{"type":"int32"}}"#;
    assert_eq!(
        decode(&c, repeated),
        (Some(prim(Type::Int32)), Value::Int32(12))
    );
    let malformed = decode_err(&c, r#"{"schema":null,"payload":[1,}"#);
    assert!(
        malformed.starts_with(
            "Converting byte[] to Kafka Connect data failed due to serialization error: "
        ),
        "{malformed}"
    );
    assert!(decode_err(&c, "\u{feff}{}").starts_with("JsonConverter with schemas.enable"));
}

#[test]
fn schema_errors_have_kafkas_messages() {
    let c = converter(&[]);
    let with_schema = |schema: &str| format!(r#"{{"schema":{schema},"payload":null}}"#);
    for (schema, message) in [
        (r#"{"type":"x"}"#, "Unknown schema type: x"),
        ("{}", "Schema must contain 'type' field"),
        (r#"{"type":5}"#, "Schema must contain 'type' field"),
        ("5", "Schema must contain 'type' field"),
        (
            r#"{"type":"array"}"#,
            "Array schema did not specify the element type",
        ),
        (
            r#"{"type":"array","items":null}"#,
            "Array schema did not specify the element type",
        ),
        (
            r#"{"type":"map","values":{"type":"int8"}}"#,
            "Map schema did not specify the key type",
        ),
        (
            r#"{"type":"map","keys":{"type":"int8"}}"#,
            "Map schema did not specify the value type",
        ),
        (
            r#"{"type":"map","keys":null,"values":{"type":"int8"}}"#,
            "keySchema cannot be null.",
        ),
        (
            r#"{"type":"struct"}"#,
            "Struct schema's \"fields\" argument is not an array.",
        ),
        (
            r#"{"type":"struct","fields":{}}"#,
            "Struct schema's \"fields\" argument is not an array.",
        ),
        (
            r#"{"type":"struct","fields":[{"type":"int8"}]}"#,
            "Struct schema's field name not specified properly",
        ),
        (
            r#"{"type":"struct","fields":[5]}"#,
            "Struct schema's field name not specified properly",
        ),
        (
            r#"{"type":"struct","fields":[{"type":"int8","field":"a"},{"type":"int8","field":"a"}]}"#,
            "Cannot create field because of field name duplication a",
        ),
        (
            r#"{"type":"int8","parameters":{"a":1}}"#,
            "Schema parameters must have string values.",
        ),
        (
            r#"{"type":"int8"}"#,
            "Invalid null value for required INT8 field",
        ),
        (
            r#"{"type":"int8","default":null}"#,
            "Invalid null value for required INT8 field",
        ),
    ] {
        assert_eq!(decode_err(&c, &with_schema(schema)), message, "{schema}");
    }
    // Lenient parts: non-boolean `optional` is false, non-string names are ignored, `parameters`
    // that is not an object is ignored.
    let lenient = with_schema(
        r#"{"type":"int8","optional":"yes","name":5,"parameters":[1],"version":"x","default":1}"#,
    );
    assert_eq!(
        decode(&c, &lenient),
        (
            Some(
                Schema::builder(Type::Int8)
                    .default_value(Value::Int8(1))
                    .build()
            ),
            Value::Int8(1)
        )
    );
    let optional_null_default = with_schema(r#"{"type":"int8","optional":true,"default":null}"#);
    assert_eq!(
        decode(&c, &optional_null_default),
        (Some(opt(Type::Int8)), Value::Null)
    );
}

#[test]
fn payload_errors() {
    let c = converter(&[]);
    let with = |schema: &str, payload: &str| {
        decode_err(&c, &format!(r#"{{"schema":{schema},"payload":{payload}}}"#))
    };
    let dec = r#"{"type":"bytes","name":"org.apache.kafka.connect.data.Decimal","parameters":{"scale":"2"}}"#;
    let date = r#"{"type":"int32","name":"org.apache.kafka.connect.data.Date"}"#;
    let time = r#"{"type":"int32","name":"org.apache.kafka.connect.data.Time"}"#;
    let ts = r#"{"type":"int64","name":"org.apache.kafka.connect.data.Timestamp"}"#;
    let int_map = r#"{"type":"map","keys":{"type":"int8"},"values":{"type":"int8"}}"#;
    let string_map = r#"{"type":"map","keys":{"type":"string"},"values":{"type":"int8"}}"#;
    for (schema, payload, message) in [
        (r#"{"type":"struct","fields":[]}"#, "[]", "Structs should be encoded as JSON objects, but found ARRAY"),
        (string_map, "[]", "Maps with string fields should be encoded as JSON objects, but found ARRAY"),
        (int_map, "{}", "Maps with non-string fields should be encoded as JSON array of tuples, but found OBJECT"),
        (int_map, "[{}]", "Found invalid map entry instead of array tuple: OBJECT"),
        (int_map, "[[1,2,3]]", "Found invalid map entry, expected length 2 but found :3"),
        (int_map, "[[1]]", "Found invalid map entry, expected length 2 but found :1"),
        (dec, "true", "Invalid type for Decimal, underlying representation should be numeric or bytes but was BOOLEAN"),
        (dec, "\"!!\"", "Invalid bytes for Decimal field"),
        (dec, "\"\"", "Invalid bytes for Decimal field"),
        (date, "1.0", "Invalid type for Date, underlying representation should be integer but was NUMBER"),
        (date, "4294967296", "Invalid type for Date, underlying representation should be integer but was NUMBER"),
        (time, "86400001", "Time values must use number of milliseconds greater than 0 and less than 86400000"),
        (ts, "\"1\"", "Invalid type for Timestamp, underlying representation should be integral but was STRING"),
        (r#"{"type":"bytes"}"#, "\"!!\"", "Invalid bytes field"),
        (r#"{"type":"int8"}"#, "128", "Numeric value (128) out of range of INT8"),
        (r#"{"type":"int32"}"#, "\"1\"", "Invalid JSON STRING for a INT32 schema"),
        (r#"{"type":"boolean"}"#, "1", "Invalid JSON NUMBER for a BOOLEAN schema"),
        (r#"{"type":"array","items":{"type":"int8"}}"#, "{}", "Invalid JSON OBJECT for a ARRAY schema"),
        (r#"{"type":"array","items":{"type":"int8"}}"#, "[null]", "Invalid null value for required INT8 field"),
        (r#"{"type":"struct","fields":[{"type":"int8","field":"a"}]}"#, "{}", "Invalid null value for required INT8 field"),
    ] {
        assert_eq!(with(schema, payload), message, "{schema} {payload}");
    }
    // Jackson's `intValue()` truncates fractions.
    assert_eq!(
        decode(&c, r#"{"schema":{"type":"int32"},"payload":-12.9}"#).1,
        Value::Int32(-12)
    );
    assert_eq!(
        decode(&c, r#"{"schema":{"type":"int64"},"payload":1e3}"#).1,
        Value::Int64(1000)
    );
    assert_eq!(
        decode(&c, r#"{"schema":{"type":"float"},"payload":1}"#).1,
        Value::Float32(1.0)
    );
    let nan = decode(&c, r#"{"schema":{"type":"double"},"payload":"NaN"}"#).1;
    assert!(matches!(nan, Value::Float64(v) if v.is_nan()));
    // Base64 may be split into lines, as MIME encoders do.
    let wrapped = decode(
        &c,
        "{\"schema\":{\"type\":\"bytes\"},\"payload\":\"dGVz\\r\\ndC1z\\ndHJpbmc=\"}",
    );
    assert_eq!(wrapped.1, Value::Bytes(b"test-string".to_vec()));
    let unpadded = decode(&c, r#"{"schema":{"type":"bytes"},"payload":"AJw"}"#);
    assert_eq!(unpadded.1, Value::Bytes(vec![0, 0x9c]));
    // Struct members in any order; a repeated member's last value wins.
    let two =
        r#"{"type":"struct","fields":[{"type":"int8","field":"a"},{"type":"int8","field":"b"}]}"#;
    let s = decode(
        &c,
        &format!(r#"{{"schema":{two},"payload":{{"b":2,"a":1,"a":3}}}}"#),
    );
    assert_eq!(s.1.to_java_string(), "Struct{a=3,b=2}");
    // Unknown struct members are ignored.
    let s = decode(
        &c,
        r#"{"schema":{"type":"struct","fields":[{"type":"int8","field":"a"}]},"payload":{"z":[1,{}],"a":1}}"#,
    );
    assert_eq!(s.1.to_java_string(), "Struct{a=1}");
}

#[test]
fn encode_errors_have_kafkas_messages() {
    let c = converter(&[]);
    let (struct_schema, _) = four_field_struct();
    let other_struct = Schema::struct_builder()
        .field("x", prim(Type::Int8))
        .build();
    let other_value = Value::Struct(
        Struct::new(other_struct)
            .unwrap()
            .with("x", Value::Int8(1))
            .unwrap(),
    );
    for (schema, value, message) in [
        (
            Some(prim(Type::Float64)),
            Value::Boolean(true),
            "Invalid type for FLOAT64: class java.lang.Boolean",
        ),
        (
            Some(prim(Type::Int32)),
            Value::Int64(1),
            "Invalid type for INT32: class java.lang.Long",
        ),
        (
            Some(prim(Type::Bytes)),
            Value::Int32(1),
            "Invalid type for bytes type: class java.lang.Integer",
        ),
        (
            Some(prim(Type::Int32)),
            Value::Null,
            "Conversion error: null value for field that is required and has no default value",
        ),
        (
            Some(struct_schema),
            other_value.clone(),
            "Mismatching schema.",
        ),
        (None, other_value, "Mismatching schema."),
        (
            None,
            decimal(156, 2),
            "Java class class java.math.BigDecimal does not have corresponding schema type.",
        ),
        (
            None,
            Value::Date(1),
            "Java class class java.util.Date does not have corresponding schema type.",
        ),
        (
            Some(logical::decimal(2).build()),
            Value::Int32(1),
            "Invalid type for Decimal, expected BigDecimal but was class java.lang.Integer",
        ),
        (
            Some(logical::date().build()),
            Value::Int32(1),
            "Invalid type for Date, expected Date but was class java.lang.Integer",
        ),
        (
            Some(logical::timestamp().build()),
            Value::Int64(1),
            "Invalid type for Timestamp, expected Date but was class java.lang.Long",
        ),
        (
            Some(logical::time().build()),
            Value::Time(-1),
            "Kafka Connect Time type should not have any date fields set to non-zero values.",
        ),
        (
            Some(Schema::builder(Type::Bytes).name(logical::DECIMAL).build()),
            decimal(1, 0),
            "Invalid Decimal schema: scale parameter not found.",
        ),
    ] {
        assert_eq!(encode_err(&c, schema.as_ref(), &value), message);
    }
    assert_eq!(c.from_connect("topic", None, &Value::Null).unwrap(), None);
}

#[test]
fn nested_structures_round_trip() {
    let c = converter(&[]);
    let inner = Schema::struct_builder()
        .name("com.example.Inner")
        .field("d", logical::decimal(3).optional().build())
        .field("ts", logical::timestamp().build())
        .build();
    let schema = Schema::struct_builder()
        .name("com.example.Outer")
        .version(7)
        .doc("doc with \"quotes\"")
        .field("inner", inner.clone())
        .field("list", Schema::array(opt(Type::Float32)).build())
        .field(
            "by_id",
            Schema::map(prim(Type::Int64), inner.clone())
                .optional()
                .build(),
        )
        .field(
            "tags",
            Schema::map(prim(Type::String), prim(Type::Bytes)).build(),
        )
        .field(
            "n",
            Schema::builder(Type::Int16)
                .default_value(Value::Int16(-1))
                .build(),
        )
        .build();
    let inner_value = Struct::new(inner.clone())
        .unwrap()
        .with("d", decimal(-1234, 3))
        .unwrap()
        .with("ts", Value::Timestamp(-5))
        .unwrap();
    let value = Struct::new(schema.clone())
        .unwrap()
        .with("inner", inner_value.clone())
        .unwrap()
        .with(
            "list",
            Value::Array(vec![
                Value::Float32(0.1),
                Value::Null,
                Value::Float32(f32::MIN_POSITIVE),
            ]),
        )
        .unwrap()
        .with(
            "by_id",
            Value::Map(vec![(Value::Int64(1 << 60), Value::Struct(inner_value))]),
        )
        .unwrap()
        .with(
            "tags",
            Value::Map(vec![("a\u{0}".into(), Value::Bytes(vec![0, 255]))]),
        )
        .unwrap()
        .with("n", Value::Int16(3))
        .unwrap();
    let value = Value::Struct(value);
    let json = encode(&c, Some(&schema), &value);
    assert_eq!(decode(&c, &json), (Some(schema.clone()), value.clone()));
    assert!(
        json.contains(r#"{"type":"int16","optional":false,"default":-1,"field":"n"}"#),
        "{json}"
    );
    assert!(
        json.contains(r#""payload":{"inner":{"d":"+y4=","ts":-5},"list":[0.1,null,1.1754944E-38]"#),
        "{json}"
    );
    serde_json::from_str::<serde_json::Value>(&json).unwrap();
    // A struct schema whose default is a struct survives a round trip of its schema.
    let with_default = Schema::struct_builder()
        .field("x", prim(Type::Int8))
        .optional()
        .build();
    let default = Struct::new(with_default.clone())
        .unwrap()
        .with("x", Value::Int8(4))
        .unwrap();
    let mut defaulted = (*with_default).clone();
    defaulted.default = Some(Value::Struct(default));
    let defaulted = std::sync::Arc::new(defaulted);
    let json = encode(&c, Some(&defaulted), &Value::Null);
    assert!(
        json.ends_with(r#""default":{"x":4}},"payload":{"x":4}}"#),
        "{json}"
    );
    let (back, _) = decode(&c, &json);
    assert_eq!(encode(&c, back.as_ref(), &Value::Null), json);
}

#[test]
fn schema_caches() {
    let c = converter(&[]);
    assert_eq!(c.cache_sizes(), (0, 0));
    c.from_connect("t", Some(&prim(Type::Boolean)), &Value::Boolean(true))
        .unwrap();
    c.from_connect("t", Some(&prim(Type::Boolean)), &Value::Boolean(true))
        .unwrap();
    assert_eq!(c.cache_sizes(), (1, 0));
    c.from_connect("t", Some(&opt(Type::Boolean)), &Value::Boolean(true))
        .unwrap();
    assert_eq!(c.cache_sizes(), (2, 0));
    let read = |json: &str| c.to_connect("t", Some(json.as_bytes())).unwrap();
    read(r#"{ "schema": { "type": "boolean" }, "payload": true }"#);
    read(r#"{ "schema": { "type": "boolean" }, "payload": true }"#);
    assert_eq!(c.cache_sizes(), (2, 1));
    read(r#"{ "schema": { "type": "boolean", "optional": true }, "payload": true }"#);
    read(r#"{ "schema": { "type": "boolean", "optional": false }, "payload": true }"#);
    assert_eq!(c.cache_sizes(), (2, 3));
    let uncached = converter(&[("schemas.cache.size", "0")]);
    uncached
        .from_connect("t", Some(&prim(Type::Boolean)), &Value::Boolean(true))
        .unwrap();
    uncached
        .to_connect(
            "t",
            Some(br#"{ "schema": { "type": "boolean" }, "payload": true }"#),
        )
        .unwrap();
    assert_eq!(uncached.cache_sizes(), (0, 0));
}

#[test]
fn headers_delegate_to_data_methods() {
    let c = converter(&[]);
    let json = c
        .from_connect_header(
            "topic",
            "headerName",
            Some(&prim(Type::String)),
            &"test-string".into(),
        )
        .unwrap();
    assert_eq!(
        json.unwrap(),
        br#"{"schema":{"type":"string","optional":false},"payload":"test-string"}"#
    );
    let back = c.to_connect_header(
        "topic",
        "headerName",
        Some(br#"{ "schema": { "type": "string" }, "payload": "foo-bar-baz" }"#),
    );
    assert_eq!(
        back.unwrap(),
        (Some(prim(Type::String)), "foo-bar-baz".into())
    );
}

#[test]
fn random_values_round_trip() {
    let c = converter(&[]);
    let plain = converter(&[("schemas.enable", "false")]);
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    for _ in 0..2000 {
        let bits = next();
        let (schema, value) = match bits % 7 {
            0 => (prim(Type::Int64), Value::Int64(bits as i64)),
            1 => (prim(Type::Int32), Value::Int32(bits as i32)),
            2 => (prim(Type::Float64), Value::Float64(f64::from_bits(bits))),
            3 => (
                prim(Type::Float32),
                Value::Float32(f32::from_bits(bits as u32)),
            ),
            4 => (
                prim(Type::Bytes),
                Value::Bytes(bits.to_le_bytes()[..(bits % 9) as usize].to_vec()),
            ),
            5 => (
                logical::decimal(5).build(),
                Value::Decimal(BigInt::from(bits as i64) * BigInt::from(bits), 5),
            ),
            _ => (
                prim(Type::String),
                Value::String(String::from_utf16_lossy(&[(bits % 0xffff) as u16, 34, 92])),
            ),
        };
        let (back_schema, back) = decode(&c, &encode(&c, Some(&schema), &value));
        assert_eq!(back_schema, Some(schema.clone()));
        match (&back, &value) {
            (Value::Float64(a), Value::Float64(b)) if b.is_nan() => assert!(a.is_nan()),
            (Value::Float32(a), Value::Float32(b)) if b.is_nan() => assert!(a.is_nan()),
            _ => assert_eq!(back, value),
        }
        if let Value::Int64(v) = value {
            assert_eq!(
                decode(&plain, &encode(&plain, None, &value)).1,
                Value::Int64(v)
            );
        }
    }
}

#[test]
fn deep_nesting_is_bounded() {
    let plain = converter(&[("schemas.enable", "false")]);
    let deep = "[".repeat(999) + &"]".repeat(999);
    assert!(plain.to_connect("t", Some(deep.as_bytes())).is_ok());
    let too_deep = "[".repeat(1001) + &"]".repeat(1001);
    assert!(plain
        .to_connect("t", Some(too_deep.as_bytes()))
        .unwrap_err()
        .to_string()
        .contains("nesting depth"));
    let c = converter(&[]);
    let nest = |levels: usize| {
        let mut schema = prim(Type::Int8);
        let mut value = Value::Int8(1);
        for _ in 0..levels {
            schema = Schema::array(schema).build();
            value = Value::Array(vec![value]);
        }
        (schema, value)
    };
    let (schema, value) = nest(100);
    let json = encode(&c, Some(&schema), &value);
    assert_eq!(decode(&c, &json), (Some(schema), value));
    let (schema, value) = nest(101);
    let json = encode(&c, Some(&schema), &value);
    assert_eq!(
        decode_err(&c, &json),
        "Schema nesting depth exceeds the maximum allowed (100)"
    );
}

#[test]
fn repeated_schemas_are_recognised_by_text() {
    let c = converter(&[]);
    let a = r#"{"schema":{"type":"int8"},"payload":1}"#;
    let b = r#"{"schema":{"type":"int16"},"payload":1}"#;
    for json in [a, a, b, a, b, b] {
        let (schema, _) = decode(&c, json);
        let expected = if json == a { Type::Int8 } else { Type::Int16 };
        assert_eq!(schema.map(|s| s.ty), Some(expected));
    }
    assert_eq!(c.cache_sizes().1, 2);
    // A prefix of the cached text is not mistaken for it.
    assert_eq!(decode_err(&c, r#"{"schema":{"type":"int16"}"#), "Converting byte[] to Kafka Connect data failed due to serialization error: Unexpected end of input: expected ',' or '}' at offset 26");
}
