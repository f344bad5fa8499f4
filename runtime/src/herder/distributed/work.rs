//! What this worker runs of the cluster's work: connector instances and task threads, brought
//! in line with the group's assignment and the connectors' target states.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use ferry_connect_group::{ConnectorTaskId, ConnectorsAndTasks};
use tracing::{info, warn};

use crate::config::TargetState;
use crate::herder::standalone::lifecycle::Entry;
use crate::herder::ConfigMap;
use crate::storage::ConfigState;
use crate::task::{State, StatusListener, TaskHandle, TaskId};
use crate::worker::Worker;

/// A task thread and the config it runs with.
pub(super) struct LocalTask {
    pub handle: TaskHandle,
    pub config: ConfigMap,
}

/// This worker's share of the cluster.
#[derive(Default)]
pub(super) struct LocalWork {
    /// What the group assigned to this worker (everything it should run).
    pub assigned: ConnectorsAndTasks,
    /// Connector instances assigned here (started or not, per target state).
    pub connectors: BTreeMap<String, Entry>,
    /// Running task threads.
    pub tasks: BTreeMap<TaskId, LocalTask>,
}

pub(super) fn task_id(id: &ConnectorTaskId) -> TaskId {
    TaskId {
        connector: id.connector.clone(),
        task: u32::try_from(id.task).unwrap_or_default(),
    }
}

pub(super) fn group_task_id(id: &TaskId) -> ConnectorTaskId {
    ConnectorTaskId::new(
        id.connector.clone(),
        i32::try_from(id.task).unwrap_or(i32::MAX),
    )
}

impl LocalWork {
    /// Whether the group assigned task `id` here.
    pub fn owns_task(&self, id: &TaskId) -> bool {
        self.assigned.contains_task(&group_task_id(id))
    }

    /// Stops the listed task threads, waiting at most `task.shutdown.graceful.timeout.ms` in all.
    pub fn stop_tasks(&mut self, worker: &Worker, ids: &[TaskId]) {
        let stopping: Vec<(TaskId, LocalTask)> = ids
            .iter()
            .filter_map(|id| self.tasks.remove(id).map(|t| (id.clone(), t)))
            .collect();
        for (_, t) in &stopping {
            t.handle.request_stop();
        }
        let deadline = Instant::now() + worker.task_shutdown_timeout;
        for (id, t) in stopping {
            if !t.handle.join_until(deadline) {
                worker.statuses.on_task_state(
                    &id,
                    State::Failed,
                    Some(format!(
                        "Task {id} did not stop within {:?} and was abandoned",
                        worker.task_shutdown_timeout
                    )),
                );
            }
        }
    }

    /// Restarts the tasks running here (of `connector`, or all) whose committed config is no
    /// longer the one they run with; tasks without a committed config any more are stopped.
    pub fn restart_changed_tasks(
        &mut self,
        worker: &Worker,
        snapshot: &ConfigState,
        connector: Option<&str>,
    ) {
        let changed: Vec<TaskId> = self
            .tasks
            .iter()
            .filter(|(id, _)| connector.is_none_or(|c| c == id.connector))
            .filter(|(id, t)| {
                snapshot.task_configs(&id.connector).get(id.task as usize) != Some(&t.config)
            })
            .map(|(id, _)| id.clone())
            .collect();
        if changed.is_empty() {
            return;
        }
        info!(
            tasks = changed.len(),
            "Task configs changed; restarting tasks"
        );
        self.stop_tasks(worker, &changed);
        for id in &changed {
            self.start_task(worker, snapshot, id);
        }
    }

    /// Task ids of `connector` running here.
    pub fn tasks_of(&self, connector: &str) -> Vec<TaskId> {
        self.tasks
            .keys()
            .filter(|id| id.connector == connector)
            .cloned()
            .collect()
    }

    /// Stops a connector instance; its status becomes UNASSIGNED (a failure stays visible).
    pub fn stop_connector(&mut self, worker: &Worker, name: &str) {
        if let Some(mut e) = self.connectors.remove(name) {
            e.stop_connector();
            let failed = worker
                .statuses
                .connector(name)
                .is_some_and(|(state, _)| state == State::Failed);
            if !failed {
                worker.statuses.set_connector(name, State::Unassigned, None);
            }
        }
    }

    /// Starts task `id` with its committed config if the group assigned it here and the
    /// connector's target state lets it run.
    pub fn start_task(&mut self, worker: &Worker, snapshot: &ConfigState, id: &TaskId) {
        if self.tasks.contains_key(id) || !self.owns_task(id) {
            return;
        }
        let Some(connector_config) = snapshot.connectors.get(&id.connector) else {
            return;
        };
        let Some(config) = snapshot.task_configs(&id.connector).get(id.task as usize) else {
            warn!(task = %id, "No committed config for an assigned task yet");
            return;
        };
        match snapshot.target(&id.connector) {
            TargetState::Started => {}
            TargetState::Paused => {
                worker.statuses.on_task_state(id, State::Paused, None);
                return;
            }
            TargetState::Stopped => return,
        }
        let class = match worker.registry.for_config(connector_config) {
            Ok(class) => class,
            Err(e) => {
                worker
                    .statuses
                    .on_task_state(id, State::Failed, Some(e.to_string()));
                return;
            }
        };
        if let Some(handle) =
            worker.start_task(id.clone(), &class, config.clone(), connector_config)
        {
            info!(task = %id, "Task started");
            self.tasks.insert(
                id.clone(),
                LocalTask {
                    handle,
                    config: config.clone(),
                },
            );
        }
    }

    /// Creates and starts connector `name` per its target state; returns whether it runs
    /// (and so should generate task configs).
    pub fn start_connector(&mut self, worker: &Worker, snapshot: &ConfigState, name: &str) -> bool {
        let Some(config) = snapshot.connectors.get(name) else {
            return false;
        };
        let target = snapshot.target(name);
        let class = match worker.registry.for_config(config) {
            Ok(class) => class,
            Err(e) => {
                worker
                    .statuses
                    .set_connector(name, State::Failed, Some(e.to_string()));
                return false;
            }
        };
        let mut entry = Entry::new(name, config.clone(), Arc::clone(&class), target);
        let running = match target {
            TargetState::Stopped => {
                worker.statuses.set_connector(name, State::Stopped, None);
                false
            }
            TargetState::Paused => {
                if entry.start_connector(worker) {
                    worker.statuses.set_connector(name, State::Paused, None);
                }
                false
            }
            TargetState::Started => entry.start_connector(worker),
        };
        self.connectors.insert(name.to_owned(), entry);
        running
    }
}
