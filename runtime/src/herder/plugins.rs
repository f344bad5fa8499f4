//! The plugin listings of the REST API, the same in both modes.

use serde_json::Value;

use super::{HerderError, PluginInfo};
use crate::config::connector::{sink_connector_def, source_connector_def};
use crate::plugin::PluginKind;
use crate::worker::Worker;

/// `GET /connector-plugins`: connectors, then (unless `connectors_only`) transformations,
/// predicates and converters, in Kafka's order.
pub fn list(worker: &Worker, connectors_only: bool) -> Vec<PluginInfo> {
    let mut classes: Vec<_> = worker.registry.classes().to_vec();
    classes.sort_by(|a, b| {
        (a.kind == PluginKind::Source, &a.class)
            .cmp(&(b.kind == PluginKind::Source, &b.class))
            .then_with(|| crate::plugin::compare_versions(&a.version, &b.version))
    });
    let mut out: Vec<PluginInfo> = classes
        .iter()
        .map(|c| PluginInfo {
            class: c.class.clone(),
            plugin_type: c.kind.as_str().into(),
            version: Some(c.version.clone()),
        })
        .collect();
    if !connectors_only {
        // Kafka's order: connectors, transformations, predicates, converters.
        // Built-ins, then third-party classes of plugin libraries, each kind together.
        let mut transforms: Vec<_> = ferry_transforms::plugins()
            .into_iter()
            .map(|p| (p.kind, p.class.to_string(), p.version.to_string()))
            .chain(
                ferry_transforms::ExternalPlugins::list(&*worker.registry)
                    .into_iter()
                    .map(|p| (p.kind, p.class, p.version)),
            )
            .collect();
        transforms.sort_by_key(|p| p.0 != ferry_transforms::PluginKind::Transformation);
        for (kind, class, version) in transforms {
            out.push(PluginInfo {
                class,
                plugin_type: kind.as_str().to_string(),
                version: Some(version),
            });
        }
        for p in ferry_converters::plugins() {
            out.push(PluginInfo {
                class: p.class.to_string(),
                plugin_type: p.plugin_type.to_string(),
                version: Some(p.version.to_string()),
            });
        }
    }
    out
}

/// `GET /connector-plugins/{plugin}/config`.
pub fn config(worker: &Worker, plugin: &str) -> Result<Vec<Value>, HerderError> {
    if let Some(def) = ferry_transforms::config_def(plugin) {
        return Ok(def.key_infos());
    }
    if let Some(p) = ferry_transforms::ExternalPlugins::find(&*worker.registry, plugin) {
        return Ok(p.config_def.key_infos());
    }
    let class = worker
        .registry
        .find(plugin)
        .ok_or_else(|| HerderError::NotFound(format!("Unknown plugin {plugin}.")))?;
    let framework = match class.kind {
        PluginKind::Source => source_connector_def(),
        PluginKind::Sink => sink_connector_def(),
    };
    Ok(class.config_def.clone().merge(&framework).key_infos())
}
