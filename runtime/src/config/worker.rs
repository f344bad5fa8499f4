//! [`WorkerConfig`]: the typed worker configuration, built from the worker properties file with
//! Kafka's keys, defaults, validators and messages (see `def.rs` for the definitions).
//!
//! Deliberate deviations from Kafka:
//! * `bootstrap.servers` unset, or set to the literal `embedded`, means an in-process embedded
//!   broker ([`Bootstrap::Embedded`]); Kafka defaults to `localhost:9092`.
//! * `key.converter` and `value.converter` default to
//!   `org.apache.kafka.connect.json.JsonConverter` when absent; Kafka requires both.
//! * Only HTTP listeners (see [`RestConfig`]) and the built-in client override policies exist.
//! * Unknown keys are returned in [`WorkerConfig::unknown_keys`], and Kafka keys Ferry ignores
//!   in [`WorkerConfig::unsupported_keys`], for the caller to log once
//!   ([`WorkerConfig::log_ignored_keys`]).
//! * Distributed-only keys (`group.id`, `config.storage.topic`, ...) are recognized in both
//!   modes but parsed and validated only for [`Mode::Distributed`].

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

use ferry_configdef::{ConfigError, ParsedConfig, ParsedValue};

mod bootstrap;
mod def;
mod distributed;
mod keys;
mod policy;
mod rest;
#[cfg(test)]
mod tests;

pub use bootstrap::Bootstrap;
pub use def::{worker_config_def, JSON_CONVERTER, SIMPLE_HEADER_CONVERTER};
pub use distributed::{
    ConnectProtocol, DistributedConfig, ExactlyOnceSourceSupport, InternalTopic,
};
pub use policy::ClientConfigOverridePolicy;
pub use rest::{Listener, RestConfig};

/// How the worker runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One worker; offsets in `offset.storage.file.filename` (`connect-standalone`).
    Standalone,
    /// A cluster coordinated through Kafka (`connect-distributed`).
    Distributed,
}

/// The typed worker configuration. See the module docs for deviations from Kafka.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerConfig {
    /// The mode the configuration was read for.
    pub mode: Mode,
    /// `bootstrap.servers`.
    pub bootstrap: Bootstrap,
    /// `key.converter` (class name or alias).
    pub key_converter: String,
    /// `value.converter`.
    pub value_converter: String,
    /// `header.converter`.
    pub header_converter: String,
    /// `key.converter.*`, prefix stripped.
    pub key_converter_config: BTreeMap<String, String>,
    /// `value.converter.*`, prefix stripped.
    pub value_converter_config: BTreeMap<String, String>,
    /// `header.converter.*`, prefix stripped.
    pub header_converter_config: BTreeMap<String, String>,
    /// `offset.storage.file.filename` (standalone only; required there).
    pub offset_storage_file: Option<PathBuf>,
    /// `offset.flush.interval.ms`.
    pub offset_flush_interval: Duration,
    /// `offset.flush.timeout.ms`.
    pub offset_flush_timeout: Duration,
    /// `task.shutdown.graceful.timeout.ms` (total, not per task).
    pub task_shutdown_graceful_timeout: Duration,
    /// `plugin.path`, empty items dropped.
    pub plugin_path: Vec<PathBuf>,
    /// The REST server settings.
    pub rest: RestConfig,
    /// `client.id`.
    pub client_id: String,
    /// `connector.client.config.override.policy`.
    pub connector_client_config_override_policy: ClientConfigOverridePolicy,
    /// `topic.creation.enable`.
    pub topic_creation_enable: bool,
    /// `topic.tracking.enable`.
    pub topic_tracking_enable: bool,
    /// `topic.tracking.allow.reset`.
    pub topic_tracking_allow_reset: bool,
    /// `config.providers`.
    pub config_providers: Vec<String>,
    /// `config.providers.*`, prefix stripped (`<name>.class`, `<name>.param.<key>`).
    pub config_provider_settings: BTreeMap<String, String>,
    /// Unprefixed worker-level client settings (`security.protocol`, `ssl.*`, `sasl.*`,
    /// `client.dns.lookup`, `request.timeout.ms`, ...), applied to every client the worker makes.
    pub client: BTreeMap<String, String>,
    /// `producer.*`, prefix stripped.
    pub producer: BTreeMap<String, String>,
    /// `consumer.*`, prefix stripped.
    pub consumer: BTreeMap<String, String>,
    /// `admin.*`, prefix stripped (without the REST keys `admin.listeners*`).
    pub admin: BTreeMap<String, String>,
    /// The distributed settings; `Some` exactly for [`Mode::Distributed`].
    pub distributed: Option<DistributedConfig>,
    /// Keys that are neither Kafka worker keys nor in a known family, sorted.
    pub unknown_keys: Vec<String>,
    /// Kafka worker keys that Ferry ignores (metrics, `plugin.discovery`, HTTPS settings, ...).
    pub unsupported_keys: Vec<String>,
    /// The properties as given.
    pub originals: BTreeMap<String, String>,
}

