//! The offsets API (KIP-875) for a standalone worker: source offsets in the offset store, sink
//! offsets in the connector's consumer group.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::lifecycle::Entry;
use crate::config::TargetState;
use crate::herder::{ConnectorOffset, ConnectorOffsets, HerderError, Message};
use crate::kafka::groups;
use crate::plugin::{PluginClass, PluginKind};
use crate::worker::{sink_group_id, subscription, Worker};

fn object(text: &str) -> Map<String, Value> {
    serde_json::from_str(text).unwrap_or_default()
}

/// `GET /connectors/{name}/offsets`.
pub fn read(
    worker: &Worker,
    name: &str,
    class: &PluginClass,
    config: &BTreeMap<String, String>,
) -> Result<ConnectorOffsets, HerderError> {
    let offsets = match class.kind {
        PluginKind::Source => worker
            .offsets
            .list(name)
            .into_iter()
            .map(|(p, o)| ConnectorOffset {
                partition: object(&p),
                offset: Some(object(&o)),
            })
            .collect(),
        PluginKind::Sink => groups::committed(
            &worker.clients,
            &sink_group_id(name, config),
            &subscription(config),
        )
        .map_err(HerderError::Internal)?
        .into_iter()
        .map(|((t, p), o)| ConnectorOffset {
            partition: object(&json!({"kafka_topic": t, "kafka_partition": p}).to_string()),
            offset: Some(object(&json!({"kafka_offset": o}).to_string())),
        })
        .collect(),
    };
    Ok(ConnectorOffsets { offsets })
}

/// PATCH and DELETE need a STOPPED connector with no tasks.
pub fn check_stopped(e: &Entry) -> Result<(), HerderError> {
    if e.target != TargetState::Stopped || !e.tasks.is_empty() {
        return Err(HerderError::BadRequest(format!(
            "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/{}/stop' endpoint",
            e.name
        )));
    }
    Ok(())
}

fn bad(m: &str) -> HerderError {
    HerderError::BadRequest(m.to_owned())
}

/// A sink partition and its new offset (`None` removes it).
type SinkOffset = ((String, i32), Option<i64>);

/// Kafka's `SinkUtils.parseSinkConnectorOffsets`.
fn parse_sink(offsets: &ConnectorOffsets) -> Result<Vec<SinkOffset>, HerderError> {
    let number = |v: &Value| -> Option<i64> {
        v.as_i64()
            .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
    };
    offsets
        .offsets
        .iter()
        .map(|o| {
            let p = &o.partition;
            if !p.contains_key("kafka_topic") || !p.contains_key("kafka_partition") {
                return Err(bad("The partition for a sink connector offset must contain the keys 'kafka_topic' and 'kafka_partition'"));
            }
            let topic = p["kafka_topic"].as_str().ok_or_else(|| bad("Kafka topic names must be valid strings and may not be null"))?;
            let raw_partition = &p["kafka_partition"];
            if raw_partition.is_null() {
                return Err(bad("Kafka partitions must be valid numbers and may not be null"));
            }
            let partition = number(raw_partition).and_then(|n| i32::try_from(n).ok()).ok_or_else(|| {
                bad(&format!("Failed to parse the following Kafka partition value in the provided offsets: '{}'. Partition values for sink connectors need to be integers.", plain(raw_partition)))
            })?;
            let offset = match &o.offset {
                None => None,
                Some(off) => {
                    let raw = off.get("kafka_offset").ok_or_else(|| bad("The offset for a sink connector should either be null or contain the key 'kafka_offset'"))?;
                    Some(number(raw).ok_or_else(|| {
                        bad(&format!("Failed to parse the following Kafka offset value in the provided offsets: '{}'. Offset values for sink connectors need to be integers.", plain(raw)))
                    })?)
                }
            };
            Ok(((topic.to_owned(), partition), offset))
        })
        .collect()
}

fn plain(v: &Value) -> String {
    v.as_str()
        .map(str::to_owned)
        .unwrap_or_else(|| v.to_string())
}

/// `OffsetUtils.validateFormat`: string keys (JSON guarantees them) and primitive values.
fn check_source_format(offsets: &ConnectorOffsets) -> Result<(), HerderError> {
    for o in &offsets.offsets {
        for map in std::iter::once(&o.partition).chain(o.offset.as_ref()) {
            for (k, v) in map {
                if v.is_object() || v.is_array() {
                    let ty = if v.is_object() {
                        "java.util.LinkedHashMap"
                    } else {
                        "java.util.ArrayList"
                    };
                    return Err(HerderError::Internal(format!("Offsets may only contain primitive types as values, but field {k} contains {ty}")));
                }
            }
        }
    }
    Ok(())
}

/// Ask the connector's `alterOffsets` (a fresh instance, as Kafka does).
fn connector_alter(
    class: &PluginClass,
    name: &str,
    config: &BTreeMap<String, String>,
    doc: &Value,
) -> Result<bool, HerderError> {
    let module = &class.library.module;
    let mut c = (module.new_connector())(class.class.as_str().into())
        .into_result()
        .map_err(|e| {
            HerderError::Internal(format!("Failed to create connector {name}: {}", e.message))
        })?;
    let config = serde_json::to_string(config).map_err(|e| HerderError::Internal(e.to_string()))?;
    let offsets = doc.to_string();
    c.alter_offsets(config.as_str().into(), offsets.as_str().into())
        .into_result()
        .map_err(|e| {
            HerderError::Internal(format!(
                "Failed to alter offsets for connector {name}: {}",
                e.message
            ))
        })
}

fn message(handled: bool, verb: &str) -> Message {
    let message = if handled {
        format!("The offsets for this connector have been {verb} successfully")
    } else {
        format!("The Connect framework-managed offsets for this connector have been {verb} successfully. However, if this connector manages offsets externally, they will need to be manually {verb} in the system that the connector uses.")
    };
    Message { message }
}

