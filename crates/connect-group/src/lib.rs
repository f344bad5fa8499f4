//! Kafka Connect's group membership protocol for Ferry's distributed mode, with no dependency
//! on the rest of the runtime.
//!
//! Workers of a Connect cluster are members of one Kafka consumer group (`group.id`) with
//! protocol type [`PROTOCOL_TYPE`] (`connect`) and the sub-protocols of [`ConnectProtocol`].
//! The broker elects a leader; the leader assigns connectors and tasks; everyone heartbeats.
//!
//! * Wire formats, byte for byte as Kafka writes them: [`WorkerMetadata`] (JoinGroup member
//!   metadata) and [`Assignment`] (SyncGroup member assignment).
//! * Assignment: [`IncrementalAssignor`] (KIP-415 incremental cooperative, a pure function of
//!   [`AssignorState`] and [`RoundInput`]), [`assignor::eager::assign_eager`], and
//!   [`assign_group`] (config-offset check and per-member assignments).
//! * The client: [`GroupMember::join`] runs a member over tokio (FindCoordinator, JoinGroup,
//!   SyncGroup, Heartbeat, LeaveGroup) and reports [`GroupEvent`]s: "you are the leader,
//!   provide the config snapshot" ([`LeaderRequest`]) and "here is your assignment"
//!   ([`AssignedEvent`]).

mod assignment;
pub mod assignor;
mod client;
mod error;
mod ids;
mod metadata;
mod protocol;
mod wire;

#[cfg(test)]
mod test_util;

pub use assignment::Assignment;
pub use assignor::{
    assign_group, AssignorState, ClusterAssignment, ConfigSnapshot, GroupAssignment, GroupRound,
    IncrementalAssignor, LeaderState, RoundInput,
};
pub use client::{
    AssignedEvent, Completion, GroupConfig, GroupEvent, GroupEvents, GroupMember, LeaderRequest,
    MemberInfo, MetadataProvider, RevocationReason, RevokedEvent, WorkerState,
};
pub use error::{GroupError, WireError};
pub use ids::{ConnectorTaskId, ConnectorsAndTasks, CONNECTOR_TASK};
pub use metadata::WorkerMetadata;
pub use protocol::{ConnectProtocol, PROTOCOL_TYPE};
