//! The herder thread: group events and config changes, in order, plus a periodic tick.

use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferry_connect_group::{
    AssignedEvent, ConfigSnapshot, ConnectorsAndTasks, GroupEvent, LeaderRequest, RevokedEvent,
};
use tracing::{error, info, warn};

use super::work::{group_task_id, task_id};
use super::{signing, DistributedHerder, Event, READ_WRITE_TIMEOUT};
use crate::config::worker::ConnectProtocol;
use crate::config::TargetState;
use crate::herder::ConfigMap;
use crate::storage::{ConfigChange, RestartRequest};
use crate::task::{State, StatusListener as _, TaskId};

const TICK: Duration = Duration::from_millis(250);

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

impl DistributedHerder {
    pub(super) fn run(self: Arc<Self>, events: Receiver<Event>) {
        loop {
            match events.recv_timeout(TICK) {
                Ok(Event::Group(event)) => self.on_group_event(event),
                Ok(Event::Config(change)) => self.on_config_change(change),
                Ok(Event::Stop) | Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {}
            }
            self.tick();
        }
        info!("Herder thread stopped");
    }

    fn on_group_event(&self, event: GroupEvent) {
        match event {
            GroupEvent::LeaderElected(request) => self.on_leader_elected(request),
            GroupEvent::Assigned(assigned) => self.on_assigned(*assigned),
            GroupEvent::Revoked(revoked) => self.on_revoked(revoked),
            GroupEvent::Failed(e) => {
                error!(error = %e, "The group member stopped; rejoining");
                self.update_view(|v| {
                    v.leader_url = None;
                    v.is_leader = false;
                    v.rebalancing = true;
                });
                let metadata = self.metadata.subscribe();
                std::thread::sleep(Duration::from_secs(1));
                self.join_group(metadata);
            }
        }
    }

    /// The leader answers with the freshest config snapshot it can read.
    fn on_leader_elected(&self, request: LeaderRequest) {
        if let Err(e) = self.read_config_to_end(READ_WRITE_TIMEOUT) {
            self.warn_storage(
                "Cannot read the config topic to its end before assigning",
                &e,
            );
        }
        let state = self.configs.snapshot();
        let mut snapshot = ConfigSnapshot::new(state.offset);
        for name in state.connectors.keys() {
            let tasks = u32::try_from(state.task_configs(name).len()).unwrap_or_default();
            snapshot = snapshot.with_connector(name.clone(), tasks);
        }
        info!(
            generation = request.generation,
            members = request.members.len(),
            config_offset = state.offset,
            "Elected leader; assigning"
        );
        request.respond(snapshot);
    }

    fn on_assigned(&self, event: AssignedEvent) {
        let assignment = &event.assignment;
        let is_leader = event.is_leader();
        info!(
            generation = event.generation,
            leader = %assignment.leader,
            leader_url = %assignment.leader_url,
            is_leader,
            error = assignment.error,
            config_offset = assignment.config_offset,
            connectors = ?event.running.connectors,
            tasks = event.running.tasks.len(),
            "Joined group and got assignment"
        );
        self.update_view(|v| {
            v.generation = event.generation;
            v.member_id = event.member_id.clone();
            v.leader_url =
                (!assignment.leader_url.is_empty()).then(|| assignment.leader_url.clone());
            v.is_leader = is_leader;
            v.owners = event.leader_state.clone();
        });
        self.statuses.set_generation(event.generation);
        if assignment.failed() {
            // CONFIG_MISMATCH: catch up, then the member rejoins when the event is dropped.
            if let Err(e) = self.read_config_to_end(self.settings.worker_sync_timeout) {
                self.warn_storage("Cannot catch up with the config topic", &e);
            }
            return;
        }
        if self.configs.offset() < assignment.config_offset {
            if let Err(e) = self.read_config_to_end(self.settings.worker_sync_timeout) {
                self.warn_storage("Cannot catch up with the config topic", &e);
            }
        }
        self.reconcile(&event.running);
        self.update_view(|v| v.rebalancing = false);
        if is_leader {
            self.ensure_session_key();
        }
        self.ready.store(true, std::sync::atomic::Ordering::Release);
        drop(event);
    }

