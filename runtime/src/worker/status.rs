//! Connector and task statuses, in memory (standalone mode keeps no status topic).

use std::collections::BTreeMap;
use std::sync::Mutex;

use crate::task::{State, StatusListener, TaskId};

/// A state and, for a failure, its trace.
pub type Status = (State, Option<String>);

/// Statuses of every connector and task of this worker.
#[derive(Default)]
pub struct StatusStore {
    connectors: Mutex<BTreeMap<String, Status>>,
    tasks: Mutex<BTreeMap<TaskId, Status>>,
    topics: Mutex<BTreeMap<String, std::collections::BTreeSet<String>>>,
    tolerated: Mutex<BTreeMap<TaskId, std::sync::Arc<std::sync::atomic::AtomicU64>>>,
}

impl StatusStore {
    pub fn set_connector(&self, name: &str, state: State, trace: Option<String>) {
        if let Ok(mut c) = self.connectors.lock() {
            c.insert(name.to_owned(), (state, trace));
        }
    }

    pub fn connector(&self, name: &str) -> Option<Status> {
        self.connectors.lock().ok()?.get(name).cloned()
    }

    pub fn task(&self, id: &TaskId) -> Option<Status> {
        self.tasks.lock().ok()?.get(id).cloned()
    }

    /// Every task status of a connector, by task number.
    pub fn tasks_of(&self, connector: &str) -> Vec<(u32, Status)> {
        let Ok(tasks) = self.tasks.lock() else {
            return Vec::new();
        };
        tasks
            .iter()
            .filter(|(id, _)| id.connector == connector)
            .map(|(id, s)| (id.task, s.clone()))
            .collect()
    }

    /// Forget a connector and its tasks.
    pub fn remove(&self, connector: &str) {
        if let Ok(mut c) = self.connectors.lock() {
            c.remove(connector);
        }
        self.remove_tasks(connector);
    }

    /// Count the records task `id` skips under `errors.tolerance=all`.
    pub fn track_tolerated(
        &self,
        id: &TaskId,
        counter: std::sync::Arc<std::sync::atomic::AtomicU64>,
    ) {
        if let Ok(mut t) = self.tolerated.lock() {
            t.insert(id.clone(), counter);
        }
    }

    /// Records task `id` skipped under `errors.tolerance=all`; `None` without tolerance.
    pub fn tolerated(&self, id: &TaskId) -> Option<u64> {
        let t = self.tolerated.lock().ok()?;
        t.get(id)
            .map(|c| c.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Record that `connector` used `topic` (KIP-558 topic tracking).
    pub fn record_topic(&self, connector: &str, topic: &str) {
        if let Ok(mut t) = self.topics.lock() {
            let set = t.entry(connector.to_owned()).or_default();
            if !set.contains(topic) {
                set.insert(topic.to_owned());
            }
        }
    }

    /// Topics `connector` used since the last reset, sorted.
    pub fn active_topics(&self, connector: &str) -> Vec<String> {
        self.topics
            .lock()
            .ok()
            .and_then(|t| t.get(connector).map(|s| s.iter().cloned().collect()))
            .unwrap_or_default()
    }

    pub fn reset_active_topics(&self, connector: &str) {
        if let Ok(mut t) = self.topics.lock() {
            t.remove(connector);
        }
    }

    pub fn remove_tasks(&self, connector: &str) {
        if let Ok(mut t) = self.tasks.lock() {
            t.retain(|id, _| id.connector != connector);
        }
    }
}

impl StatusListener for StatusStore {
    fn on_task_state(&self, id: &TaskId, state: State, trace: Option<String>) {
        if let Ok(mut t) = self.tasks.lock() {
            // A task stopped on purpose must not overwrite a failure already reported.
            if state == State::Unassigned && t.get(id).is_some_and(|(s, _)| *s == State::Failed) {
                return;
            }
            t.insert(id.clone(), (state, trace));
        }
    }
}
