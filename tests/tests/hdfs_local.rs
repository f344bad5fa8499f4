//! The HDFS sink in a real worker with a real broker, writing to a local store
//! (`store.url=file://…`); files are read back with fastavro.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use ferry_tests::hdfs::{list_files, read_avro_files, read_parquet_files};
use ferry_tests::{
    create_topic, produce, produce_records, wait_until, write_properties, Broker, ProduceRecord,
    WorkerProcess,
};
use serde_json::json;

const TIMEOUT: Duration = Duration::from_secs(120);
const TOPIC: &str = "sqlite-sample-Models";

use ferry_tests::models::{envelope, ROWS};

fn produce_envelopes(bootstrap: &str, topic: &str, rows: impl Iterator<Item = Vec<u8>>) {
    let records: Vec<_> = rows.map(|v| (None, Some(v))).collect();
    produce(bootstrap, topic, &records).unwrap();
}

/// A connector properties file for the HDFS sink on `store`.
fn connector_file(dir: &Path, store: &Path, topic: &str, extra: &[(&str, &str)]) -> PathBuf {
    let url = format!("file://{}", store.display());
    let mut pairs = vec![
        ("name", "hdfs-sink"),
        (
            "connector.class",
            "io.confluent.connect.hdfs.HdfsSinkConnector",
        ),
        ("tasks.max", "1"),
        ("topics", topic),
        ("store.url", url.as_str()),
        (
            "value.converter",
            "org.apache.kafka.connect.json.JsonConverter",
        ),
    ];
    pairs.extend_from_slice(extra);
    let path = dir.join("hdfs-sink.properties");
    write_properties(&path, &pairs).unwrap();
    path
}

fn committed_files(store: &Path) -> Vec<String> {
    list_files(store)
        .into_iter()
        .filter(|f| f.starts_with("topics/") && !f.starts_with("topics/+tmp/"))
        .collect()
}

#[test]
fn hourly_partitioner_in_a_named_zone_writes_local_hours_across_dst() {
    let broker = Broker::start().unwrap();
    let topic = "tz-models";
    create_topic(&broker.bootstrap(), topic, 1, &[]).unwrap();
    // Los Angeles falls back on 2024-11-03: 01:00-02:00 PDT (08:xxZ) is followed by 01:00-02:00
    // PST (09:xxZ); 10:30Z is 02:30 PST.
    let stamps = [1_730_622_600_000, 1_730_626_200_000, 1_730_629_800_000];
    let records: Vec<ProduceRecord> = stamps
        .iter()
        .zip(ROWS.iter())
        .map(|(ts, row)| ProduceRecord {
            timestamp_ms: Some(*ts),
            ..ProduceRecord::new(None, Some(&envelope(*row)))
        })
        .collect();
    produce_records(&broker.bootstrap(), topic, &records).unwrap();

    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let conn = connector_file(
        dir.path(),
        &store,
        topic,
        &[
            ("flush.size", "1"),
            (
                "partitioner.class",
                "io.confluent.connect.storage.partitioner.HourlyPartitioner",
            ),
            ("locale", "en-US"),
            ("timezone", "America/Los_Angeles"),
            ("timestamp.extractor", "Record"),
        ],
    );
    let worker = WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &[], &[conn]).unwrap();
    wait_until(TIMEOUT, || committed_files(&store).len() == 3).unwrap_or_else(|e| {
        panic!(
            "{e}; files: {:?}\n{}",
            list_files(&store),
            worker.log_text()
        )
    });
    let dir_of = |f: &String| f.rsplit_once('/').map(|(d, _)| d.to_owned());
    let dirs: BTreeSet<_> = committed_files(&store).iter().filter_map(dir_of).collect();
    assert_eq!(
        dirs,
        BTreeSet::from([
            "topics/tz-models/year=2024/month=11/day=03/hour=01".to_owned(),
            "topics/tz-models/year=2024/month=11/day=03/hour=02".to_owned(),
        ]),
        "both passes through 01:00 share a directory"
    );
}

