//! Third-party Single Message Transforms loaded from a plugin `.so` (ABI 1.1), in a real
//! `ferry standalone` worker: file source -> broker -> file sink, shaped by the
//! `ferry-test-smt-sample` plugin's transformations and predicate; a retriable failure retried
//! under `errors.retry.timeout` (and failing the task without it); a panic failing only its
//! task; the classes listed, described and validated over REST. And in-process, without a
//! broker: the registry loads the library and the chain runs its classes.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use ferry_data::Value as Data;
use ferry_runtime::errors::RetryPolicy;
use ferry_runtime::plugin::{host_log_callback, PluginRegistry};
use ferry_tests::rest::RestClient;
use ferry_tests::{consume_all, plugin_so, wait_until, write_properties, Broker, WorkerProcess};
use ferry_transforms::{ConnectRecord, TransformationChain};
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(120);
const UPPER: &str = "test.smt.UppercaseTransformation";
const FLAKY: &str = "test.smt.FlakyTransformation";
const PANICKING: &str = "test.smt.PanickingTransformation";
const CONTAINS: &str = "test.smt.ValueContainsPredicate";

/// A `plugin.path` directory with the file connectors and the SMT sample plugin.
fn plugin_dir(dir: &Path) -> String {
    let plugins = dir.join("plugins");
    std::fs::create_dir_all(&plugins).unwrap();
    for lib in [
        "ferry_file_source",
        "ferry_file_sink",
        "ferry_test_smt_sample",
    ] {
        let so = plugin_so(lib).unwrap();
        std::fs::copy(&so, plugins.join(so.file_name().unwrap())).unwrap();
    }
    plugins.display().to_string()
}

fn connector(dir: &Path, name: &str, pairs: &[(&str, &str)]) -> PathBuf {
    let path = dir.join(format!("{name}.properties"));
    let mut all = vec![("name", name)];
    all.extend_from_slice(pairs);
    write_properties(&path, &all).unwrap();
    path
}

fn sink(dir: &Path, name: &str, out: &Path, extra: &[(&str, &str)]) -> PathBuf {
    let out = out.display().to_string();
    let mut pairs = vec![
        ("connector.class", "FileStreamSink"),
        ("topics", "words"),
        ("file", out.as_str()),
    ];
    pairs.extend_from_slice(extra);
    connector(dir, name, &pairs)
}

fn task_status(rest: &RestClient, name: &str) -> Option<Value> {
    rest.get(&format!("/connectors/{name}/tasks/0/status"), None)
        .ok()
        .and_then(|r| r.body)
}

