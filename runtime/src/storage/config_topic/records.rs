//! Reading the config topic's records as Kafka Connect does (`KafkaConfigBackingStore`'s
//! `ConsumeCallback`): UTF-8 string keys, JSON values read by a schemaless JsonConverter.
//! [`super::encode`] writes them.

use base64::alphabet;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine as _;
use serde_json::{Map, Value};
use tracing::warn;

use super::{ConfigMap, RestartRequest, SessionKey};
use crate::config::TargetState;

pub(super) const TARGET_STATE_PREFIX: &str = "target-state-";
pub(super) const CONNECTOR_PREFIX: &str = "connector-";
pub(super) const TASK_PREFIX: &str = "task-";
pub(super) const COMMIT_PREFIX: &str = "commit-";
pub(super) const RESTART_PREFIX: &str = "restart-connector-";
pub(super) const TASK_COUNT_PREFIX: &str = "tasks-fencing-";
pub(super) const SESSION_KEY_KEY: &str = "session-key";
pub(super) const LOGGER_CLUSTER_PREFIX: &str = "logger-cluster-";

/// Java's `Base64.getDecoder()`: the standard alphabet, padding optional.
const JAVA_BASE64_DECODER: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// One parsed record. `None` values are tombstones where Kafka gives them a meaning.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum ConfigRecord {
    /// `connector-<name>`: a config, or `None` (tombstone) for a deletion.
    Connector {
        name: String,
        config: Option<ConfigMap>,
    },
    /// `target-state-<name>`: a state, or `None` (tombstone).
    TargetState {
        name: String,
        state: Option<TargetState>,
    },
    /// `task-<name>-<n>`.
    Task {
        connector: String,
        task: u32,
        config: ConfigMap,
    },
    /// `commit-<name>`: the task count, or why the value is unusable (Kafka checks that the
    /// connector exists before it looks at the value).
    Commit {
        connector: String,
        tasks: Result<u32, String>,
    },
    /// `restart-connector-<name>`.
    Restart(RestartRequest),
    /// `tasks-fencing-<name>`.
    TaskCount { connector: String, count: u32 },
    /// `session-key`.
    SessionKey(SessionKey),
    /// `logger-cluster-<namespace>`.
    LoggerLevel { namespace: String, level: String },
}

/// A record value as the schemaless JsonConverter gives it: `Ok(None)` for a tombstone (or the
/// JSON literal `null`); an error when the bytes are not JSON.
pub(super) fn decode_value(value: Option<&[u8]>) -> Result<Option<Value>, serde_json::Error> {
    match value {
        None => Ok(None),
        Some(bytes) => match serde_json::from_slice::<Value>(bytes)? {
            Value::Null => Ok(None),
            v => Ok(Some(v)),
        },
    }
}

