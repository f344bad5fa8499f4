//! PostgreSQL (127.0.0.1:5432, db `test`): every mode and the type mapping. Each test works in
//! its own schema. Fails with a clear message when the server is not reachable.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::pg::{pg_exec, pg_schema, pg_terminate, PG_URL};
use common::*;
use ferry_plugin_sdk::data::logical::Logical;
use ferry_plugin_sdk::prelude::*;

fn json_text(m: &Option<JsonMap>) -> String {
    serde_json::to_string(m.as_ref().unwrap()).unwrap()
}

#[test]
fn incrementing_copies_models_and_resumes() {
    pg_schema("ferry_pg_inc", MODELS_SQL);
    let cfg = [
        ("mode", "incrementing"),
        ("incrementing.column.name", "model_id"),
        ("topic.prefix", "pg-"),
        ("schema.pattern", "ferry_pg_inc"),
        ("batch.max.rows", "5"),
    ];
    let mut h = harness_url(PG_URL, &cfg).unwrap();
    let configs = h.task_configs(1).unwrap();
    assert_eq!(configs[0]["tables"], "ferry_pg_inc.models");
    let mut t = h.start_task(&configs[0]).unwrap();
    let got = poll_n(&mut t, 17);
    let expected: Vec<&str> = MODELS_EXPECTED.lines().collect();
    assert_eq!(rendered(&got), expected);
    assert_eq!(got[0].topic, "pg-models");
    assert_eq!(
        json_text(&got[0].source_partition),
        r#"{"protocol":"1","table":"ferry_pg_inc.models"}"#
    );
    assert_eq!(json_text(&got[16].source_offset), r#"{"incrementing":17}"#);
    let s = got[0].value_schema.as_ref().unwrap();
    assert_eq!(s.name.as_deref(), Some("models"));
    let id = &s.field("model_id").unwrap().schema;
    assert_eq!((id.ty, id.optional), (Type::Int32, false));
    t.stop().unwrap();

    pg_exec("INSERT INTO ferry_pg_inc.models VALUES (18, 'New', 1, 7)");
    let mut t = h.start_task(&configs[0]).unwrap();
    assert_eq!(
        rendered(&poll_n(&mut t, 1)),
        ["Struct{model_id=18,model_name=New,model_base_price=1,brand_id=7}"]
    );
    t.stop().unwrap();
}

const TYPES: &str = "CREATE TABLE types (id serial PRIMARY KEY, b boolean, s smallint, i integer, l bigint,
  r real, d double precision, n numeric(10,2), nu numeric, n0 numeric(5,0), c char(3), v varchar(10), t text,
  by bytea, dt date, tm time, ts timestamp, tz timestamptz, j jsonb, u uuid, p point);
