//! The seed pipeline: a SQLite file built from tests/fixtures/models.sql, a `ferry standalone`
//! worker running the JDBC source (incrementing on model_id, topic.prefix sqlite-sample-,
//! JsonConverter) and the bundled file sink on sqlite-sample-Models. The sink file must equal
//! tests/fixtures/models-sink.expected.txt; rows inserted later follow, and a restarted worker
//! resumes after the committed offset.
//!
//! Needs the release build of the worker and both plugins (`cargo build --release
//! --workspace`).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::path::{Path, PathBuf};
use std::time::Duration;

use ferry_tests::{consume_all, run_python, wait_until, write_properties, Broker, WorkerProcess};

const TIMEOUT: Duration = Duration::from_secs(120);
const TOPIC: &str = "sqlite-sample-Models";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Run SQL on the SQLite file with Python's sqlite3 module (no SQLite crate in this crate).
fn sqlite_exec(db: &Path, sql: &str) {
    let script = "import sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\nc.executescript(sys.argv[2])\nc.commit()\nc.close()\n";
    run_python(script, &[&db.display().to_string(), sql]).unwrap();
}

fn lines_in(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn connector_files(dir: &Path, db: &Path, output: &Path) -> Vec<PathBuf> {
    let source = dir.join("jdbc-source.properties");
    let url = format!("jdbc:sqlite:{}", db.display());
    write_properties(
        &source,
        &[
            ("name", "sqlite-sample-source"),
            (
                "connector.class",
                "io.confluent.connect.jdbc.JdbcSourceConnector",
            ),
            ("tasks.max", "1"),
            ("connection.url", &url),
            ("mode", "incrementing"),
            ("incrementing.column.name", "model_id"),
            ("topic.prefix", "sqlite-sample-"),
            ("table.whitelist", "Models"),
            ("poll.interval.ms", "200"),
        ],
    )
    .unwrap();
    let sink = dir.join("file-sink.properties");
    let out = output.display().to_string();
    write_properties(
        &sink,
        &[
            ("name", "sqlite-sample-sink"),
            (
                "connector.class",
                "org.apache.kafka.connect.file.FileStreamSinkConnector",
            ),
            ("tasks.max", "1"),
            ("file", &out),
            ("topics", TOPIC),
        ],
    )
    .unwrap();
    vec![source, sink]
}

const CONVERTERS: [(&str, &str); 2] = [
    (
        "key.converter",
        "org.apache.kafka.connect.json.JsonConverter",
    ),
    (
        "value.converter",
        "org.apache.kafka.connect.json.JsonConverter",
    ),
];

#[test]
fn sqlite_models_to_kafka_to_file_sink_matches_the_fixture() {
    let broker = Broker::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sample.db");
    let output = dir.path().join("models-sink.txt");
    sqlite_exec(
        &db,
        &std::fs::read_to_string(fixture("models.sql")).unwrap(),
    );
    let expected = std::fs::read_to_string(fixture("models-sink.expected.txt")).unwrap();
    let files = connector_files(dir.path(), &db, &output);

    let mut worker =
        WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &CONVERTERS, &files).unwrap();
    let done = wait_until(TIMEOUT, || lines_in(&output).len() >= 17);
    assert!(
        done.is_ok(),
        "sink got {:?}; worker log:\n{}",
        lines_in(&output),
        worker.all_logs()
    );
    assert_eq!(std::fs::read_to_string(&output).unwrap(), expected);

    // What Kafka holds: JsonConverter envelopes with Confluent's schema, null keys.
    let records = consume_all(&broker.bootstrap(), TOPIC, 17, TIMEOUT).unwrap();
    let first: serde_json::Value =
        serde_json::from_slice(records[0].value.as_deref().unwrap()).unwrap();
    assert_eq!(
        first,
        serde_json::json!({
            "schema": {"type": "struct", "fields": [
                {"type": "int32", "optional": false, "field": "model_id"},
                {"type": "string", "optional": false, "field": "model_name"},
                {"type": "int32", "optional": false, "field": "model_base_price"},
                {"type": "int32", "optional": false, "field": "brand_id"}
            ], "optional": false, "name": "Models"},
            "payload": {"model_id": 1, "model_name": "The Blonde", "model_base_price": 23000, "brand_id": 1}
        })
    );

    // A row inserted while running follows.
    sqlite_exec(&db, "INSERT INTO Models VALUES (18, 'Late', 1000, 7);");
    let late = "Struct{model_id=18,model_name=Late,model_base_price=1000,brand_id=7}";
    let got = wait_until(TIMEOUT, || {
        lines_in(&output).last().map(String::as_str) == Some(late)
    });
    assert!(got.is_ok(), "sink got {:?}", lines_in(&output));

    // Stop; the source offset is Confluent's document.
    assert_eq!(worker.stop().unwrap(), Some(0));
    let offsets = std::fs::read_to_string(dir.path().join("connect.offsets")).unwrap();
    assert!(
        offsets.contains(r#"{"protocol":"1","table":"Models"}"#),
        "{offsets}"
    );
    assert!(offsets.contains(r#"{"incrementing":18}"#), "{offsets}");

    // Restart after more rows: only the new row is copied.
    sqlite_exec(
        &db,
        "INSERT INTO Models VALUES (19, 'After restart', 2000, 7);",
    );
    let mut worker =
        WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &CONVERTERS, &files).unwrap();
    let got = wait_until(TIMEOUT, || lines_in(&output).len() >= 19);
    assert!(
        got.is_ok(),
        "sink got {:?}; log:\n{}",
        lines_in(&output),
        worker.all_logs()
    );
    std::thread::sleep(Duration::from_secs(2));
    let lines = lines_in(&output);
    assert_eq!(
        lines.len(),
        19,
        "no duplicates after the restart: {lines:?}"
    );
    assert_eq!(
        lines[18],
        "Struct{model_id=19,model_name=After restart,model_base_price=2000,brand_id=7}"
    );
    assert_eq!(worker.stop().unwrap(), Some(0));
}
