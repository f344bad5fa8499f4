//! What a [`GroupMember`](crate::GroupMember) tells its owner (the distributed herder), and
//! what it asks of it.

use std::sync::Arc;

use tokio::sync::{oneshot, watch};

use crate::assignment::Assignment;
use crate::assignor::{ConfigSnapshot, LeaderState};
use crate::error::GroupError;
use crate::ids::{ConnectorTaskId, ConnectorsAndTasks};
use crate::metadata::WorkerMetadata;
use crate::protocol::ConnectProtocol;

/// The parts of a worker's JoinGroup metadata that the herder owns. (The current assignment is
/// tracked by the member itself.)
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerState {
    /// The worker's advertised REST URL.
    pub url: String,
    /// How far the worker has read the config topic.
    pub config_offset: i64,
}

impl WorkerState {
    /// A worker state.
    pub fn new(url: impl Into<String>, config_offset: i64) -> Self {
        WorkerState {
            url: url.into(),
            config_offset,
        }
    }
}

/// Supplies the [`WorkerState`] at the moment of each JoinGroup.
pub trait MetadataProvider: Send + Sync + 'static {
    /// The current URL and config offset.
    fn worker_state(&self) -> WorkerState;
}

impl MetadataProvider for WorkerState {
    fn worker_state(&self) -> WorkerState {
        self.clone()
    }
}

/// The herder publishes its config offset through a `watch` channel.
impl MetadataProvider for watch::Receiver<WorkerState> {
    fn worker_state(&self) -> WorkerState {
        self.borrow().clone()
    }
}

impl<T: MetadataProvider> MetadataProvider for Arc<T> {
    fn worker_state(&self) -> WorkerState {
        (**self).worker_state()
    }
}

/// A signal back to the member, sent when this value is dropped (or [`Completion::done`] is
/// called). Events that carry one are acted upon by the member only after the herder has dealt
/// with them: stopping revoked work before the follow-up rebalance, reading the config topic
/// after a `CONFIG_MISMATCH`, stopping everything before an eager rebalance.
#[derive(Debug)]
pub struct Completion(Option<oneshot::Sender<()>>);

impl Completion {
    pub(crate) fn pair() -> (Completion, oneshot::Receiver<()>) {
        let (tx, rx) = oneshot::channel();
        (Completion(Some(tx)), rx)
    }

    pub(crate) fn none() -> Completion {
        Completion(None)
    }

    /// Whether the member waits for this completion.
    pub fn is_awaited(&self) -> bool {
        self.0.is_some()
    }

    /// Signals completion now (dropping does the same).
    pub fn done(mut self) {
        if let Some(tx) = self.0.take() {
            let _ = tx.send(());
        }
    }
}

/// A member of the group, as the leader sees it in JoinGroup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberInfo {
    /// The member id the broker assigned.
    pub member_id: String,
    /// Its metadata for the selected protocol.
    pub metadata: WorkerMetadata,
}

/// "You are the leader of this generation: here are all members; give me the config snapshot to
/// assign from." Answer with [`LeaderRequest::respond`]; dropping the request (or not answering
/// within `rebalance.timeout.ms`) makes the leader answer `CONFIG_MISMATCH` to everyone.
#[derive(Debug)]
pub struct LeaderRequest {
    /// The generation being assigned.
    pub generation: i32,
    /// The selected sub-protocol.
    pub protocol: ConnectProtocol,
    /// Every member with its metadata, sorted by member id.
    pub members: Vec<MemberInfo>,
    /// The highest config offset any member reported: a snapshot behind it cannot be used
    /// (read the config topic to at least this offset first if possible).
    pub max_config_offset: i64,
    pub(crate) reply: oneshot::Sender<ConfigSnapshot>,
}

impl LeaderRequest {
    /// Answers with the leader's freshest config snapshot; the member runs the assignor.
    pub fn respond(self, snapshot: ConfigSnapshot) {
        let _ = self.reply.send(snapshot);
    }
}

/// "Here is your assignment" for a completed generation.
#[derive(Debug)]
pub struct AssignedEvent {
    /// The generation.
    pub generation: i32,
    /// This member's id.
    pub member_id: String,
    /// The selected sub-protocol.
    pub protocol: ConnectProtocol,
    /// The assignment as received: with the cooperative protocols, `connectors`/`tasks` are the
    /// additions and `revoked_*` what to stop; check [`Assignment::failed`] and `config_offset`.
    pub assignment: Assignment,
    /// Everything this member runs once the assignment is applied.
    pub running: ConnectorsAndTasks,
    /// Who runs what, when this member is the leader.
    pub leader_state: Option<LeaderState>,
    /// Awaited when the assignment revoked work or failed: the member rejoins (follow-up
    /// rebalance) once this is dropped, i.e. after the herder stopped the revoked work or
    /// caught up with the config topic.
    pub completion: Completion,
}

impl AssignedEvent {
    /// Whether this member is the group's leader.
    pub fn is_leader(&self) -> bool {
        self.assignment.leader == self.member_id
    }
}

/// Why a [`RevokedEvent`] happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevocationReason {
    /// The eager protocol stops everything before each rebalance.
    EagerRebalance,
    /// The coordinator was unreachable for `heartbeat.interval.ms`: stop everything rather than
    /// run outside the group.
    CoordinatorUnreachable,
}

/// Stop this work now (outside of an assignment).
#[derive(Debug)]
pub struct RevokedEvent {
    /// The leader of the generation the work came from.
    pub leader: String,
    /// Connectors to stop.
    pub connectors: Vec<String>,
    /// Tasks to stop.
    pub tasks: Vec<ConnectorTaskId>,
    /// Why.
    pub reason: RevocationReason,
    /// Awaited (up to `rebalance.timeout.ms`) before an eager rebalance proceeds.
    pub completion: Completion,
}

/// An event of the group member.
#[derive(Debug)]
pub enum GroupEvent {
    /// This member leads the generation and must provide the config snapshot.
    LeaderElected(LeaderRequest),
    /// A generation completed with this member's assignment.
    Assigned(Box<AssignedEvent>),
    /// Work must stop outside of an assignment.
    Revoked(RevokedEvent),
    /// The member hit an unrecoverable error and stopped; no event follows.
    Failed(GroupError),
}
