use ferry_plugin_abi::{ErrorKind, FfiError};
use thiserror::Error;

/// Why a task failed. Its Display is what the status `trace` shows.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum TaskError {
    /// The plugin returned an error or panicked.
    #[error("{message}{}", trace_suffix(.trace))]
    Plugin {
        message: String,
        trace: String,
        retriable: bool,
        panicked: bool,
    },
    /// The worker's side failed (conversion, Kafka, offsets).
    #[error("{0}")]
    Worker(String),
}

fn trace_suffix(trace: &str) -> String {
    if trace.is_empty() {
        String::new()
    } else {
        format!("\n{trace}")
    }
}

impl TaskError {
    /// A plugin error, with what the worker was doing.
    pub fn from_ffi(doing: &str, e: FfiError) -> TaskError {
        let panicked = e.kind == ErrorKind::PANIC;
        let message = if panicked {
            e.message.to_string()
        } else {
            format!("{doing} failed: {}", e.message)
        };
        // A panic's trace repeats its message first; keep only what it adds.
        let trace = e
            .trace
            .as_str()
            .strip_prefix(e.message.as_str())
            .unwrap_or(e.trace.as_str())
            .trim_start_matches('\n');
        TaskError::Plugin {
            message,
            trace: trace.to_owned(),
            retriable: e.retriable,
            panicked,
        }
    }

    pub fn worker(message: impl Into<String>) -> TaskError {
        TaskError::Worker(message.into())
    }

    pub fn is_retriable(&self) -> bool {
        matches!(
            self,
            TaskError::Plugin {
                retriable: true,
                ..
            }
        )
    }
}
