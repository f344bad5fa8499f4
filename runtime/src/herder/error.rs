use thiserror::Error;

/// A herder failure, carrying the HTTP status Kafka Connect answers with.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum HerderError {
    /// 404, e.g. `Connector x not found`.
    #[error("{0}")]
    NotFound(String),
    /// 409, e.g. `Connector x already exists`.
    #[error("{0}")]
    AlreadyExists(String),
    /// 400: invalid config or request.
    #[error("{0}")]
    BadRequest(String),
    /// 409: a conflicting operation (rebalance).
    #[error("{0}")]
    Conflict(String),
    /// 500.
    #[error("{0}")]
    Internal(String),
}

impl HerderError {
    /// The HTTP status (and `error_code`) Kafka Connect uses for this error.
    pub fn status(&self) -> u16 {
        match self {
            HerderError::NotFound(_) => 404,
            HerderError::AlreadyExists(_) | HerderError::Conflict(_) => 409,
            HerderError::BadRequest(_) => 400,
            HerderError::Internal(_) => 500,
        }
    }

    /// `Connector <name> not found`.
    pub fn connector_not_found(name: &str) -> HerderError {
        HerderError::NotFound(format!("Connector {name} not found"))
    }
}
