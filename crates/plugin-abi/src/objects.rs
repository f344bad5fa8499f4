//! The trait objects that cross the boundary. Configurations and small control-plane documents
//! cross as JSON text (`docs/abi.md`); records cross as batches.
//!
//! Plugin-implemented: [`ConnectorObj`], [`SourceTaskObj`], [`SinkTaskObj`], [`StopHandleObj`],
//! and since ABI 1.1 [`TransformationObj`] and [`PredicateObj`].
//! Worker-implemented: [`ConnectorContextObj`], [`SourceContextObj`], [`SinkContextObj`].
#![allow(non_camel_case_types)]

use abi_stable::sabi_trait;
use abi_stable::std_types::{RBox, RResult, RStr, RString};

use crate::batch::{BatchBuf, BatchRef};
use crate::error::FfiError;

/// A connector instance (Kafka's `Connector`).
#[sabi_trait]
pub trait ConnectorObj: Send {
    /// Start with the connector config (JSON object of strings) and the worker's context.
    fn start(&mut self, config: RStr<'_>, ctx: ConnectorContextBox) -> RResult<(), FfiError>;
    /// Task configs for at most `max_tasks` tasks: a JSON array of objects of strings.
    fn task_configs(&mut self, max_tasks: u32) -> RResult<RString, FfiError>;
    fn stop(&mut self) -> RResult<(), FfiError>;
    /// Validate a config (JSON object of strings); returns a JSON array of config values
    /// (`{"name","value","recommended_values","errors","visible"}`).
    fn validate(&mut self, config: RStr<'_>) -> RResult<RString, FfiError>;
    /// Kafka's `alterOffsets`: config and a JSON array of `{"partition","offset"}`. `true` when
    /// the connector handled the change, `false` when it has nothing to do.
    #[sabi(last_prefix_field)]
    fn alter_offsets(&mut self, config: RStr<'_>, offsets: RStr<'_>) -> RResult<bool, FfiError>;
}

/// A source task (Kafka's `SourceTask`). Every call but the stop handle's comes from the task's
/// own thread.
#[sabi_trait]
pub trait SourceTaskObj: Send {
    fn start(&mut self, config: RStr<'_>, ctx: SourceContextBox) -> RResult<(), FfiError>;
    /// A handle the worker may call from any thread while `poll` blocks.
    fn stop_handle(&self) -> StopHandleBox;
    /// Append records to `out` (possibly none). Should return regularly.
    fn poll(&mut self, out: &mut BatchBuf) -> RResult<(), FfiError>;
    /// Offsets up to here were committed (Kafka's `commit`).
    fn commit(&mut self) -> RResult<(), FfiError>;
    /// These records were acknowledged by Kafka (`commitRecord`): headers carry topic,
    /// partition and offset, and the source partition and offset spans; no key or value.
    fn commit_records(&mut self, acked: BatchRef<'_>) -> RResult<(), FfiError>;
    #[sabi(last_prefix_field)]
    fn stop(&mut self) -> RResult<(), FfiError>;
}

/// A sink task (Kafka's `SinkTask`).
#[sabi_trait]
pub trait SinkTaskObj: Send {
    fn start(&mut self, config: RStr<'_>, ctx: SinkContextBox) -> RResult<(), FfiError>;
    /// Partitions were assigned: JSON array of `{"topic","partition"}`.
    fn open(&mut self, partitions: RStr<'_>) -> RResult<(), FfiError>;
    /// Partitions were revoked: JSON array of `{"topic","partition"}`.
    fn close(&mut self, partitions: RStr<'_>) -> RResult<(), FfiError>;
    fn put(&mut self, batch: BatchRef<'_>) -> RResult<(), FfiError>;
    /// Kafka's `preCommit`: given the consumed offsets (JSON array of
    /// `{"topic","partition","offset"}`, offset = next to consume), return those safe to commit.
    fn pre_commit(&mut self, offsets: RStr<'_>) -> RResult<RString, FfiError>;
    #[sabi(last_prefix_field)]
    fn stop(&mut self) -> RResult<(), FfiError>;
}

/// Asks a running task to stop; callable from any thread.
#[sabi_trait]
pub trait StopHandleObj: Send + Sync {
    #[sabi(last_prefix_field)]
    fn request_stop(&self);
}

/// The worker's side of Kafka's `ConnectorContext`.
#[sabi_trait]
pub trait ConnectorContextObj: Send + Sync {
    fn request_task_reconfiguration(&self);
    #[sabi(last_prefix_field)]
    fn raise_error(&self, error: FfiError);
}

/// The worker's side of Kafka's `SourceTaskContext`.
#[sabi_trait]
pub trait SourceContextObj: Send + Sync {
    /// Committed offsets for source partitions: a JSON array of partition objects in, a JSON
    /// array of offset objects (or null) out, in the same order.
    #[sabi(last_prefix_field)]
    fn offsets(&self, partitions: RStr<'_>) -> RString;
}

/// The worker's side of Kafka's `SinkTaskContext` and `ErrantRecordReporter`. Requests are
/// applied by the worker after the current call returns.
#[sabi_trait]
pub trait SinkContextObj: Send + Sync {
    /// Current assignment: JSON array of `{"topic","partition"}`.
    fn assignment(&self) -> RString;
    /// Rewind or skip: JSON array of `{"topic","partition","offset"}`.
    fn reset_offsets(&self, offsets: RStr<'_>);
    /// JSON array of `{"topic","partition"}`.
    fn pause(&self, partitions: RStr<'_>);
    /// JSON array of `{"topic","partition"}`.
    fn resume(&self, partitions: RStr<'_>);
    fn request_commit(&self);
    /// Kafka's `timeout(ms)`: retry the last batch after this delay.
    fn timeout(&self, ms: i64);
    /// Report one record of the current batch (by index) as errant.
    #[sabi(last_prefix_field)]
    fn report_errant(&self, index: u32, error: FfiError);
}

/// A transformation (Kafka's `Transformation`, a Single Message Transform). ABI 1.1.
/// Called from one task thread at a time.
#[sabi_trait]
pub trait TransformationObj: Send {
    /// Configure with the alias's own keys (JSON object of strings, the
    /// `transforms.<alias>.` prefix removed). Called once, before `apply`.
    fn configure(&mut self, config: RStr<'_>) -> RResult<(), FfiError>;
    /// Transform the records of `records` (the worker passes exactly one) and append the
    /// results to the empty `out`: none drops the record (Kafka's `null`). An error with
    /// `retriable` set is retried by the worker (`errors.retry.timeout`).
    fn apply(&mut self, records: BatchRef<'_>, out: &mut BatchBuf) -> RResult<(), FfiError>;
    /// Release resources; the object is dropped right after.
    #[sabi(last_prefix_field)]
    fn close(&mut self) -> RResult<(), FfiError>;
}

/// A predicate (Kafka's `Predicate`), guarding a transformation. ABI 1.1.
#[sabi_trait]
pub trait PredicateObj: Send {
    /// Configure with the alias's own keys (JSON object of strings, the
    /// `predicates.<alias>.` prefix removed). Called once, before `test`.
    fn configure(&mut self, config: RStr<'_>) -> RResult<(), FfiError>;
    /// Whether the predicate holds for the (one) record of `records`.
    fn test(&mut self, records: BatchRef<'_>) -> RResult<bool, FfiError>;
    /// Release resources; the object is dropped right after.
    #[sabi(last_prefix_field)]
    fn close(&mut self) -> RResult<(), FfiError>;
}

/// Owned connector object.
pub type ConnectorBox = ConnectorObj_TO<'static, RBox<()>>;
/// Owned source task object.
pub type SourceTaskBox = SourceTaskObj_TO<'static, RBox<()>>;
/// Owned sink task object.
pub type SinkTaskBox = SinkTaskObj_TO<'static, RBox<()>>;
/// Owned stop handle.
pub type StopHandleBox = StopHandleObj_TO<'static, RBox<()>>;
/// Owned connector context.
pub type ConnectorContextBox = ConnectorContextObj_TO<'static, RBox<()>>;
/// Owned source task context.
pub type SourceContextBox = SourceContextObj_TO<'static, RBox<()>>;
/// Owned sink task context.
pub type SinkContextBox = SinkContextObj_TO<'static, RBox<()>>;
/// Owned transformation (ABI 1.1).
pub type TransformationBox = TransformationObj_TO<'static, RBox<()>>;
/// Owned predicate (ABI 1.1).
pub type PredicateBox = PredicateObj_TO<'static, RBox<()>>;
