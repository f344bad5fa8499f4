//! Vectors from Kafka's `ValuesTest` for `Values.parseString` and `Values.convertToString`.

use ferry_data::{logical, Schema, SchemaRef, Type, Value};
use num_bigint::BigInt;

use super::{convert_to_string, parse_string};
use crate::schemas;

fn parse(text: &str) -> (Option<SchemaRef>, Value) {
    parse_string(text).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn assert_string(text: &str) {
    assert_eq!(
        parse(text),
        (Some(schemas::STRING.clone()), Value::from(text)),
        "{text:?}"
    );
}

fn assert_parsed(text: &str, schema: &SchemaRef, value: Value) {
    assert_eq!(parse(text), (Some(schema.clone()), value), "{text:?}");
}

/// Compares maps as Java's `HashMap.equals` does: same entries, any order.
fn assert_same_entries(actual: &Value, expected: &[(Value, Value)]) {
    let Value::Map(entries) = actual else {
        panic!("not a map: {actual:?}")
    };
    assert_eq!(entries.len(), expected.len());
    for entry in expected {
        assert!(
            entries.contains(entry),
            "{entry:?} missing from {entries:?}"
        );
    }
}

#[test]
fn strings_that_are_not_values_stay_strings() {
    assert_parsed("", &schemas::STRING, "".into());
    assert_string("\u{ffff}");
    for text in [
        "{foo: 3}",
        "{3: foo}",
        "[foo]",
        "null=",
        "true}",
        "false]",
        "{6:9 4:20}",
        "[0 1 2]",
        "{null: 3}",
        "[1, 2, 3,,,]",
        "[1, null]",
        "[null, 1]",
        "  ",
        " hello ",
        "simple string",
        "--1",
        ".5",
        "[1, 2",
        "{\"a\": 1, \"b\": null}",
        "{ ,,  , , }",
        "[1, 2, 3, \"four\",,,]",
        "three\"blind\\\"mice",
    ] {
        assert_string(text);
    }
    // Kafka's quirk: when a structure after leading blanks fails, the first token (the blanks)
    // is the result.
    for text in [
        " { ,,  , , }  ",
        " { \"foo\" :  1234567890 ,, \"bar\" : 0,  \"baz\" : -987654321 }  ",
        " [1,,]",
    ] {
        assert_eq!(
            parse(text),
            (Some(schemas::STRING.clone()), Value::from(" ")),
            "{text:?}"
        );
    }
}

#[test]
fn literals() {
    let ws = "\n \t \t\n";
    assert_parsed(
        &format!("{ws}true{ws}"),
        &schemas::BOOLEAN,
        Value::Boolean(true),
    );
    assert_parsed(
        &format!("{ws}false{ws}"),
        &schemas::BOOLEAN,
        Value::Boolean(false),
    );
    assert_eq!(parse(&format!("{ws}null{ws}")), (None, Value::Null));
    assert_eq!(parse("null"), (None, Value::Null));
}

#[test]
fn numbers_take_the_smallest_type() {
    for (text, schema, value) in [
        ("127", &schemas::INT8, Value::Int8(127)),
        ("-128", &schemas::INT8, Value::Int8(-128)),
        ("+5", &schemas::INT8, Value::Int8(5)),
        ("32767", &schemas::INT16, Value::Int16(i16::MAX)),
        ("-32768", &schemas::INT16, Value::Int16(i16::MIN)),
        ("2147483647", &schemas::INT32, Value::Int32(i32::MAX)),
        ("-2147483648", &schemas::INT32, Value::Int32(i32::MIN)),
        (
            "9223372036854775807",
            &schemas::INT64,
            Value::Int64(i64::MAX),
        ),
        (
            "-9223372036854775808",
            &schemas::INT64,
            Value::Int64(i64::MIN),
        ),
        ("3.4028235E38", &schemas::FLOAT32, Value::Float32(f32::MAX)),
        (
            "-3.4028235E38",
            &schemas::FLOAT32,
            Value::Float32(-f32::MAX),
        ),
        (
            "1.7976931348623157E308",
            &schemas::FLOAT64,
            Value::Float64(f64::MAX),
        ),
        (
            "-1.7976931348623157E308",
            &schemas::FLOAT64,
            Value::Float64(-f64::MAX),
        ),
        ("1.0", &schemas::INT8, Value::Int8(1)),
        ("1.1", &schemas::FLOAT32, Value::Float32(1.1)),
        ("300.0", &schemas::INT16, Value::Int16(300)),
        ("300.01", &schemas::FLOAT32, Value::Float32(300.01)),
        ("66000.0", &schemas::INT32, Value::Int32(66000)),
        ("66000.0008", &schemas::FLOAT32, Value::Float32(66000.0008)),
        ("1e2", &schemas::INT8, Value::Int8(100)),
        ("1.", &schemas::INT8, Value::Int8(1)),
        // Kafka ignores what follows a number at the top level.
        ("1,2", &schemas::INT8, Value::Int8(1)),
    ] {
        assert_parsed(text, schema, value);
    }
    for text in ["9223372036854775808", "-9223372036854775809"] {
        let (schema, value) = parse(text);
        assert_eq!(schema, Some(logical::decimal(0).build()));
        assert_eq!(value, Value::Decimal(text.parse::<BigInt>().unwrap(), 0));
    }
    let (schema, value) = parse("1e999999999");
    assert_eq!(schema, Some(logical::decimal(-999_999_999).build()));
    assert_eq!(value, Value::Decimal(BigInt::from(1), -999_999_999));
}

#[test]
fn arrays_and_maps_find_a_common_schema() {
    let boolean_array = Schema::array(schemas::BOOLEAN.clone()).build();
    assert_parsed(
        "[true, false]",
        &boolean_array,
        Value::Array(vec![Value::Boolean(true), Value::Boolean(false)]),
    );
    let (schema, value) = parse("{true: false, false: true}");
    assert_eq!(
        schema,
        Some(Schema::map(schemas::BOOLEAN.clone(), schemas::BOOLEAN.clone()).build())
    );
    assert_same_entries(
        &value,
        &[
            (Value::Boolean(true), Value::Boolean(false)),
            (Value::Boolean(false), Value::Boolean(true)),
        ],
    );

    let empty_map = std::sync::Arc::new(Schema::of(Type::Map));
    let empty_array = std::sync::Arc::new(Schema::of(Type::Array));
    assert_parsed("{}", &empty_map, Value::Map(vec![]));
    assert_parsed("[]", &empty_array, Value::Array(vec![]));
    assert_parsed("[null]", &empty_array, Value::Array(vec![Value::Null]));
    let mut null_values = Schema::of(Type::Map);
    null_values.key_schema = Some(schemas::INT8.clone());
    assert_parsed(
        "{3: null}",
        &std::sync::Arc::new(null_values),
        Value::Map(vec![(Value::Int8(3), Value::Null)]),
    );

    let ints = |v: &[i32]| Value::Array(v.iter().map(|i| Value::Int32(*i)).collect());
    assert_parsed(
        "[1, 2, 32768]",
        &Schema::array(schemas::INT32.clone()).build(),
        ints(&[1, 2, 32768]),
    );
    let floats = Value::Array(vec![
        Value::Float32(1.0),
        Value::Float32(2.0),
        Value::Float32(f32::MAX),
    ]);
    assert_parsed(
        "[1, 2, 3.4028235E38]",
        &Schema::array(schemas::FLOAT32.clone()).build(),
        floats,
    );
    let doubles = Value::Array(vec![
        Value::Float64(1.0),
        Value::Float64(2.0),
        Value::Float64(f64::MAX),
    ]);
    assert_parsed(
        "[1, 2, 1.7976931348623157E308]",
        &Schema::array(schemas::FLOAT64.clone()).build(),
        doubles,
    );

    for text in ["[[]]", "[{}]"] {
        let schema = parse(text).0.unwrap();
        assert_eq!(
            schema.value_schema.as_ref().map(|s| s.ty),
            Some(if text == "[[]]" {
                Type::Array
            } else {
                Type::Map
            })
        );
    }
    for (text, ty) in [("{\"a\":{}}", Type::Map), ("{\"a\":[]}", Type::Array)] {
        assert_eq!(
            parse(text).0.unwrap().value_schema.as_ref().map(|s| s.ty),
            Some(ty)
        );
    }
}

#[test]
fn mixed_elements_have_no_common_schema() {
    let expected = |v: &[Value]| Value::Array(v.to_vec());
    let (one, two, three_hundred, four) = (
        Value::Int8(1),
        Value::Int8(2),
        Value::Int16(300),
        Value::from("four"),
    );
    for (text, values) in [
        ("[1, 2, 300, \"four\"]", [&one, &two, &three_hundred, &four]),
        ("[2, 300, \"four\", 1]", [&two, &three_hundred, &four, &one]),
        ("[300, \"four\", 1, 2]", [&three_hundred, &four, &one, &two]),
        ("[\"four\", 1, 2, 300]", [&four, &one, &two, &three_hundred]),
    ] {
        let (schema, value) = parse(text);
        let schema = schema.unwrap();
        assert_eq!(
            (schema.ty, schema.value_schema.is_none()),
            (Type::Array, true)
        );
        assert_eq!(value, expected(&values.map(Clone::clone)));
    }
    for text in [
        "{1:1, 2:1, 300:300, \"four\":1}",
        "{\"four\":1, 1:1, 2:1, 300:300}",
    ] {
        let (schema, value) = parse(text);
        let schema = schema.unwrap();
        assert!(schema.key_schema.is_none() && schema.value_schema.is_none());
        assert_same_entries(
            &value,
            &[
                (one.clone(), one.clone()),
                (two.clone(), one.clone()),
                (three_hundred.clone(), three_hundred.clone()),
                (four.clone(), one.clone()),
            ],
        );
    }
    for text in [
        "{1:1, 2:1, 300:300, 4:\"four\"}",
        "{4:\"four\", 1:1, 2:1, 300:300}",
    ] {
        let (schema, value) = parse(text);
        let schema = schema.unwrap();
        assert_eq!(schema.key_schema.as_ref(), Some(&*schemas::INT16));
        assert!(schema.value_schema.is_none());
        let short = Value::Int16;
        assert_same_entries(
            &value,
            &[
                (short(1), one.clone()),
                (short(2), one.clone()),
                (short(300), three_hundred.clone()),
                (short(4), four.clone()),
            ],
        );
    }
    let decimals = "[\"1.0\", 9223372036854775808, -9223372036854775809, 1, 1]";
    let (schema, value) = parse(decimals);
    assert!(schema.unwrap().value_schema.is_none());
    let big = |t: &str| Value::Decimal(t.parse::<BigInt>().unwrap(), 0);
    let expected = vec![
        "1.0".into(),
        big("9223372036854775808"),
        big("-9223372036854775809"),
        Value::Int8(1),
        Value::Int8(1),
    ];
    assert_eq!(value, Value::Array(expected));
    let only = parse("[9223372036854775808, -9223372036854775809]");
    let expected = Value::Array(vec![
        big("9223372036854775808"),
        big("-9223372036854775809"),
    ]);
    assert_eq!(
        only,
        (
            Some(Schema::array(logical::decimal(0).build()).build()),
            expected
        )
    );
}

#[test]
fn dates_times_and_timestamps() {
    let ts = Value::Timestamp(1_566_570_894_346);
    assert_parsed("2019-08-23T14:34:54.346Z", &schemas::TIMESTAMP, ts.clone());
    assert_parsed(
        "2019-08-23T14\\:34\\:54.346Z",
        &schemas::TIMESTAMP,
        ts.clone(),
    );
    assert_parsed("2019-08-23", &schemas::DATE, Value::Date(18_131));
    assert_parsed("14:34:54.346Z", &schemas::TIME, Value::Time(52_494_346));
    assert_parsed("14\\:34\\:54.346Z", &schemas::TIME, Value::Time(52_494_346));
    assert_parsed("2019-08-23,foo", &schemas::DATE, Value::Date(18_131));
    assert_parsed(
        "[2019-08-23]",
        &Schema::array(schemas::DATE.clone()).build(),
        Value::Array(vec![Value::Date(18_131)]),
    );
    assert_parsed(
        "[14:34:54.346Z]",
        &Schema::array(schemas::TIME.clone()).build(),
        Value::Array(vec![Value::Time(52_494_346)]),
    );
    let three = "[2019-08-23T14:34:54.346Z,2019-01-23T15:12:34.567Z,   2019-04-23T19:12:34.567Z]";
    let values = vec![
        ts,
        Value::Timestamp(1_548_256_354_567),
        Value::Timestamp(1_556_046_754_567),
    ];
    assert_parsed(
        three,
        &Schema::array(schemas::TIMESTAMP.clone()).build(),
        Value::Array(values),
    );
    let time_map = Schema::map(schemas::STRING.clone(), schemas::TIME.clone()).build();
    let expected = Value::Map(vec![("k1".into(), Value::Time(52_494_346))]);
    assert_parsed("{\"k1\":\"14:34:54.346Z\"}", &time_map, expected.clone());
    assert_parsed("{\"k1\":14:34:54.346Z}", &time_map, expected);
    // A date and a larger number merge to INT32, which a date does not convert to.
    assert_string("[2019-08-23, 100000]");
    assert_parsed(
        "[2019-08-23, 5]",
        &Schema::array(schemas::DATE.clone()).build(),
        Value::Array(vec![Value::Date(18_131), Value::Date(5)]),
    );
}

#[test]
fn quoted_strings_keep_their_escapes() {
    let strings = Schema::array(schemas::STRING.clone()).build();
    assert_parsed(
        r#"["a, b", "c:d", " e"]"#,
        &strings,
        Value::Array(vec!["a, b".into(), "c:d".into(), " e".into()]),
    );
    assert_parsed(
        r#"["x\"y"]"#,
        &strings,
        Value::Array(vec![r#"x\"y"#.into()]),
    );
    let map = Schema::map(schemas::STRING.clone(), schemas::INT8.clone()).build();
    assert_parsed(
        "{\"a\":1\"b\":2}",
        &map,
        Value::Map(vec![
            ("a".into(), Value::Int8(1)),
            ("b".into(), Value::Int8(2)),
        ]),
    );
    assert_parsed(
        "{\"a\":1,\"a\":2}",
        &map,
        Value::Map(vec![("a".into(), Value::Int8(2))]),
    );
}

#[test]
fn too_deep_is_an_error() {
    assert!(parse_string(&"[".repeat(300)).is_err());
    assert_string(&"[".repeat(200));
}

#[test]
fn convert_to_string_then_parse_round_trips() {
    for (schema, value) in [
        (
            Schema::map(schemas::STRING.clone(), schemas::STRING.clone()).build(),
            Value::Map(vec![
                ("foo".into(), "123".into()),
                ("bar".into(), "baz".into()),
            ]),
        ),
        (
            Schema::array(schemas::INT32.clone()).build(),
            Value::Array(vec![Value::Int32(1234567890), Value::Int32(-987654321)]),
        ),
        (schemas::BOOLEAN.clone(), Value::Boolean(false)),
        (schemas::INT64.clone(), Value::Int64(i64::MIN)),
        (schemas::FLOAT32.clone(), Value::Float32(1.5)),
        (
            schemas::TIMESTAMP.clone(),
            Value::Timestamp(1_566_570_894_346),
        ),
        (
            schemas::STRING.clone(),
            Value::from("string with delimiters: <>?,./\\=+-!@#$%^&*(){}[]|;':"),
        ),
    ] {
        let text = convert_to_string(&value).unwrap();
        assert_eq!(parse(&text), (Some(schema), value), "{text}");
    }
    assert_eq!(convert_to_string(&Value::Null), None);
    assert_eq!(
        convert_to_string(&Value::Float64(1.0)).as_deref(),
        Some("1.0")
    );
    assert_eq!(parse("1.0"), (Some(schemas::INT8.clone()), Value::Int8(1)));
}