fn failed_trace(rest: &RestClient, name: &str) -> String {
    wait_until(TIMEOUT, || {
        task_status(rest, name).is_some_and(|b| b["state"] == "FAILED")
    })
    .unwrap_or_else(|_| panic!("{name} did not fail: {:?}", task_status(rest, name)));
    task_status(rest, name).unwrap()["trace"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn third_party_transforms_shape_a_pipeline_and_retry_under_the_error_policy() {
    let broker = Broker::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.txt");
    std::fs::write(&input, "alpha\nskip me\nbeta\n").unwrap();
    let input = input.display().to_string();
    let source = connector(
        dir.path(),
        "words-source",
        &[
            ("connector.class", "FileStreamSource"),
            ("file", input.as_str()),
            ("topic", "words"),
            ("transforms", "drop,upper"),
            ("transforms.drop.type", "Filter"),
            ("transforms.drop.predicate", "isSkip"),
            // By alias: the simple name without `Transformation`.
            ("transforms.upper.type", "Uppercase"),
            ("predicates", "isSkip"),
            ("predicates.isSkip.type", CONTAINS),
            ("predicates.isSkip.substring", "skip"),
        ],
    );
    let retried_out = dir.path().join("retried.txt");
    let retried = sink(
        dir.path(),
        "retried-sink",
        &retried_out,
        &[
            ("transforms", "flaky"),
            ("transforms.flaky.type", FLAKY),
            ("transforms.flaky.failures", "3"),
            ("errors.retry.timeout", "60000"),
            ("errors.retry.delay.max.ms", "50"),
        ],
    );
    let strict = sink(
        dir.path(),
        "strict-sink",
        &dir.path().join("strict.txt"),
        &[
            ("transforms", "flaky"),
            ("transforms.flaky.type", FLAKY),
            ("transforms.flaky.failures", "3"),
            ("errors.retry.timeout", "0"),
            ("errors.tolerance", "none"),
        ],
    );
    let panicking = sink(
        dir.path(),
        "panicking-sink",
        &dir.path().join("panicking.txt"),
        &[
            ("transforms", "boom"),
            ("transforms.boom.type", PANICKING),
            ("transforms.boom.trigger", "BETA"),
        ],
    );
    let plugins = plugin_dir(dir.path());
    let worker = WorkerProcess::standalone(
        dir.path(),
        &broker.bootstrap(),
        &[("plugin.path", plugins.as_str())],
        &[source, retried, strict, panicking],
    )
    .unwrap();
    let rest = RestClient::new(worker.url());

    // Source side: the predicate-guarded Filter dropped one line, the plugin upper-cased the rest.
    let records = consume_all(&broker.bootstrap(), "words", 2, TIMEOUT).unwrap();
    let payloads: Vec<Value> = records
        .iter()
        .map(|r| r.value_json().unwrap()["payload"].clone())
        .collect();
    assert_eq!(payloads, vec![json!("ALPHA"), json!("BETA")]);

    // Sink side: three retriable failures were retried under errors.retry.timeout, then every
    // record arrived and the task kept running.
    wait_until(TIMEOUT, || {
        std::fs::read_to_string(&retried_out).is_ok_and(|t| t == "ALPHA\nBETA\n")
    })
    .unwrap_or_else(|_| panic!("{:?}", std::fs::read_to_string(&retried_out)));
    assert_eq!(
        task_status(&rest, "retried-sink").unwrap()["state"],
        "RUNNING"
    );

    // No retry time and no tolerance: the first retriable failure fails the task, naming it.
    let trace = failed_trace(&rest, "strict-sink");
    assert!(
        trace.starts_with("Tolerance exceeded in error handler"),
        "{trace}"
    );
    for part in [
        "org.apache.kafka.connect.errors.RetriableException: flaky backend unavailable",
        "stage TRANSFORMATION with class test.smt.FlakyTransformation",
        "topic 'words', partition 0, offset 0",
    ] {
        assert!(trace.contains(part), "{part} not in {trace}");
    }

    // A panic in the plugin fails only that task: the worker and the other tasks carry on.
    let trace = failed_trace(&rest, "panicking-sink");
    assert!(
        trace.contains(
            "test.smt.PanickingTransformation.apply panicked: the transformation met \"BETA\""
        ),
        "{trace}"
    );
    assert!(trace.contains("offset 1"), "{trace}");
    assert_eq!(rest.get("/", None).unwrap().status, 200);
    for name in ["words-source", "retried-sink"] {
        assert_eq!(
            task_status(&rest, name).unwrap()["state"],
            "RUNNING",
            "{name}"
        );
    }
    assert!(
        worker.log_text().contains("panicked"),
        "the panic is logged"
    );
}

#[test]
fn third_party_transforms_are_listed_described_and_validated() {
    let broker = Broker::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let plugins = plugin_dir(dir.path());
    let worker = WorkerProcess::standalone(
        dir.path(),
        &broker.bootstrap(),
        &[("plugin.path", plugins.as_str())],
        &[],
    )
    .unwrap();
    let rest = RestClient::new(worker.url());

    let all = rest
        .get("/connector-plugins?connectorsOnly=false", None)
        .unwrap()
        .body
        .unwrap();
    let all = all.as_array().unwrap();
    for (class, kind, version) in [
        (UPPER, "transformation", "3.1.4"),
        (FLAKY, "transformation", "1.0.0"),
        (PANICKING, "transformation", "1.0.0"),
        (CONTAINS, "predicate", "1.0.0"),
    ] {
        assert!(
            all.contains(&json!({"class": class, "type": kind, "version": version})),
            "{class} not listed in {all:?}"
        );
    }
    // Kafka's order: connectors, transformations, predicates, converters.
    let kinds: Vec<&str> = all.iter().map(|p| p["type"].as_str().unwrap()).collect();
    let last_transformation = kinds.iter().rposition(|k| *k == "transformation").unwrap();
    let first_predicate = kinds.iter().position(|k| *k == "predicate").unwrap();
    assert!(last_transformation < first_predicate, "{kinds:?}");
    let connectors_only = rest.get("/connector-plugins", None).unwrap().body.unwrap();
    assert!(
        !connectors_only.to_string().contains("test.smt."),
        "{connectors_only}"
    );

    for name in [UPPER, "Uppercase", "UppercaseTransformation"] {
        let keys = rest
            .get(&format!("/connector-plugins/{name}/config"), None)
            .unwrap();
        assert_eq!(keys.status, 200, "{name}: {:?}", keys.body);
        let keys = keys.body.unwrap();
        let names: Vec<&str> = keys
            .as_array()
            .unwrap()
            .iter()
            .map(|k| k["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, vec!["field"], "{name}");
    }

    let validate = |config: Value| -> Vec<String> {
        let body = rest
            .put(
                "/connector-plugins/FileStreamSink/config/validate",
                Some(config),
            )
            .unwrap()
            .body
            .unwrap();
        body["configs"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|c| c["value"]["errors"].as_array().cloned().unwrap_or_default())
            .map(|e| e.as_str().unwrap().to_owned())
            .collect()
    };
    let base = json!({"name": "v", "connector.class": "FileStreamSink", "topics": "t", "file": "/tmp/x",
        "transforms": "f", "transforms.f.type": FLAKY});
    // Kafka's messages: the embedded Range validator names the key without its prefix.
    let errors = validate(base.clone());
    assert_eq!(
        errors,
        vec![
            "Missing required configuration \"transforms.f.failures\" which has no default value.",
            "Invalid value null for configuration failures: Value must be non-null"
        ]
    );
    let mut negative = base.clone();
    negative["transforms.f.failures"] = json!("-1");
    let errors = validate(negative);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with("Invalid value -1 for configuration failures"),
        "{errors:?}"
    );
    let mut good = base;
    good["transforms.f.failures"] = json!("0");
    good["transforms.f.predicate"] = json!("p");
    good["predicates"] = json!("p");
    good["predicates.p.type"] = json!(UPPER);
    let errors = validate(good);
    assert_eq!(
        errors,
        vec![format!(
            "Class class {UPPER} does not implement the Predicate interface"
        )]
    );
}

fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn text(topic: &str, s: &str) -> ConnectRecord {
    let mut r = ConnectRecord::new(topic);
    r.kafka_partition = Some(0);
    r.kafka_offset = Some(3);
    r.value = Data::from(s);
    r
}

#[test]
fn the_registry_offers_the_plugin_classes_to_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    let so = plugin_so("ferry_test_smt_sample").unwrap();
    std::fs::copy(&so, dir.path().join("libsmt.so")).unwrap();
    let registry = PluginRegistry::scan(&[dir.path().display().to_string()], host_log_callback());
    assert!(registry.rejected().is_empty(), "{:?}", registry.rejected());
    assert!(registry.classes().is_empty(), "no connector classes");
    let snapshot = registry.snapshot();
    let classes: Vec<&str> = snapshot
        .transform_classes()
        .iter()
        .map(|c| c.class.as_str())
        .collect();
    assert_eq!(classes, vec![UPPER, FLAKY, PANICKING, CONTAINS]);
    assert_eq!(
        snapshot.find_transform("ValueContains").unwrap().class,
        CONTAINS
    );

    let config = props(&[
        ("transforms", "up,flaky"),
        ("transforms.up.type", "Uppercase"),
        ("transforms.up.predicate", "hasA"),
        ("transforms.flaky.type", FLAKY),
        ("transforms.flaky.failures", "2"),
        ("predicates", "hasA"),
        ("predicates.hasA.type", CONTAINS),
        ("predicates.hasA.substring", "a"),
    ]);
    let retry = RetryPolicy {
        timeout: None,
        delay_max: Duration::from_millis(1),
    };
    let chain = TransformationChain::from_config_with(&config, &registry)
        .unwrap()
        .with_retry(Arc::new(retry));
    // Two retriable failures, retried; the predicate guards the plugin's transformation.
    assert_eq!(
        chain.apply(text("t", "abc")).unwrap(),
        Some(text("t", "ABC"))
    );
    assert_eq!(
        chain.apply(text("t", "xyz")).unwrap(),
        Some(text("t", "xyz"))
    );

    // Without a retry policy the first retriable failure is the stage's error.
    let chain = TransformationChain::from_config_with(&config, &registry).unwrap();
    let e = chain.apply(text("t", "abc")).unwrap_err();
    assert!(e.source.is_retriable(), "{e}");
    assert_eq!(
        e.to_string(),
        format!("Transformation 'flaky' ({FLAKY}) failed: flaky backend unavailable (1 more failures to go)")
    );

    // A panic is caught at the boundary and comes back as the stage's error.
    let chain = TransformationChain::from_config_with(
        &props(&[("transforms", "p"), ("transforms.p.type", PANICKING)]),
        &registry,
    )
    .unwrap();
    let e = chain.apply(text("t", "boom")).unwrap_err();
    assert!(
        e.to_string().contains(
            "test.smt.PanickingTransformation.apply panicked: the transformation met \"boom\""
        ),
        "{e}"
    );
    assert_eq!(
        e.source.java_class(),
        "org.apache.kafka.connect.errors.ConnectException"
    );

    // A configure failure is a config error naming the class.
    let e = TransformationChain::from_config_with(
        &props(&[
            ("transforms", "f"),
            ("transforms.f.type", FLAKY),
            ("transforms.f.failures", "x"),
        ]),
        &registry,
    )
    .unwrap_err();
    assert!(e.to_string().contains("transforms.f.failures"), "{e}");
}
