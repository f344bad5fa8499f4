//! Avro codecs and logical types, JSON and String formats, the field partitioner and
//! time-based rotation, on a local store.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use apache_avro::types::Value as Avro;
use common::*;
use ferry_plugin_sdk::data::logical;
use ferry_plugin_sdk::prelude::*;
use ferry_plugin_sdk::testkit::TestRecord;
use num_bigint::BigInt;

fn payments_schema() -> SchemaRef {
    Schema::struct_builder()
        .name("com.example.Payment")
        .field("id", Schema::primitive(Type::Int64))
        .field("note", Schema::optional_primitive(Type::String))
        .field("amount", logical::decimal(2).build())
        .field("day", logical::date().build())
        .field("at", logical::time().build())
        .field("ts", logical::timestamp().build())
        .field("small", Schema::primitive(Type::Int16))
        .field(
            "tags",
            Schema::array(Schema::primitive(Type::String)).build(),
        )
        .field(
            "attrs",
            Schema::map(
                Schema::primitive(Type::String),
                Schema::primitive(Type::Float64),
            )
            .build(),
        )
        .build()
}

fn payment(offset: i64) -> TestRecord {
    let s = payments_schema();
    let v = Struct::new(s.clone())
        .unwrap()
        .with("id", offset)
        .unwrap()
        .with(
            "note",
            if offset % 2 == 0 {
                Value::Null
            } else {
                Value::String(format!("n{offset}"))
            },
        )
        .unwrap()
        .with("amount", Value::Decimal(BigInt::from(-12345 - offset), 2))
        .unwrap()
        .with("day", Value::Date(19000))
        .unwrap()
        .with("at", Value::Time(3_600_000))
        .unwrap()
        .with("ts", Value::Timestamp(1_700_000_000_000 + offset))
        .unwrap()
        .with("small", Value::Int16(-7))
        .unwrap()
        .with(
            "tags",
            Value::Array(vec![Value::String("a".into()), Value::String("b".into())]),
        )
        .unwrap()
        .with(
            "attrs",
            Value::Map(vec![(Value::String("k".into()), Value::Float64(1.5))]),
        )
        .unwrap();
    TestRecord::new(TOPIC, 0, offset, Some(s), Value::Struct(v))
}

fn check_payments(codec: &str) {
    let dir = tempfile::tempdir().unwrap();
    let (_h, mut task) = start(dir.path(), &[("flush.size", "3000"), ("avro.codec", codec)]);
    let records: Vec<_> = (0..3000).map(payment).collect();
    task.put(&records).unwrap();
    let files = committed(dir.path());
    assert_eq!(files.len(), 1, "{files:?}");
    let (schema, values) = read_avro(&dir.path().join(&files[0]));
    assert_eq!(values.len(), 3000);
    let json: serde_json::Value = serde_json::from_str(&schema.canonical_form()).unwrap();
    assert_eq!(json["name"], "com.example.Payment");
    let Avro::Record(f) = &values[1] else {
        panic!()
    };
    assert_eq!(f[0].1, Avro::Long(1));
    assert_eq!(f[1].1, Avro::Union(1, Box::new(Avro::String("n1".into()))));
    match &f[2].1 {
        Avro::Decimal(d) => {
            let bytes: Vec<u8> = d.try_into().unwrap();
            assert_eq!(BigInt::from_signed_bytes_be(&bytes), BigInt::from(-12346));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(f[3].1, Avro::Date(19000));
    assert_eq!(f[4].1, Avro::TimeMillis(3_600_000));
    assert_eq!(f[5].1, Avro::TimestampMillis(1_700_000_000_001));
    assert_eq!(f[6].1, Avro::Int(-7));
    assert_eq!(
        f[7].1,
        Avro::Array(vec![Avro::String("a".into()), Avro::String("b".into())])
    );
    let Avro::Map(m) = &f[8].1 else { panic!() };
    assert_eq!(m.get("k"), Some(&Avro::Double(1.5)));
    let Avro::Record(f0) = &values[0] else {
        panic!()
    };
    assert_eq!(f0[1].1, Avro::Union(0, Box::new(Avro::Null)));
}

#[test]
fn avro_null_codec_with_logical_types() {
    check_payments("null");
}

#[test]
fn avro_deflate_codec() {
    check_payments("deflate");
}

#[test]
fn avro_snappy_codec() {
    check_payments("snappy");
}

#[test]
fn json_format_writes_one_document_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let (_h, mut task) = start(
        dir.path(),
        &[
            ("flush.size", "2"),
            ("format.class", "io.confluent.connect.hdfs.json.JsonFormat"),
        ],
    );
    task.put(&model_records(0..2)).unwrap();
    let files = committed(dir.path());
    assert_eq!(
        files,
        vec!["topics/sqlite-sample-Models/partition=0/sqlite-sample-Models+0+0000000000+0000000001.json".to_owned()]
    );
    let text = std::fs::read_to_string(dir.path().join(&files[0])).unwrap();
    assert_eq!(
        text,
        "{\"model_id\":1,\"model_name\":\"The Blonde\",\"model_base_price\":23000,\"brand_id\":1}\n\
         {\"model_id\":2,\"model_name\":\"The Brunette\",\"model_base_price\":25000,\"brand_id\":1}\n"
    );
}

#[test]
fn string_format_writes_lines() {
    let dir = tempfile::tempdir().unwrap();
    let (_h, mut task) = start(
        dir.path(),
        &[
            ("flush.size", "2"),
            (
                "format.class",
                "io.confluent.connect.hdfs3.string.StringFormat",
            ),
        ],
    );
    let s = Schema::primitive(Type::String);
    let records: Vec<_> = ["a", "b"]
        .iter()
        .enumerate()
        .map(|(i, v)| {
            TestRecord::new(
                TOPIC,
                0,
                i as i64,
                Some(s.clone()),
                Value::String((*v).into()),
            )
        })
        .collect();
    task.put(&records).unwrap();
    let files = committed(dir.path());
    assert!(
        files[0].ends_with("+0000000000+0000000001.txt"),
        "{files:?}"
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join(&files[0])).unwrap(),
        "a\nb\n"
    );
}

