//! Request bodies: JSON parsing and shape checks with messages that say what is wrong (Kafka
//! answers these with Jackson's 500s; Ferry with 400s).
//!
//! Config maps follow Jackson's `Map<String, String>` coercion: strings are taken as they are,
//! numbers and booleans as their JSON text (`"tasks.max": 1` is `"1"`); objects and arrays are
//! rejected.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::error::RestError;
use crate::config::TargetState;
use crate::herder::{ConfigMap, ConnectorOffset, ConnectorOffsets};

/// Parses a body that must be a JSON object; `what` names the expected document in errors.
pub fn json_object(body: &[u8], what: &str) -> Result<Map<String, Value>, RestError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(RestError::bad_request(format!(
            "Request body is empty; expected {what}"
        )));
    }
    let value: Value = serde_json::from_slice(body).map_err(|error| {
        RestError::bad_request(format!("Malformed JSON in request body: {error}"))
    })?;
    match value {
        Value::Object(object) => Ok(object),
        other => Err(RestError::bad_request(format!(
            "Request body must be {what}, but was {}",
            kind(&other)
        ))),
    }
}

/// The task configs of the internal `POST /connectors/{c}/tasks`: a JSON array of flat string
/// maps.
pub fn task_configs(body: &[u8]) -> Result<Vec<ConfigMap>, RestError> {
    const WHAT: &str = "a JSON array of task configs (objects of string values)";
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(RestError::bad_request(format!(
            "Request body is empty; expected {WHAT}"
        )));
    }
    serde_json::from_slice(body)
        .map_err(|error| RestError::bad_request(format!("Request body must be {WHAT}: {error}")))
}

/// A flat connector config (`PUT .../config`, `PUT .../config/validate`).
pub fn config_map(body: &[u8]) -> Result<ConfigMap, RestError> {
    to_config_map(json_object(body, CONFIG_OBJECT)?)
}

/// A config patch (`PATCH .../config`): `null` removes a key.
pub fn config_patch(body: &[u8]) -> Result<BTreeMap<String, Option<String>>, RestError> {
    json_object(body, CONFIG_OBJECT)?
        .into_iter()
        .map(|(key, value)| match value {
            Value::Null => Ok((key, None)),
            value => Ok((key.clone(), Some(config_value(&key, value)?))),
        })
        .collect()
}

/// `POST /connectors`: `{"name","config","initial_state"}`.
#[derive(Debug, Clone, PartialEq)]
pub struct CreateRequest {
    /// Trimmed; empty when absent (the herder's validation reports it, as in Kafka).
    pub name: String,
    /// The connector config.
    pub config: ConfigMap,
    /// `initial_state`, if given.
    pub initial_state: Option<TargetState>,
}

/// Parses a `CreateConnectorRequest`.
pub fn create_request(body: &[u8]) -> Result<CreateRequest, RestError> {
    let object = json_object(body, "a JSON object with 'name' and 'config'")?;
    let mut request = CreateRequest {
        name: String::new(),
        config: ConfigMap::new(),
        initial_state: None,
    };
    let mut has_config = false;
    for (key, value) in object {
        match (key.as_str(), value) {
            (_, Value::Null) => {}
            ("name", value) => request.name = scalar_text("name", value)?.trim().to_owned(),
            ("config", Value::Object(config)) => {
                request.config = to_config_map(config)?;
                has_config = true;
            }
            ("config", other) => {
                return Err(RestError::bad_request(format!(
                    "Field 'config' must be a JSON object, but was {}",
                    kind(&other)
                )))
            }
            ("initial_state", value) => {
                let text = scalar_text("initial_state", value)?;
                request.initial_state = Some(TargetState::from_initial_state(&text).ok_or_else(
                    || {
                        RestError::bad_request(format!(
                            "Invalid value '{text}' for field 'initial_state': must be one of RUNNING, PAUSED, STOPPED"
                        ))
                    },
                )?);
            }
            (other, _) => return Err(unrecognized_field(other, "name, config, initial_state")),
        }
    }
    if !has_config {
        return Err(RestError::bad_request(
            "Missing required field 'config' in the request body",
        ));
    }
    Ok(request)
}

