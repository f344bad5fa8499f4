//! `GET /` and `GET /health` (`REST/resources/RootResource.java`).

use hyper::StatusCode;

use crate::herder::WorkerHealth;
use crate::rest::error::RestError;
use crate::rest::reply::Reply;
use crate::rest::state::AppState;

/// `GET /`: ServerInfo.
pub async fn server_info(state: &AppState) -> Result<Reply, RestError> {
    let info = state.call(|herder| herder.server_info()).await?;
    Reply::ok(&info)
}

/// `GET /health`: 200 healthy, 503 starting, 500 unhealthy (also when the herder does not
/// answer within the health-check timeout).
pub async fn health(state: &AppState) -> Result<Reply, RestError> {
    let timeout = state.options.health_check_timeout;
    let health = match state.call_within(timeout, |herder| herder.health()).await {
        Ok(health) => health,
        Err(_) => WorkerHealth {
            status: "unhealthy".to_owned(),
            message: "Worker was unable to handle this request and may be unable to handle other requests."
                .to_owned(),
        },
    };
    let status = match health.status.as_str() {
        "healthy" => StatusCode::OK,
        "starting" => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    Reply::json(status, &health)
}
