//! The worker's `ConfigDef`: Kafka's `WorkerConfig.baseConfigDef()` (the keys Ferry uses),
//! `RestServerConfig`, `StandaloneConfig` and `DistributedConfig`, with Ferry's deviations:
//!
//! * `bootstrap.servers` defaults to `embedded` (an in-process broker) instead of `localhost:9092`;
//! * `key.converter` / `value.converter` default to the `JsonConverter` instead of being required;
//! * `client.id` is defined in both modes (Kafka: distributed only);
//! * the `*.ms` durations of the base definition must be `>= 0` (Kafka accepts negatives);
//! * `offset.storage.file.filename` must be non-empty.
//!
//! Keys Kafka defines but Ferry ignores (metrics, `plugin.discovery`, REST extensions, ...) are
//! not defined here; see `keys::UNSUPPORTED`.

use ferry_configdef::{ConfigDef, ConfigKey, ConfigType, Importance, Validator};

use super::Mode;
use ConfigType::{Boolean, Class, Int, List, Long, Short, String as Str};
use Importance::{High, Low, Medium};
use KeyDefault::{Null, Required, Value};

/// `org.apache.kafka.connect.json.JsonConverter`, Ferry's default key and value converter.
pub const JSON_CONVERTER: &str = "org.apache.kafka.connect.json.JsonConverter";
/// `org.apache.kafka.connect.storage.SimpleHeaderConverter`, the default header converter.
pub const SIMPLE_HEADER_CONVERTER: &str = "org.apache.kafka.connect.storage.SimpleHeaderConverter";

