//! Single Message Transforms in a source pipeline against a real broker: a Filter with a
//! predicate, a RegexRouter, a HoistField and an InsertField, checked with confluent-kafka.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::time::Duration;

use ferry_tests::rest::RestClient;
use ferry_tests::{consume_all, list_topics, wait_until, write_properties, Broker, WorkerProcess};
use serde_json::json;

const TIMEOUT: Duration = Duration::from_secs(120);

const CHAIN: &[(&str, &str)] = &[
    ("transforms", "dropDebug,route,hoist,insert"),
    (
        "transforms.dropDebug.type",
        "org.apache.kafka.connect.transforms.Filter",
    ),
    ("transforms.dropDebug.predicate", "isDebug"),
    (
        "transforms.route.type",
        "org.apache.kafka.connect.transforms.RegexRouter",
    ),
    ("transforms.route.regex", "(.*)-raw"),
    ("transforms.route.replacement", "$1-clean"),
    (
        "transforms.hoist.type",
        "org.apache.kafka.connect.transforms.HoistField$Value",
    ),
    ("transforms.hoist.field", "line"),
    (
        "transforms.insert.type",
        "org.apache.kafka.connect.transforms.InsertField$Value",
    ),
    ("transforms.insert.static.field", "origin"),
    ("transforms.insert.static.value", "ferry"),
    ("predicates", "isDebug"),
    (
        "predicates.isDebug.type",
        "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
    ),
    ("predicates.isDebug.pattern", "debug-.*"),
];

#[test]
fn a_source_pipeline_with_filter_router_and_insert_field() {
    let broker = Broker::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (name, topic) in [("orders", "orders-raw"), ("debug", "debug-raw")] {
        let input = dir.path().join(format!("{name}.txt"));
        std::fs::write(&input, format!("{name} 1\n{name} 2\n")).unwrap();
        let props = dir.path().join(format!("{name}.properties"));
        let input = input.display().to_string();
        let mut pairs = vec![
            ("name", name),
            ("connector.class", "FileStreamSource"),
            ("file", input.as_str()),
            ("topic", topic),
        ];
        pairs.extend_from_slice(CHAIN);
        write_properties(&props, &pairs).unwrap();
        files.push(props);
    }
    let worker = WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &[], &files).unwrap();
    let records = consume_all(&broker.bootstrap(), "orders-clean", 2, TIMEOUT).unwrap();
    let values: Vec<serde_json::Value> = records
        .iter()
        .map(|r| serde_json::from_slice(r.value.as_deref().unwrap()).unwrap())
        .collect();
    let schema = json!({"type": "struct", "fields": [
        {"type": "string", "optional": false, "field": "line"},
        {"type": "string", "optional": true, "field": "origin"}
    ], "optional": false});
    assert_eq!(
        values,
        vec![
            json!({"schema": schema, "payload": {"line": "orders 1", "origin": "ferry"}}),
            json!({"schema": schema, "payload": {"line": "orders 2", "origin": "ferry"}}),
        ]
    );
    // The debug connector's records were all filtered; its offsets still advanced.
    let rest = RestClient::new(worker.url());
    wait_until(TIMEOUT, || {
        rest.get("/connectors/debug/offsets", None)
            .ok()
            .and_then(|r| r.body)
            .is_some_and(|b| b["offsets"][0]["offset"]["position"] == 16)
    })
    .unwrap();
    let topics = list_topics(&broker.bootstrap()).unwrap();
    assert!(
        !topics.keys().any(|t| t.starts_with("debug")),
        "nothing reached a debug topic: {topics:?}"
    );
    assert!(
        !topics.contains_key("orders-raw"),
        "records were routed before any topic was created: {topics:?}"
    );
}

#[test]
fn transform_configs_are_validated_with_kafkas_messages() {
    let broker = Broker::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let worker = WorkerProcess::standalone(dir.path(), &broker.bootstrap(), &[], &[]).unwrap();
    let rest = RestClient::new(worker.url());
    let config = json!({
        "connector.class": "FileStreamSink", "topics": "t",
        "transforms": "a", "transforms.a.type": "org.apache.kafka.connect.transforms.RegexRouter", "transforms.a.negate": "true"
    });
    let validation = rest
        .put(
            "/connector-plugins/FileStreamSink/config/validate",
            Some(config.clone()),
        )
        .unwrap();
    assert_eq!(validation.status, 200);
    let body = validation.body.unwrap();
    assert!(body["error_count"].as_u64().unwrap() >= 1, "{body}");
    assert!(
        body["groups"]
            .as_array()
            .unwrap()
            .contains(&json!("Transforms: a")),
        "{body}"
    );
    let all_errors: Vec<String> = body["configs"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["value"]["errors"].as_array().cloned().unwrap_or_default())
        .map(|e| e.as_str().unwrap().to_owned())
        .collect();
    assert!(
        all_errors.contains(&"Config 'transforms.a.negate' was provided but there is no config 'transforms.a.predicate' defining a predicate to be negated.".to_owned()),
        "{all_errors:?}"
    );
    let missing = json!({"connector.class": "FileStreamSink", "topics": "t", "transforms": "a", "transforms.a.type": "RegexRouter"});
    let body = rest
        .put(
            "/connector-plugins/FileStreamSink/config/validate",
            Some(missing),
        )
        .unwrap()
        .body
        .unwrap();
    let text = body.to_string();
    assert!(
        text.contains(
            r#"Missing required configuration \"transforms.a.regex\" which has no default value."#
        ),
        "{text}"
    );
    let mut create = config;
    create["name"] = json!("bad-transforms");
    let created = rest
        .post(
            "/connectors",
            Some(json!({"name": "bad-transforms", "config": create})),
        )
        .unwrap();
    assert_eq!(created.status, 400);
    assert!(
        created
            .error_message()
            .unwrap()
            .starts_with("Connector configuration is invalid and contains the following"),
        "{:?}",
        created.body
    );
    let plugins = rest
        .get("/connector-plugins?connectorsOnly=false", None)
        .unwrap()
        .body
        .unwrap();
    let kinds: Vec<&str> = plugins
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["type"].as_str().unwrap())
        .collect();
    assert!(
        kinds.contains(&"transformation") && kinds.contains(&"predicate"),
        "{kinds:?}"
    );
    let regex_config = rest
        .get(
            "/connector-plugins/org.apache.kafka.connect.transforms.RegexRouter/config",
            None,
        )
        .unwrap();
    assert_eq!(regex_config.status, 200);
    assert!(regex_config
        .body
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["name"] == "regex"));
}
