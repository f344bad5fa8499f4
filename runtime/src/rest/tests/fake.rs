//! An in-memory [`Herder`] with canned, Kafka-shaped answers.
//!
//! Connectors live in a map; a connector whose config has `connector.class` containing
//! `Source` is a source, anything else a sink. Every connector has one task (id 0). Special
//! config keys steer errors: `fake.status=missing` makes its status 404 (as right after
//! creation), `fake.info=slow` makes `connector_info` sleep 2 s, `fake.info=panic` makes it
//! panic; a health status of `slow` makes `health` sleep 2 s. Calls that change state are recorded in [`FakeHerder::calls`].

use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::json;

use crate::config::TargetState;
use crate::herder::*;

pub const WORKER_ID: &str = "127.0.0.1:8083";

#[derive(Debug)]
pub struct FakeHerder {
    connectors: Mutex<BTreeMap<String, (ConfigMap, TargetState)>>,
    calls: Mutex<Vec<String>>,
    pub health: Mutex<WorkerHealth>,
}

impl FakeHerder {
    pub fn new() -> FakeHerder {
        FakeHerder {
            connectors: Mutex::new(BTreeMap::new()),
            calls: Mutex::new(Vec::new()),
            health: Mutex::new(WorkerHealth {
                status: "healthy".into(),
                message: "Worker has completed startup and is ready to handle requests.".into(),
            }),
        }
    }

    /// Adds a connector directly.
    pub fn add(&self, name: &str, pairs: &[(&str, &str)]) {
        let mut config: ConfigMap = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        config.insert("name".into(), name.into());
        self.lock()
            .insert(name.into(), (config, TargetState::Started));
    }

    /// Adds a file source connector named `name`.
    pub fn add_source(&self, name: &str) {
        self.add(
            name,
            &[
                (
                    "connector.class",
                    "org.apache.kafka.connect.file.FileStreamSourceConnector",
                ),
                ("file", "/tmp/in"),
                ("topic", "t"),
                ("tasks.max", "1"),
            ],
        );
    }

    pub fn calls(&self) -> Vec<String> {
        self.calls.lock().unwrap().clone()
    }

    pub fn target_state(&self, name: &str) -> Option<TargetState> {
        self.lock().get(name).map(|(_, state)| *state)
    }

    fn record(&self, call: String) {
        self.calls.lock().unwrap().push(call);
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, (ConfigMap, TargetState)>> {
        self.connectors.lock().unwrap()
    }

    fn config_of(&self, name: &str) -> Result<ConfigMap, HerderError> {
        self.lock()
            .get(name)
            .map(|(config, _)| config.clone())
            .ok_or_else(|| HerderError::connector_not_found(name))
    }
}

fn connector_type(config: &ConfigMap) -> ConnectorType {
    match config.get("connector.class") {
        Some(class) if class.contains("Source") => ConnectorType::Source,
        Some(_) => ConnectorType::Sink,
        None => ConnectorType::Unknown,
    }
}

fn info(name: &str, config: ConfigMap) -> ConnectorInfo {
    ConnectorInfo {
        name: name.into(),
        tasks: vec![ConnectorTaskId {
            connector: name.into(),
            task: 0,
        }],
        connector_type: connector_type(&config),
        config,
    }
}

fn task_state(id: u32, state: &str) -> TaskStateInfo {
    TaskStateInfo {
        errors_tolerated: None,
        id,
        state: state.into(),
        worker_id: WORKER_ID.into(),
        trace: None,
    }
}

impl Herder for FakeHerder {
    fn server_info(&self) -> ServerInfo {
        ServerInfo {
            version: "4.0.0-ferry".into(),
            commit: "0123456789abcdef".into(),
            kafka_cluster_id: Some("cluster-1".into()),
        }
    }

    fn health(&self) -> WorkerHealth {
        let health = self.health.lock().unwrap().clone();
        if health.status == "slow" {
            std::thread::sleep(Duration::from_secs(2));
        }
        health
    }

