//! What handlers share: the herder, the loggers and the server options, and the one way to
//! call the herder (on the blocking pool, bounded by the request timeout).

use std::sync::Arc;
use std::time::Duration;

use super::error::RestError;
use crate::herder::Herder;
use crate::logging::Loggers;

/// Server settings that are not listeners.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestOptions {
    /// A herder call that takes longer is answered 500 `Request timed out` (Kafka:
    /// `DEFAULT_REST_REQUEST_TIMEOUT_MS`, 90 s).
    pub request_timeout: Duration,
    /// `GET /health` waits this long for the herder (Kafka: 10 s).
    pub health_check_timeout: Duration,
    /// On shutdown, in-flight requests get this long to finish (Kafka: Jetty's 60 s).
    pub graceful_shutdown_timeout: Duration,
    /// `topic.tracking.enable`: when false, the `/topics` endpoints answer 403.
    pub topic_tracking_enabled: bool,
    /// `topic.tracking.allow.reset`: when false, `PUT .../topics/reset` answers 403.
    pub topic_tracking_reset_enabled: bool,
    /// Larger request bodies are answered 413.
    pub max_body_bytes: usize,
}

impl Default for RestOptions {
    fn default() -> RestOptions {
        RestOptions {
            request_timeout: Duration::from_secs(90),
            health_check_timeout: Duration::from_secs(10),
            graceful_shutdown_timeout: Duration::from_secs(60),
            topic_tracking_enabled: true,
            topic_tracking_reset_enabled: true,
            max_body_bytes: 32 * 1024 * 1024,
        }
    }
}

/// The state behind every request once the server is started.
pub struct AppState {
    /// The worker's herder.
    pub herder: Arc<dyn Herder>,
    /// The worker's loggers (`/admin/loggers`).
    pub loggers: Arc<Loggers>,
    /// Server options.
    pub options: RestOptions,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("loggers", &self.loggers)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Runs `call` against the herder on the blocking pool, bounded by the request timeout.
    /// A timeout or a panic in the herder is a 500.
    pub async fn call<T, F>(&self, call: F) -> Result<T, RestError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Herder) -> T + Send + 'static,
    {
        self.call_within(self.options.request_timeout, call).await
    }

    /// Like [`AppState::call`] with another timeout.
    pub async fn call_within<T, F>(&self, timeout: Duration, call: F) -> Result<T, RestError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn Herder) -> T + Send + 'static,
    {
        let herder = Arc::clone(&self.herder);
        let task = tokio::task::spawn_blocking(move || call(herder.as_ref()));
        match tokio::time::timeout(timeout, task).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(error)) => {
                tracing::error!(%error, "Herder call failed.");
                Err(RestError::internal(
                    "Request failed because of an internal error in the worker",
                ))
            }
            Err(_) => Err(RestError::internal("Request timed out")),
        }
    }
}
