//! Golden tests of the batch wire format. Any change to the encoding changes these files and
//! shows up in review. Regenerate deliberately with `FERRY_BLESS=1 cargo test -p ferry-codec`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::fmt::Write as _;
use std::path::PathBuf;

use ferry_codec::{
    BatchReader, BatchWriter, EncodeRecord, Header, Payload, SchemaCache, WriterState,
};
use ferry_data::{logical, Schema, Struct, Type, Value};
use ferry_plugin_abi::{BatchBuf, TimestampType};
use num_bigint::BigInt;

fn hex(bytes: &[u8]) -> String {
    let mut s = String::new();
    for chunk in bytes.chunks(16) {
        for b in chunk {
            write!(s, "{b:02x} ").unwrap();
        }
        s.pop();
        s.push('\n');
    }
    s
}

fn dump(buf: &BatchBuf) -> String {
    let mut s = format!("encoding {}\n", buf.encoding);
    for (i, r) in buf.records.iter().enumerate() {
        writeln!(
            s,
            "record {i}: offset={} timestamp={} partition={} topic={} key_schema={} value_schema={} timestamp_type={} key={:?} value={:?} headers={:?} source_partition={:?} source_offset={:?}",
            r.offset, r.timestamp, r.partition, r.topic, r.key_schema, r.value_schema, r.timestamp_type.0,
            (r.key.off, r.key.len), (r.value.off, r.value.len), (r.headers.off, r.headers.len),
            (r.source_partition.off, r.source_partition.len), (r.source_offset.off, r.source_offset.len)
        )
        .unwrap();
    }
    for (i, t) in buf.topics.iter().enumerate() {
        writeln!(s, "topic {i}: {:?}", (t.off, t.len)).unwrap();
    }
    s.push_str("schemas:\n");
    s.push_str(&hex(&buf.schemas));
    s.push_str("arena:\n");
    s.push_str(&hex(&buf.arena));
    s
}

fn check(name: &str, actual: &str) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name);
    if std::env::var_os("FERRY_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "missing golden file {}; run with FERRY_BLESS=1",
            path.display()
        )
    });
    assert_eq!(actual, expected, "golden file {name} differs");
}