#[test]
fn seventeen_models_rows_become_one_avro_file_read_by_fastavro() {
    let broker = Broker::start().unwrap();
    create_topic(&broker.bootstrap(), TOPIC, 1, &[]).unwrap();
    produce_envelopes(
        &broker.bootstrap(),
        TOPIC,
        ROWS.iter().map(|r| envelope(*r)),
    );

    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let conn = connector_file(dir.path(), &store, TOPIC, &[("flush.size", "17")]);
    let worker = WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &[], &[conn]).unwrap();

    let expected_file =
        "topics/sqlite-sample-Models/partition=0/sqlite-sample-Models+0+0000000000+0000000016.avro";
    wait_until(TIMEOUT, || !committed_files(&store).is_empty()).unwrap_or_else(|e| {
        panic!(
            "{e}; files: {:?}\n{}",
            list_files(&store),
            worker.log_text()
        )
    });
    assert_eq!(committed_files(&store), vec![expected_file.to_owned()]);
    let files = read_avro_files(&[store.join(expected_file)]).unwrap();
    assert_eq!(files[0].schema["name"], "Models");
    let expected: Vec<_> = ROWS
        .iter()
        .map(|(id, n, p, b)| json!({"model_id": id, "model_name": n, "model_base_price": p, "brand_id": b}))
        .collect();
    assert_eq!(files[0].records, expected);
    // Nothing left in +tmp, and the write-ahead log holds the next offset.
    assert!(list_files(&store)
        .iter()
        .all(|f| !f.starts_with("topics/+tmp/")));
    let log = std::fs::read_to_string(store.join("logs/sqlite-sample-Models/0/log")).unwrap();
    assert!(log.contains("\"next_offset\":17"), "{log}");
}

/// kill -9 while a temp file is open, restart, and check that every record of the topic is in
/// exactly one committed file, for `format` (`avro` or `parquet`).
fn killed_worker_restarts_without_loss_or_duplicates(format: &str) {
    const FLUSH: usize = 150;
    let topic = format!("crash-{format}");
    let broker = Broker::start().unwrap();
    create_topic(&broker.bootstrap(), &topic, 1, &[]).unwrap();
    let row = |i: usize| envelope(((i + 1) as i32, "row", i as i32, (i % 7) as i32));
    produce_envelopes(&broker.bootstrap(), &topic, (0..1000).map(row));

    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let flush = FLUSH.to_string();
    let class = match format {
        "avro" => "io.confluent.connect.hdfs.avro.AvroFormat",
        _ => "io.confluent.connect.hdfs.parquet.ParquetFormat",
    };
    let conn = connector_file(
        dir.path(),
        &store,
        &topic,
        &[
            ("flush.size", &flush),
            ("avro.codec", "deflate"),
            ("format.class", class),
        ],
    );
    let mut worker =
        WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &[], &[conn]).unwrap();
    // 1000 records = 6 committed files and 100 records in an open temp file.
    wait_until(TIMEOUT, || {
        committed_files(&store).len() == 6
            && list_files(&store)
                .iter()
                .any(|f| f.starts_with("topics/+tmp/"))
    })
    .unwrap_or_else(|e| {
        panic!(
            "{e}; files: {:?}\n{}",
            list_files(&store),
            worker.log_text()
        )
    });
    worker.kill9().unwrap();
    assert!(list_files(&store)
        .iter()
        .any(|f| f.starts_with("topics/+tmp/")));

    produce_envelopes(&broker.bootstrap(), &topic, (1000..2100).map(row));
    worker.restart().unwrap();
    wait_until(TIMEOUT, || committed_files(&store).len() == 2100 / FLUSH).unwrap_or_else(|e| {
        panic!(
            "{e}; files: {:?}\n{}",
            list_files(&store),
            worker.all_logs()
        )
    });

    let paths: Vec<PathBuf> = committed_files(&store)
        .iter()
        .map(|f| store.join(f))
        .collect();
    for (i, p) in paths.iter().enumerate() {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let (start, end) = (i * FLUSH, (i + 1) * FLUSH - 1);
        assert_eq!(name, format!("{topic}+0+{start:010}+{end:010}.{format}"));
    }
    let ids: Vec<i64> = if format == "avro" {
        let files = read_avro_files(&paths).unwrap();
        assert!(files.iter().all(|f| f.codec == "deflate"));
        files
            .iter()
            .flat_map(|f| f.records.iter().map(|r| r["model_id"].as_i64().unwrap()))
            .collect()
    } else {
        let files = read_parquet_files(&paths).unwrap();
        assert!(
            files.iter().all(|f| f.codec == "SNAPPY"),
            "{:?}",
            files[0].codec
        );
        assert!(
            files[0].schema.contains("model_name (String)")
                || files[0].schema.contains("model_name"),
            "{}",
            files[0].schema
        );
        files
            .iter()
            .flat_map(|f| f.records.iter().map(|r| r["model_id"].as_i64().unwrap()))
            .collect()
    };
    assert_eq!(
        ids,
        (1..=2100).collect::<Vec<i64>>(),
        "every record exactly once, in order"
    );
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 2100);
    assert!(list_files(&store)
        .iter()
        .all(|f| !f.starts_with("topics/+tmp/")));
}

