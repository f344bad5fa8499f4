//! Kafka Connect's REST entities, with their exact JSON field names
//! (`connect/runtime/.../rest/entities`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `GET /`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ServerInfo {
    pub version: String,
    pub commit: String,
    pub kafka_cluster_id: Option<String>,
}

impl ServerInfo {
    /// This build's version and commit, with the Kafka cluster id if known.
    pub fn current(kafka_cluster_id: Option<String>) -> ServerInfo {
        ServerInfo {
            version: env!("CARGO_PKG_VERSION").into(),
            commit: option_env!("FERRY_COMMIT").unwrap_or("unknown").into(),
            kafka_cluster_id,
        }
    }
}

/// `GET /health` (KIP-1017): `status` is `healthy`, `starting` or `unhealthy`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerHealth {
    pub status: String,
    pub message: String,
}

impl WorkerHealth {
    /// Kafka's answers once start-up is over (`ready`) and before.
    pub fn new(ready: bool) -> WorkerHealth {
        let (status, message) = if ready {
            (
                "healthy",
                "Worker has completed startup and is ready to handle requests.",
            )
        } else {
            ("starting", "Worker is still starting up.")
        };
        WorkerHealth {
            status: status.into(),
            message: message.into(),
        }
    }
}

/// `{"connector":"n","task":0}`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ConnectorTaskId {
    pub connector: String,
    pub task: u32,
}

/// `source`, `sink` or `unknown`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ConnectorType {
    Source,
    Sink,
    Unknown,
}

/// `{"name","config","tasks","type"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectorInfo {
    pub name: String,
    pub config: BTreeMap<String, String>,
    pub tasks: Vec<ConnectorTaskId>,
    #[serde(rename = "type")]
    pub connector_type: ConnectorType,
}

/// `{"id":{...},"config":{...}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskInfo {
    pub id: ConnectorTaskId,
    pub config: BTreeMap<String, String>,
}

/// The connector part of a status document: `{"state","worker_id"[,"trace"]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectorState {
    pub state: String,
    pub worker_id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub trace: Option<String>,
}

/// `{"id","state","worker_id"[,"trace"]}`, plus Ferry's `errors_tolerated` for connectors with
/// `errors.tolerance=all` (a Ferry extension; absent otherwise, so Kafka's shape is unchanged).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TaskStateInfo {
    pub id: u32,
    pub state: String,
    pub worker_id: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub trace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub errors_tolerated: Option<u64>,
}

/// `GET /connectors/{name}/status`: `{"name","connector","tasks","type"}`, tasks sorted by id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectorStateInfo {
    pub name: String,
    pub connector: ConnectorState,
    pub tasks: Vec<TaskStateInfo>,
    #[serde(rename = "type")]
    pub connector_type: ConnectorType,
}

/// One entry of an offsets document: `{"partition":{...},"offset":{...}|null}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectorOffset {
    pub partition: serde_json::Map<String, serde_json::Value>,
    pub offset: Option<serde_json::Map<String, serde_json::Value>>,
}

/// `{"offsets":[...]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ConnectorOffsets {
    pub offsets: Vec<ConnectorOffset>,
}

/// `{"message":"..."}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub message: String,
}

/// `{"class","type","version"}`; `version` omitted when undefined.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PluginInfo {
    pub class: String,
    #[serde(rename = "type")]
    pub plugin_type: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub version: Option<String>,
}

/// `POST /connectors` body: `{"name","config","initial_state"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateConnectorRequest {
    pub name: Option<String>,
    pub config: Option<BTreeMap<String, String>>,
    pub initial_state: Option<String>,
}