/// `PATCH .../offsets`: `{"offsets":[{"partition":{...},"offset":{...}|null},...]}`.
pub fn offsets(body: &[u8]) -> Result<ConnectorOffsets, RestError> {
    const MISSING: &str = "Partitions / offsets need to be provided for an alter offsets request";
    let mut object = json_object(body, "a JSON object with an 'offsets' array")?;
    if let Some(key) = object.keys().find(|key| *key != "offsets") {
        return Err(unrecognized_field(key, "offsets"));
    }
    let entries = match object.remove("offsets") {
        None | Some(Value::Null) => return Err(RestError::bad_request(MISSING)),
        Some(Value::Array(entries)) if entries.is_empty() => {
            return Err(RestError::bad_request(MISSING))
        }
        Some(Value::Array(entries)) => entries,
        Some(other) => {
            return Err(RestError::bad_request(format!(
                "Field 'offsets' must be a JSON array, but was {}",
                kind(&other)
            )))
        }
    };
    let offsets = entries
        .into_iter()
        .enumerate()
        .map(|(index, entry)| offset_entry(index, entry))
        .collect::<Result<_, _>>()?;
    Ok(ConnectorOffsets { offsets })
}

/// `PUT /admin/loggers/{logger}`: the `level` member (`None` when absent or null).
pub fn logger_level(body: &[u8]) -> Result<Option<String>, RestError> {
    let object = json_object(body, "a JSON object such as {\"level\": \"DEBUG\"}")?;
    match object.get("level") {
        None | Some(Value::Null) => Ok(None),
        Some(value) => scalar_text("level", value.clone()).map(Some),
    }
}

/// Java's `AbstractMap.toString()` of a config: `{k1=v1, k2=v2}`.
pub fn java_map_string(config: &ConfigMap) -> String {
    let entries: Vec<String> = config.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("{{{}}}", entries.join(", "))
}

const CONFIG_OBJECT: &str = "a JSON object of connector configuration";

fn to_config_map(object: Map<String, Value>) -> Result<ConfigMap, RestError> {
    object
        .into_iter()
        .map(|(key, value)| match value {
            Value::Null => Err(RestError::bad_request(format!(
                "Connector configuration value for '{key}' is null; values must be strings \
                 (null removes a key only in PATCH /connectors/{{name}}/config)"
            ))),
            value => Ok((key.clone(), config_value(&key, value)?)),
        })
        .collect()
}

fn config_value(key: &str, value: Value) -> Result<String, RestError> {
    match value {
        Value::String(text) => Ok(text),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        other => Err(RestError::bad_request(format!(
            "Connector configuration values must be strings, but the value of '{key}' is {}",
            kind(&other)
        ))),
    }
}

fn scalar_text(field: &str, value: Value) -> Result<String, RestError> {
    match value {
        Value::String(text) => Ok(text),
        Value::Number(number) => Ok(number.to_string()),
        Value::Bool(flag) => Ok(flag.to_string()),
        other => Err(RestError::bad_request(format!(
            "Field '{field}' must be a string, but was {}",
            kind(&other)
        ))),
    }
}

fn offset_entry(index: usize, entry: Value) -> Result<ConnectorOffset, RestError> {
    let Value::Object(mut entry) = entry else {
        return Err(RestError::bad_request(format!(
            "Element {index} of 'offsets' must be a JSON object with 'partition' and 'offset', but was {}",
            kind(&entry)
        )));
    };
    if let Some(key) = entry
        .keys()
        .find(|key| *key != "partition" && *key != "offset")
    {
        return Err(unrecognized_field(key, "partition, offset"));
    }
    let partition = match entry.remove("partition") {
        Some(Value::Object(partition)) => partition,
        None | Some(Value::Null) => {
            return Err(RestError::bad_request(
                "The partition for a connector offset cannot be null or missing",
            ))
        }
        Some(other) => {
            return Err(RestError::bad_request(format!(
                "The partition of element {index} of 'offsets' must be a JSON object, but was {}",
                kind(&other)
            )))
        }
    };
    let offset = match entry.remove("offset") {
        None | Some(Value::Null) => None,
        Some(Value::Object(offset)) => Some(offset),
        Some(other) => {
            return Err(RestError::bad_request(format!(
            "The offset of element {index} of 'offsets' must be a JSON object or null, but was {}",
            kind(&other)
        )))
        }
    };
    Ok(ConnectorOffset { partition, offset })
}

fn unrecognized_field(field: &str, known: &str) -> RestError {
    RestError::bad_request(format!(
        "Unrecognized field '{field}' in request body (known fields: {known})"
    ))
}

