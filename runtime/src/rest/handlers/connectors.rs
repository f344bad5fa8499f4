//! Connector CRUD, status and task listings (`REST/resources/ConnectorsResource.java`).

use std::collections::BTreeMap;

use hyper::StatusCode;
use serde::Serialize;
use serde_json::{Map, Value};

use super::RequestContext;
use crate::herder::{ConfigMap, ConnectorInfo, ConnectorStateInfo, Herder, HerderError};
use crate::rest::body;
use crate::rest::error::RestError;
use crate::rest::reply::Reply;
use crate::rest::state::AppState;

/// The `name` config key.
const NAME_CONFIG: &str = "name";

/// `GET /connectors[?expand=status][&expand=info]`.
pub async fn list(ctx: &RequestContext, state: &AppState) -> Result<Reply, RestError> {
    if !ctx.query.contains("expand") {
        let names = state.call(|herder| herder.connectors()).await?;
        return Reply::ok(&names);
    }
    let expansions: Vec<String> = ctx
        .query
        .all("expand")
        .into_iter()
        .map(str::to_owned)
        .collect();
    for unknown in expansions
        .iter()
        .filter(|e| !matches!(e.as_str(), "status" | "info"))
    {
        tracing::info!(expansion = %unknown, "Ignoring unknown expansion type.");
    }
    let expanded = state
        .call(move |herder| expand(herder, &expansions))
        .await??;
    Reply::ok(&expanded)
}

/// One member of an expanded listing.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Expansion {
    Status(ConnectorStateInfo),
    Info(ConnectorInfo),
}

/// `{"<name>":{"status":...,"info":...}}`; connectors that vanish meanwhile are left out.
fn expand(
    herder: &dyn Herder,
    expansions: &[String],
) -> Result<BTreeMap<String, BTreeMap<&'static str, Expansion>>, HerderError> {
    let mut out = BTreeMap::new();
    'connectors: for name in herder.connectors() {
        let mut entry = BTreeMap::new();
        for expansion in expansions {
            let result = match expansion.as_str() {
                "status" => herder
                    .connector_status(&name)
                    .map(|s| ("status", Expansion::Status(s))),
                "info" => herder
                    .connector_info(&name)
                    .map(|i| ("info", Expansion::Info(i))),
                _ => continue,
            };
            match result {
                Ok((key, value)) => {
                    entry.insert(key, value);
                }
                Err(HerderError::NotFound(_)) => continue 'connectors,
                Err(error) => return Err(error),
            }
        }
        out.insert(name, entry);
    }
    Ok(out)
}

/// `POST /connectors`: 201 + `Location` + ConnectorInfo.
pub async fn create(ctx: &RequestContext, state: &AppState) -> Result<Reply, RestError> {
    let request = body::create_request(&ctx.body)?;
    let mut config = request.config;
    check_and_put_name(&request.name, &mut config)?;
    let name = request.name.clone();
    let initial_state = request.initial_state;
    let created = state
        .call(move |herder| herder.put_connector_config(&name, config, false, initial_state))
        .await??;
    Ok(Reply::json(StatusCode::CREATED, &created.info)?
        .with_location(ctx.connector_url(&request.name)))
}

/// `GET /connectors/{name}`.
pub async fn get(name: String, state: &AppState) -> Result<Reply, RestError> {
    let info = state
        .call(move |herder| herder.connector_info(&name))
        .await??;
    Reply::ok(&info)
}

/// `DELETE /connectors/{name}`: 204.
pub async fn delete(name: String, state: &AppState) -> Result<Reply, RestError> {
    state
        .call(move |herder| herder.delete_connector(&name))
        .await??;
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}

/// `GET /connectors/{name}/config`.
pub async fn get_config(name: String, state: &AppState) -> Result<Reply, RestError> {
    let config = state
        .call(move |herder| herder.connector_config(&name))
        .await??;
    Reply::ok(&config)
}

/// `PUT /connectors/{name}/config`: 201 + `Location` when created, 200 when replaced.
pub async fn put_config(
    name: String,
    ctx: &RequestContext,
    state: &AppState,
) -> Result<Reply, RestError> {
    let mut config = body::config_map(&ctx.body)?;
    check_and_put_name(&name, &mut config)?;
    let location = ctx.connector_url(&name);
    let created = state
        .call(move |herder| herder.put_connector_config(&name, config, true, None))
        .await??;
    if created.created {
        Ok(Reply::json(StatusCode::CREATED, &created.info)?.with_location(location))
    } else {
        Reply::ok(&created.info)
    }
}

/// `PATCH /connectors/{name}/config`: 200 + ConnectorInfo.
pub async fn patch_config(
    name: String,
    ctx: &RequestContext,
    state: &AppState,
) -> Result<Reply, RestError> {
    let patch = body::config_patch(&ctx.body)?;
    let info = state
        .call(move |herder| herder.patch_connector_config(&name, patch))
        .await??;
    Reply::ok(&info)
}

/// `GET /connectors/{name}/status`.
pub async fn status(name: String, state: &AppState) -> Result<Reply, RestError> {
    let status = state
        .call(move |herder| herder.connector_status(&name))
        .await??;
    Reply::ok(&status)
}

/// `GET /connectors/{name}/tasks`.
pub async fn tasks(name: String, state: &AppState) -> Result<Reply, RestError> {
    let tasks = state
        .call(move |herder| herder.task_configs(&name))
        .await??;
    Reply::ok(&tasks)
}

/// `GET /connectors/{name}/tasks-config` (deprecated, KIP-970): `{"<name>-<id>":{...}}`.
pub async fn tasks_config(name: String, state: &AppState) -> Result<Reply, RestError> {
    tracing::warn!(
        "The 'GET /connectors/{{connector}}/tasks-config' endpoint is deprecated and will be removed in the next major release. Please use the 'GET /connectors/{{connector}}/tasks' endpoint instead."
    );
    let tasks = state
        .call(move |herder| herder.task_configs(&name))
        .await??;
    let by_id: Map<String, Value> = tasks
        .into_iter()
        .map(|task| {
            let config = task.config.into_iter().map(|(k, v)| (k, Value::String(v)));
            let key = format!("{}-{}", task.id.connector, task.id.task);
            (key, Value::Object(config.collect()))
        })
        .collect();
    Reply::ok(&by_id)
}

/// `GET /connectors/{name}/tasks/{task}/status`.
pub async fn task_status(name: String, task: u32, state: &AppState) -> Result<Reply, RestError> {
    let status = state
        .call(move |herder| herder.task_status(&name, task))
        .await??;
    Reply::ok(&status)
}

/// Kafka's `checkAndPutConnectorConfigName`: a `name` in the config must equal the connector
/// name; an absent one is filled in.
fn check_and_put_name(name: &str, config: &mut ConfigMap) -> Result<(), RestError> {
    match config.get(NAME_CONFIG) {
        Some(included) if included != name => Err(RestError::bad_request(format!(
            "Connector name configuration ({included}) doesn't match connector name in the URL ({name})"
        ))),
        Some(_) => Ok(()),
        None => {
            config.insert(NAME_CONFIG.to_owned(), name.to_owned());
            Ok(())
        }
    }
}
