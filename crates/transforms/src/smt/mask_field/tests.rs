use super::*;
use crate::smt::testutil::{map, props, value_record};
use ferry_data::{logical, Schema, Struct, Type};

fn masker(fields: &str, replacement: Option<&str>) -> MaskField {
    let mut p = props(&[("fields", fields)]);
    if let Some(r) = replacement {
        p.insert("replacement".into(), r.into());
    }
    MaskField::configure(Side::Value, &p).unwrap()
}

fn full() -> Value {
    map(&[
        ("magic", Value::Int32(42)),
        ("bool", Value::Boolean(true)),
        ("byte", Value::Int8(42)),
        ("short", Value::Int16(42)),
        ("int", Value::Int32(42)),
        ("long", Value::Int64(42)),
        ("float", Value::Float32(42.0)),
        ("double", Value::Float64(42.0)),
        ("string", Value::from("55.121.20.20")),
        ("date", Value::Date(1)),
        ("bigdec", Value::Decimal(BigInt::from(4200), 2)),
        ("list", Value::Array(vec![Value::from("one")])),
        ("map", map(&[("one", Value::from("1"))])),
    ])
}

#[test]
fn schemaless_null_values() {
    let x = masker(
        "bool,byte,short,int,long,float,double,string,date,bigdec,list,map",
        None,
    );
    let out = x.apply(value_record(None, full())).unwrap().unwrap();
    assert_eq!(
        out.value,
        map(&[
            ("magic", Value::Int32(42)),
            ("bool", Value::Boolean(false)),
            ("byte", Value::Int8(0)),
            ("short", Value::Int16(0)),
            ("int", Value::Int32(0)),
            ("long", Value::Int64(0)),
            ("float", Value::Float32(0.0)),
            ("double", Value::Float64(0.0)),
            ("string", Value::from("")),
            ("date", Value::Date(0)),
            ("bigdec", Value::Decimal(BigInt::from(0), 2)),
            ("list", Value::Array(vec![])),
            ("map", Value::Map(vec![])),
        ])
    );
}

#[test]
fn schemaless_replacements() {
    let x = masker("short,int,long,float,double,string,bigdec", Some("123"));
    let out = x.apply(value_record(None, full())).unwrap().unwrap();
    let Value::Map(entries) = &out.value else {
        panic!()
    };
    let get = |k: &str| map_get(entries, k).cloned().unwrap();
    assert_eq!(get("short"), Value::Int16(123));
    assert_eq!(get("long"), Value::Int64(123));
    assert_eq!(get("double"), Value::Float64(123.0));
    assert_eq!(get("string"), Value::from("123"));
    assert_eq!(get("bigdec"), Value::Decimal(BigInt::from(123), 0));
    assert_eq!(
        masker("int", Some("abc"))
            .apply(value_record(None, full()))
            .unwrap_err()
            .to_string(),
        "Unable to convert abc (class java.lang.String) to a number"
    );
    assert_eq!(
        masker("bigdec", Some("abc"))
            .apply(value_record(None, full()))
            .unwrap_err()
            .to_string(),
        "Unable to convert abc (class java.lang.String) to number"
    );
    assert_eq!(
        masker("date", Some("123"))
            .apply(value_record(None, full()))
            .unwrap_err()
            .to_string(),
        "Cannot mask value of type class java.util.Date with custom replacement."
    );
    assert_eq!(
        masker("bool", Some("123"))
            .apply(value_record(None, full()))
            .unwrap_err()
            .to_string(),
        "Cannot mask value of type class java.lang.Boolean with custom replacement."
    );
    assert_eq!(
        masker("x", None)
            .apply(value_record(None, map(&[("x", Value::Bytes(vec![1]))])))
            .unwrap_err()
            .to_string(),
        "Cannot mask value of type: class [B"
    );
}

#[test]
fn with_schema() {
    let schema = Schema::struct_builder()
        .field("magic", Schema::primitive(Type::Int32))
        .field("int", Schema::primitive(Type::Int32))
        .field("string", Schema::primitive(Type::String))
        .field("ts", logical::timestamp().build())
        .field(
            "withDefault",
            Schema::builder(Type::String)
                .optional()
                .default_value(Value::from("default"))
                .build(),
        )
        .build();
    let s = Struct::new(schema.clone())
        .unwrap()
        .with("magic", 42)
        .unwrap()
        .with("int", 42)
        .unwrap()
        .with("string", "hmm")
        .unwrap()
        .with("ts", Value::Timestamp(1000))
        .unwrap();
    let x = masker("int,string,ts,withDefault", None);
    let out = x
        .apply(value_record(Some(schema.clone()), Value::Struct(s.clone())))
        .unwrap()
        .unwrap();
    assert_eq!(out.value_schema, Some(schema.clone()));
    let Value::Struct(o) = &out.value else {
        panic!()
    };
    assert_eq!(o.get("magic").unwrap(), &Value::Int32(42));
    assert_eq!(o.get("int").unwrap(), &Value::Int32(0));
    assert_eq!(o.get("string").unwrap(), &Value::from(""));
    assert_eq!(o.get("ts").unwrap(), &Value::Timestamp(0));
    assert_eq!(
        o.get_without_default("withDefault").unwrap(),
        &Value::from("")
    );
    let keep_null = MaskField::configure(
        Side::Value,
        &props(&[
            ("fields", "withDefault"),
            ("replace.null.with.default", "false"),
        ]),
    )
    .unwrap();
    let out = keep_null
        .apply(value_record(Some(schema), Value::Struct(s)))
        .unwrap()
        .unwrap();
    let Value::Struct(o) = &out.value else {
        panic!()
    };
    assert_eq!(o.get_without_default("withDefault").unwrap(), &Value::Null);
    assert_eq!(
        x.apply(value_record(None, Value::Null))
            .unwrap_err()
            .to_string(),
        "Only Map objects supported in absence of schema for [mask fields], found: null"
    );
}

#[test]
fn config_errors() {
    assert_eq!(
        MaskField::configure(Side::Value, &props(&[("fields", "a"), ("replacement", "")]))
            .unwrap_err()
            .to_string(),
        "Invalid value  for configuration replacement: String must be non-empty"
    );
    assert_eq!(
        MaskField::configure(Side::Value, &props(&[("fields", "")]))
            .unwrap_err()
            .to_string(),
        "Invalid value [] for configuration fields: Empty list"
    );
}

#[test]
fn big_decimal_parsing() {
    assert_eq!(parse_big_decimal("1.50"), Some((BigInt::from(150), 2)));
    assert_eq!(parse_big_decimal("-7"), Some((BigInt::from(-7), 0)));
    assert_eq!(parse_big_decimal("1e3"), Some((BigInt::from(1), -3)));
    assert_eq!(parse_big_decimal("x"), None);
    assert_eq!(parse_big_decimal(""), None);
}
