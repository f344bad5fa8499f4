//! The standalone herder: one worker, connector configs in memory (recreated from the command
//! line at start-up), source offsets in a local file, statuses in memory.

pub(in crate::herder) mod lifecycle;
pub(in crate::herder) mod offsets;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use lifecycle::Entry;
use serde_json::Value;

use super::put::{check_replace, validate_for_put};
use super::validate::validate;
use super::{
    ConfigMap, ConnectorInfo, ConnectorOffsets, ConnectorState, ConnectorStateInfo,
    ConnectorTaskId, ConnectorType, Created, Herder, HerderError, Message, PluginInfo, ServerInfo,
    TaskInfo, TaskStateInfo, WorkerHealth,
};
use crate::config::TargetState;
use crate::plugin::PluginKind;
use crate::task::{State, TaskId};
use crate::worker::Worker;

/// Kafka Connect's `StandaloneHerder`.
pub struct StandaloneHerder {
    worker: Arc<Worker>,
    connectors: Mutex<BTreeMap<String, Entry>>,
    /// Fetched from Kafka on the first `GET /`, not at start-up (it costs a round trip).
    cluster_id: std::sync::OnceLock<String>,
    ready: AtomicBool,
}

fn kind(k: PluginKind) -> ConnectorType {
    match k {
        PluginKind::Source => ConnectorType::Source,
        PluginKind::Sink => ConnectorType::Sink,
    }
}

impl StandaloneHerder {
    pub fn new(worker: Arc<Worker>) -> StandaloneHerder {
        StandaloneHerder {
            worker,
            connectors: Mutex::new(BTreeMap::new()),
            cluster_id: std::sync::OnceLock::new(),
            ready: AtomicBool::new(false),
        }
    }

    /// Fetch the cluster id now, off the request path.
    pub fn prefetch_cluster_id(self: &Arc<Self>) {
        let herder = self.clone();
        let _ = std::thread::Builder::new()
            .name("ferry-cluster-id".into())
            .spawn(move || herder.cluster_id());
    }

    fn cluster_id(&self) -> Option<String> {
        if let Some(id) = self.cluster_id.get() {
            return Some(id.clone());
        }
        let id = crate::kafka::cluster_id(&self.worker.clients, std::time::Duration::from_secs(5))?;
        Some(self.cluster_id.get_or_init(|| id).clone())
    }

    /// Start-up is over (every command-line connector was created): `/health` says healthy.
    pub fn set_ready(&self) {
        self.ready.store(true, Ordering::Release);
    }

    fn lock(&self) -> Result<MutexGuard<'_, BTreeMap<String, Entry>>, HerderError> {
        self.connectors
            .lock()
            .map_err(|_| HerderError::Internal("herder state poisoned".into()))
    }

    fn info(entry: &Entry) -> ConnectorInfo {
        ConnectorInfo {
            name: entry.name.clone(),
            config: entry.config.clone(),
            tasks: (0..entry.task_configs.len() as u32)
                .map(|task| ConnectorTaskId {
                    connector: entry.name.clone(),
                    task,
                })
                .collect(),
            connector_type: kind(entry.class.kind),
        }
    }

    fn task_state(
        &self,
        name: &str,
        task: u32,
        (state, trace): (State, Option<String>),
    ) -> TaskStateInfo {
        let id = TaskId {
            connector: name.to_owned(),
            task,
        };
        TaskStateInfo {
            id: task,
            state: state.as_str().into(),
            worker_id: self.worker.worker_id.clone(),
            trace,
            errors_tolerated: self.worker.statuses.tolerated(&id),
        }
    }

    /// Stop every connector (worker shutdown).
    pub fn stop_all(&self) {
        if let Ok(mut c) = self.lock() {
            for e in c.values_mut() {
                e.shutdown(&self.worker);
            }
        }
        // Let stopped sink tasks' consumers leave their groups, so a restart finds none.
        self.worker
            .closing_consumers
            .wait(self.worker.task_shutdown_timeout);
    }

    /// Apply connector reconfiguration requests (`ConnectorContext.requestTaskReconfiguration`)
    /// and raised errors; called periodically.
    pub fn tick(&self) {
        let Ok(mut c) = self.lock() else { return };
        for e in c.values_mut() {
            if let Some(err) = e.ctx.error.lock().ok().and_then(|mut x| x.take()) {
                self.worker
                    .statuses
                    .set_connector(&e.name, State::Failed, Some(err));
            }
            if e.ctx.reconfigure.swap(false, Ordering::AcqRel) && e.target == TargetState::Started {
                if let Ok(new) = e.generate_task_configs(&self.worker) {
                    if new != e.task_configs {
                        e.stop_tasks(&self.worker);
                        e.task_configs = new;
                        self.worker.statuses.remove_tasks(&e.name);
                        e.start_tasks(&self.worker);
                    }
                }
            }
        }
    }
}

