//! SQLite: `timestamp.granularity` for TIMESTAMP text columns (every digit of the text is
//! kept, down to nanoseconds), in query mode, and the key's validation.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::granularity::{check_rows, field, GRANULARITIES};
use common::*;
use ferry_plugin_sdk::prelude::*;

const TABLE: &str =
    "CREATE TABLE g (id INTEGER PRIMARY KEY, ts TIMESTAMP NOT NULL, tsn TIMESTAMP, d DATE);
INSERT INTO g (ts, tsn, d) VALUES
  ('2024-03-01 12:00:00.123456', NULL, '2024-03-01'),
  ('1969-12-31 23:59:59.876543', '1900-01-01 00:00:00.000001', '1969-12-31');";

#[test]
fn every_granularity_gives_its_schema_and_values() {
    let db = Db::new(TABLE);
    for g in GRANULARITIES {
        let cfg = [
            ("mode", "incrementing"),
            ("incrementing.column.name", "id"),
            ("timestamp.granularity", g),
        ];
        let mut h = harness(&db, &cfg).unwrap();
        let mut t = task(&mut h);
        check_rows(g, &poll_n(&mut t, 2));
        t.stop().unwrap();
    }
}

#[test]
fn nanosecond_text_is_kept_and_applies_in_query_mode_and_to_the_key() {
    let db = Db::new(
        "CREATE TABLE n (id INTEGER PRIMARY KEY, ts TIMESTAMP NOT NULL);
         INSERT INTO n (ts) VALUES ('2024-03-01T12:00:00.123456789'), ('1969-12-31 23:59:59.87654321');",
    );
    let cfg = [
        ("mode", "bulk"),
        ("query", "SELECT id, ts FROM n ORDER BY id"),
        ("topic.prefix", "n"),
        ("key.columns", "ts"),
        ("timestamp.granularity", "NANOS_LONG"),
    ];
    let mut h = harness(&db, &cfg).unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 2);
    t.stop().unwrap();
    let values: Vec<Value> = got.iter().map(|r| field(r, "ts").3).collect();
    assert_eq!(
        values,
        [
            Value::Int64(1_709_294_400_123_456_789),
            Value::Int64(-123_456_790)
        ]
    );
    let key_schema = got[0].key_schema.as_ref().unwrap();
    assert_eq!(key_schema.field("ts").unwrap().schema.ty, Type::Int64);
    let Value::Struct(key) = &got[1].key else {
        panic!("{:?}", got[1].key)
    };
    assert_eq!(key.get("ts").unwrap(), &Value::Int64(-123_456_790));

    let cfg = [
        ("mode", "bulk"),
        ("query", "SELECT id, ts FROM n ORDER BY id"),
        ("topic.prefix", "n"),
        ("timestamp.granularity", "nanos_iso_datetime_string"),
    ];
    let mut h = harness(&db, &cfg).unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 2);
    t.stop().unwrap();
    let values: Vec<Value> = got.iter().map(|r| field(r, "ts").3).collect();
    assert_eq!(
        values,
        [
            Value::String("2024-03-01T12:00:00.123456789".into()),
            Value::String("1969-12-31T23:59:59.876543210".into())
        ]
    );
}

#[test]
fn an_unknown_value_is_refused_naming_the_key_the_value_and_the_choices() {
    let db = Db::new(TABLE);
    let url = db.url();
    let errors = validation_errors(&[
        ("connection.url", url.as_str()),
        ("mode", "bulk"),
        ("timestamp.granularity", "nanos"),
    ]);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0].0, "timestamp.granularity");
    let e = &errors[0].1[0];
    assert!(
        e.starts_with("Invalid value nanos for configuration timestamp.granularity"),
        "{e}"
    );
    for choice in GRANULARITIES {
        assert!(e.contains(&choice.to_uppercase()), "{e}");
    }
    let e = harness(&db, &[("mode", "bulk"), ("timestamp.granularity", "nanos")])
        .err()
        .unwrap()
        .to_string();
    assert!(
        e.contains("timestamp.granularity") && e.contains("nanos"),
        "{e}"
    );
}

#[test]
fn nanos_long_beyond_2262_fails_the_task_naming_the_column() {
    let db = Db::new(
        "CREATE TABLE far (id INTEGER PRIMARY KEY, ts TIMESTAMP);
         INSERT INTO far (ts) VALUES ('2300-01-01 00:00:00');",
    );
    let cfg = [("mode", "bulk"), ("timestamp.granularity", "nanos_long")];
    let mut h = harness(&db, &cfg).unwrap();
    let mut t = task(&mut h);
    let e = t.poll_until(1, 50).err().unwrap().to_string();
    assert!(
        e.contains("column ts") && e.contains("2300-01-01T00:00:00") && e.contains("nanos_string"),
        "{e}"
    );
    let cfg = [("mode", "bulk"), ("timestamp.granularity", "nanos_string")];
    let mut h = harness(&db, &cfg).unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 1);
    t.stop().unwrap();
    assert_eq!(
        field(&got[0], "ts").3,
        Value::String("10413792000000000000".into())
    );
}
