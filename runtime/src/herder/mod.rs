//! The herder: what the REST API asks of a worker, independent of the mode. Standalone mode
//! implements it in [`standalone`]; distributed mode will implement the same trait.
//!
//! **API Boundary:** the REST layer talks only to [`Herder`]. Methods block (they may call into
//! plugins or wait for Kafka), so the REST layer calls them from `spawn_blocking`, never from a
//! tokio worker thread.

pub mod distributed;
pub mod entities;
mod error;
mod plugins;
mod put;
pub mod standalone;
mod validate;

use std::collections::BTreeMap;

pub use entities::*;
pub use error::HerderError;

use crate::config::TargetState;

/// A connector config as users write it.
pub type ConfigMap = BTreeMap<String, String>;

/// Result of a config write: whether the connector was created (201) or updated (200).
#[derive(Debug, Clone, PartialEq)]
pub struct Created {
    pub created: bool,
    pub info: ConnectorInfo,
}

/// The signature headers of an internal request, with the body they sign.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InternalSignature {
    /// `X-Connect-Authorization`: base64 HMAC of the body.
    pub signature: String,
    /// `X-Connect-Request-Signature-Algorithm`, e.g. `HmacSHA256`.
    pub algorithm: String,
    /// The raw request body.
    pub body: Vec<u8>,
}

/// Kafka Connect's `Herder`, as the REST API uses it.
pub trait Herder: Send + Sync + 'static {
    /// `GET /`.
    fn server_info(&self) -> ServerInfo;
    /// `GET /health`.
    fn health(&self) -> WorkerHealth;

    /// `GET /connectors`: names, sorted.
    fn connectors(&self) -> Vec<String>;
    /// `GET /connectors/{name}`.
    fn connector_info(&self, name: &str) -> Result<ConnectorInfo, HerderError>;
    /// `GET /connectors/{name}/config`.
    fn connector_config(&self, name: &str) -> Result<ConfigMap, HerderError>;
    /// `POST /connectors` (`allow_replace = false`: an existing name is 409) and
    /// `PUT /connectors/{name}/config` (`allow_replace = true`). Validates first; a config with
    /// errors is a 400 listing them all.
    fn put_connector_config(
        &self,
        name: &str,
        config: ConfigMap,
        allow_replace: bool,
        initial_state: Option<TargetState>,
    ) -> Result<Created, HerderError>;
    /// `PATCH /connectors/{name}/config`: `None` values delete keys.
    fn patch_connector_config(
        &self,
        name: &str,
        patch: BTreeMap<String, Option<String>>,
    ) -> Result<ConnectorInfo, HerderError>;
    /// `DELETE /connectors/{name}`.
    fn delete_connector(&self, name: &str) -> Result<(), HerderError>;

    /// `GET /connectors/{name}/status`.
    fn connector_status(&self, name: &str) -> Result<ConnectorStateInfo, HerderError>;
    /// `GET /connectors/{name}/tasks/{task}/status`.
    fn task_status(&self, name: &str, task: u32) -> Result<TaskStateInfo, HerderError>;
    /// `GET /connectors/{name}/tasks`.
    fn task_configs(&self, name: &str) -> Result<Vec<TaskInfo>, HerderError>;

    /// `POST /connectors/{name}/restart`: `None` when only the connector was restarted
    /// (204 in Kafka), the plan otherwise (202).
    fn restart_connector(
        &self,
        name: &str,
        include_tasks: bool,
        only_failed: bool,
    ) -> Result<Option<ConnectorStateInfo>, HerderError>;
    /// `POST /connectors/{name}/tasks/{task}/restart`.
    fn restart_task(&self, name: &str, task: u32) -> Result<(), HerderError>;
    /// `PUT /connectors/{name}/pause|resume|stop`.
    fn set_target_state(&self, name: &str, state: TargetState) -> Result<(), HerderError>;

    /// `GET /connectors/{name}/topics`.
    fn active_topics(&self, name: &str) -> Result<Vec<String>, HerderError>;
    /// `PUT /connectors/{name}/topics/reset`.
    fn reset_active_topics(&self, name: &str) -> Result<(), HerderError>;

    /// `GET /connectors/{name}/offsets`.
    fn offsets(&self, name: &str) -> Result<ConnectorOffsets, HerderError>;
    /// `PATCH /connectors/{name}/offsets`: returns Kafka's success message.
    fn alter_offsets(&self, name: &str, offsets: ConnectorOffsets) -> Result<Message, HerderError>;
    /// `DELETE /connectors/{name}/offsets`: returns Kafka's success message.
    fn reset_offsets(&self, name: &str) -> Result<Message, HerderError>;

    /// `GET /connector-plugins`.
    fn plugins(&self, connectors_only: bool) -> Vec<PluginInfo>;
    /// `GET /connector-plugins/{plugin}/config`: ConfigKeyInfo documents.
    fn plugin_config(&self, plugin: &str) -> Result<Vec<serde_json::Value>, HerderError>;
    /// `PUT /connector-plugins/{plugin}/config/validate`: the ConfigInfos document.
    fn validate(&self, plugin: &str, config: ConfigMap) -> Result<serde_json::Value, HerderError>;
    /// Internal `POST /connectors/{name}/tasks`: the task configs a follower's connector
    /// generated, for the leader to write. `forwarded`: the request carried a `forward` param.
    fn put_task_configs(
        &self,
        name: &str,
        configs: Vec<ConfigMap>,
        signature: Option<InternalSignature>,
        forwarded: bool,
    ) -> Result<(), HerderError> {
        let _ = (name, configs, signature, forwarded);
        Err(HerderError::Internal(
            "Kafka Connect in standalone mode does not support externally setting task configurations."
                .into(),
        ))
    }

    /// `PUT /admin/loggers/{namespace}?scope=cluster`: `Ok(true)` when the level was written
    /// for every worker of the cluster (each applies it when it reads it back, this one
    /// included); `Ok(false)` without a cluster (standalone), where the caller applies it.
    /// `level` is the request's text, already checked to be a level (Kafka writes it as sent).
    fn set_cluster_logger_level(&self, namespace: &str, level: &str) -> Result<bool, HerderError> {
        let _ = (namespace, level);
        Ok(false)
    }

    /// Internal `PUT /connectors/{name}/fence` (exactly-once source zombie fencing).
    fn fence_zombies(
        &self,
        name: &str,
        signature: Option<InternalSignature>,
    ) -> Result<(), HerderError> {
        let _ = (name, signature);
        Err(HerderError::Internal(
            "Kafka Connect in standalone mode does not support exactly-once source connectors."
                .into(),
        ))
    }

    /// `GET /connector-plugins/failures` (a Ferry extension): files on `plugin.path` that could
    /// not be loaded, and why.
    fn plugin_failures(&self) -> Vec<crate::plugin::RejectedFile> {
        Vec::new()
    }
}