    fn on_revoked(&self, event: RevokedEvent) {
        info!(reason = ?event.reason, connectors = ?event.connectors, tasks = event.tasks.len(), "Stopping revoked work");
        self.update_view(|v| v.rebalancing = true);
        let mut work = self.work();
        let ids: Vec<TaskId> = event.tasks.iter().map(task_id).collect();
        work.stop_tasks(&self.worker, &ids);
        for c in &event.connectors {
            work.stop_connector(&self.worker, c);
        }
        let revoked = ConnectorsAndTasks::new(event.connectors.clone(), event.tasks.clone());
        work.assigned.remove_all(&revoked);
    }

    /// Brings what runs here in line with `running` (everything the group assigned here).
    fn reconcile(&self, running: &ConnectorsAndTasks) {
        let snapshot = self.configs.snapshot();
        let mut started_connectors = Vec::new();
        {
            let mut work = self.work();
            work.assigned = running.clone();
            let gone: Vec<TaskId> = work
                .tasks
                .keys()
                .filter(|id| !running.contains_task(&group_task_id(id)))
                .cloned()
                .collect();
            work.stop_tasks(&self.worker, &gone);
            let gone: Vec<String> = work
                .connectors
                .keys()
                .filter(|c| !running.contains_connector(c))
                .cloned()
                .collect();
            for c in gone {
                work.stop_connector(&self.worker, &c);
            }
            for c in &running.connectors {
                if !work.connectors.contains_key(c)
                    && work.start_connector(&self.worker, &snapshot, c)
                {
                    started_connectors.push(c.clone());
                }
            }
            work.restart_changed_tasks(&self.worker, &snapshot, None);
            for t in &running.tasks {
                work.start_task(&self.worker, &snapshot, &task_id(t));
            }
        }
        for c in started_connectors {
            self.reconfigure_tasks(&c);
        }
    }

    fn on_config_change(&self, change: ConfigChange) {
        match change {
            ConfigChange::ConnectorConfig(name) => self.on_connector_config(&name),
            ConfigChange::ConnectorRemoved(name) => {
                info!(connector = %name, "Connector deleted");
                {
                    let mut work = self.work();
                    let ids = work.tasks_of(&name);
                    work.stop_tasks(&self.worker, &ids);
                    work.stop_connector(&self.worker, &name);
                }
                self.worker.statuses.remove(&name);
                self.statuses.delete_connector(&name);
                if self.view().is_leader {
                    self.request_rejoin("connector deleted");
                }
            }
            ConfigChange::TasksCommitted(name) => self.on_tasks_committed(&name),
            ConfigChange::TargetState(name) => self.on_target_state(&name),
            ConfigChange::SessionKey => {}
            ConfigChange::Restart(request) => self.on_restart_request(&request),
            ConfigChange::LoggerLevel { namespace, level } => {
                self.on_logger_level(&namespace, &level)
            }
        }
    }

    /// A cluster-scoped level written by any worker (this one included) after this one
    /// started (KIP-976; levels read at start-up are not applied, as in Kafka).
    fn on_logger_level(&self, namespace: &str, level: &str) {
        let Some(parsed) = crate::logging::LogLevel::parse(level) else {
            return warn!(
                namespace,
                level, "Ignoring an invalid cluster-scoped logging level"
            );
        };
        match self.loggers.set_level(namespace, parsed) {
            Ok(affected) => info!(
                namespace,
                level,
                loggers = affected.len(),
                "Applied a cluster-scoped logging level"
            ),
            Err(e) => {
                warn!(namespace, level, error = %e, "Cannot apply a cluster-scoped logging level")
            }
        }
    }

    fn on_connector_config(&self, name: &str) {
        let snapshot = self.configs.snapshot();
        let restarted = {
            let mut work = self.work();
            let Some(new) = snapshot.connectors.get(name) else {
                return;
            };
            match work.connectors.get(name) {
                Some(entry) if &entry.config != new => {
                    info!(connector = %name, "Connector config updated; restarting the connector");
                    work.stop_connector(&self.worker, name);
                    work.start_connector(&self.worker, &snapshot, name)
                }
                _ => false,
            }
        };
        if restarted {
            self.reconfigure_tasks(name);
        }
        // A connector the group has not placed yet needs an owner: the leader rebalances.
        let view = self.view();
        let placed = view
            .owners
            .as_ref()
            .is_some_and(|o| o.connector_owners.contains_key(name));
        if view.is_leader && !placed {
            self.request_rejoin("connector config added");
        }
    }

