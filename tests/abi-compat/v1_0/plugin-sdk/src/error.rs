use std::fmt;

use ferry_plugin_abi::{ErrorKind, FfiError};

/// What went wrong, in Kafka Connect's terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCategory {
    /// `ConnectException`: the task or connector fails.
    Connect,
    /// `ConfigException`: the configuration is invalid.
    Config,
    /// `DataException`: a value cannot be converted or does not fit its schema.
    Data,
    /// Not supported by this plugin.
    Unsupported,
}

/// The error type of every SDK trait method. Mirrors Kafka's `ConnectException` family;
/// [`ConnectError::retriable`] marks Kafka's `RetriableException`.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectError {
    category: ErrorCategory,
    retriable: bool,
    message: String,
    causes: Vec<String>,
}

impl ConnectError {
    /// A failure (`ConnectException`).
    pub fn new(message: impl Into<String>) -> Self {
        ConnectError {
            category: ErrorCategory::Connect,
            retriable: false,
            message: message.into(),
            causes: Vec::new(),
        }
    }

    /// An invalid configuration (`ConfigException`).
    pub fn config(message: impl Into<String>) -> Self {
        ConnectError {
            category: ErrorCategory::Config,
            ..Self::new(message)
        }
    }

    /// A bad value (`DataException`).
    pub fn data(message: impl Into<String>) -> Self {
        ConnectError {
            category: ErrorCategory::Data,
            ..Self::new(message)
        }
    }

    /// An operation this plugin does not support.
    pub fn unsupported(message: impl Into<String>) -> Self {
        ConnectError {
            category: ErrorCategory::Unsupported,
            ..Self::new(message)
        }
    }

    /// A transient failure: the same call may succeed later (`RetriableException`).
    pub fn retriable(message: impl Into<String>) -> Self {
        ConnectError {
            retriable: true,
            ..Self::new(message)
        }
    }

    /// Attach the error that caused this one (and its sources) to the trace.
    pub fn caused_by(mut self, cause: &(dyn std::error::Error + 'static)) -> Self {
        let mut next = Some(cause);
        while let Some(e) = next {
            self.causes.push(e.to_string());
            next = e.source();
        }
        self
    }

    pub fn category(&self) -> ErrorCategory {
        self.category
    }

    pub fn is_retriable(&self) -> bool {
        self.retriable
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// Causes, outermost first.
    pub fn causes(&self) -> &[String] {
        &self.causes
    }

    pub(crate) fn into_ffi(self) -> FfiError {
        let kind = match self.category {
            ErrorCategory::Connect => ErrorKind::GENERIC,
            ErrorCategory::Config => ErrorKind::CONFIG,
            ErrorCategory::Data => ErrorKind::DATA,
            ErrorCategory::Unsupported => ErrorKind::UNSUPPORTED,
        };
        let trace = self
            .causes
            .iter()
            .map(|c| format!("Caused by: {c}"))
            .collect::<Vec<_>>()
            .join("\n");
        FfiError {
            kind,
            retriable: self.retriable,
            message: self.message.into(),
            trace: trace.into(),
        }
    }
}

impl fmt::Display for ConnectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        for c in &self.causes {
            write!(f, ": {c}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConnectError {}

impl From<std::io::Error> for ConnectError {
    fn from(e: std::io::Error) -> Self {
        ConnectError::new(e.to_string())
    }
}

impl From<ferry_configdef::ConfigError> for ConnectError {
    fn from(e: ferry_configdef::ConfigError) -> Self {
        ConnectError::config(e.to_string())
    }
}

impl From<ferry_data::DataError> for ConnectError {
    fn from(e: ferry_data::DataError) -> Self {
        ConnectError::data(e.to_string())
    }
}

impl From<ferry_codec::CodecError> for ConnectError {
    fn from(e: ferry_codec::CodecError) -> Self {
        ConnectError::data(e.to_string())
    }
}

impl From<serde_json::Error> for ConnectError {
    fn from(e: serde_json::Error) -> Self {
        ConnectError::data(e.to_string())
    }
}

/// `Result` with [`ConnectError`].
pub type Result<T, E = ConnectError> = std::result::Result<T, E>;
