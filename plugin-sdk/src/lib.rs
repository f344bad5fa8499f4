//! Write Kafka Connect connectors in Rust and run them in the Ferry worker.
//!
//! A connector is a `cdylib` crate that depends on this SDK, implements
//! [`SourceConnector`]/[`SourceTask`] or [`SinkConnector`]/[`SinkTask`] (Kafka Connect's Java
//! API, in Rust), and exports its classes with [`export_plugin!`]. Drop the built `.so` into a
//! directory on the worker's `plugin.path` and create the connector over REST, exactly as with
//! Kafka Connect.
//!
//! # Example: a source that counts
//!
//! ```
//! use ferry_plugin_sdk::prelude::*;
//!
//! #[derive(Default)]
//! pub struct CounterSource {
//!     config: ConfigMap,
//! }
//!
//! impl SourceConnector for CounterSource {
//!     type Task = CounterTask;
//!     const CLASS: &'static str = "com.example.CounterSourceConnector";
//!     const TASK_CLASS: &'static str = "com.example.CounterSourceTask";
//!     const VERSION: &'static str = "1.0.0";
//!
//!     fn config_def() -> ConfigDef {
//!         ConfigDef::new()
//!             .define(ConfigKey::new("topic", ConfigType::String).importance(Importance::High).doc("Topic to write to"))
//!             .define(ConfigKey::new("max", ConfigType::Long).default_value("10").doc("Stop after this many"))
//!     }
//!
//!     fn start(&mut self, config: &ConfigMap, _ctx: ConnectorContext) -> Result<()> {
//!         self.config = config.clone();
//!         Ok(())
//!     }
//!
//!     fn task_configs(&mut self, _max_tasks: usize) -> Result<Vec<ConfigMap>> {
//!         Ok(vec![self.config.clone()]) // one task, whatever tasks.max says
//!     }
//! }
//!
//! #[derive(Default)]
//! pub struct CounterTask {
//!     topic: String,
//!     next: i64,
//!     max: i64,
//! }
//!
//! impl SourceTask for CounterTask {
//!     fn start(&mut self, config: &ConfigMap, ctx: SourceTaskContext) -> Result<()> {
//!         let parsed = CounterSource::config_def().parse(config)?;
//!         self.topic = parsed.string("topic")?.unwrap_or_default().to_owned();
//!         self.max = parsed.long("max")?.unwrap_or(10);
//!         // Resume after the last committed count.
//!         if let Some(offset) = ctx.offset(&partition())? {
//!             self.next = offset.get("count").and_then(|v| v.as_i64()).unwrap_or(0);
//!         }
//!         Ok(())
//!     }
//!
//!     fn poll(&mut self, out: &mut SourceRecords<'_>) -> Result<()> {
//!         while self.next < self.max && out.len() < 100 {
//!             self.next += 1;
//!             let mut offset = JsonMap::new();
//!             offset.insert("count".into(), self.next.into());
//!             out.push(
//!                 SourceRecord::new(&self.topic, Some(Schema::primitive(Type::Int64)), Value::Int64(self.next))
//!                     .with_source(partition(), offset),
//!             )?;
//!         }
//!         Ok(())
//!     }
//! }
//!
//! fn partition() -> JsonMap {
//!     let mut p = JsonMap::new();
//!     p.insert("counter".into(), "main".into());
//!     p
//! }
//!
//! ferry_plugin_sdk::export_plugin! { sources: [CounterSource] }
//!
//! // Test it in-process, without Kafka.
//! # fn main() -> Result<()> {
//! use ferry_plugin_sdk::testkit::SourceHarness;
//! let mut harness = SourceHarness::<CounterSource>::new(&[("name", "c"), ("topic", "counts"), ("max", "3")])?;
//! let config = harness.task_configs(1)?.remove(0);
//! let mut task = harness.start_task(&config)?;
//! let records = task.poll()?;
//! assert_eq!(records.iter().map(|r| r.value.clone()).collect::<Vec<_>>(),
//!            vec![Value::Int64(1), Value::Int64(2), Value::Int64(3)]);
//! task.stop()?;
//! # Ok(())
//! # }
//! ```
//!
//! # The traits
//!
//! - [`SourceConnector`] / [`SinkConnector`]: read the connector config, declare every key in
//!   a [`ConfigDef`](config::ConfigDef) (it drives validation, the REST output and the docs),
//!   and split the work into task configs.
//! - [`SourceTask`]: `poll` appends [`SourceRecord`]s; each carries a source partition and
//!   offset, which the worker commits after Kafka acknowledged the record and hands back
//!   through [`SourceTaskContext::offset`] after a restart.
//! - [`SinkTask`]: `put` receives [`SinkRecords`]; values are decoded only when asked for
//!   ([`SinkRecord::value_bytes`] is free). `pre_commit`/`flush` say which offsets are safe.
//!
//! - [`Transformation`] / [`Predicate`]: Single Message Transforms and their predicates, run
//!   by the worker on the records of any connector whose config names them (ABI 1.1).
//!
//! # Errors, panics and logs
//!
//! Return a [`ConnectError`] to fail the task; mark it [`ConnectError::retriable`] for a
//! transient problem. A panic is caught at the boundary: the task fails with the panic message
//! as its trace and the worker keeps running. Log with [`tracing`] (re-exported here): events
//! reach the worker's log, tagged with the connector and task.
//!
//! Libraries must be built with `panic = "unwind"` (the default); the worker refuses others.