    /// New task configs: tasks running here with a changed config restart with the new one;
    /// the leader rebalances so that added or removed tasks are placed.
    fn on_tasks_committed(&self, name: &str) {
        let snapshot = self.configs.snapshot();
        self.work()
            .restart_changed_tasks(&self.worker, &snapshot, Some(name));
        if self.view().is_leader {
            self.request_rejoin("task configs committed");
        }
    }

    fn on_target_state(&self, name: &str) {
        let snapshot = self.configs.snapshot();
        let target = snapshot.target(name);
        info!(connector = %name, target = target.name(), "Target state changed");
        let mut reconfigure = false;
        {
            let mut work = self.work();
            let ids = work.tasks_of(name);
            let owned_tasks: Vec<TaskId> = work
                .assigned
                .tasks
                .iter()
                .filter(|t| t.connector == name)
                .map(task_id)
                .collect();
            match target {
                TargetState::Paused => {
                    work.stop_tasks(&self.worker, &ids);
                    for id in &owned_tasks {
                        self.worker.statuses.on_task_state(id, State::Paused, None);
                    }
                }
                TargetState::Stopped => {
                    work.stop_tasks(&self.worker, &ids);
                    for id in &owned_tasks {
                        self.worker
                            .statuses
                            .on_task_state(id, State::Unassigned, None);
                    }
                }
                TargetState::Started => {}
            }
            if work.assigned.contains_connector(name) {
                let running_already = work
                    .connectors
                    .get(name)
                    .is_some_and(|e| e.connector.is_some());
                match (target, running_already) {
                    (TargetState::Started, true) => {
                        self.worker
                            .statuses
                            .set_connector(name, State::Running, None);
                    }
                    (TargetState::Paused, true) => {
                        self.worker
                            .statuses
                            .set_connector(name, State::Paused, None);
                    }
                    _ => {
                        work.stop_connector(&self.worker, name);
                        reconfigure = work.start_connector(&self.worker, &snapshot, name);
                    }
                }
                reconfigure |= target == TargetState::Started;
            }
            if target == TargetState::Started {
                for id in &owned_tasks {
                    work.start_task(&self.worker, &snapshot, id);
                }
            }
        }
        if reconfigure {
            self.reconfigure_tasks(name);
        }
    }

    fn on_restart_request(&self, request: &RestartRequest) {
        let name = &request.connector;
        let failed = |state: Option<State>| state == Some(State::Failed);
        let snapshot = self.configs.snapshot();
        let mut work = self.work();
        let mut reconfigure = false;
        if work.assigned.contains_connector(name) {
            let state = self.statuses.connector(name).map(|s| s.state);
            if !request.only_failed || failed(state) {
                info!(connector = %name, "Restarting connector");
                work.stop_connector(&self.worker, name);
                reconfigure = work.start_connector(&self.worker, &snapshot, name);
            }
        }
        if request.include_tasks {
            let statuses = self.statuses.tasks_of(name);
            let owned: Vec<TaskId> = work
                .assigned
                .tasks
                .iter()
                .filter(|t| &t.connector == name)
                .map(task_id)
                .filter(|id| {
                    !request.only_failed
                        || failed(
                            statuses
                                .iter()
                                .find(|(t, _)| *t == id.task)
                                .map(|(_, s)| s.state),
                        )
                })
                .collect();
            work.stop_tasks(&self.worker, &owned);
            for id in &owned {
                self.worker
                    .statuses
                    .on_task_state(id, State::Restarting, None);
                work.start_task(&self.worker, &snapshot, id);
            }
        }
        drop(work);
        if reconfigure {
            self.reconfigure_tasks(name);
        }
    }

