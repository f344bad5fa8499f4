//! One connector's lifecycle in a standalone worker: its plugin instance, task configs and
//! task threads, driven by its target state.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use ferry_plugin_abi::abi_stable::sabi_trait::TD_Opaque;
use ferry_plugin_abi::{ConnectorBox, ConnectorContextObj_TO};
use tracing::{error, info, info_span};

use crate::config::TargetState;
use crate::plugin::{PluginClass, PluginKind};
use crate::task::{HostConnectorContext, State, StatusListener, TaskHandle, TaskId};
use crate::worker::Worker;

/// A connector known to the herder.
pub struct Entry {
    pub name: String,
    pub config: BTreeMap<String, String>,
    pub target: TargetState,
    pub class: Arc<PluginClass>,
    pub connector: Option<ConnectorBox>,
    pub ctx: HostConnectorContext,
    pub task_configs: Vec<BTreeMap<String, String>>,
    pub tasks: Vec<TaskHandle>,
}

fn tasks_max(config: &BTreeMap<String, String>) -> u32 {
    config
        .get("tasks.max")
        .and_then(|v| v.trim().parse().ok())
        .filter(|n| *n >= 1)
        .unwrap_or(1)
}

impl Entry {
    pub fn new(
        name: &str,
        config: BTreeMap<String, String>,
        class: Arc<PluginClass>,
        target: TargetState,
    ) -> Entry {
        Entry {
            name: name.to_owned(),
            config,
            target,
            class,
            connector: None,
            ctx: HostConnectorContext::default(),
            task_configs: Vec::new(),
            tasks: Vec::new(),
        }
    }

    /// Start the plugin's connector instance. A failure is the connector's FAILED status.
    pub fn start_connector(&mut self, worker: &Worker) -> bool {
        let _span = info_span!("connector", connector = %self.name).entered();
        self.ctx = HostConnectorContext::default();
        let started = (|| {
            let module = &self.class.library.module;
            let mut c = (module.new_connector())(self.class.class.as_str().into())
                .into_result()
                .map_err(|e| e.message.to_string())?;
            let config = serde_json::to_string(&self.config).map_err(|e| e.to_string())?;
            c.start(
                config.as_str().into(),
                ConnectorContextObj_TO::from_value(self.ctx.clone(), TD_Opaque),
            )
            .into_result()
            .map_err(|e| {
                if e.trace.is_empty() {
                    e.message.to_string()
                } else {
                    format!("{}\n{}", e.message, e.trace)
                }
            })?;
            Ok::<_, String>(c)
        })();
        match started {
            Ok(c) => {
                info!("Connector started");
                self.connector = Some(c);
                worker
                    .statuses
                    .set_connector(&self.name, State::Running, None);
                true
            }
            Err(e) => {
                error!(error = %e, "Connector failed to start");
                worker
                    .statuses
                    .set_connector(&self.name, State::Failed, Some(e));
                false
            }
        }
    }

    pub fn stop_connector(&mut self) {
        if let Some(mut c) = self.connector.take() {
            if let Err(e) = c.stop().into_result() {
                error!(connector = %self.name, error = %e.message, "Connector failed to stop cleanly");
            }
        }
    }

    /// Ask the connector for task configs; add `task.class`, and `topics`/`topics.regex` for
    /// sinks, as Kafka's worker does.
    pub fn generate_task_configs(
        &mut self,
        worker: &Worker,
    ) -> Result<Vec<BTreeMap<String, String>>, String> {
        let Some(c) = self.connector.as_mut() else {
            return Ok(Vec::new());
        };
        let raw = c
            .task_configs(tasks_max(&self.config))
            .into_result()
            .map_err(|e| e.message.to_string())?;
        let mut configs: Vec<BTreeMap<String, String>> = serde_json::from_str(raw.as_str())
            .map_err(|e| format!("Connector returned malformed task configs: {e}"))?;
        let enforce = self
            .config
            .get("tasks.max.enforce")
            .is_none_or(|v| !v.eq_ignore_ascii_case("false"));
        if configs.len() > tasks_max(&self.config) as usize && enforce {
            let e = format!("The connector {} has generated {} tasks, which is greater than {}, the maximum number of tasks it is configured to create. ", self.name, configs.len(), tasks_max(&self.config));
            worker
                .statuses
                .set_connector(&self.name, State::Failed, Some(e.clone()));
            return Err(e);
        }
        for cfg in &mut configs {
            cfg.insert("task.class".into(), self.class.task_class.clone());
            if self.class.kind == PluginKind::Sink {
                for key in ["topics", "topics.regex"] {
                    if let Some(v) = self.config.get(key) {
                        cfg.insert(key.into(), v.clone());
                    }
                }
            }
        }
        Ok(configs)
    }

    pub fn start_tasks(&mut self, worker: &Worker) {
        for (i, cfg) in self.task_configs.iter().enumerate() {
            let id = TaskId {
                connector: self.name.clone(),
                task: i as u32,
            };
            if let Some(h) = worker.start_task(id, &self.class, cfg.clone(), &self.config) {
                self.tasks.push(h);
            }
        }
    }

    /// Stop every task, waiting at most `task.shutdown.graceful.timeout.ms` in total.
    pub fn stop_tasks(&mut self, worker: &Worker) {
        for t in &self.tasks {
            t.request_stop();
        }
        let deadline = Instant::now() + worker.task_shutdown_timeout;
        for t in self.tasks.drain(..) {
            let id = t.id.clone();
            if !t.join_until(deadline) {
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

    /// Bring everything in line with the target state.
    pub fn apply_target(&mut self, worker: &Worker) {
        match self.target {
            TargetState::Started => {
                if self.connector.is_none() && !self.start_connector(worker) {
                    return;
                }
                if self.tasks.is_empty() {
                    worker
                        .statuses
                        .set_connector(&self.name, State::Running, None);
                    match self.generate_task_configs(worker) {
                        Ok(c) => self.task_configs = c,
                        Err(e) => {
                            return error!(connector = %self.name, error = %e, "Cannot generate task configs")
                        }
                    }
                    worker.statuses.remove_tasks(&self.name);
                    self.start_tasks(worker);
                }
            }
            TargetState::Paused => {
                if self.connector.is_none() {
                    self.start_connector(worker);
                }
                self.stop_tasks(worker);
                worker
                    .statuses
                    .set_connector(&self.name, State::Paused, None);
                for i in 0..self.task_configs.len() as u32 {
                    worker.statuses.on_task_state(
                        &TaskId {
                            connector: self.name.clone(),
                            task: i,
                        },
                        State::Paused,
                        None,
                    );
                }
            }
            TargetState::Stopped => {
                self.stop_tasks(worker);
                self.stop_connector();
                self.task_configs.clear();
                worker.statuses.remove_tasks(&self.name);
                worker
                    .statuses
                    .set_connector(&self.name, State::Stopped, None);
            }
        }
    }

    /// Stop everything (before a delete or a config replacement).
    pub fn shutdown(&mut self, worker: &Worker) {
        self.stop_tasks(worker);
        self.stop_connector();
    }
}
