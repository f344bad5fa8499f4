//! The HDFS sink in a real worker writing to a real HDFS (NameNode + DataNode from the Hadoop
//! 2.7.3 jars); files listed and read with Hadoop's FsShell and fastavro.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::path::{Path, PathBuf};
use std::time::Duration;

use ferry_tests::hdfs::{read_avro_files, HdfsCluster};
use ferry_tests::{create_topic, produce, wait_until, write_properties, Broker, WorkerProcess};
use serde_json::json;

const TIMEOUT: Duration = Duration::from_secs(180);

/// A Models row as Kafka's JsonConverter (schemas enabled) writes it.
fn envelope(id: i64, name: &str) -> Vec<u8> {
    json!({
        "schema": {"type": "struct", "fields": [
            {"type": "int32", "optional": false, "field": "model_id"},
            {"type": "string", "optional": false, "field": "model_name"},
            {"type": "int32", "optional": false, "field": "model_base_price"},
            {"type": "int32", "optional": false, "field": "brand_id"}
        ], "optional": false, "name": "Models"},
        "payload": {"model_id": id, "model_name": name, "model_base_price": 1000, "brand_id": 1}
    })
    .to_string()
    .into_bytes()
}

fn connector_file(dir: &Path, url: &str, topics: &str, flush: &str) -> PathBuf {
    let path = dir.join("hdfs-sink.properties");
    write_properties(
        &path,
        &[
            ("name", "hdfs-sink"),
            (
                "connector.class",
                "io.confluent.connect.hdfs3.Hdfs3SinkConnector",
            ),
            ("tasks.max", "1"),
            ("topics", topics),
            ("hdfs.url", url),
            ("flush.size", flush),
            ("avro.codec", "snappy"),
            (
                "value.converter",
                "org.apache.kafka.connect.json.JsonConverter",
            ),
        ],
    )
    .unwrap();
    path
}

fn data_files(hdfs: &HdfsCluster, topic: &str) -> Vec<String> {
    hdfs.ls_files(&format!("/topics/{topic}"))
        .unwrap_or_default()
}

/// Pipeline to HDFS, then kill -9 while a temp file and the log are open (the dead worker
/// still holds their HDFS leases), restart, and check that every record is in exactly one
/// committed file.
#[test]
fn worker_writes_to_hdfs_and_survives_kill_9() {
    const TOPIC: &str = "hdfs-crash";
    const FLUSH: i64 = 100;
    let hdfs = HdfsCluster::start().unwrap();
    let broker = Broker::start().unwrap();
    create_topic(&broker.bootstrap(), TOPIC, 1, &[]).unwrap();
    let records = |r: std::ops::Range<i64>| -> Vec<_> {
        r.map(|i| (None, Some(envelope(i + 1, "m")))).collect()
    };
    produce(&broker.bootstrap(), TOPIC, &records(0..450)).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let conn = connector_file(dir.path(), &hdfs.url(), TOPIC, &FLUSH.to_string());
    let mut worker =
        WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &[], &[conn]).unwrap();
    // 450 records: 4 committed files, 50 records in an open temp file.
    wait_until(TIMEOUT, || {
        data_files(&hdfs, TOPIC).len() == 4
            && !hdfs.ls_files("/topics/+tmp").unwrap_or_default().is_empty()
    })
    .unwrap_or_else(|e| panic!("{e}\n{}\n{}", worker.log_text(), hdfs.logs()));
    worker.kill9().unwrap();

    produce(&broker.bootstrap(), TOPIC, &records(450..700)).unwrap();
    worker.restart().unwrap();
    wait_until(TIMEOUT, || data_files(&hdfs, TOPIC).len() == 7)
        .unwrap_or_else(|e| panic!("{e}: {:?}\n{}", data_files(&hdfs, TOPIC), worker.all_logs()));

    let files = data_files(&hdfs, TOPIC);
    for (i, f) in files.iter().enumerate() {
        let (start, end) = (i as i64 * FLUSH, (i as i64 + 1) * FLUSH - 1);
        assert_eq!(
            f,
            &format!("/topics/{TOPIC}/partition=0/{TOPIC}+0+{start:010}+{end:010}.avro")
        );
    }
    let local = tempfile::tempdir().unwrap();
    let paths = hdfs.get(&files, local.path()).unwrap();
    let read = read_avro_files(&paths).unwrap();
    assert!(read
        .iter()
        .all(|f| f.codec == "snappy" && f.schema["name"] == "Models"));
    let ids: Vec<i64> = read
        .iter()
        .flat_map(|f| f.records.iter().map(|r| r["model_id"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        ids,
        (1..=700).collect::<Vec<_>>(),
        "every record exactly once"
    );
    assert!(hdfs.ls_files("/topics/+tmp").unwrap().is_empty());
    assert_eq!(
        hdfs.ls_files("/logs").unwrap(),
        vec![format!("/logs/{TOPIC}/0/log")]
    );
}
