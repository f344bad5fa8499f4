//! Assignment of connectors and tasks to the members of a Connect group, computed by the
//! leader.
//!
//! * [`IncrementalAssignor`] — the cooperative protocols (`compatible`, `sessioned`): a pure
//!   function `(AssignorState, RoundInput) → (ClusterAssignment, AssignorState)`.
//! * [`eager::assign_eager`] — the `default` protocol's round-robin.
//! * [`assign_group`] — what the leader does with the JoinGroup members' metadata: the
//!   config-offset check (`CONFIG_MISMATCH`), the assignor of the selected protocol, and one
//!   [`Assignment`](crate::Assignment) per member plus the [`LeaderState`].

pub mod eager;
mod group;
mod incremental;
mod load;
mod work_set;

use std::collections::{BTreeMap, BTreeSet};

pub use group::{assign_group, GroupAssignment, GroupRound, LeaderState};
pub(crate) use work_set::WorkSet;

use crate::ids::{ConnectorTaskId, ConnectorsAndTasks};

/// The configured connectors and their task counts at a config topic offset (the part of
/// Kafka's `ClusterConfigState` that assignment needs).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConfigSnapshot {
    /// The config topic offset this snapshot reflects.
    pub offset: i64,
    /// Connector name → number of tasks (tasks `0..n`).
    pub connectors: BTreeMap<String, u32>,
}

impl ConfigSnapshot {
    /// A snapshot at `offset` with no connectors.
    pub fn new(offset: i64) -> Self {
        ConfigSnapshot {
            offset,
            connectors: BTreeMap::new(),
        }
    }

    /// Adds (or replaces) `connector` with `tasks` tasks.
    pub fn with_connector(mut self, connector: impl Into<String>, tasks: u32) -> Self {
        self.connectors.insert(connector.into(), tasks);
        self
    }

    /// The tasks of `connector`, in order.
    pub fn tasks(&self, connector: &str) -> Vec<ConnectorTaskId> {
        let n = self.connectors.get(connector).copied().unwrap_or(0);
        (0..n)
            .filter_map(|i| i32::try_from(i).ok())
            .map(|i| ConnectorTaskId::new(connector, i))
            .collect()
    }
}

/// One round's input of the incremental assignor.
#[derive(Debug, Clone, Copy)]
pub struct RoundInput<'a> {
    /// Each member's reported current assignment (from its JoinGroup metadata).
    pub members: &'a BTreeMap<String, ConnectorsAndTasks>,
    /// The leader's config snapshot.
    pub snapshot: &'a ConfigSnapshot,
    /// The last generation this leader completed (received an assignment for).
    pub last_completed_generation: i32,
    /// The generation being assigned.
    pub current_generation: i32,
    /// Now, in milliseconds on a clock that only moves forward (deadlines are compared to it).
    pub now_ms: u64,
}

/// The outcome of one round for the whole group.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterAssignment {
    /// Per member: what it must start this round.
    pub newly_assigned: BTreeMap<String, ConnectorsAndTasks>,
    /// Per member: what it must stop this round.
    pub revoked: BTreeMap<String, ConnectorsAndTasks>,
    /// Per member: everything it runs after this round.
    pub all_assigned: BTreeMap<String, ConnectorsAndTasks>,
    /// The scheduled rebalance delay reported to every member (0 = none).
    pub delay_ms: i32,
}

impl ClusterAssignment {
    /// Every member named in the outcome.
    pub fn workers(&self) -> BTreeSet<&str> {
        self.newly_assigned
            .keys()
            .chain(self.revoked.keys())
            .chain(self.all_assigned.keys())
            .map(String::as_str)
            .collect()
    }

    /// What `worker` must start.
    pub fn newly_assigned_to(&self, worker: &str) -> ConnectorsAndTasks {
        self.newly_assigned.get(worker).cloned().unwrap_or_default()
    }

    /// What `worker` must stop.
    pub fn revoked_from(&self, worker: &str) -> ConnectorsAndTasks {
        self.revoked.get(worker).cloned().unwrap_or_default()
    }
}

/// What the leader remembers between rounds (the fields of Kafka's assignor instance). The
/// initial state is [`AssignorState::default`]; a new leader starts from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignorState {
    pub(crate) previous_assignment: WorkSet,
    pub(crate) previous_revocation: WorkSet,
    pub(crate) revoked_in_previous: bool,
    pub(crate) candidate_workers: Vec<String>,
    pub(crate) scheduled_rebalance: Option<u64>,
    pub(crate) delay: i32,
    pub(crate) previous_generation_id: i32,
    pub(crate) previous_members: BTreeSet<String>,
    pub(crate) num_successive_revoking_rebalances: u32,
}

impl Default for AssignorState {
    fn default() -> Self {
        AssignorState {
            previous_assignment: WorkSet::default(),
            previous_revocation: WorkSet::default(),
            revoked_in_previous: false,
            candidate_workers: Vec::new(),
            scheduled_rebalance: None,
            delay: 0,
            previous_generation_id: -1,
            previous_members: BTreeSet::new(),
            num_successive_revoking_rebalances: 0,
        }
    }
}

impl AssignorState {
    /// The delay reported with the last round (0 = none scheduled).
    pub fn delay_ms(&self) -> i32 {
        self.delay
    }

    /// When the scheduled rebalance is due (in the `now_ms` clock), if one is.
    pub fn scheduled_rebalance_ms(&self) -> Option<u64> {
        self.scheduled_rebalance
    }

    /// The workers that joined empty while lost work waits for its owner (they receive it when
    /// the delay expires).
    pub fn candidate_workers(&self) -> &[String] {
        &self.candidate_workers
    }

    /// Everything the leader believes the group runs, lost work included.
    pub fn previous_assignment(&self) -> ConnectorsAndTasks {
        self.previous_assignment.to_cat()
    }
}

/// The incremental cooperative assignor, configured with `scheduled.rebalance.max.delay.ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IncrementalAssignor {
    max_delay_ms: i32,
}

impl IncrementalAssignor {
    /// An assignor with `scheduled.rebalance.max.delay.ms` = `max_delay_ms` (Kafka's default is
    /// 300000).
    pub fn new(max_delay_ms: i32) -> Self {
        IncrementalAssignor {
            max_delay_ms: max_delay_ms.max(0),
        }
    }

    /// `scheduled.rebalance.max.delay.ms`.
    pub fn max_delay_ms(&self) -> i32 {
        self.max_delay_ms
    }

    /// Computes one round: per-member additions and revocations, the delay, and the state the
    /// next round starts from. `state` is not modified.
    pub fn assign(
        &self,
        state: &AssignorState,
        input: &RoundInput<'_>,
    ) -> (ClusterAssignment, AssignorState) {
        let mut next = state.clone();
        let assignment = next.run_round(self.max_delay_ms, input);
        (assignment, next)
    }
}
