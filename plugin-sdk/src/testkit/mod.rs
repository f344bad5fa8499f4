//! Run a connector in-process, without Kafka or a worker: feed a sink, drain a source, check
//! offsets. Calls go through the same ABI objects and batch encoding the worker uses, so what
//! passes here behaves the same when loaded as a `.so`.
//!
//! ```ignore
//! let mut h = SourceHarness::<MySource>::new(&[("topic", "t"), ("file", path)])?;
//! let config = h.task_configs(1)?.remove(0);
//! let mut task = h.start_task(&config)?;
//! let records = task.poll_until(3, 10)?;
//! ```

mod contexts;
mod sink;
mod source;
mod transform;

pub use contexts::SinkRequests;
pub use sink::{SinkHarness, SinkTaskRunner, TestRecord};
pub use source::{SourceHarness, SourceTaskRunner};
pub use transform::{PredicateHarness, TransformHarness};

use ferry_plugin_abi::FfiError;

use crate::config::ConfigMap;
use crate::error::ConnectError;

pub(crate) fn from_ffi(e: FfiError) -> ConnectError {
    let mut err = ConnectError::new(e.message.as_str());
    if !e.trace.is_empty() {
        err = err.caused_by(&ConnectError::new(e.trace.as_str()));
    }
    err
}

pub(crate) fn config_map(pairs: &[(&str, &str)]) -> ConfigMap {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// Validation errors of a config as one error, or `Ok` when valid.
pub(crate) fn check_valid(values: &[ferry_configdef::ConfigValue]) -> crate::Result<()> {
    let errors: Vec<String> = values
        .iter()
        .flat_map(|v| v.errors.iter().map(move |e| format!("{}: {e}", v.name)))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(ConnectError::config(errors.join("\n")))
    }
}
