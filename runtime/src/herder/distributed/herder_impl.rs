//! The REST operations of a distributed worker: reads from the config snapshot and the status
//! topic; writes on the leader (or forwarded to it); restarts where the work runs.

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;

use serde_json::Value;

use super::work::group_task_id;
use super::{signing, DistributedHerder, READ_WRITE_TIMEOUT};
use crate::config::TargetState;
use crate::herder::put::{check_replace, validate_for_put};
use crate::herder::standalone::offsets;
use crate::herder::validate::validate;
use crate::herder::{
    plugins, ConfigMap, ConnectorInfo, ConnectorOffsets, ConnectorState, ConnectorStateInfo,
    ConnectorTaskId, ConnectorType, Created, Herder, HerderError, InternalSignature, Message,
    PluginInfo, ServerInfo, TaskInfo, TaskStateInfo, WorkerHealth,
};
use crate::plugin::PluginKind;
use crate::storage::{ConfigState, RestartRequest, StatusRecord, StorageError};
use crate::task::TaskId;

fn storage(e: StorageError) -> HerderError {
    HerderError::Internal(e.to_string())
}

fn no_status(name: &str) -> HerderError {
    HerderError::NotFound(format!("No status found for connector {name}"))
}

impl DistributedHerder {
    fn snapshot(&self) -> ConfigState {
        self.configs.snapshot()
    }

    fn connector_type(&self, config: &ConfigMap) -> ConnectorType {
        match self.worker.registry.for_config(config).map(|c| c.kind) {
            Ok(PluginKind::Source) => ConnectorType::Source,
            Ok(PluginKind::Sink) => ConnectorType::Sink,
            Err(_) => ConnectorType::Unknown,
        }
    }

    fn info_of(&self, snapshot: &ConfigState, name: &str) -> Result<ConnectorInfo, HerderError> {
        let config = snapshot
            .connectors
            .get(name)
            .ok_or_else(|| HerderError::connector_not_found(name))?;
        Ok(ConnectorInfo {
            name: name.to_owned(),
            config: config.clone(),
            tasks: (0..snapshot.task_configs(name).len() as u32)
                .map(|task| ConnectorTaskId {
                    connector: name.to_owned(),
                    task,
                })
                .collect(),
            connector_type: self.connector_type(config),
        })
    }

    fn task_state(task: u32, status: StatusRecord, tolerated: Option<u64>) -> TaskStateInfo {
        TaskStateInfo {
            id: task,
            state: status.state.as_str().into(),
            worker_id: status.worker_id,
            trace: status.trace,
            errors_tolerated: tolerated,
        }
    }

    /// Where a restart of the connector or one of its tasks must run: `Ok(true)` here,
    /// `Err(Forward)` elsewhere.
    fn route_to_owner(
        &self,
        owner_here: bool,
        owner_url: impl FnOnce() -> Option<String>,
    ) -> Result<(), HerderError> {
        if owner_here {
            return Ok(());
        }
        let view = self.view();
        if !view.is_leader {
            return self.require_leader();
        }
        match owner_url() {
            Some(url) => Err(HerderError::Forward(url)),
            None => Err(HerderError::Conflict(
                "Cannot complete request because of a conflicting operation (e.g. worker rebalance)"
                    .into(),
            )),
        }
    }

    fn owner_url(&self, member: Option<&String>) -> Option<String> {
        let view = self.view();
        let owners = view.owners.as_ref()?;
        owners.member_urls.get(member?).cloned()
    }
}

impl Herder for DistributedHerder {
    fn server_info(&self) -> ServerInfo {
        ServerInfo::current(self.cluster_id())
    }

    fn health(&self) -> WorkerHealth {
        WorkerHealth::new(self.ready.load(Ordering::Acquire))
    }

    fn connectors(&self) -> Vec<String> {
        self.snapshot().connectors.keys().cloned().collect()
    }

    fn connector_info(&self, name: &str) -> Result<ConnectorInfo, HerderError> {
        self.info_of(&self.snapshot(), name)
    }

    fn connector_config(&self, name: &str) -> Result<ConfigMap, HerderError> {
        self.snapshot()
            .connectors
            .get(name)
            .cloned()
            .ok_or_else(|| HerderError::connector_not_found(name))
    }

    fn put_connector_config(
        &self,
        name: &str,
        config: ConfigMap,
        allow_replace: bool,
        initial_state: Option<TargetState>,
    ) -> Result<Created, HerderError> {
        validate_for_put(&self.worker.registry, self.worker.override_policy, &config)?;
        self.require_leader()?;
        let exists = self.snapshot().connectors.contains_key(name);
        check_replace(name, exists, allow_replace)?;
        let target = if exists { None } else { initial_state };
        self.configs
            .put_connector_config(name, &config, target)
            .map_err(storage)?;
        Ok(Created {
            created: !exists,
            info: self.info_of(&self.snapshot(), name)?,
        })
    }

