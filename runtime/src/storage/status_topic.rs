//! Statuses in `status.storage.topic` (Kafka's `KafkaStatusBackingStore`): every worker writes
//! the statuses of what it runs and reads everyone's, so every worker gives the same view.

mod format;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tracing::{debug, warn};

use super::{KafkaLog, LogRecord, StorageError, TopicSpec};
use crate::kafka::ClientSettings;
use crate::task::{State, TaskId};
use crate::worker::StatusPublisher;
use format::{StatusKey, TopicStatus};

/// One status as stored: `{"state":..,"trace":..,"worker_id":..,"generation":..}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusRecord {
    pub state: State,
    pub trace: Option<String>,
    pub worker_id: String,
    pub generation: i32,
}

/// What the topic says, as far as it has been read.
#[derive(Default)]
struct Cache {
    connectors: BTreeMap<String, StatusRecord>,
    tasks: BTreeMap<TaskId, StatusRecord>,
    /// connector -> topic -> status.
    topics: BTreeMap<String, BTreeMap<String, TopicStatus>>,
    /// (connector, topic) written by this worker and not read back yet.
    pending_topics: BTreeSet<(String, String)>,
}

impl Cache {
    fn apply(&mut self, record: LogRecord<'_>) {
        let Some(key) = record.key.map(String::from_utf8_lossy) else {
            warn!(
                offset = record.offset,
                "Discarding a status record without a key"
            );
            return;
        };
        let parsed = match format::parse_key(&key) {
            Ok(k) => k,
            Err(e) => {
                warn!(key = %key, error = %e, "Discarding a status record with an invalid key");
                return;
            }
        };
        match (parsed, record.value) {
            (StatusKey::Connector(name), None) => {
                self.connectors.remove(&name);
                self.tasks.retain(|id, _| id.connector != name);
            }
            (StatusKey::Task(id), None) => {
                self.tasks.remove(&id);
            }
            (StatusKey::Topic { topic, connector }, None) => {
                if let Some(t) = self.topics.get_mut(&connector) {
                    t.remove(&topic);
                }
            }
            (StatusKey::Connector(name), Some(v)) => match format::parse_status(v) {
                Ok(s) => {
                    self.connectors.insert(name, s);
                }
                Err(e) => warn!(key = %key, error = %e, "Failed to parse connector status"),
            },
            (StatusKey::Task(id), Some(v)) => match format::parse_status(v) {
                Ok(s) if format::is_stale_task_status(self.tasks.get(&id), &s) => {
                    debug!(task = %id, generation = s.generation, "Ignoring a stale UNASSIGNED task status");
                }
                Ok(s) => {
                    self.tasks.insert(id, s);
                }
                Err(e) => warn!(key = %key, error = %e, "Failed to parse task status"),
            },
            (StatusKey::Topic { topic, connector }, Some(v)) => match format::parse_topic(v) {
                Ok(s) => {
                    self.pending_topics
                        .remove(&(connector.clone(), topic.clone()));
                    self.topics.entry(connector).or_default().insert(topic, s);
                }
                Err(e) => warn!(key = %key, error = %e, "Failed to parse topic status"),
            },
        }
    }
}

