//! `/connector-plugins` (`REST/resources/ConnectorPluginsResource.java`).

use super::RequestContext;
use crate::rest::body;
use crate::rest::error::RestError;
use crate::rest::reply::Reply;
use crate::rest::state::AppState;

/// The `connector.class` config key.
const CONNECTOR_CLASS_CONFIG: &str = "connector.class";
/// The suffix stripped when comparing plugin names.
const ALIAS_SUFFIX: &str = "Connector";

/// `GET /connector-plugins[?connectorsOnly=true]`.
pub async fn list(ctx: &RequestContext, state: &AppState) -> Result<Reply, RestError> {
    let connectors_only = ctx.query.flag("connectorsOnly", true);
    let plugins = state
        .call(move |herder| herder.plugins(connectors_only))
        .await?;
    Reply::ok(&plugins)
}

/// `GET /connector-plugins/failures` (Ferry extension): `[{"path": …, "reason": …}]` for every
/// file on `plugin.path` that could not be loaded. `GET /connector-plugins` stays as Kafka's.
pub async fn failures(state: &AppState) -> Result<Reply, RestError> {
    let failures = state.call(|herder| herder.plugin_failures()).await?;
    Reply::ok(&failures)
}

/// `GET /connector-plugins/{plugin}/config`: ConfigKeyInfo list.
pub async fn config(plugin: String, state: &AppState) -> Result<Reply, RestError> {
    let keys = state
        .call(move |herder| herder.plugin_config(&plugin))
        .await??;
    Reply::ok(&keys)
}

/// `PUT /connector-plugins/{plugin}/config/validate`: ConfigInfos (200 even with errors).
/// 400 when the body's `connector.class` does not match the path, or is missing.
pub async fn validate(
    plugin: String,
    ctx: &RequestContext,
    state: &AppState,
) -> Result<Reply, RestError> {
    let config = body::config_map(&ctx.body)?;
    match config.get(CONNECTOR_CLASS_CONFIG) {
        Some(class) if !normalized(class).ends_with(normalized(&plugin)) => {
            return Err(RestError::bad_request(format!(
                "Included connector type {class} does not match request type {plugin}"
            )));
        }
        Some(_) => {}
        None => {
            return Err(RestError::bad_request(format!(
                "Connector config {} contains no connector type",
                body::java_map_string(&config)
            )));
        }
    }
    let infos = state
        .call(move |herder| herder.validate(&plugin, config))
        .await??;
    Reply::ok(&infos)
}

/// Kafka's `normalizedPluginName`: strips a trailing `Connector` unless that is all there is.
fn normalized(name: &str) -> &str {
    match name.strip_suffix(ALIAS_SUFFIX) {
        Some(stripped) if !stripped.is_empty() => stripped,
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::normalized;

    #[test]
    fn normalization_strips_connector_suffix() {
        assert_eq!(normalized("FileStreamSourceConnector"), "FileStreamSource");
        assert_eq!(normalized("a.b.FileStreamSink"), "a.b.FileStreamSink");
        assert_eq!(normalized("Connector"), "Connector");
    }
}