    fn patch_connector_config(
        &self,
        name: &str,
        patch: BTreeMap<String, Option<String>>,
    ) -> Result<ConnectorInfo, HerderError> {
        self.require_leader()?;
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
        self.require_leader()?;
        if !self.snapshot().connectors.contains_key(name) {
            return Err(HerderError::connector_not_found(name));
        }
        self.configs.remove_connector(name).map_err(storage)
    }

    fn connector_status(&self, name: &str) -> Result<ConnectorStateInfo, HerderError> {
        let snapshot = self.snapshot();
        let config = snapshot
            .connectors
            .get(name)
            .ok_or_else(|| no_status(name))?;
        let status = self
            .statuses
            .connector(name)
            .ok_or_else(|| no_status(name))?;
        let tasks = self
            .statuses
            .tasks_of(name)
            .into_iter()
            .filter(|(t, _)| (*t as usize) < snapshot.task_configs(name).len())
            .map(|(t, s)| {
                let tolerated = self.worker.statuses.tolerated(&TaskId {
                    connector: name.to_owned(),
                    task: t,
                });
                Self::task_state(t, s, tolerated)
            })
            .collect();
        Ok(ConnectorStateInfo {
            name: name.to_owned(),
            connector: ConnectorState {
                state: status.state.as_str().into(),
                worker_id: status.worker_id,
                trace: status.trace,
            },
            tasks,
            connector_type: self.connector_type(config),
        })
    }

    fn task_status(&self, name: &str, task: u32) -> Result<TaskStateInfo, HerderError> {
        let not_found = || HerderError::NotFound(format!("No status found for task {name}-{task}"));
        let status = self
            .statuses
            .tasks_of(name)
            .into_iter()
            .find(|(t, _)| *t == task)
            .map(|(_, s)| s)
            .ok_or_else(not_found)?;
        let tolerated = self.worker.statuses.tolerated(&TaskId {
            connector: name.to_owned(),
            task,
        });
        Ok(Self::task_state(task, status, tolerated))
    }

    fn task_configs(&self, name: &str) -> Result<Vec<TaskInfo>, HerderError> {
        let snapshot = self.snapshot();
        if !snapshot.connectors.contains_key(name) {
            return Err(HerderError::connector_not_found(name));
        }
        Ok(snapshot
            .task_configs(name)
            .iter()
            .enumerate()
            .map(|(i, config)| TaskInfo {
                id: ConnectorTaskId {
                    connector: name.to_owned(),
                    task: i as u32,
                },
                config: config.clone(),
            })
            .collect())
    }

    fn set_cluster_logger_level(&self, namespace: &str, level: &str) -> Result<bool, HerderError> {
        self.configs
            .put_logger_level(namespace, level)
            .map_err(storage)?;
        Ok(true)
    }

    fn restart_connector(
        &self,
        name: &str,
        include_tasks: bool,
        only_failed: bool,
    ) -> Result<Option<ConnectorStateInfo>, HerderError> {
        if !self.snapshot().connectors.contains_key(name) {
            return Err(HerderError::NotFound(format!("Unknown connector: {name}")));
        }
        if !include_tasks && !only_failed {
            let here = self.work().assigned.contains_connector(name);
            self.route_to_owner(here, || {
                let view = self.view();
                let member = view.owners.as_ref()?.connector_owners.get(name).cloned();
                self.owner_url(member.as_ref())
            })?;
            let snapshot = self.snapshot();
            let mut work = self.work();
            work.stop_connector(&self.worker, name);
            let started = work.start_connector(&self.worker, &snapshot, name);
            drop(work);
            if started {
                self.reconfigure_tasks(name);
            }
            return Ok(None);
        }
        self.require_leader()?;
        let mut plan = self.connector_status(name).map_err(|e| match e {
            HerderError::NotFound(_) => {
                HerderError::NotFound(format!("Status for connector {name} not found"))
            }
            other => other,
        })?;
        let restart_connector = !only_failed || plan.connector.state == "FAILED";
        if restart_connector {
            plan.connector.state = "RESTARTING".into();
            plan.connector.trace = None;
        }
        for t in plan
            .tasks
            .iter_mut()
            .filter(|t| include_tasks && (!only_failed || t.state == "FAILED"))
        {
            t.state = "RESTARTING".into();
            t.trace = None;
        }
        self.configs
            .put_restart_request(&RestartRequest {
                connector: name.to_owned(),
                include_tasks,
                only_failed,
            })
            .map_err(storage)?;
        Ok(Some(plan))
    }

    fn restart_task(&self, name: &str, task: u32) -> Result<(), HerderError> {
        let snapshot = self.snapshot();
        if !snapshot.connectors.contains_key(name) {
            return Err(HerderError::NotFound(format!("Unknown connector: {name}")));
        }
        if task as usize >= snapshot.task_configs(name).len() {
            return Err(HerderError::NotFound(format!(
                "Unknown task: {name}-{task}"
            )));
        }
        let id = TaskId {
            connector: name.to_owned(),
            task,
        };
        let here = self.work().owns_task(&id);
        self.route_to_owner(here, || {
            let view = self.view();
            let member = view
                .owners
                .as_ref()?
                .task_owners
                .get(&group_task_id(&id))
                .cloned();
            self.owner_url(member.as_ref())
        })?;
        let mut work = self.work();
        work.stop_tasks(&self.worker, std::slice::from_ref(&id));
        work.start_task(&self.worker, &snapshot, &id);
        Ok(())
    }

