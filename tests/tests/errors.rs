//! Error handling in the sink path against a real broker: `errors.tolerance=none` fails the
//! task with a trace naming the record; `errors.tolerance=all` with a dead letter queue
//! delivers every good record and puts every bad one in the DLQ with its context headers,
//! checked with confluent-kafka.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::path::Path;
use std::time::Duration;

use ferry_tests::rest::RestClient;
use ferry_tests::{
    consume_all, create_topic, produce, wait_until, write_properties, Broker, WorkerProcess,
};

const TIMEOUT: Duration = Duration::from_secs(120);

fn mixed_records() -> Vec<ferry_tests::KeyValue> {
    let good = |i: i32| {
        Some(
            format!(r#"{{"schema":{{"type":"int32","optional":false}},"payload":{i}}}"#)
                .into_bytes(),
        )
    };
    vec![
        (None, good(1)),
        (None, Some(b"not json at all".to_vec())),
        (None, good(2)),
        (
            None,
            Some(b"{\"schema\":{\"type\":\"nope\"},\"payload\":1}".to_vec()),
        ),
        (None, good(3)),
    ]
}

fn sink_file(
    dir: &Path,
    name: &str,
    topic: &str,
    out: &Path,
    extra: &[(&str, &str)],
) -> std::path::PathBuf {
    let path = dir.join(format!("{name}.properties"));
    let out = out.display().to_string();
    let mut pairs = vec![
        ("name", name),
        ("connector.class", "FileStreamSink"),
        ("topics", topic),
        ("file", out.as_str()),
    ];
    pairs.extend_from_slice(extra);
    write_properties(&path, &pairs).unwrap();
    path
}

#[test]
fn without_tolerance_a_bad_record_fails_the_task_naming_it() {
    let broker = Broker::start().unwrap();
    create_topic(&broker.bootstrap(), "strict", 1, &[]).unwrap();
    produce(&broker.bootstrap(), "strict", &mixed_records()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.txt");
    let sink = sink_file(dir.path(), "strict-sink", "strict", &out, &[]);
    let worker = WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &[], &[sink]).unwrap();
    let rest = RestClient::new(worker.url());
    wait_until(TIMEOUT, || {
        rest.get("/connectors/strict-sink/tasks/0/status", None)
            .ok()
            .and_then(|r| r.body)
            .is_some_and(|b| b["state"] == "FAILED")
    })
    .unwrap();
    let status = rest
        .get("/connectors/strict-sink/tasks/0/status", None)
        .unwrap()
        .body
        .unwrap();
    let trace = status["trace"].as_str().unwrap();
    assert!(
        trace.starts_with("Tolerance exceeded in error handler"),
        "{trace}"
    );
    assert!(
        trace.contains("topic 'strict', partition 0, offset 1"),
        "the trace names the record: {trace}"
    );
    assert!(
        trace.contains("VALUE_CONVERTER")
            && trace.contains("org.apache.kafka.connect.json.JsonConverter"),
        "{trace}"
    );
    assert!(
        status.get("errors_tolerated").is_none(),
        "no tolerance, no counter: {status}"
    );
    // The worker is still up and answers.
    assert_eq!(rest.get("/", None).unwrap().status, 200);
}

#[test]
fn with_tolerance_all_good_records_flow_and_bad_ones_go_to_the_dlq() {
    let broker = Broker::start().unwrap();
    create_topic(&broker.bootstrap(), "mixed", 1, &[]).unwrap();
    produce(&broker.bootstrap(), "mixed", &mixed_records()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.txt");
    let sink = sink_file(
        dir.path(),
        "tolerant-sink",
        "mixed",
        &out,
        &[
            ("errors.tolerance", "all"),
            ("errors.log.enable", "true"),
            ("errors.log.include.messages", "true"),
            ("errors.deadletterqueue.topic.name", "mixed-dlq"),
            ("errors.deadletterqueue.topic.replication.factor", "1"),
            ("errors.deadletterqueue.context.headers.enable", "true"),
        ],
    );
    let worker = WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &[], &[sink]).unwrap();
    wait_until(TIMEOUT, || {
        std::fs::read_to_string(&out).unwrap_or_default() == "1\n2\n3\n"
    })
    .unwrap();

    let dlq = consume_all(&broker.bootstrap(), "mixed-dlq", 2, TIMEOUT).unwrap();
    assert_eq!(dlq.len(), 2);
    assert_eq!(
        dlq[0].value.as_deref(),
        Some(&b"not json at all"[..]),
        "the original bytes"
    );
    let header = |i: usize, k: &str| {
        dlq[i]
            .headers
            .iter()
            .find(|(h, _)| h == k)
            .and_then(|(_, v)| v.clone())
            .map(|v| String::from_utf8(v).unwrap())
    };
    assert_eq!(
        header(0, "__connect.errors.topic").as_deref(),
        Some("mixed")
    );
    assert_eq!(
        header(0, "__connect.errors.partition").as_deref(),
        Some("0")
    );
    assert_eq!(header(0, "__connect.errors.offset").as_deref(), Some("1"));
    assert_eq!(header(1, "__connect.errors.offset").as_deref(), Some("3"));
    assert_eq!(
        header(0, "__connect.errors.connector.name").as_deref(),
        Some("tolerant-sink")
    );
    assert_eq!(header(0, "__connect.errors.task.id").as_deref(), Some("0"));
    assert_eq!(
        header(0, "__connect.errors.stage").as_deref(),
        Some("VALUE_CONVERTER")
    );
    assert_eq!(
        header(0, "__connect.errors.class.name").as_deref(),
        Some("org.apache.kafka.connect.json.JsonConverter")
    );
    assert_eq!(
        header(0, "__connect.errors.exception.class.name").as_deref(),
        Some("org.apache.kafka.connect.errors.DataException")
    );
    assert!(header(0, "__connect.errors.exception.message").is_some());

    let rest = RestClient::new(worker.url());
    let status = rest
        .get("/connectors/tolerant-sink/status", None)
        .unwrap()
        .body
        .unwrap();
    assert_eq!(status["tasks"][0]["state"], "RUNNING");
    assert_eq!(
        status["tasks"][0]["errors_tolerated"], 2,
        "Ferry reports tolerated errors: {status}"
    );
    let log = worker.log_text();
    assert!(
        log.contains("Error encountered in task tolerant-sink-0. Executing stage 'VALUE_CONVERTER' with class 'org.apache.kafka.connect.json.JsonConverter', where consumed record is {topic='mixed', partition=0, offset=1"),
        "{log}"
    );
}

#[test]
fn source_records_that_fail_conversion_go_to_the_dlq_and_offsets_still_advance() {
    let broker = Broker::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(&input, "alpha\nbeta\n").unwrap();
    let source = dir.path().join("source.properties");
    let input_s = input.display().to_string();
    write_properties(
        &source,
        &[
            ("name", "strict-source"),
            ("connector.class", "FileStreamSource"),
            ("file", &input_s),
            ("topic", "numbers"),
            (
                "value.converter",
                "org.apache.kafka.connect.converters.IntegerConverter",
            ),
            ("errors.tolerance", "all"),
            ("errors.deadletterqueue.topic.name", "source-dlq"),
            ("errors.deadletterqueue.context.headers.enable", "true"),
        ],
    )
    .unwrap();
    let mut worker =
        WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &[], &[source]).unwrap();
    let dlq = consume_all(&broker.bootstrap(), "source-dlq", 2, TIMEOUT).unwrap();
    assert_eq!(
        dlq.iter()
            .map(|r| r.value.clone().unwrap())
            .collect::<Vec<_>>(),
        vec![b"\"alpha\"".to_vec(), b"\"beta\"".to_vec()]
    );
    let stage = dlq[0]
        .headers
        .iter()
        .find(|(k, _)| k == "__connect.errors.stage")
        .and_then(|(_, v)| v.clone());
    assert_eq!(stage.as_deref(), Some(&b"VALUE_CONVERTER"[..]));
    let rest = RestClient::new(worker.url());
    assert_eq!(
        rest.get("/connectors/strict-source/status", None)
            .unwrap()
            .body
            .unwrap()["tasks"][0]["state"],
        "RUNNING"
    );
    assert_eq!(worker.stop().unwrap(), Some(0));
    let offsets = std::fs::read_to_string(dir.path().join("connect.offsets")).unwrap();
    assert!(
        offsets.contains("\"value\":{\"position\":11}"),
        "the offsets of tolerated records commit: {offsets}"
    );
}