impl WorkerConfig {
    /// Builds the configuration for `mode`. Fails with the first invalid value (Kafka's
    /// `Invalid value <v> for configuration <k>: <reason>`) or missing required key (Kafka's
    /// `Missing required configuration "<k>" which has no default value.`).
    pub fn from_properties(
        props: &BTreeMap<String, String>,
        mode: Mode,
    ) -> Result<WorkerConfig, ConfigError> {
        let parsed = worker_config_def(mode).parse(props)?;
        let class = |key: &str| -> Result<String, ConfigError> {
            Ok(parsed.string(key)?.unwrap_or_default().to_owned())
        };
        let flag = |key: &str| -> Result<bool, ConfigError> {
            Ok(parsed.boolean(key)?.unwrap_or_default())
        };
        let list = |key: &str| -> Result<Vec<String>, ConfigError> {
            Ok(parsed.list(key)?.unwrap_or_default().to_vec())
        };
        let policy_text = class("connector.client.config.override.policy")?;
        let policy = ClientConfigOverridePolicy::parse(&policy_text).ok_or_else(|| {
            ConfigError::invalid(
                "connector.client.config.override.policy",
                &policy_text,
                "must be one of All, None, Principal (or the class name of one of these built-in policies); custom policies are not supported by Ferry",
            )
        })?;
        let (mut unknown_keys, mut unsupported_keys) = (Vec::new(), Vec::new());
        for key in props.keys() {
            match keys::classify(key) {
                keys::KeyKind::Known => {}
                keys::KeyKind::Unsupported => unsupported_keys.push(key.clone()),
                keys::KeyKind::Unknown => unknown_keys.push(key.clone()),
            }
        }
        let offset_storage_file = match mode {
            Mode::Standalone => parsed
                .string("offset.storage.file.filename")?
                .map(PathBuf::from),
            Mode::Distributed => None,
        };
        let distributed = match mode {
            Mode::Standalone => None,
            Mode::Distributed => Some(DistributedConfig::from_parsed(&parsed)?),
        };
        Ok(WorkerConfig {
            mode,
            bootstrap: Bootstrap::from_items(&list("bootstrap.servers")?)?,
            key_converter: class("key.converter")?,
            value_converter: class("value.converter")?,
            header_converter: class("header.converter")?,
            key_converter_config: keys::with_prefix(props, keys::KEY_CONVERTER_PREFIX),
            value_converter_config: keys::with_prefix(props, keys::VALUE_CONVERTER_PREFIX),
            header_converter_config: keys::with_prefix(props, keys::HEADER_CONVERTER_PREFIX),
            offset_storage_file,
            offset_flush_interval: millis(&parsed, "offset.flush.interval.ms")?,
            offset_flush_timeout: millis(&parsed, "offset.flush.timeout.ms")?,
            task_shutdown_graceful_timeout: millis(&parsed, "task.shutdown.graceful.timeout.ms")?,
            plugin_path: list("plugin.path")?
                .into_iter()
                .filter(|p| !p.is_empty())
                .map(PathBuf::from)
                .collect(),
            rest: RestConfig::from_parsed(&parsed)?,
            client_id: class("client.id")?,
            connector_client_config_override_policy: policy,
            topic_creation_enable: flag("topic.creation.enable")?,
            topic_tracking_enable: flag("topic.tracking.enable")?,
            topic_tracking_allow_reset: flag("topic.tracking.allow.reset")?,
            config_providers: list("config.providers")?,
            config_provider_settings: keys::with_prefix(props, keys::CONFIG_PROVIDERS_PREFIX),
            client: props
                .iter()
                .filter(|(k, _)| keys::is_client_key(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            producer: keys::with_prefix(props, keys::PRODUCER_PREFIX),
            consumer: keys::with_prefix(props, keys::CONSUMER_PREFIX),
            admin: keys::admin_settings(props),
            distributed,
            unknown_keys,
            unsupported_keys,
            originals: props.clone(),
        })
    }

    /// The worker id before the REST server is bound: the advertised host (or the first
    /// listener's host, or `localhost` where Kafka would use the local IP address) and the
    /// advertised port (or the first listener's port, `0` if ephemeral). Once bound, use
    /// [`RestConfig::worker_id_for`] with the real local address and port.
    pub fn worker_id(&self) -> String {
        self.rest.worker_id_for("localhost", None)
    }

    /// Logs each ignored key once: `Ignoring unknown worker config key <k>` for
    /// [`WorkerConfig::unknown_keys`] and `Ignoring worker config key <k>: not supported by Ferry`
    /// for [`WorkerConfig::unsupported_keys`].
    pub fn log_ignored_keys(&self) {
        for key in &self.unknown_keys {
            tracing::warn!("Ignoring unknown worker config key {key}");
        }
        for key in &self.unsupported_keys {
            tracing::warn!("Ignoring worker config key {key}: not supported by Ferry");
        }
    }
}

/// A non-negative `INT` or `LONG` millisecond value as a [`Duration`].
fn millis(parsed: &ParsedConfig, key: &str) -> Result<Duration, ConfigError> {
    let value = match parsed.get(key) {
        Some(ParsedValue::Int(v)) => i64::from(*v),
        Some(ParsedValue::Long(v)) => *v,
        _ => return Err(ConfigError::Missing(key.to_owned())),
    };
    u64::try_from(value)
        .map(Duration::from_millis)
        .map_err(|_| ConfigError::invalid(key, value.to_string(), "Value must be at least 0"))
}
