//! The JDBC source behind the REST API of a real worker: validation names the key at fault, a
//! connector whose task cannot start shows a FAILED task whose trace names the cause.
//!
//! Needs the release build of the worker and the plugin (`cargo build --release --workspace`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::path::Path;
use std::time::Duration;

use ferry_tests::rest::RestClient;
use ferry_tests::{run_python, wait_until, Broker, WorkerProcess};
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(120);
const CLASS: &str = "io.confluent.connect.jdbc.JdbcSourceConnector";

fn sqlite_exec(db: &Path, sql: &str) {
    let script = "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.executescript(sys.argv[2])\nc.commit()\nc.close()\n";
    run_python(script, &[&db.display().to_string(), sql]).unwrap();
}

/// The errors of key `name` in a validate response.
fn errors_of(body: &Value, name: &str) -> Vec<String> {
    body["configs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["value"]["name"] == name)
        .map(|c| {
            c["value"]["errors"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e.as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn validation_errors_and_a_failed_task_name_the_cause() {
    let broker = Broker::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sample.db");
    let models =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/models.sql"))
            .unwrap();
    sqlite_exec(&db, &models);
    let url = format!("jdbc:sqlite:{}", db.display());
    let worker = WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &[], &[]).unwrap();
    let rest = RestClient::new(worker.url());
    rest.wait_ready(TIMEOUT).unwrap();

    // Validation: wrong file, missing column.
    let validate = |config: Value| {
        let r = rest
            .put(
                &format!("/connector-plugins/{CLASS}/config/validate"),
                Some(config),
            )
            .unwrap();
        assert_eq!(r.status, 200, "{:?}", r.body);
        r.body.unwrap()
    };
    let body = validate(
        json!({"connector.class": CLASS, "name": "j", "connection.url": "jdbc:sqlite:/nonexistent/x.db", "mode": "bulk"}),
    );
    assert!(body["error_count"].as_i64().unwrap() >= 1, "{body}");
    assert!(
        errors_of(&body, "connection.url")[0].contains("/nonexistent/x.db"),
        "{body}"
    );
    let body = validate(
        json!({"connector.class": CLASS, "name": "j", "connection.url": url, "mode": "incrementing", "incrementing.column.name": "nope"}),
    );
    assert!(
        errors_of(&body, "incrementing.column.name")[0].contains("nope not found in table Models"),
        "{body}"
    );

    // PASSWORD values never come back: validate shows them as [hidden].
    let body = validate(
        json!({"connector.class": CLASS, "name": "j", "connection.url": url, "mode": "bulk", "connection.user": "me", "connection.password": "s3cret"}),
    );
    let password = body["configs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["value"]["name"] == "connection.password")
        .unwrap_or_else(|| panic!("no connection.password in {body}"));
    assert_eq!(password["value"]["value"], "[hidden]", "{password}");
    assert_eq!(password["definition"]["type"], "PASSWORD");
    assert!(
        !body.to_string().contains("s3cret"),
        "the password leaked: {body}"
    );

    // transaction.isolation.mode: SQLite (as xerial reports) supports SERIALIZABLE only.
    let body = validate(
        json!({"connector.class": CLASS, "name": "j", "connection.url": url, "mode": "bulk", "transaction.isolation.mode": "READ_COMMITTED"}),
    );
    assert_eq!(
        errors_of(&body, "transaction.isolation.mode"),
        ["Isolation mode of `READ_COMMITTED` is not supported by SQLite; SQLite supports DEFAULT, SERIALIZABLE"],
        "{body}"
    );
    let isolation = body["configs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["definition"]["name"] == "transaction.isolation.mode")
        .unwrap_or_else(|| panic!("no transaction.isolation.mode in {body}"));
    assert_eq!(
        isolation["definition"]["default_value"], "DEFAULT",
        "{isolation}"
    );
    assert_eq!(isolation["definition"]["group"], "Mode", "{isolation}");
    let body = validate(
        json!({"connector.class": CLASS, "name": "j", "connection.url": url, "mode": "bulk", "transaction.isolation.mode": "SERIALIZABLE"}),
    );
    assert_eq!(body["error_count"], 0, "{body}");

    // Creating an invalid connector is refused with the same message.
    let create = rest
        .post("/connectors", Some(json!({"name": "bad", "config": {"connector.class": CLASS, "connection.url": url, "mode": "incrementing", "incrementing.column.name": "nope"}})))
        .unwrap();
    assert_eq!(create.status, 400, "{:?}", create.body);
    assert!(
        create.error_message().unwrap().contains("nope not found"),
        "{:?}",
        create.body
    );

    // A valid connector whose table disappears: its restarted task fails, naming the table.
    let create = rest
        .post("/connectors", Some(json!({"name": "jdbc", "config": {"connector.class": CLASS, "connection.url": url, "mode": "incrementing", "topic.prefix": "rest-", "table.poll.interval.ms": "600000"}})))
        .unwrap();
    assert_eq!(create.status, 201, "{:?}", create.body);
    let state = |rest: &RestClient| {
        rest.get("/connectors/jdbc/status", None)
            .ok()
            .and_then(|r| r.body)
            .unwrap_or(Value::Null)
    };
    wait_until(TIMEOUT, || state(&rest)["tasks"][0]["state"] == "RUNNING").unwrap();
    sqlite_exec(&db, "DROP TABLE Models;");
    let restart = rest.post("/connectors/jdbc/tasks/0/restart", None).unwrap();
    assert!(restart.status < 300, "{:?}", restart.body);
    let failed = wait_until(TIMEOUT, || state(&rest)["tasks"][0]["state"] == "FAILED");
    let status = state(&rest);
    assert!(failed.is_ok(), "{status}\n{}", worker.all_logs());
    let trace = status["tasks"][0]["trace"].as_str().unwrap_or_default();
    assert!(trace.contains("table Models does not exist"), "{status}");
}