#[test]
fn field_partitioner_directories() {
    let dir = tempfile::tempdir().unwrap();
    let (_h, mut task) = start(
        dir.path(),
        &[
            ("flush.size", "6"),
            (
                "partitioner.class",
                "io.confluent.connect.storage.partitioner.FieldPartitioner",
            ),
            ("partition.field.name", "brand_id"),
        ],
    );
    task.put(&model_records(0..6)).unwrap();
    assert_eq!(
        committed(dir.path()),
        vec![
            "topics/sqlite-sample-Models/brand_id=1/sqlite-sample-Models+0+0000000000+0000000002.avro".to_owned(),
            "topics/sqlite-sample-Models/brand_id=2/sqlite-sample-Models+0+0000000003+0000000005.avro".to_owned(),
        ]
    );
    drop(task);
    let (_h, mut task) = start(
        dir.path(),
        &[
            ("flush.size", "6"),
            (
                "partitioner.class",
                "io.confluent.connect.storage.partitioner.FieldPartitioner",
            ),
            ("partition.field.name", "brand_id"),
        ],
    );
    task.put(&model_records(8..9)).unwrap();
    assert_eq!(task.requests().resets, vec![(TOPIC.to_owned(), 0, 6)]);
}

#[test]
fn rotate_interval_commits_at_offset_commit_time_without_new_records() {
    let dir = tempfile::tempdir().unwrap();
    let (_h, mut task) = start(
        dir.path(),
        &[("flush.size", "1000"), ("rotate.interval.ms", "50")],
    );
    task.put(&model_records(0..3)).unwrap();
    assert_eq!(task.commit().unwrap(), vec![]);
    std::thread::sleep(std::time::Duration::from_millis(120));
    assert_eq!(
        task.commit().unwrap(),
        vec![(TopicPartition::new(TOPIC, 0), 3)]
    );
    assert_eq!(committed(dir.path()).len(), 1);
    assert!(temp_files(dir.path()).is_empty());
}

#[test]
fn rotate_size_bytes_bounds_files() {
    let dir = tempfile::tempdir().unwrap();
    let (_h, mut task) = start(
        dir.path(),
        &[
            ("flush.size", "1000"),
            ("rotate.size.bytes", "1"),
            ("format.class", "io.confluent.connect.hdfs.json.JsonFormat"),
        ],
    );
    task.put(&model_records(0..3)).unwrap();
    assert_eq!(committed(dir.path()).len(), 3);
}

#[test]
fn unsupported_settings_are_refused_clearly() {
    use ferry_hdfs_sink::HdfsSinkConnector;
    use ferry_plugin_sdk::testkit::SinkHarness;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().display());
    let err = SinkHarness::<HdfsSinkConnector>::new(&[
        ("name", "x"),
        ("store.url", &url),
        ("flush.size", "3"),
        ("hdfs.authentication.kerberos", "true"),
    ])
    .err()
    .unwrap();
    assert!(err.to_string().contains("Kerberos"), "{err}");
}