mod connector;
mod error;
mod export;
mod record;
mod sink;
mod source;
mod stop;
mod transform;

pub mod config;
pub mod testkit;

pub use connector::ConnectorContext;
pub use error::{ConnectError, ErrorCategory, Result};
pub use record::{ArrayRef, DecimalRef, Entries, Fields, Items, MapRef, StructRef, ValueRef};
pub use record::{Header, JsonMap, SinkRecord, SinkRecords, SourceRecord, TopicPartition};
pub use sink::{SinkConnector, SinkTask, SinkTaskContext};
pub use source::{
    CommittedRecord, RecordParts, SourceConnector, SourceRecords, SourceTask, SourceTaskContext,
};
pub use stop::StopToken;
pub use tracing;
pub use transform::{ConnectRecord, Predicate, Transformation};

/// Kafka Connect's data model: schemas, values, structs, logical types.
pub mod data {
    pub use ferry_data::*;
}

/// Everything a connector usually needs.
pub mod prelude {
    pub use crate::config::{
        ConfigDef, ConfigKey, ConfigMap, ConfigType, ConfigValue, Importance, Validator, Width,
    };
    pub use crate::data::{logical, Schema, SchemaRef, Struct, Type, Value};
    pub use crate::ValueRef;
    pub use crate::{
        CommittedRecord, ConnectError, ConnectorContext, Header, JsonMap, RecordParts, Result,
        SinkConnector, SinkRecord, SinkRecords, SinkTask, SinkTaskContext, SourceConnector,
        SourceRecord, SourceRecords, SourceTask, SourceTaskContext, StopToken, TopicPartition,
    };
    pub use crate::{ConnectRecord, Predicate, Transformation};
}

/// Used by [`export_plugin!`]; not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::export::{root_module, Entry, Registry, ROOT_MODULE_SYMBOL};
    pub use ferry_plugin_abi::abi_stable::library::{
        __call_root_module_loader as call_root_module_loader, CheckTypeLayout, LibHeader,
        RootModuleResult,
    };
    pub use ferry_plugin_abi::{PluginMod_Ref, ABI_MINOR};
}

#[cfg(test)]
mod tests {
    #[test]
    fn root_module_symbol_matches_abi_stable() {
        assert_eq!(
            crate::export::ROOT_MODULE_SYMBOL,
            ferry_plugin_abi::abi_stable::library::ROOT_MODULE_LOADER_NAME
        );
    }
}