INSERT INTO types (b, s, i, l, r, d, n, nu, n0, c, v, t, by, dt, tm, ts, tz, j, u, p) VALUES
  (true, 1, 2, 3, 1.5, 2.25, 1234.567, 3.14159, 42, 'ab', 'vv', 'tt', '\\x0102', '2024-03-01', '12:34:56.789',
   '2024-03-01 12:00:00.123456', '2024-03-01 12:00:00+02', '{\"a\": 1}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '(1,2)'),
  (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);";

#[test]
fn types_map_to_connect_schemas_and_unsupported_columns_are_skipped() {
    pg_schema("ferry_pg_types", TYPES);
    let mut h = harness_url(
        PG_URL,
        &[
            ("mode", "incrementing"),
            ("schema.pattern", "ferry_pg_types"),
        ],
    )
    .unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 2);
    let s = got[0].value_schema.as_ref().unwrap();
    let ty = |f: &str| s.field(f).unwrap().schema.ty;
    assert_eq!(
        ["id", "b", "s", "i", "l", "r", "d", "nu", "c", "v", "t", "by", "j", "u"].map(ty),
        [
            Type::Int32,
            Type::Boolean,
            Type::Int16,
            Type::Int32,
            Type::Int64,
            Type::Float32,
            Type::Float64,
            Type::String,
            Type::String,
            Type::String,
            Type::String,
            Type::Bytes,
            Type::String,
            Type::String
        ]
    );
    let logical = |f: &str| Logical::of(&s.field(f).unwrap().schema);
    assert_eq!(logical("n"), Some(Logical::Decimal { scale: 2 }));
    assert_eq!(logical("n0"), Some(Logical::Decimal { scale: 0 }));
    assert_eq!(logical("dt"), Some(Logical::Date));
    assert_eq!(logical("tm"), Some(Logical::Time));
    assert_eq!(logical("ts"), Some(Logical::Timestamp));
    assert_eq!(logical("tz"), Some(Logical::Timestamp));
    assert!(s.field("p").is_none(), "point is not supported: skipped");
    let v = match &got[0].value {
        Value::Struct(v) => v.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(v.get("n").unwrap(), &Value::Decimal(123_457.into(), 2));
    assert_eq!(v.get("nu").unwrap(), &Value::String("3.14159".into()));
    assert_eq!(v.get("dt").unwrap(), &Value::Date(19_783));
    assert_eq!(v.get("tm").unwrap(), &Value::Time(45_296_789));
    assert_eq!(v.get("ts").unwrap(), &Value::Timestamp(1_709_294_400_123));
    assert_eq!(v.get("tz").unwrap(), &Value::Timestamp(1_709_287_200_000));
    assert_eq!(v.get("j").unwrap(), &Value::String("{\"a\": 1}".into()));
    assert_eq!(
        v.get("u").unwrap(),
        &Value::String("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11".into())
    );
    assert_eq!(v.get("c").unwrap(), &Value::String("ab ".into()));
    assert_eq!(v.get("by").unwrap(), &Value::Bytes(vec![1, 2]));
    let nulls = match &got[1].value {
        Value::Struct(v) => v.values().iter().skip(1).all(Value::is_null),
        _ => false,
    };
    assert!(nulls);
    t.stop().unwrap();

    let mut h = harness_url(
        PG_URL,
        &[
            ("mode", "bulk"),
            ("schema.pattern", "ferry_pg_types"),
            ("numeric.mapping", "best_fit"),
        ],
    )
    .unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 2);
    let s = got[0].value_schema.as_ref().unwrap();
    assert_eq!(s.field("n").unwrap().schema.ty, Type::Float64);
    assert_eq!(s.field("n0").unwrap().schema.ty, Type::Int32);
    assert_eq!(
        s.field("nu").unwrap().schema.ty,
        Type::Float64,
        "unconstrained numeric is never narrowed to an int"
    );
    assert_eq!(json_text(&got[0].source_partition), r#"{"table":"types"}"#);
    t.stop().unwrap();
}

const EVENTS: &str = "CREATE TABLE events (id bigserial PRIMARY KEY, name text, modified timestamp NOT NULL);
INSERT INTO events (name, modified) VALUES ('a', '2024-01-01 00:00:01'), ('b', '2024-01-01 00:00:01'),
  ('c', '2024-01-01 00:00:02.5'), ('future', '2999-01-01 00:00:00');";

#[test]
fn timestamp_and_timestamp_incrementing_modes() {
    pg_schema("ferry_pg_ts", EVENTS);
    for mode in ["timestamp", "timestamp+incrementing"] {
        let cfg = [
            ("mode", mode),
            ("timestamp.column.name", "modified"),
            ("schema.pattern", "ferry_pg_ts"),
        ];
        let mut h = harness_url(PG_URL, &cfg).unwrap();
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
        if mode == "timestamp+incrementing" {
            assert!(last.contains(r#""incrementing":3"#), "{last}");
        }
        t.stop().unwrap();
        pg_exec("UPDATE ferry_pg_ts.events SET name = 'a2', modified = '2024-01-02 00:00:00' WHERE id = 1");
        let mut t = task(&mut h);
        let got = t.poll_until(2, 10).unwrap();
        assert_eq!(rendered(&got).len(), 1, "{mode}");
        assert!(rendered(&got)[0].contains("name=a2"));
        t.stop().unwrap();
        pg_exec("UPDATE ferry_pg_ts.events SET modified = '2024-01-01 00:00:01' WHERE id = 1");
    }
}

#[test]
fn query_mode_wraps_the_query() {
    pg_schema("ferry_pg_q", MODELS_SQL);
    let cfg = [
        ("mode", "incrementing"),
        ("incrementing.column.name", "model_id"),
        ("query", "SELECT model_id, upper(model_name) AS name FROM ferry_pg_q.models WHERE brand_id = 3 ORDER BY 2"),
        ("topic.prefix", "pg-query"),
    ];
    let mut h = harness_url(PG_URL, &cfg).unwrap();
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
    assert_eq!(got[0].topic, "pg-query");
    t.stop().unwrap();
}

#[test]
fn connection_problems_are_named() {
    let e = harness_url(
        "jdbc:postgresql://127.0.0.1:5432/no_such_db",
        &[("mode", "bulk")],
    )
    .err()
    .unwrap();
    assert!(e.to_string().contains("no_such_db"), "{e}");
    let e = harness_url("jdbc:postgresql://127.0.0.1:1/test", &[("mode", "bulk")])
        .err()
        .unwrap();
    assert!(
        e.to_string()
            .contains("could not connect to jdbc:postgresql://127.0.0.1:1/test"),
        "{e}"
    );
}

#[test]
fn reconnects_when_the_connection_dies_mid_run_and_loses_no_row() {
    pg_schema("ferry_pg_down", MODELS_SQL);
    let url = format!("{PG_URL}?ApplicationName=ferry-down-test");
    let cfg = [
        ("mode", "incrementing"),
        ("incrementing.column.name", "model_id"),
        ("schema.pattern", "ferry_pg_down"),
        ("connection.backoff.ms", "100"),
    ];
    let mut h = harness_url(&url, &cfg).unwrap();
    let mut t = task(&mut h);
    assert_eq!(poll_n(&mut t, 17).len(), 17);
    assert!(
        pg_terminate("ferry-down-test") >= 1,
        "the task's connection was terminated"
    );
    pg_exec("INSERT INTO ferry_pg_down.models VALUES (18, 'After the outage', 1, 7)");
    let got = poll_n(&mut t, 1);
    assert_eq!(
        rendered(&got),
        ["Struct{model_id=18,model_name=After the outage,model_base_price=1,brand_id=7}"]
    );
    t.stop().unwrap();
}

#[test]
fn microsecond_timestamps_are_kept_exactly_in_offsets_and_not_reread() {
    pg_schema(
        "ferry_pg_micros",
        "CREATE TABLE m (id serial PRIMARY KEY, modified timestamp(6) NOT NULL);
         INSERT INTO m (modified) VALUES ('2024-01-01 00:00:03.123456');",
    );
    for mode in ["timestamp", "timestamp+incrementing"] {
        let cfg = [
            ("mode", mode),
            ("timestamp.column.name", "modified"),
            ("schema.pattern", "ferry_pg_micros"),
        ];
        let mut h = harness_url(PG_URL, &cfg).unwrap();
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
fn query_retry_attempts_zero_fails_the_task_on_a_lost_connection() {
    pg_schema("ferry_pg_noretry", MODELS_SQL);
    let url = format!("{PG_URL}?ApplicationName=ferry-noretry-test");
    let cfg = [
        ("mode", "incrementing"),
        ("incrementing.column.name", "model_id"),
        ("schema.pattern", "ferry_pg_noretry"),
        ("query.retry.attempts", "0"),
    ];
    let mut h = harness_url(&url, &cfg).unwrap();
    let mut t = task(&mut h);
    assert_eq!(poll_n(&mut t, 17).len(), 17);
    assert!(pg_terminate("ferry-noretry-test") >= 1);
    let err = t.poll_until(1, 20).expect_err("the task fails");
    assert!(
        err.to_string()
            .contains("could not connect to jdbc:postgresql://127.0.0.1:5432/test"),
        "{err}"
    );
}

const DST_EVENTS: &str = "CREATE TABLE events (id serial PRIMARY KEY, modified timestamp NOT NULL, at timestamptz, tm time);
INSERT INTO events (modified, at, tm) VALUES
  ('2024-01-15 12:00:00', '2024-01-15 12:00:00+00', '12:00:00'),
  ('2024-03-31 02:30:00', '2024-03-31 02:30:00+00', '00:30:00'),
  ('2024-07-15 12:00:00', '2024-07-15 12:00:00+00', '12:00:00'),
  ('2024-10-27 02:30:00', '2024-10-27 02:30:00+00', '12:00:00');";

#[test]
fn named_db_timezone_reads_and_binds_wall_times_across_dst() {
    pg_schema("ferry_pg_dst", DST_EVENTS);
    let cfg = [
        ("mode", "timestamp"),
        ("timestamp.column.name", "modified"),
        ("schema.pattern", "ferry_pg_dst"),
        ("db.timezone", "Europe/Paris"),
    ];
    let mut h = harness_url(PG_URL, &cfg).unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 4);
    let field = |i: usize, f: &str| match &got[i].value {
        Value::Struct(v) => v.get(f).unwrap().clone(),
        other => panic!("{other:?}"),
    };
    // Winter +01:00, the skipped 02:30 (→ 01:30Z), summer +02:00, the repeated 02:30 (the
    // later instant, 01:30Z, as pgjdbc's Calendar gives it).
    let modified: Vec<Value> = (0..4).map(|i| field(i, "modified")).collect();
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
    // timestamptz is an instant already; time is read on 1970-01-01 (+01:00), within the day.
    assert_eq!(field(0, "at"), Value::Timestamp(1_705_320_000_000));
    assert_eq!(field(0, "tm"), Value::Time(39_600_000));
    assert_eq!(field(1, "tm"), Value::Time(84_600_000));
    let last = json_text(&got[3].source_offset);
    assert!(last.contains(r#""timestamp":1729992600000"#), "{last}");
    t.stop().unwrap();

    // The offset is bound back as the wall time 02:30: nothing is read again, and a later
    // row of the repeated hour is.
    pg_exec("INSERT INTO ferry_pg_dst.events (modified) VALUES ('2024-10-27 02:45:00')");
    let mut t = task(&mut h);
    let got = t.poll_until(2, 10).unwrap();
    assert_eq!(got.len(), 1, "{:?}", rendered(&got));
    let last = json_text(&got[0].source_offset);
    assert!(last.contains(r#""timestamp":1729993500000"#), "{last}");
    t.stop().unwrap();
}
