use super::*;
use crate::smt::testutil::{map, props, value_record};
use ferry_data::{logical, Struct};

fn cast(spec: &str) -> Cast {
    Cast::configure(Side::Value, &props(&[("spec", spec)])).unwrap()
}

fn whole(spec: &str, schema: Option<SchemaRef>, v: Value) -> Value {
    cast(spec)
        .apply(value_record(schema, v))
        .unwrap()
        .unwrap()
        .value
}

#[test]
fn whole_value_with_schema() {
    let int32 = Some(Schema::primitive(Type::Int32));
    assert_eq!(
        whole("int8", int32.clone(), Value::Int32(42)),
        Value::Int8(42)
    );
    assert_eq!(
        whole("int16", int32.clone(), Value::Int32(42)),
        Value::Int16(42)
    );
    assert_eq!(
        whole("int64", int32.clone(), Value::Int32(42)),
        Value::Int64(42)
    );
    assert_eq!(
        whole("float32", int32.clone(), Value::Int32(42)),
        Value::Float32(42.0)
    );
    assert_eq!(
        whole("float64", int32.clone(), Value::Int32(42)),
        Value::Float64(42.0)
    );
    assert_eq!(
        whole("boolean", int32.clone(), Value::Int32(42)),
        Value::Boolean(true)
    );
    assert_eq!(
        whole("boolean", int32.clone(), Value::Int32(0)),
        Value::Boolean(false)
    );
    assert_eq!(
        whole("string", int32.clone(), Value::Int32(42)),
        Value::from("42")
    );
    let out = cast("string")
        .apply(value_record(int32, Value::Int32(42)))
        .unwrap()
        .unwrap();
    assert_eq!(out.value_schema.unwrap().ty, Type::String);
    assert_eq!(
        whole(
            "string",
            Some(logical::decimal(0).build()),
            Value::Decimal(42.into(), 0)
        ),
        Value::from("42")
    );
    assert_eq!(
        whole(
            "string",
            Some(logical::timestamp().build()),
            Value::Timestamp(86_400_001)
        ),
        Value::from("1970-01-02T00:00:00.001Z")
    );
    assert_eq!(
        whole(
            "string",
            Some(Schema::primitive(Type::Bytes)),
            Value::Bytes(vec![0xFE, 0xDC, 0xBA, 0x98, 0x76, 0x54, 0x32, 0x10])
        ),
        Value::from("/ty6mHZUMhA=")
    );
    assert_eq!(
        whole(
            "int8",
            Some(Schema::primitive(Type::Int64)),
            Value::Int64(300)
        ),
        Value::Int8(44)
    );
}

#[test]
fn whole_value_schemaless() {
    assert_eq!(whole("int8", None, Value::Int32(42)), Value::Int8(42));
    assert_eq!(whole("int32", None, Value::from("42")), Value::Int32(42));
    assert_eq!(
        whole("float32", None, Value::from("42.5")),
        Value::Float32(42.5)
    );
    assert_eq!(
        whole("boolean", None, Value::from("TRUE")),
        Value::Boolean(true)
    );
    assert_eq!(
        whole("boolean", None, Value::from("yes")),
        Value::Boolean(false)
    );
    assert_eq!(whole("int64", None, Value::Boolean(true)), Value::Int64(1));
    assert_eq!(
        whole("string", None, Value::Float64(42.0)),
        Value::from("42.0")
    );
    assert_eq!(whole("int32", None, Value::Null), Value::Null);
    let err = cast("int8")
        .apply(value_record(None, Value::from("300")))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Value (300) was out of range for requested data type"
    );
    let err = cast("int32")
        .apply(value_record(None, Value::Array(vec![Value::from("foo")])))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Cast transformation does not support casting from ARRAY; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING, BYTES]"
    );
    let err = cast("int32")
        .apply(value_record(None, Value::Bytes(vec![1])))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Unexpected type in Cast transformation: class [B"
    );
    let err = cast("int32")
        .apply(value_record(None, Value::Decimal(1.into(), 0)))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Cast transformation was passed a value of type class java.math.BigDecimal which is not supported by Connect's data API"
    );
}

