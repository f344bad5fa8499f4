use super::*;
use crate::smt::testutil::{key_record, map, props};
use ferry_data::{SchemaRef, Type};

fn v2(path: &str) -> Vec<String> {
    SingleFieldPath::new(path, true).unwrap().steps().to_vec()
}

#[test]
fn field_paths_v2() {
    assert_eq!(v2("foo"), ["foo"]);
    assert_eq!(v2("foo.bar"), ["foo", "bar"]);
    assert_eq!(v2("foo.bar.baz"), ["foo", "bar", "baz"]);
    assert_eq!(v2("`foo.bar`.baz"), ["foo.bar", "baz"]);
    assert_eq!(v2("foo.`bar.baz`"), ["foo", "bar.baz"]);
    assert_eq!(v2("`foo`"), ["foo"]);
    assert_eq!(v2("foo."), ["foo", ""]);
    assert_eq!(v2(".foo"), ["", "foo"]);
    assert_eq!(v2("`foo\\`.bar`.baz"), ["foo`.bar", "baz"]);
    assert_eq!(v2("`fo`o`.bar"), ["fo`o", "bar"]);
    assert_eq!(
        SingleFieldPath::new("`foo.bar", true).unwrap_err().to_string(),
        "Incomplete backtick pair in path: [`foo.bar], consider adding a backslash before backtick at position 0 to escape it"
    );
    assert_eq!(
        SingleFieldPath::new("foo.`bar\\`", true).unwrap_err().to_string(),
        "Incomplete backtick pair in path: [foo.`bar\\`], consider adding a backslash before backtick at position 4 to escape it"
    );
    assert_eq!(
        SingleFieldPath::new("foo.bar", false).unwrap().steps(),
        ["foo.bar"]
    );
}

#[test]
fn schemaless() {
    let x = ExtractField::configure(Side::Key, &props(&[("field", "magic")])).unwrap();
    let out = x
        .apply(key_record(None, map(&[("magic", Value::Int32(42))])))
        .unwrap()
        .unwrap();
    assert_eq!(out.key, Value::Int32(42));
    let out = x.apply(key_record(None, Value::Null)).unwrap().unwrap();
    assert_eq!(out.key, Value::Null);
    let out = x
        .apply(key_record(None, map(&[("other", Value::Int32(1))])))
        .unwrap()
        .unwrap();
    assert_eq!(out.key, Value::Null);
    assert_eq!(
        x.apply(key_record(None, Value::Int32(1))).unwrap_err().to_string(),
        "Only Map objects supported in absence of schema for [field extraction], found: java.lang.Integer"
    );
}

#[test]
fn schemaless_nested_v2() {
    let x = ExtractField::configure(
        Side::Key,
        &props(&[("field", "magic.foo"), ("field.syntax.version", "v2")]),
    )
    .unwrap();
    let key = map(&[("magic", map(&[("foo", Value::Int32(42))]))]);
    assert_eq!(
        x.apply(key_record(None, key)).unwrap().unwrap().key,
        Value::Int32(42)
    );
}

fn nested_schema() -> (SchemaRef, Struct) {
    let inner = Schema::struct_builder()
        .field("foo", Schema::primitive(Type::Int32))
        .build();
    let outer = Schema::struct_builder()
        .field("magic", Schema::primitive(Type::Int32))
        .field("nested", inner.clone())
        .build();
    let s = Struct::new(outer.clone())
        .unwrap()
        .with("magic", 42)
        .unwrap()
        .with(
            "nested",
            Struct::new(inner).unwrap().with("foo", 7).unwrap(),
        )
        .unwrap();
    (outer, s)
}

#[test]
fn with_schema() {
    let (schema, s) = nested_schema();
    let x = ExtractField::configure(Side::Key, &props(&[("field", "magic")])).unwrap();
    let out = x
        .apply(key_record(Some(schema.clone()), Value::Struct(s.clone())))
        .unwrap()
        .unwrap();
    assert_eq!(out.key_schema, Some(Schema::primitive(Type::Int32)));
    assert_eq!(out.key, Value::Int32(42));
    let out = x
        .apply(key_record(Some(schema.clone()), Value::Null))
        .unwrap()
        .unwrap();
    assert_eq!(out.key, Value::Null);
    assert_eq!(out.key_schema, Some(Schema::primitive(Type::Int32)));

    let bad = ExtractField::configure(Side::Key, &props(&[("field", "nonexistent")])).unwrap();
    let err = bad
        .apply(key_record(Some(schema.clone()), Value::Struct(s.clone())))
        .unwrap_err();
    assert_eq!(err.to_string(), "Unknown field: nonexistent");
    assert_eq!(err.java_class(), "java.lang.IllegalArgumentException");

    let nested = ExtractField::configure(
        Side::Key,
        &props(&[("field", "nested.foo"), ("field.syntax.version", "V2")]),
    )
    .unwrap();
    let out = nested
        .apply(key_record(Some(schema.clone()), Value::Struct(s.clone())))
        .unwrap()
        .unwrap();
    assert_eq!(out.key, Value::Int32(7));
    let missing = ExtractField::configure(
        Side::Key,
        &props(&[
            ("field", "magic.nonexistent"),
            ("field.syntax.version", "V2"),
        ]),
    )
    .unwrap();
    assert_eq!(
        missing
            .apply(key_record(Some(schema), Value::Struct(s)))
            .unwrap_err()
            .to_string(),
        "Unknown field: magic.nonexistent"
    );
}

#[test]
fn replace_null_with_default() {
    let schema = Schema::struct_builder()
        .field(
            "magic",
            Schema::builder(Type::Int32)
                .optional()
                .default_value(Value::Int32(42))
                .build(),
        )
        .build();
    let s = Struct::new(schema.clone()).unwrap();
    let x = ExtractField::configure(Side::Value, &props(&[("field", "magic")])).unwrap();
    let r = crate::smt::testutil::value_record(Some(schema.clone()), Value::Struct(s.clone()));
    assert_eq!(x.apply(r.clone()).unwrap().unwrap().value, Value::Int32(42));
    let y = ExtractField::configure(
        Side::Value,
        &props(&[("field", "magic"), ("replace.null.with.default", "false")]),
    )
    .unwrap();
    assert_eq!(y.apply(r).unwrap().unwrap().value, Value::Null);
}

#[test]
fn config_errors() {
    assert_eq!(
        ExtractField::configure(Side::Key, &props(&[("field", "a"), ("field.syntax.version", "V3")]))
            .unwrap_err()
            .to_string(),
        "Invalid value V3 for configuration field.syntax.version: String must be one of (case insensitive): V1, V2"
    );
}
