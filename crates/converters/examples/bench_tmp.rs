use ferry_converters::*;
use ferry_data::*;
use std::time::Instant;
fn main() {
    let inner = Schema::struct_builder()
        .field("d", logical::decimal(2).build())
        .field("ts", logical::timestamp().build())
        .build();
    let schema = Schema::struct_builder()
        .name("rec")
        .field("id", Schema::primitive(Type::Int64))
        .field("name", Schema::primitive(Type::String))
        .field("price", Schema::primitive(Type::Float64))
        .field(
            "tags",
            Schema::array(Schema::primitive(Type::String)).build(),
        )
        .field(
            "attrs",
            Schema::map(
                Schema::primitive(Type::String),
                Schema::primitive(Type::Int32),
            )
            .build(),
        )
        .field("inner", inner.clone())
        .field("opt", Schema::optional_primitive(Type::String))
        .build();
    let inner_v = Struct::new(inner)
        .unwrap()
        .with("d", Value::Decimal(12345.into(), 2))
        .unwrap()
        .with("ts", Value::Timestamp(1_700_000_000_000))
        .unwrap();
    let v = Value::Struct(
        Struct::new(schema.clone())
            .unwrap()
            .with("id", Value::Int64(123456789))
            .unwrap()
            .with("name", "some product name with \"quotes\"")
            .unwrap()
            .with("price", Value::Float64(19.99))
            .unwrap()
            .with(
                "tags",
                Value::Array(vec!["a".into(), "bb".into(), "ccc".into()]),
            )
            .unwrap()
            .with(
                "attrs",
                Value::Map(vec![
                    ("x".into(), Value::Int32(1)),
                    ("y".into(), Value::Int32(2)),
                ]),
            )
            .unwrap()
            .with("inner", inner_v)
            .unwrap(),
    );
    let c = converter("Json", ConverterTarget::Value, &ConverterConfig::new()).unwrap();
    let n = 200_000;
    let t = Instant::now();
    let mut total = 0;
    let mut last = Vec::new();
    for _ in 0..n {
        let b = c.from_connect("t", Some(&schema), &v).unwrap().unwrap();
        total += b.len();
        last = b;
    }
    let e = t.elapsed();
    println!("encode: {:?}/rec, {} bytes/rec", e / n, total / n as usize);
    let t = Instant::now();
    for _ in 0..n {
        let (s, val) = c.to_connect("t", Some(&last)).unwrap();
        assert!(s.is_some());
        std::hint::black_box(val);
    }
    println!("decode: {:?}/rec", t.elapsed() / n);
    let payload_start = last.windows(10).position(|w| w == b"\"payload\":").unwrap() + 10;
    let payload = last[payload_start..last.len() - 1].to_vec();
    let plain = converter(
        "Json",
        ConverterTarget::Value,
        &[("schemas.enable".to_string(), "false".to_string())].into(),
    )
    .unwrap();
    let t = Instant::now();
    for _ in 0..n {
        let (_, val) = plain.to_connect("t", Some(&payload)).unwrap();
        std::hint::black_box(val);
    }
    println!("decode payload schemaless: {:?}/rec", t.elapsed() / n);
    let t = Instant::now();
    for _ in 0..n {
        let val: serde_json::Value = serde_json::from_slice(&last).unwrap();
        std::hint::black_box(val);
    }
    println!("serde_json full doc: {:?}/rec", t.elapsed() / n);
    let t = Instant::now();
    for _ in 0..n {
        let val: serde_json::Value = serde_json::from_slice(&payload).unwrap();
        std::hint::black_box(val);
    }
    println!("serde_json payload: {:?}/rec", t.elapsed() / n);
}
#[allow(dead_code)]
fn unused() {}
