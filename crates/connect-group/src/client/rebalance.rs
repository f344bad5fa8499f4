//! One rebalance of the member: JoinGroup (with `MEMBER_ID_REQUIRED` handling), the leader's
//! assignment, SyncGroup, and applying the result (`onJoinPrepare` / `onLeaderElected` /
//! `onJoinComplete` of Kafka's `WorkerCoordinator`).

use std::collections::BTreeMap;

use bytes::Bytes;
use tokio::sync::oneshot;
use tokio::time::{sleep, sleep_until, timeout, Instant};
use tracing::{debug, info, warn};

use super::coordinator::{codes, Coordinator, JoinResult};
use super::events::{
    AssignedEvent, Completion, GroupEvent, LeaderRequest, MemberInfo, RevocationReason,
    RevokedEvent,
};
use super::member::{Command, Flow, MemberTask};
use crate::assignment::Assignment;
use crate::assignor::{assign_group, ConfigSnapshot, GroupRound, LeaderState};
use crate::error::GroupError;
use crate::ids::ConnectorsAndTasks;
use crate::metadata::WorkerMetadata;
use crate::protocol::ConnectProtocol;

/// What a failed step asks for.
enum Step<T> {
    Done(T),
    /// Join again (immediately).
    Retry,
    Stop,
}

fn broker_error(api: &'static str, code: i16) -> GroupError {
    GroupError::Broker {
        api,
        code,
        name: super::connection::error_name(code),
    }
}

impl MemberTask {
    /// Runs one rebalance; `Err` only for errors that retrying cannot fix (or I/O, which the
    /// caller retries after rediscovering the coordinator).
    pub(crate) async fn rebalance(&mut self) -> Result<Flow, GroupError> {
        self.prepare_join().await;
        let join = match self.join().await? {
            Step::Done(j) => j,
            Step::Retry => return Ok(Flow::Continue),
            Step::Stop => return Ok(Flow::Stop),
        };
        self.member_id = join.member_id.clone();
        self.generation = join.generation_id;
        let name = join.protocol_name.clone().unwrap_or_default();
        self.protocol =
            ConnectProtocol::from_protocol_name(&name).ok_or_else(|| GroupError::Protocol {
                broker: "coordinator".into(),
                message: format!("unknown Connect protocol {name:?} selected"),
            })?;
        self.heartbeat.reset(Instant::now());
        info!(generation = self.generation, member_id = %self.member_id, leader = %join.leader, protocol = %self.protocol, "Joined group.");

        let (assignments, leader_state) = if join.leader == self.member_id {
            self.lead(&join).await?
        } else {
            (Vec::new(), None)
        };
        let Some(coordinator) = self.coordinator.as_mut() else {
            return Ok(Flow::Continue);
        };
        let (code, bytes) = coordinator
            .sync_group(&self.config, self.generation, &self.member_id, assignments)
            .await?;
        match code {
            codes::NONE => {
                if !self.complete_join(&bytes, leader_state) {
                    sleep(self.config.retry_backoff).await;
                }
            }
            codes::REBALANCE_IN_PROGRESS => debug!("SyncGroup: rebalance in progress; rejoining."),
            codes::UNKNOWN_MEMBER_ID => {
                self.member_id.clear();
                self.generation = -1;
            }
            codes::ILLEGAL_GENERATION => self.generation = -1,
            c if codes::is_coordinator_error(c) => self.coordinator = None,
            c => return Err(broker_error("SyncGroup", c)),
        }
        Ok(Flow::Continue)
    }

