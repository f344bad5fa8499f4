//! The operator session of the REST issue, replayed against a real worker and broker: a file
//! sink reading JsonConverter records of the Models table, its status and offsets, stop, alter
//! offsets, resume — checking every response and the sink file byte for byte.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::path::Path;
use std::time::Duration;

use ferry_tests::rest::RestClient;
use ferry_tests::{create_topic, produce, wait_until, Broker, WorkerProcess};
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(120);
const TOPIC: &str = "sqlite-sample-Models";

use ferry_tests::models::{envelope, ROWS};

fn expected_file() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/models-sink.expected.txt"
    ))
    .unwrap()
}

fn file(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn operator_session_over_rest() {
    let broker = Broker::start().unwrap();
    create_topic(&broker.bootstrap(), TOPIC, 1, &[]).unwrap();
    let values: Vec<Vec<u8>> = ROWS.iter().map(|r| envelope(*r)).collect();
    produce(
        &broker.bootstrap(),
        TOPIC,
        &values
            .iter()
            .map(|v| (None, Some(v.clone())))
            .collect::<Vec<_>>(),
    )
    .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("models.txt");
    let worker = WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &[], &[]).unwrap();
    let rest = RestClient::new(worker.url());
    rest.wait_ready(TIMEOUT).unwrap();

    let create = rest
        .post(
            "/connectors",
            Some(json!({"name": "File-Sink-Connector", "config": {
                "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector",
                "tasks.max": "1",
                "topics": TOPIC,
                "file": out.display().to_string(),
                "value.converter": "org.apache.kafka.connect.json.JsonConverter"
            }})),
        )
        .unwrap();
    assert_eq!(create.status, 201, "{:?}", create.body);
    assert_eq!(
        create.header("location"),
        Some(format!("{}/connectors/File-Sink-Connector", worker.url()).as_str())
    );
    assert_eq!(create.body.as_ref().unwrap()["type"], "sink");

    wait_until(TIMEOUT, || file(&out) == expected_file())
        .unwrap_or_else(|e| panic!("{e}: sink file is\n{}", file(&out)));
    let status = rest
        .get("/connectors/File-Sink-Connector/status", None)
        .unwrap();
    assert_eq!(status.status, 200);
    let status = status.body.unwrap();
    assert_eq!(status["connector"]["state"], "RUNNING");
    assert_eq!(status["tasks"][0]["id"], 0);
    assert_eq!(status["tasks"][0]["state"], "RUNNING");

    let expected_offsets = |n: i64| json!({"offsets": [{"partition": {"kafka_partition": 0, "kafka_topic": TOPIC}, "offset": {"kafka_offset": n}}]});
    wait_until(TIMEOUT, || {
        rest.get("/connectors/File-Sink-Connector/offsets", None)
            .ok()
            .and_then(|r| r.body)
            == Some(expected_offsets(17))
    })
    .unwrap();

    // Offsets can only change while the connector is stopped.
    let early = rest
        .patch(
            "/connectors/File-Sink-Connector/offsets",
            Some(expected_offsets(10)),
        )
        .unwrap();
    assert_eq!(early.status, 400);
    assert_eq!(early.error_message().unwrap(), "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/File-Sink-Connector/stop' endpoint");

    assert_eq!(
        rest.put("/connectors/File-Sink-Connector/stop", None)
            .unwrap()
            .status,
        204
    );
    let stopped = rest
        .get("/connectors/File-Sink-Connector/status", None)
        .unwrap()
        .body
        .unwrap();
    assert_eq!(stopped["connector"]["state"], "STOPPED");
    assert_eq!(stopped["tasks"], json!([]));
    assert_eq!(
        rest.get("/connectors/File-Sink-Connector/tasks", None)
            .unwrap()
            .body
            .unwrap(),
        json!([])
    );

    let altered = rest
        .patch(
            "/connectors/File-Sink-Connector/offsets",
            Some(expected_offsets(10)),
        )
        .unwrap();
    assert_eq!(altered.status, 200, "{:?}", altered.body);
    assert_eq!(
        altered.body.unwrap(),
        json!({"message": "The offsets for this connector have been altered successfully"})
    );
    assert_eq!(
        rest.get("/connectors/File-Sink-Connector/offsets", None)
            .unwrap()
            .body
            .unwrap(),
        expected_offsets(10)
    );

    assert_eq!(
        rest.put("/connectors/File-Sink-Connector/resume", None)
            .unwrap()
            .status,
        202
    );
    let again: String = expected_file()
        .lines()
        .skip(10)
        .map(|l| format!("{l}\n"))
        .collect();
    let want = format!("{}{again}", expected_file());
    wait_until(TIMEOUT, || file(&out) == want)
        .unwrap_or_else(|e| panic!("{e}: sink file is\n{}", file(&out)));
    wait_until(TIMEOUT, || {
        rest.get("/connectors/File-Sink-Connector/offsets", None)
            .ok()
            .and_then(|r| r.body)
            == Some(expected_offsets(17))
    })
    .unwrap();

    // Reset: stop, delete offsets, resume — everything again.
    assert_eq!(
        rest.put("/connectors/File-Sink-Connector/stop", None)
            .unwrap()
            .status,
        204
    );
    let reset = rest
        .delete("/connectors/File-Sink-Connector/offsets", None)
        .unwrap();
    assert_eq!(
        reset.body.unwrap(),
        json!({"message": "The offsets for this connector have been reset successfully"})
    );
    assert_eq!(
        rest.get("/connectors/File-Sink-Connector/offsets", None)
            .unwrap()
            .body
            .unwrap(),
        json!({"offsets": []})
    );

    assert_eq!(
        rest.delete("/connectors/File-Sink-Connector", None)
            .unwrap()
            .status,
        204
    );
    let gone = rest.get("/connectors/File-Sink-Connector", None).unwrap();
    assert_eq!(
        (gone.status, gone.error_message().unwrap()),
        (404, "Connector File-Sink-Connector not found")
    );
    let _: Value = json!(null);
}