#[test]
fn fields_with_schema() {
    let x = cast("int8:int16,int32:int64,float32:float64,boolean:int8,string:int32,optional:int32,bigdecimal:string,date:int32,ts:float64,withdef:string");
    let schema = Schema::struct_builder()
        .field("int8", Schema::optional_primitive(Type::Int8))
        .field("int32", Schema::primitive(Type::Int32))
        .field("float32", Schema::primitive(Type::Float32))
        .field("boolean", Schema::primitive(Type::Boolean))
        .field("string", Schema::primitive(Type::String))
        .field("optional", Schema::optional_primitive(Type::Float32))
        .field("bigdecimal", logical::decimal(0).build())
        .field("date", logical::date().build())
        .field("ts", logical::timestamp().build())
        .field(
            "withdef",
            Schema::builder(Type::Int32)
                .optional()
                .default_value(Value::Int32(7))
                .build(),
        )
        .field("untouched", Schema::primitive(Type::String))
        .build();
    let s = Struct::new(schema.clone())
        .unwrap()
        .with("int8", Value::Int8(8))
        .unwrap()
        .with("int32", 32)
        .unwrap()
        .with("float32", Value::Float32(32.5))
        .unwrap()
        .with("boolean", true)
        .unwrap()
        .with("string", "42")
        .unwrap()
        .with("bigdecimal", Value::Decimal(42.into(), 0))
        .unwrap()
        .with("date", Value::Date(1))
        .unwrap()
        .with("ts", Value::Timestamp(i64::MAX))
        .unwrap()
        .with("untouched", "x")
        .unwrap();
    let out = x
        .apply(value_record(Some(schema.clone()), Value::Struct(s.clone())))
        .unwrap()
        .unwrap();
    let us = out.value_schema.clone().unwrap();
    assert_eq!(
        us.field("int8").unwrap().schema,
        Schema::optional_primitive(Type::Int16)
    );
    assert_eq!(
        us.field("untouched").unwrap().schema,
        Schema::primitive(Type::String)
    );
    let wd = &us.field("withdef").unwrap().schema;
    assert_eq!(
        (wd.ty, wd.default.clone()),
        (Type::String, Some(Value::from("7")))
    );
    let Value::Struct(o) = &out.value else {
        panic!()
    };
    assert_eq!(o.get("int8").unwrap(), &Value::Int16(8));
    assert_eq!(o.get("int32").unwrap(), &Value::Int64(32));
    assert_eq!(o.get("float32").unwrap(), &Value::Float64(32.5));
    assert_eq!(o.get("boolean").unwrap(), &Value::Int8(1));
    assert_eq!(o.get("string").unwrap(), &Value::Int32(42));
    assert_eq!(o.get("optional").unwrap(), &Value::Null);
    assert_eq!(o.get("bigdecimal").unwrap(), &Value::from("42"));
    assert_eq!(o.get("date").unwrap(), &Value::Int32(1));
    assert_eq!(o.get("ts").unwrap(), &Value::Float64(9.223372036854776E18));
    assert_eq!(o.get_without_default("withdef").unwrap(), &Value::from("7"));
    let again = x
        .apply(value_record(Some(schema), Value::Struct(s)))
        .unwrap()
        .unwrap();
    assert!(SchemaRef::ptr_eq(&us, again.value_schema.as_ref().unwrap()));
}

#[test]
fn logical_decimal_narrowing() {
    let x = cast("d:int32");
    let schema = Schema::struct_builder()
        .field("d", logical::decimal(0).build())
        .build();
    let s = Struct::new(schema.clone())
        .unwrap()
        .with(
            "d",
            Value::Decimal(BigInt::from(i64::from(i32::MAX) + 1), 0),
        )
        .unwrap();
    let out = x
        .apply(value_record(Some(schema), Value::Struct(s)))
        .unwrap()
        .unwrap();
    let Value::Struct(o) = &out.value else {
        panic!()
    };
    assert_eq!(o.get("d").unwrap(), &Value::Int32(i32::MIN));
}

#[test]
fn fields_schemaless() {
    let x = cast("a:int16,missing:string");
    let out = x
        .apply(value_record(
            None,
            map(&[("a", Value::Int32(1)), ("b", Value::Int32(2))]),
        ))
        .unwrap()
        .unwrap();
    assert_eq!(
        out.value,
        map(&[
            ("a", Value::Int16(1)),
            ("b", Value::Int32(2)),
            ("missing", Value::Null)
        ])
    );
    assert_eq!(
        x.apply(value_record(None, Value::Int32(1))).unwrap_err().to_string(),
        "Only Map objects supported in absence of schema for [cast types], found: java.lang.Integer"
    );
    let tomb = value_record(None, Value::Null);
    assert_eq!(x.apply(tomb.clone()).unwrap().unwrap(), tomb);
}

#[test]
fn config_errors() {
    let e = |spec: &str| {
        Cast::configure(Side::Value, &props(&[("spec", spec)]))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(e(""), "Must specify at least one field to cast.");
    assert_eq!(
        e("foo:faketype"),
        "Invalid type found in casting spec: faketype"
    );
    assert_eq!(
        e("a:b:c"),
        "Invalid value [a:b:c] for configuration renames: Invalid rename mapping: a:b:c"
    );
    assert_eq!(e("int8,int32"), "Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec");
    assert_eq!(e("foo:array"), "Cast transformation does not support casting to ARRAY; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]");
    assert_eq!(
        Cast::configure(Side::Value, &props(&[]))
            .unwrap_err()
            .to_string(),
        "Missing required configuration \"spec\" which has no default value."
    );
}

#[test]
fn whole_value_default_is_cast() {
    let schema = Schema::builder(Type::Float32)
        .default_value(Value::Float32(-42.125))
        .build();
    let out = cast("int32")
        .apply(value_record(Some(schema), Value::Float32(42.125)))
        .unwrap()
        .unwrap();
    let s = out.value_schema.unwrap();
    assert_eq!(s.ty, Type::Int32);
    assert_eq!(s.default, Some(Value::Int32(-42)));
    assert_eq!(out.value, Value::Int32(42));
}

#[test]
fn key_side() {
    let x = Cast::configure(Side::Key, &props(&[("spec", "int8")])).unwrap();
    let mut r = value_record(Some(Schema::primitive(Type::String)), Value::from("bogus"));
    r.key = Value::Int32(42);
    let out = x.apply(r).unwrap().unwrap();
    assert_eq!(out.key, Value::Int8(42));
    assert_eq!(out.value, Value::from("bogus"));
}
