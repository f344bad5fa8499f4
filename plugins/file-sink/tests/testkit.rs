//! The file sink, driven in-process by the SDK testkit.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use ferry_file_sink::FileStreamSinkConnector;
use ferry_plugin_sdk::prelude::*;
use ferry_plugin_sdk::testkit::{SinkHarness, TestRecord};

fn models_schema() -> SchemaRef {
    Schema::struct_builder()
        .name("Models")
        .field("model_id", Schema::primitive(Type::Int32))
        .field("model_name", Schema::primitive(Type::String))
        .field("model_base_price", Schema::primitive(Type::Int32))
        .field("brand_id", Schema::primitive(Type::Int32))
        .build()
}

/// The 17 rows of tests/fixtures/models.sql.
fn model_rows() -> Vec<(i32, &'static str, i32, i32)> {
    vec![
        (1, "The Blonde", 23000, 1),
        (2, "The Brunette", 25000, 1),
        (3, "The Red Head", 29000, 1),
        (4, "Hat", 22000, 2),
        (5, "Sweater", 25000, 2),
        (6, "T-Shirt", 27000, 2),
        (7, "Orange", 15000, 3),
        (8, "Blue", 12000, 3),
        (9, "Green", 17000, 3),
        (10, "LaFerrari", 125000, 4),
        (11, "450", 75000, 4),
        (12, "F12 Berlinetta", 110000, 4),
        (13, "F40", 100000, 4),
        (14, "Extra", 30000, 5),
        (15, "Too Much", 35000, 5),
        (16, "Beats", 24000, 6),
        (17, "Bars", 35000, 6),
    ]
}

#[test]
fn writes_structs_exactly_as_kafka_does() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sink.txt");
    let out_s = out.display().to_string();
    let mut h = SinkHarness::<FileStreamSinkConnector>::new(&[
        ("name", "File-Sink-Connector"),
        ("file", &out_s),
    ])
    .unwrap();
    let config = h.task_configs(1).unwrap().remove(0);
    let tp = TopicPartition::new("sqlite-sample-Models", 0);
    let mut task = h.start_task(&config, std::slice::from_ref(&tp)).unwrap();
    let schema = models_schema();
    let records: Vec<TestRecord> = model_rows()
        .into_iter()
        .enumerate()
        .map(|(i, (id, name, price, brand))| {
            let row = Struct::new(schema.clone())
                .unwrap()
                .with("model_id", id)
                .unwrap()
                .with("model_name", name)
                .unwrap()
                .with("model_base_price", price)
                .unwrap()
                .with("brand_id", brand)
                .unwrap();
            TestRecord::new(
                &tp.topic,
                0,
                i as i64,
                Some(schema.clone()),
                Value::Struct(row),
            )
        })
        .collect();
    task.put(&records[..10]).unwrap();
    task.put(&records[10..]).unwrap();
    assert_eq!(task.commit().unwrap(), vec![(tp.clone(), 17)]);
    task.stop().unwrap();
    let expected = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/models-sink.expected.txt"
    ))
    .unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), expected);
}

#[test]
fn strings_bytes_and_tombstones() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sink.txt");
    let out_s = out.display().to_string();
    let h =
        SinkHarness::<FileStreamSinkConnector>::new(&[("name", "s"), ("file", &out_s)]).unwrap();
    let tp = TopicPartition::new("t", 3);
    let mut task = h
        .start_task(
            &[("file".to_owned(), out_s.clone())].into(),
            std::slice::from_ref(&tp),
        )
        .unwrap();
    task.put(&[
        TestRecord::new(
            "t",
            3,
            5,
            Some(Schema::primitive(Type::String)),
            Value::from("héllo"),
        ),
        TestRecord::new("t", 3, 6, None, Value::Bytes(b"raw".to_vec())),
        TestRecord::new("t", 3, 7, None, Value::Null),
        TestRecord::new(
            "t",
            3,
            8,
            None,
            Value::Map(vec![(Value::from("k"), Value::Int64(0))]),
        ),
    ])
    .unwrap();
    assert_eq!(task.commit().unwrap(), vec![(tp, 9)]);
    task.stop().unwrap();
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "héllo\nraw\nnull\n{k=0}\n"
    );
}

/// Kafka's task prints every record to an unbuffered stream: what `put` took is in the file when
/// `put` returns, before any flush or offset commit.
#[test]
fn records_are_in_the_file_when_put_returns() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sink.txt");
    let out_s = out.display().to_string();
    let h =
        SinkHarness::<FileStreamSinkConnector>::new(&[("name", "s"), ("file", &out_s)]).unwrap();
    let tp = TopicPartition::new("t", 0);
    let mut task = h
        .start_task(
            &[("file".to_owned(), out_s.clone())].into(),
            std::slice::from_ref(&tp),
        )
        .unwrap();
    let record = |offset, text: &str| TestRecord::new("t", 0, offset, None, Value::from(text));
    task.put(&[record(0, "one"), record(1, "two")]).unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "one\ntwo\n");
    task.put(&[record(2, "three")]).unwrap();
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "one\ntwo\nthree\n");
    task.stop().unwrap();
}

#[test]
fn an_unwritable_file_fails_start_with_kafkas_message() {
    let h = SinkHarness::<FileStreamSinkConnector>::new(&[
        ("name", "s"),
        ("file", "/nonexistent-dir/x.txt"),
    ])
    .unwrap();
    let err = h
        .start_task(
            &[("file".to_owned(), "/nonexistent-dir/x.txt".to_owned())].into(),
            &[],
        )
        .err()
        .unwrap();
    assert!(
        err.to_string().starts_with(
            "Couldn't find or create file '/nonexistent-dir/x.txt' for FileStreamSinkTask"
        ),
        "{err}"
    );
}

#[test]
fn task_configs_are_copies_for_every_task() {
    let mut h =
        SinkHarness::<FileStreamSinkConnector>::new(&[("name", "s"), ("file", "/tmp/x")]).unwrap();
    assert_eq!(h.task_configs(3).unwrap().len(), 3);
}
