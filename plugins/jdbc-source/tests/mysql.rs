//! MariaDB/MySQL (127.0.0.1:3306, root): every mode and the type mapping, through both
//! `jdbc:mysql://` and `jdbc:mariadb://` URLs. Each test works in its own database. Fails with
//! a clear message when the server is not reachable.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::my::{my_count, my_exec, my_kill_sessions, my_url};
use common::*;
use ferry_plugin_sdk::data::logical::Logical;
use ferry_plugin_sdk::prelude::*;

fn json_text(m: &Option<JsonMap>) -> String {
    serde_json::to_string(m.as_ref().unwrap()).unwrap()
}

#[test]
fn incrementing_copies_models_and_resumes() {
    my_exec("ferry_my_inc", MODELS_SQL, true);
    for scheme in ["mysql", "mariadb"] {
        let url = my_url("ferry_my_inc", scheme);
        let cfg = [
            ("mode", "incrementing"),
            ("incrementing.column.name", "model_id"),
            ("topic.prefix", "my-"),
            ("batch.max.rows", "4"),
        ];
        let mut h = harness_url(&url, &cfg).unwrap();
        let configs = h.task_configs(1).unwrap();
        assert_eq!(configs[0]["tables"], "ferry_my_inc.Models");
        let mut t = h.start_task(&configs[0]).unwrap();
        let got = poll_n(&mut t, 17);
        let expected: Vec<&str> = MODELS_EXPECTED.lines().collect();
        assert_eq!(rendered(&got), expected);
        assert_eq!(got[0].topic, "my-Models");
        assert_eq!(
            json_text(&got[0].source_partition),
            r#"{"protocol":"1","table":"ferry_my_inc.Models"}"#
        );
        assert_eq!(json_text(&got[16].source_offset), r#"{"incrementing":17}"#);
        let id = &got[0]
            .value_schema
            .as_ref()
            .unwrap()
            .field("model_id")
            .unwrap()
            .schema;
        assert_eq!((id.ty, id.optional), (Type::Int32, false));
        t.stop().unwrap();
    }
    my_exec(
        "ferry_my_inc",
        "INSERT INTO Models VALUES (18, 'New', 1, 7)",
        false,
    );
    let cfg = [
        ("mode", "incrementing"),
        ("incrementing.column.name", "model_id"),
    ];
    let mut h = harness_url(&my_url("ferry_my_inc", "mysql"), &cfg).unwrap();
    h.set_offset(
        serde_json::json!({"protocol": "1", "table": "ferry_my_inc.Models"})
            .as_object()
            .unwrap(),
        serde_json::json!({"incrementing": 17})
            .as_object()
            .unwrap()
            .clone(),
    )
    .unwrap();
    let mut t = task(&mut h);
    assert_eq!(
        rendered(&poll_n(&mut t, 1)),
        ["Struct{model_id=18,model_name=New,model_base_price=1,brand_id=7}"]
    );
    t.stop().unwrap();
}

const TYPES: &str = "CREATE TABLE types (id INT AUTO_INCREMENT PRIMARY KEY, tn TINYINT, tu TINYINT UNSIGNED,
  s SMALLINT, iu INT UNSIGNED, l BIGINT, lu BIGINT UNSIGNED, f FLOAT, d DOUBLE, n DECIMAL(10,2), n0 DECIMAL(5,0),
  c CHAR(3), v VARCHAR(10), t TEXT, vb VARBINARY(4), bl BLOB, dt DATE, tm TIME(3), ts DATETIME(3), tsz TIMESTAMP(3) NULL,
  j JSON, e ENUM('x','y'), g GEOMETRY);
INSERT INTO types (tn, tu, s, iu, l, lu, f, d, n, n0, c, v, t, vb, bl, dt, tm, ts, tsz, j, e, g) VALUES
  (-1, 200, 7, 4000000000, 9000000000, 18446744073709551615, 1.5, 2.25, 1234.567, 42, 'ab', 'vv', 'tt', x'0102', x'03',
   '2024-03-01', '12:34:56.789', '2024-03-01 12:00:00.123', '2024-03-01 12:00:00.5', '{\"a\": 1}', 'y', POINT(1, 2)),
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);";

