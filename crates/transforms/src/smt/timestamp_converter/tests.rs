use super::*;
use crate::smt::testutil::{map, props, value_record};

// Kafka's vectors: 1970-01-01T00:00:00.000 + 17167 days (2017-01-01) + 1h 2m 3s 4ms.
const DATE_PLUS_TIME_MS: i64 = 17_167 * 86_400_000 + 3_723_004;
const STRING_DATE_FMT: &str = "yyyy MM dd HH mm ss SSS z";
const DATE_PLUS_TIME_STRING: &str = "2017 01 01 01 02 03 004 UTC";

fn conv(side: Side, pairs: &[(&str, &str)]) -> TimestampConverter {
    TimestampConverter::configure(side, &props(pairs)).unwrap()
}

#[test]
fn schemaless_whole_value() {
    let x = conv(Side::Value, &[("target.type", "Timestamp")]);
    let out = x
        .apply(value_record(None, Value::Int64(DATE_PLUS_TIME_MS)))
        .unwrap()
        .unwrap();
    assert_eq!(out.value, Value::Timestamp(DATE_PLUS_TIME_MS));
    assert_eq!(out.value_schema, None);

    let x = conv(Side::Value, &[("target.type", "Date")]);
    let out = x
        .apply(value_record(None, Value::Timestamp(DATE_PLUS_TIME_MS)))
        .unwrap()
        .unwrap();
    assert_eq!(out.value, Value::Date(17_167));

    let x = conv(Side::Value, &[("target.type", "Time")]);
    let out = x
        .apply(value_record(None, Value::Timestamp(DATE_PLUS_TIME_MS)))
        .unwrap()
        .unwrap();
    assert_eq!(out.value, Value::Time(3_723_004));

    let x = conv(Side::Value, &[("target.type", "unix")]);
    let out = x
        .apply(value_record(None, Value::Timestamp(DATE_PLUS_TIME_MS)))
        .unwrap()
        .unwrap();
    assert_eq!(out.value, Value::Int64(DATE_PLUS_TIME_MS));

    let x = conv(
        Side::Value,
        &[("target.type", "string"), ("format", STRING_DATE_FMT)],
    );
    let out = x
        .apply(value_record(None, Value::Timestamp(DATE_PLUS_TIME_MS)))
        .unwrap()
        .unwrap();
    assert_eq!(out.value, Value::from(DATE_PLUS_TIME_STRING));

    let x = conv(
        Side::Value,
        &[("target.type", "Timestamp"), ("format", STRING_DATE_FMT)],
    );
    let out = x
        .apply(value_record(None, Value::from(DATE_PLUS_TIME_STRING)))
        .unwrap()
        .unwrap();
    assert_eq!(out.value, Value::Timestamp(DATE_PLUS_TIME_MS));

    let tomb = value_record(None, Value::Null);
    assert_eq!(x.apply(tomb.clone()).unwrap().unwrap(), tomb);
}

#[test]
fn unix_precisions() {
    for (precision, input, expected) in [
        ("seconds", 1_483_405_323i64, 1_483_405_323_000i64),
        ("microseconds", 1_483_405_323_004_005, 1_483_405_323_004),
        ("nanoseconds", 1_483_405_323_004_005_006, 1_483_405_323_004),
        ("milliseconds", 5, 5),
    ] {
        let x = conv(
            Side::Value,
            &[("target.type", "Timestamp"), ("unix.precision", precision)],
        );
        let out = x
            .apply(value_record(None, Value::Int64(input)))
            .unwrap()
            .unwrap();
        assert_eq!(out.value, Value::Timestamp(expected), "{precision}");
    }
    let x = conv(
        Side::Value,
        &[("target.type", "unix"), ("unix.precision", "microseconds")],
    );
    let out = x
        .apply(value_record(None, Value::Timestamp(7)))
        .unwrap()
        .unwrap();
    assert_eq!(out.value, Value::Int64(7000));
}

