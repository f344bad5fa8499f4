//! Forwarding a request to the worker that must serve it (distributed mode), with Kafka's
//! `forward` query parameter rules (`REST/HerderRequestHandler.java#completeOrForwardRequest`):
//! a request without `forward` goes on with `forward=true`, one with `forward=true` goes on with
//! `forward=false`, and one with `forward=false` that still is not at its target is a 409. So a
//! request makes at most two hops (follower -> leader -> owner).

use std::time::Duration;

use bytes::Bytes;
use hyper::StatusCode;

use super::error::RestError;
use super::reply::Reply;
use super::url::{percent_encode_query, Query};

/// Kafka's message when the hop budget is spent.
pub const CONFLICT_MESSAGE: &str =
    "Cannot complete request because of a conflicting operation (e.g. worker rebalance)";

/// Headers copied to the forwarded request: `Authorization` (as Kafka's `RestClient`) and the
/// signature headers of internal requests.
pub const FORWARDED_HEADERS: &[&str] = &[
    "authorization",
    "x-connect-authorization",
    "x-connect-request-signature-algorithm",
];

/// The request as received, for forwarding.
#[derive(Debug, Clone)]
pub struct Original {
    pub method: hyper::Method,
    pub path: String,
    pub query: Query,
    pub headers: Vec<(String, String)>,
    pub body: Bytes,
}

/// The URL to forward to, or the 409 when the request already made its last hop.
pub fn target_url(target: &str, original: &Original) -> Result<String, RestError> {
    let next = match original.query.get("forward") {
        None => "true",
        Some(v) if v.eq_ignore_ascii_case("true") => "false",
        Some(_) => return Err(RestError::new(StatusCode::CONFLICT, CONFLICT_MESSAGE)),
    };
    let mut query: Vec<String> = original
        .query
        .pairs()
        .filter(|(k, _)| *k != "forward")
        .map(|(k, v)| format!("{}={}", percent_encode_query(k), percent_encode_query(v)))
        .collect();
    query.push(format!("forward={next}"));
    Ok(format!(
        "{}/{}?{}",
        target.trim_end_matches('/'),
        original.path.trim_start_matches('/'),
        query.join("&")
    ))
}

/// Sends the request on and answers what the target answered (status, body, `Location`).
pub async fn forward(target: &str, original: Original) -> Result<Reply, RestError> {
    let url = target_url(target, &original)?;
    tracing::debug!(%url, method = %original.method, "Forwarding REST request.");
    let task = tokio::task::spawn_blocking(move || send(&url, &original));
    match task.await {
        Ok(result) => result,
        Err(e) => Err(RestError::internal(format!(
            "IO Error trying to forward REST request: {e}"
        ))),
    }
}

fn send(url: &str, original: &Original) -> Result<Reply, RestError> {
    let io_error = |e: &dyn std::fmt::Display| {
        RestError::internal(format!("IO Error trying to forward REST request: {e}"))
    };
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(90)))
        .build()
        .new_agent();
    let mut builder = ureq::http::Request::builder()
        .method(original.method.as_str())
        .uri(url)
        .header("Accept", "application/json")
        .header("User-Agent", "kafka-connect");
    for (name, value) in &original.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let response = if original.body.is_empty() {
        agent.run(builder.body(()).map_err(|e| io_error(&e))?)
    } else {
        let request = builder
            .header("Content-Type", "application/json")
            .body(original.body.to_vec())
            .map_err(|e| io_error(&e))?;
        agent.run(request)
    };
    let mut response = response.map_err(|e| io_error(&e))?;
    let status = StatusCode::from_u16(response.status().as_u16())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let location = response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response
        .body_mut()
        .read_to_vec()
        .map_err(|e| io_error(&e))?;
    let body = (!body.is_empty()).then(|| Bytes::from(body));
    Ok(Reply::raw(status, body, location))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn original(query: &str) -> Original {
        Original {
            method: hyper::Method::POST,
            path: "/connectors/c/restart".into(),
            query: Query::parse(Some(query)),
            headers: Vec::new(),
            body: Bytes::new(),
        }
    }

    #[test]
    fn at_most_two_hops() {
        assert_eq!(
            target_url("http://leader:8083/", &original("includeTasks=true")).unwrap(),
            "http://leader:8083/connectors/c/restart?includeTasks=true&forward=true"
        );
        assert_eq!(
            target_url("http://leader:8083", &original("forward=true")).unwrap(),
            "http://leader:8083/connectors/c/restart?forward=false"
        );
        let error = target_url("http://leader:8083", &original("forward=false")).unwrap_err();
        assert_eq!(error.status(), StatusCode::CONFLICT);
        assert_eq!(error.message(), CONFLICT_MESSAGE);
    }
}