    /// Eager protocol: stop everything before rejoining (`onJoinPrepare`), waiting for the
    /// herder up to `rebalance.timeout.ms`.
    async fn prepare_join(&mut self) {
        if self.protocol.is_cooperative() {
            return;
        }
        let Some(snapshot) = self.snapshot.take_if(|s| !s.failed()) else {
            return;
        };
        let (completion, done) = Completion::pair();
        self.emit(GroupEvent::Revoked(RevokedEvent {
            leader: snapshot.leader,
            connectors: snapshot.connectors,
            tasks: snapshot.tasks,
            reason: RevocationReason::EagerRebalance,
            completion,
        }));
        if timeout(self.config.rebalance_timeout, done).await.is_err() {
            warn!("The herder did not confirm the eager revocation in time; rejoining anyway.");
        }
    }

    async fn join(&mut self) -> Result<Step<JoinResult>, GroupError> {
        loop {
            let state = self.provider.worker_state();
            let metadata = WorkerMetadata {
                version: self.config.protocol.version(),
                url: state.url,
                config_offset: state.config_offset,
                assignment: self.snapshot.clone(),
            };
            let mut protocols = Vec::new();
            for p in self.config.protocol.offered() {
                protocols.push((p.protocol_name(), metadata.encode(*p)?));
            }
            let Some(coordinator) = self.coordinator.as_mut() else {
                return Ok(Step::Retry);
            };
            debug!(member_id = %self.member_id, "Sending JoinGroup.");
            let outcome = {
                let commands = &mut self.commands;
                let join_fut = coordinator.join_group(&self.config, &self.member_id, protocols);
                tokio::pin!(join_fut);
                loop {
                    tokio::select! {
                        r = &mut join_fut => break Ok(r),
                        cmd = commands.recv() => match cmd {
                            // Already rejoining.
                            Some(Command::Rejoin(_)) => continue,
                            Some(Command::Leave(done)) => break Err(Some(done)),
                            None => break Err(None),
                        }
                    }
                }
            };
            let join = match outcome {
                Ok(r) => r?,
                Err(done) => {
                    // The in-flight JoinGroup is abandoned: its connection cannot be reused.
                    self.coordinator = None;
                    self.leave_on_new_connection().await;
                    if let Some(done) = done {
                        let _ = done.send(());
                    }
                    return Ok(Step::Stop);
                }
            };
            match join.error_code {
                codes::NONE => return Ok(Step::Done(join)),
                codes::MEMBER_ID_REQUIRED => {
                    debug!(member_id = %join.member_id, "JoinGroup: member id required.");
                    self.member_id = join.member_id;
                }
                codes::UNKNOWN_MEMBER_ID => {
                    self.member_id.clear();
                    self.generation = -1;
                }
                codes::REBALANCE_IN_PROGRESS | codes::ILLEGAL_GENERATION => {
                    sleep(self.config.retry_backoff).await;
                }
                c if codes::is_coordinator_error(c) => {
                    self.coordinator = None;
                    return Ok(Step::Retry);
                }
                c => return Err(broker_error("JoinGroup", c)),
            }
        }
    }

    /// Sends LeaveGroup over a fresh coordinator connection (the current one has a request in
    /// flight), so that the group need not wait for the session timeout.
    async fn leave_on_new_connection(&mut self) {
        if self.member_id.is_empty() {
            return;
        }
        match Coordinator::find(&self.config).await {
            Ok(mut c) => c.leave_group(&self.config, &self.member_id).await,
            Err(e) => debug!(error = %e, "Could not reach the coordinator to leave the group."),
        }
    }

