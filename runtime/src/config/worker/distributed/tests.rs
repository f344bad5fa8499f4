//! Vectors for the distributed-mode keys.

use std::time::Duration;

use crate::config::worker::{Mode, WorkerConfig};

use super::*;

fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const BASE: [(&str, &str); 4] = [
    ("group.id", "connect-cluster"),
    ("config.storage.topic", "connect-configs"),
    ("offset.storage.topic", "connect-offsets"),
    ("status.storage.topic", "connect-status"),
];

fn distributed(extra: &[(&str, &str)]) -> Result<WorkerConfig, ConfigError> {
    let mut p = props(&BASE);
    p.extend(props(extra));
    WorkerConfig::from_properties(&p, Mode::Distributed)
}

fn err(extra: &[(&str, &str)]) -> String {
    distributed(extra).expect_err("should fail").to_string()
}

#[test]
fn defaults() {
    let config = distributed(&[("offset.storage.file.filename", "/ignored")]).expect("valid");
    assert_eq!(config.mode, Mode::Distributed);
    assert_eq!(config.offset_storage_file, None);
    let d = config.distributed.expect("distributed settings");
    assert_eq!(d.group_id, "connect-cluster");
    assert_eq!(
        d.transactional_producer_id(),
        "connect-cluster-connect-cluster"
    );
    assert_eq!(d.session_timeout, Duration::from_secs(10));
    assert_eq!(d.heartbeat_interval, Duration::from_secs(3));
    assert_eq!(d.rebalance_timeout, Duration::from_secs(60));
    assert_eq!(d.worker_sync_timeout, Duration::from_secs(3));
    assert_eq!(d.worker_unsync_backoff, Duration::from_secs(300));
    assert_eq!(d.scheduled_rebalance_max_delay, Duration::from_secs(300));
    assert_eq!(d.inter_worker_key_ttl, Duration::from_secs(3600));
    let topic = |name: &str, partitions, replication_factor| InternalTopic {
        name: name.to_owned(),
        partitions,
        replication_factor,
        settings: BTreeMap::new(),
    };
    assert_eq!(d.config_topic, topic("connect-configs", 1, 3));
    assert_eq!(d.offset_topic, topic("connect-offsets", 25, 3));
    assert_eq!(d.status_topic, topic("connect-status", 5, 3));
    assert_eq!(d.connect_protocol, ConnectProtocol::Sessioned);
    assert_eq!(
        d.exactly_once_source_support,
        ExactlyOnceSourceSupport::Disabled
    );
    assert_eq!(d.inter_worker_key_generation_algorithm, "HmacSHA256");
    assert_eq!(d.inter_worker_key_size, None);
    assert_eq!(d.inter_worker_signature_algorithm, "HmacSHA256");
    assert_eq!(d.inter_worker_verification_algorithms, ["HmacSHA256"]);
}

#[test]
fn required_keys() {
    for key in [
        "group.id",
        "config.storage.topic",
        "offset.storage.topic",
        "status.storage.topic",
    ] {
        let mut p = props(&BASE);
        p.remove(key);
        let e = WorkerConfig::from_properties(&p, Mode::Distributed).expect_err(key);
        assert_eq!(
            e.to_string(),
            format!("Missing required configuration \"{key}\" which has no default value.")
        );
        assert_eq!(
            err(&[(key, "")]),
            format!("Invalid value  for configuration {key}: String must be non-empty")
        );
    }
}