#[test]
fn with_schema_whole_value() {
    let x = conv(Side::Value, &[("target.type", "Date")]);
    let out = x
        .apply(value_record(
            Some(logical::timestamp().build()),
            Value::Timestamp(DATE_PLUS_TIME_MS),
        ))
        .unwrap()
        .unwrap();
    assert_eq!(out.value_schema, Some(logical::date().build()));
    assert_eq!(out.value, Value::Date(17_167));

    let x = conv(Side::Value, &[("target.type", "Timestamp")]);
    let out = x
        .apply(value_record(
            Some(Schema::optional_primitive(Type::Int64)),
            Value::Null,
        ))
        .unwrap()
        .unwrap();
    assert_eq!(
        out.value_schema,
        Some(logical::timestamp().optional().build())
    );
    assert_eq!(out.value, Value::Null);

    let x = conv(
        Side::Value,
        &[("target.type", "string"), ("format", STRING_DATE_FMT)],
    );
    let out = x
        .apply(value_record(
            Some(logical::timestamp().build()),
            Value::Timestamp(DATE_PLUS_TIME_MS),
        ))
        .unwrap()
        .unwrap();
    assert_eq!(out.value_schema, Some(Schema::primitive(Type::String)));
    assert_eq!(out.value, Value::from(DATE_PLUS_TIME_STRING));

    let err = x
        .apply(value_record(
            Some(Schema::primitive(Type::Int32)),
            Value::Int32(1),
        ))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Schema Schema{INT32} does not correspond to a known timestamp type format"
    );
}

#[test]
fn with_schema_field() {
    let x = conv(Side::Value, &[("target.type", "Date"), ("field", "ts")]);
    let schema = Schema::struct_builder()
        .field("ts", logical::timestamp().build())
        .field("other", Schema::primitive(Type::String))
        .build();
    let s = Struct::new(schema.clone())
        .unwrap()
        .with("ts", Value::Timestamp(DATE_PLUS_TIME_MS))
        .unwrap()
        .with("other", "test")
        .unwrap();
    let out = x
        .apply(value_record(Some(schema.clone()), Value::Struct(s.clone())))
        .unwrap()
        .unwrap();
    let us = out.value_schema.clone().unwrap();
    assert_eq!(us.field("ts").unwrap().schema, logical::date().build());
    let Value::Struct(o) = &out.value else {
        panic!()
    };
    assert_eq!(o.get("ts").unwrap(), &Value::Date(17_167));
    assert_eq!(o.get("other").unwrap(), &Value::from("test"));
    let again = x
        .apply(value_record(Some(schema.clone()), Value::Struct(s)))
        .unwrap()
        .unwrap();
    assert!(SchemaRef::ptr_eq(&us, again.value_schema.as_ref().unwrap()));
    let null = x
        .apply(value_record(Some(schema), Value::Null))
        .unwrap()
        .unwrap();
    assert_eq!(null.value, Value::Null);
}

#[test]
fn schemaless_field() {
    let x = conv(Side::Key, &[("target.type", "unix"), ("field", "ts")]);
    let mut r = value_record(None, Value::Null);
    r.key = map(&[("ts", Value::from("x")), ("o", Value::Int32(1))]);
    let err = TimestampConverter::configure(
        Side::Key,
        &props(&[("target.type", "unix"), ("field", "ts"), ("format", "yyyy")]),
    )
    .unwrap()
    .apply(r.clone())
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "Could not parse timestamp: value (x) does not match pattern (yyyy)"
    );
    r.key = map(&[("ts", Value::Timestamp(5)), ("o", Value::Int32(1))]);
    let out = x.apply(r).unwrap().unwrap();
    assert_eq!(
        out.key,
        map(&[("ts", Value::Int64(5)), ("o", Value::Int32(1))])
    );
}

