//! The file source, driven in-process by the SDK testkit.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::io::Write;

use ferry_file_source::FileStreamSourceConnector;
use ferry_plugin_sdk::prelude::*;
use ferry_plugin_sdk::testkit::SourceHarness;
use serde_json::json;

fn lines(records: &[SourceRecord]) -> Vec<String> {
    records.iter().map(|r| r.value.to_java_string()).collect()
}

fn positions(records: &[SourceRecord]) -> Vec<i64> {
    records
        .iter()
        .map(|r| {
            r.source_offset.as_ref().unwrap()["position"]
                .as_i64()
                .unwrap()
        })
        .collect()
}

#[test]
fn reads_lines_with_byte_positions_and_resumes_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.txt");
    std::fs::write(&file, "Line 0\nLine 1\nLine 2\n").unwrap();
    let f = file.display().to_string();
    let mut h = SourceHarness::<FileStreamSourceConnector>::new(&[
        ("name", "s"),
        ("file", &f),
        ("topic", "lines"),
    ])
    .unwrap();
    let config = h.task_configs(4).unwrap();
    assert_eq!(config.len(), 1, "one task whatever tasks.max says");
    let mut task = h.start_task(&config[0]).unwrap();
    let got = task.poll().unwrap();
    assert_eq!(lines(&got), ["Line 0", "Line 1", "Line 2"]);
    assert_eq!(positions(&got), [7, 14, 21]);
    assert_eq!(got[0].topic, "lines");
    assert_eq!(
        got[0].source_partition.as_ref().unwrap(),
        json!({"filename": f}).as_object().unwrap()
    );
    assert_eq!(
        got[0].value_schema.as_deref(),
        Some(&*Schema::primitive(Type::String))
    );
    task.stop().unwrap();

    // More data, then a new task: it resumes after the committed position.
    std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap()
        .write_all("Lïne 3\nLine 4".as_bytes())
        .unwrap();
    let mut task = h.start_task(&config[0]).unwrap();
    let got = task.poll().unwrap();
    assert_eq!(lines(&got), ["Lïne 3"], "the unterminated last line waits");
    assert_eq!(positions(&got), [29], "positions count bytes: ï is two");
    std::fs::OpenOptions::new()
        .append(true)
        .open(&file)
        .unwrap()
        .write_all(b"\n")
        .unwrap();
    assert_eq!(lines(&task.poll().unwrap()), ["Line 4"]);
    task.stop().unwrap();
}

#[test]
fn batch_size_limits_each_poll() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("in.txt");
    std::fs::write(&file, "a\nb\nc\nd\ne\n").unwrap();
    let f = file.display().to_string();
    let mut h = SourceHarness::<FileStreamSourceConnector>::new(&[
        ("name", "s"),
        ("file", &f),
        ("topic", "t"),
        ("batch.size", "2"),
    ])
    .unwrap();
    let config = h.task_configs(1).unwrap().remove(0);
    let mut task = h.start_task(&config).unwrap();
    assert_eq!(task.poll().unwrap().len(), 2);
    assert_eq!(task.poll_until(3, 5).unwrap().len(), 3);
    task.stop().unwrap();
}

#[test]
fn a_missing_file_is_waited_for_and_stop_interrupts_the_wait() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("later.txt");
    let f = file.display().to_string();
    let mut h = SourceHarness::<FileStreamSourceConnector>::new(&[
        ("name", "s"),
        ("file", &f),
        ("topic", "t"),
    ])
    .unwrap();
    let config = h.task_configs(1).unwrap().remove(0);
    let mut task = h.start_task(&config).unwrap();
    assert!(task.poll().unwrap().is_empty());
    std::fs::write(&file, "x\n").unwrap();
    assert_eq!(lines(&task.poll().unwrap()), ["x"]);
    task.request_stop();
    assert!(
        task.poll().unwrap().is_empty(),
        "a stopped task's idle wait returns at once"
    );
}

#[test]
fn config_errors_name_the_key() {
    let err = SourceHarness::<FileStreamSourceConnector>::new(&[("name", "s"), ("file", "/tmp/x")])
        .err()
        .unwrap();
    assert!(
        err.to_string()
            .contains("Missing required configuration \"topic\" which has no default value."),
        "{err}"
    );
    let err = SourceHarness::<FileStreamSourceConnector>::new(&[
        ("name", "s"),
        ("topic", "t"),
        ("batch.size", "many"),
    ])
    .err()
    .unwrap();
    assert!(err.to_string().contains("batch.size"), "{err}");
}
