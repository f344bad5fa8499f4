//! Errors: [`TransformError`] (one transformation failed on one record), [`ChainConfigError`]
//! (the connector's `transforms`/`predicates` configuration is invalid) and [`ChainError`] (a
//! stage of the chain failed).

use ferry_configdef::ConfigError;

/// A transformation failed. The message is Kafka's; the variant says which Java exception Kafka
/// throws ([`TransformError::java_class`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransformError {
    /// `org.apache.kafka.connect.errors.DataException`.
    #[error("{0}")]
    Data(String),
    /// `org.apache.kafka.common.config.ConfigException`.
    #[error("{0}")]
    Config(String),
    /// `java.lang.IllegalArgumentException` (e.g. ExtractField's `Unknown field: <f>`).
    #[error("{0}")]
    IllegalArgument(String),
    /// `java.lang.IndexOutOfBoundsException` (e.g. RegexRouter's `No group 2`).
    #[error("{0}")]
    IndexOutOfBounds(String),
    /// `org.apache.kafka.connect.errors.ConnectException`.
    #[error("{0}")]
    Connect(String),
    /// `org.apache.kafka.connect.errors.RetriableException`: a third-party transformation
    /// failed transiently; the chain retries it under the connector's retry policy.
    #[error("{0}")]
    Retriable(String),
}

impl TransformError {
    /// A `DataException`.
    pub fn data(message: impl Into<String>) -> TransformError {
        TransformError::Data(message.into())
    }

    /// The Java exception class Kafka would throw (for error reporters and DLQ headers).
    pub fn java_class(&self) -> &'static str {
        match self {
            TransformError::Data(_) => "org.apache.kafka.connect.errors.DataException",
            TransformError::Config(_) => "org.apache.kafka.common.config.ConfigException",
            TransformError::IllegalArgument(_) => "java.lang.IllegalArgumentException",
            TransformError::IndexOutOfBounds(_) => "java.lang.IndexOutOfBoundsException",
            TransformError::Connect(_) => "org.apache.kafka.connect.errors.ConnectException",
            TransformError::Retriable(_) => "org.apache.kafka.connect.errors.RetriableException",
        }
    }

    /// Whether the same call may succeed later (Kafka's `RetriableException`).
    pub fn is_retriable(&self) -> bool {
        matches!(self, TransformError::Retriable(_))
    }
}

impl From<ferry_data::DataError> for TransformError {
    fn from(e: ferry_data::DataError) -> Self {
        TransformError::Data(e.to_string())
    }
}

/// The connector's `transforms`/`predicates` configuration is invalid (Kafka's
/// `ConfigException`, with Kafka's message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ChainConfigError(pub ConfigError);

impl From<ConfigError> for ChainConfigError {
    fn from(e: ConfigError) -> Self {
        ChainConfigError(e)
    }
}

/// A stage of a [`crate::TransformationChain`] failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Transformation '{alias}' ({class}) failed: {source}")]
pub struct ChainError {
    /// The alias of the failing stage (`transforms=<alias>`).
    pub alias: String,
    /// The Kafka class name of the failing transformation.
    pub class: String,
    /// What went wrong.
    pub source: TransformError,
}