#[test]
fn killed_worker_restarts_without_loss_or_duplicates_avro() {
    killed_worker_restarts_without_loss_or_duplicates("avro");
}

#[test]
fn killed_worker_restarts_without_loss_or_duplicates_parquet() {
    killed_worker_restarts_without_loss_or_duplicates("parquet");
}

/// An operator moves the consumer group's offset while the connector is stopped: ahead of the
/// files (the sink seeks back to the write-ahead log's offset) or behind them (the sink skips
/// what is already in files). Either way every record is in exactly one file.
#[test]
fn altered_consumer_offsets_keep_files_exactly_once() {
    use ferry_tests::rest::RestClient;
    const TOPIC: &str = "altered";
    let broker = Broker::start().unwrap();
    create_topic(&broker.bootstrap(), TOPIC, 1, &[]).unwrap();
    let row = |i: usize| envelope(((i + 1) as i32, "row", i as i32, 1));
    produce_envelopes(&broker.bootstrap(), TOPIC, (0..25).map(row));

    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let conn = connector_file(dir.path(), &store, TOPIC, &[("flush.size", "17")]);
    let worker = WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &[], &[conn]).unwrap();
    let rest = RestClient::new(worker.url());
    rest.wait_ready(TIMEOUT).unwrap();
    let offsets = |n: i64| json!({"offsets": [{"partition": {"kafka_partition": 0, "kafka_topic": TOPIC}, "offset": {"kafka_offset": n}}]});
    let current = || {
        rest.get("/connectors/hdfs-sink/offsets", None)
            .ok()
            .and_then(|r| r.body)
    };
    wait_until(TIMEOUT, || current() == Some(offsets(17))).unwrap();

    let mut produced = 25;
    for (altered, more) in [(20, 9), (5, 17)] {
        assert!(rest.put("/connectors/hdfs-sink/stop", None).unwrap().status < 300);
        wait_until(TIMEOUT, || {
            rest.get("/connectors/hdfs-sink/status", None)
                .ok()
                .and_then(|r| r.body)
                .is_some_and(|b| b["connector"]["state"] == "STOPPED")
        })
        .unwrap();
        let patch = rest
            .patch("/connectors/hdfs-sink/offsets", Some(offsets(altered)))
            .unwrap();
        assert_eq!(patch.status, 200, "{:?}", patch.body);
        assert_eq!(
            rest.put("/connectors/hdfs-sink/resume", None)
                .unwrap()
                .status,
            202
        );
        produce_envelopes(
            &broker.bootstrap(),
            TOPIC,
            (produced..produced + more).map(row),
        );
        produced += more;
        let expected = produced / 17;
        wait_until(TIMEOUT, || committed_files(&store).len() == expected)
            .unwrap_or_else(|e| panic!("{e}: {:?}\n{}", list_files(&store), worker.log_text()));
    }
    let paths: Vec<PathBuf> = committed_files(&store)
        .iter()
        .map(|f| store.join(f))
        .collect();
    let names: Vec<String> = paths
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        names,
        vec![
            "altered+0+0000000000+0000000016.avro",
            "altered+0+0000000017+0000000033.avro",
            "altered+0+0000000034+0000000050.avro"
        ]
    );
    let ids: Vec<i64> = read_avro_files(&paths)
        .unwrap()
        .iter()
        .flat_map(|f| f.records.iter().map(|r| r["model_id"].as_i64().unwrap()))
        .collect();
    assert_eq!(ids, (1..=51).collect::<Vec<i64>>());
}
