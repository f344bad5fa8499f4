//! The distributed-mode keys (`DistributedConfig`), read only for [`super::Mode::Distributed`].
//!
//! Deviations: the inter-worker algorithms are not checked against a crypto provider (Kafka
//! asks the JVM), only that the signature algorithm is among the verification algorithms;
//! negative `*.ms` values are rejected (`Value must be at least 0`); `group.id` and the three
//! topic names must be non-empty.

use std::collections::BTreeMap;
use std::time::Duration;

use ferry_configdef::{ConfigError, ParsedConfig};

use super::keys::topic_settings;
use super::millis;

#[cfg(test)]
mod tests;

/// `connect.protocol`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectProtocol {
    /// `eager`: stop-the-world rebalances.
    Eager,
    /// `compatible`: incremental cooperative rebalancing.
    Compatible,
    /// `sessioned` (default): cooperative, with signed internal requests.
    Sessioned,
}

/// `exactly.once.source.support`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExactlyOnceSourceSupport {
    /// `disabled` (default).
    Disabled,
    /// `preparing`: transactional leader, no exactly-once tasks yet.
    Preparing,
    /// `enabled`.
    Enabled,
}

/// One internal topic of a distributed cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalTopic {
    /// The topic name.
    pub name: String,
    /// Partitions when the worker creates it (`-1`: broker default); the config topic always 1.
    pub partitions: i32,
    /// Replication factor when the worker creates it (`-1`: broker default).
    pub replication_factor: i16,
    /// Other topic-level settings under the prefix (`cleanup.policy` is always `compact`).
    pub settings: BTreeMap<String, String>,
}

/// The distributed worker settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistributedConfig {
    /// `group.id`: the Connect cluster.
    pub group_id: String,
    /// `session.timeout.ms`.
    pub session_timeout: Duration,
    /// `heartbeat.interval.ms`.
    pub heartbeat_interval: Duration,
    /// `rebalance.timeout.ms`.
    pub rebalance_timeout: Duration,
    /// `worker.sync.timeout.ms`.
    pub worker_sync_timeout: Duration,
    /// `worker.unsync.backoff.ms`.
    pub worker_unsync_backoff: Duration,
    /// `config.storage.*`.
    pub config_topic: InternalTopic,
    /// `offset.storage.*`.
    pub offset_topic: InternalTopic,
    /// `status.storage.*`.
    pub status_topic: InternalTopic,
    /// `connect.protocol`.
    pub connect_protocol: ConnectProtocol,
    /// `scheduled.rebalance.max.delay.ms`.
    pub scheduled_rebalance_max_delay: Duration,
    /// `exactly.once.source.support`.
    pub exactly_once_source_support: ExactlyOnceSourceSupport,
    /// `inter.worker.key.generation.algorithm`.
    pub inter_worker_key_generation_algorithm: String,
    /// `inter.worker.key.size` (bits; `None`: the algorithm's default).
    pub inter_worker_key_size: Option<i32>,
    /// `inter.worker.key.ttl.ms`.
    pub inter_worker_key_ttl: Duration,
    /// `inter.worker.signature.algorithm`.
    pub inter_worker_signature_algorithm: String,
    /// `inter.worker.verification.algorithms`.
    pub inter_worker_verification_algorithms: Vec<String>,
}

impl DistributedConfig {
    /// The transactional id of the leader's config-topic producer: `connect-cluster-<group.id>`.
    pub fn transactional_producer_id(&self) -> String {
        format!("connect-cluster-{}", self.group_id)
    }

    /// Reads the distributed keys from a worker definition parsed in distributed mode.
    pub(super) fn from_parsed(parsed: &ParsedConfig) -> Result<DistributedConfig, ConfigError> {
        let text = |key: &str| -> Result<String, ConfigError> {
            Ok(parsed.string(key)?.unwrap_or_default().to_owned())
        };
        let int = |key: &str| -> Result<i32, ConfigError> {
            parsed
                .int(key)?
                .ok_or_else(|| ConfigError::Missing(key.to_owned()))
        };
        let short = |key: &str| -> Result<i16, ConfigError> {
            parsed
                .short(key)?
                .ok_or_else(|| ConfigError::Missing(key.to_owned()))
        };
        let props = parsed.originals();
        let topic = |prefix: &str, partitions: i32| -> Result<InternalTopic, ConfigError> {
            Ok(InternalTopic {
                name: text(&format!("{prefix}topic"))?,
                partitions,
                replication_factor: short(&format!("{prefix}replication.factor"))?,
                settings: topic_settings(props, prefix),
            })
        };
        let protocol = text("connect.protocol")?;
        let connect_protocol = match protocol.to_ascii_lowercase().as_str() {
            "eager" => ConnectProtocol::Eager,
            "compatible" => ConnectProtocol::Compatible,
            "sessioned" => ConnectProtocol::Sessioned,
            _ => {
                return Err(ConfigError::invalid(
                    "connect.protocol",
                    protocol,
                    "Invalid Connect protocol compatibility",
                ))
            }
        };
        let exactly_once_source_support = match text("exactly.once.source.support")?.as_str() {
            "preparing" => ExactlyOnceSourceSupport::Preparing,
            "enabled" => ExactlyOnceSourceSupport::Enabled,
            _ => ExactlyOnceSourceSupport::Disabled,
        };
        let signature = text("inter.worker.signature.algorithm")?;
        let verification = parsed
            .list("inter.worker.verification.algorithms")?
            .unwrap_or_default()
            .to_vec();
        if verification.is_empty() {
            return Err(ConfigError::invalid(
                "inter.worker.verification.algorithms",
                "[]",
                "At least one signature verification algorithm must be provided",
            ));
        }
        if !verification.contains(&signature) {
            return Err(ConfigError::invalid(
                "inter.worker.signature.algorithm",
                signature,
                "Signature algorithm must be present in inter.worker.verification.algorithms list",
            ));
        }
        Ok(DistributedConfig {
            group_id: text("group.id")?,
            session_timeout: millis(parsed, "session.timeout.ms")?,
            heartbeat_interval: millis(parsed, "heartbeat.interval.ms")?,
            rebalance_timeout: millis(parsed, "rebalance.timeout.ms")?,
            worker_sync_timeout: millis(parsed, "worker.sync.timeout.ms")?,
            worker_unsync_backoff: millis(parsed, "worker.unsync.backoff.ms")?,
            config_topic: topic("config.storage.", 1)?,
            offset_topic: topic("offset.storage.", int("offset.storage.partitions")?)?,
            status_topic: topic("status.storage.", int("status.storage.partitions")?)?,
            connect_protocol,
            scheduled_rebalance_max_delay: millis(parsed, "scheduled.rebalance.max.delay.ms")?,
            exactly_once_source_support,
            inter_worker_key_generation_algorithm: text("inter.worker.key.generation.algorithm")?,
            inter_worker_key_size: parsed.int("inter.worker.key.size")?,
            inter_worker_key_ttl: millis(parsed, "inter.worker.key.ttl.ms")?,
            inter_worker_signature_algorithm: signature,
            inter_worker_verification_algorithms: verification,
        })
    }
}
