//! SQLite in the other modes: bulk, timestamp (tie-safe offsets, delay), timestamp+incrementing,
//! a custom query (wrapped, so it may have its own WHERE), record keys, and type mapping.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::*;
use ferry_plugin_sdk::data::logical::Logical;
use ferry_plugin_sdk::prelude::*;
use serde_json::json;

fn json_text(m: &Option<JsonMap>) -> String {
    serde_json::to_string(m.as_ref().unwrap()).unwrap()
}

#[test]
fn bulk_copies_everything_every_interval_with_a_v0_partition_and_no_offset() {
    let db = Db::new(MODELS_SQL);
    let mut h = harness(&db, &[("mode", "bulk"), ("topic.prefix", "bulk-")]).unwrap();
    let mut t = task(&mut h);
    let first = poll_n(&mut t, 17);
    assert_eq!(first.len(), 17);
    assert_eq!(first[0].topic, "bulk-Models");
    assert_eq!(
        json_text(&first[0].source_partition),
        r#"{"table":"Models"}"#
    );
    assert!(first[0].source_offset.is_none());
    let again = poll_n(&mut t, 17);
    assert_eq!(
        rendered(&again),
        rendered(&first),
        "bulk re-reads the whole table"
    );
    t.stop().unwrap();
}

const EVENTS: &str = "CREATE TABLE events (id INTEGER PRIMARY KEY, name TEXT, modified DATETIME NOT NULL);
INSERT INTO events VALUES (1, 'a', '2024-01-01 00:00:01'), (2, 'b', '2024-01-01 00:00:01'),
  (3, 'c', '2024-01-01 00:00:02.500'), (4, 'd', '2024-01-01 00:00:02.500'), (5, 'e', '2024-01-01 00:00:03');";

const T1: i64 = 1_704_067_201_000;

#[test]
fn timestamp_mode_advances_offsets_only_past_complete_timestamp_groups() {
    let db = Db::new(EVENTS);
    let mut h = harness(
        &db,
        &[("mode", "timestamp"), ("timestamp.column.name", "modified")],
    )
    .unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 5);
    let ts: Vec<Option<i64>> = got
        .iter()
        .map(|r| {
            r.source_offset
                .as_ref()
                .unwrap()
                .get("timestamp")
                .and_then(|v| v.as_i64())
        })
        .collect();
    // Rows T1,T1,T2,T2,T3 after nothing: offsets none,T1,T1,T2,T3.
    assert_eq!(
        ts,
        [None, Some(T1), Some(T1), Some(T1 + 1500), Some(T1 + 2000)]
    );
    assert_eq!(
        json_text(&got[4].source_offset),
        format!(r#"{{"timestamp":{},"timestamp_nanos":0}}"#, T1 + 2000)
    );
    let schema = got[0].value_schema.as_ref().unwrap();
    assert_eq!(
        Logical::of(&schema.field("modified").unwrap().schema),
        Some(Logical::Timestamp)
    );
    assert!(got[2].value.to_java_string().contains("modified="));
    t.stop().unwrap();

    // Updated and new rows after a restart; a row in the future waits for the clock.
    db.exec(
        "UPDATE events SET modified = '2024-01-02 00:00:00', name = 'a2' WHERE id = 1;
             INSERT INTO events VALUES (6, 'future', '2999-01-01 00:00:00');",
    );
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 1);
    assert_eq!(rendered(&got).len(), 1);
    assert!(rendered(&got)[0].contains("name=a2"));
    assert!(
        t.poll_until(1, 5).unwrap().is_empty(),
        "the future row is not returned"
    );
    t.stop().unwrap();
}

#[test]
fn timestamp_delay_holds_back_recent_rows() {
    let db = Db::new("CREATE TABLE e (id INTEGER PRIMARY KEY, modified TIMESTAMP NOT NULL);
        INSERT INTO e VALUES (1, strftime('%Y-%m-%d %H:%M:%f','now','-1 hour')), (2, strftime('%Y-%m-%d %H:%M:%f','now'));");
    let mut h = harness(
        &db,
        &[
            ("mode", "timestamp"),
            ("timestamp.column.name", "modified"),
            ("timestamp.delay.interval.ms", "600000"),
        ],
    )
    .unwrap();
    let mut t = task(&mut h);
    let got = t.poll_until(2, 10).unwrap();
    assert_eq!(got.len(), 1, "the row younger than the delay waits");
    t.stop().unwrap();
}

#[test]
fn timestamp_initial_skips_older_rows() {
    let db = Db::new(EVENTS);
    let initial = (T1 + 1000).to_string();
    let mut h = harness(
        &db,
        &[
            ("mode", "timestamp"),
            ("timestamp.column.name", "modified"),
            ("timestamp.initial", &initial),
        ],
    )
    .unwrap();
    let mut t = task(&mut h);
    let got = t.poll_until(5, 10).unwrap();
    assert_eq!(got.len(), 3, "{:?}", rendered(&got));
    t.stop().unwrap();
}

#[test]
fn timestamp_incrementing_resumes_inside_a_timestamp_group() {
    let db = Db::new(EVENTS);
    let cfg = [
        ("mode", "timestamp+incrementing"),
        ("timestamp.column.name", "modified"),
        ("incrementing.column.name", "id"),
    ];
    let mut h = harness(&db, &cfg).unwrap();
    h.set_offset(
        json!({"protocol": "1", "table": "events"})
            .as_object()
            .unwrap(),
        json!({"timestamp": T1, "timestamp_nanos": 0, "incrementing": 1})
            .as_object()
            .unwrap()
            .clone(),
    )
    .unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 4);
    let ids: Vec<String> = rendered(&got).iter().map(|s| s[..12].to_owned()).collect();
    assert_eq!(
        ids,
        [
            "Struct{id=2,",
            "Struct{id=3,",
            "Struct{id=4,",
            "Struct{id=5,"
        ]
    );
    assert_eq!(
        json_text(&got[3].source_offset),
        format!(
            r#"{{"incrementing":5,"timestamp":{},"timestamp_nanos":0}}"#,
            T1 + 2000
        )
    );
    t.stop().unwrap();
}

