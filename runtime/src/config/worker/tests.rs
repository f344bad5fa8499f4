//! Vectors for [`WorkerConfig::from_properties`].

use super::*;

fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

const OFFSETS: (&str, &str) = ("offset.storage.file.filename", "/tmp/connect.offsets");

fn standalone(extra: &[(&str, &str)]) -> Result<WorkerConfig, ConfigError> {
    let mut p = props(extra);
    p.entry(OFFSETS.0.to_owned())
        .or_insert_with(|| OFFSETS.1.to_owned());
    WorkerConfig::from_properties(&p, Mode::Standalone)
}

fn standalone_err(extra: &[(&str, &str)]) -> String {
    standalone(extra).expect_err("should fail").to_string()
}

#[test]
fn standalone_defaults() {
    let config = standalone(&[]).expect("valid");
    assert_eq!(config.mode, Mode::Standalone);
    assert_eq!(config.bootstrap, Bootstrap::Embedded);
    assert_eq!(config.key_converter, JSON_CONVERTER);
    assert_eq!(
        config.value_converter,
        "org.apache.kafka.connect.json.JsonConverter"
    );
    assert_eq!(
        config.header_converter,
        "org.apache.kafka.connect.storage.SimpleHeaderConverter"
    );
    assert_eq!(
        config.offset_storage_file,
        Some(PathBuf::from("/tmp/connect.offsets"))
    );
    assert_eq!(config.offset_flush_interval, Duration::from_secs(60));
    assert_eq!(config.offset_flush_timeout, Duration::from_secs(5));
    assert_eq!(
        config.task_shutdown_graceful_timeout,
        Duration::from_secs(5)
    );
    assert!(config.plugin_path.is_empty());
    assert_eq!(
        config.rest.listeners,
        [Listener {
            host: String::new(),
            port: 8083
        }]
    );
    assert_eq!(config.rest.admin_listeners, None);
    assert_eq!(config.client_id, "");
    assert_eq!(
        config.connector_client_config_override_policy,
        ClientConfigOverridePolicy::All
    );
    assert!(
        config.topic_creation_enable
            && config.topic_tracking_enable
            && config.topic_tracking_allow_reset
    );
    assert!(config.config_providers.is_empty());
    assert!(config.distributed.is_none());
    assert!(config.unknown_keys.is_empty() && config.unsupported_keys.is_empty());
    assert!(config.producer.is_empty() && config.consumer.is_empty() && config.admin.is_empty());
    assert_eq!(config.worker_id(), "localhost:8083");
}

#[test]
fn standalone_requires_an_offsets_file() {
    let err = WorkerConfig::from_properties(&props(&[]), Mode::Standalone).expect_err("missing");
    assert_eq!(
        err.to_string(),
        "Missing required configuration \"offset.storage.file.filename\" which has no default value."
    );
    assert_eq!(
        standalone_err(&[(OFFSETS.0, " ")]),
        "Invalid value  for configuration offset.storage.file.filename: String must be non-empty"
    );
}

#[test]
fn converters_and_their_settings() {
    let config = standalone(&[
        (
            "key.converter",
            "org.apache.kafka.connect.storage.StringConverter",
        ),
        ("key.converter.schemas.enable", "false"),
        ("value.converter", " JsonConverter "),
        ("value.converter.schemas.enable", "true"),
        ("value.converter.schemas.cache.size", "10"),
        ("header.converter.x", "y"),
        ("key.converter.", "dropped"),
    ])
    .expect("valid");
    assert_eq!(
        config.key_converter,
        "org.apache.kafka.connect.storage.StringConverter"
    );
    assert_eq!(config.value_converter, "JsonConverter");
    assert_eq!(
        config.key_converter_config,
        props(&[("schemas.enable", "false")])
    );
    assert_eq!(
        config.value_converter_config,
        props(&[("schemas.enable", "true"), ("schemas.cache.size", "10")])
    );
    assert_eq!(config.header_converter_config, props(&[("x", "y")]));
    assert_eq!(
        standalone_err(&[("value.converter", " ")]),
        "Invalid value   for configuration value.converter: Class   could not be found."
    );
}

