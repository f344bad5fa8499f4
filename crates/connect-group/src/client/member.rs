//! The group member: a tokio task that finds the coordinator, joins, heartbeats and rejoins,
//! driven by a [`GroupMember`] handle and reporting [`GroupEvent`]s.

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;
use tokio::time::{sleep, sleep_until, Instant};
use tracing::{debug, info, info_span, warn, Instrument};

use super::config::GroupConfig;
use super::coordinator::{codes, Coordinator};
use super::events::{Completion, GroupEvent, MetadataProvider, RevocationReason, RevokedEvent};
use super::heartbeat::Heartbeat;
use crate::assignment::Assignment;
use crate::assignor::{AssignorState, IncrementalAssignor};
use crate::error::GroupError;
use crate::protocol::ConnectProtocol;

/// Commands from the handle to the task.
#[derive(Debug)]
pub(crate) enum Command {
    Rejoin(String),
    Leave(oneshot::Sender<()>),
}

/// Whether the task goes on.
#[derive(Debug)]
pub(crate) enum Flow {
    Continue,
    Stop,
}

/// A running member of a Connect group. Dropping the handle leaves the group.
///
/// How a herder drives it:
///
/// ```no_run
/// use ferry_connect_group::{ConfigSnapshot, GroupConfig, GroupEvent, GroupMember, WorkerState};
/// # async fn herder() {
/// let config = GroupConfig::new("127.0.0.1:9092", "connect-cluster");
/// let (member, mut events) = GroupMember::join(config, WorkerState::new("http://w1:8083/", -1));
/// while let Some(event) = events.recv().await {
///     match event {
///         // Leader: the config snapshot to assign from (read the config topic up to
///         // `request.max_config_offset` first when behind).
///         GroupEvent::LeaderElected(request) => {
///             request.respond(ConfigSnapshot::new(-1).with_connector("c", 2))
///         }
///         // Stop `assigned.assignment.revoked()`, start `assigned.assignment.assigned()`;
///         // dropping the event then lets the member run the follow-up rebalance.
///         GroupEvent::Assigned(assigned) => drop(assigned),
///         // Stop everything listed (eager rebalance, coordinator unreachable).
///         GroupEvent::Revoked(revoked) => drop(revoked),
///         GroupEvent::Failed(_) => break,
///     }
/// }
/// member.leave().await;
/// # }
/// ```
#[derive(Debug)]
pub struct GroupMember {
    commands: mpsc::UnboundedSender<Command>,
    task: JoinHandle<()>,
}

/// The member's events, in order.
#[derive(Debug)]
pub struct GroupEvents {
    rx: mpsc::UnboundedReceiver<GroupEvent>,
}

impl GroupEvents {
    /// The next event; `None` once the member has stopped.
    pub async fn recv(&mut self) -> Option<GroupEvent> {
        self.rx.recv().await
    }
}

impl GroupMember {
    /// Starts a member on the current tokio runtime: it joins `config.group_id` with the
    /// protocols of `config.protocol` and the metadata of `provider`, then keeps its membership
    /// (heartbeats, rejoins) until [`GroupMember::leave`]. Keep the events receiver alive: the
    /// leader's [`LeaderRequest`](crate::LeaderRequest)s arrive there.
    pub fn join(
        config: GroupConfig,
        provider: impl MetadataProvider,
    ) -> (GroupMember, GroupEvents) {
        let (commands, commands_rx) = mpsc::unbounded_channel();
        let (events_tx, rx) = mpsc::unbounded_channel();
        let config = config.with_default_client_id();
        let span =
            info_span!("group_member", group = %config.group_id, client_id = %config.client_id);
        let task = MemberTask::new(config, Box::new(provider), events_tx, commands_rx);
        let task = tokio::spawn(task.run().instrument(span));
        (GroupMember { commands, task }, GroupEvents { rx })
    }

    /// Asks for a rebalance (e.g. after the config topic changed).
    pub fn request_rejoin(&self, reason: &str) {
        let _ = self.commands.send(Command::Rejoin(reason.to_string()));
    }

    /// Leaves the group (LeaveGroup) and stops the member.
    pub async fn leave(self) {
        let (tx, rx) = oneshot::channel();
        if self.commands.send(Command::Leave(tx)).is_ok() {
            let _ = rx.await;
        }
        let _ = self.task.await;
    }

