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
    /// The request must be served by another worker (the leader, or the owner of a connector
    /// or task): the REST layer forwards it to this base URL (Kafka's `RequestTargetException`).
    #[error("Request must be forwarded to {0}")]
    Forward(String),
    /// 403: an internal request whose signature does not verify.
    #[error("{0}")]
    Forbidden(String),
    /// 503: the worker cannot serve the request yet.
    #[error("{0}")]
    Unavailable(String),
}

impl HerderError {
    /// The HTTP status (and `error_code`) Kafka Connect uses for this error.
    pub fn status(&self) -> u16 {
        match self {
            HerderError::NotFound(_) => 404,
            HerderError::AlreadyExists(_) | HerderError::Conflict(_) | HerderError::Forward(_) => {
                409
            }
            HerderError::Forbidden(_) => 403,
            HerderError::Unavailable(_) => 503,
            HerderError::BadRequest(_) => 400,
            HerderError::Internal(_) => 500,
        }
    }

    /// `Connector <name> not found`.
    pub fn connector_not_found(name: &str) -> HerderError {
        HerderError::NotFound(format!("Connector {name} not found"))
    }
}
