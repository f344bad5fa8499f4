//! Applying config-topic records to a [`ConfigState`], as Kafka's `ConsumeCallback` does: task
//! configs wait for their commit, a commit applies them all at once or marks the connector
//! inconsistent, a connector tombstone forgets everything about the connector.

use std::collections::BTreeMap;

use tracing::{debug, error, info};

use super::records::{self, ConfigRecord, COMMIT_PREFIX};
use super::{ConfigChange, ConfigMap, ConfigState};
use crate::storage::LogRecord;

/// The state read so far plus the task configs still waiting for their commit.
#[derive(Debug, Default)]
pub(super) struct ConfigReader {
    state: ConfigState,
    /// Task configs read since the connector's last commit, by task number.
    deferred: BTreeMap<String, BTreeMap<u32, ConfigMap>>,
}

impl ConfigReader {
    /// The state as far as it has been read.
    pub(super) fn state(&self) -> &ConfigState {
        &self.state
    }

    /// Applies one record; returns the change the herder should hear about, if any. A
    /// malformed record is logged (naming its key) and skipped. The offset moves past every
    /// record whose value is JSON or a tombstone; a value that is not JSON leaves it where it
    /// was, as Kafka's converter failure does.
    pub(super) fn apply(&mut self, record: LogRecord<'_>) -> Option<ConfigChange> {
        let key = record.key.map(String::from_utf8_lossy);
        let value = match records::decode_value(record.value) {
            Ok(value) => value,
            Err(e) => {
                error!(
                    key = key.as_deref().unwrap_or(""),
                    offset = record.offset,
                    error = %e,
                    "Failed to convert config data to Kafka Connect format"
                );
                return None;
            }
        };
        self.state.offset = record.offset + 1;
        let Some(key) = key else {
            error!(
                offset = record.offset,
                "Discarding config update record without a key"
            );
            return None;
        };
        match records::parse(&key, value) {
            Ok(parsed) => self.apply_record(parsed),
            Err(message) => {
                error!(key = %key, offset = record.offset, "{message}");
                None
            }
        }
    }

    fn apply_record(&mut self, record: ConfigRecord) -> Option<ConfigChange> {
        let state = &mut self.state;
        match record {
            ConfigRecord::Connector { name, config: None } => {
                self.remove_connector(&name);
                info!(connector = %name, "Successfully processed removal of connector");
                Some(ConfigChange::ConnectorRemoved(name))
            }
            ConfigRecord::Connector {
                name,
                config: Some(config),
            } => {
                debug!(connector = %name, "Updating configuration for connector");
                state.connectors.insert(name.clone(), config);
                Some(ConfigChange::ConnectorConfig(name))
            }
            ConfigRecord::TargetState { name, state: None } => {
                debug!(connector = %name, "Removed target state for connector (tombstone)");
                state.targets.remove(&name);
                None
            }
            ConfigRecord::TargetState {
                name,
                state: Some(target),
            } => {
                debug!(connector = %name, state = %target, "Setting target state for connector");
                let previous = state.target(&name);
                state.targets.insert(name.clone(), target);
                // No change for a connector that does not exist yet: a create with an initial
                // state writes the target state just before the config.
                (previous != target && state.connectors.contains_key(&name))
                    .then_some(ConfigChange::TargetState(name))
            }
            ConfigRecord::Task {
                connector,
                task,
                config,
            } => {
                debug!(connector = %connector, task, "Storing new config for task until its commit");
                self.deferred
                    .entry(connector)
                    .or_default()
                    .insert(task, config);
                None
            }
            ConfigRecord::Commit { connector, tasks } => self.commit(connector, tasks),
            ConfigRecord::Restart(request) => Some(ConfigChange::Restart(request)),
            ConfigRecord::TaskCount { connector, count } => {
                debug!(connector = %connector, count, "Setting task count record for connector");
                state.task_count_records.insert(connector, count);
                None
            }
            ConfigRecord::SessionKey(key) => {
                state.session_key = Some(key);
                Some(ConfigChange::SessionKey)
            }
            ConfigRecord::LoggerLevel { namespace, level } => {
                debug!(namespace = %namespace, level = %level, "Read a cluster-scoped logging level");
                Some(ConfigChange::LoggerLevel { namespace, level })
            }
        }
    }

    fn commit(&mut self, connector: String, tasks: Result<u32, String>) -> Option<ConfigChange> {
        if !self.state.connectors.contains_key(&connector) {
            // Deleted before the commit, and compaction removed the config and its tombstone.
            self.forget_tasks(&connector);
            debug!(connector = %connector, "Ignoring task configs of a connector that does not exist");
            return None;
        }
        let count = match tasks {
            Ok(count) => count,
            Err(message) => {
                error!(key = %format!("{COMMIT_PREFIX}{connector}"), "{message}");
                return None;
            }
        };
        // Always drop the buffered configs: after an inconsistent commit only a complete new
        // set may be applied.
        let mut deferred = self.deferred.remove(&connector).unwrap_or_default();
        let configs: Option<Vec<ConfigMap>> = (0..count).map(|i| deferred.remove(&i)).collect();
        match configs {
            Some(configs) => {
                self.state.inconsistent.remove(&connector);
                self.state.tasks.insert(connector.clone(), configs);
            }
            None => {
                info!(
                    connector = %connector,
                    tasks = count,
                    "Incomplete set of task configs for connector (probably compacted); its tasks \
                     stay unknown until they are rewritten"
                );
                self.state.inconsistent.insert(connector.clone());
            }
        }
        Some(ConfigChange::TasksCommitted(connector))
    }

    fn remove_connector(&mut self, connector: &str) {
        self.state.connectors.remove(connector);
        self.state.targets.remove(connector);
        self.forget_tasks(connector);
    }

    fn forget_tasks(&mut self, connector: &str) {
        self.state.tasks.remove(connector);
        self.state.inconsistent.remove(connector);
        self.deferred.remove(connector);
    }
}

#[cfg(test)]
mod tests;
