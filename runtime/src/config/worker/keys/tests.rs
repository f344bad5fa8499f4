//! Vectors for key classification and the collected key families, end to end through
//! [`WorkerConfig::from_properties`].

use std::collections::BTreeMap;

use crate::config::worker::{Listener, Mode, WorkerConfig};

fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn standalone(extra: &[(&str, &str)]) -> Result<WorkerConfig, ferry_configdef::ConfigError> {
    let mut p = props(extra);
    p.insert("offset.storage.file.filename".into(), "/tmp/o".into());
    WorkerConfig::from_properties(&p, Mode::Standalone)
}

#[test]
fn prefixed_families_and_ignored_keys() {
    let config = standalone(&[
        ("producer.acks", "all"),
        ("producer.override.x", "kept as given"),
        ("consumer.max.poll.records", "50"),
        ("admin.retries", "3"),
        ("admin.listeners", "http://localhost:9000"),
        ("admin.listeners.https.ssl.keystore.location", "/k"),
        ("security.protocol", "SASL_SSL"),
        ("sasl.mechanism", "PLAIN"),
        ("ssl.truststore.location", "/t"),
        ("ssl.client.auth", "required"),
        ("request.timeout.ms", "1000"),
        ("group.id", ""),
        ("connect.protocol", "bogus"),
        ("metrics.num.samples", "0"),
        ("plugin.discovery", "service_load"),
        ("listeners.https.ssl.key.password", "p"),
        ("internal.key.converter", "x"),
        ("rest.port", "8083"),
        ("foo.bar", "1"),
    ])
    .expect("valid: distributed-only and unsupported keys are not validated in standalone mode");
    assert_eq!(
        config.producer,
        props(&[("acks", "all"), ("override.x", "kept as given")])
    );
    assert_eq!(config.consumer, props(&[("max.poll.records", "50")]));
    assert_eq!(config.admin, props(&[("retries", "3")]));
    assert_eq!(
        config.rest.admin_listeners,
        Some(vec![Listener {
            host: "localhost".into(),
            port: 9000
        }])
    );
    assert_eq!(
        config.client,
        props(&[
            ("security.protocol", "SASL_SSL"),
            ("sasl.mechanism", "PLAIN"),
            ("ssl.truststore.location", "/t"),
            ("request.timeout.ms", "1000"),
        ])
    );
    assert_eq!(config.unknown_keys, ["foo.bar", "rest.port"]);
    assert_eq!(
        config.unsupported_keys,
        [
            "admin.listeners.https.ssl.keystore.location",
            "internal.key.converter",
            "listeners.https.ssl.key.password",
            "metrics.num.samples",
            "plugin.discovery",
            "ssl.client.auth",
        ]
    );
    config.log_ignored_keys();
}

#[test]
fn classification() {
    use super::{classify, KeyKind::*};
    for (key, want) in [
        ("bootstrap.servers", Known),
        ("group.id", Known),
        ("offset.storage.file.filename", Known),
        ("producer.acks", Known),
        ("config.storage.min.insync.replicas", Known),
        ("sasl.jaas.config", Known),
        ("ssl.client.auth", Unsupported),
        ("metric.reporters", Unsupported),
        ("internal.value.converter.schemas.enable", Unsupported),
        ("rest.host.name", Unknown),
        ("bootstrap.server", Unknown),
        ("", Unknown),
    ] {
        assert_eq!(classify(key), want, "{key}");
    }
}