fn models_batch() -> BatchBuf {
    let schema = Schema::struct_builder()
        .name("Models")
        .field("model_id", Schema::primitive(Type::Int32))
        .field("model_name", Schema::primitive(Type::String))
        .field("price", logical::decimal(2).optional().build())
        .field("made", logical::date().optional().build())
        .build();
    let row = Struct::new(schema.clone())
        .unwrap()
        .with("model_id", 1)
        .unwrap()
        .with("model_name", "The Blonde")
        .unwrap()
        .with("price", Value::Decimal(BigInt::from(2300050), 2))
        .unwrap();
    let row = Value::Struct(row);
    let headers = [Header {
        key: "h".into(),
        schema: Some(Schema::primitive(Type::Int64)),
        value: Value::Int64(-2),
    }];
    let mut buf = BatchBuf::new();
    let mut state = WriterState::default();
    let mut w = BatchWriter::new(&mut buf, &mut state);
    let mut rec = EncodeRecord::new("sqlite-sample-Models");
    rec.value = Payload::Value(Some(&schema), &row);
    rec.timestamp = 1_700_000_000_000;
    rec.timestamp_type = TimestampType::CREATE_TIME;
    rec.source_partition = Some(br#"{"protocol":"1","table":"Models"}"#);
    rec.source_offset = Some(br#"{"incrementing":1}"#);
    rec.headers = &headers;
    w.push(&rec).unwrap();
    let mut sink = EncodeRecord::new("lines");
    sink.partition = 0;
    sink.offset = 41;
    sink.value = Payload::Bytes(None, b"raw line");
    sink.key = Payload::Value(None, &Value::Null);
    w.push(&sink).unwrap();
    buf
}

#[test]
fn batch_layout_is_frozen() {
    check("models_batch.txt", &dump(&models_batch()));
}

#[test]
fn every_value_kind_is_frozen() {
    let inner = Schema::struct_builder()
        .field("x", Schema::optional_primitive(Type::Int8))
        .build();
    let values = vec![
        Value::Null,
        Value::Boolean(true),
        Value::Int8(-1),
        Value::Int16(300),
        Value::Int32(-70000),
        Value::Int64(1 << 40),
        Value::Float32(1.5),
        Value::Float64(-0.25),
        Value::String("héllo".into()),
        Value::Bytes(vec![0, 255]),
        Value::Array(vec![Value::Int32(1), Value::Null]),
        Value::Map(vec![(Value::from("k"), Value::from("v"))]),
        Value::Struct(
            Struct::new(inner)
                .unwrap()
                .with("x", Value::Int8(7))
                .unwrap(),
        ),
        Value::Decimal(BigInt::from(-156), 2),
        Value::Date(19000),
        Value::Time(3_600_000),
        Value::Timestamp(1_700_000_000_000),
    ];
    let mut out = String::new();
    for v in &values {
        let mut bytes = Vec::new();
        ferry_codec::encode_value(&mut bytes, v);
        writeln!(
            out,
            "{:<10} {}",
            v.kind_name(),
            hex(&bytes).trim_end().replace('\n', " ")
        )
        .unwrap();
    }
    check("values.txt", &out);
}

#[test]
fn batch_round_trips_through_the_reader() {
    let buf = models_batch();
    let mut cache = SchemaCache::default();
    let reader = BatchReader::new(buf.as_batch_ref(), &mut cache).unwrap();
    assert_eq!(reader.len(), 2);
    let first = reader.get(0).unwrap();
    assert_eq!(first.topic().unwrap(), "sqlite-sample-Models");
    assert_eq!(first.partition(), None);
    assert_eq!(first.timestamp(), Some(1_700_000_000_000));
    assert_eq!(
        first.value().unwrap().to_java_string(),
        "Struct{model_id=1,model_name=The Blonde,price=23000.50}"
    );
    assert_eq!(
        first.source_offset().unwrap(),
        Some(r#"{"incrementing":1}"#)
    );
    assert_eq!(first.headers().unwrap()[0].value, Value::Int64(-2));
    let second = reader.get(1).unwrap();
    assert_eq!(second.topic().unwrap(), "lines");
    assert_eq!(second.offset(), Some(41));
    assert_eq!(second.value_bytes(), Some(&b"raw line"[..]));
    assert_eq!(second.key().unwrap(), Value::Null);
}

#[test]
fn corrupt_batches_are_errors_not_panics() {
    let buf = models_batch();
    let mut arena = buf.arena.to_vec();
    for cut in 0..arena.len() {
        let value = ferry_codec::decode_value(&arena[..cut], None);
        let _ = value; // any result but a panic is fine
    }
    arena.iter_mut().for_each(|b| *b = 0xff);
    assert!(ferry_codec::decode_value(&arena, None).is_err());
    for cut in 0..buf.schemas.len() {
        let _ = ferry_codec::decode_schema(&buf.schemas[..cut]);
    }
}

#[test]
fn schemas_round_trip_with_defaults_and_parameters() {
    let schema = Schema::struct_builder()
        .name("n")
        .version(3)
        .doc("d")
        .field(
            "a",
            Schema::builder(Type::Int32)
                .default_value(Value::Int32(5))
                .build(),
        )
        .field(
            "m",
            Schema::map(
                Schema::primitive(Type::String),
                Schema::array(Schema::primitive(Type::Float64)).build(),
            )
            .optional()
            .build(),
        )
        .field("dec", logical::decimal(4).build())
        .build();
    let mut bytes = Vec::new();
    ferry_codec::encode_schema(&mut bytes, &schema);
    assert_eq!(*ferry_codec::decode_schema(&bytes).unwrap(), *schema);
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let mut bytes = [0x0b, 0x01].repeat(100_000);
    bytes.push(0x00);
    assert_eq!(
        ferry_codec::decode_value(&bytes, None),
        Err(ferry_codec::CodecError::TooDeep(256))
    );
    let mut ok = [0x0b, 0x01].repeat(200);
    ok.push(0x00);
    assert!(ferry_codec::decode_value(&ok, None).is_ok());
}