/// `PATCH /connectors/{name}/offsets`.
pub fn alter(
    worker: &Worker,
    name: &str,
    class: &PluginClass,
    config: &BTreeMap<String, String>,
    offsets: ConnectorOffsets,
) -> Result<Message, HerderError> {
    if offsets.offsets.is_empty() {
        return Err(bad(
            "Partitions / offsets need to be provided for an alter offsets request",
        ));
    }
    let doc =
        serde_json::to_value(&offsets.offsets).map_err(|e| HerderError::Internal(e.to_string()))?;
    match class.kind {
        PluginKind::Source => {
            check_source_format(&offsets)?;
            let handled = connector_alter(class, name, config, &doc)?;
            let updates: Vec<(String, Option<String>)> = offsets
                .offsets
                .iter()
                .map(|o| {
                    (
                        Value::Object(o.partition.clone()).to_string(),
                        o.offset
                            .as_ref()
                            .map(|m| Value::Object(m.clone()).to_string()),
                    )
                })
                .collect();
            worker
                .offsets
                .put(name, &updates)
                .map_err(HerderError::Internal)?;
            Ok(message(handled, "altered"))
        }
        PluginKind::Sink => {
            let parsed = parse_sink(&offsets)?;
            refuse_on_embedded(worker, "altered")?;
            let handled = connector_alter(class, name, config, &doc)?;
            let group = sink_group_id(name, config);
            let sub = subscription(config);
            let_stopped_tasks_leave(worker);
            let to_commit: Vec<_> = parsed
                .iter()
                .filter_map(|(tp, o)| o.map(|o| (tp.clone(), o)))
                .collect();
            if parsed.iter().any(|(_, o)| o.is_none()) {
                // No DeleteConsumerGroupOffsets in librdkafka's API here: rebuild the group
                // without the removed partitions (it has no members while the connector is stopped).
                let removed: Vec<_> = parsed
                    .iter()
                    .filter(|(_, o)| o.is_none())
                    .map(|(tp, _)| tp.clone())
                    .collect();
                let keep: Vec<_> = groups::committed(&worker.clients, &group, &sub)
                    .map_err(HerderError::Internal)?
                    .into_iter()
                    .filter(|(tp, _)| {
                        !removed.contains(tp) && !to_commit.iter().any(|(t, _)| t == tp)
                    })
                    .collect();
                groups::delete(&worker.clients, &group).map_err(|e| zombie(name, &e, "alter"))?;
                groups::alter(&worker.clients, &group, &keep)
                    .map_err(|e| zombie(name, &e, "alter"))?;
            }
            groups::alter(&worker.clients, &group, &to_commit)
                .map_err(|e| zombie(name, &e, "alter"))?;
            Ok(message(handled, "altered"))
        }
    }
}

/// librdkafka's mock cluster (the embedded broker) cannot change a consumer group's offsets
/// from outside the group, and aborts the process on DeleteGroups: refuse before reaching it.
fn refuse_on_embedded(worker: &Worker, verb: &str) -> Result<(), HerderError> {
    if worker.clients.embedded.is_some() {
        return Err(HerderError::Internal(format!(
            "Sink connector offsets cannot be {verb} on the embedded broker, which does not support changing consumer group offsets; set bootstrap.servers to a Kafka cluster to use this"
        )));
    }
    Ok(())
}

/// A stopped sink task's consumer leaves its group in the background (`ClosingConsumers`):
/// wait for it (bounded) before changing the group's offsets, which needs an empty group.
fn let_stopped_tasks_leave(worker: &Worker) {
    worker.closing_consumers.wait(worker.task_shutdown_timeout);
}

fn zombie(name: &str, cause: &str, verb: &str) -> HerderError {
    HerderError::Internal(format!(
        "Failed to {verb} consumer group offsets for connector {name} either because its tasks haven't stopped completely yet or the connector was resumed before the request to {verb} its offsets could be successfully completed. If the connector is in a stopped state, this operation can be safely retried. If it doesn't eventually succeed, the Connect cluster may need to be restarted to get rid of the zombie sink tasks. ({cause})"
    ))
}

/// `DELETE /connectors/{name}/offsets`.
pub fn reset(
    worker: &Worker,
    name: &str,
    class: &PluginClass,
    config: &BTreeMap<String, String>,
) -> Result<Message, HerderError> {
    match class.kind {
        PluginKind::Source => {
            let known = worker.offsets.list(name);
            let doc = Value::Array(
                known
                    .iter()
                    .map(|(p, _)| json!({"partition": object(p), "offset": null}))
                    .collect(),
            );
            let handled = connector_alter(class, name, config, &doc)?;
            let updates: Vec<(String, Option<String>)> =
                known.into_iter().map(|(p, _)| (p, None)).collect();
            worker
                .offsets
                .put(name, &updates)
                .map_err(HerderError::Internal)?;
            Ok(message(handled, "reset"))
        }
        PluginKind::Sink => {
            refuse_on_embedded(worker, "reset")?;
            let group = sink_group_id(name, config);
            let known = groups::committed(&worker.clients, &group, &subscription(config))
                .map_err(HerderError::Internal)?;
            let doc = Value::Array(known.iter().map(|((t, p), _)| json!({"partition": {"kafka_topic": t, "kafka_partition": p}, "offset": null})).collect());
            let handled = connector_alter(class, name, config, &doc)?;
            let_stopped_tasks_leave(worker);
            groups::delete(&worker.clients, &group).map_err(|e| zombie(name, &e, "reset"))?;
            Ok(message(handled, "reset"))
        }
    }
}