#[test]
fn errant_records_reported_by_a_sink_task_go_to_the_dlq() {
    let broker = Broker::start().unwrap();
    create_topic(&broker.bootstrap(), "errant", 1, &[]).unwrap();
    produce(
        &broker.bootstrap(),
        "errant",
        &[(None, Some(b"a".to_vec())), (None, Some(b"b".to_vec()))],
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sink = dir.path().join("errant.properties");
    write_properties(
        &sink,
        &[
            ("name", "errant-sink"),
            ("connector.class", "test.PanickySinkConnector"),
            ("panic.in", "errant"),
            ("topics", "errant"),
            (
                "value.converter",
                "org.apache.kafka.connect.converters.ByteArrayConverter",
            ),
            ("errors.tolerance", "all"),
            ("errors.deadletterqueue.topic.name", "errant-dlq"),
            ("errors.deadletterqueue.context.headers.enable", "true"),
        ],
    )
    .unwrap();
    let worker = WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &[], &[sink]).unwrap();
    let dlq = consume_all(&broker.bootstrap(), "errant-dlq", 2, TIMEOUT).unwrap();
    assert_eq!(
        dlq.iter()
            .map(|r| r.value.clone().unwrap())
            .collect::<Vec<_>>(),
        vec![b"a".to_vec(), b"b".to_vec()]
    );
    let header = |k: &str| {
        dlq[1]
            .headers
            .iter()
            .find(|(h, _)| h == k)
            .and_then(|(_, v)| v.clone())
            .map(|v| String::from_utf8(v).unwrap())
    };
    assert_eq!(
        header("__connect.errors.stage").as_deref(),
        Some("TASK_PUT")
    );
    assert_eq!(
        header("__connect.errors.exception.message").as_deref(),
        Some("record at offset 1 is errant")
    );
    let rest = RestClient::new(worker.url());
    wait_until(TIMEOUT, || {
        rest.get("/connectors/errant-sink/tasks/0/status", None)
            .ok()
            .and_then(|r| r.body)
            .is_some_and(|b| b["errors_tolerated"] == 2)
    })
    .unwrap();
}