#[test]
fn errors() {
    let x = conv(Side::Value, &[("target.type", "Date")]);
    assert_eq!(
        x.apply(value_record(None, Value::Int32(1)))
            .unwrap_err()
            .to_string(),
        "TimestampConverter does not support class java.lang.Integer objects as timestamps"
    );
    assert_eq!(
        x.apply(value_record(Some(logical::date().build()), Value::Int32(1)))
            .unwrap_err()
            .to_string(),
        "Expected Date to be a java.util.Date, but found class java.lang.Integer"
    );
    assert_eq!(
        TimestampConverter::configure(Side::Value, &props(&[("target.type", "string")]))
            .unwrap_err()
            .to_string(),
        "TimestampConverter requires format option to be specified when using string timestamps"
    );
    assert_eq!(
        TimestampConverter::configure(Side::Value, &props(&[("target.type", "string"), ("format", "bad-format")]))
            .unwrap_err()
            .to_string(),
        "TimestampConverter requires a SimpleDateFormat-compatible pattern for string timestamps: bad-format"
    );
    assert_eq!(
        TimestampConverter::configure(Side::Value, &props(&[("target.type", "invalid")])).unwrap_err().to_string(),
        "Invalid value invalid for configuration target.type: String must be one of: string, unix, Date, Time, Timestamp"
    );
    assert_eq!(
        TimestampConverter::configure(Side::Value, &props(&[("target.type", "unix"), ("unix.precision", "x")]))
            .unwrap_err()
            .to_string(),
        "Invalid value x for configuration unix.precision: String must be one of: nanoseconds, microseconds, milliseconds, seconds"
    );
}

// TimestampConverterTest's constants: one day plus 1234 ms.
const KAFKA_DATE_PLUS_TIME: i64 = 86_401_234;

#[test]
fn kafka_vectors() {
    let x = conv(
        Side::Value,
        &[("target.type", "string"), ("format", STRING_DATE_FMT)],
    );
    let out = x
        .apply(value_record(None, Value::Timestamp(KAFKA_DATE_PLUS_TIME)))
        .unwrap()
        .unwrap();
    assert_eq!(out.value, Value::from("1970 01 02 00 00 01 234 UTC"));
    let x = conv(
        Side::Value,
        &[("target.type", "Timestamp"), ("format", STRING_DATE_FMT)],
    );
    let out = x
        .apply(value_record(
            None,
            Value::from("1970 01 02 00 00 01 234 UTC"),
        ))
        .unwrap()
        .unwrap();
    assert_eq!(out.value, Value::Timestamp(KAFKA_DATE_PLUS_TIME));
    for (precision, unix) in [
        ("seconds", 86_401i64),
        ("microseconds", 86_401_234_123),
        ("nanoseconds", 86_401_234_123_456),
    ] {
        let x = conv(
            Side::Value,
            &[("target.type", "Timestamp"), ("unix.precision", precision)],
        );
        let expected = if precision == "seconds" {
            86_401_000
        } else {
            KAFKA_DATE_PLUS_TIME
        };
        let out = x
            .apply(value_record(None, Value::Int64(unix)))
            .unwrap()
            .unwrap();
        assert_eq!(out.value, Value::Timestamp(expected), "{precision}");
    }
    let x = conv(Side::Key, &[("target.type", "Time")]);
    let mut r = value_record(None, Value::Null);
    r.key = Value::Timestamp(KAFKA_DATE_PLUS_TIME);
    assert_eq!(x.apply(r).unwrap().unwrap().key, Value::Time(1234));
}

#[test]
fn replace_null_with_default_in_fields() {
    let schema = Schema::struct_builder()
        .field(
            "ts",
            logical::timestamp()
                .optional()
                .default_value(Value::Timestamp(0))
                .build(),
        )
        .build();
    let s = Struct::new(schema.clone()).unwrap();
    let x = conv(Side::Value, &[("target.type", "unix"), ("field", "ts")]);
    let out = x
        .apply(value_record(Some(schema.clone()), Value::Struct(s.clone())))
        .unwrap()
        .unwrap();
    let Value::Struct(o) = &out.value else {
        panic!()
    };
    assert_eq!(o.get_without_default("ts").unwrap(), &Value::Int64(0));
    let y = conv(
        Side::Value,
        &[
            ("target.type", "unix"),
            ("field", "ts"),
            ("replace.null.with.default", "false"),
        ],
    );
    let out = y
        .apply(value_record(Some(schema), Value::Struct(s)))
        .unwrap()
        .unwrap();
    let Value::Struct(o) = &out.value else {
        panic!()
    };
    assert_eq!(o.get_without_default("ts").unwrap(), &Value::Null);
}