impl Herder for StandaloneHerder {
    fn server_info(&self) -> ServerInfo {
        ServerInfo::current(self.cluster_id())
    }

    fn health(&self) -> WorkerHealth {
        WorkerHealth::new(self.ready.load(Ordering::Acquire))
    }

    fn connectors(&self) -> Vec<String> {
        self.lock()
            .map(|c| c.keys().cloned().collect())
            .unwrap_or_default()
    }

    fn connector_info(&self, name: &str) -> Result<ConnectorInfo, HerderError> {
        self.lock()?
            .get(name)
            .map(Self::info)
            .ok_or_else(|| HerderError::connector_not_found(name))
    }

    fn connector_config(&self, name: &str) -> Result<ConfigMap, HerderError> {
        self.lock()?
            .get(name)
            .map(|e| e.config.clone())
            .ok_or_else(|| HerderError::connector_not_found(name))
    }

    fn put_connector_config(
        &self,
        name: &str,
        config: ConfigMap,
        allow_replace: bool,
        initial_state: Option<TargetState>,
    ) -> Result<Created, HerderError> {
        let class = validate_for_put(&self.worker.registry, self.worker.override_policy, &config)?;
        let mut connectors = self.lock()?;
        check_replace(name, connectors.contains_key(name), allow_replace)?;
        let created = match connectors.get_mut(name) {
            Some(existing) => {
                existing.shutdown(&self.worker);
                existing.config = config;
                existing.class = class;
                existing.task_configs.clear();
                false
            }
            None => {
                let target = initial_state.unwrap_or(TargetState::Started);
                connectors.insert(name.to_owned(), Entry::new(name, config, class, target));
                self.worker
                    .statuses
                    .set_connector(name, State::Unassigned, None);
                true
            }
        };
        let entry = connectors
            .get_mut(name)
            .ok_or_else(|| HerderError::connector_not_found(name))?;
        entry.apply_target(&self.worker);
        Ok(Created {
            created,
            info: Self::info(entry),
        })
    }

    fn patch_connector_config(
        &self,
        name: &str,
        patch: BTreeMap<String, Option<String>>,
    ) -> Result<ConnectorInfo, HerderError> {
        let mut config = self.connector_config(name)?;
        for (k, v) in patch {
            match v {
                Some(v) => config.insert(k, v),
                None => config.remove(&k),
            };
        }
        Ok(self.put_connector_config(name, config, true, None)?.info)
    }

    fn delete_connector(&self, name: &str) -> Result<(), HerderError> {
        let mut entry = self
            .lock()?
            .remove(name)
            .ok_or_else(|| HerderError::connector_not_found(name))?;
        entry.shutdown(&self.worker);
        self.worker.statuses.remove(name);
        Ok(())
    }

