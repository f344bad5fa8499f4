//! The internal endpoints workers of a cluster call on each other
//! (`REST/resources/InternalClusterResource.java`), signed with the session key under
//! `connect.protocol=sessioned`.

use hyper::StatusCode;

use super::RequestContext;
use crate::herder::InternalSignature;
use crate::rest::body;
use crate::rest::error::RestError;
use crate::rest::reply::Reply;
use crate::rest::state::AppState;

fn signature(ctx: &RequestContext) -> Option<InternalSignature> {
    Some(InternalSignature {
        signature: ctx.header("x-connect-authorization")?.to_owned(),
        algorithm: ctx
            .header("x-connect-request-signature-algorithm")?
            .to_owned(),
        body: ctx.body.to_vec(),
    })
}

/// `POST /connectors/{name}/tasks`: a JSON array of task configs; 204.
pub async fn put_tasks(
    name: String,
    ctx: &RequestContext,
    state: &AppState,
) -> Result<Reply, RestError> {
    let configs = body::task_configs(&ctx.body)?;
    let signature = signature(ctx);
    let forwarded = ctx.query.contains("forward");
    state
        .call(move |herder| herder.put_task_configs(&name, configs, signature, forwarded))
        .await??;
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}

/// `PUT /connectors/{name}/fence`: 204.
pub async fn fence(
    name: String,
    ctx: &RequestContext,
    state: &AppState,
) -> Result<Reply, RestError> {
    let signature = signature(ctx);
    state
        .call(move |herder| herder.fence_zombies(&name, signature))
        .await??;
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}
