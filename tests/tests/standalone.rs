//! `ferry standalone` against a real broker (nisshi): the file-source → Kafka → file-sink
//! pipeline, what lands in Kafka as seen by confluent-kafka, and crash recovery.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use ferry_tests::{consume_all, wait_until, write_properties, Broker, WorkerProcess};

const TIMEOUT: Duration = Duration::from_secs(120);

fn lines_in(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn source_props(dir: &Path, name: &str, input: &Path, topic: &str) -> std::path::PathBuf {
    let p = dir.join(format!("{name}.properties"));
    let input = input.display().to_string();
    write_properties(
        &p,
        &[
            ("name", name),
            ("connector.class", "FileStreamSource"),
            ("file", &input),
            ("topic", topic),
        ],
    )
    .unwrap();
    p
}

#[test]
fn file_source_to_kafka_to_file_sink_with_json_envelopes() {
    let broker = Broker::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("input.txt");
    let output = dir.path().join("output.txt");
    let expected: Vec<String> = (0..500).map(|i| format!("line {i} with ünïcode")).collect();
    std::fs::write(
        &input,
        expected
            .iter()
            .map(|l| format!("{l}\n"))
            .collect::<String>(),
    )
    .unwrap();
    let source = source_props(dir.path(), "local-file-source", &input, "connect-test");
    // The sink as a JSON connector file, Kafka's second form.
    let sink = dir.path().join("sink.json");
    std::fs::write(&sink, serde_json::json!({"name": "local-file-sink", "connector.class": "org.apache.kafka.connect.file.FileStreamSinkConnector", "file": output.display().to_string(), "topics": "connect-test"}).to_string()).unwrap();

    let mut worker =
        WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &[], &[source, sink]).unwrap();
    wait_until(TIMEOUT, || lines_in(&output).len() >= expected.len()).unwrap();
    assert_eq!(lines_in(&output), expected);

    // What a client we did not write sees: JsonConverter envelopes with a string schema.
    let records =
        consume_all(&broker.bootstrap(), "connect-test", expected.len(), TIMEOUT).unwrap();
    assert_eq!(records.len(), expected.len());
    let first: serde_json::Value =
        serde_json::from_slice(records[0].value.as_deref().unwrap()).unwrap();
    assert_eq!(
        first,
        serde_json::json!({"schema": {"type": "string", "optional": false}, "payload": "line 0 with ünïcode"})
    );
    assert_eq!(records[0].key, None, "file source records have no key");

    // More lines while running flow through too.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&input)
        .unwrap()
        .write_all(b"late line\n")
        .unwrap();
    wait_until(TIMEOUT, || {
        lines_in(&output).last().map(String::as_str) == Some("late line")
    })
    .unwrap();

    // A clean stop commits the source offset (in bytes) to the offsets file.
    assert_eq!(worker.stop().unwrap(), Some(0));
    let offsets = std::fs::read_to_string(dir.path().join("connect.offsets")).unwrap();
    let size = std::fs::metadata(&input).unwrap().len();
    assert!(
        offsets.contains(&format!("\"value\":{{\"position\":{size}}}")),
        "{offsets}"
    );
    assert!(
        worker.all_logs().contains("connector=local-file-source"),
        "task logs carry the connector id"
    );
}

#[test]
fn kill_9_in_the_middle_of_a_file_source_run_loses_no_line() {
    let broker = Broker::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("big.txt");
    let total = 200_000usize;
    let mut f = std::fs::File::create(&input).unwrap();
    for i in 0..total {
        writeln!(f, "record-{i:07}-{}", "x".repeat(60)).unwrap();
    }
    drop(f);
    let source = source_props(dir.path(), "crashy-source", &input, "crash-test");
    let mut worker = WorkerProcess::standalone(
        dir.path(),
        &broker.bootstrap(),
        &[("offset.flush.interval.ms", "200")],
        &[source],
    )
    .unwrap();
    // Wait until some offsets were committed, then crash in the middle of the run.
    wait_until(TIMEOUT, || {
        std::fs::read_to_string(dir.path().join("connect.offsets"))
            .is_ok_and(|o| o.contains("position"))
    })
    .unwrap();
    worker.kill9().unwrap();
    let offsets_at_crash = std::fs::read_to_string(dir.path().join("connect.offsets")).unwrap();
    worker.restart().unwrap();

    let records = consume_all(&broker.bootstrap(), "crash-test", total, TIMEOUT).unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for r in &records {
        let v: serde_json::Value = serde_json::from_slice(r.value.as_deref().unwrap()).unwrap();
        seen.insert(
            v["payload"].as_str().unwrap()[7..14]
                .parse::<usize>()
                .unwrap(),
        );
    }
    let missing: Vec<usize> = (0..total).filter(|i| !seen.contains(i)).take(10).collect();
    assert!(missing.is_empty(), "lines missing after kill -9 and restart: {missing:?} (offsets at crash: {offsets_at_crash})");
    assert!(records.len() >= total, "at least once");
    worker.stop().unwrap();
}

#[test]
fn bad_worker_config_stops_start_up_with_a_message_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    let worker_file = dir.path().join("worker.properties");
    write_properties(
        &worker_file,
        &[
            ("offset.storage.file.filename", "/tmp/x.offsets"),
            ("offset.flush.interval.ms", "soon"),
        ],
    )
    .unwrap();
    let out = std::process::Command::new(ferry_tests::ferry_binary().unwrap())
        .args(["standalone", &worker_file.display().to_string()])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Invalid value soon for configuration offset.flush.interval.ms"),
        "{stderr}"
    );
}

#[test]
fn a_task_that_does_not_stop_is_abandoned_and_the_worker_still_exits() {
    let broker = Broker::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let hang = dir.path().join("hang.properties");
    write_properties(
        &hang,
        &[
            ("name", "stuck"),
            ("connector.class", "test.PanickySourceConnector"),
            ("panic.in", "hang"),
        ],
    )
    .unwrap();
    let mut worker = WorkerProcess::standalone(
        dir.path(),
        &broker.bootstrap(),
        &[("task.shutdown.graceful.timeout.ms", "500")],
        &[hang],
    )
    .unwrap();
    wait_until(TIMEOUT, || {
        worker.log_text().contains("Source task started")
    })
    .unwrap();
    assert_eq!(
        worker.stop().unwrap(),
        Some(0),
        "the worker exits although the task hangs"
    );
    let log = worker.log_text();
    assert!(
        log.contains("Task did not stop in time and is abandoned"),
        "{log}"
    );
}