    fn set_target_state(&self, name: &str, state: TargetState) -> Result<(), HerderError> {
        if !self.snapshot().connectors.contains_key(name) {
            return Err(HerderError::NotFound(format!("Unknown connector {name}")));
        }
        if state == TargetState::Stopped {
            // Kafka: the leader writes the target state, then an empty task config set.
            self.require_leader()?;
            self.configs
                .put_target_state(name, state)
                .map_err(storage)?;
            return self.configs.put_task_configs(name, &[]).map_err(storage);
        }
        self.configs.put_target_state(name, state).map_err(storage)
    }

    fn active_topics(&self, name: &str) -> Result<Vec<String>, HerderError> {
        Ok(self.statuses.topics(name))
    }

    fn reset_active_topics(&self, name: &str) -> Result<(), HerderError> {
        self.statuses.reset_topics(name);
        self.worker.statuses.reset_active_topics(name);
        Ok(())
    }

    fn offsets(&self, name: &str) -> Result<ConnectorOffsets, HerderError> {
        let config = self.connector_config(name)?;
        let class = self
            .worker
            .registry
            .for_config(&config)
            .map_err(|e| HerderError::Internal(e.to_string()))?;
        offsets::read(&self.worker, name, &class, &config)
    }

    fn alter_offsets(&self, name: &str, request: ConnectorOffsets) -> Result<Message, HerderError> {
        let (class, config) = self.check_offsets_writable(name)?;
        offsets::alter(&self.worker, name, &class, &config, request)
    }

    fn reset_offsets(&self, name: &str) -> Result<Message, HerderError> {
        let (class, config) = self.check_offsets_writable(name)?;
        offsets::reset(&self.worker, name, &class, &config)
    }

    fn plugins(&self, connectors_only: bool) -> Vec<PluginInfo> {
        plugins::list(&self.worker, connectors_only)
    }

    fn plugin_config(&self, plugin: &str) -> Result<Vec<Value>, HerderError> {
        plugins::config(&self.worker, plugin)
    }

    fn plugin_failures(&self) -> Vec<crate::plugin::RejectedFile> {
        self.worker.registry.rejected()
    }

    fn validate(&self, _plugin: &str, config: ConfigMap) -> Result<Value, HerderError> {
        Ok(validate(&self.worker.registry, self.worker.override_policy, &config)?.infos)
    }

    fn put_task_configs(
        &self,
        name: &str,
        configs: Vec<ConfigMap>,
        signature: Option<InternalSignature>,
        _forwarded: bool,
    ) -> Result<(), HerderError> {
        self.check_signature(signature.as_ref())?;
        self.require_leader()?;
        if !self.snapshot().connectors.contains_key(name) {
            return Err(HerderError::NotFound(format!("Connector {name} not found")));
        }
        self.configs
            .put_task_configs(name, &configs)
            .map_err(storage)
    }

    fn fence_zombies(
        &self,
        name: &str,
        signature: Option<InternalSignature>,
    ) -> Result<(), HerderError> {
        self.check_signature(signature.as_ref())?;
        Err(HerderError::Internal(format!(
            "Cannot fence zombie tasks of connector {name}: exactly-once source support is not available in Ferry"
        )))
    }
}

impl DistributedHerder {
    /// Under `connect.protocol=sessioned`, internal requests must be signed with the session
    /// key.
    fn check_signature(&self, signature: Option<&InternalSignature>) -> Result<(), HerderError> {
        if self.settings.connect_protocol != crate::config::worker::ConnectProtocol::Sessioned {
            return Ok(());
        }
        let key = self.configs.session_key();
        signing::verify(
            signature,
            &self.settings.inter_worker_verification_algorithms,
            key.as_ref(),
        )
    }

    /// Offsets may change only on the leader, for a STOPPED connector with no tasks.
    fn check_offsets_writable(
        &self,
        name: &str,
    ) -> Result<(std::sync::Arc<crate::plugin::PluginClass>, ConfigMap), HerderError> {
        self.require_leader()?;
        let _ = self.configs.read_to_end(READ_WRITE_TIMEOUT);
        let snapshot = self.snapshot();
        let config = snapshot
            .connectors
            .get(name)
            .cloned()
            .ok_or_else(|| HerderError::connector_not_found(name))?;
        if snapshot.target(name) != TargetState::Stopped || !snapshot.task_configs(name).is_empty()
        {
            return Err(HerderError::BadRequest(format!(
                "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/{name}/stop' endpoint"
            )));
        }
        let class = self
            .worker
            .registry
            .for_config(&config)
            .map_err(|e| HerderError::Internal(e.to_string()))?;
        Ok((class, config))
    }
}
