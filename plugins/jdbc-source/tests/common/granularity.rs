//! `timestamp.granularity` checks shared by the database tests: the expected field schema of
//! a TIMESTAMP column and the values of three known instants in each granularity (UTC).

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)] // test code

use ferry_plugin_sdk::prelude::*;

/// Every value, in Confluent's order.
pub const GRANULARITIES: [&str; 7] = [
    "connect_logical",
    "micros_long",
    "micros_string",
    "micros_iso_datetime_string",
    "nanos_long",
    "nanos_string",
    "nanos_iso_datetime_string",
];

/// The type and name of a TIMESTAMP field's schema under granularity `g`.
pub fn ts_schema(g: &str) -> (Type, Option<&'static str>) {
    match g {
        "connect_logical" => (Type::Int64, Some("org.apache.kafka.connect.data.Timestamp")),
        "micros_long" | "nanos_long" => (Type::Int64, None),
        _ => (Type::String, None),
    }
}

fn s(v: &str) -> Value {
    Value::String(v.to_owned())
}

/// The values, under granularity `g`, of `2024-03-01 12:00:00.123456`,
/// `1969-12-31 23:59:59.876543` and `1900-01-01 00:00:00.000001` (UTC).
pub fn micros_instants(g: &str) -> [Value; 3] {
    match g {
        "connect_logical" => [
            Value::Timestamp(1_709_294_400_123),
            Value::Timestamp(-124),
            Value::Timestamp(-2_208_988_800_000),
        ],
        "micros_long" => [
            Value::Int64(1_709_294_400_123_456),
            Value::Int64(-123_457),
            Value::Int64(-2_208_988_799_999_999),
        ],
        "micros_string" => [s("1709294400123456"), s("-123457"), s("-2208988799999999")],
        "micros_iso_datetime_string" => [
            s("2024-03-01T12:00:00.123456"),
            s("1969-12-31T23:59:59.876543"),
            s("1900-01-01T00:00:00.000001"),
        ],
        "nanos_long" => [
            Value::Int64(1_709_294_400_123_456_000),
            Value::Int64(-123_457_000),
            Value::Int64(-2_208_988_799_999_999_000),
        ],
        "nanos_string" => [
            s("1709294400123456000"),
            s("-123457000"),
            s("-2208988799999999000"),
        ],
        "nanos_iso_datetime_string" => [
            s("2024-03-01T12:00:00.123456000"),
            s("1969-12-31T23:59:59.876543000"),
            s("1900-01-01T00:00:00.000001000"),
        ],
        other => panic!("unknown granularity {other}"),
    }
}

/// Field `name` of a record's value: (schema type, schema name, optional, value).
pub fn field(r: &SourceRecord, name: &str) -> (Type, Option<String>, bool, Value) {
    let schema = r.value_schema.as_ref().unwrap();
    let f = &schema.field(name).unwrap().schema;
    let Value::Struct(st) = &r.value else {
        panic!("not a struct: {:?}", r.value)
    };
    (
        f.ty,
        f.name.clone(),
        f.optional,
        st.get(name).unwrap().clone(),
    )
}

/// Checks the three-row table `id, ts NOT NULL, tsn NULL, d DATE` read in `id` order:
/// row 1 (`ts` = 2024-03-01 12:00:00.123456, `tsn` NULL), row 2 (`ts` =
/// 1969-12-31 23:59:59.876543, `tsn` = 1900-01-01 00:00:00.000001).
pub fn check_rows(g: &str, got: &[SourceRecord]) {
    assert_eq!(got.len(), 2, "{g}");
    let [now, before, old] = micros_instants(g);
    let (ty, name) = ts_schema(g);
    let name = name.map(str::to_owned);
    assert_eq!(field(&got[0], "ts"), (ty, name.clone(), false, now), "{g}");
    assert_eq!(
        field(&got[1], "ts"),
        (ty, name.clone(), false, before),
        "{g}"
    );
    assert_eq!(
        field(&got[0], "tsn"),
        (ty, name.clone(), true, Value::Null),
        "{g}"
    );
    assert_eq!(field(&got[1], "tsn"), (ty, name, true, old), "{g}");
    // DATE columns keep their logical type whatever the granularity.
    let date = Some("org.apache.kafka.connect.data.Date".to_owned());
    assert_eq!(
        field(&got[1], "d"),
        (Type::Int32, date, true, Value::Date(-1)),
        "{g}"
    );
}