fn flat_schema() -> SchemaRef {
    Schema::struct_builder()
        .name("Payment")
        .field("id", Schema::primitive(Type::Int64))
        .field("note", Schema::optional_primitive(Type::String))
        .field("amount", logical::decimal(2).build())
        .field("day", logical::date().build())
        .field("at", logical::time().build())
        .field("ts", logical::timestamp().build())
        .field("small", Schema::primitive(Type::Int8))
        .field("ok", Schema::primitive(Type::Boolean))
        .field("ratio", Schema::primitive(Type::Float64))
        .build()
}

fn flat(offset: i64) -> TestRecord {
    let s = flat_schema();
    let v = Struct::new(s.clone())
        .unwrap()
        .with("id", offset)
        .unwrap()
        .with(
            "note",
            if offset % 2 == 0 {
                Value::Null
            } else {
                Value::String(format!("n{offset}"))
            },
        )
        .unwrap()
        .with("amount", Value::Decimal(BigInt::from(12345 + offset), 2))
        .unwrap()
        .with("day", Value::Date(19000))
        .unwrap()
        .with("at", Value::Time(3_600_000))
        .unwrap()
        .with("ts", Value::Timestamp(1_700_000_000_000 + offset))
        .unwrap()
        .with("small", Value::Int8(-3))
        .unwrap()
        .with("ok", Value::Boolean(offset % 3 == 0))
        .unwrap()
        .with("ratio", Value::Float64(0.5))
        .unwrap();
    TestRecord::new(TOPIC, 0, offset, Some(s), Value::Struct(v))
}

#[test]
fn parquet_format_with_snappy_and_logical_types() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    let dir = tempfile::tempdir().unwrap();
    let (_h, mut task) = start(
        dir.path(),
        &[
            ("flush.size", "100000"),
            (
                "format.class",
                "io.confluent.connect.hdfs.parquet.ParquetFormat",
            ),
        ],
    );
    let n = 70_000; // more than one row group
    let records: Vec<_> = (0..n).map(flat).collect();
    task.put(&records[..35_000]).unwrap();
    task.put(&records[35_000..]).unwrap();
    assert_eq!(task.commit().unwrap(), vec![]);
    task.put(&[flat(n)]).unwrap();
    drop(task);
    let (_h, mut task) = start(
        dir.path(),
        &[
            ("flush.size", "3"),
            (
                "format.class",
                "io.confluent.connect.hdfs.parquet.ParquetFormat",
            ),
        ],
    );
    task.put(&(0..3).map(flat).collect::<Vec<_>>()).unwrap();
    let files = committed(dir.path());
    assert_eq!(
        files,
        vec!["topics/sqlite-sample-Models/partition=0/sqlite-sample-Models+0+0000000000+0000000002.parquet".to_owned()]
    );
    let reader =
        SerializedFileReader::new(std::fs::File::open(dir.path().join(&files[0])).unwrap())
            .unwrap();
    let meta = reader.metadata();
    assert_eq!(meta.file_metadata().num_rows(), 3);
    assert_eq!(
        meta.row_group(0).column(0).compression(),
        parquet::basic::Compression::SNAPPY
    );
    let schema = meta.file_metadata().schema_descr();
    let text = format!("{:?}", schema.root_schema());
    assert!(text.contains("Decimal"), "{text}");
    assert!(text.contains("Timestamp"), "{text}");
    use parquet::record::RowAccessor;
    let rows: Vec<_> = reader
        .get_row_iter(None)
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(rows[0].get_long(0).unwrap(), 0);
    assert!(rows[0].get_string(1).is_err(), "null note");
    assert_eq!(rows[1].get_string(1).unwrap(), "n1");
    let d = rows[1].get_decimal(2).unwrap();
    assert_eq!(
        (d.scale(), BigInt::from_signed_bytes_be(d.data())),
        (2, BigInt::from(12346))
    );
    assert_eq!(rows[1].get_timestamp_millis(5).unwrap(), 1_700_000_000_001);
    assert_eq!(rows[2].get_byte(6).unwrap(), -3);
    assert!(rows[0].get_bool(7).unwrap());
}

#[test]
fn parquet_format_refuses_nested_fields_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let (_h, mut task) = start(
        dir.path(),
        &[
            ("flush.size", "3"),
            (
                "format.class",
                "io.confluent.connect.hdfs.parquet.ParquetFormat",
            ),
        ],
    );
    let err = task.put(&[payment(0)]).unwrap_err();
    assert!(err.to_string().contains("field tags"), "{err}");
}

