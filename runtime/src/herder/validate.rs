//! Connector config validation: the framework's keys plus the connector's own ConfigDef and
//! `validate`, as one ConfigInfos document (`AbstractHerder#validateConnectorConfig`).

use std::collections::BTreeMap;
use std::sync::Arc;

use ferry_configdef::{ConfigDef, ConfigValue};
use serde_json::{json, Value};

use super::error::HerderError;
use crate::config::connector::{add_sink_topic_errors, sink_connector_def, source_connector_def};
use crate::config::worker::ClientConfigOverridePolicy;
use crate::plugin::{PluginClass, PluginKind, PluginRegistry};

/// A validated config: the ConfigInfos document and every error message.
pub struct Validation {
    pub class: Arc<PluginClass>,
    pub infos: Value,
    pub errors: Vec<String>,
}

/// Java's `Map.toString()`: `{k=v, k2=v2}`.
fn java_map(config: &BTreeMap<String, String>) -> String {
    let inner: Vec<String> = config.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{{{}}}", inner.join(", "))
}

/// Find the connector class a config names.
pub fn connector_class(
    registry: &PluginRegistry,
    config: &BTreeMap<String, String>,
) -> Result<Arc<PluginClass>, HerderError> {
    let Some(name) = config
        .get("connector.class")
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
    else {
        return Err(HerderError::BadRequest(format!(
            "Connector config {} contains no connector type",
            java_map(config)
        )));
    };
    let version = config.get(crate::plugin::PLUGIN_VERSION_CONFIG);
    let snapshot = registry.snapshot();
    snapshot
        .find_version(name, version.map(String::as_str))
        .map_err(|e| match e {
            crate::plugin::FindError::NotFound => {
                let available: Vec<&str> =
                    snapshot.classes().iter().map(|c| c.class.as_str()).collect();
                HerderError::BadRequest(format!(
                    "Failed to find any class that implements Connector and which name matches {name}, available connectors are: {}",
                    available.join(", ")
                ))
            }
            other => HerderError::BadRequest(other.to_string()),
        })
}

fn entry(def: &ConfigDef, value: &ConfigValue) -> Value {
    let key = def.key(&value.name);
    json!({"definition": key.map(|k| k.key_info()), "value": value.to_json(key.map(|k| k.ty))})
}

/// Client overrides the worker's `connector.client.config.override.policy` forbids
/// (`AbstractHerder#validateClientOverrides`).
fn client_override_values(
    policy: ClientConfigOverridePolicy,
    config: &BTreeMap<String, String>,
) -> Vec<ConfigValue> {
    let mut out = Vec::new();
    for prefix in [
        "producer.override.",
        "consumer.override.",
        "admin.override.",
    ] {
        for (key, value) in config.iter().filter(|(k, _)| k.starts_with(prefix)) {
            let stripped = &key[prefix.len()..];
            if !policy.allows(stripped) {
                let mut v = ConfigValue::new(key.clone());
                v.value = Some(value.clone());
                v.errors.push(format!(
                    "The '{}' policy does not allow '{stripped}' to be overridden in the connector configuration.",
                    policy.name()
                ));
                out.push(v);
            }
        }
    }
    out
}

/// Validate `config` against the framework's keys and the connector's own.
pub fn validate(
    registry: &PluginRegistry,
    policy: ClientConfigOverridePolicy,
    config: &BTreeMap<String, String>,
) -> Result<Validation, HerderError> {
    let class = connector_class(registry, config)?;
    let framework = match class.kind {
        PluginKind::Source => source_connector_def(),
        PluginKind::Sink => sink_connector_def(),
    };
    let mut framework_values = framework.validate(config);
    if class.kind == PluginKind::Sink {
        add_sink_topic_errors(config, &mut framework_values);
    }
    let plugin_values = plugin_validate(&class, config)?;
    let mut configs: Vec<Value> = framework_values
        .iter()
        .map(|v| entry(&framework, v))
        .collect();
    let mut errors: Vec<String> = framework_values
        .iter()
        .flat_map(|v| v.errors.clone())
        .collect();
    for v in plugin_values
        .iter()
        .filter(|v| framework.key(&v.name).is_none())
    {
        configs.push(entry(&class.config_def, v));
        errors.extend(v.errors.iter().cloned());
    }
    let transform_keys = ferry_transforms::validate_with(config, registry);
    for (key, value) in &transform_keys {
        errors.extend(value.errors.iter().cloned());
        configs.push(json!({"definition": key.key_info(), "value": value.to_json(Some(key.ty))}));
    }
    for v in client_override_values(policy, config) {
        errors.extend(v.errors.iter().cloned());
        configs.push(json!({"definition": null, "value": v.to_json(None)}));
    }
    let mut groups: Vec<String> = Vec::new();
    for key in framework
        .keys()
        .iter()
        .chain(class.config_def.keys())
        .chain(transform_keys.iter().map(|(k, _)| k))
    {
        if let Some(g) = &key.group {
            if !groups.contains(g) {
                groups.push(g.clone());
            }
        }
    }
    let infos = json!({
        "name": config.get("connector.class").map(|c| c.trim()).unwrap_or_default(),
        "error_count": errors.len(),
        "groups": groups,
        "configs": configs,
    });
    Ok(Validation {
        class,
        infos,
        errors,
    })
}

/// The connector's own validation, on a fresh instance (as Kafka does).
fn plugin_validate(
    class: &PluginClass,
    config: &BTreeMap<String, String>,
) -> Result<Vec<ConfigValue>, HerderError> {
    let module = &class.library.module;
    let mut connector = (module.new_connector())(class.class.as_str().into())
        .into_result()
        .map_err(|e| {
            HerderError::Internal(format!(
                "Failed to create connector {}: {}",
                class.class, e.message
            ))
        })?;
    let json = serde_json::to_string(config).map_err(|e| HerderError::Internal(e.to_string()))?;
    let raw = connector
        .validate(json.as_str().into())
        .into_result()
        .map_err(|e| {
            HerderError::Internal(format!(
                "Connector {} failed to validate its configuration: {}",
                class.class, e.message
            ))
        })?;
    serde_json::from_str(raw.as_str()).map_err(|e| {
        HerderError::Internal(format!(
            "Connector {} returned malformed validation results: {e}",
            class.class
        ))
    })
}

/// Kafka's 400 message for a config with errors.
pub fn invalid_config_message(errors: &[String]) -> String {
    let mut m = format!(
        "Connector configuration is invalid and contains the following {} error(s):",
        errors.len()
    );
    for e in errors {
        m.push('\n');
        m.push_str(e);
    }
    m.push_str("\nYou can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`");
    m
}
