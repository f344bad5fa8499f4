//! Errors of the wire formats and of the group member client.

use std::time::Duration;

/// A malformed Connect member metadata or assignment (Kafka's `SchemaException`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WireError {
    /// The buffer ended inside a field that has no default.
    #[error("Error reading field '{field}': needs {needed} more bytes, {remaining} remaining")]
    Truncated {
        /// Kafka's name of the field.
        field: &'static str,
        /// Bytes the field needs.
        needed: usize,
        /// Bytes left in the buffer.
        remaining: usize,
    },
    /// A non-nullable string or array had a negative length.
    #[error("Error reading field '{field}': length {length} cannot be negative")]
    NegativeLength {
        /// Kafka's name of the field.
        field: &'static str,
        /// The length read.
        length: i32,
    },
    /// A string that is not UTF-8.
    #[error("Error reading field '{field}': invalid UTF-8")]
    InvalidUtf8 {
        /// Kafka's name of the field.
        field: &'static str,
    },
    /// A version below 0 (Kafka: "Unsupported subscription version").
    #[error("Unsupported subscription version: {0}")]
    UnsupportedVersion(i16),
    /// A string longer than 32767 bytes cannot be written as a Kafka STRING.
    #[error("String length {length} is larger than the maximum string length (32767) in field '{field}'")]
    StringTooLong {
        /// Kafka's name of the field.
        field: &'static str,
        /// The length of the string.
        length: usize,
    },
}

/// Errors of the group member client ([`crate::GroupMember`]).
#[derive(Debug, thiserror::Error)]
pub enum GroupError {
    /// A member metadata or assignment could not be decoded.
    #[error(transparent)]
    Wire(#[from] WireError),
    /// A socket error talking to a broker.
    #[error("I/O error talking to {broker}: {source}")]
    Io {
        /// The broker address.
        broker: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A Kafka request or response could not be encoded or decoded.
    #[error("Kafka protocol codec error in {api}: {message}")]
    Codec {
        /// The API (e.g. `JoinGroup`).
        api: &'static str,
        /// The codec's message.
        message: String,
    },
    /// A broker answered with an error code that the member cannot recover from.
    #[error("{api} failed with error {code} ({name})")]
    Broker {
        /// The API (e.g. `JoinGroup`).
        api: &'static str,
        /// Kafka's error code.
        code: i16,
        /// Kafka's error name.
        name: String,
    },
    /// The broker does not support a version of an API that this client can speak.
    #[error("the broker does not support a usable version of {api}")]
    UnsupportedApi {
        /// The API.
        api: &'static str,
    },
    /// A request got no answer in time.
    #[error("{what} timed out after {timeout:?}")]
    Timeout {
        /// What was waited for.
        what: String,
        /// How long.
        timeout: Duration,
    },
    /// A response did not match its request (wrong correlation id, bad frame).
    #[error("protocol violation from {broker}: {message}")]
    Protocol {
        /// The broker address.
        broker: String,
        /// What was wrong.
        message: String,
    },
    /// A worker configuration value is missing or invalid.
    #[error("Invalid value {value:?} for configuration {key}: {message}")]
    Config {
        /// The key.
        key: String,
        /// The raw value.
        value: String,
        /// Why it is invalid.
        message: String,
    },
    /// The member's background task has stopped.
    #[error("the group member has stopped")]
    Stopped,
}

impl GroupError {
    /// Whether retrying after a backoff (possibly with a new coordinator) can help. A
    /// malformed member metadata is retriable: the next round may not include that member.
    pub fn is_retriable(&self) -> bool {
        matches!(
            self,
            GroupError::Io { .. }
                | GroupError::Timeout { .. }
                | GroupError::Protocol { .. }
                | GroupError::Wire(_)
        )
    }
}
