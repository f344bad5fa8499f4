//! `GET|PATCH|DELETE /connectors/{name}/offsets` (KIP-875).

use super::RequestContext;
use crate::rest::body;
use crate::rest::error::RestError;
use crate::rest::reply::Reply;
use crate::rest::state::AppState;

/// `GET /connectors/{name}/offsets`: ConnectorOffsets.
pub async fn get(name: String, state: &AppState) -> Result<Reply, RestError> {
    let offsets = state.call(move |herder| herder.offsets(&name)).await??;
    Reply::ok(&offsets)
}

/// `PATCH /connectors/{name}/offsets`: 200 + Message. The body's shape is checked here
/// (`offsets` must be a non-empty array of `{"partition":{...},"offset":{...}|null}`); the
/// herder checks the connector's state and the partition/offset contents.
pub async fn alter(
    name: String,
    ctx: &RequestContext,
    state: &AppState,
) -> Result<Reply, RestError> {
    let offsets = body::offsets(&ctx.body)?;
    let message = state
        .call(move |herder| herder.alter_offsets(&name, offsets))
        .await??;
    Reply::ok(&message)
}

/// `DELETE /connectors/{name}/offsets`: 200 + Message.
pub async fn reset(name: String, state: &AppState) -> Result<Reply, RestError> {
    let message = state
        .call(move |herder| herder.reset_offsets(&name))
        .await??;
    Reply::ok(&message)
}