    fn connector_status(&self, name: &str) -> Result<ConnectorStateInfo, HerderError> {
        // Kafka (AbstractHerder#connectorStatus) answers an unknown connector from the status
        // store: "No status found for connector <name>".
        let no_status = || HerderError::NotFound(format!("No status found for connector {name}"));
        let connector_type = self
            .lock()?
            .get(name)
            .map(|e| kind(e.class.kind))
            .ok_or_else(no_status)?;
        let (state, trace) = self.worker.statuses.connector(name).ok_or_else(no_status)?;
        let tasks = self
            .worker
            .statuses
            .tasks_of(name)
            .into_iter()
            .map(|(t, s)| self.task_state(name, t, s))
            .collect();
        Ok(ConnectorStateInfo {
            name: name.to_owned(),
            connector: ConnectorState {
                state: state.as_str().into(),
                worker_id: self.worker.worker_id.clone(),
                trace,
            },
            tasks,
            connector_type,
        })
    }

    fn task_status(&self, name: &str, task: u32) -> Result<TaskStateInfo, HerderError> {
        let status = self.worker.statuses.task(&TaskId {
            connector: name.to_owned(),
            task,
        });
        status
            .map(|s| self.task_state(name, task, s))
            .ok_or_else(|| HerderError::NotFound(format!("No status found for task {name}-{task}")))
    }

    fn task_configs(&self, name: &str) -> Result<Vec<TaskInfo>, HerderError> {
        let c = self.lock()?;
        let e = c
            .get(name)
            .ok_or_else(|| HerderError::connector_not_found(name))?;
        Ok(e.task_configs
            .iter()
            .enumerate()
            .map(|(i, cfg)| TaskInfo {
                id: ConnectorTaskId {
                    connector: name.to_owned(),
                    task: i as u32,
                },
                config: cfg.clone(),
            })
            .collect())
    }

    fn restart_connector(
        &self,
        name: &str,
        include_tasks: bool,
        only_failed: bool,
    ) -> Result<Option<ConnectorStateInfo>, HerderError> {
        let plan = if include_tasks || only_failed {
            // Kafka (StandaloneHerder#restartConnectorAndTasks): "Unknown connector: <name>",
            // then "Status for connector <name> not found".
            if !self.lock()?.contains_key(name) {
                return Err(HerderError::NotFound(format!("Unknown connector: {name}")));
            }
            Some(self.connector_status(name).map_err(|error| match error {
                HerderError::NotFound(_) => {
                    HerderError::NotFound(format!("Status for connector {name} not found"))
                }
                other => other,
            })?)
        } else {
            None
        };
        let mut c = self.lock()?;
        let e = c
            .get_mut(name)
            .ok_or_else(|| HerderError::connector_not_found(name))?;
        let connector_failed = plan.as_ref().is_some_and(|p| p.connector.state == "FAILED");
        let restart_connector = !only_failed || connector_failed;
        let restart_tasks: Vec<u32> = match &plan {
            Some(p) if include_tasks => p
                .tasks
                .iter()
                .filter(|t| !only_failed || t.state == "FAILED")
                .map(|t| t.id)
                .collect(),
            _ => Vec::new(),
        };
        // What is restarted picks up a replaced plugin file (what keeps running keeps its
        // version); if the file is gone, the version already loaded is kept.
        if restart_connector || !restart_tasks.is_empty() {
            if let Ok(class) = self.worker.registry.for_config(&e.config) {
                e.class = class;
            }
        }
        if restart_connector {
            e.stop_connector();
            match e.target {
                TargetState::Started => {
                    e.start_connector(&self.worker);
                }
                // Kafka restarts it in its target state: a paused connector stays PAUSED.
                TargetState::Paused => {
                    if e.start_connector(&self.worker) {
                        self.worker
                            .statuses
                            .set_connector(name, State::Paused, None);
                    }
                }
                TargetState::Stopped => {}
            }
        }
        if !restart_tasks.is_empty() && e.target == TargetState::Started {
            e.stop_tasks(&self.worker);
            e.start_tasks(&self.worker);
        }
        Ok(plan.map(|mut p| {
            if restart_connector {
                p.connector.state = "RESTARTING".into();
                p.connector.trace = None;
            }
            for t in p.tasks.iter_mut().filter(|t| restart_tasks.contains(&t.id)) {
                t.state = "RESTARTING".into();
                t.trace = None;
            }
            p
        }))
    }

