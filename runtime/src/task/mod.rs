//! Running connector tasks: one named OS thread per task, calling into the plugin through the
//! ABI. Plugin calls never run on a tokio thread. Where records come from and go to is behind
//! [`SourceOutput`] and [`SinkInput`], implemented over Kafka in [`crate::kafka`] and in memory
//! for tests.

mod contexts;
mod ending;
mod error;
pub mod memory;
mod offsets;
mod sink;
mod source;
mod status;
mod thread;
mod tracker;

pub use contexts::{HostConnectorContext, HostSinkContext, HostSourceContext, SinkRequests};
pub use error::TaskError;
pub use offsets::OffsetStore;
pub use sink::{
    run_sink_task, InputFactory, SharedSinkCore, SinkCore, SinkInput, SinkTaskConfig, Tp,
};
pub use source::{run_source_task, Ack, SourceOutput, SourceTaskConfig};
pub use status::{State, StatusListener, TaskId};
pub use thread::{spawn_task, spawn_task_with, StopSignal, TaskHandle};
pub use tracker::SourceOffsetTracker;
