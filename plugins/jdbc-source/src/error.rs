//! The plugin's error type and its mapping onto Kafka Connect's exceptions.

use ferry_plugin_sdk::ConnectError;

/// Everything that can go wrong while talking to the database or building records.
#[derive(Debug, thiserror::Error)]
pub enum JdbcError {
    /// The configuration is invalid (`ConfigException`).
    #[error("{0}")]
    Config(String),
    /// The database could not be reached; retrying later may help.
    #[error("could not connect to {url}: {message}")]
    Connect { url: String, message: String },
    /// A statement failed.
    #[error("query failed: {sql}: {message}")]
    Query { sql: String, message: String },
    /// A value does not fit its Connect schema (`DataException`).
    #[error("{0}")]
    Data(String),
    /// The database worker thread went away.
    #[error("the database worker stopped unexpectedly")]
    WorkerGone,
}

impl JdbcError {
    /// Whether retrying (after reconnecting) may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, JdbcError::Connect { .. } | JdbcError::WorkerGone)
    }
}

impl From<JdbcError> for ConnectError {
    fn from(e: JdbcError) -> Self {
        match &e {
            JdbcError::Config(m) => ConnectError::config(m.clone()),
            JdbcError::Data(m) => ConnectError::data(m.clone()),
            JdbcError::Connect { .. } | JdbcError::WorkerGone => {
                ConnectError::retriable(e.to_string())
            }
            JdbcError::Query { .. } => ConnectError::new(e.to_string()),
        }
    }
}

/// Shorthand for results of this crate's internals.
pub type JdbcResult<T> = std::result::Result<T, JdbcError>;

impl From<ConnectError> for JdbcError {
    fn from(e: ConnectError) -> Self {
        JdbcError::Data(e.to_string())
    }
}
