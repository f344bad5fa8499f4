//! The view path (`from_connect_ref`) against the owned path (`from_connect`): same bytes,
//! same errors, for every shape the fast path writes and the ones it hands back.

use ferry_codec::{encode_value, ValueRef};
use ferry_data::{logical, Schema, SchemaRef, Struct, Type, Value};
use num_bigint::BigInt;

use super::JsonConverter;
use crate::{Converter, ConverterConfig};

fn converter(pairs: &[(&str, &str)]) -> JsonConverter {
    let config: ConverterConfig = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    JsonConverter::new(&config).unwrap()
}

fn configs() -> Vec<JsonConverter> {
    vec![
        converter(&[("schemas.enable", "false")]),
        converter(&[("schemas.enable", "true")]),
        converter(&[
            ("schemas.enable", "false"),
            ("replace.null.with.default", "false"),
            ("decimal.format", "NUMERIC"),
        ]),
    ]
}

/// Both paths agree on `value` of `schema` with every configuration; returns the first output.
fn same(schema: Option<&SchemaRef>, value: &Value) -> String {
    let mut bytes = Vec::new();
    encode_value(&mut bytes, value);
    let view = ValueRef::decode(&bytes, schema).unwrap();
    let mut first = None;
    for c in configs() {
        let owned = c
            .from_connect("t", schema, value)
            .map_err(|e| e.to_string());
        let viewed = c
            .from_connect_ref("t", schema, view)
            .map_err(|e| e.to_string());
        assert_eq!(viewed, owned, "{schema:?} {value:?}");
        first.get_or_insert(owned);
    }
    match first.unwrap() {
        Ok(Some(b)) => String::from_utf8(b).unwrap(),
        Ok(None) => "<none>".into(),
        Err(e) => format!("error: {e}"),
    }
}

fn row_schema() -> SchemaRef {
    Schema::struct_builder()
        .name("models")
        .field("id", Schema::primitive(Type::Int32))
        .field("name", Schema::optional_primitive(Type::String))
        .field("i8", Schema::primitive(Type::Int8))
        .field("i16", Schema::primitive(Type::Int16))
        .field("i64", Schema::optional_primitive(Type::Int64))
        .field("f32", Schema::primitive(Type::Float32))
        .field("f64", Schema::primitive(Type::Float64))
        .field("ok", Schema::primitive(Type::Boolean))
        .field("raw", Schema::optional_primitive(Type::Bytes))
        .field("day", logical::date().optional().build())
        .field("at", logical::time().build())
        .field("ts", logical::timestamp().optional().build())
        .field(
            "tags",
            Schema::array(Schema::primitive(Type::String)).build(),
        )
        .build()
}

fn row(name: Option<&str>, i64v: Option<i64>) -> Value {
    Value::Struct(Struct::from_values_unchecked(
        row_schema(),
        vec![
            Value::Int32(7),
            name.map_or(Value::Null, |n| Value::String(n.into())),
            Value::Int8(-8),
            Value::Int16(300),
            i64v.map_or(Value::Null, Value::Int64),
            Value::Float32(1.5),
            Value::Float64(1e21),
            Value::Boolean(true),
            Value::Bytes(vec![0, 1, 250]),
            Value::Date(19000),
            Value::Time(3_600_000),
            Value::Timestamp(1_700_000_000_123),
            Value::Array(vec![
                Value::String("a".into()),
                Value::String("b\"c".into()),
            ]),
        ],
    ))
}

#[test]
fn rows_agree() {
    let schema = row_schema();
    let json = same(Some(&schema), &row(Some("Model \u{1} é"), Some(-5)));
    assert!(
        json.starts_with("{\"id\":7,\"name\":\"Model \\u0001 é\",\"i8\":-8"),
        "{json}"
    );
    same(Some(&schema), &row(None, None));
}

#[test]
fn jdbc_bench_row_is_unchanged() {
    let schema = Schema::struct_builder()
        .name("ferry_bench_models")
        .field("model_id", Schema::primitive(Type::Int32))
        .field("model_name", Schema::optional_primitive(Type::String))
        .field("model_base_price", Schema::optional_primitive(Type::Int32))
        .field("brand_id", Schema::optional_primitive(Type::Int32))
        .build();
    let value = Value::Struct(Struct::from_values_unchecked(
        schema.clone(),
        vec![
            Value::Int32(1),
            Value::String("Model 1".into()),
            Value::Int32(10037),
            Value::Int32(2),
        ],
    ));
    assert_eq!(
        same(Some(&schema), &value),
        r#"{"model_id":1,"model_name":"Model 1","model_base_price":10037,"brand_id":2}"#
    );
}

#[test]
fn fallbacks_agree() {
    // Decimals, maps, nested structs, defaults, errors and schemaless values.
    let dec = logical::decimal(2).build();
    same(Some(&dec), &Value::Decimal(BigInt::from(-12345), 2));
    let map = Schema::map(
        Schema::primitive(Type::String),
        Schema::primitive(Type::Int32),
    )
    .build();
    same(
        Some(&map),
        &Value::Map(vec![(Value::String("k".into()), Value::Int32(1))]),
    );
    let with_default = Schema::builder(Type::Int32)
        .optional()
        .default_value(Value::Int32(42))
        .build();
    assert_eq!(same(Some(&with_default), &Value::Null), "42");
    let required = Schema::primitive(Type::Int32);
    assert!(same(Some(&required), &Value::Null).starts_with("error"));
    same(None, &Value::Null);
    same(None, &Value::String("s".into()));
    same(
        None,
        &Value::Array(vec![Value::Int64(1), Value::Boolean(false)]),
    );
    let bad_time = logical::time().build();
    assert!(same(Some(&bad_time), &Value::Time(-1)).starts_with("error"));
    let inner = Schema::struct_builder()
        .field("d", dec.clone())
        .field("x", Schema::optional_primitive(Type::Float64))
        .build();
    let outer = Schema::struct_builder()
        .field("inner", inner.clone())
        .field("m", map.clone())
        .build();
    let v = Value::Struct(Struct::from_values_unchecked(
        outer.clone(),
        vec![
            Value::Struct(Struct::from_values_unchecked(
                inner,
                vec![Value::Decimal(BigInt::from(5), 2), Value::Float64(f64::NAN)],
            )),
            Value::Map(vec![]),
        ],
    ));
    same(Some(&outer), &v);
}

#[test]
fn rows_take_the_view_path() {
    let schema = row_schema();
    for value in [row(Some("x"), Some(1)), row(None, None)] {
        let mut bytes = Vec::new();
        encode_value(&mut bytes, &value);
        let view = ValueRef::decode(&bytes, Some(&schema)).unwrap();
        for c in configs() {
            assert!(c
                .encoder
                .value_ref(&mut Vec::new(), &schema, view)
                .is_some());
        }
    }
}