#[test]
fn types_map_to_connect_schemas_and_unsupported_columns_are_skipped() {
    my_exec("ferry_my_types", TYPES, true);
    let url = my_url("ferry_my_types", "mariadb");
    let mut h = harness_url(&url, &[("mode", "incrementing")]).unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 2);
    let s = got[0].value_schema.as_ref().unwrap();
    let ty = |f: &str| s.field(f).unwrap().schema.ty;
    assert_eq!(
        ["id", "tn", "tu", "s", "iu", "l", "f", "d", "c", "v", "t", "vb", "bl", "e"].map(ty),
        [
            Type::Int32,
            Type::Int8,
            Type::Int16,
            Type::Int16,
            Type::Int64,
            Type::Int64,
            Type::Float32,
            Type::Float64,
            Type::String,
            Type::String,
            Type::String,
            Type::Bytes,
            Type::Bytes,
            Type::String
        ]
    );
    let logical = |f: &str| Logical::of(&s.field(f).unwrap().schema);
    assert_eq!(logical("n"), Some(Logical::Decimal { scale: 2 }));
    assert_eq!(
        logical("lu"),
        Some(Logical::Decimal { scale: 0 }),
        "unsigned BIGINT does not overflow"
    );
    assert_eq!(logical("dt"), Some(Logical::Date));
    assert_eq!(logical("tm"), Some(Logical::Time));
    assert_eq!(logical("ts"), Some(Logical::Timestamp));
    assert_eq!(logical("tsz"), Some(Logical::Timestamp));
    assert!(s.field("g").is_none(), "geometry is not supported: skipped");
    let Value::Struct(v) = &got[0].value else {
        panic!()
    };
    assert_eq!(v.get("n").unwrap(), &Value::Decimal(123_457.into(), 2));
    assert_eq!(
        v.get("lu").unwrap(),
        &Value::Decimal("18446744073709551615".parse().unwrap(), 0)
    );
    assert_eq!(v.get("iu").unwrap(), &Value::Int64(4_000_000_000));
    assert_eq!(v.get("dt").unwrap(), &Value::Date(19_783));
    assert_eq!(v.get("tm").unwrap(), &Value::Time(45_296_789));
    assert_eq!(v.get("ts").unwrap(), &Value::Timestamp(1_709_294_400_123));
    assert_eq!(v.get("tsz").unwrap(), &Value::Timestamp(1_709_294_400_500));
    assert_eq!(v.get("vb").unwrap(), &Value::Bytes(vec![1, 2]));
    assert_eq!(v.get("e").unwrap(), &Value::String("y".into()));
    let Value::Struct(nulls) = &got[1].value else {
        panic!()
    };
    assert!(nulls.values().iter().skip(1).all(Value::is_null));
    t.stop().unwrap();

    let mut h = harness_url(&url, &[("mode", "bulk"), ("numeric.mapping", "best_fit")]).unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 2);
    let s = got[0].value_schema.as_ref().unwrap();
    assert_eq!(
        s.field("n").unwrap().schema.ty,
        Type::Float64,
        "numeric.mapping applies to DECIMAL too"
    );
    assert_eq!(s.field("n0").unwrap().schema.ty, Type::Int32);
    assert_eq!(json_text(&got[0].source_partition), r#"{"table":"types"}"#);
    t.stop().unwrap();
}

const EVENTS: &str = "CREATE TABLE events (id BIGINT AUTO_INCREMENT PRIMARY KEY, name TEXT, modified DATETIME(3) NOT NULL);
INSERT INTO events (name, modified) VALUES ('a', '2024-01-01 00:00:01'), ('b', '2024-01-01 00:00:01'),
  ('c', '2024-01-01 00:00:02.5'), ('future', '2999-01-01 00:00:00');";

