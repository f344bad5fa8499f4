//! Table discovery and selection, the split over tasks, new tables while running, and the
//! failures a user meets first (wrong URL, missing table or column) — as validation errors
//! or failed tasks whose message names the cause.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use std::collections::BTreeMap;
use std::time::Duration;

use common::*;
use ferry_plugin_sdk::prelude::*;

const FIVE: &str =
    "CREATE TABLE a (id INTEGER PRIMARY KEY); CREATE TABLE b (id INTEGER PRIMARY KEY);
CREATE TABLE c (id INTEGER PRIMARY KEY); CREATE TABLE d (id INTEGER PRIMARY KEY);
CREATE TABLE e (id INTEGER PRIMARY KEY); CREATE VIEW v AS SELECT * FROM a;";

fn tables_of(configs: &[ConfigMap]) -> Vec<String> {
    configs.iter().map(|c| c["tables"].clone()).collect()
}

#[test]
fn tables_are_split_over_tasks_in_contiguous_groups() {
    let db = Db::new(FIVE);
    let mut h = harness(&db, &[("mode", "bulk")]).unwrap();
    assert_eq!(tables_of(&h.task_configs(2).unwrap()), ["a,b,c", "d,e"]);
    assert_eq!(
        tables_of(&h.task_configs(9).unwrap()),
        ["a", "b", "c", "d", "e"]
    );
}

#[test]
fn whitelist_blacklist_include_exclude_and_table_types() {
    let db = Db::new(FIVE);
    let cases: [(&[(&str, &str)], &str); 5] = [
        (&[("table.whitelist", "b, d")], "b,d"),
        (&[("table.blacklist", "a,c")], "b,d,e"),
        (
            &[("table.include.list", "[a-c]"), ("table.exclude.list", "b")],
            "a,c",
        ),
        (&[("table.types", "VIEW")], "v"),
        (
            &[("table.types", "TABLE,VIEW"), ("table.include.list", "v|e")],
            "e,v",
        ),
    ];
    for (extra, want) in cases {
        let mut cfg = vec![("mode", "bulk")];
        cfg.extend_from_slice(extra);
        let mut h = harness(&db, &cfg).unwrap();
        assert_eq!(tables_of(&h.task_configs(1).unwrap()), [want], "{extra:?}");
    }
    let err = harness(
        &db,
        &[
            ("mode", "bulk"),
            ("table.whitelist", "a"),
            ("table.blacklist", "b"),
        ],
    )
    .err()
    .unwrap();
    assert!(err.to_string().contains("exclusive"), "{err}");
}

#[test]
fn a_new_table_is_noticed_by_the_monitor() {
    let db = Db::new("CREATE TABLE a (id INTEGER PRIMARY KEY);");
    let mut h = harness(&db, &[("mode", "bulk"), ("table.poll.interval.ms", "100")]).unwrap();
    assert_eq!(tables_of(&h.task_configs(4).unwrap()), ["a"]);
    db.exec("CREATE TABLE z (id INTEGER PRIMARY KEY);");
    let mut seen = Vec::new();
    for _ in 0..50 {
        std::thread::sleep(Duration::from_millis(100));
        seen = tables_of(&h.task_configs(4).unwrap());
        if seen.len() == 2 {
            break;
        }
    }
    assert_eq!(seen, ["a", "z"]);
    db.exec("DROP TABLE a;");
    for _ in 0..50 {
        std::thread::sleep(Duration::from_millis(100));
        seen = tables_of(&h.task_configs(4).unwrap());
        if seen.len() == 1 {
            break;
        }
    }
    assert_eq!(seen, ["z"]);
    h.stop().unwrap();
}

fn errors(config: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
    validation_errors(config).into_iter().collect()
}

#[test]
fn validate_names_the_problem() {
    let db = Db::new(&format!(
        "{MODELS_SQL}\nCREATE TABLE notes (id TEXT NOT NULL, body TEXT);"
    ));
    let url = db.url();
    let base = [("connection.url", url.as_str()), ("mode", "incrementing")];
    let ok = errors(&[base[0], base[1], ("table.whitelist", "Models")]);
    assert!(ok.is_empty(), "{ok:?}");

    let e = errors(&[
        ("connection.url", "jdbc:sqlite:/nonexistent/dir/x.db"),
        base[1],
    ]);
    assert!(
        e["connection.url"][0].contains("/nonexistent/dir/x.db"),
        "{e:?}"
    );
    let e = errors(&[("connection.url", "jdbc:oracle:thin:@h:1521:x"), base[1]]);
    assert!(
        e["connection.url"][0].contains("unsupported database"),
        "{e:?}"
    );
    let e = errors(&[base[0], base[1], ("table.whitelist", "Modelz")]);
    assert!(e["table.whitelist"][0].contains("Modelz"), "{e:?}");
    let e = errors(&[
        base[0],
        base[1],
        ("table.whitelist", "Models"),
        ("incrementing.column.name", "nope"),
    ]);
    assert!(
        e["incrementing.column.name"][0].contains("nope not found in table Models"),
        "{e:?}"
    );
    let e = errors(&[
        base[0],
        base[1],
        ("table.whitelist", "notes"),
        ("incrementing.column.name", "id"),
    ]);
    assert!(
        e["incrementing.column.name"][0].contains("not an integral type"),
        "{e:?}"
    );
    let e = errors(&[base[0], ("table.whitelist", "Models")]);
    assert!(e["mode"][0].contains("must be set"), "{e:?}");
    let e = errors(&[
        base[0],
        ("mode", "timestamp"),
        ("table.whitelist", "Models"),
    ]);
    assert!(
        e["timestamp.column.name"][0].contains("must be set"),
        "{e:?}"
    );
}

#[test]
fn a_task_fails_with_a_trace_naming_the_cause() {
    let db = Db::new(MODELS_SQL);
    let mut h = harness(&db, &[("mode", "incrementing")]).unwrap();
    let mut cfg = h.task_configs(1).unwrap().remove(0);
    cfg.insert("incrementing.column.name".into(), "model_idd".into());
    let err = h.start_task(&cfg).err().unwrap();
    assert!(
        err.to_string()
            .contains("Incrementing column model_idd not found in table Models"),
        "{err}"
    );

    // A table dropped after the connector started.
    let mut h = harness(&db, &[("mode", "incrementing")]).unwrap();
    let cfg = h.task_configs(1).unwrap().remove(0);
    db.exec("DROP TABLE Models;");
    let err = h.start_task(&cfg).err().unwrap();
    assert!(
        err.to_string().contains("table Models does not exist"),
        "{err}"
    );
}

#[test]
fn the_password_never_appears_in_errors() {
    let db = Db::new(MODELS_SQL);
    let url = db.url();
    let e = errors(&[
        ("connection.url", &url),
        ("mode", "nope"),
        ("connection.password", "s3cr3t"),
    ]);
    assert!(!format!("{e:?}").contains("s3cr3t"));
}
