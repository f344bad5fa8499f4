//! Restarts, target-state changes and active topics (`REST/resources/ConnectorsResource.java`).

use std::collections::BTreeMap;

use hyper::StatusCode;
use serde::Serialize;

use super::RequestContext;
use crate::config::TargetState;
use crate::rest::error::RestError;
use crate::rest::reply::Reply;
use crate::rest::state::AppState;

/// `POST /connectors/{name}/restart[?includeTasks=][&onlyFailed=]`: 204 when only the
/// connector was restarted, 202 + the restart plan otherwise.
pub async fn restart(
    name: String,
    ctx: &RequestContext,
    state: &AppState,
) -> Result<Reply, RestError> {
    let include_tasks = ctx.query.flag("includeTasks", false);
    let only_failed = ctx.query.flag("onlyFailed", false);
    let plan = state
        .call(move |herder| herder.restart_connector(&name, include_tasks, only_failed))
        .await??;
    match plan {
        None => Ok(Reply::empty(StatusCode::NO_CONTENT)),
        Some(plan) => Reply::json(StatusCode::ACCEPTED, &plan),
    }
}

/// `POST /connectors/{name}/tasks/{task}/restart`: 204.
pub async fn restart_task(name: String, task: u32, state: &AppState) -> Result<Reply, RestError> {
    state
        .call(move |herder| herder.restart_task(&name, task))
        .await??;
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}

/// `PUT /connectors/{name}/pause`: 202.
pub async fn pause(name: String, state: &AppState) -> Result<Reply, RestError> {
    set_target_state(name, TargetState::Paused, state).await?;
    Ok(Reply::empty(StatusCode::ACCEPTED))
}

/// `PUT /connectors/{name}/resume`: 202.
pub async fn resume(name: String, state: &AppState) -> Result<Reply, RestError> {
    set_target_state(name, TargetState::Started, state).await?;
    Ok(Reply::empty(StatusCode::ACCEPTED))
}

/// `PUT /connectors/{name}/stop`: 204.
pub async fn stop(name: String, state: &AppState) -> Result<Reply, RestError> {
    set_target_state(name, TargetState::Stopped, state).await?;
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}

async fn set_target_state(
    name: String,
    target: TargetState,
    state: &AppState,
) -> Result<(), RestError> {
    state
        .call(move |herder| herder.set_target_state(&name, target))
        .await??;
    Ok(())
}

/// Kafka's `ActiveTopicsInfo` as serialised: only `topics`.
#[derive(Debug, Serialize)]
struct ActiveTopics {
    topics: Vec<String>,
}

/// `GET /connectors/{name}/topics`: `{"<name>":{"topics":[...]}}`; 403 when topic tracking
/// is disabled.
pub async fn topics(name: String, state: &AppState) -> Result<Reply, RestError> {
    check_tracking(state, false)?;
    let key = name.clone();
    let topics = state
        .call(move |herder| herder.active_topics(&name))
        .await??;
    Reply::ok(&BTreeMap::from([(key, ActiveTopics { topics })]))
}

/// `PUT /connectors/{name}/topics/reset`: 202; 403 when tracking or its reset is disabled.
pub async fn reset_topics(name: String, state: &AppState) -> Result<Reply, RestError> {
    check_tracking(state, true)?;
    state
        .call(move |herder| herder.reset_active_topics(&name))
        .await??;
    Ok(Reply::empty(StatusCode::ACCEPTED))
}

fn check_tracking(state: &AppState, reset: bool) -> Result<(), RestError> {
    if !state.options.topic_tracking_enabled {
        return Err(RestError::forbidden("Topic tracking is disabled."));
    }
    if reset && !state.options.topic_tracking_reset_enabled {
        return Err(RestError::forbidden("Topic tracking reset is disabled."));
    }
    Ok(())
}
