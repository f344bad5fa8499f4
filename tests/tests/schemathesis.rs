//! Schemathesis against a live worker: Kafka Connect's published OpenAPI description
//! (`tests/fixtures/connect_rest_openapi.yaml`, a verbatim copy of Kafka 3.9's
//! `connect_rest.yaml`) drives generated requests at a real `ferry` process on a real broker, with
//! a file sink and a file source connector in place so that paths have something to hit.
//!
//! The checks live in `tests/python/schemathesis_rest.py`: no 5xx except the ones Kafka Connect
//! itself answers (standalone `PUT /connectors/{unknown}/stop`, offsets requests a connector
//! rejects), Kafka's `{"error_code","message"}` body on every error, `application/json` on every
//! body, and schema conformance of successful responses where Kafka's own output conforms.
//!
//! `FERRY_SCHEMATHESIS_EXAMPLES` (default 100) bounds the examples per operation and
//! `FERRY_SCHEMATHESIS_SEED` (default fixed) picks the seed; `random` leaves it to schemathesis.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use ferry_tests::rest::RestClient;
use ferry_tests::{create_topic, python_binary, wait_until, Broker, WorkerProcess};
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(120);
const DEFAULT_EXAMPLES: &str = "100";
const DEFAULT_SEED: &str = "20261125";

fn manifest_path(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

fn write_connector(dir: &Path, name: &str, config: &Value) -> PathBuf {
    let path = dir.join(format!("{name}.json"));
    let body = json!({"name": name, "config": config});
    std::fs::write(&path, body.to_string()).unwrap();
    path
}

#[test]
fn schemathesis_finds_no_server_errors() {
    let broker = Broker::start().unwrap();
    create_topic(&broker.bootstrap(), "schemathesis-lines", 1, &[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.txt");
    std::fs::write(&input, "one\ntwo\nthree\n").unwrap();
    let sink = json!({
        "connector.class": "FileStreamSink",
        "file": dir.path().join("output.txt").display().to_string(),
        "topics": "schemathesis-lines",
    });
    let source = json!({
        "connector.class": "FileStreamSource",
        "file": input.display().to_string(),
        "topic": "schemathesis-lines",
    });
    let files = [
        write_connector(dir.path(), "file-sink", &sink),
        write_connector(dir.path(), "file-source", &source),
    ];
    let worker = WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &[], &files).unwrap();
    let rest = RestClient::new(worker.url());
    rest.wait_ready(TIMEOUT).unwrap();
    wait_until(TIMEOUT, || {
        std::fs::read_to_string(dir.path().join("output.txt")).unwrap_or_default()
            == "one\ntwo\nthree\n"
    })
    .expect("the pipeline runs before schemathesis starts");

    let examples =
        std::env::var("FERRY_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| DEFAULT_EXAMPLES.into());
    let seed = std::env::var("FERRY_SCHEMATHESIS_SEED").unwrap_or_else(|_| DEFAULT_SEED.into());
    let connectors = json!({"file-sink": sink, "file-source": source}).to_string();
    let scratch = dir.path().join("scratch");
    std::fs::create_dir(&scratch).unwrap();
    let script = manifest_path("python/schemathesis_rest.py");
    let schema = manifest_path("fixtures/connect_rest_openapi.yaml");
    let mut command = Command::new(python_binary().unwrap());
    command
        .arg(&script)
        .args(["--url", &worker.url()])
        .arg("--schema")
        .arg(&schema)
        .args(["--connectors", &connectors])
        .arg("--scratch-dir")
        .arg(&scratch)
        .args(["--max-examples", &examples])
        .current_dir(dir.path())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null());
    if seed != "random" {
        command.args(["--seed", &seed]);
    }
    let output = command.output().expect("running the schemathesis script");
    let report = format!(
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        output.status.success(),
        "schemathesis failed ({}):\n{report}",
        output.status
    );
    // The worker is still up and serving after everything schemathesis sent.
    let root = rest.get("/", None).unwrap();
    assert_eq!(root.status, 200, "{report}");
    eprintln!("{report}");
}