#[test]
fn a_query_with_its_own_where_is_wrapped_and_published_to_the_prefix() {
    let db = Db::new(MODELS_SQL);
    let cfg = [
        ("mode", "incrementing"),
        ("incrementing.column.name", "model_id"),
        (
            "query",
            "SELECT model_id, model_name FROM Models WHERE brand_id = 4 ORDER BY model_name",
        ),
        ("topic.prefix", "ferrari"),
        ("key.columns", "model_id"),
    ];
    let mut h = harness(&db, &cfg).unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 4);
    assert_eq!(
        rendered(&got),
        [
            "Struct{model_id=10,model_name=LaFerrari}",
            "Struct{model_id=11,model_name=450}",
            "Struct{model_id=12,model_name=F12 Berlinetta}",
            "Struct{model_id=13,model_name=F40}",
        ]
    );
    assert_eq!(got[0].topic, "ferrari");
    assert_eq!(json_text(&got[0].source_partition), r#"{"query":"query"}"#);
    assert_eq!(
        got[0].value_schema.as_ref().unwrap().name,
        None,
        "query mode: unnamed struct"
    );
    assert_eq!(got[0].key.to_java_string(), "Struct{model_id=10}");
    t.stop().unwrap();
}

#[test]
fn key_columns_pk_gives_a_struct_key() {
    let db = Db::new(MODELS_SQL);
    let mut h = harness(&db, &[("mode", "incrementing"), ("key.columns", "pk")]).unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 1);
    assert_eq!(got[0].key.to_java_string(), "Struct{model_id=1}");
    assert_eq!(got[0].key_schema.as_ref().unwrap().ty, Type::Struct);
    t.stop().unwrap();
}

const TYPES: &str = "CREATE TABLE t (id INTEGER PRIMARY KEY, b BOOLEAN, s SMALLINT, big BIGINT, r REAL, d DOUBLE,
    dec DECIMAL(10,2), num NUMERIC(5,0), day DATE, tm TIME, bin BLOB, txt TEXT);
    INSERT INTO t VALUES (1, 1, 7, 9000000000, 1.5, 2.25, 12.345, 42, '2024-03-01', '12:34:56.789', x'0102', 'hi');";

#[test]
fn types_map_to_connect_schemas() {
    let db = Db::new(TYPES);
    let mut h = harness(&db, &[("mode", "incrementing")]).unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 1);
    let s = got[0].value_schema.as_ref().unwrap();
    let ty = |f: &str| s.field(f).unwrap().schema.ty;
    assert_eq!(
        ["b", "s", "big", "r", "d", "bin", "txt"].map(ty),
        [
            Type::Boolean,
            Type::Int32,
            Type::Int64,
            Type::Float32,
            Type::Float64,
            Type::Bytes,
            Type::String
        ]
    );
    let logical = |f: &str| Logical::of(&s.field(f).unwrap().schema);
    assert_eq!(logical("dec"), Some(Logical::Decimal { scale: 2 }));
    assert_eq!(logical("num"), Some(Logical::Decimal { scale: 0 }));
    assert_eq!(logical("day"), Some(Logical::Date));
    assert_eq!(logical("tm"), Some(Logical::Time));
    assert_eq!(
        got[0].value.to_java_string(),
        "Struct{id=1,b=true,s=7,big=9000000000,r=1.5,d=2.25,dec=12.35,num=42,day=Fri Mar 01 00:00:00 UTC 2024,tm=Thu Jan 01 12:34:56 UTC 1970,bin=AQI=,txt=hi}"
    );
    t.stop().unwrap();
}

#[test]
fn numeric_mapping_best_fit_narrows_numeric_and_decimal() {
    let db = Db::new(TYPES);
    let mut h = harness(
        &db,
        &[("mode", "incrementing"), ("numeric.mapping", "best_fit")],
    )
    .unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 1);
    let s = got[0].value_schema.as_ref().unwrap();
    assert_eq!(s.field("dec").unwrap().schema.ty, Type::Float64);
    assert_eq!(s.field("num").unwrap().schema.ty, Type::Int32);
    t.stop().unwrap();
}