    /// Stops the member without leaving the group, as a crash would: the coordinator evicts it
    /// after `session.timeout.ms`.
    pub fn abort(self) {
        self.task.abort();
    }
}

/// The member's state, owned by its task.
pub(crate) struct MemberTask {
    pub(crate) config: GroupConfig,
    pub(crate) provider: Box<dyn MetadataProvider>,
    pub(crate) events: mpsc::UnboundedSender<GroupEvent>,
    pub(crate) commands: mpsc::UnboundedReceiver<Command>,
    pub(crate) coordinator: Option<Coordinator>,
    pub(crate) member_id: String,
    pub(crate) generation: i32,
    pub(crate) protocol: ConnectProtocol,
    /// What this member runs (Kafka's `assignmentSnapshot`), `None` before the first
    /// assignment.
    pub(crate) snapshot: Option<Assignment>,
    pub(crate) last_completed_generation: i32,
    pub(crate) assignor: IncrementalAssignor,
    pub(crate) assignor_state: AssignorState,
    pub(crate) rejoin_needed: bool,
    pub(crate) scheduled_rejoin: Option<Instant>,
    pub(crate) follow_up: Option<oneshot::Receiver<()>>,
    pub(crate) heartbeat: Heartbeat,
    pub(crate) origin: std::time::Instant,
}

impl MemberTask {
    pub(crate) fn new(
        config: GroupConfig,
        provider: Box<dyn MetadataProvider>,
        events: mpsc::UnboundedSender<GroupEvent>,
        commands: mpsc::UnboundedReceiver<Command>,
    ) -> Self {
        MemberTask {
            assignor: IncrementalAssignor::new(config.max_delay_ms()),
            heartbeat: Heartbeat::new(config.heartbeat_interval, config.session_timeout),
            protocol: config.protocol,
            config,
            provider,
            events,
            commands,
            coordinator: None,
            member_id: String::new(),
            generation: -1,
            snapshot: None,
            last_completed_generation: -1,
            assignor_state: AssignorState::default(),
            rejoin_needed: true,
            scheduled_rejoin: None,
            follow_up: None,
            origin: std::time::Instant::now(),
        }
    }

    pub(crate) fn emit(&self, event: GroupEvent) {
        if self.events.send(event).is_err() {
            debug!("Nobody listens to group events.");
        }
    }

    async fn run(mut self) {
        let result = self.run_loop().await;
        if let Err(e) = result {
            warn!(error = %e, "Group member failed.");
            self.emit(GroupEvent::Failed(e));
        }
    }

    async fn run_loop(&mut self) -> Result<(), GroupError> {
        loop {
            if self.coordinator.is_none() {
                if let Flow::Stop = self.ensure_coordinator().await {
                    return Ok(());
                }
                continue;
            }
            if self.rejoin_needed {
                match self.rebalance().await {
                    Ok(Flow::Continue) => {}
                    Ok(Flow::Stop) => return Ok(()),
                    Err(e) if e.is_retriable() => {
                        debug!(error = %e, "Rebalance attempt failed; retrying.");
                        self.coordinator = None;
                        sleep(self.config.retry_backoff).await;
                    }
                    Err(e) => return Err(e),
                }
                continue;
            }
            if let Flow::Stop = self.stable().await? {
                return Ok(());
            }
        }
    }

    /// Finds the coordinator, retrying with a backoff; revokes everything when it stays
    /// unreachable for `heartbeat.interval.ms`.
    async fn ensure_coordinator(&mut self) -> Flow {
        let since = Instant::now();
        loop {
            tokio::select! {
                found = Coordinator::find(&self.config) => match found {
                    Ok(c) => {
                        self.coordinator = Some(c);
                        return Flow::Continue;
                    }
                    Err(e) => debug!(error = %e, "Can not connect to broker coordinator."),
                },
                cmd = self.commands.recv() => {
                    if let Flow::Stop = self.on_command_without_coordinator(cmd) {
                        return Flow::Stop;
                    }
                    continue;
                }
            }
            if since.elapsed() >= self.config.heartbeat_interval {
                self.revoke_while_unreachable();
            }
            sleep(self.config.retry_backoff).await;
        }
    }

    fn on_command_without_coordinator(&mut self, cmd: Option<Command>) -> Flow {
        match cmd {
            Some(Command::Rejoin(reason)) => {
                debug!(%reason, "Rejoin requested.");
                self.rejoin_needed = true;
                Flow::Continue
            }
            Some(Command::Leave(done)) => {
                let _ = done.send(());
                Flow::Stop
            }
            None => Flow::Stop,
        }
    }

