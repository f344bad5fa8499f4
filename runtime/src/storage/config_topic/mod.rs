//! Connector configs, task configs, target states, session keys and restart requests in
//! `config.storage.topic` (Kafka's `KafkaConfigBackingStore`), in Kafka Connect's formats.
//!
//! `records` reads each record kind, `encode` writes them, `state` applies records to a
//! [`ConfigState`] and `topic` is the [`ConfigTopic`] over a [`super::KafkaLog`].

mod encode;
mod records;
mod state;
mod topic;

use std::collections::{BTreeMap, BTreeSet};

use crate::config::TargetState;

pub use topic::ConfigTopic;

/// A connector or task config.
pub type ConfigMap = BTreeMap<String, String>;

/// `session-key`: `{"key":"<base64>","algorithm":"HmacSHA256","creation-timestamp":<ms>}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionKey {
    /// The raw key bytes.
    pub key: Vec<u8>,
    /// The MAC algorithm (`HmacSHA256`).
    pub algorithm: String,
    /// When the leader created the key, in ms since the epoch.
    pub creation_timestamp_ms: i64,
}

/// `restart-connector-<name>`: `{"include-tasks":bool,"only-failed":bool}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestartRequest {
    /// The connector to restart.
    pub connector: String,
    /// Restart its tasks too (a field that is not a boolean reads as `false`).
    pub include_tasks: bool,
    /// Restart only what failed (a field that is not a boolean reads as `false`).
    pub only_failed: bool,
}

/// What the config topic says, as far as it has been read.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigState {
    /// The next offset to read: the "config offset" of the group protocol (`-1`, Kafka's
    /// initial value, before any record was read; also the [`Default`]). It moves past every
    /// record whose value is JSON or a tombstone, malformed or not; a value that is not JSON
    /// leaves it unchanged, as in Kafka.
    pub offset: i64,
    /// Connector configs (`connector-<name>`).
    pub connectors: BTreeMap<String, ConfigMap>,
    /// Target states (`target-state-<name>`); a connector without one is STARTED. A target
    /// state may be present for a connector without a config (written just before it).
    pub targets: BTreeMap<String, TargetState>,
    /// Committed task configs (`task-<name>-<n>` applied by `commit-<name>`): exactly the tasks
    /// `0..N` of the connector's last consistent commit (an empty list after `{"tasks":0}`).
    /// Use [`ConfigState::task_configs`], which hides the tasks of inconsistent connectors.
    pub tasks: BTreeMap<String, Vec<ConfigMap>>,
    /// Connectors whose last commit did not match the buffered task configs: their tasks are
    /// reported as `[]` until rewritten.
    pub inconsistent: BTreeSet<String>,
    /// The current session key.
    pub session_key: Option<SessionKey>,
    /// Task count records (`tasks-fencing-<name>`, exactly-once sources): kept, not acted on.
    pub task_count_records: BTreeMap<String, u32>,
}

impl Default for ConfigState {
    fn default() -> ConfigState {
        ConfigState {
            offset: -1,
            connectors: BTreeMap::new(),
            targets: BTreeMap::new(),
            tasks: BTreeMap::new(),
            inconsistent: BTreeSet::new(),
            session_key: None,
            task_count_records: BTreeMap::new(),
        }
    }
}

impl ConfigState {
    /// A connector's target state (STARTED when none was written).
    pub fn target(&self, connector: &str) -> TargetState {
        self.targets
            .get(connector)
            .copied()
            .unwrap_or(TargetState::Started)
    }

    /// The committed task configs of a connector (none when inconsistent).
    pub fn task_configs(&self, connector: &str) -> &[ConfigMap] {
        if self.inconsistent.contains(connector) {
            return &[];
        }
        self.tasks.get(connector).map(Vec::as_slice).unwrap_or(&[])
    }
}

/// A change read from the config topic, sent to the herder in topic order. Only records read
/// after [`ConfigTopic::open`]'s initial read to the end are sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigChange {
    /// A connector config was written (created or updated).
    ConnectorConfig(String),
    /// A connector was deleted (tombstone).
    ConnectorRemoved(String),
    /// A commit record for an existing connector: new task configs applied, or the connector
    /// is now inconsistent (see [`ConfigState::inconsistent`]).
    TasksCommitted(String),
    /// The target state of an existing connector changed (not sent for a tombstone, for a
    /// connector without a config, or for the state it already had).
    TargetState(String),
    /// A new session key.
    SessionKey,
    /// A restart request.
    Restart(RestartRequest),
    /// A cluster-scoped logging level (KIP-976).
    LoggerLevel { namespace: String, level: String },
}
