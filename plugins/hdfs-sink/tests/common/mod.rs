//! Shared test helpers: the Models rows, a harness on a temp dir, an Avro reader.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use apache_avro::types::Value as Avro;
use ferry_hdfs_sink::HdfsSinkConnector;
use ferry_plugin_sdk::prelude::*;
use ferry_plugin_sdk::testkit::{SinkHarness, SinkTaskRunner, TestRecord};

pub const TOPIC: &str = "sqlite-sample-Models";

pub fn models_schema() -> SchemaRef {
    Schema::struct_builder()
        .name("Models")
        .field("model_id", Schema::primitive(Type::Int32))
        .field("model_name", Schema::primitive(Type::String))
        .field("model_base_price", Schema::primitive(Type::Int32))
        .field("brand_id", Schema::primitive(Type::Int32))
        .build()
}

/// The 17 rows of tests/fixtures/models.sql.
pub fn model_rows() -> Vec<(i32, &'static str, i32, i32)> {
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

/// Record `offset` of the Models topic: row `offset % 17`, model_id = offset + 1.
pub fn model_record(offset: i64) -> TestRecord {
    let rows = model_rows();
    let (_, name, price, brand) = rows[(offset % 17) as usize];
    let schema = models_schema();
    let row = Struct::new(schema.clone())
        .unwrap()
        .with("model_id", (offset + 1) as i32)
        .unwrap()
        .with("model_name", name)
        .unwrap()
        .with("model_base_price", price)
        .unwrap()
        .with("brand_id", brand)
        .unwrap();
    TestRecord::new(TOPIC, 0, offset, Some(schema), Value::Struct(row))
}

pub fn model_records(range: std::ops::Range<i64>) -> Vec<TestRecord> {
    range.map(model_record).collect()
}

/// A connector config writing under `dir`.
pub fn config(dir: &Path, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut c = vec![
        ("name".to_owned(), "hdfs-sink".to_owned()),
        (
            "connector.class".to_owned(),
            "io.confluent.connect.hdfs.HdfsSinkConnector".to_owned(),
        ),
        ("topics".to_owned(), TOPIC.to_owned()),
        ("store.url".to_owned(), format!("file://{}", dir.display())),
        ("flush.size".to_owned(), "17".to_owned()),
    ];
    for (k, v) in extra {
        c.retain(|(ck, _)| ck != k);
        c.push(((*k).to_owned(), (*v).to_owned()));
    }
    c
}

/// Start a task on `dir` with partition 0 of the topic assigned.
pub fn start(
    dir: &Path,
    extra: &[(&str, &str)],
) -> (SinkHarness<HdfsSinkConnector>, SinkTaskRunner) {
    let owned = config(dir, extra);
    let pairs: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut h = SinkHarness::<HdfsSinkConnector>::new(&pairs).unwrap();
    let cfg = h.task_configs(1).unwrap().remove(0);
    let task = h
        .start_task(&cfg, &[TopicPartition::new(TOPIC, 0)])
        .unwrap();
    (h, task)
}

/// Every file under `dir`, relative, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::from(dir)];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out.sort();
    out
}

/// Committed data files (under topics/, not +tmp).
pub fn committed(dir: &Path) -> Vec<String> {
    files(dir)
        .into_iter()
        .filter(|f| f.starts_with("topics/") && !f.starts_with("topics/+tmp"))
        .collect()
}

pub fn temp_files(dir: &Path) -> Vec<String> {
    files(dir)
        .into_iter()
        .filter(|f| f.starts_with("topics/+tmp/"))
        .collect()
}

/// The records of an Avro file, read with apache-avro (not the plugin's encoder).
pub fn read_avro(path: &Path) -> (apache_avro::Schema, Vec<Avro>) {
    let bytes = std::fs::read(path).unwrap();
    let reader = apache_avro::Reader::new(&bytes[..]).unwrap();
    let schema = reader.writer_schema().clone();
    let values = reader.map(|v| v.unwrap()).collect();
    (schema, values)
}

/// A Models record as apache-avro reads it: (model_id, model_name, price, brand).
pub fn model_fields(v: &Avro) -> (i32, String, i32, i32) {
    let Avro::Record(fields) = v else {
        panic!("not a record: {v:?}")
    };
    let int = |i: usize| match &fields[i].1 {
        Avro::Int(n) => *n,
        other => panic!("{other:?}"),
    };
    let name = match &fields[1].1 {
        Avro::String(s) => s.clone(),
        other => panic!("{other:?}"),
    };
    (int(0), name, int(2), int(3))
}

/// model_id of every record in the committed Avro files, in file order.
pub fn committed_ids(dir: &Path) -> Vec<i32> {
    committed(dir)
        .iter()
        .flat_map(|f| read_avro(&dir.join(f)).1)
        .map(|v| model_fields(&v).0)
        .collect()
}
