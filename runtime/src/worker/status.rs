//! Connector and task statuses of this worker, in memory. In distributed mode every change is
//! also handed to a [`StatusPublisher`] (the status topic); standalone mode sets none.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, OnceLock};

use crate::task::{State, StatusListener, TaskId};

/// Where local status changes are also sent (distributed mode: the status topic).
pub trait StatusPublisher: Send + Sync {
    /// A connector of this worker changed state.
    fn connector_status(&self, name: &str, state: State, trace: Option<&str>);
    /// A task of this worker changed state.
    fn task_status(&self, id: &TaskId, state: State, trace: Option<&str>);
    /// Task `task` of `connector` used `topic` for the first time since the last reset.
    fn topic_used(&self, connector: &str, topic: &str, task: u32);
}

/// A state and, for a failure, its trace.
pub type Status = (State, Option<String>);

/// Statuses of every connector and task of this worker.
#[derive(Default)]
pub struct StatusStore {
    connectors: Mutex<BTreeMap<String, Status>>,
    tasks: Mutex<BTreeMap<TaskId, Status>>,
    topics: Mutex<BTreeMap<String, std::collections::BTreeSet<String>>>,
    tolerated: Mutex<BTreeMap<TaskId, std::sync::Arc<std::sync::atomic::AtomicU64>>>,
    publisher: OnceLock<Arc<dyn StatusPublisher>>,
}

impl StatusStore {
    /// Also send every later status change to `publisher`. Only the first call has an effect.
    pub fn set_publisher(&self, publisher: Arc<dyn StatusPublisher>) {
        let _ = self.publisher.set(publisher);
    }

    pub fn set_connector(&self, name: &str, state: State, trace: Option<String>) {
        if let Some(p) = self.publisher.get() {
            p.connector_status(name, state, trace.as_deref());
        }
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

    /// Record that task `task` of `connector` used `topic` (KIP-558 topic tracking).
    pub fn record_topic(&self, connector: &str, task: u32, topic: &str) {
        let new = match self.topics.lock() {
            Ok(mut t) => t
                .entry(connector.to_owned())
                .or_default()
                .insert(topic.to_owned()),
            Err(_) => false,
        };
        if let (true, Some(p)) = (new, self.publisher.get()) {
            p.topic_used(connector, topic, task);
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
            if let Some(p) = self.publisher.get() {
                p.task_status(id, state, trace.as_deref());
            }
            t.insert(id.clone(), (state, trace));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Recorder(Mutex<Vec<String>>);

    impl StatusPublisher for Recorder {
        fn connector_status(&self, name: &str, state: State, trace: Option<&str>) {
            self.0
                .lock()
                .unwrap()
                .push(format!("c {name} {state} {trace:?}"));
        }
        fn task_status(&self, id: &TaskId, state: State, trace: Option<&str>) {
            self.0
                .lock()
                .unwrap()
                .push(format!("t {id} {state} {trace:?}"));
        }
        fn topic_used(&self, connector: &str, topic: &str, task: u32) {
            self.0
                .lock()
                .unwrap()
                .push(format!("topic {connector} {topic} {task}"));
        }
    }

    #[test]
    fn every_local_change_is_published_once() {
        let store = StatusStore::default();
        let recorder = Arc::new(Recorder::default());
        store.set_publisher(recorder.clone());
        let id = TaskId {
            connector: "c".into(),
            task: 1,
        };
        store.set_connector("c", State::Running, None);
        store.on_task_state(&id, State::Failed, Some("boom".into()));
        // A stop after a failure keeps the failure, here and in the topic.
        store.on_task_state(&id, State::Unassigned, None);
        store.record_topic("c", 1, "t1");
        store.record_topic("c", 1, "t1");
        store.reset_active_topics("c");
        store.record_topic("c", 0, "t1");
        assert_eq!(
            *recorder.0.lock().unwrap(),
            vec![
                "c c RUNNING None",
                "t c-1 FAILED Some(\"boom\")",
                "topic c t1 1",
                "topic c t1 0",
            ]
        );
        assert_eq!(store.active_topics("c"), vec!["t1"]);
    }

    #[test]
    fn without_a_publisher_statuses_stay_local() {
        let store = StatusStore::default();
        store.set_connector("c", State::Paused, None);
        store.record_topic("c", 0, "t");
        assert_eq!(store.connector("c"), Some((State::Paused, None)));
        assert_eq!(store.active_topics("c"), vec!["t"]);
    }
}
