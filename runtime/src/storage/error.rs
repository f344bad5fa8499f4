//! Errors of the Kafka-backed stores.

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A Kafka client could not be created or a request failed.
    #[error("{0}")]
    Kafka(String),
    /// An internal topic exists with settings Ferry cannot use (e.g. not compacted).
    #[error("{0}")]
    Topic(String),
    /// The operation did not complete in time.
    #[error("Timed out {0}")]
    Timeout(String),
    /// The store was stopped.
    #[error("The store is stopped")]
    Stopped,
}
