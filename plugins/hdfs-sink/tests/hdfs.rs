//! The HDFS sink against a real HDFS (NameNode + DataNode from the Hadoop 2.7.3 jars, see
//! `ferry_tests::hdfs`), checked with Hadoop's own FsShell.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use ferry_hdfs_sink::HdfsSinkConnector;
use ferry_plugin_sdk::prelude::*;
use ferry_plugin_sdk::testkit::{SinkHarness, SinkTaskRunner};
use ferry_tests::hdfs::{read_avro_files, HdfsCluster};

fn start_on(url: &str, flush: &str) -> (SinkHarness<HdfsSinkConnector>, SinkTaskRunner) {
    let mut h = SinkHarness::<HdfsSinkConnector>::new(&[
        ("name", "hdfs-sink"),
        ("topics", TOPIC),
        ("hdfs.url", url),
        ("flush.size", flush),
    ])
    .unwrap();
    let cfg = h.task_configs(1).unwrap().remove(0);
    let task = h
        .start_task(&cfg, &[TopicPartition::new(TOPIC, 0)])
        .unwrap();
    (h, task)
}

fn data_files(hdfs: &HdfsCluster) -> Vec<String> {
    hdfs.ls_files("/topics")
        .unwrap()
        .into_iter()
        .filter(|f| !f.contains("/+tmp/"))
        .collect()
}

fn ids(hdfs: &HdfsCluster, files: &[String]) -> Vec<i64> {
    let local = tempfile::tempdir().unwrap();
    let paths = hdfs.get(files, local.path()).unwrap();
    read_avro_files(&paths)
        .unwrap()
        .iter()
        .flat_map(|f| f.records.iter().map(|r| r["model_id"].as_i64().unwrap()))
        .collect()
}

/// Writes, crash recovery and zombie fencing on one cluster (starting HDFS takes seconds).
#[test]
fn hdfs_store_commits_recovers_and_fences_a_zombie() {
    let hdfs = HdfsCluster::start().unwrap();
    let url = hdfs.url();

    // 17 rows, flush.size 17: exactly one file, read back through FsShell + fastavro.
    let (_h, mut task) = start_on(&url, "17");
    task.put(&model_records(0..17)).unwrap();
    assert_eq!(
        task.commit().unwrap(),
        vec![(TopicPartition::new(TOPIC, 0), 17)]
    );
    let expected = "/topics/sqlite-sample-Models/partition=0/sqlite-sample-Models+0+0000000000+0000000016.avro";
    assert_eq!(
        data_files(&hdfs),
        vec![expected.to_owned()],
        "{}",
        hdfs.logs()
    );
    assert_eq!(ids(&hdfs, &data_files(&hdfs)), (1..=17).collect::<Vec<_>>());
    assert!(hdfs
        .ls_files("/logs")
        .unwrap()
        .contains(&"/logs/sqlite-sample-Models/0/log".to_owned()));
    task.stop().unwrap();

    // A zombie: task A keeps its log open (its HDFS lease)...
    let (_ha, mut zombie) = start_on(&url, "3");
    zombie.put(&model_records(17..20)).unwrap(); // commits 17..19
    assert_eq!(data_files(&hdfs).len(), 2);
    // ...while task B takes the partition over: recovery takes the log's lease.
    let (_hb, mut task) = start_on(&url, "3");
    task.put(&model_records(20..26)).unwrap(); // 20..22, 23..25
    assert_eq!(
        task.commit().unwrap(),
        vec![(TopicPartition::new(TOPIC, 0), 26)]
    );

    // The zombie writes a whole file, but cannot record its intent in the log, so it moves
    // no file into place (and deletes its temp file).
    let err = zombie.put(&model_records(20..23)).unwrap_err();
    assert!(
        err.to_string().contains("/logs/sqlite-sample-Models/0/log"),
        "{err}"
    );
    assert!(hdfs.ls_files("/topics/+tmp").unwrap().is_empty());
    let files = data_files(&hdfs);
    assert_eq!(files.len(), 4, "{files:?}");
    assert_eq!(
        ids(&hdfs, &files),
        (1..=26).collect::<Vec<_>>(),
        "each record exactly once"
    );
    drop(zombie);

    // B crashes mid-file; C recovers: the temp file goes, the offset comes from the log.
    task.put(&model_records(26..28)).unwrap();
    drop(task);
    let (_hc, mut task) = start_on(&url, "3");
    assert!(hdfs.ls_files("/topics/+tmp").unwrap().is_empty());
    task.put(&model_records(20..29)).unwrap();
    let files = data_files(&hdfs);
    assert_eq!(ids(&hdfs, &files), (1..=29).collect::<Vec<_>>());
    assert!(
        files
            .last()
            .unwrap()
            .ends_with("+0000000026+0000000028.avro"),
        "{files:?}"
    );
}