    fn restart_task(&self, name: &str, task: u32) -> Result<(), HerderError> {
        let mut c = self.lock()?;
        let e = c
            .get_mut(name)
            .ok_or_else(|| HerderError::connector_not_found(name))?;
        let cfg = e
            .task_configs
            .get(task as usize)
            .cloned()
            .ok_or_else(|| HerderError::NotFound(format!("Task {name}-{task} not found")))?;
        if let Some(pos) = e.tasks.iter().position(|t| t.id.task == task) {
            let handle = e.tasks.remove(pos);
            handle.request_stop();
            handle.join_until(std::time::Instant::now() + self.worker.task_shutdown_timeout);
        }
        let id = TaskId {
            connector: name.to_owned(),
            task,
        };
        if e.target != TargetState::Started {
            // Kafka starts the task in the connector's target state: a paused connector's task
            // stays PAUSED instead of processing records (Ferry runs no thread for it).
            use crate::task::StatusListener as _;
            self.worker.statuses.on_task_state(&id, State::Paused, None);
            return Ok(());
        }
        // A restarted task picks up a replaced plugin file; if the file is gone, it keeps the
        // version already loaded.
        let class = self
            .worker
            .registry
            .for_config(&e.config)
            .unwrap_or_else(|_| e.class.clone());
        if let Some(h) = self.worker.start_task(id, &class, cfg, &e.config) {
            e.tasks.push(h);
        }
        Ok(())
    }

    fn set_target_state(&self, name: &str, state: TargetState) -> Result<(), HerderError> {
        let mut c = self.lock()?;
        let e = c.get_mut(name).ok_or_else(|| match state {
            TargetState::Stopped => {
                HerderError::Internal(format!("No connector `{name}` configured"))
            }
            _ => HerderError::NotFound(format!("Unknown connector {name}")),
        })?;
        e.target = state;
        e.apply_target(&self.worker);
        Ok(())
    }

    fn active_topics(&self, name: &str) -> Result<Vec<String>, HerderError> {
        Ok(self.worker.statuses.active_topics(name))
    }

    fn reset_active_topics(&self, name: &str) -> Result<(), HerderError> {
        self.worker.statuses.reset_active_topics(name);
        Ok(())
    }

    fn offsets(&self, name: &str) -> Result<ConnectorOffsets, HerderError> {
        let (class, config) = self
            .lock()?
            .get(name)
            .map(|e| (e.class.clone(), e.config.clone()))
            .ok_or_else(|| HerderError::connector_not_found(name))?;
        offsets::read(&self.worker, name, &class, &config)
    }

    fn alter_offsets(&self, name: &str, offsets: ConnectorOffsets) -> Result<Message, HerderError> {
        let c = self.lock()?;
        let e = c
            .get(name)
            .ok_or_else(|| HerderError::connector_not_found(name))?;
        offsets::check_stopped(e)?;
        offsets::alter(&self.worker, name, &e.class, &e.config, offsets)
    }

    fn reset_offsets(&self, name: &str) -> Result<Message, HerderError> {
        let c = self.lock()?;
        let e = c
            .get(name)
            .ok_or_else(|| HerderError::connector_not_found(name))?;
        offsets::check_stopped(e)?;
        offsets::reset(&self.worker, name, &e.class, &e.config)
    }

    fn plugins(&self, connectors_only: bool) -> Vec<PluginInfo> {
        super::plugins::list(&self.worker, connectors_only)
    }

    fn plugin_config(&self, plugin: &str) -> Result<Vec<Value>, HerderError> {
        super::plugins::config(&self.worker, plugin)
    }

    fn plugin_failures(&self) -> Vec<crate::plugin::RejectedFile> {
        self.worker.registry.rejected()
    }

    fn validate(&self, _plugin: &str, config: ConfigMap) -> Result<Value, HerderError> {
        Ok(validate(&self.worker.registry, self.worker.override_policy, &config)?.infos)
    }
}
