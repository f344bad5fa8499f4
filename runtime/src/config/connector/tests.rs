//! Vectors for the connector-level definitions.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::json;

use super::*;

fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn names(def: &ConfigDef) -> Vec<&str> {
    def.names().collect()
}

#[rustfmt::skip]
const COMMON: [&str; 15] = [
    "name", "connector.class", "tasks.max", "tasks.max.enforce", "key.converter",
    "value.converter", "header.converter", "transforms", "predicates", "config.action.reload",
    "errors.retry.timeout", "errors.retry.delay.max.ms", "errors.tolerance", "errors.log.enable",
    "errors.log.include.messages",
];

/// The FileStreamSource validate keys of `connect_rest_test.py`, minus `batch.size`, `topic`
/// and `file` (the connector's own).
#[rustfmt::skip]
const DUCKTAPE_SOURCE: [&str; 20] = [
    "name", "connector.class", "tasks.max", "key.converter", "value.converter", "header.converter",
    "transforms", "config.action.reload", "errors.retry.timeout", "errors.retry.delay.max.ms",
    "errors.tolerance", "errors.log.enable", "errors.log.include.messages", "predicates",
    "topic.creation.groups", "exactly.once.support", "transaction.boundary",
    "transaction.boundary.interval.ms", "offsets.storage.topic", "tasks.max.enforce",
];

/// The FileStreamSink validate keys of `connect_rest_test.py`, minus `file`.
#[rustfmt::skip]
const DUCKTAPE_SINK: [&str; 20] = [
    "name", "connector.class", "tasks.max", "key.converter", "value.converter", "header.converter",
    "topics", "transforms", "topics.regex", "config.action.reload", "errors.retry.timeout",
    "errors.retry.delay.max.ms", "errors.tolerance", "errors.log.enable",
    "errors.log.include.messages", "errors.deadletterqueue.topic.name",
    "errors.deadletterqueue.topic.replication.factor",
    "errors.deadletterqueue.context.headers.enable", "predicates", "tasks.max.enforce",
];

#[test]
#[rustfmt::skip]
fn definitions_list_kafkas_keys_in_order() {
    assert_eq!(names(&common_connector_def()), COMMON.to_vec());
    let sink = sink_connector_def();
    assert_eq!(names(&sink)[..15], COMMON);
    assert_eq!(names(&sink)[15..], [
        "topics", "topics.regex", "errors.deadletterqueue.topic.name",
        "errors.deadletterqueue.topic.replication.factor",
        "errors.deadletterqueue.context.headers.enable",
    ]);
    let source = source_connector_def();
    assert_eq!(names(&source)[..15], COMMON);
    assert_eq!(names(&source)[15..], [
        "topic.creation.groups", "exactly.once.support", "transaction.boundary",
        "transaction.boundary.interval.ms", "offsets.storage.topic",
    ]);
}

