//! The HDFS sink on a local store (`file://`), driven in-process by the SDK testkit.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use ferry_plugin_sdk::prelude::*;
use ferry_plugin_sdk::testkit::TestRecord;

const MODELS_FILE: &str =
    "topics/sqlite-sample-Models/partition=0/sqlite-sample-Models+0+0000000000+0000000016.avro";

#[test]
fn seventeen_models_rows_make_exactly_one_avro_file() {
    let dir = tempfile::tempdir().unwrap();
    let (_h, mut task) = start(dir.path(), &[]);
    let records = model_records(0..17);
    task.put(&records[..10]).unwrap();
    assert!(
        committed(dir.path()).is_empty(),
        "nothing committed before flush.size"
    );
    assert_eq!(temp_files(dir.path()).len(), 1);
    task.put(&records[10..]).unwrap();
    assert_eq!(committed(dir.path()), vec![MODELS_FILE.to_owned()]);
    assert!(temp_files(dir.path()).is_empty());
    assert_eq!(
        task.commit().unwrap(),
        vec![(TopicPartition::new(TOPIC, 0), 17)]
    );

    let (schema, values) = read_avro(&dir.path().join(MODELS_FILE));
    assert_eq!(schema.name().unwrap().fullname(None), "Models");
    let rows: Vec<_> = values.iter().map(model_fields).collect();
    let expected: Vec<_> = model_rows()
        .into_iter()
        .map(|(id, n, p, b)| (id, n.to_owned(), p, b))
        .collect();
    assert_eq!(rows, expected);
    assert!(dir.path().join("logs/sqlite-sample-Models/0/log").exists());
    task.stop().unwrap();
}

#[test]
fn pre_commit_reports_only_committed_files_and_close_drops_temp_files() {
    let dir = tempfile::tempdir().unwrap();
    let (_h, mut task) = start(dir.path(), &[("flush.size", "3")]);
    task.put(&model_records(0..7)).unwrap();
    assert_eq!(
        committed(dir.path()),
        vec![
            "topics/sqlite-sample-Models/partition=0/sqlite-sample-Models+0+0000000000+0000000002.avro".to_owned(),
            "topics/sqlite-sample-Models/partition=0/sqlite-sample-Models+0+0000000003+0000000005.avro".to_owned(),
        ]
    );
    assert_eq!(
        task.commit().unwrap(),
        vec![(TopicPartition::new(TOPIC, 0), 6)]
    );
    assert_eq!(temp_files(dir.path()).len(), 1, "record 6 waits in +tmp");
    task.stop().unwrap();
    assert!(
        temp_files(dir.path()).is_empty(),
        "close deletes temp files"
    );

    // A new task goes on from 6: a consumer that is ahead is sought back there once.
    let (_h2, mut task) = start(dir.path(), &[("flush.size", "3")]);
    assert!(task.requests().resets.is_empty());
    task.put(&model_records(7..9)).unwrap();
    assert_eq!(task.requests().resets, vec![(TOPIC.to_owned(), 0, 6)]);
    task.put(&model_records(6..9)).unwrap();
    assert_eq!(committed_ids(dir.path()), (1..=9).collect::<Vec<_>>());
}

#[test]
fn a_task_that_dies_mid_file_loses_nothing_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (_h, mut task) = start(dir.path(), &[("flush.size", "5")]);
    task.put(&model_records(0..8)).unwrap();
    // Crash: no close, no stop, the temp file with records 5..7 stays behind.
    drop(task);
    assert_eq!(temp_files(dir.path()).len(), 1);

    let (_h2, mut task) = start(dir.path(), &[("flush.size", "5")]);
    assert!(
        temp_files(dir.path()).is_empty(),
        "recovery deletes stale temp files"
    );
    // The consumer delivers from the committed position again; an in-flight duplicate of an
    // already committed record is ignored.
    task.put(&model_records(3..15)).unwrap();
    assert_eq!(committed_ids(dir.path()), (1..=15).collect::<Vec<_>>());
    assert_eq!(
        task.commit().unwrap(),
        vec![(TopicPartition::new(TOPIC, 0), 15)]
    );
}

#[test]
fn a_commit_recorded_in_the_log_is_finished_by_recovery() {
    use ferry_hdfs_sink::storage::{LocalStorage, Storage};
    use ferry_hdfs_sink::wal::{FileMove, Wal, WalEntry};
    let dir = tempfile::tempdir().unwrap();
    // Write a committed-looking temp file with the plugin itself, then undo the rename.
    let (_h, mut task) = start(dir.path(), &[("flush.size", "4")]);
    task.put(&model_records(0..4)).unwrap();
    drop(task);
    let committed_name =
        "topics/sqlite-sample-Models/partition=0/sqlite-sample-Models+0+0000000000+0000000003.avro";
    let temp = "topics/+tmp/sqlite-sample-Models/partition=0/sqlite-sample-Models+0+x_tmp.avro";
    let s = LocalStorage::new(dir.path());
    s.replace(committed_name, temp).unwrap();
    s.delete("logs/sqlite-sample-Models/0/log").unwrap();
    // The crash came after the log entry, before the rename.
    Wal::new("logs/sqlite-sample-Models/0/log".into())
        .append(
            &s,
            &WalEntry {
                files: vec![FileMove {
                    temp: temp.into(),
                    committed: committed_name.into(),
                }],
                next_offset: 4,
            },
        )
        .unwrap();

    let (_h2, mut task) = start(dir.path(), &[("flush.size", "4")]);
    assert_eq!(committed(dir.path()), vec![committed_name.to_owned()]);
    assert!(temp_files(dir.path()).is_empty());
    assert_eq!(committed_ids(dir.path()), vec![1, 2, 3, 4]);
    task.put(&model_records(10..11)).unwrap();
    assert_eq!(task.requests().resets, vec![(TOPIC.to_owned(), 0, 4)]);
}