/// Parses one record (prefix checks in Kafka's order). An error is the message to log, at
/// ERROR, for a record that is skipped.
pub(super) fn parse(key: &str, value: Option<Value>) -> Result<ConfigRecord, String> {
    if let Some(name) = key.strip_prefix(TARGET_STATE_PREFIX) {
        let state = value.map(|v| parse_target_state(key, &v)).transpose()?;
        Ok(ConfigRecord::TargetState {
            name: name.to_string(),
            state,
        })
    } else if let Some(name) = key.strip_prefix(CONNECTOR_PREFIX) {
        let config = value
            .map(|v| properties(key, &v, "configuration for connector"))
            .transpose()?;
        Ok(ConfigRecord::Connector {
            name: name.to_string(),
            config,
        })
    } else if key.starts_with(TASK_PREFIX) {
        let (connector, task) = parse_task_key(key).ok_or_else(|| {
            format!(
                "Ignoring task configuration because {key} couldn't be parsed as a task config key"
            )
        })?;
        let value = value.ok_or_else(|| {
            format!("Ignoring task configuration for task {connector}-{task} because it is unexpectedly null")
        })?;
        let config = properties(key, &value, "configuration for task")?;
        Ok(ConfigRecord::Task {
            connector,
            task,
            config,
        })
    } else if let Some(name) = key.strip_prefix(COMMIT_PREFIX) {
        let tasks = match &value {
            Some(Value::Object(map)) => count(map, "tasks"),
            other => Err(format!(
                "Ignoring connector tasks configuration commit for connector '{name}' because it is in the wrong format: {}",
                type_name(other.as_ref())
            )),
        };
        Ok(ConfigRecord::Commit {
            connector: name.to_string(),
            tasks,
        })
    } else if let Some(name) = key.strip_prefix(RESTART_PREFIX) {
        let Some(Value::Object(map)) = &value else {
            return Err(format!(
                "Ignoring restart request because the value is not a Map but is {}",
                type_name(value.as_ref())
            ));
        };
        Ok(ConfigRecord::Restart(RestartRequest {
            connector: name.to_string(),
            include_tasks: flag(key, map, "include-tasks"),
            only_failed: flag(key, map, "only-failed"),
        }))
    } else if let Some(name) = key.strip_prefix(TASK_COUNT_PREFIX) {
        let Some(Value::Object(map)) = &value else {
            return Err(format!(
                "Ignoring task count record for connector '{name}' because it is in the wrong format: {}",
                type_name(value.as_ref())
            ));
        };
        Ok(ConfigRecord::TaskCount {
            connector: name.to_string(),
            count: count(map, "task-count")?,
        })
    } else if key == SESSION_KEY_KEY {
        parse_session_key(value).map(ConfigRecord::SessionKey)
    } else if let Some(namespace) = key.strip_prefix(LOGGER_CLUSTER_PREFIX) {
        let map = match &value {
            Some(Value::Object(map)) => map,
            None => {
                return Err(format!(
                    "Ignoring logging level for namespace {namespace} because it is unexpectedly null"
                ))
            }
            Some(other) => {
                return Err(format!(
                    "Ignoring logging level for namespace {namespace} because the value is not a Map but is {}",
                    type_name(Some(other))
                ))
            }
        };
        let Some(Value::String(level)) = map.get("level") else {
            return Err(format!(
                "Invalid data for logging level key 'level' field with namespace {namespace}; should be a String but it is {}",
                type_name(map.get("level"))
            ));
        };
        Ok(ConfigRecord::LoggerLevel {
            namespace: namespace.to_string(),
            level: level.clone(),
        })
    } else {
        Err(format!(
            "Discarding config update record with invalid key: {key}"
        ))
    }
}

/// `task-<connector>-<n>` as Kafka's `parseTaskId` reads it: Java's `key.split("-")` (which
/// drops trailing empty parts), at least three parts, the last one the task number.
pub(super) fn parse_task_key(key: &str) -> Option<(String, u32)> {
    let rest = key.strip_prefix(TASK_PREFIX)?.trim_end_matches('-');
    let (connector, task) = rest.rsplit_once('-')?;
    let task = task.parse::<i32>().ok()?;
    Some((connector.to_string(), u32::try_from(task).ok()?))
}

fn parse_target_state(key: &str, value: &Value) -> Result<TargetState, String> {
    let Value::Object(map) = value else {
        return Err(format!(
            "Ignoring target state because it is in the wrong format: {}",
            type_name(Some(value))
        ));
    };
    let v2 = match map.get("state.v2") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        Some(other) => {
            tracing::error!(
                key,
                kind = type_name(Some(other)),
                "Invalid data for target state: 'state.v2' field should be a String; using 'state'"
            );
            None
        }
    };
    let name = match v2 {
        Some(s) => s,
        None => match map.get("state") {
            Some(Value::String(s)) => s,
            other => {
                return Err(format!(
                    "Invalid data for target state: 'state' field should be a String but is {}",
                    type_name(other)
                ))
            }
        },
    };
    match name.as_str() {
        "STARTED" => Ok(TargetState::Started),
        "PAUSED" => Ok(TargetState::Paused),
        "STOPPED" => Ok(TargetState::Stopped),
        other => Err(format!("Invalid target state: {other}")),
    }
}

