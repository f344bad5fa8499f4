//! Status topic records in Kafka Connect's format (`KafkaStatusBackingStore`), and its rules for
//! writing and reading them.

use serde_json::{json, Value};

use super::StatusRecord;
use crate::storage::json::to_java_json;
use crate::task::{State, TaskId};

const CONNECTOR_PREFIX: &str = "status-connector-";
const TASK_PREFIX: &str = "status-task-";
const TOPIC_PREFIX: &str = "status-topic-";
const TOPIC_SEPARATOR: &str = ":connector-";

/// What a status record is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum StatusKey {
    Connector(String),
    Task(TaskId),
    Topic { topic: String, connector: String },
}

pub(super) fn connector_key(name: &str) -> String {
    format!("{CONNECTOR_PREFIX}{name}")
}

pub(super) fn task_key(id: &TaskId) -> String {
    format!("{TASK_PREFIX}{}-{}", id.connector, id.task)
}

pub(super) fn topic_key(topic: &str, connector: &str) -> String {
    format!("{TOPIC_PREFIX}{topic}{TOPIC_SEPARATOR}{connector}")
}

/// Parses a key; a task key's number is what follows the last `-` (names may contain `-`).
pub(super) fn parse_key(key: &str) -> Result<StatusKey, String> {
    if let Some(name) = key.strip_prefix(CONNECTOR_PREFIX) {
        if name.is_empty() {
            return Err("invalid connector status key".into());
        }
        return Ok(StatusKey::Connector(name.to_owned()));
    }
    if let Some(rest) = key.strip_prefix(TASK_PREFIX) {
        let (connector, task) = rest.rsplit_once('-').ok_or("invalid task status key")?;
        let task = task.parse().map_err(|_| "invalid task status key")?;
        return Ok(StatusKey::Task(TaskId {
            connector: connector.to_owned(),
            task,
        }));
    }
    if let Some(rest) = key.strip_prefix(TOPIC_PREFIX) {
        let (topic, after) = rest.split_once(':').ok_or("invalid topic status key")?;
        let connector = format!(":{after}")
            .strip_prefix(TOPIC_SEPARATOR)
            .map(str::to_owned)
            .ok_or("invalid topic status key")?;
        if topic.is_empty() || connector.is_empty() {
            return Err("invalid topic status key".into());
        }
        return Ok(StatusKey::Topic {
            topic: topic.to_owned(),
            connector,
        });
    }
    Err("invalid key".into())
}

/// Kafka's state names (DESTROYED is never a value: it is written as a tombstone).
fn parse_state(name: &str) -> Option<State> {
    Some(match name {
        "UNASSIGNED" => State::Unassigned,
        "RUNNING" => State::Running,
        "PAUSED" => State::Paused,
        "FAILED" => State::Failed,
        "RESTARTING" => State::Restarting,
        "STOPPED" => State::Stopped,
        _ => return None,
    })
}

/// `{"state":"RUNNING","trace":null,"worker_id":"host:8083","generation":7}`.
pub(super) fn encode_status(status: &StatusRecord) -> Vec<u8> {
    let value = json!({
        "state": status.state.as_str(),
        "trace": status.trace,
        "worker_id": status.worker_id,
        "generation": status.generation,
    });
    to_java_json(&value).into_bytes()
}

pub(super) fn parse_status(value: &[u8]) -> Result<StatusRecord, String> {
    let v: Value = serde_json::from_slice(value).map_err(|e| e.to_string())?;
    let state = v.get("state").and_then(Value::as_str).ok_or("no state")?;
    let state = parse_state(state).ok_or_else(|| format!("unknown state {state}"))?;
    let trace = match v.get("trace") {
        None | Some(Value::Null) => None,
        Some(Value::String(t)) => Some(t.clone()),
        Some(_) => return Err("trace is not a string".into()),
    };
    let worker_id = match v.get("worker_id") {
        Some(Value::String(w)) => w.clone(),
        None | Some(Value::Null) => String::new(),
        Some(_) => return Err("worker_id is not a string".into()),
    };
    let generation = v
        .get("generation")
        .and_then(Value::as_i64)
        .ok_or("no generation")?;
    Ok(StatusRecord {
        state,
        trace,
        worker_id,
        // Java's `Long#intValue`.
        generation: generation as i32,
    })
}

/// A topic a connector used (KIP-558).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct TopicStatus {
    pub(super) topic: String,
    pub(super) connector: String,
    pub(super) task: u32,
    pub(super) discover_timestamp: i64,
}

/// `{"topic":{"name":..,"connector":..,"task":..,"discoverTimestamp":..}}`.
pub(super) fn encode_topic(status: &TopicStatus) -> Vec<u8> {
    let value = json!({"topic": {
        "name": status.topic,
        "connector": status.connector,
        "task": status.task,
        "discoverTimestamp": status.discover_timestamp,
    }});
    to_java_json(&value).into_bytes()
}