    /// Periodic duties: connector errors and reconfiguration requests, retries of task config
    /// publication, session key rotation.
    fn tick(&self) {
        let mut reconfigure = Vec::new();
        {
            let mut work = self.work();
            for e in work.connectors.values_mut() {
                if let Some(err) = e.ctx.error.lock().ok().and_then(|mut x| x.take()) {
                    self.worker
                        .statuses
                        .set_connector(&e.name, State::Failed, Some(err));
                }
                let requested = e
                    .ctx
                    .reconfigure
                    .swap(false, std::sync::atomic::Ordering::AcqRel);
                if requested && e.connector.is_some() && e.target == TargetState::Started {
                    reconfigure.push(e.name.clone());
                }
            }
        }
        let pending: Vec<String> = self
            .pending_publications
            .lock()
            .map(|mut p| std::mem::take(&mut *p))
            .unwrap_or_default();
        reconfigure.extend(pending);
        reconfigure.sort();
        reconfigure.dedup();
        for name in reconfigure {
            self.reconfigure_tasks(&name);
        }
        if self.view().is_leader {
            self.ensure_session_key();
        }
    }

    /// Asks a connector running here for task configs and, when they differ from the
    /// committed ones, has the leader write them. A failure is retried on the next tick.
    pub(super) fn reconfigure_tasks(&self, name: &str) {
        let configs = {
            let mut work = self.work();
            let Some(entry) = work.connectors.get_mut(name) else {
                return;
            };
            if entry.connector.is_none() || entry.target != TargetState::Started {
                return;
            }
            match entry.generate_task_configs(&self.worker) {
                Ok(c) => c,
                Err(e) => {
                    return error!(connector = %name, error = %e, "Cannot generate task configs")
                }
            }
        };
        let snapshot = self.configs.snapshot();
        if snapshot.task_configs(name) == configs.as_slice()
            && !snapshot.inconsistent.contains(name)
            && snapshot.tasks.contains_key(name)
        {
            return;
        }
        if let Err(e) = self.publish_task_configs(name, &configs) {
            warn!(connector = %name, error = %e, "Cannot publish task configs; retrying");
            if let Ok(mut p) = self.pending_publications.lock() {
                p.push(name.to_owned());
            }
        }
    }

    fn publish_task_configs(&self, name: &str, configs: &[ConfigMap]) -> Result<(), String> {
        let view = self.view();
        if view.is_leader {
            return self
                .configs
                .put_task_configs(name, configs)
                .map_err(|e| e.to_string());
        }
        let leader = view.leader_url.ok_or("no known leader")?;
        let body = serde_json::to_vec(configs).map_err(|e| e.to_string())?;
        let url = format!(
            "{}/connectors/{}/tasks?forward=true",
            leader.trim_end_matches('/'),
            crate::rest::encode_path_segment(name)
        );
        let mut request = ureq::http::Request::builder()
            .method("POST")
            .uri(&url)
            .header("Content-Type", "application/json")
            .header("Accept", "application/json");
        if self.settings.connect_protocol == ConnectProtocol::Sessioned {
            let key = self.configs.session_key().ok_or("no session key yet")?;
            let algorithm = &self.settings.inter_worker_signature_algorithm;
            let signature = signing::sign(algorithm, &key, &body).ok_or("unsupported algorithm")?;
            request = request
                .header(signing::SIGNATURE_HEADER, signature)
                .header(signing::ALGORITHM_HEADER, algorithm.as_str());
        }
        let request = request.body(body).map_err(|e| e.to_string())?;
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(READ_WRITE_TIMEOUT))
            .build()
            .new_agent();
        let mut response = agent.run(request).map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        if status >= 300 {
            let text = response.body_mut().read_to_string().unwrap_or_default();
            return Err(format!("{url} answered {status}: {text}"));
        }
        Ok(())
    }

    /// The leader writes a session key when there is none or it expired.
    fn ensure_session_key(&self) {
        if self.settings.connect_protocol != ConnectProtocol::Sessioned {
            return;
        }
        let now = now_ms();
        let ttl = i64::try_from(self.settings.inter_worker_key_ttl.as_millis()).unwrap_or(i64::MAX);
        let current = self.configs.session_key();
        if current.is_some_and(|k| k.creation_timestamp_ms.saturating_add(ttl) > now) {
            return;
        }
        match signing::generate(
            &self.settings.inter_worker_key_generation_algorithm,
            self.settings.inter_worker_key_size,
            now,
        ) {
            Ok(key) => {
                info!("Writing a new session key to the config topic");
                if let Err(e) = self.configs.put_session_key(&key) {
                    self.warn_storage("Cannot write the session key", &e);
                }
            }
            Err(e) => error!(error = %e, "Cannot generate a session key"),
        }
    }
}