    fn connectors(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    fn connector_info(&self, name: &str) -> Result<ConnectorInfo, HerderError> {
        let config = self.config_of(name)?;
        match config.get("fake.info").map(String::as_str) {
            Some("slow") => {
                self.record(format!("slow info {name}"));
                std::thread::sleep(Duration::from_secs(2));
            }
            Some("panic") => panic!("fake herder panic"),
            _ => {}
        }
        Ok(info(name, config))
    }

    fn connector_config(&self, name: &str) -> Result<ConfigMap, HerderError> {
        self.config_of(name)
    }

    fn put_connector_config(
        &self,
        name: &str,
        config: ConfigMap,
        allow_replace: bool,
        initial_state: Option<TargetState>,
    ) -> Result<Created, HerderError> {
        if !config.contains_key("connector.class") {
            return Err(HerderError::BadRequest(format!(
                "Connector config {} contains no connector type",
                crate::rest::body::java_map_string(&config)
            )));
        }
        let mut connectors = self.lock();
        let existed = connectors.contains_key(name);
        if existed && !allow_replace {
            return Err(HerderError::AlreadyExists(format!(
                "Connector {name} already exists"
            )));
        }
        let state = match connectors.get(name) {
            Some((_, state)) => *state,
            None => initial_state.unwrap_or(TargetState::Started),
        };
        connectors.insert(name.into(), (config.clone(), state));
        drop(connectors);
        self.record(format!(
            "put {name} replace={allow_replace} initial={initial_state:?}"
        ));
        Ok(Created {
            created: !existed,
            info: info(name, config),
        })
    }

    fn patch_connector_config(
        &self,
        name: &str,
        patch: BTreeMap<String, Option<String>>,
    ) -> Result<ConnectorInfo, HerderError> {
        let mut connectors = self.lock();
        let (config, _) = connectors
            .get_mut(name)
            .ok_or_else(|| HerderError::connector_not_found(name))?;
        for (key, value) in patch {
            match value {
                Some(value) => config.insert(key, value),
                None => config.remove(&key),
            };
        }
        Ok(info(name, config.clone()))
    }

    fn delete_connector(&self, name: &str) -> Result<(), HerderError> {
        self.lock()
            .remove(name)
            .map(|_| ())
            .ok_or_else(|| HerderError::connector_not_found(name))?;
        self.record(format!("delete {name}"));
        Ok(())
    }

    fn connector_status(&self, name: &str) -> Result<ConnectorStateInfo, HerderError> {
        let not_found = || HerderError::NotFound(format!("No status found for connector {name}"));
        let config = self.config_of(name).map_err(|_| not_found())?;
        if config.get("fake.status").is_some_and(|v| v == "missing") {
            return Err(not_found());
        }
        Ok(ConnectorStateInfo {
            name: name.into(),
            connector: ConnectorState {
                state: "RUNNING".into(),
                worker_id: WORKER_ID.into(),
                trace: None,
            },
            tasks: vec![task_state(0, "RUNNING")],
            connector_type: connector_type(&config),
        })
    }

    fn task_status(&self, name: &str, task: u32) -> Result<TaskStateInfo, HerderError> {
        match self.config_of(name) {
            Ok(_) if task == 0 => Ok(task_state(0, "RUNNING")),
            _ => Err(HerderError::NotFound(format!(
                "No status found for task {name}-{task}"
            ))),
        }
    }

    fn task_configs(&self, name: &str) -> Result<Vec<TaskInfo>, HerderError> {
        let mut config = self.config_of(name)?;
        config.insert(
            "task.class".into(),
            "org.apache.kafka.connect.file.FileStreamSourceTask".into(),
        );
        Ok(vec![TaskInfo {
            id: ConnectorTaskId {
                connector: name.into(),
                task: 0,
            },
            config,
        }])
    }

    fn restart_connector(
        &self,
        name: &str,
        include_tasks: bool,
        only_failed: bool,
    ) -> Result<Option<ConnectorStateInfo>, HerderError> {
        self.config_of(name)?;
        self.record(format!(
            "restart {name} tasks={include_tasks} failed={only_failed}"
        ));
        if !include_tasks && !only_failed {
            return Ok(None);
        }
        let mut plan = self.connector_status(name)?;
        if !only_failed {
            plan.connector.state = "RESTARTING".into();
            if include_tasks {
                plan.tasks = vec![task_state(0, "RESTARTING")];
            }
        }
        Ok(Some(plan))
    }

    fn restart_task(&self, name: &str, task: u32) -> Result<(), HerderError> {
        self.config_of(name)?;
        if task != 0 {
            return Err(HerderError::NotFound(format!(
                "Task {name}-{task} not found"
            )));
        }
        self.record(format!("restart task {name}-{task}"));
        Ok(())
    }

    fn set_target_state(&self, name: &str, state: TargetState) -> Result<(), HerderError> {
        let mut connectors = self.lock();
        let entry = connectors
            .get_mut(name)
            .ok_or_else(|| HerderError::NotFound(format!("Unknown connector {name}")))?;
        entry.1 = state;
        Ok(())
    }

    fn active_topics(&self, name: &str) -> Result<Vec<String>, HerderError> {
        Ok(match self.config_of(name) {
            Ok(config) => config.get("topic").cloned().into_iter().collect(),
            Err(_) => Vec::new(),
        })
    }

    fn reset_active_topics(&self, name: &str) -> Result<(), HerderError> {
        self.record(format!("reset topics {name}"));
        Ok(())
    }

    fn offsets(&self, name: &str) -> Result<ConnectorOffsets, HerderError> {
        self.config_of(name)?;
        let entry: ConnectorOffset = serde_json::from_value(json!({
            "partition": {"filename": "/tmp/in"},
            "offset": {"position": 42}
        }))
        .unwrap();
        Ok(ConnectorOffsets {
            offsets: vec![entry],
        })
    }

    fn alter_offsets(&self, name: &str, offsets: ConnectorOffsets) -> Result<Message, HerderError> {
        self.require_stopped(name)?;
        self.record(format!(
            "alter offsets {name} {}",
            serde_json::to_string(&offsets).unwrap()
        ));
        Ok(Message {
            message: "The offsets for this connector have been altered successfully".into(),
        })
    }

    fn reset_offsets(&self, name: &str) -> Result<Message, HerderError> {
        self.require_stopped(name)?;
        Ok(Message {
            message: "The offsets for this connector have been reset successfully".into(),
        })
    }

    fn plugins(&self, connectors_only: bool) -> Vec<PluginInfo> {
        let plugin = |class: &str, kind: &str, version: Option<&str>| PluginInfo {
            class: class.into(),
            plugin_type: kind.into(),
            version: version.map(str::to_owned),
        };
        let mut plugins = vec![
            plugin(
                "org.apache.kafka.connect.file.FileStreamSinkConnector",
                "sink",
                Some("4.0.0"),
            ),
            plugin(
                "org.apache.kafka.connect.file.FileStreamSourceConnector",
                "source",
                Some("4.0.0"),
            ),
        ];
        if !connectors_only {
            plugins.push(plugin(
                "org.apache.kafka.connect.json.JsonConverter",
                "converter",
                None,
            ));
        }
        plugins
    }

    fn plugin_config(&self, plugin: &str) -> Result<Vec<serde_json::Value>, HerderError> {
        if !plugin.contains("FileStreamSource") {
            return Err(HerderError::NotFound(format!("Unknown plugin {plugin}.")));
        }
        Ok(vec![json!({
            "name": "file", "type": "STRING", "required": false, "default_value": null,
            "importance": "HIGH", "documentation": "Source filename.", "group": null,
            "width": "NONE", "display_name": "file", "dependents": [], "order": -1
        })])
    }

    fn validate(&self, _plugin: &str, config: ConfigMap) -> Result<serde_json::Value, HerderError> {
        Ok(json!({
            "name": config.get("connector.class"),
            "error_count": 0,
            "groups": ["Common"],
            "configs": []
        }))
    }
}

impl FakeHerder {
    fn require_stopped(&self, name: &str) -> Result<(), HerderError> {
        match self.lock().get(name) {
            None => Err(HerderError::connector_not_found(name)),
            Some((_, TargetState::Stopped)) => Ok(()),
            Some(_) => Err(HerderError::BadRequest(format!(
                "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/{name}/stop' endpoint"
            ))),
        }
    }
}
