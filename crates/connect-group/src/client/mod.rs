//! The group member client over tokio and `kafka-protocol`.

mod config;
mod connection;
mod coordinator;
mod events;
mod heartbeat;
mod member;
mod rebalance;

pub use config::GroupConfig;
pub use events::{
    AssignedEvent, Completion, GroupEvent, LeaderRequest, MemberInfo, MetadataProvider,
    RevocationReason, RevokedEvent, WorkerState,
};
pub use member::{GroupEvents, GroupMember};
