//! PostgreSQL (127.0.0.1:5432, db `test`): `timestamp.granularity` for `timestamp(6)` and
//! `timestamptz` columns, with `db.timezone`, and timestamp-mode offsets under it. Each test
//! works in its own schema.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::granularity::{check_rows, field, GRANULARITIES};
use common::pg::{pg_exec, pg_schema, PG_URL};
use common::*;
use ferry_plugin_sdk::prelude::*;

const TABLE: &str =
    "CREATE TABLE g (id serial PRIMARY KEY, ts timestamp(6) NOT NULL, tsn timestamp(6), d date);
INSERT INTO g (ts, tsn, d) VALUES
  ('2024-03-01 12:00:00.123456', NULL, '2024-03-01'),
  ('1969-12-31 23:59:59.876543', '1900-01-01 00:00:00.000001', '1969-12-31');";

#[test]
fn every_granularity_gives_its_schema_and_keeps_the_microseconds() {
    pg_schema("ferry_pg_gran", TABLE);
    for g in GRANULARITIES {
        let cfg = [
            ("mode", "incrementing"),
            ("incrementing.column.name", "id"),
            ("schema.pattern", "ferry_pg_gran"),
            ("timestamp.granularity", g),
        ];
        let mut h = harness_url(PG_URL, &cfg).unwrap();
        let mut t = task(&mut h);
        check_rows(g, &poll_n(&mut t, 2));
        t.stop().unwrap();
    }
}

#[test]
fn timestamp_mode_offsets_keep_the_exact_instant_whatever_the_granularity() {
    pg_schema("ferry_pg_gran_ts", TABLE);
    for g in ["nanos_long", "micros_iso_datetime_string", "nanos_string"] {
        let cfg = [
            ("mode", "timestamp"),
            ("timestamp.column.name", "ts"),
            // From 1969-12-31 00:00 UTC (the default start, as Confluent's, is the epoch).
            ("timestamp.initial", "-86400000"),
            ("schema.pattern", "ferry_pg_gran_ts"),
            ("timestamp.granularity", g),
        ];
        let mut h = harness_url(PG_URL, &cfg).unwrap();
        let mut t = task(&mut h);
        let got = poll_n(&mut t, 2);
        let offsets: Vec<String> = got
            .iter()
            .map(|r| serde_json::to_string(r.source_offset.as_ref().unwrap()).unwrap())
            .collect();
        assert!(
            offsets[0].contains(r#""timestamp":-124,"timestamp_nanos":876543000"#),
            "{g}: {offsets:?}"
        );
        assert!(
            offsets[1].contains(r#""timestamp":1709294400123,"timestamp_nanos":123456000"#),
            "{g}: {offsets:?}"
        );
        assert!(
            t.poll_until(1, 5).unwrap().is_empty(),
            "{g}: no row is read again"
        );
        t.stop().unwrap();
    }
    pg_exec("INSERT INTO ferry_pg_gran_ts.g (ts) VALUES ('2024-03-01 12:00:00.123457')");
    let cfg = [
        ("mode", "timestamp"),
        ("timestamp.column.name", "ts"),
        ("schema.pattern", "ferry_pg_gran_ts"),
        ("timestamp.granularity", "nanos_long"),
    ];
    // A task resumed from the committed offset reads only the newer row.
    let mut h = harness_url(PG_URL, &cfg).unwrap();
    let configs = h.task_configs(1).unwrap();
    let mut partition = JsonMap::new();
    partition.insert("protocol".into(), "1".into());
    partition.insert("table".into(), "ferry_pg_gran_ts.g".into());
    let mut offset = JsonMap::new();
    offset.insert("timestamp".into(), 1_709_294_400_123_i64.into());
    offset.insert("timestamp_nanos".into(), 123_456_000_i64.into());
    h.set_offset(&partition, offset).unwrap();
    let mut t = h.start_task(&configs[0]).unwrap();
    let got = poll_n(&mut t, 1);
    assert_eq!(
        field(&got[0], "ts").3,
        Value::Int64(1_709_294_400_123_457_000)
    );
    assert!(t.poll_until(1, 5).unwrap().is_empty());
    t.stop().unwrap();
}

#[test]
fn iso_strings_show_wall_times_in_db_timezone_and_epoch_values_do_not_move() {
    pg_schema(
        "ferry_pg_gran_tz",
        "CREATE TABLE z (id serial PRIMARY KEY, wall timestamp(6), inst timestamptz(6));
         INSERT INTO z (wall, inst) VALUES
           ('2024-07-15 12:00:00.5', '2024-07-15 10:00:00.5+00'),
           ('2024-01-15 12:00:00.000001', '2024-01-15 11:00:00.000001+00');",
    );
    let read = |g: &str| {
        let cfg = [
            ("mode", "incrementing"),
            ("incrementing.column.name", "id"),
            ("schema.pattern", "ferry_pg_gran_tz"),
            ("db.timezone", "Europe/Paris"),
            ("timestamp.granularity", g),
        ];
        let mut h = harness_url(PG_URL, &cfg).unwrap();
        let mut t = task(&mut h);
        let got = poll_n(&mut t, 2);
        t.stop().unwrap();
        got.iter()
            .flat_map(|r| [field(r, "wall").3, field(r, "inst").3])
            .collect::<Vec<Value>>()
    };
    let s = |v: &str| Value::String(v.to_owned());
    assert_eq!(
        read("nanos_iso_datetime_string"),
        [
            s("2024-07-15T12:00:00.500000000"),
            s("2024-07-15T12:00:00.500000000"),
            s("2024-01-15T12:00:00.000001000"),
            s("2024-01-15T12:00:00.000001000"),
        ]
    );
    assert_eq!(
        read("nanos_string"),
        [
            s("1721037600500000000"),
            s("1721037600500000000"),
            s("1705316400000001000"),
            s("1705316400000001000"),
        ]
    );
}