    /// The leader's part: ask the herder for the config snapshot (heartbeating meanwhile), run
    /// the assignor, serialize every member's assignment.
    async fn lead(
        &mut self,
        join: &JoinResult,
    ) -> Result<(Vec<(String, Bytes)>, Option<LeaderState>), GroupError> {
        let mut members = BTreeMap::new();
        for (id, bytes) in &join.members {
            members.insert(id.clone(), WorkerMetadata::decode(bytes)?);
        }
        let max_config_offset = members
            .values()
            .map(|m| m.config_offset)
            .max()
            .unwrap_or(-1);
        let (reply, rx) = oneshot::channel();
        self.emit(GroupEvent::LeaderElected(LeaderRequest {
            generation: self.generation,
            protocol: self.protocol,
            members: members
                .iter()
                .map(|(id, m)| MemberInfo {
                    member_id: id.clone(),
                    metadata: m.clone(),
                })
                .collect(),
            max_config_offset,
            reply,
        }));
        let snapshot = self.await_snapshot(rx).await.unwrap_or_else(|| {
            warn!("No config snapshot from the herder; answering CONFIG_MISMATCH.");
            ConfigSnapshot::new(i64::MIN)
        });
        let round = GroupRound {
            leader_id: &self.member_id,
            protocol: self.protocol,
            members: &members,
            snapshot: &snapshot,
            last_completed_generation: self.last_completed_generation,
            current_generation: self.generation,
            now_ms: self.now_ms(),
        };
        let (result, state) = assign_group(&self.assignor, &self.assignor_state, &round);
        self.assignor_state = state;
        let mut out = Vec::new();
        for (member, assignment) in result.assignments {
            out.push((member, assignment.encode()?));
        }
        Ok((out, result.leader_state))
    }

    /// Waits up to `rebalance.timeout.ms` for the herder's snapshot, heartbeating meanwhile.
    async fn await_snapshot(
        &mut self,
        mut rx: oneshot::Receiver<ConfigSnapshot>,
    ) -> Option<ConfigSnapshot> {
        let deadline = Instant::now() + self.config.rebalance_timeout;
        loop {
            let due = self.heartbeat.next_due();
            tokio::select! {
                r = &mut rx => return r.ok(),
                _ = sleep_until(deadline) => return None,
                _ = sleep_until(due) => {
                    self.heartbeat.sent(Instant::now());
                    if let Some(c) = self.coordinator.as_mut() {
                        if let Err(e) = c.heartbeat(&self.config, self.generation, &self.member_id).await {
                            debug!(error = %e, "Heartbeat while assigning failed.");
                        }
                    }
                }
            }
        }
    }

    /// Applies a received assignment (`onJoinComplete`) and reports it; `false` when it could
    /// not be decoded (the member rejoins).
    fn complete_join(&mut self, bytes: &[u8], leader_state: Option<LeaderState>) -> bool {
        let received = match Assignment::decode(bytes) {
            Ok(a) => a,
            Err(e) => {
                warn!(error = %e, "Undecodable assignment; rejoining.");
                return false;
            }
        };
        let mut running = if self.protocol.is_cooperative() {
            self.snapshot
                .as_ref()
                .map(Assignment::assigned)
                .unwrap_or_default()
        } else {
            ConnectorsAndTasks::default()
        };
        running.remove_all(&received.revoked());
        running.add_all(&received.assigned());
        let mut snapshot = received.clone();
        snapshot.connectors = running.connectors.clone();
        snapshot.tasks = running.tasks.clone();
        self.snapshot = Some(snapshot);
        self.last_completed_generation = self.generation;
        self.rejoin_needed = false;
        let needs_follow_up = received.failed() || !received.revoked().is_empty();
        let completion = if needs_follow_up {
            let (completion, rx) = Completion::pair();
            self.follow_up = Some(rx);
            completion
        } else {
            self.follow_up = None;
            Completion::none()
        };
        self.scheduled_rejoin = u64::try_from(received.delay_ms)
            .ok()
            .filter(|d| *d > 0)
            .map(|d| Instant::now() + std::time::Duration::from_millis(d));
        info!(
            generation = self.generation,
            error = received.error,
            assigned = ?received.assigned(),
            revoked = ?received.revoked(),
            delay_ms = received.delay_ms,
            "Received assignment."
        );
        self.emit(GroupEvent::Assigned(Box::new(AssignedEvent {
            generation: self.generation,
            member_id: self.member_id.clone(),
            protocol: self.protocol,
            assignment: received,
            running,
            leader_state,
            completion,
        })));
        true
    }
}

#[cfg(test)]
#[path = "rebalance_tests.rs"]
mod tests;
