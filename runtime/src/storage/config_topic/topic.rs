//! [`ConfigTopic`]: the config topic's [`KafkaLog`], the state its records build, and the
//! writes of Kafka's `KafkaConfigBackingStore`.

use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tracing::{debug, info};

use super::encode;
use super::records::{COMMIT_PREFIX, CONNECTOR_PREFIX, RESTART_PREFIX, SESSION_KEY_KEY};
use super::records::{LOGGER_CLUSTER_PREFIX, TARGET_STATE_PREFIX, TASK_PREFIX};
use super::state::ConfigReader;
use super::{ConfigChange, ConfigMap, ConfigState, RestartRequest, SessionKey};
use crate::config::TargetState;
use crate::kafka::ClientSettings;
use crate::storage::{KafkaLog, LogRecord, StorageError, TopicSpec};

/// How long one write (its sends and reads to the end) may take: Kafka's
/// `READ_WRITE_TOTAL_TIMEOUT_MS`.
const CONFIG_WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// What the consumer thread and the writers share.
struct Shared {
    reader: ConfigReader,
    changes: Sender<ConfigChange>,
    /// Set once `open` has read the topic to the end: only later records are sent as changes.
    started: bool,
}

/// The config topic: a [`KafkaLog`] plus the state it builds.
pub struct ConfigTopic {
    log: KafkaLog,
    shared: Arc<Mutex<Shared>>,
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

fn on_record(shared: &Mutex<Shared>, record: LogRecord<'_>) {
    let mut shared = lock(shared);
    let Some(change) = shared.reader.apply(record) else {
        return;
    };
    if shared.started && shared.changes.send(change).is_err() {
        debug!("A config change was read after the herder stopped listening");
    }
}

/// A bound on a whole write: every step gets what is left of it.
struct Deadline {
    end: Instant,
    what: String,
}

impl Deadline {
    fn new(what: String) -> Deadline {
        Deadline {
            end: Instant::now() + CONFIG_WRITE_TIMEOUT,
            what,
        }
    }

    fn remaining(&self) -> Result<Duration, StorageError> {
        let left = self.end.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(StorageError::Timeout(self.what.clone()));
        }
        Ok(left)
    }

    /// A time-out of a step is reported as a time-out of the whole write.
    fn name(&self, error: StorageError) -> StorageError {
        match error {
            StorageError::Timeout(_) => StorageError::Timeout(self.what.clone()),
            other => other,
        }
    }
}

impl ConfigTopic {
    /// Opens (creating if missing) the topic, reads it to the end, then sends every later
    /// change to `changes`. Records read by the initial read are in [`ConfigTopic::snapshot`]
    /// and are not sent.
    pub fn open(
        clients: &ClientSettings,
        spec: TopicSpec,
        changes: Sender<ConfigChange>,
    ) -> Result<ConfigTopic, StorageError> {
        let topic = spec.topic.name.clone();
        let shared = Arc::new(Mutex::new(Shared {
            reader: ConfigReader::default(),
            changes,
            started: false,
        }));
        let for_log = Arc::clone(&shared);
        let log = KafkaLog::start(
            clients,
            spec,
            Box::new(move |record| on_record(&for_log, record)),
        )?;
        let partitions = log.partitions().len();
        if partitions > 1 {
            log.stop();
            return Err(StorageError::Topic(single_partition_message(
                &topic, partitions,
            )));
        }
        let offset = {
            let mut shared = lock(&shared);
            shared.started = true;
            shared.reader.state().offset
        };
        info!(topic = %topic, offset, "Finished reading the config topic");
        Ok(ConfigTopic { log, shared })
    }

    /// A copy of the state read so far.
    pub fn snapshot(&self) -> ConfigState {
        lock(&self.shared).reader.state().clone()
    }

    /// The current session key, without copying the rest of the state.
    pub fn session_key(&self) -> Option<SessionKey> {
        lock(&self.shared).reader.state().session_key.clone()
    }

    /// The config offset read so far (the next offset to read; `-1` before any record).
    pub fn offset(&self) -> i64 {
        lock(&self.shared).reader.state().offset
    }

    /// Reads to the end; returns the new config offset.
    pub fn read_to_end(&self, timeout: Duration) -> Result<i64, StorageError> {
        self.log.read_to_end(timeout).map_err(|e| match e {
            StorageError::Timeout(_) => {
                StorageError::Timeout("reading the config topic to the end".to_string())
            }
            other => other,
        })?;
        Ok(self.offset())
    }

    /// `[target-state-<name>], connector-<name>`, then a read to the end.
    pub fn put_connector_config(
        &self,
        name: &str,
        config: &ConfigMap,
        target: Option<TargetState>,
    ) -> Result<(), StorageError> {
        debug!(connector = name, "Writing connector configuration");
        let deadline = Deadline::new(format!(
            "writing a config for connector {name} to the config topic"
        ));
        let mut records = Vec::with_capacity(2);
        if let Some(target) = target {
            let value = encode::encode_target_state(target);
            records.push((format!("{TARGET_STATE_PREFIX}{name}"), Some(value)));
        }
        let value = encode::encode_properties(config);
        records.push((format!("{CONNECTOR_PREFIX}{name}"), Some(value)));
        self.send_all(&deadline, &records)?;
        self.read_until(&deadline)
    }

    /// Tombstones for `connector-<name>` and `target-state-<name>`, then a read to the end.
    pub fn remove_connector(&self, name: &str) -> Result<(), StorageError> {
        debug!(connector = name, "Removing connector configuration");
        let deadline = Deadline::new(format!("removing connector {name} from the config topic"));
        let records = [
            (format!("{CONNECTOR_PREFIX}{name}"), None),
            (format!("{TARGET_STATE_PREFIX}{name}"), None),
        ];
        self.send_all(&deadline, &records)?;
        self.read_until(&deadline)
    }