#[derive(Clone, Copy)]
enum KeyDefault {
    Required,
    Null,
    Value(&'static str),
}

/// `(name, type, default, importance, doc)`.
type Row = (
    &'static str,
    ConfigType,
    KeyDefault,
    Importance,
    &'static str,
);

/// Keys of every worker (`WorkerConfig` + `RestServerConfig` + Ferry's `client.id`).
#[rustfmt::skip]
const BASE: &[Row] = &[
    ("bootstrap.servers", List, Value("embedded"), High, "Kafka brokers as host1:port1,host2:port2,... or `embedded` (Ferry's default) for an in-process broker."),
    ("key.converter", Class, Value(JSON_CONVERTER), High, "Converter class for record keys (Ferry default: JsonConverter; required in Kafka)."),
    ("value.converter", Class, Value(JSON_CONVERTER), High, "Converter class for record values (Ferry default: JsonConverter; required in Kafka)."),
    ("task.shutdown.graceful.timeout.ms", Long, Value("5000"), Low, "Total time to wait for tasks to shut down gracefully, not per task."),
    ("offset.flush.interval.ms", Long, Value("60000"), Low, "Interval at which to try committing offsets for tasks."),
    ("offset.flush.timeout.ms", Long, Value("5000"), Low, "Maximum time to wait for records to flush and offsets to be committed before cancelling the attempt."),
    ("plugin.path", List, Null, Low, "Comma-separated directories containing plugins."),
    ("header.converter", Class, Value(SIMPLE_HEADER_CONVERTER), Low, "HeaderConverter class for record headers."),
    ("config.providers", List, Value(""), Low, "Names of ConfigProviders, each configured by config.providers.<name>.class and .param.* keys."),
    ("connector.client.config.override.policy", Str, Value("All"), Medium, "Which client settings connectors may override: All, None or Principal."),
    ("topic.creation.enable", Boolean, Value("true"), Low, "Whether source connectors may create their topics from topic.creation.* settings."),
    ("topic.tracking.enable", Boolean, Value("true"), Low, "Whether to track the set of active topics per connector."),
    ("topic.tracking.allow.reset", Boolean, Value("true"), Low, "Whether users may reset the set of active topics per connector."),
    ("listeners", List, Value("http://:8083"), Low, "Comma-separated http://host:port URIs the REST API listens on (an empty host binds all interfaces)."),
    ("rest.advertised.host.name", Str, Null, Low, "Host name given out to other workers to connect to."),
    ("rest.advertised.port", Int, Null, Low, "Port given out to other workers to connect to."),
    ("rest.advertised.listener", Str, Null, Low, "Advertised listener protocol; Ferry supports only http."),
    ("access.control.allow.origin", Str, Value(""), Low, "Value of the Access-Control-Allow-Origin header of REST responses."),
    ("access.control.allow.methods", Str, Value(""), Low, "Value of the Access-Control-Allow-Methods header for cross-origin requests."),
    ("response.http.headers.config", Str, Value(""), Low, "Rules for REST API HTTP response headers."),
    ("admin.listeners", List, Null, Low, "URIs the admin REST endpoints listen on; unset means `listeners`, empty disables them."),
    ("client.id", Str, Value(""), Low, "Client id prefix of the worker's Kafka clients."),
];

/// `StandaloneConfig`.
#[rustfmt::skip]
const STANDALONE: &[Row] = &[
    ("offset.storage.file.filename", Str, Required, High, "File to store source connector offsets."),
];

/// `DistributedConfig` (group membership, internal topics, exactly-once, inter-worker keys).
#[rustfmt::skip]
const DISTRIBUTED: &[Row] = &[
    ("group.id", Str, Required, High, "Unique string identifying the Connect cluster this worker belongs to."),
    ("session.timeout.ms", Int, Value("10000"), High, "Timeout used to detect worker failures."),
    ("rebalance.timeout.ms", Int, Value("60000"), High, "Maximum time each worker may take to join the group during a rebalance."),
    ("heartbeat.interval.ms", Int, Value("3000"), High, "Expected time between heartbeats to the group coordinator."),
    ("exactly.once.source.support", Str, Value("disabled"), High, "Exactly-once support for source connectors: disabled, preparing or enabled."),
    ("metadata.max.age.ms", Long, Value("300000"), Low, "Period after which metadata is refreshed."),
    ("send.buffer.bytes", Int, Value("131072"), Medium, "TCP send buffer size (-1: OS default)."),
    ("receive.buffer.bytes", Int, Value("32768"), Medium, "TCP receive buffer size (-1: OS default)."),
    ("reconnect.backoff.ms", Long, Value("50"), Low, "Base wait before reconnecting to a broker."),
    ("reconnect.backoff.max.ms", Long, Value("1000"), Low, "Maximum wait before reconnecting to a broker."),
    ("socket.connection.setup.timeout.ms", Long, Value("10000"), Low, "Initial socket connection setup timeout."),
    ("socket.connection.setup.timeout.max.ms", Long, Value("30000"), Low, "Maximum socket connection setup timeout."),
    ("retry.backoff.ms", Long, Value("100"), Low, "Base wait before retrying a failed request."),
    ("retry.backoff.max.ms", Long, Value("1000"), Low, "Maximum wait before retrying a failed request."),
    ("request.timeout.ms", Int, Value("40000"), Medium, "Maximum time to wait for a request's response."),
    ("connections.max.idle.ms", Long, Value("540000"), Medium, "Idle connections are closed after this long."),
    ("security.protocol", Str, Value("PLAINTEXT"), Medium, "Protocol used to communicate with brokers."),
    ("worker.sync.timeout.ms", Int, Value("3000"), Medium, "How long an out-of-sync worker waits to resynchronize before leaving the group."),
    ("worker.unsync.backoff.ms", Int, Value("300000"), Medium, "How long an out-of-sync worker stays out of the group before rejoining."),
    ("offset.storage.topic", Str, Required, High, "Topic storing source connector offsets."),
    ("offset.storage.partitions", Int, Value("25"), Low, "Partitions of the offset storage topic when created."),
    ("offset.storage.replication.factor", Short, Value("3"), Low, "Replication factor of the offset storage topic when created."),
    ("config.storage.topic", Str, Required, High, "Topic storing connector configurations."),
    ("config.storage.replication.factor", Short, Value("3"), Low, "Replication factor of the config storage topic when created."),
    ("status.storage.topic", Str, Required, High, "Topic storing connector and task statuses."),
    ("status.storage.partitions", Int, Value("5"), Low, "Partitions of the status storage topic when created."),
    ("status.storage.replication.factor", Short, Value("3"), Low, "Replication factor of the status storage topic when created."),
    ("connect.protocol", Str, Value("sessioned"), Low, "Compatibility mode for the Connect protocol: eager, compatible or sessioned."),
    ("scheduled.rebalance.max.delay.ms", Int, Value("300000"), Low, "Maximum delay before reassigning the work of departed workers."),
    ("inter.worker.key.ttl.ms", Int, Value("3600000"), Low, "TTL of the session keys used to sign internal requests."),
    ("inter.worker.key.generation.algorithm", Str, Value("HmacSHA256"), Low, "Algorithm generating internal request keys."),
    ("inter.worker.key.size", Int, Null, Low, "Size in bits of internal request keys (null: the algorithm's default)."),
    ("inter.worker.signature.algorithm", Str, Value("HmacSHA256"), Low, "Algorithm signing internal requests."),
    ("inter.worker.verification.algorithms", List, Value("HmacSHA256"), Low, "Algorithms accepted when verifying internal requests."),
    ("metadata.recovery.strategy", Str, Value("none"), Low, "Client behaviour when all known brokers are unavailable: none or rebootstrap."),
];

/// The validator of `name`, if any (Kafka's, or Ferry's where the module docs say so).
fn validator_for(name: &str) -> Option<Validator> {
    Some(match name {
        "task.shutdown.graceful.timeout.ms"
        | "offset.flush.interval.ms"
        | "offset.flush.timeout.ms" => Validator::at_least(0),
        "offset.storage.file.filename" => Validator::NonEmptyString,
        "group.id" | "offset.storage.topic" | "config.storage.topic" | "status.storage.topic" => {
            Validator::NonEmptyString
        }
        "exactly.once.source.support" => {
            Validator::valid_string(&["disabled", "preparing", "enabled"])
        }
        "metadata.max.age.ms"
        | "reconnect.backoff.ms"
        | "reconnect.backoff.max.ms"
        | "socket.connection.setup.timeout.ms"
        | "socket.connection.setup.timeout.max.ms"
        | "retry.backoff.ms"
        | "retry.backoff.max.ms"
        | "request.timeout.ms" => Validator::at_least(0),
        "send.buffer.bytes" | "receive.buffer.bytes" => Validator::at_least(-1),
        "security.protocol" => {
            Validator::valid_string(&["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"])
        }
        "offset.storage.partitions" | "status.storage.partitions" => Validator::PartitionCount,
        "offset.storage.replication.factor"
        | "config.storage.replication.factor"
        | "status.storage.replication.factor" => Validator::ReplicationFactor,
        "scheduled.rebalance.max.delay.ms" | "inter.worker.key.ttl.ms" => {
            Validator::between(0, i32::MAX)
        }
        "metadata.recovery.strategy" => {
            Validator::case_insensitive_valid_string(&["none", "rebootstrap"])
        }
        _ => return None,
    })
}

fn define_all(rows: &[Row], mut def: ConfigDef) -> ConfigDef {
    for &(name, ty, default, importance, doc) in rows {
        let mut key = ConfigKey::new(name, ty).importance(importance).doc(doc);
        key = match default {
            Required => key.required(),
            Null => key.default_null(),
            Value(raw) => key.default_value(raw),
        };
        if let Some(validator) = validator_for(name) {
            key = key.validator(validator);
        }
        def = def.define(key);
    }
    def
}

/// The worker definition for `mode`: the common keys plus the standalone or distributed ones.
pub fn worker_config_def(mode: Mode) -> ConfigDef {
    let base = define_all(BASE, ConfigDef::new());
    match mode {
        Mode::Standalone => define_all(STANDALONE, base),
        Mode::Distributed => define_all(DISTRIBUTED, base),
    }
}

/// Whether `name` is a key of either mode's definition.
pub(super) fn is_defined(name: &str) -> bool {
    [BASE, STANDALONE, DISTRIBUTED]
        .iter()
        .any(|rows| rows.iter().any(|row| row.0 == name))
}
