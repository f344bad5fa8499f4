//! MariaDB/MySQL (127.0.0.1:3306): `timestamp.granularity` for `DATETIME(6)` and
//! `TIMESTAMP(6)` columns, with `db.timezone`, and timestamp-mode offsets under it. Each test
//! works in its own database.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::granularity::{check_rows, field, GRANULARITIES};
use common::my::{my_exec, my_url};
use common::*;
use ferry_plugin_sdk::prelude::*;

const TABLE: &str = "CREATE TABLE g (id INT AUTO_INCREMENT PRIMARY KEY, ts DATETIME(6) NOT NULL, tsn DATETIME(6), d DATE);
INSERT INTO g (ts, tsn, d) VALUES
  ('2024-03-01 12:00:00.123456', NULL, '2024-03-01'),
  ('1969-12-31 23:59:59.876543', '1900-01-01 00:00:00.000001', '1969-12-31');";

#[test]
fn every_granularity_gives_its_schema_and_keeps_the_microseconds() {
    my_exec("ferry_my_gran", TABLE, true);
    let url = my_url("ferry_my_gran", "mariadb");
    for g in GRANULARITIES {
        let cfg = [
            ("mode", "incrementing"),
            ("incrementing.column.name", "id"),
            ("timestamp.granularity", g),
        ];
        let mut h = harness_url(&url, &cfg).unwrap();
        let mut t = task(&mut h);
        check_rows(g, &poll_n(&mut t, 2));
        t.stop().unwrap();
    }
}

#[test]
fn timestamp_mode_offsets_keep_the_exact_instant_whatever_the_granularity() {
    my_exec("ferry_my_gran_ts", TABLE, true);
    let url = my_url("ferry_my_gran_ts", "mysql");
    for g in ["nanos_long", "micros_iso_datetime_string", "nanos_string"] {
        let cfg = [
            ("mode", "timestamp"),
            ("timestamp.column.name", "ts"),
            // From 1969-12-31 00:00 UTC (the default start, as Confluent's, is the epoch).
            ("timestamp.initial", "-86400000"),
            ("timestamp.granularity", g),
        ];
        let mut h = harness_url(&url, &cfg).unwrap();
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
}

#[test]
fn iso_strings_show_wall_times_in_db_timezone_and_epoch_values_do_not_move() {
    my_exec(
        "ferry_my_gran_tz",
        "SET time_zone = '+02:00';
         CREATE TABLE z (id INT AUTO_INCREMENT PRIMARY KEY, wall DATETIME(6), inst TIMESTAMP(6) NULL);
         INSERT INTO z (wall, inst) VALUES ('2024-07-15 12:00:00.500001', '2024-07-15 12:00:00.500001');",
        true,
    );
    let url = my_url("ferry_my_gran_tz", "mariadb");
    let read = |g: &str| {
        let cfg = [
            ("mode", "incrementing"),
            ("incrementing.column.name", "id"),
            ("db.timezone", "+02:00"),
            ("timestamp.granularity", g),
        ];
        let mut h = harness_url(&url, &cfg).unwrap();
        let mut t = task(&mut h);
        let got = poll_n(&mut t, 1);
        t.stop().unwrap();
        [field(&got[0], "wall").3, field(&got[0], "inst").3]
    };
    let s = |v: &str| Value::String(v.to_owned());
    assert_eq!(
        read("nanos_iso_datetime_string"),
        [
            s("2024-07-15T12:00:00.500001000"),
            s("2024-07-15T12:00:00.500001000")
        ]
    );
    assert_eq!(
        read("micros_long"),
        [
            Value::Int64(1_721_037_600_500_001),
            Value::Int64(1_721_037_600_500_001)
        ]
    );
}