    /// A read to the end (as Kafka does first), `task-<name>-<i>` for each config, a read to
    /// the end (when there are any), `commit-<name>`, a read to the end.
    pub fn put_task_configs(&self, name: &str, configs: &[ConfigMap]) -> Result<(), StorageError> {
        let deadline = Deadline::new(format!(
            "writing task configs for connector {name} to the config topic"
        ));
        self.read_until(&deadline)?;
        let records: Vec<(String, Option<Vec<u8>>)> = configs
            .iter()
            .enumerate()
            .map(|(index, config)| {
                debug!(
                    connector = name,
                    task = index,
                    "Writing configuration for task"
                );
                let value = encode::encode_properties(config);
                (format!("{TASK_PREFIX}{name}-{index}"), Some(value))
            })
            .collect();
        if !records.is_empty() {
            self.send_all(&deadline, &records)?;
            self.read_until(&deadline)?;
        }
        debug!(
            connector = name,
            tasks = configs.len(),
            "Writing commit for connector"
        );
        let value = encode::encode_commit(configs.len());
        self.send(&deadline, &format!("{COMMIT_PREFIX}{name}"), Some(&value))?;
        self.read_until(&deadline)
    }

    /// `target-state-<name>` (`state` is PAUSED for STOPPED, `state.v2` the real one); waits for
    /// the acknowledgement only.
    pub fn put_target_state(&self, name: &str, state: TargetState) -> Result<(), StorageError> {
        debug!(connector = name, state = %state, "Writing target state");
        let deadline = Deadline::new(format!(
            "writing target state {state} for connector {name} to the config topic"
        ));
        let value = encode::encode_target_state(state);
        self.send(
            &deadline,
            &format!("{TARGET_STATE_PREFIX}{name}"),
            Some(&value),
        )
    }

    /// `logger-cluster-<namespace>`; waits for the acknowledgement only (as Kafka does).
    pub fn put_logger_level(&self, namespace: &str, level: &str) -> Result<(), StorageError> {
        debug!(namespace, level, "Writing a cluster-scoped logging level");
        let deadline = Deadline::new(format!(
            "writing level {level} for logging namespace {namespace} to the config topic"
        ));
        let value = encode::encode_logger_level(level);
        self.send(
            &deadline,
            &format!("{LOGGER_CLUSTER_PREFIX}{namespace}"),
            Some(&value),
        )
    }

    /// `session-key`, then a read to the end.
    pub fn put_session_key(&self, key: &SessionKey) -> Result<(), StorageError> {
        debug!("Distributing new session key");
        let deadline = Deadline::new("writing a session key to the config topic".to_string());
        let value = encode::encode_session_key(key);
        self.send(&deadline, SESSION_KEY_KEY, Some(&value))?;
        self.read_until(&deadline)
    }

    /// `restart-connector-<name>`, then a read to the end.
    pub fn put_restart_request(&self, request: &RestartRequest) -> Result<(), StorageError> {
        let name = &request.connector;
        debug!(
            connector = %name,
            include_tasks = request.include_tasks,
            only_failed = request.only_failed,
            "Writing restart request"
        );
        let deadline = Deadline::new(format!(
            "writing a restart request for connector {name} to the config topic"
        ));
        let value = encode::encode_restart(request);
        self.send(&deadline, &format!("{RESTART_PREFIX}{name}"), Some(&value))?;
        self.read_until(&deadline)
    }

    /// Stops the consumer thread and flushes the producer; no change is sent afterwards.
    pub fn stop(&self) {
        self.log.stop();
    }

    /// One record, acknowledged. `KafkaLog::send` takes no time-out (its producer's delivery
    /// time-out bounds it): a send that returns after the deadline counts as timed out.
    fn send(
        &self,
        deadline: &Deadline,
        key: &str,
        value: Option<&[u8]>,
    ) -> Result<(), StorageError> {
        deadline.remaining()?;
        self.log
            .send(key.as_bytes(), value)
            .map_err(|e| deadline.name(e))?;
        deadline.remaining().map(drop)
    }

    /// Records in order, sent together, all acknowledged (Kafka's `sendPrivileged` of a list).
    fn send_all(
        &self,
        deadline: &Deadline,
        records: &[(String, Option<Vec<u8>>)],
    ) -> Result<(), StorageError> {
        deadline.remaining()?;
        let records: Vec<(&[u8], Option<&[u8]>)> = records
            .iter()
            .map(|(k, v)| (k.as_bytes(), v.as_deref()))
            .collect();
        self.log
            .send_batch(&records)
            .map_err(|e| deadline.name(e))?;
        deadline.remaining().map(drop)
    }

    fn read_until(&self, deadline: &Deadline) -> Result<(), StorageError> {
        let left = deadline.remaining()?;
        self.log.read_to_end(left).map_err(|e| deadline.name(e))
    }
}

/// Kafka's refusal of a config topic with more than one partition.
fn single_partition_message(topic: &str, partitions: usize) -> String {
    format!(
        "Topic '{topic}' supplied via the 'config.storage.topic' property is required to have a single partition in order to guarantee consistency of connector configurations, but found {partitions} partitions."
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_config_topic_with_more_partitions_is_refused_with_kafkas_message() {
        assert_eq!(
            super::single_partition_message("connect-configs", 25),
            "Topic 'connect-configs' supplied via the 'config.storage.topic' property is required to have a single partition in order to guarantee consistency of connector configurations, but found 25 partitions."
        );
    }

    #[test]
    fn the_herder_can_share_the_store_between_threads() {
        fn shareable<T: Send + Sync>() {}
        shareable::<super::ConfigTopic>();
    }
}
