//! The REST error: an HTTP status and a message, rendered as Kafka Connect's `ErrorMessage`
//! (`{"error_code":<status>,"message":"..."}`, `REST/errors/ConnectExceptionMapper.java`).

use hyper::StatusCode;
use serde::Serialize;
use thiserror::Error;

use crate::herder::HerderError;

/// Jersey's message for an unknown path (`javax.ws.rs.NotFoundException`).
pub const NOT_FOUND_MESSAGE: &str = "HTTP 404 Not Found";
/// Jersey's message for a known path with an unsupported method (`NotAllowedException`).
pub const METHOD_NOT_ALLOWED_MESSAGE: &str = "HTTP 405 Method Not Allowed";

/// A failed request: the status it is answered with and the message shown to the client.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{message}")]
pub struct RestError {
    status: StatusCode,
    message: String,
    /// The `Allow` header of a 405.
    allow: Option<String>,
    /// Set when the request must be forwarded to another worker (base URL).
    forward_to: Option<String>,
}

/// The JSON body of every error response.
#[derive(Debug, Serialize)]
pub struct ErrorMessage<'a> {
    /// Equal to the HTTP status.
    pub error_code: u16,
    /// What went wrong.
    pub message: &'a str,
}

impl RestError {
    /// An error with any status.
    pub fn new(status: StatusCode, message: impl Into<String>) -> RestError {
        RestError {
            status,
            message: message.into(),
            allow: None,
            forward_to: None,
        }
    }

    /// 400.
    pub fn bad_request(message: impl Into<String>) -> RestError {
        RestError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 403.
    pub fn forbidden(message: impl Into<String>) -> RestError {
        RestError::new(StatusCode::FORBIDDEN, message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> RestError {
        RestError::new(StatusCode::NOT_FOUND, message)
    }

    /// 404 for a path no resource serves, with Jersey's message.
    pub fn unknown_path() -> RestError {
        RestError::not_found(NOT_FOUND_MESSAGE)
    }

    /// 405 with the methods the path does support.
    pub fn method_not_allowed<'a>(allowed: impl IntoIterator<Item = &'a str>) -> RestError {
        let allowed: Vec<&str> = allowed.into_iter().collect();
        RestError {
            allow: Some(allowed.join(", ")),
            ..RestError::new(StatusCode::METHOD_NOT_ALLOWED, METHOD_NOT_ALLOWED_MESSAGE)
        }
    }

    /// 500.
    pub fn internal(message: impl Into<String>) -> RestError {
        RestError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The message shown to the client.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The `Allow` header value of a 405.
    pub fn allow(&self) -> Option<&str> {
        self.allow.as_deref()
    }

    /// The worker (base URL) this request must be forwarded to, if any.
    pub fn forward_to(&self) -> Option<&str> {
        self.forward_to.as_deref()
    }

    /// The `ErrorMessage` body.
    pub fn body(&self) -> ErrorMessage<'_> {
        ErrorMessage {
            error_code: self.status.as_u16(),
            message: &self.message,
        }
    }
}

impl From<HerderError> for RestError {
    fn from(error: HerderError) -> RestError {
        let status =
            StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let forward_to = match &error {
            HerderError::Forward(url) => Some(url.clone()),
            _ => None,
        };
        RestError {
            forward_to,
            ..RestError::new(status, error.to_string())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn herder_errors_keep_status_and_message() {
        let error = RestError::from(HerderError::connector_not_found("x"));
        assert_eq!(error.status(), StatusCode::NOT_FOUND);
        assert_eq!(error.message(), "Connector x not found");
        let error = RestError::from(HerderError::AlreadyExists(
            "Connector x already exists".into(),
        ));
        assert_eq!(error.status(), StatusCode::CONFLICT);
        let body = serde_json::to_value(error.body()).unwrap();
        assert_eq!(
            body,
            serde_json::json!({"error_code": 409, "message": "Connector x already exists"})
        );
    }

    #[test]
    fn method_not_allowed_lists_methods() {
        let error = RestError::method_not_allowed(["GET", "PUT"]);
        assert_eq!(error.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(error.allow(), Some("GET, PUT"));
        assert_eq!(error.message(), "HTTP 405 Method Not Allowed");
    }
}