/// "an array", "a string", ... for error messages.
fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use hyper::StatusCode;

    use super::*;

    fn message(result: Result<impl std::fmt::Debug, RestError>) -> String {
        let error = result.unwrap_err();
        assert_eq!(error.status(), StatusCode::BAD_REQUEST);
        error.message().to_owned()
    }

    #[test]
    fn config_maps_coerce_scalars_like_jackson() {
        let config = config_map(br#"{"a":"x","tasks.max":1,"f":1.5,"b":true}"#).unwrap();
        assert_eq!(config["a"], "x");
        assert_eq!(config["tasks.max"], "1");
        assert_eq!(config["f"], "1.5");
        assert_eq!(config["b"], "true");
        let text = message(config_map(br#"{"a":{"b":"c"}}"#));
        assert!(text.contains("'a' is an object"), "{text}");
        let text = message(config_map(br#"{"a":null}"#));
        assert!(text.contains("'a' is null"), "{text}");
        let text = message(config_map(b"[1]"));
        assert!(text.contains("but was an array"), "{text}");
        let text = message(config_map(b"{\"a\":"));
        assert!(text.starts_with("Malformed JSON in request body"), "{text}");
        let text = message(config_map(b" "));
        assert!(text.starts_with("Request body is empty"), "{text}");
    }

    #[test]
    fn patches_keep_nulls() {
        let patch = config_patch(br#"{"a":"x","b":null}"#).unwrap();
        assert_eq!(patch["a"], Some("x".to_owned()));
        assert_eq!(patch["b"], None);
    }

    #[test]
    fn create_requests() {
        let request =
            create_request(br#"{"name":" n ","config":{"k":"v"},"initial_state":"paused"}"#)
                .unwrap();
        assert_eq!(request.name, "n");
        assert_eq!(request.initial_state, Some(TargetState::Paused));
        let request = create_request(br#"{"config":{}}"#).unwrap();
        assert_eq!(request.name, "");
        let text = message(create_request(br#"{"name":"n"}"#));
        assert_eq!(text, "Missing required field 'config' in the request body");
        let text = message(create_request(br#"{"name":"n","config":[]}"#));
        assert_eq!(
            text,
            "Field 'config' must be a JSON object, but was an array"
        );
        let text = message(create_request(br#"{"name":"n","config":{},"x":1}"#));
        assert!(text.starts_with("Unrecognized field 'x'"), "{text}");
        let text = message(create_request(br#"{"config":{},"initial_state":"RUN"}"#));
        assert!(text.contains("'RUN'"), "{text}");
        let text = message(create_request(br#"{"name":{},"config":{}}"#));
        assert_eq!(text, "Field 'name' must be a string, but was an object");
    }

    #[test]
    fn offsets_shapes() {
        let parsed = offsets(
            br#"{"offsets":[{"partition":{"p":1},"offset":{"o":2}},{"partition":{"p":2}}]}"#,
        )
        .unwrap();
        assert_eq!(parsed.offsets.len(), 2);
        assert_eq!(parsed.offsets[1].offset, None);
        let missing = "Partitions / offsets need to be provided for an alter offsets request";
        assert_eq!(message(offsets(br#"{"offsets":[]}"#)), missing);
        assert_eq!(message(offsets(br#"{"offsets":null}"#)), missing);
        assert_eq!(message(offsets(b"{}")), missing);
        let text = message(offsets(br#"{"offsets":{}}"#));
        assert!(text.contains("must be a JSON array"), "{text}");
        let text = message(offsets(br#"{"offsets":[{"offset":{}}]}"#));
        assert!(text.contains("cannot be null or missing"), "{text}");
        let text = message(offsets(br#"{"offsets":[{"partition":{},"offset":5}]}"#));
        assert!(text.contains("must be a JSON object or null"), "{text}");
        let text = message(offsets(br#"{"offsets":[{"partition":{},"extra":5}]}"#));
        assert!(text.contains("Unrecognized field 'extra'"), "{text}");
        let text = message(offsets(br#"{"offsets":[1]}"#));
        assert!(text.contains("Element 0"), "{text}");
    }

    #[test]
    fn logger_levels_and_java_maps() {
        assert_eq!(
            logger_level(br#"{"level":"debug"}"#).unwrap().as_deref(),
            Some("debug")
        );
        assert_eq!(logger_level(br#"{"other":"x"}"#).unwrap(), None);
        let config: ConfigMap = [("a".into(), "1".into()), ("b".into(), "2".into())].into();
        assert_eq!(java_map_string(&config), "{a=1, b=2}");
        assert_eq!(java_map_string(&ConfigMap::new()), "{}");
    }
}