#[test]
fn hourly_partitioner_with_record_timestamps() {
    let dir = tempfile::tempdir().unwrap();
    let settings = [
        ("flush.size", "4"),
        (
            "partitioner.class",
            "io.confluent.connect.hdfs.partitioner.HourlyPartitioner",
        ),
        ("locale", "en-US"),
        ("timezone", "UTC"),
        ("timestamp.extractor", "Record"),
    ];
    let (_h, mut task) = start(dir.path(), &settings);
    // 2015-12-07T15:59:59Z and 16:00:00Z.
    let records: Vec<_> = (0..4)
        .map(|i| {
            let mut r = model_record(i);
            r.timestamp = Some(if i < 2 {
                1_449_503_999_000
            } else {
                1_449_504_000_000
            });
            r
        })
        .collect();
    task.put(&records).unwrap();
    assert_eq!(
        committed(dir.path()),
        vec![
            "topics/sqlite-sample-Models/year=2015/month=12/day=07/hour=15/sqlite-sample-Models+0+0000000000+0000000001.avro".to_owned(),
            "topics/sqlite-sample-Models/year=2015/month=12/day=07/hour=16/sqlite-sample-Models+0+0000000002+0000000003.avro".to_owned(),
        ]
    );
}

#[test]
fn time_based_partitioner_needs_its_settings() {
    use ferry_hdfs_sink::HdfsSinkConnector;
    use ferry_plugin_sdk::testkit::SinkHarness;
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", dir.path().display());
    let err = SinkHarness::<HdfsSinkConnector>::new(&[
        ("name", "x"),
        ("store.url", &url),
        ("flush.size", "3"),
        (
            "partitioner.class",
            "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
        ),
        ("partition.duration.ms", "3600000"),
        ("path.format", "YYYY"),
        ("locale", "en-US"),
        ("timezone", "Europe/Pariss"),
    ])
    .err()
    .unwrap();
    assert!(err.to_string().contains("Europe/Pariss"), "{err}");
}

#[test]
fn daily_partitioner_writes_under_the_local_date_in_a_named_zone() {
    let dir = tempfile::tempdir().unwrap();
    let settings = [
        ("flush.size", "2"),
        (
            "partitioner.class",
            "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
        ),
        ("partition.duration.ms", "86400000"),
        ("path.format", "'day'=YYYY-MM-dd/'month'=MMMM/EEEE"),
        ("locale", "fr"),
        ("timezone", "America/Los_Angeles"),
        ("timestamp.extractor", "Record"),
    ];
    let (_h, mut task) = start(dir.path(), &settings);
    // 2024-03-10T07:59Z is 23:59 PST on the 9th; 08:00Z is 00:00 PST on the 10th, the day
    // Los Angeles springs forward (02:00 PST → 03:00 PDT at 10:00Z); 2024-03-11T06:59Z is
    // 23:59 PDT on the 10th, a 23-hour day later.
    let stamps = [
        1_710_057_540_000,
        1_710_057_540_000,
        1_710_057_600_000,
        1_710_140_340_000,
    ];
    let records: Vec<_> = stamps
        .iter()
        .enumerate()
        .map(|(i, ts)| {
            let mut r = model_record(i as i64);
            r.timestamp = Some(*ts);
            r
        })
        .collect();
    task.put(&records).unwrap();
    assert_eq!(
        committed(dir.path()),
        vec![
            "topics/sqlite-sample-Models/day=2024-03-09/month=mars/samedi/sqlite-sample-Models+0+0000000000+0000000001.avro".to_owned(),
            "topics/sqlite-sample-Models/day=2024-03-10/month=mars/dimanche/sqlite-sample-Models+0+0000000002+0000000003.avro".to_owned(),
        ]
    );
}

#[test]
fn rotate_schedule_interval_commits_at_wall_clock_boundaries() {
    let dir = tempfile::tempdir().unwrap();
    let (_h, mut task) = start(
        dir.path(),
        &[
            ("flush.size", "1000"),
            ("rotate.schedule.interval.ms", "100"),
            ("timezone", "America/Los_Angeles"),
        ],
    );
    task.put(&model_records(0..3)).unwrap();
    std::thread::sleep(std::time::Duration::from_millis(250));
    assert_eq!(
        task.commit().unwrap(),
        vec![(TopicPartition::new(TOPIC, 0), 3)]
    );
    assert!(temp_files(dir.path()).is_empty());
}