/// The status topic: writer and cluster-wide view.
pub struct StatusTopic {
    log: KafkaLog,
    cache: Arc<Mutex<Cache>>,
    /// This worker's id and the current generation, for statuses published through
    /// [`StatusPublisher`].
    identity: Mutex<(String, i32)>,
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl StatusTopic {
    /// Opens (creating if missing) the topic and reads it to the end.
    pub fn open(clients: &ClientSettings, spec: TopicSpec) -> Result<StatusTopic, StorageError> {
        let cache = Arc::new(Mutex::new(Cache::default()));
        let sink = cache.clone();
        let log = KafkaLog::start(
            clients,
            spec,
            Box::new(move |r| {
                if let Ok(mut c) = sink.lock() {
                    c.apply(r);
                }
            }),
        )?;
        Ok(StatusTopic {
            log,
            cache,
            identity: Mutex::new((String::new(), 0)),
        })
    }

    /// This worker's id, written in the statuses it publishes.
    pub fn set_worker_id(&self, worker_id: &str) {
        if let Ok(mut i) = self.identity.lock() {
            i.0 = worker_id.to_owned();
        }
    }

    /// The group generation, written in the statuses this worker publishes from now on.
    pub fn set_generation(&self, generation: i32) {
        if let Ok(mut i) = self.identity.lock() {
            i.1 = generation;
        }
    }

    /// This worker's status for `state`, at the current generation.
    pub fn record(&self, state: State, trace: Option<&str>) -> StatusRecord {
        let (worker_id, generation) = self.identity.lock().map(|i| i.clone()).unwrap_or_default();
        StatusRecord {
            state,
            trace: trace.map(str::to_owned),
            worker_id,
            generation,
        }
    }

    fn send_status(
        &self,
        key: &str,
        cached: Option<StatusRecord>,
        status: &StatusRecord,
        safe: bool,
    ) {
        if safe && !format::can_write_safely(cached.as_ref(), status) {
            debug!(
                key,
                "Not overwriting a status written by another worker at a later generation"
            );
            return;
        }
        self.log
            .send_async(key.as_bytes(), Some(&format::encode_status(status)));
    }

    /// `status-connector-<name>`; `safe` is Kafka's `putSafe` (skipped when the cached entry was
    /// written by another worker at a higher generation).
    pub fn put_connector(&self, name: &str, status: StatusRecord, safe: bool) {
        let cached = self.connector(name);
        self.send_status(&format::connector_key(name), cached, &status, safe);
    }

    /// `status-task-<name>-<n>`.
    pub fn put_task(&self, id: &TaskId, status: StatusRecord, safe: bool) {
        let cached = self
            .cache
            .lock()
            .ok()
            .and_then(|c| c.tasks.get(id).cloned());
        self.send_status(&format::task_key(id), cached, &status, safe);
    }

    /// Tombstones for the connector and its tasks (connector deleted: `DESTROYED`).
    pub fn delete_connector(&self, name: &str) {
        for (task, _) in self.tasks_of(name) {
            let id = TaskId {
                connector: name.to_owned(),
                task,
            };
            self.log.send_async(format::task_key(&id).as_bytes(), None);
        }
        self.log
            .send_async(format::connector_key(name).as_bytes(), None);
    }

    /// `status-topic-<topic>:connector-<name>` (KIP-558), written once per topic.
    pub fn put_topic(&self, connector: &str, topic: &str, task: u32) {
        {
            let Ok(mut cache) = self.cache.lock() else {
                return;
            };
            let known = cache
                .topics
                .get(connector)
                .is_some_and(|t| t.contains_key(topic));
            if known
                || !cache
                    .pending_topics
                    .insert((connector.to_owned(), topic.to_owned()))
            {
                return;
            }
        }
        let status = TopicStatus {
            topic: topic.to_owned(),
            connector: connector.to_owned(),
            task,
            discover_timestamp: now_ms(),
        };
        self.log.send_async(
            format::topic_key(topic, connector).as_bytes(),
            Some(&format::encode_topic(&status)),
        );
    }

    /// Tombstones for every active topic of `connector`.
    pub fn reset_topics(&self, connector: &str) {
        let topics: BTreeSet<String> = {
            let Ok(mut cache) = self.cache.lock() else {
                return;
            };
            let mut topics: BTreeSet<String> = cache
                .topics
                .get(connector)
                .map(|t| t.keys().cloned().collect())
                .unwrap_or_default();
            cache.pending_topics.retain(|(c, t)| {
                if c == connector {
                    topics.insert(t.clone());
                }
                c != connector
            });
            topics
        };
        for topic in topics {
            self.log
                .send_async(format::topic_key(&topic, connector).as_bytes(), None);
        }
    }

    pub fn connector(&self, name: &str) -> Option<StatusRecord> {
        self.cache.lock().ok()?.connectors.get(name).cloned()
    }
    /// Task statuses of a connector, by task number.
    pub fn tasks_of(&self, connector: &str) -> Vec<(u32, StatusRecord)> {
        let Ok(cache) = self.cache.lock() else {
            return Vec::new();
        };
        cache
            .tasks
            .iter()
            .filter(|(id, _)| id.connector == connector)
            .map(|(id, s)| (id.task, s.clone()))
            .collect()
    }
    /// Active topics of `connector`, sorted.
    pub fn topics(&self, connector: &str) -> Vec<String> {
        self.cache
            .lock()
            .ok()
            .and_then(|c| c.topics.get(connector).map(|t| t.keys().cloned().collect()))
            .unwrap_or_default()
    }
    pub fn read_to_end(&self, timeout: Duration) -> Result<(), StorageError> {
        self.log.read_to_end(timeout)
    }
    /// Waits for outstanding writes.
    pub fn flush(&self, timeout: Duration) {
        if let Err(e) = self.log.flush(timeout) {
            warn!(error = %e, "Status writes not flushed");
        }
    }
    pub fn stop(&self) {
        self.log.stop();
    }
}

/// Local status changes of a distributed worker: failures and shutdowns (`FAILED`,
/// `UNASSIGNED`) with `putSafe`, everything else with `put`.
impl StatusPublisher for StatusTopic {
    fn connector_status(&self, name: &str, state: State, trace: Option<&str>) {
        let safe = matches!(state, State::Failed | State::Unassigned);
        self.put_connector(name, self.record(state, trace), safe);
    }

    fn task_status(&self, id: &TaskId, state: State, trace: Option<&str>) {
        let safe = matches!(state, State::Failed | State::Unassigned);
        self.put_task(id, self.record(state, trace), safe);
    }

    fn topic_used(&self, connector: &str, topic: &str, task: u32) {
        self.put_topic(connector, topic, task);
    }
}
