//! `/admin/loggers` (`REST/resources/LoggingResource.java`), backed by [`Loggers`].
//!
//! [`Loggers`]: crate::logging::Loggers

use hyper::StatusCode;

use super::RequestContext;
use crate::logging::{LogLevel, LoggingError};
use crate::rest::body;
use crate::rest::error::RestError;
use crate::rest::reply::Reply;
use crate::rest::state::AppState;

/// `GET /admin/loggers`: `{"<logger>":{"level","last_modified"},...}` with `root`.
pub fn list(state: &AppState) -> Result<Reply, RestError> {
    Reply::ok(&state.loggers.all_levels())
}

/// `GET /admin/loggers/{logger}`: LoggerLevel; 404 `Logger <name> not found.`.
pub fn get(name: &str, state: &AppState) -> Result<Reply, RestError> {
    match state.loggers.level(name) {
        Some(level) => Reply::ok(&level),
        None => Err(RestError::not_found(format!("Logger {name} not found."))),
    }
}

/// `PUT /admin/loggers/{logger}[?scope=worker|cluster]` with `{"level":"DEBUG"}`: 200 + the
/// affected logger names (worker scope, the default and the fallback for unknown scopes) or
/// 204 (cluster scope: written to the config topic for every worker in distributed mode,
/// applied to this worker in standalone mode). Missing `level` is a 400; an unknown
/// level a 404 (`invalid log level '<x>'.`), as in Kafka.
pub fn set(name: &str, ctx: &RequestContext, state: &AppState) -> Result<Reply, RestError> {
    let text = body::logger_level(&ctx.body)?.ok_or_else(|| {
        RestError::bad_request("Desired 'level' parameter was not specified in request.")
    })?;
    let level = LogLevel::parse(&text)
        .ok_or_else(|| RestError::not_found(format!("invalid log level '{text}'.")))?;
    let scope = ctx.query.get("scope").unwrap_or("worker");
    let cluster = scope.eq_ignore_ascii_case("cluster");
    if !cluster && !scope.eq_ignore_ascii_case("worker") {
        tracing::warn!(
            scope,
            "Received invalid scope in request to adjust logging level; will default to worker."
        );
    }
    if cluster {
        if !name.eq_ignore_ascii_case("root") {
            crate::logging::validate_logger_name(name)
                .map_err(|e| RestError::bad_request(e.to_string()))?;
        }
        if state.herder.set_cluster_logger_level(name, &text)? {
            return Ok(Reply::empty(StatusCode::NO_CONTENT));
        }
    }
    let affected = state
        .loggers
        .set_level(name, level)
        .map_err(|error| match error {
            LoggingError::InvalidLoggerName(_) => RestError::bad_request(error.to_string()),
            other => RestError::internal(other.to_string()),
        })?;
    if cluster {
        Ok(Reply::empty(StatusCode::NO_CONTENT))
    } else {
        Reply::ok(&affected)
    }
}
