//! SQLite in incrementing mode, driven by the SDK testkit: the sample Models table, Confluent's
//! partition/offset documents, resume after a restart and chunked reads.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::*;
use ferry_plugin_sdk::prelude::*;
use serde_json::json;

const MODELS: [(&str, &str); 4] = [
    ("mode", "incrementing"),
    ("incrementing.column.name", "model_id"),
    ("topic.prefix", "sqlite-sample-"),
    ("table.whitelist", "Models"),
];

#[test]
fn copies_the_sample_table_like_confluent() {
    let db = Db::new(MODELS_SQL);
    let mut h = harness(&db, &MODELS).unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 17);
    let expected: Vec<&str> = MODELS_EXPECTED.lines().collect();
    assert_eq!(rendered(&got), expected);
    let r = &got[0];
    assert_eq!(r.topic, "sqlite-sample-Models");
    assert_eq!(r.key, Value::Null, "no key unless key.columns is set");
    assert_eq!(
        serde_json::to_string(r.source_partition.as_ref().unwrap()).unwrap(),
        r#"{"protocol":"1","table":"Models"}"#
    );
    assert_eq!(
        serde_json::to_string(got[16].source_offset.as_ref().unwrap()).unwrap(),
        r#"{"incrementing":17}"#
    );
    let schema = r.value_schema.as_ref().unwrap();
    assert_eq!(schema.name.as_deref(), Some("Models"));
    let id = &schema.field("model_id").unwrap().schema;
    assert_eq!(
        (id.ty, id.optional),
        (Type::Int32, false),
        "INTEGER PRIMARY KEY: INT32, required"
    );
    let name = &schema.field("model_name").unwrap().schema;
    assert_eq!((name.ty, name.optional), (Type::String, false));
    assert!(t.poll().unwrap().is_empty(), "nothing new");
    t.stop().unwrap();
}

#[test]
fn resumes_after_the_committed_offset_and_sees_new_rows() {
    let db = Db::new(MODELS_SQL);
    let mut h = harness(&db, &MODELS).unwrap();
    let mut t = task(&mut h);
    assert_eq!(poll_n(&mut t, 17).len(), 17);
    t.stop().unwrap();
    let committed = h.committed_offsets();
    assert_eq!(
        committed.get(r#"{"protocol":"1","table":"Models"}"#),
        json!({"incrementing": 17}).as_object()
    );

    db.exec("INSERT INTO Models VALUES (18, 'New', 1, 7), (19, 'Newer', 2, 7);");
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 2);
    assert_eq!(
        rendered(&got),
        [
            "Struct{model_id=18,model_name=New,model_base_price=1,brand_id=7}",
            "Struct{model_id=19,model_name=Newer,model_base_price=2,brand_id=7}"
        ]
    );
    // And while running.
    db.exec("INSERT INTO Models VALUES (20, 'Live', 3, 7);");
    assert_eq!(
        rendered(&poll_n(&mut t, 1)),
        ["Struct{model_id=20,model_name=Live,model_base_price=3,brand_id=7}"]
    );
    t.stop().unwrap();
}

#[test]
fn an_offset_set_before_start_is_honoured_including_confluents_v0_partition() {
    let db = Db::new(MODELS_SQL);
    let mut h = harness(&db, &MODELS).unwrap();
    h.set_offset(
        json!({"table": "Models"}).as_object().unwrap(),
        json!({"incrementing": 15}).as_object().unwrap().clone(),
    )
    .unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 2);
    assert_eq!(got.len(), 2);
    assert!(rendered(&got)[0].starts_with("Struct{model_id=16,"));
    t.stop().unwrap();
}

#[test]
fn batch_max_rows_bounds_each_poll() {
    let db = Db::new(MODELS_SQL);
    let mut cfg = MODELS.to_vec();
    cfg.push(("batch.max.rows", "5"));
    let mut h = harness(&db, &cfg).unwrap();
    let mut t = task(&mut h);
    let mut sizes = Vec::new();
    let mut total = 0;
    for _ in 0..50 {
        let n = t.poll().unwrap().len();
        if n > 0 {
            sizes.push(n);
        }
        total += n;
        if total == 17 {
            break;
        }
    }
    assert_eq!(sizes, [5, 5, 5, 2]);
    t.stop().unwrap();
}

#[test]
fn streams_a_large_table_in_chunks() {
    let db = Db::new("CREATE TABLE big (id INTEGER PRIMARY KEY, payload TEXT NOT NULL);");
    db.exec("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) INSERT INTO big SELECT x, printf('row %d', x) FROM c;");
    let mut h = harness(&db, &[("mode", "incrementing"), ("batch.max.rows", "1000")]).unwrap();
    let mut t = task(&mut h);
    let mut seen = 0;
    let mut polls = 0;
    while seen < 20_000 && polls < 500 {
        let got = t.poll().unwrap();
        assert!(got.len() <= 1000);
        seen += got.len();
        polls += 1;
    }
    assert_eq!(
        seen, 20_000,
        "auto-detected the rowid column as incrementing column"
    );
    assert_eq!(
        h.committed_offsets().values().next(),
        json!({"incrementing": 20000}).as_object()
    );
    t.stop().unwrap();
}