/// The `properties` map of a connector or task config. A null property value cannot be kept
/// in a [`ConfigMap`]: it is dropped with a WARN.
fn properties(key: &str, value: &Value, what: &str) -> Result<ConfigMap, String> {
    let Value::Object(map) = value else {
        return Err(format!(
            "Ignoring {what} because it is in the wrong format: {}",
            type_name(Some(value))
        ));
    };
    let Some(Value::Object(props)) = map.get("properties") else {
        return Err(format!(
            "Invalid data for {what}: 'properties' field should be a Map but is {}",
            type_name(map.get("properties"))
        ));
    };
    let mut config = ConfigMap::new();
    for (k, v) in props {
        match v {
            Value::String(s) => {
                config.insert(k.clone(), s.clone());
            }
            Value::Null => warn!(key, property = %k, "Dropping a property whose value is null"),
            other => {
                return Err(format!(
                    "Invalid data for {what}: property '{k}' should be a String but is {}",
                    type_name(Some(other))
                ))
            }
        }
    }
    Ok(config)
}

/// An INT32 field, which may have been decoded as an Integer or a Long (any JSON integer).
fn count(map: &Map<String, Value>, field: &str) -> Result<u32, String> {
    map.get(field)
        .and_then(Value::as_i64)
        .and_then(|n| i32::try_from(n).ok())
        .and_then(|n| u32::try_from(n).ok())
        .ok_or_else(|| {
            format!(
                "Invalid data: '{field}' field should be a non-negative integer but is {}",
                map.get(field)
                    .map_or_else(|| "null".to_string(), Value::to_string)
            )
        })
}

/// A restart request flag: not a boolean is a WARN and `false` (Kafka's defaults).
fn flag(key: &str, map: &Map<String, Value>, field: &str) -> bool {
    match map.get(field) {
        Some(Value::Bool(b)) => *b,
        other => {
            warn!(
                key,
                field,
                kind = type_name(other),
                "Invalid data for restart request: field should be a Boolean, defaulting to false"
            );
            false
        }
    }
}

fn parse_session_key(value: Option<Value>) -> Result<SessionKey, String> {
    let map = match value {
        Some(Value::Object(map)) => map,
        None => return Err("Ignoring session key because it is unexpectedly null".to_string()),
        Some(other) => {
            return Err(format!(
                "Ignoring session key because the value is not a Map but is {}",
                type_name(Some(&other))
            ))
        }
    };
    let Some(Value::String(encoded)) = map.get("key") else {
        return Err(format!(
            "Invalid data for session key 'key' field should be a String but is {}",
            type_name(map.get("key"))
        ));
    };
    let key = JAVA_BASE64_DECODER
        .decode(encoded)
        .map_err(|e| format!("Invalid data for session key 'key' field: not Base64 ({e})"))?;
    if key.is_empty() {
        return Err("Invalid data for session key 'key' field: the key is empty".to_string());
    }
    let Some(Value::String(algorithm)) = map.get("algorithm") else {
        return Err(format!(
            "Invalid data for session key 'algorithm' field should be a String but it is {}",
            type_name(map.get("algorithm"))
        ));
    };
    let Some(creation_timestamp_ms) = map.get("creation-timestamp").and_then(Value::as_i64) else {
        return Err(format!(
            "Invalid data for session key 'creation-timestamp' field should be a long but it is {}",
            type_name(map.get("creation-timestamp"))
        ));
    };
    Ok(SessionKey {
        key,
        algorithm: algorithm.clone(),
        creation_timestamp_ms,
    })
}

/// A JSON value's kind, for messages (`null` when absent).
fn type_name(value: Option<&Value>) -> &'static str {
    match value {
        None | Some(Value::Null) => "null",
        Some(Value::Bool(_)) => "Boolean",
        Some(Value::Number(n)) if n.is_f64() => "Double",
        Some(Value::Number(_)) => "Long",
        Some(Value::String(_)) => "String",
        Some(Value::Array(_)) => "ArrayList",
        Some(Value::Object(_)) => "HashMap",
    }
}

#[cfg(test)]
mod tests;