#[test]
fn a_reset_requested_in_open_is_applied_before_any_record_is_delivered() {
    let broker = Broker::start().unwrap();
    create_topic(&broker.bootstrap(), "rewind", 1, &[]).unwrap();
    produce(
        &broker.bootstrap(),
        "rewind",
        &[
            (None, Some(b"a".to_vec())),
            (None, Some(b"b".to_vec())),
            (None, Some(b"c".to_vec())),
        ],
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let sink = dir.path().join("rewind.properties");
    write_properties(
        &sink,
        &[
            ("name", "rewind-sink"),
            ("connector.class", "test.PanickySinkConnector"),
            ("panic.in", "reset"),
            ("topics", "rewind"),
            (
                "value.converter",
                "org.apache.kafka.connect.converters.ByteArrayConverter",
            ),
            ("errors.tolerance", "all"),
            ("errors.deadletterqueue.topic.name", "rewind-dlq"),
        ],
    )
    .unwrap();
    let worker = WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &[], &[sink]).unwrap();
    // The task reports every record it sees as errant: the DLQ shows what it was given.
    let seen = consume_all(&broker.bootstrap(), "rewind-dlq", 2, TIMEOUT).unwrap();
    assert_eq!(
        seen.iter()
            .map(|r| r.value.clone().unwrap())
            .collect::<Vec<_>>(),
        vec![b"b".to_vec(), b"c".to_vec()]
    );
    let rest = RestClient::new(worker.url());
    assert_eq!(
        rest.get("/connectors/rewind-sink/tasks/0/status", None)
            .unwrap()
            .body
            .unwrap()["state"],
        "RUNNING"
    );
}