#[test]
fn timestamp_and_timestamp_incrementing_modes() {
    my_exec("ferry_my_ts", EVENTS, true);
    let url = my_url("ferry_my_ts", "mysql");
    for mode in ["timestamp", "timestamp+incrementing"] {
        let cfg = [("mode", mode), ("timestamp.column.name", "modified")];
        let mut h = harness_url(&url, &cfg).unwrap();
        let mut t = task(&mut h);
        let got = t.poll_until(4, 10).unwrap();
        assert_eq!(
            got.len(),
            3,
            "{mode}: the future row waits: {:?}",
            rendered(&got)
        );
        let last = json_text(&got[2].source_offset);
        assert!(
            last.contains(r#""timestamp":1704067202500,"timestamp_nanos":500000000"#),
            "{mode}: {last}"
        );
        t.stop().unwrap();
        my_exec(
            "ferry_my_ts",
            "UPDATE events SET name = 'a2', modified = '2024-01-02 00:00:00' WHERE id = 1",
            false,
        );
        let mut t = task(&mut h);
        let got = t.poll_until(2, 10).unwrap();
        assert_eq!(rendered(&got).len(), 1, "{mode}");
        assert!(rendered(&got)[0].contains("name=a2"));
        t.stop().unwrap();
        my_exec(
            "ferry_my_ts",
            "UPDATE events SET modified = '2024-01-01 00:00:01' WHERE id = 1",
            false,
        );
    }
}

#[test]
fn query_mode_and_connection_errors() {
    my_exec("ferry_my_q", MODELS_SQL, true);
    let url = my_url("ferry_my_q", "mariadb");
    let cfg = [
        ("mode", "incrementing"),
        ("incrementing.column.name", "model_id"),
        (
            "query",
            "SELECT model_id, UPPER(model_name) AS name FROM Models WHERE brand_id = 3 ORDER BY 2",
        ),
        ("topic.prefix", "my-query"),
    ];
    let mut h = harness_url(&url, &cfg).unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 3);
    assert_eq!(
        rendered(&got),
        [
            "Struct{model_id=7,name=ORANGE}",
            "Struct{model_id=8,name=BLUE}",
            "Struct{model_id=9,name=GREEN}"
        ]
    );
    t.stop().unwrap();

    let e = harness_url(
        &url,
        &[
            ("mode", "bulk"),
            ("connection.user", "nobody"),
            ("connection.password", "wrong-pw"),
        ],
    )
    .err()
    .unwrap();
    assert!(e.to_string().contains("connection.password"), "{e}");
    assert!(e.to_string().contains("authentication"), "{e}");
    assert!(!e.to_string().contains("wrong-pw"), "{e}");
    let e = harness_url(&my_url("no_such_db_ferry", "mysql"), &[("mode", "bulk")])
        .err()
        .unwrap();
    assert!(e.to_string().contains("no_such_db_ferry"), "{e}");
}

