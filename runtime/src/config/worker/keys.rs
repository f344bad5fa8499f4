//! Which worker keys are recognized, and the prefixed key families collected into maps.

use std::collections::BTreeMap;

use super::def;

#[cfg(test)]
mod tests;

/// Kafka worker keys that Ferry accepts and ignores (reported as unsupported, never validated).
const UNSUPPORTED: &[&str] = &[
    "metrics.sample.window.ms",
    "metrics.num.samples",
    "metrics.recording.level",
    "metric.reporters",
    "auto.include.jmx.reporter",
    "plugin.discovery",
    "ssl.client.auth",
    "rest.extension.classes",
    "internal.key.converter",
    "internal.value.converter",
    "config.storage.partitions",
    "config.storage.cleanup.policy",
    "offset.storage.cleanup.policy",
    "status.storage.cleanup.policy",
];

/// Prefixes of Kafka worker keys that Ferry accepts and ignores: HTTPS listener settings and the
/// converters removed in Kafka 3.0.
const UNSUPPORTED_PREFIXES: &[&str] = &[
    "listeners.https.",
    "admin.listeners.https.",
    "internal.key.converter.",
    "internal.value.converter.",
];

/// Worker-level Kafka client settings without a prefix: Kafka applies them to the worker's own
/// clients, and they are collected into [`super::WorkerConfig::client`].
const CLIENT_KEYS: &[&str] = &[
    "client.dns.lookup",
    "security.protocol",
    "metadata.max.age.ms",
    "send.buffer.bytes",
    "receive.buffer.bytes",
    "reconnect.backoff.ms",
    "reconnect.backoff.max.ms",
    "socket.connection.setup.timeout.ms",
    "socket.connection.setup.timeout.max.ms",
    "retry.backoff.ms",
    "retry.backoff.max.ms",
    "request.timeout.ms",
    "connections.max.idle.ms",
    "metadata.recovery.strategy",
];

/// Prefixes of worker-level client security settings (`ssl.*` except `ssl.client.auth`, `sasl.*`).
const CLIENT_PREFIXES: &[&str] = &["ssl.", "sasl."];

/// Prefixed key families collected into maps (prefix stripped).
pub(super) const PRODUCER_PREFIX: &str = "producer.";
/// See [`PRODUCER_PREFIX`].
pub(super) const CONSUMER_PREFIX: &str = "consumer.";
/// See [`PRODUCER_PREFIX`]; `admin.listeners*` are REST keys, not admin client settings.
pub(super) const ADMIN_PREFIX: &str = "admin.";
/// Converter settings.
pub(super) const KEY_CONVERTER_PREFIX: &str = "key.converter.";
/// Converter settings.
pub(super) const VALUE_CONVERTER_PREFIX: &str = "value.converter.";
/// Converter settings.
pub(super) const HEADER_CONVERTER_PREFIX: &str = "header.converter.";
/// `config.providers.<name>.class` and `config.providers.<name>.param.<key>`.
pub(super) const CONFIG_PROVIDERS_PREFIX: &str = "config.providers.";
/// Distributed internal topic settings (`<prefix><topic config>`).
pub(super) const STORAGE_PREFIXES: [&str; 3] =
    ["config.storage.", "offset.storage.", "status.storage."];

/// How a worker key is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyKind {
    /// A key of either mode's definition, or of a collected family.
    Known,
    /// A Kafka worker key that Ferry ignores.
    Unsupported,
    /// Neither.
    Unknown,
}

/// Classifies `key`.
pub(super) fn classify(key: &str) -> KeyKind {
    if UNSUPPORTED.contains(&key) || UNSUPPORTED_PREFIXES.iter().any(|p| key.starts_with(p)) {
        return KeyKind::Unsupported;
    }
    let families = [
        PRODUCER_PREFIX,
        CONSUMER_PREFIX,
        ADMIN_PREFIX,
        KEY_CONVERTER_PREFIX,
        VALUE_CONVERTER_PREFIX,
        HEADER_CONVERTER_PREFIX,
        CONFIG_PROVIDERS_PREFIX,
    ];
    let known = def::is_defined(key)
        || is_client_key(key)
        || families
            .iter()
            .chain(&STORAGE_PREFIXES)
            .any(|p| key.starts_with(p));
    if known {
        KeyKind::Known
    } else {
        KeyKind::Unknown
    }
}

/// Whether `key` is a worker-level client setting (see [`CLIENT_KEYS`], [`CLIENT_PREFIXES`]).
pub(super) fn is_client_key(key: &str) -> bool {
    CLIENT_KEYS.contains(&key)
        || (CLIENT_PREFIXES.iter().any(|p| key.starts_with(p)) && !UNSUPPORTED.contains(&key))
}

/// The keys starting with `prefix`, with the prefix stripped (an empty remainder is dropped).
pub(super) fn with_prefix(
    props: &BTreeMap<String, String>,
    prefix: &str,
) -> BTreeMap<String, String> {
    props
        .iter()
        .filter_map(|(k, v)| k.strip_prefix(prefix).map(|rest| (rest, v)))
        .filter(|(rest, _)| !rest.is_empty())
        .map(|(rest, v)| (rest.to_owned(), v.clone()))
        .collect()
}

/// Admin client settings: `admin.*` minus the REST keys `admin.listeners` and
/// `admin.listeners.https.*`.
pub(super) fn admin_settings(props: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let mut map = with_prefix(props, ADMIN_PREFIX);
    map.retain(|k, _| k != "listeners" && !k.starts_with("listeners."));
    map
}

/// Settings of a distributed internal topic: `<prefix>*` minus `topic`, `partitions`,
/// `replication.factor` and `cleanup.policy` (always `compact`), as
/// `DistributedConfig.topicSettings`.
pub(super) fn topic_settings(
    props: &BTreeMap<String, String>,
    prefix: &str,
) -> BTreeMap<String, String> {
    let mut map = with_prefix(props, prefix);
    map.retain(|k, _| {
        !matches!(
            k.as_str(),
            "topic" | "partitions" | "replication.factor" | "cleanup.policy"
        )
    });
    if prefix == "offset.storage." {
        map.remove("file.filename");
    }
    map
}
