//! `transaction.isolation.mode` on PostgreSQL (127.0.0.1:5432, db `test`), MariaDB
//! (127.0.0.1:3306) and SQLite: the level is in effect in the plugin's own statements, and
//! validation reports a level the database does not support on the key.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use std::collections::BTreeMap;

use common::my::{my_exec, my_url};
use common::pg::PG_URL;
use common::*;
use mysql_async::prelude::Queryable;

const KEY: &str = "transaction.isolation.mode";

/// The first record of a bulk `query` run by the plugin with `mode` (none: the key unset).
fn first_row(url: &str, query: &str, mode: Option<&str>) -> String {
    let mut cfg = vec![("mode", "bulk"), ("query", query), ("topic.prefix", "iso")];
    if let Some(m) = mode {
        cfg.push((KEY, m));
    }
    let mut h = harness_url(url, &cfg).unwrap();
    let mut t = task(&mut h);
    let got = poll_n(&mut t, 1);
    t.stop().unwrap();
    h.stop().unwrap();
    rendered(&got[..1]).remove(0)
}

/// The validation errors by key.
fn errors(config: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
    validation_errors(config).into_iter().collect()
}

#[test]
fn postgres_read_transactions_start_with_the_configured_level() {
    let q = "SELECT current_setting('transaction_isolation') AS level, current_setting('transaction_read_only') AS ro";
    for (mode, level) in [
        (None, "read committed"),
        (Some("DEFAULT"), "read committed"),
        (Some("READ_UNCOMMITTED"), "read uncommitted"),
        (Some("READ_COMMITTED"), "read committed"),
        (Some("REPEATABLE_READ"), "repeatable read"),
        (Some("SERIALIZABLE"), "serializable"),
    ] {
        assert_eq!(
            first_row(PG_URL, q, mode),
            format!("Struct{{level={level},ro=on}}"),
            "{mode:?}"
        );
    }
}

#[test]
fn mariadb_sessions_get_the_configured_level() {
    my_exec("ferry_iso_level", "SELECT 1", true);
    let url = my_url("ferry_iso_level", "mariadb");
    let q = "SELECT @@tx_isolation AS level";
    for (mode, level) in [
        // The server's default (REPEATABLE-READ unless configured otherwise).
        (Some("DEFAULT"), "REPEATABLE-READ"),
        (Some("READ_UNCOMMITTED"), "READ-UNCOMMITTED"),
        (Some("READ_COMMITTED"), "READ-COMMITTED"),
        (Some("REPEATABLE_READ"), "REPEATABLE-READ"),
        (Some("SERIALIZABLE"), "SERIALIZABLE"),
    ] {
        assert_eq!(
            first_row(&url, q, mode),
            format!("Struct{{level={level}}}"),
            "{mode:?}"
        );
    }
}

/// A row inserted by a transaction that is still open is seen under READ_UNCOMMITTED only.
#[test]
fn mariadb_read_uncommitted_sees_an_uncommitted_insert() {
    my_exec(
        "ferry_iso_dirty",
        "CREATE TABLE t (id INT PRIMARY KEY); INSERT INTO t VALUES (1)",
        true,
    );
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let opts = mysql_async::OptsBuilder::default()
        .ip_or_hostname("127.0.0.1")
        .tcp_port(3306)
        .user(Some("root"))
        .db_name(Some("ferry_iso_dirty"));
    let mut writer = rt.block_on(mysql_async::Conn::new(opts)).unwrap();
    rt.block_on(writer.query_drop("START TRANSACTION; INSERT INTO t VALUES (2)"))
        .unwrap();

    let url = my_url("ferry_iso_dirty", "mariadb");
    let q = "SELECT COUNT(*) AS n FROM t";
    assert_eq!(first_row(&url, q, Some("READ_COMMITTED")), "Struct{n=1}");
    assert_eq!(first_row(&url, q, Some("DEFAULT")), "Struct{n=1}");
    assert_eq!(first_row(&url, q, Some("READ_UNCOMMITTED")), "Struct{n=2}");

    rt.block_on(writer.query_drop("ROLLBACK")).unwrap();
    rt.block_on(writer.disconnect()).unwrap();
}