#[test]
fn durations_and_lists() {
    let config = standalone(&[
        ("offset.flush.interval.ms", "10000"),
        ("offset.flush.timeout.ms", "0"),
        ("task.shutdown.graceful.timeout.ms", "250"),
        ("plugin.path", "/usr/share/java, /opt/connectors,,"),
        ("config.providers", "file,env"),
        (
            "config.providers.file.class",
            "org.apache.kafka.common.config.provider.FileConfigProvider",
        ),
        ("client.id", "worker-1"),
        ("topic.creation.enable", "FALSE"),
    ])
    .expect("valid");
    assert_eq!(config.offset_flush_interval, Duration::from_secs(10));
    assert_eq!(config.offset_flush_timeout, Duration::ZERO);
    assert_eq!(
        config.task_shutdown_graceful_timeout,
        Duration::from_millis(250)
    );
    assert_eq!(
        config.plugin_path,
        [
            PathBuf::from("/usr/share/java"),
            PathBuf::from("/opt/connectors")
        ]
    );
    assert_eq!(config.config_providers, ["file", "env"]);
    assert_eq!(
        config.config_provider_settings,
        props(&[(
            "file.class",
            "org.apache.kafka.common.config.provider.FileConfigProvider"
        )])
    );
    assert_eq!(config.client_id, "worker-1");
    assert!(!config.topic_creation_enable);
    for (key, raw, reason) in [
        ("offset.flush.interval.ms", "-1", "Value must be at least 0"),
        ("offset.flush.timeout.ms", "5s", "Not a number of type LONG"),
        (
            "task.shutdown.graceful.timeout.ms",
            "99999999999999999999",
            "Not a number of type LONG",
        ),
        (
            "topic.creation.enable",
            "yes",
            "Expected value to be either true or false",
        ),
        ("rest.advertised.port", "80.5", "Not a number of type INT"),
    ] {
        assert_eq!(
            standalone_err(&[(key, raw)]),
            format!("Invalid value {raw} for configuration {key}: {reason}")
        );
    }
}

#[test]
fn client_override_policy_errors() {
    let config = standalone(&[("connector.client.config.override.policy", " None ")]).expect("ok");
    assert_eq!(
        config.connector_client_config_override_policy,
        ClientConfigOverridePolicy::None
    );
    for raw in ["all", "com.example.MyPolicy", ""] {
        let err = standalone_err(&[("connector.client.config.override.policy", raw)]);
        assert_eq!(
            err,
            format!(
                "Invalid value {raw} for configuration connector.client.config.override.policy: \
                 must be one of All, None, Principal (or the class name of one of these built-in \
                 policies); custom policies are not supported by Ferry"
            )
        );
    }
}

#[test]
fn sample_standalone_properties_file() {
    let text = "bootstrap.servers=localhost:9092\n\
                key.converter=org.apache.kafka.connect.json.JsonConverter\n\
                value.converter=org.apache.kafka.connect.json.JsonConverter\n\
                key.converter.schemas.enable=true\nvalue.converter.schemas.enable=true\n\
                offset.storage.file.filename=/tmp/connect.offsets\n\
                # Flush much faster than normal, which is useful for testing/debugging\n\
                offset.flush.interval.ms=10000\n#plugin.path=\n";
    let map = crate::config::properties::parse(text).expect("properties");
    let config = WorkerConfig::from_properties(&map, Mode::Standalone).expect("valid");
    assert_eq!(
        config.bootstrap,
        Bootstrap::Servers(vec!["localhost:9092".into()])
    );
    assert_eq!(config.offset_flush_interval, Duration::from_secs(10));
    assert_eq!(
        config.value_converter_config,
        props(&[("schemas.enable", "true")])
    );
    assert!(config.unknown_keys.is_empty());
    assert_eq!(config.originals, map);
}