#[test]
fn topics_and_their_settings() {
    let config = distributed(&[
        ("offset.storage.partitions", "-1"),
        ("offset.storage.replication.factor", "1"),
        ("status.storage.partitions", "2"),
        ("config.storage.replication.factor", "-1"),
        ("config.storage.partitions", "3"),
        ("config.storage.min.insync.replicas", "2"),
        ("offset.storage.cleanup.policy", "delete"),
        ("status.storage.retention.ms", "1000"),
    ])
    .expect("valid");
    let d = config.distributed.as_ref().expect("distributed");
    assert_eq!(
        (d.offset_topic.partitions, d.offset_topic.replication_factor),
        (-1, 1)
    );
    assert_eq!(
        (d.config_topic.partitions, d.config_topic.replication_factor),
        (1, -1)
    );
    assert_eq!(d.status_topic.partitions, 2);
    assert_eq!(
        d.config_topic.settings,
        props(&[("min.insync.replicas", "2")])
    );
    assert!(d.offset_topic.settings.is_empty());
    assert_eq!(d.status_topic.settings, props(&[("retention.ms", "1000")]));
    assert_eq!(
        config.unsupported_keys,
        ["config.storage.partitions", "offset.storage.cleanup.policy"]
    );
    assert!(config.unknown_keys.is_empty());
}

#[test]
fn invalid_values() {
    let rf = "Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default";
    let cases = [
        ("offset.storage.replication.factor", "0", rf.to_owned()),
        (
            "status.storage.partitions",
            "0",
            "Number of partitions must be positive, or -1 to use the broker's default".to_owned(),
        ),
        (
            "connect.protocol",
            "cooperative",
            "Invalid Connect protocol compatibility".to_owned(),
        ),
        (
            "exactly.once.source.support",
            "ENABLED",
            "String must be one of: disabled, preparing, enabled".to_owned(),
        ),
        (
            "security.protocol",
            "plaintext",
            "String must be one of: PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL".to_owned(),
        ),
        (
            "scheduled.rebalance.max.delay.ms",
            "-5",
            "Value must be at least 0".to_owned(),
        ),
        (
            "session.timeout.ms",
            "-1",
            "Value must be at least 0".to_owned(),
        ),
        (
            "send.buffer.bytes",
            "-2",
            "Value must be at least -1".to_owned(),
        ),
        (
            "heartbeat.interval.ms",
            "3s",
            "Not a number of type INT".to_owned(),
        ),
    ];
    for (key, value, reason) in cases {
        assert_eq!(
            err(&[(key, value)]),
            format!("Invalid value {value} for configuration {key}: {reason}")
        );
    }
    assert_eq!(
        err(&[("inter.worker.signature.algorithm", "HmacSHA512")]),
        "Invalid value HmacSHA512 for configuration inter.worker.signature.algorithm: Signature algorithm must be present in inter.worker.verification.algorithms list"
    );
    assert_eq!(
        err(&[("inter.worker.verification.algorithms", "")]),
        "Invalid value [] for configuration inter.worker.verification.algorithms: At least one signature verification algorithm must be provided"
    );
}

#[test]
fn enums_and_algorithms() {
    for (raw, want) in [
        ("EAGER", ConnectProtocol::Eager),
        ("compatible", ConnectProtocol::Compatible),
        ("Sessioned", ConnectProtocol::Sessioned),
    ] {
        let config = distributed(&[("connect.protocol", raw)]).expect(raw);
        assert_eq!(config.distributed.expect("d").connect_protocol, want);
    }
    for (raw, want) in [
        ("preparing", ExactlyOnceSourceSupport::Preparing),
        ("enabled", ExactlyOnceSourceSupport::Enabled),
    ] {
        let config = distributed(&[("exactly.once.source.support", raw)]).expect(raw);
        assert_eq!(
            config.distributed.expect("d").exactly_once_source_support,
            want
        );
    }
    let config = distributed(&[
        ("inter.worker.signature.algorithm", "HmacSHA512"),
        (
            "inter.worker.verification.algorithms",
            "HmacSHA256, HmacSHA512",
        ),
        ("inter.worker.key.size", "512"),
    ])
    .expect("valid");
    let d = config.distributed.expect("d");
    assert_eq!(
        d.inter_worker_verification_algorithms,
        ["HmacSHA256", "HmacSHA512"]
    );
    assert_eq!(d.inter_worker_key_size, Some(512));
}