    fn revoke_while_unreachable(&mut self) {
        let Some(snapshot) = self.snapshot.take_if(|s| !s.failed()) else {
            return;
        };
        info!(
            timeout = ?self.config.heartbeat_interval,
            "Broker coordinator was unreachable. Revoking previous assignment to avoid running tasks while not being a member the group."
        );
        self.rejoin_needed = true;
        self.emit(GroupEvent::Revoked(RevokedEvent {
            leader: snapshot.leader,
            connectors: snapshot.connectors,
            tasks: snapshot.tasks,
            reason: RevocationReason::CoordinatorUnreachable,
            completion: Completion::none(),
        }));
    }

    /// Between rebalances: heartbeats, commands, follow-up and scheduled rebalances.
    async fn stable(&mut self) -> Result<Flow, GroupError> {
        let due = self.heartbeat.next_due();
        let scheduled = self.scheduled_rejoin;
        let has_follow_up = self.follow_up.is_some();
        tokio::select! {
            _ = sleep_until(due) => self.send_heartbeat().await,
            cmd = self.commands.recv() => match cmd {
                Some(Command::Rejoin(reason)) => {
                    debug!(%reason, "Rejoin requested.");
                    self.rejoin_needed = true;
                    Ok(Flow::Continue)
                }
                Some(Command::Leave(done)) => {
                    self.leave().await;
                    let _ = done.send(());
                    Ok(Flow::Stop)
                }
                None => {
                    self.leave().await;
                    Ok(Flow::Stop)
                }
            },
            _ = async { if let Some(rx) = self.follow_up.as_mut() { let _ = rx.await; } }, if has_follow_up => {
                self.follow_up = None;
                debug!("Follow-up rebalance after revocations or a failed assignment.");
                self.rejoin_needed = true;
                Ok(Flow::Continue)
            }
            _ = sleep_until(scheduled.unwrap_or(due)), if scheduled.is_some() => {
                self.scheduled_rejoin = None;
                debug!("Scheduled rebalance delay expired.");
                self.rejoin_needed = true;
                Ok(Flow::Continue)
            }
        }
    }

    async fn send_heartbeat(&mut self) -> Result<Flow, GroupError> {
        let Some(coordinator) = self.coordinator.as_mut() else {
            return Ok(Flow::Continue);
        };
        let now = Instant::now();
        self.heartbeat.sent(now);
        match coordinator
            .heartbeat(&self.config, self.generation, &self.member_id)
            .await
        {
            Ok(codes::NONE) => self.heartbeat.succeeded(Instant::now()),
            Ok(codes::REBALANCE_IN_PROGRESS) => {
                debug!("Heartbeat: a rebalance is in progress; rejoining.");
                self.heartbeat.succeeded(Instant::now());
                self.rejoin_needed = true;
            }
            Ok(codes::ILLEGAL_GENERATION) => {
                info!(
                    generation = self.generation,
                    "Heartbeat: illegal generation; rejoining."
                );
                self.generation = -1;
                self.rejoin_needed = true;
            }
            Ok(codes::UNKNOWN_MEMBER_ID) => {
                info!(member_id = %self.member_id, "Heartbeat: unknown member id; rejoining.");
                self.member_id.clear();
                self.generation = -1;
                self.rejoin_needed = true;
            }
            Ok(code) if codes::is_coordinator_error(code) => self.coordinator = None,
            Ok(code) => {
                return Err(GroupError::Broker {
                    api: "Heartbeat",
                    code,
                    name: super::connection::error_name(code),
                })
            }
            Err(e) => {
                debug!(error = %e, "Heartbeat failed.");
                self.coordinator = None;
            }
        }
        if self.heartbeat.session_expired(Instant::now()) {
            info!(
                "No successful heartbeat within session.timeout.ms; rediscovering the coordinator."
            );
            self.coordinator = None;
            self.rejoin_needed = true;
        }
        Ok(Flow::Continue)
    }

    async fn leave(&mut self) {
        if let Some(mut coordinator) = self.coordinator.take() {
            if !self.member_id.is_empty() {
                info!(member_id = %self.member_id, "Leaving the group.");
                coordinator.leave_group(&self.config, &self.member_id).await;
            }
        }
    }

    /// Milliseconds on the assignor's monotonic clock.
    pub(crate) fn now_ms(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}