#[test]
fn microsecond_datetimes_are_kept_exactly_in_offsets_and_not_reread() {
    my_exec(
        "ferry_my_micros",
        "CREATE TABLE m (id INT AUTO_INCREMENT PRIMARY KEY, modified DATETIME(6) NOT NULL);
         INSERT INTO m (modified) VALUES ('2024-01-01 00:00:03.123456');",
        true,
    );
    let url = my_url("ferry_my_micros", "mysql");
    for mode in ["timestamp", "timestamp+incrementing"] {
        let mut h = harness_url(
            &url,
            &[("mode", mode), ("timestamp.column.name", "modified")],
        )
        .unwrap();
        let mut t = task(&mut h);
        let got = poll_n(&mut t, 1);
        let offset = json_text(&got[0].source_offset);
        assert!(
            offset.contains(r#""timestamp":1704067203123,"timestamp_nanos":123456000"#),
            "{offset}"
        );
        assert!(
            t.poll_until(1, 5).unwrap().is_empty(),
            "{mode}: the row is not read again"
        );
        t.stop().unwrap();
    }
}

#[test]
fn reconnects_when_the_connection_is_killed_mid_run_and_loses_no_row() {
    my_exec("ferry_my_down", MODELS_SQL, true);
    let url = my_url("ferry_my_down", "mariadb");
    let cfg = [
        ("mode", "incrementing"),
        ("incrementing.column.name", "model_id"),
        ("connection.backoff.ms", "100"),
    ];
    let mut h = harness_url(&url, &cfg).unwrap();
    let mut t = task(&mut h);
    assert_eq!(poll_n(&mut t, 17).len(), 17);
    // Kill the task's session, then add a row.
    assert!(
        my_kill_sessions("ferry_my_down") >= 1,
        "the task's connection was killed"
    );
    my_exec(
        "ferry_my_down",
        "INSERT INTO Models VALUES (18, 'After the outage', 1, 7)",
        false,
    );
    let got = poll_n(&mut t, 1);
    assert_eq!(
        rendered(&got),
        ["Struct{model_id=18,model_name=After the outage,model_base_price=1,brand_id=7}"]
    );
    t.stop().unwrap();
}

#[test]
fn catalog_pattern_selects_the_database_to_list() {
    my_exec(
        "ferry_my_cat_a",
        "CREATE TABLE a1 (id INT PRIMARY KEY);",
        true,
    );
    my_exec(
        "ferry_my_cat_b",
        "CREATE TABLE b1 (id INT PRIMARY KEY); CREATE TABLE b2 (id INT PRIMARY KEY);",
        true,
    );
    let url = my_url("ferry_my_cat_a", "mysql");
    let mut h = harness_url(&url, &[("mode", "bulk")]).unwrap();
    assert_eq!(
        h.task_configs(1).unwrap()[0]["tables"],
        "ferry_my_cat_a.a1",
        "default: the URL's database"
    );
    let mut h = harness_url(
        &url,
        &[("mode", "bulk"), ("catalog.pattern", "ferry_my_cat_b")],
    )
    .unwrap();
    let configs = h.task_configs(2).unwrap();
    assert_eq!(configs[0]["tables"], "ferry_my_cat_b.b1");
    assert_eq!(configs[1]["tables"], "ferry_my_cat_b.b2");
    my_exec("ferry_my_cat_b", "INSERT INTO b2 VALUES (5);", false);
    let mut t = h.start_task(&configs[1]).unwrap();
    let got = poll_n(&mut t, 1);
    assert_eq!(rendered(&got), ["Struct{id=5}"]);
    assert_eq!(got[0].topic, "b2");
    t.stop().unwrap();
}

const DST_EVENTS: &str =
    "CREATE TABLE events (id BIGINT AUTO_INCREMENT PRIMARY KEY, modified DATETIME NOT NULL);
INSERT INTO events (modified) VALUES ('2024-01-15 12:00:00'), ('2024-03-31 02:30:00'),
  ('2024-07-15 12:00:00'), ('2024-10-27 02:30:00');";

#[test]
fn named_db_timezone_reads_wall_times_or_asks_for_the_time_zone_tables() {
    my_exec("ferry_my_dst", DST_EVENTS, true);
    let url = my_url("ferry_my_dst", "mysql");
    let cfg = [
        ("mode", "timestamp"),
        ("timestamp.column.name", "modified"),
        ("db.timezone", "Europe/Paris"),
    ];
    if my_count("SELECT COUNT(*) FROM mysql.time_zone_name") == 0 {
        // The session time zone must be the named zone (so that TIMESTAMP columns show in
        // it); without the server's tables that is a clear configuration error.
        let e = harness_url(&url, &cfg).err().unwrap().to_string();
        assert!(e.starts_with("db.timezone: "), "{e}");
        assert!(
            e.contains("Europe/Paris") && e.contains("time zone tables"),
            "{e}"
        );
        return;
    }
    let mut h = harness_url(&url, &cfg).unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 4);
    let modified: Vec<Value> = got
        .iter()
        .map(|r| match &r.value {
            Value::Struct(v) => v.get("modified").unwrap().clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        modified,
        [
            1_705_316_400_000,
            1_711_848_600_000,
            1_721_037_600_000,
            1_729_992_600_000
        ]
        .map(Value::Timestamp)
    );
    t.stop().unwrap();
}
