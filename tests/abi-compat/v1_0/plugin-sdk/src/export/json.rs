//! The small JSON documents of the control plane (`docs/abi.md`).

use ferry_plugin_abi::abi_stable::std_types::RStr;

use crate::config::ConfigMap;
use crate::error::{ConnectError, Result};
use crate::record::{JsonMap, TopicPartition};

pub(crate) fn parse_config(raw: RStr<'_>) -> Result<ConfigMap> {
    serde_json::from_str(raw.as_str())
        .map_err(|e| ConnectError::config("the worker passed a malformed config map").caused_by(&e))
}

pub(crate) fn parse_partitions(raw: &str) -> Result<Vec<TopicPartition>> {
    #[derive(serde::Deserialize)]
    struct Tp {
        topic: String,
        partition: i32,
    }
    let tps: Vec<Tp> = serde_json::from_str(raw)
        .map_err(|e| ConnectError::new("malformed topic partition list").caused_by(&e))?;
    Ok(tps
        .into_iter()
        .map(|t| TopicPartition::new(t.topic, t.partition))
        .collect())
}

pub(crate) fn parse_committed(raw: &str) -> Result<Vec<(TopicPartition, i64)>> {
    #[derive(serde::Deserialize)]
    struct Tpo {
        topic: String,
        partition: i32,
        offset: i64,
    }
    let tps: Vec<Tpo> = serde_json::from_str(raw)
        .map_err(|e| ConnectError::new("malformed offset list").caused_by(&e))?;
    Ok(tps
        .into_iter()
        .map(|t| (TopicPartition::new(t.topic, t.partition), t.offset))
        .collect())
}

pub(crate) fn committed_json(offsets: &[(TopicPartition, i64)]) -> String {
    serde_json::Value::Array(
        offsets
            .iter()
            .map(|(tp, o)| serde_json::json!({"topic": tp.topic, "partition": tp.partition, "offset": o}))
            .collect(),
    )
    .to_string()
}

#[derive(serde::Deserialize)]
struct OffsetEntry {
    partition: Option<JsonMap>,
    offset: Option<JsonMap>,
}

/// `[{"partition":{...},"offset":{...}|null}]` as source partitions and offsets.
pub(crate) fn parse_source_offsets(raw: &str) -> Result<Vec<(JsonMap, Option<JsonMap>)>> {
    let entries: Vec<OffsetEntry> = serde_json::from_str(raw)
        .map_err(|e| ConnectError::new("malformed offsets").caused_by(&e))?;
    entries
        .into_iter()
        .map(|e| {
            let partition = e
                .partition
                .ok_or_else(|| ConnectError::new("Partition objects cannot be null"))?;
            Ok((partition, e.offset))
        })
        .collect()
}

/// `[{"partition":{"kafka_topic","kafka_partition"},"offset":{"kafka_offset"}|null}]`.
pub(crate) fn parse_sink_offsets(raw: &str) -> Result<Vec<(TopicPartition, Option<i64>)>> {
    parse_source_offsets(raw)?
        .into_iter()
        .map(|(p, o)| {
            let topic = p.get("kafka_topic").and_then(|v| v.as_str()).ok_or_else(|| {
                ConnectError::new("Partition objects must contain the key 'kafka_topic' with a string value")
            })?;
            let partition = p
                .get("kafka_partition")
                .and_then(|v| v.as_i64())
                .and_then(|v| i32::try_from(v).ok())
                .ok_or_else(|| ConnectError::new("Partition objects must contain the key 'kafka_partition' with an integer value"))?;
            let offset = match o {
                None => None,
                Some(o) => Some(o.get("kafka_offset").and_then(|v| v.as_i64()).ok_or_else(|| {
                    ConnectError::new("Offset objects must contain the key 'kafka_offset' with an integer value")
                })?),
            };
            Ok((TopicPartition::new(topic, partition), offset))
        })
        .collect()
}