#[test]
fn validation_reports_unsupported_levels_on_the_key() {
    let db = Db::new(MODELS_SQL);
    let sqlite = db.url();
    let sqlite = sqlite.as_str();
    my_exec("ferry_iso_valid", "SELECT 1", true);
    let my = my_url("ferry_iso_valid", "mysql");
    let my = my.as_str();
    let cfg = |url, mode| [("connection.url", url), ("mode", "bulk"), (KEY, mode)];

    for (url, mode) in [
        (sqlite, "DEFAULT"),
        (sqlite, "SERIALIZABLE"),
        (PG_URL, "READ_UNCOMMITTED"),
        (PG_URL, "REPEATABLE_READ"),
        (my, "SERIALIZABLE"),
    ] {
        let e = errors(&cfg(url, mode));
        assert!(e.is_empty(), "{url} {mode}: {e:?}");
    }

    let e = errors(&cfg(sqlite, "READ_COMMITTED"));
    assert_eq!(
        e[KEY],
        ["Isolation mode of `READ_COMMITTED` is not supported by SQLite; SQLite supports DEFAULT, SERIALIZABLE"],
        "{e:?}"
    );
    assert_eq!(e.len(), 1, "{e:?}");

    for url in [sqlite, PG_URL, my] {
        let e = errors(&cfg(url, "SQL_SERVER_SNAPSHOT"));
        assert!(
            e[KEY][0].starts_with("Isolation mode of `SQL_SERVER_SNAPSHOT` can only be configured with a Sql Server Dialect; "),
            "{e:?}"
        );
    }

    let e = errors(&cfg(PG_URL, "read_committed"));
    assert!(
        e[KEY][0].contains("read_committed")
            && e[KEY][0].contains("DEFAULT, READ_UNCOMMITTED, READ_COMMITTED, REPEATABLE_READ, SERIALIZABLE, SQL_SERVER_SNAPSHOT"),
        "{e:?}"
    );

    // Starting the connector validates too.
    let e = harness_url(sqlite, &[("mode", "bulk"), (KEY, "REPEATABLE_READ")])
        .err()
        .unwrap();
    assert!(e.to_string().contains("REPEATABLE_READ"), "{e}");
}

#[test]
fn sqlite_serializable_runs_and_an_unsupported_level_in_a_task_keeps_the_default() {
    let db = Db::new(MODELS_SQL);
    let cfg = [
        ("mode", "bulk"),
        ("table.whitelist", "Models"),
        ("topic.prefix", "iso-"),
        (KEY, "SERIALIZABLE"),
    ];
    let mut h = harness(&db, &cfg).unwrap();
    let mut t = task(&mut h);
    assert!(!poll_n(&mut t, 9).is_empty());
    t.stop().unwrap();

    // A task configuration that never went through validation: Confluent's task logs a
    // warning and reads with the connection's default isolation.
    let mut task_cfg = h.task_configs(1).unwrap().remove(0);
    task_cfg.insert(KEY.into(), "READ_COMMITTED".into());
    let mut t = h.start_task(&task_cfg).unwrap();
    assert!(!poll_n(&mut t, 9).is_empty());
    t.stop().unwrap();
    h.stop().unwrap();
}

#[test]
fn the_key_is_declared_like_confluents() {
    let def = ferry_jdbc_source::config_def();
    let info = def.key(KEY).unwrap().key_info();
    assert_eq!(info["type"], "STRING");
    assert_eq!(info["default_value"], "DEFAULT");
    assert_eq!(info["importance"], "LOW");
    assert_eq!(info["group"], "Mode");
    assert_eq!(info["width"], "MEDIUM");
    assert_eq!(info["display_name"], "Transaction Isolation Mode");
    // Confluent: just before query.retry.attempts in the Mode group.
    let retry = def.key("query.retry.attempts").unwrap().key_info();
    assert_eq!(info["order"].as_i64().unwrap() + 1, retry["order"]);
}