#[test]
fn without_a_log_the_offset_comes_from_the_file_names() {
    let dir = tempfile::tempdir().unwrap();
    let (_h, mut task) = start(dir.path(), &[("flush.size", "2")]);
    task.put(&model_records(0..5)).unwrap();
    task.stop().unwrap();
    std::fs::remove_dir_all(dir.path().join("logs")).unwrap();
    let (_h2, mut task) = start(dir.path(), &[("flush.size", "2")]);
    task.put(&model_records(9..10)).unwrap();
    assert_eq!(task.requests().resets, vec![(TOPIC.to_owned(), 0, 4)]);
}

#[test]
fn a_real_gap_after_the_seek_is_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let (_h, mut task) = start(dir.path(), &[("flush.size", "2")]);
    task.put(&model_records(0..2)).unwrap();
    task.stop().unwrap();
    let (_h2, mut task) = start(dir.path(), &[("flush.size", "2")]);
    task.put(&model_records(5..6)).unwrap();
    assert_eq!(task.requests().resets, vec![(TOPIC.to_owned(), 0, 2)]);
    // Offsets 2..4 are gone (compaction): the redelivery starts at 5 again and is written.
    task.put(&model_records(5..7)).unwrap();
    assert_eq!(task.requests().resets.len(), 1);
    assert_eq!(committed_ids(dir.path()), vec![1, 2, 6, 7]);
}

#[test]
fn a_fresh_partition_does_not_seek() {
    let dir = tempfile::tempdir().unwrap();
    let (_h, task) = start(dir.path(), &[]);
    assert!(task.requests().resets.is_empty());
    assert!(files(dir.path()).is_empty());
}

#[test]
fn a_schema_change_commits_the_current_file() {
    let dir = tempfile::tempdir().unwrap();
    let (_h, mut task) = start(dir.path(), &[("flush.size", "100")]);
    task.put(&model_records(0..3)).unwrap();
    let v2 = Schema::struct_builder()
        .name("Models")
        .field("model_id", Schema::primitive(Type::Int32))
        .build();
    let r = TestRecord::new(
        TOPIC,
        0,
        3,
        Some(v2.clone()),
        Value::Struct(Struct::new(v2).unwrap().with("model_id", 99).unwrap()),
    );
    task.put(&[r]).unwrap();
    assert_eq!(
        committed(dir.path()),
        vec!["topics/sqlite-sample-Models/partition=0/sqlite-sample-Models+0+0000000000+0000000002.avro".to_owned()]
    );
    assert_eq!(
        task.commit().unwrap(),
        vec![(TopicPartition::new(TOPIC, 0), 3)]
    );
}

#[test]
fn backward_compatibility_projects_older_records_into_the_newer_file() {
    let v = |version: i32, with_b: bool| {
        let mut b = Schema::struct_builder()
            .name("Models")
            .version(version)
            .field("model_id", Schema::primitive(Type::Int32));
        if with_b {
            b = b.field("note", Schema::optional_primitive(Type::String));
        }
        b.build()
    };
    let rec = |offset: i64, s: &SchemaRef| {
        let mut st = Struct::new(s.clone())
            .unwrap()
            .with("model_id", offset as i32)
            .unwrap();
        if s.field("note").is_some() {
            st = st.with("note", "n").unwrap();
        }
        TestRecord::new(TOPIC, 0, offset, Some(s.clone()), Value::Struct(st))
    };
    let dir = tempfile::tempdir().unwrap();
    let (_h, mut task) = start(
        dir.path(),
        &[("flush.size", "100"), ("schema.compatibility", "BACKWARD")],
    );
    let (v1, v2) = (v(1, false), v(2, true));
    // v1, v1, then v2 (newer: new file), then v1 again (older: projected into the v2 file).
    task.put(&[rec(0, &v1), rec(1, &v1), rec(2, &v2), rec(3, &v1)])
        .unwrap();
    assert_eq!(committed(dir.path()).len(), 1);
    assert_eq!(
        task.commit().unwrap(),
        vec![(TopicPartition::new(TOPIC, 0), 2)]
    );
    task.put(&[rec(4, &v(3, true))]).unwrap();
    let files = committed(dir.path());
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(
        files[1].ends_with("+0000000002+0000000003.avro"),
        "{files:?}"
    );
    let (_, values) = read_avro(&dir.path().join(&files[1]));
    use apache_avro::types::Value as Avro;
    let Avro::Record(projected) = &values[1] else {
        panic!()
    };
    assert_eq!(projected[0].1, Avro::Int(3));
    assert_eq!(projected[1].1, Avro::Union(0, Box::new(Avro::Null)));
}
