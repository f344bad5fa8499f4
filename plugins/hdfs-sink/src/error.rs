//! The plugin's error type and its mapping to Kafka Connect's exceptions.

use ferry_plugin_sdk::ConnectError;

use crate::format::FormatError;
use crate::storage::StorageError;

/// Anything that can go wrong while writing or recovering a partition.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error(transparent)]
    Format(#[from] FormatError),
    #[error("{0}")]
    Connect(#[from] ConnectError),
    #[error("internal error: {0}")]
    Internal(String),
}

impl SinkError {
    /// Store failures are worth retrying; bad data and bad configuration are not.
    pub fn is_retriable(&self) -> bool {
        matches!(
            self,
            SinkError::Storage(_) | SinkError::Format(FormatError::Storage(_) | FormatError::Io(_))
        )
    }

    /// As a Connect error (retriable for store failures).
    pub fn into_connect(self) -> ConnectError {
        match self {
            SinkError::Connect(e) => e,
            SinkError::Format(FormatError::Data(m)) => ConnectError::data(m),
            SinkError::Format(FormatError::Config(m)) => ConnectError::config(m),
            other if other.is_retriable() => ConnectError::retriable(other.to_string()),
            other => ConnectError::new(other.to_string()),
        }
    }
}