#[test]
fn definitions_match_the_ducktape_validate_sets() {
    let set = |def: ConfigDef| def.names().map(str::to_owned).collect::<BTreeSet<_>>();
    let want = |names: &[&str]| names.iter().map(|n| n.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(set(source_connector_def()), want(&DUCKTAPE_SOURCE));
    assert_eq!(set(sink_connector_def()), want(&DUCKTAPE_SINK));
}

#[test]
#[rustfmt::skip]
fn groups_are_kafkas() {
    let common = ["Common", "Transforms", "Predicates", "Error Handling"];
    assert_eq!(common_connector_def().groups(), common);
    assert_eq!(sink_connector_def().groups(), common);
    assert_eq!(source_connector_def().groups(), [
        "Common", "Transforms", "Predicates", "Error Handling", "Topic Creation",
        "Exactly Once Support", "offsets.topic",
    ]);
}

#[test]
fn key_infos_render_like_kafka() {
    let def = sink_connector_def();
    let info = |name: &str| def.key(name).expect(name).key_info();
    assert_eq!(
        info("tasks.max"),
        json!({"name": "tasks.max", "type": "INT", "required": false, "default_value": "1",
               "importance": "HIGH", "documentation": "Maximum number of tasks to use for this connector.",
               "group": "Common", "width": "SHORT", "display_name": "Tasks max", "dependents": [], "order": 3})
    );
    assert_eq!(
        info("name"),
        json!({"name": "name", "type": "STRING", "required": true, "default_value": null,
               "importance": "HIGH", "documentation": "Globally unique name to use for this connector.",
               "group": "Common", "width": "MEDIUM", "display_name": "Connector name", "dependents": [],
               "order": 1})
    );
    let header = info("header.converter");
    assert_eq!(header["type"], "CLASS");
    assert_eq!(header["default_value"], json!(null));
    assert_eq!(header["required"], false);
    assert_eq!(header["order"], 7);
    let topics = info("topics");
    assert_eq!(
        (topics["default_value"].clone(), topics["order"].clone()),
        (json!(""), json!(4))
    );
    let dlq_rf = info("errors.deadletterqueue.topic.replication.factor");
    assert_eq!(dlq_rf["type"], "SHORT");
    assert_eq!(dlq_rf["default_value"], "3");
    assert_eq!(
        dlq_rf["display_name"],
        "Dead Letter Queue Topic Replication Factor"
    );
    let source = source_connector_def();
    let offsets = source.key("offsets.storage.topic").expect("key").key_info();
    assert_eq!(
        (offsets["group"].clone(), offsets["order"].clone()),
        (json!("offsets.topic"), json!(1))
    );
    assert!(offsets["documentation"]
        .as_str()
        .expect("doc")
        .contains("worker\u{2019}s global offsets"));
}

#[test]
fn defaults_parse_as_kafka() {
    let parsed = source_connector_def()
        .parse(&props(&[("name", "n"), ("connector.class", "C")]))
        .expect("valid");
    assert_eq!(parsed.int("tasks.max").expect("int"), Some(1));
    assert_eq!(
        parsed.boolean("tasks.max.enforce").expect("bool"),
        Some(true)
    );
    assert_eq!(parsed.string("key.converter").expect("class"), None);
    assert_eq!(parsed.list("transforms").expect("list"), Some(&[][..]));
    assert_eq!(
        parsed.string("config.action.reload").expect("str"),
        Some("restart")
    );
    assert_eq!(
        parsed.long("errors.retry.delay.max.ms").expect("long"),
        Some(60000)
    );
    assert_eq!(
        parsed.string("errors.tolerance").expect("str"),
        Some("none")
    );
    assert_eq!(
        parsed.string("exactly.once.support").expect("str"),
        Some("requested")
    );
    assert_eq!(
        parsed.string("transaction.boundary").expect("str"),
        Some("poll")
    );
    assert_eq!(
        parsed
            .long("transaction.boundary.interval.ms")
            .expect("long"),
        None
    );
    assert_eq!(parsed.string("offsets.storage.topic").expect("str"), None);
}

#[test]
fn invalid_values_get_kafkas_messages() {
    let base = [("name", "n"), ("connector.class", "C")];
    let cases: &[(&ConfigDef, (&str, &str), &str)] = &[
        (&common_connector_def(), ("name", " "), "Invalid value  for configuration name: String may not be empty"),
        (&common_connector_def(), ("tasks.max", "0"), "Invalid value 0 for configuration tasks.max: Value must be at least 1"),
        (&common_connector_def(), ("tasks.max", "x"), "Invalid value x for configuration tasks.max: Not a number of type INT"),
        (&common_connector_def(), ("transforms", "a, b,a"), "Invalid value [a, b, a] for configuration transforms: Duplicate alias provided."),
        (&common_connector_def(), ("predicates", "p,p"), "Invalid value [p, p] for configuration predicates: Duplicate alias provided."),
        (&common_connector_def(), ("errors.tolerance", "some"), "Invalid value some for configuration errors.tolerance: String must be one of: none, all"),
        (&common_connector_def(), ("config.action.reload", "RESTART"), "Invalid value RESTART for configuration config.action.reload: String must be one of: none, restart"),
        (&common_connector_def(), ("errors.log.enable", "yes"), "Invalid value yes for configuration errors.log.enable: Expected value to be either true or false"),
        (&source_connector_def(), ("transaction.boundary.interval.ms", "-1"), "Invalid value -1 for configuration transaction.boundary.interval.ms: Value must be at least 0"),
        (&source_connector_def(), ("offsets.storage.topic", " "), "Invalid value  for configuration offsets.storage.topic: String must be non-empty"),
        (&source_connector_def(), ("topic.creation.groups", "g,g"), "Invalid value [g, g] for configuration topic.creation.groups: Duplicate alias provided."),
        (&sink_connector_def(), ("errors.deadletterqueue.topic.replication.factor", "40000"), "Invalid value 40000 for configuration errors.deadletterqueue.topic.replication.factor: Not a number of type SHORT"),
    ];
    for (def, (key, value), message) in cases {
        let mut p = props(&base);
        p.insert(key.to_string(), value.to_string());
        let err = def.parse(&p).expect_err(key);
        assert_eq!(err.to_string(), *message);
    }
    let missing = common_connector_def()
        .parse(&props(&[("name", "n")]))
        .expect_err("class");
    assert_eq!(
        missing.to_string(),
        "Missing required configuration \"connector.class\" which has no default value."
    );
    let with_control =
        common_connector_def().parse(&props(&[("name", "a\nb"), ("connector.class", "C")]));
    assert!(with_control
        .expect_err("control")
        .to_string()
        .ends_with("had the following ASCII chars: 10"));
}

#[test]
fn case_insensitive_source_enums() {
    for (key, value) in [
        ("exactly.once.support", "REQUIRED"),
        ("transaction.boundary", "Interval"),
    ] {
        let p = props(&[("name", "n"), ("connector.class", "C"), (key, value)]);
        assert!(source_connector_def().parse(&p).is_ok(), "{key}={value}");
    }
    let p = props(&[
        ("name", "n"),
        ("connector.class", "C"),
        ("transaction.boundary", "batch"),
    ]);
    let err = source_connector_def()
        .parse(&p)
        .expect_err("bad boundary")
        .to_string();
    assert!(err.starts_with("Invalid value batch for configuration transaction.boundary: String must be one of (case insensitive): "), "{err}");
}
