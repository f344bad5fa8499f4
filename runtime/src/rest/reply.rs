//! Successful responses: a status, an optional JSON body and extra headers.

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{HeaderValue, ALLOW, CONTENT_TYPE, LOCATION};
use hyper::{Response, StatusCode};
use serde::Serialize;

use super::error::RestError;

/// `application/json`, the media type of every response body.
pub const APPLICATION_JSON: &str = "application/json";

/// What a handler answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    status: StatusCode,
    body: Option<Bytes>,
    location: Option<String>,
}

impl Reply {
    /// A JSON body (`200`, `201`, `202`...).
    pub fn json<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Result<Reply, RestError> {
        let body = serde_json::to_vec(value).map_err(|error| {
            RestError::internal(format!("Failed to serialize the response: {error}"))
        })?;
        Ok(Reply {
            status,
            body: Some(Bytes::from(body)),
            location: None,
        })
    }

    /// `200` with a JSON body.
    pub fn ok<T: Serialize + ?Sized>(value: &T) -> Result<Reply, RestError> {
        Reply::json(StatusCode::OK, value)
    }

    /// No body (`202`, `204`).
    pub fn empty(status: StatusCode) -> Reply {
        Reply {
            status,
            body: None,
            location: None,
        }
    }

    /// A body passed through as received (a forwarded request's answer).
    pub fn raw(status: StatusCode, body: Option<Bytes>, location: Option<String>) -> Reply {
        Reply {
            status,
            body,
            location,
        }
    }

    /// Adds a `Location` header.
    pub fn with_location(mut self, location: String) -> Reply {
        self.location = Some(location);
        self
    }

    /// The hyper response.
    pub fn into_response(self) -> Response<Full<Bytes>> {
        let mut response = Response::new(Full::new(self.body.clone().unwrap_or_default()));
        *response.status_mut() = self.status;
        let headers = response.headers_mut();
        if self.body.is_some() {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(APPLICATION_JSON));
        }
        if let Some(value) = self.location.and_then(|l| HeaderValue::try_from(l).ok()) {
            headers.insert(LOCATION, value);
        }
        response
    }
}

/// The `{"error_code","message"}` response of an error.
pub fn error_response(error: &RestError) -> Response<Full<Bytes>> {
    let body = serde_json::to_vec(&error.body()).unwrap_or_default();
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = error.status();
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(APPLICATION_JSON));
    if let Some(value) = error.allow().and_then(|a| HeaderValue::try_from(a).ok()) {
        headers.insert(ALLOW, value);
    }
    response
}
