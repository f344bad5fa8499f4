//! What both herders check before they write a connector config (`POST /connectors`,
//! `PUT /connectors/{name}/config`): Kafka's `AbstractHerder#validateConnectorConfig` callback
//! in `putConnectorConfig`, then the existing-name check.

use std::sync::Arc;

use super::validate::{invalid_config_message, validate};
use super::{ConfigMap, HerderError};
use crate::config::worker::ClientConfigOverridePolicy;
use crate::plugin::{PluginClass, PluginRegistry};

/// Validate `config` for a write: the connector class it names, or a 400 listing every error.
pub(super) fn validate_for_put(
    registry: &PluginRegistry,
    policy: ClientConfigOverridePolicy,
    config: &ConfigMap,
) -> Result<Arc<PluginClass>, HerderError> {
    let validation = validate(registry, policy, config)?;
    if !validation.errors.is_empty() {
        return Err(HerderError::BadRequest(invalid_config_message(
            &validation.errors,
        )));
    }
    Ok(validation.class)
}

/// A 409 when connector `name` exists and the request may not replace it (`POST /connectors`).
pub(super) fn check_replace(
    name: &str,
    exists: bool,
    allow_replace: bool,
) -> Result<(), HerderError> {
    if exists && !allow_replace {
        return Err(HerderError::AlreadyExists(format!(
            "Connector {name} already exists"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plugin::host_log_callback;

    fn bad_request(config: &[(&str, &str)]) -> String {
        let registry = PluginRegistry::new(&[], host_log_callback());
        let config: ConfigMap = config
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        match validate_for_put(&registry, ClientConfigOverridePolicy::All, &config) {
            Err(HerderError::BadRequest(m)) => m,
            Err(other) => panic!("unexpected {other:?}"),
            Ok(class) => panic!("unexpected class {}", class.class),
        }
    }

    #[test]
    fn a_config_without_a_known_class_is_a_bad_request() {
        assert_eq!(
            bad_request(&[("name", "c")]),
            "Connector config {name=c} contains no connector type"
        );
        assert_eq!(
            bad_request(&[("connector.class", "Nope")]),
            "Failed to find any class that implements Connector and which name matches Nope, available connectors are: "
        );
    }

    #[test]
    fn only_an_existing_name_without_replace_is_refused() {
        assert!(check_replace("c", false, false).is_ok());
        assert!(check_replace("c", true, true).is_ok());
        assert!(check_replace("c", false, true).is_ok());
        match check_replace("c", true, false) {
            Err(HerderError::AlreadyExists(m)) => assert_eq!(m, "Connector c already exists"),
            other => panic!("unexpected {other:?}"),
        }
    }
}