#[test]
fn validate_non_null_rejects_a_nullable_incrementing_column_unless_disabled() {
    let db = Db::new("CREATE TABLE n (id INT, v TEXT); INSERT INTO n VALUES (1, 'a'), (2, 'b');");
    let cfg = [("mode", "incrementing"), ("incrementing.column.name", "id")];
    let err = harness(&db, &cfg).err().unwrap();
    assert!(err.to_string().contains("nullable"), "{err}");
    let mut cfg = cfg.to_vec();
    cfg.push(("validate.non.null", "false"));
    let mut h = harness(&db, &cfg).unwrap();
    let mut t = task(&mut h);
    assert_eq!(poll_n(&mut t, 2).len(), 2);
    t.stop().unwrap();
}

#[test]
fn db_timezone_applies_to_stored_wall_times_and_bounds() {
    let db = Db::new(EVENTS);
    let cfg = [
        ("mode", "timestamp"),
        ("timestamp.column.name", "modified"),
        ("db.timezone", "+02:00"),
    ];
    let mut h = harness(&db, &cfg).unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 5);
    let offset = got[4].source_offset.as_ref().unwrap()["timestamp"].as_i64();
    assert_eq!(
        offset,
        Some(T1 + 2000 - 7_200_000),
        "wall time 00:00:03 at +02:00"
    );
    t.stop().unwrap();
    let err = harness(&db, &[("mode", "bulk"), ("db.timezone", "Mars/Olympus")])
        .err()
        .unwrap();
    assert!(err.to_string().contains("db.timezone"), "{err}");
}

#[test]
fn named_db_timezone_reads_wall_times_across_fall_back() {
    let db = Db::new(
        "CREATE TABLE events (id INTEGER PRIMARY KEY, modified DATETIME NOT NULL);
         INSERT INTO events VALUES (1, '2024-11-03 00:30:00'), (2, '2024-11-03 01:30:00');",
    );
    let cfg = [
        ("mode", "timestamp"),
        ("timestamp.column.name", "modified"),
        ("db.timezone", "America/New_York"),
    ];
    let stamps = |got: &[SourceRecord]| -> Vec<Option<i64>> {
        got.iter()
            .map(|r| r.source_offset.as_ref().unwrap()["timestamp"].as_i64())
            .collect()
    };
    let mut h = harness(&db, &cfg).unwrap();
    let mut t = task(&mut h);
    // 00:30 EDT (04:30Z); 01:30 happens twice and reads as the later, EST, instant (06:30Z).
    assert_eq!(
        stamps(&poll_n(&mut t, 2)),
        [Some(1_730_608_200_000), Some(1_730_615_400_000)]
    );
    t.stop().unwrap();
    // The offset is bound back as the wall time 01:30: later rows of the repeated hour and
    // after it are read, nothing twice.
    db.exec("INSERT INTO events VALUES (3, '2024-11-03 01:45:00'), (4, '2024-11-03 03:00:00')");
    let mut t = task(&mut h);
    let got = t.poll_until(2, 10).unwrap();
    assert_eq!(
        stamps(&got),
        [Some(1_730_616_300_000), Some(1_730_620_800_000)]
    );
    t.stop().unwrap();
}

#[test]
fn query_suffix_and_unquoted_identifiers() {
    let db = Db::new(MODELS_SQL);
    let cfg = [
        ("mode", "incrementing"),
        ("incrementing.column.name", "model_id"),
        ("query.suffix", "LIMIT 3"),
        ("quote.sql.identifiers", "never"),
    ];
    let mut h = harness(&db, &cfg).unwrap();
    let mut t = task(&mut h);
    // Each statement returns at most 3 rows; the next one resumes after them.
    let first = t.poll().unwrap();
    assert_eq!(first.len(), 3);
    let all = poll_n(&mut t, 14);
    assert_eq!(all.len(), 14);
    assert!(rendered(&all)[13].starts_with("Struct{model_id=17,"));
    t.stop().unwrap();
}

#[test]
fn timestamp_initial_minus_one_starts_at_the_database_clock() {
    let db = Db::new(EVENTS);
    let cfg = [
        ("mode", "timestamp"),
        ("timestamp.column.name", "modified"),
        ("timestamp.initial", "-1"),
    ];
    let mut h = harness(&db, &cfg).unwrap();
    let mut t = task(&mut h);
    assert!(
        t.poll_until(1, 3).unwrap().is_empty(),
        "old rows are skipped"
    );
    db.exec("INSERT INTO events VALUES (7, 'fresh', strftime('%Y-%m-%d %H:%M:%f','now'));");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let got = poll_n(&mut t, 1);
    assert!(
        rendered(&got)[0].contains("name=fresh"),
        "{:?}",
        rendered(&got)
    );
    t.stop().unwrap();
    let err = harness(
        &db,
        &[
            ("mode", "bulk"),
            ("dialect.name", "PostgreSqlDatabaseDialect"),
        ],
    )
    .err()
    .unwrap();
    assert!(err.to_string().contains("does not match"), "{err}");
}
