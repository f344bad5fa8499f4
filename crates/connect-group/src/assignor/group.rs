//! The leader's side of a rebalance: from all members' metadata and the leader's config
//! snapshot to one [`Assignment`] per member (`performAssignment` of Kafka's assignors).

use std::collections::BTreeMap;

use tracing::{debug, info};

use super::{
    eager, AssignorState, ClusterAssignment, ConfigSnapshot, IncrementalAssignor, RoundInput,
};
use crate::assignment::Assignment;
use crate::ids::{ConnectorTaskId, ConnectorsAndTasks};
use crate::metadata::WorkerMetadata;
use crate::protocol::ConnectProtocol;

/// Everything the leader knows when it must assign a generation.
#[derive(Debug, Clone, Copy)]
pub struct GroupRound<'a> {
    /// The leader's (this member's) id.
    pub leader_id: &'a str,
    /// The sub-protocol the broker selected.
    pub protocol: ConnectProtocol,
    /// Every member's metadata, by member id.
    pub members: &'a BTreeMap<String, WorkerMetadata>,
    /// The leader's freshest config snapshot.
    pub snapshot: &'a ConfigSnapshot,
    /// The last generation the leader completed.
    pub last_completed_generation: i32,
    /// The generation being assigned.
    pub current_generation: i32,
    /// Now on the assignor's monotonic millisecond clock.
    pub now_ms: u64,
}

/// The leader's result: what to send each member in SyncGroup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupAssignment {
    /// Per member id, its assignment.
    pub assignments: BTreeMap<String, Assignment>,
    /// Who runs what after this round (`None` on `CONFIG_MISMATCH`).
    pub leader_state: Option<LeaderState>,
    /// The incremental assignor's per-member detail (`None` for eager and on mismatch).
    pub cluster: Option<ClusterAssignment>,
}

/// What the leader knows about the group after assigning: members' URLs and the owner of
/// every connector and task (Kafka's `LeaderState`, used to forward REST requests).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeaderState {
    /// Member id → advertised REST URL.
    pub member_urls: BTreeMap<String, String>,
    /// Connector → member id running it.
    pub connector_owners: BTreeMap<String, String>,
    /// Task → member id running it.
    pub task_owners: BTreeMap<ConnectorTaskId, String>,
}

impl LeaderState {
    fn new(
        members: &BTreeMap<String, WorkerMetadata>,
        all: &BTreeMap<String, ConnectorsAndTasks>,
    ) -> Self {
        let mut state = LeaderState {
            member_urls: members
                .iter()
                .map(|(m, md)| (m.clone(), md.url.clone()))
                .collect(),
            ..LeaderState::default()
        };
        for (member, work) in all {
            for c in &work.connectors {
                state.connector_owners.insert(c.clone(), member.clone());
            }
            for t in &work.tasks {
                state.task_owners.insert(t.clone(), member.clone());
            }
        }
        state
    }

    /// The REST URL of the worker running `connector`.
    pub fn connector_owner_url(&self, connector: &str) -> Option<&str> {
        let owner = self.connector_owners.get(connector)?;
        self.member_urls.get(owner).map(String::as_str)
    }

    /// The REST URL of the worker running `task`.
    pub fn task_owner_url(&self, task: &ConnectorTaskId) -> Option<&str> {
        let owner = self.task_owners.get(task)?;
        self.member_urls.get(owner).map(String::as_str)
    }
}

/// Assigns a generation. When the leader's snapshot is behind the highest config offset a
/// member reported, every member gets `CONFIG_MISMATCH` (with that offset) and the assignor
/// state is unchanged; otherwise the selected protocol's assignor runs at the snapshot's offset.
pub fn assign_group(
    assignor: &IncrementalAssignor,
    state: &AssignorState,
    round: &GroupRound<'_>,
) -> (GroupAssignment, AssignorState) {
    let version = round.protocol.version();
    let leader_url = round
        .members
        .get(round.leader_id)
        .map(|m| m.url.clone())
        .unwrap_or_default();
    let max_offset = round
        .members
        .values()
        .map(|m| m.config_offset)
        .max()
        .unwrap_or(round.snapshot.offset);
    let empty = |error: i16, offset: i64| {
        let mut a = Assignment::empty(version, round.leader_id, &leader_url, offset);
        a.error = error;
        a
    };

    if round.snapshot.offset < max_offset {
        info!(
            leader_offset = round.snapshot.offset,
            max_offset, "Was selected to perform assignments, but do not have latest config found in sync request. Returning an empty configuration to trigger re-sync."
        );
        let assignments = round
            .members
            .keys()
            .map(|m| (m.clone(), empty(Assignment::CONFIG_MISMATCH, max_offset)))
            .collect();
        let result = GroupAssignment {
            assignments,
            leader_state: None,
            cluster: None,
        };
        return (result, state.clone());
    }
    let offset = round.snapshot.offset;

    if !round.protocol.is_cooperative() {
        let member_ids: Vec<String> = round.members.keys().cloned().collect();
        let all = eager::assign_eager(round.snapshot, &member_ids);
        let assignments = all
            .iter()
            .map(|(m, work)| {
                let mut a = empty(Assignment::NO_ERROR, offset);
                a.connectors = work.connectors.clone();
                a.tasks = work.tasks.clone();
                (m.clone(), a)
            })
            .collect();
        let result = GroupAssignment {
            assignments,
            leader_state: Some(LeaderState::new(round.members, &all)),
            cluster: None,
        };
        return (result, state.clone());
    }

    let reported: BTreeMap<String, ConnectorsAndTasks> = round
        .members
        .iter()
        .map(|(m, md)| {
            (
                m.clone(),
                md.assignment
                    .as_ref()
                    .map(Assignment::assigned)
                    .unwrap_or_default(),
            )
        })
        .collect();
    let input = RoundInput {
        members: &reported,
        snapshot: round.snapshot,
        last_completed_generation: round.last_completed_generation,
        current_generation: round.current_generation,
        now_ms: round.now_ms,
    };
    let (cluster, next_state) = assignor.assign(state, &input);
    let assignments = round
        .members
        .keys()
        .map(|m| {
            let mut a = empty(Assignment::NO_ERROR, offset);
            let new = cluster.newly_assigned_to(m);
            let revoked = cluster.revoked_from(m);
            a.connectors = new.connectors;
            a.tasks = new.tasks;
            a.revoked_connectors = revoked.connectors;
            a.revoked_tasks = revoked.tasks;
            a.delay_ms = cluster.delay_ms;
            debug!(member = %m, assignment = ?a, "Filling assignment.");
            (m.clone(), a)
        })
        .collect();
    let result = GroupAssignment {
        assignments,
        leader_state: Some(LeaderState::new(round.members, &cluster.all_assigned)),
        cluster: Some(cluster),
    };
    (result, next_state)
}

#[cfg(test)]
#[path = "group_tests.rs"]
mod tests;