pub(super) fn parse_topic(value: &[u8]) -> Result<TopicStatus, String> {
    let v: Value = serde_json::from_slice(value).map_err(|e| e.to_string())?;
    let inner = v
        .get("topic")
        .filter(|t| t.is_object())
        .ok_or("no topic object")?;
    let text = |k: &str| inner.get(k).and_then(Value::as_str).map(str::to_owned);
    Ok(TopicStatus {
        topic: text("name").ok_or("no name")?,
        connector: text("connector").ok_or("no connector")?,
        task: inner
            .get("task")
            .and_then(Value::as_u64)
            .and_then(|t| u32::try_from(t).ok())
            .ok_or("no task")?,
        discover_timestamp: inner
            .get("discoverTimestamp")
            .and_then(Value::as_i64)
            .ok_or("no discoverTimestamp")?,
    })
}

/// `putSafe` (Kafka's `CacheEntry#canWriteSafely`): allowed unless the cached status was written
/// by another worker at a higher generation.
pub(super) fn can_write_safely(cached: Option<&StatusRecord>, new: &StatusRecord) -> bool {
    cached.is_none_or(|c| c.worker_id == new.worker_id || c.generation <= new.generation)
}

/// A task's UNASSIGNED read from the topic is stale when the cached status is RUNNING at the
/// same or a later generation (the old owner's shutdown arriving after the new owner's start).
pub(super) fn is_stale_task_status(cached: Option<&StatusRecord>, new: &StatusRecord) -> bool {
    new.state == State::Unassigned
        && cached.is_some_and(|c| c.state == State::Running && c.generation >= new.generation)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(state: State, worker: &str, generation: i32) -> StatusRecord {
        StatusRecord {
            state,
            trace: None,
            worker_id: worker.into(),
            generation,
        }
    }

    #[test]
    fn values_are_kafkas_json_in_field_order() {
        let running = status(State::Running, "127.0.0.1:8083", 7);
        assert_eq!(
            String::from_utf8(encode_status(&running)).unwrap(),
            r#"{"state":"RUNNING","trace":null,"worker_id":"127.0.0.1:8083","generation":7}"#
        );
        assert_eq!(parse_status(&encode_status(&running)).unwrap(), running);
        let failed = StatusRecord {
            trace: Some("java.lang.Error: x\n\tat y".into()),
            ..status(State::Failed, "w:1", 0)
        };
        assert_eq!(
            String::from_utf8(encode_status(&failed)).unwrap(),
            r#"{"state":"FAILED","trace":"java.lang.Error: x\n\tat y","worker_id":"w:1","generation":0}"#
        );
        assert_eq!(parse_status(&encode_status(&failed)).unwrap(), failed);
        assert!(parse_status(br#"{"state":"DESTROYED","worker_id":"w","generation":1}"#).is_err());
        assert!(parse_status(b"[]").is_err());
        let topic = TopicStatus {
            topic: "t".into(),
            connector: "c".into(),
            task: 2,
            discover_timestamp: 1_700_000_000_000,
        };
        assert_eq!(
            String::from_utf8(encode_topic(&topic)).unwrap(),
            r#"{"topic":{"name":"t","connector":"c","task":2,"discoverTimestamp":1700000000000}}"#
        );
        assert_eq!(parse_topic(&encode_topic(&topic)).unwrap(), topic);
    }

    #[test]
    fn keys_round_trip_and_task_numbers_follow_the_last_dash() {
        let id = TaskId {
            connector: "my-conn-2".into(),
            task: 10,
        };
        assert_eq!(task_key(&id), "status-task-my-conn-2-10");
        assert_eq!(parse_key(&task_key(&id)).unwrap(), StatusKey::Task(id));
        assert_eq!(connector_key("a-b"), "status-connector-a-b");
        assert_eq!(
            parse_key("status-connector-a-b").unwrap(),
            StatusKey::Connector("a-b".into())
        );
        assert_eq!(
            topic_key("orders", "c-1"),
            "status-topic-orders:connector-c-1"
        );
        assert_eq!(
            parse_key("status-topic-orders:connector-c-1").unwrap(),
            StatusKey::Topic {
                topic: "orders".into(),
                connector: "c-1".into()
            }
        );
        for bad in [
            "status-connector-",
            "status-task-c",
            "status-task-c-x",
            "status-topic-:connector-c",
            "status-topic-t:connector-",
            "status-topic-t",
            "other",
        ] {
            assert!(parse_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn put_safe_and_the_stale_unassigned_rule() {
        let mine = status(State::Failed, "a", 3);
        assert!(can_write_safely(None, &mine));
        assert!(can_write_safely(
            Some(&status(State::Running, "a", 9)),
            &mine
        ));
        assert!(can_write_safely(
            Some(&status(State::Running, "b", 3)),
            &mine
        ));
        assert!(!can_write_safely(
            Some(&status(State::Running, "b", 4)),
            &mine
        ));

        let unassigned = status(State::Unassigned, "a", 3);
        assert!(is_stale_task_status(
            Some(&status(State::Running, "b", 3)),
            &unassigned
        ));
        assert!(is_stale_task_status(
            Some(&status(State::Running, "b", 4)),
            &unassigned
        ));
        assert!(!is_stale_task_status(
            Some(&status(State::Running, "b", 2)),
            &unassigned
        ));
        assert!(!is_stale_task_status(
            Some(&status(State::Failed, "b", 4)),
            &unassigned
        ));
        assert!(!is_stale_task_status(None, &unassigned));
        assert!(!is_stale_task_status(
            Some(&status(State::Running, "b", 4)),
            &status(State::Paused, "a", 3)
        ));
    }
}
