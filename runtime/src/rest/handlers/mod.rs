//! Endpoint handlers, one module per resource family. Each takes the decoded path parameters,
//! the [`RequestContext`] and the [`AppState`], and answers a [`Reply`] or a [`RestError`].

mod connectors;
mod internal;
mod lifecycle;
mod loggers;
mod offsets;
mod plugins;
mod root;

use bytes::Bytes;

use super::error::RestError;
use super::reply::Reply;
use super::router::Endpoint;
use super::state::AppState;
use super::url::{encode_path_segment, Query};

/// The parts of a request handlers read besides path parameters.
#[derive(Debug, Clone)]
pub struct RequestContext {
    /// Decoded query parameters.
    pub query: Query,
    /// The raw body.
    pub body: Bytes,
    /// `http://<Host header or local address>`, for `Location` headers.
    pub base_url: String,
    /// The headers forwarded requests carry on (`Authorization`, internal request signatures),
    /// lower-case names.
    pub headers: Vec<(String, String)>,
}

impl RequestContext {
    /// A header kept in [`RequestContext::headers`].
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl RequestContext {
    /// `Location` of a connector: `<base>/connectors/<encoded name>`.
    pub fn connector_url(&self, name: &str) -> String {
        format!("{}/connectors/{}", self.base_url, encode_path_segment(name))
    }
}

/// Runs the handler of `endpoint`.
pub async fn dispatch(
    endpoint: Endpoint,
    ctx: &RequestContext,
    state: &AppState,
) -> Result<Reply, RestError> {
    use Endpoint as E;
    match endpoint {
        E::ServerInfo => root::server_info(state).await,
        E::Health => root::health(state).await,
        E::ListConnectors => connectors::list(ctx, state).await,
        E::CreateConnector => connectors::create(ctx, state).await,
        E::GetConnector(name) => connectors::get(name, state).await,
        E::DeleteConnector(name) => connectors::delete(name, state).await,
        E::GetConfig(name) => connectors::get_config(name, state).await,
        E::PutConfig(name) => connectors::put_config(name, ctx, state).await,
        E::PatchConfig(name) => connectors::patch_config(name, ctx, state).await,
        E::GetStatus(name) => connectors::status(name, state).await,
        E::GetTasks(name) => connectors::tasks(name, state).await,
        E::PutTasks(name) => internal::put_tasks(name, ctx, state).await,
        E::Fence(name) => internal::fence(name, ctx, state).await,
        E::GetTasksConfig(name) => connectors::tasks_config(name, state).await,
        E::GetTaskStatus(name, task) => connectors::task_status(name, task, state).await,
        E::RestartConnector(name) => lifecycle::restart(name, ctx, state).await,
        E::RestartTask(name, task) => lifecycle::restart_task(name, task, state).await,
        E::Pause(name) => lifecycle::pause(name, state).await,
        E::Resume(name) => lifecycle::resume(name, state).await,
        E::Stop(name) => lifecycle::stop(name, state).await,
        E::GetTopics(name) => lifecycle::topics(name, state).await,
        E::ResetTopics(name) => lifecycle::reset_topics(name, state).await,
        E::GetOffsets(name) => offsets::get(name, state).await,
        E::AlterOffsets(name) => offsets::alter(name, ctx, state).await,
        E::ResetOffsets(name) => offsets::reset(name, state).await,
        E::ListPlugins => plugins::list(ctx, state).await,
        E::ListPluginFailures => plugins::failures(state).await,
        E::GetPluginConfig(plugin) => plugins::config(plugin, state).await,
        E::ValidateConfig(plugin) => plugins::validate(plugin, ctx, state).await,
        E::ListLoggers => loggers::list(state),
        E::GetLogger(name) => loggers::get(&name, state),
        E::SetLogger(name) => loggers::set(&name, ctx, state),
    }
}
