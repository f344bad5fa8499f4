use super::*;
use crate::smt::testutil::{key_record, map, props, value_record};

#[test]
fn schemaless_nested_maps() {
    let x = Flatten::configure(Side::Value, &props(&[("delimiter", "#")])).unwrap();
    let value = map(&[
        (
            "A",
            map(&[(
                "B",
                map(&[("int8", Value::Int8(8)), ("string", Value::from("s"))]),
            )]),
        ),
        ("array", Value::Array(vec![Value::Int32(1)])),
        ("null", Value::Null),
    ]);
    let out = x.apply(value_record(None, value)).unwrap().unwrap();
    assert_eq!(
        out.value,
        map(&[
            ("A#B#int8", Value::Int8(8)),
            ("A#B#string", Value::from("s")),
            ("array", Value::Array(vec![Value::Int32(1)])),
            ("null", Value::Null),
        ])
    );
}

#[test]
fn schemaless_errors_and_tombstones() {
    let x = Flatten::configure(Side::Key, &props(&[])).unwrap();
    assert_eq!(
        x.apply(key_record(None, Value::Null)).unwrap().unwrap().key,
        Value::Null
    );
    assert_eq!(
        x.apply(key_record(None, Value::Int32(1))).unwrap_err().to_string(),
        "Only Map objects supported in absence of schema for [flattening], found: java.lang.Integer"
    );
    let s = Struct::new(Schema::struct_builder().build()).unwrap();
    assert_eq!(
        x.apply(key_record(None, map(&[("a", Value::Struct(s))]))).unwrap_err().to_string(),
        "Flatten transformation does not support class org.apache.kafka.connect.data.Struct for record without schemas (for field a)."
    );
}

#[test]
fn nested_struct_with_schema() {
    let x = Flatten::configure(Side::Value, &props(&[])).unwrap();
    let inner = Schema::struct_builder()
        .field("int32", Schema::primitive(Type::Int32))
        .field("opt", Schema::optional_primitive(Type::String))
        .build();
    let outer = Schema::struct_builder()
        .name("outer")
        .field("A", inner.clone())
        .field(
            "B",
            Schema::builder(Type::Struct)
                .optional()
                .field("c", Schema::primitive(Type::Int64))
                .build(),
        )
        .field("bytes", Schema::primitive(Type::Bytes))
        .build();
    let b_schema = outer.field("B").unwrap().schema.clone();
    let value = Struct::new(outer.clone())
        .unwrap()
        .with("A", Struct::new(inner).unwrap().with("int32", 8).unwrap())
        .unwrap()
        .with("B", Struct::new(b_schema).unwrap().with("c", 5i64).unwrap())
        .unwrap()
        .with("bytes", Value::Bytes(vec![1]))
        .unwrap();
    let out = x
        .apply(value_record(
            Some(outer.clone()),
            Value::Struct(value.clone()),
        ))
        .unwrap()
        .unwrap();
    let schema = out.value_schema.clone().unwrap();
    let names: Vec<&str> = schema.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["A.int32", "A.opt", "B.c", "bytes"]);
    assert_eq!(schema.name.as_deref(), Some("outer"));
    assert!(!schema.field("A.int32").unwrap().schema.optional);
    assert!(
        schema.field("B.c").unwrap().schema.optional,
        "optional parent makes children optional"
    );
    match &out.value {
        Value::Struct(s) => {
            assert_eq!(s.get("A.int32").unwrap(), &Value::Int32(8));
            assert_eq!(s.get("B.c").unwrap(), &Value::Int64(5));
            assert_eq!(s.get("A.opt").unwrap(), &Value::Null);
        }
        other => panic!("{other:?}"),
    }
    let again = x
        .apply(value_record(Some(outer), Value::Struct(value)))
        .unwrap()
        .unwrap();
    assert!(SchemaRef::ptr_eq(
        &schema,
        again.value_schema.as_ref().unwrap()
    ));
}

#[test]
fn map_with_schema_is_rejected() {
    let x = Flatten::configure(Side::Value, &props(&[])).unwrap();
    let schema = Schema::struct_builder()
        .field(
            "m",
            Schema::map(
                Schema::primitive(Type::String),
                Schema::primitive(Type::String),
            )
            .build(),
        )
        .build();
    let s = Struct::new(schema.clone()).unwrap();
    assert_eq!(
        x.apply(value_record(Some(schema), Value::Struct(s)))
            .unwrap_err()
            .to_string(),
        "Flatten transformation does not support MAP for record with schemas (for field m)."
    );
}

#[test]
fn defaults_from_optional_parent() {
    let inner = Schema::struct_builder()
        .optional()
        .field("x", Schema::primitive(Type::Int32))
        .build();
    let default = Struct::new(inner.clone()).unwrap().with("x", 9).unwrap();
    let with_default = {
        let mut s = (*inner).clone();
        s.default = Some(Value::Struct(default));
        SchemaRef::new(s)
    };
    let outer = Schema::struct_builder().field("in", with_default).build();
    let x = Flatten::configure(Side::Value, &props(&[])).unwrap();
    let out = x
        .apply(value_record(
            Some(outer.clone()),
            Value::Struct(Struct::new(outer).unwrap()),
        ))
        .unwrap()
        .unwrap();
    let schema = out.value_schema.unwrap();
    let f = &schema.field("in.x").unwrap().schema;
    assert!(f.optional);
    assert_eq!(f.default, Some(Value::Int32(9)));
}

#[test]
fn kafka_optional_and_default_values_nested() {
    let mut inner = Schema::struct_builder()
        .optional()
        .field("req_field", Schema::primitive(Type::String))
        .field(
            "opt_field",
            Schema::builder(Type::String)
                .optional()
                .default_value(Value::from("child_default"))
                .build(),
        )
        .into_schema();
    let default = Struct::new(SchemaRef::new(inner.clone()))
        .unwrap()
        .with("req_field", "req_default")
        .unwrap();
    inner.default = Some(Value::Struct(default));
    let schema = SchemaRef::new(inner);
    let x = Flatten::configure(Side::Value, &props(&[])).unwrap();
    let out = x
        .apply(value_record(
            Some(schema.clone()),
            Value::Struct(Struct::new(schema).unwrap()),
        ))
        .unwrap()
        .unwrap();
    let s = out.value_schema.unwrap();
    assert_eq!(s.fields.len(), 2);
    assert_eq!(
        s.field("req_field").unwrap().schema,
        Schema::builder(Type::String)
            .optional()
            .default_value(Value::from("req_default"))
            .build()
    );
    assert_eq!(
        s.field("opt_field").unwrap().schema,
        Schema::builder(Type::String)
            .optional()
            .default_value(Value::from("child_default"))
            .build()
    );
}

#[test]
fn struct_with_null_fields_is_unchanged() {
    let schema = Schema::struct_builder()
        .field("firstNull", Schema::optional_primitive(Type::String))
        .field("firstNonNull", Schema::optional_primitive(Type::String))
        .build();
    let value = Struct::new(schema.clone())
        .unwrap()
        .with("firstNonNull", "nonNull")
        .unwrap();
    let x = Flatten::configure(Side::Value, &props(&[])).unwrap();
    let out = x
        .apply(value_record(Some(schema), Value::Struct(value.clone())))
        .unwrap()
        .unwrap();
    assert_eq!(out.value, Value::Struct(value));
}
