//! Connector files given on the `ferry standalone` command line, parsed as Kafka's
//! `ConnectStandalone.parseConnectorConfigurationFile` does. The forms are tried in this order:
//!
//! 1. a JSON object whose values are all scalars: the connector config itself;
//! 2. a JSON `CreateConnectorRequest`, `{"name": .., "config": {..}, "initial_state": ..}` (other
//!    fields ignored); `config.name`, when present, must equal `name`, else it is set to `name`;
//! 3. a Java `.properties` file.
//!
//! As with Jackson, only the first JSON value in the file is read (trailing content is ignored),
//! and a file that fits neither JSON form falls through to form 3. So
//! `{"name": "a", "initial_state": "PAUSED"}` is form 1 and yields a config key `initial_state`,
//! exactly as in Kafka.
//!
//! JSON scalars that are not strings are accepted and stringified, as Jackson's coercion into
//! `Map<String, String>` does: `true`, `false`, and numbers in serde_json's rendering (integers
//! are identical to the source text; a float like `1.50` or `1e3` becomes `1.5` / `1000.0`
//! where Jackson would keep the source text). A JSON `null` value is treated as an absent key.
//!
//! Deviations, where Kafka fails obscurely: an invalid `initial_state` is reported as such
//! (Kafka falls through to form 3 and then reports a missing name); a `CreateConnectorRequest`
//! without `config` is taken as an empty config (Kafka throws a `NullPointerException`); a
//! malformed properties file is an error naming the line (Kafka exits with an exception).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Map, Value};

use super::properties::{self, PropertiesError};
use super::state::TargetState;

#[cfg(test)]
mod tests;

/// The connector-level key holding the connector's name.
pub const NAME_CONFIG: &str = "name";

/// Which of the three accepted forms a connector file had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectorFileFormat {
    /// A JSON object of the connector configuration.
    JsonConfig,
    /// A JSON `CreateConnectorRequest` (`name`, `config`, `initial_state`).
    JsonCreateRequest,
    /// A Java `.properties` file.
    Properties,
}

/// A connector to create at start-up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectorFile {
    /// The connector name (always equal to `config["name"]`).
    pub name: String,
    /// The connector configuration, including `name`.
    pub config: BTreeMap<String, String>,
    /// The requested initial state; `None` means the herder's default (running).
    pub initial_state: Option<TargetState>,
    /// The form the file was written in.
    pub format: ConnectorFileFormat,
}

/// Why a connector file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConnectorFileError {
    /// The file could not be read.
    #[error("Could not read connector configuration file '{path}': {source}")]
    Io {
        /// The path as given.
        path: String,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
    /// No `name` key (Kafka's message).
    #[error("Connector configuration at '{path}' is missing the mandatory 'name' configuration")]
    MissingName {
        /// The path as given.
        path: String,
    },
    /// `config.name` differs from `name` in a `CreateConnectorRequest` (Kafka's message).
    #[error("Connector name configuration in 'config' doesn't match the one specified in 'name' at '{path}'")]
    NameMismatch {
        /// The path as given.
        path: String,
    },
    /// `initial_state` is not one of `RUNNING`, `PAUSED`, `STOPPED`.
    #[error("Invalid initial_state {value} in connector configuration at '{path}': must be one of RUNNING, PAUSED, STOPPED (case-insensitive)")]
    InvalidInitialState {
        /// The path as given.
        path: String,
        /// The offending value, as JSON.
        value: String,
    },
    /// The file is neither JSON form and not a valid properties file.
    #[error("Connector configuration at '{path}' is not valid: {source}")]
    Properties {
        /// The path as given.
        path: String,
        /// The properties parse error (names the line).
        #[source]
        source: PropertiesError,
    },
}

impl ConnectorFile {
    /// Reads and parses the connector file at `path` (UTF-8, or ISO-8859-1 when not UTF-8).
    pub fn load(path: &Path) -> Result<ConnectorFile, ConnectorFileError> {
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| ConnectorFileError::Io {
            path: shown.clone(),
            source,
        })?;
        ConnectorFile::parse(&properties::decode_bytes(&bytes), &shown)
    }

    /// Parses connector file text; `path` is only used in error messages.
    pub fn parse(text: &str, path: &str) -> Result<ConnectorFile, ConnectorFileError> {
        let first = serde_json::Deserializer::from_str(text)
            .into_iter::<Value>()
            .next();
        if let Some(Ok(Value::Object(object))) = first {
            if let Some(config) = scalar_map(&object) {
                return with_name(config, None, ConnectorFileFormat::JsonConfig, path);
            }
            if let Some(file) = create_request(&object, path)? {
                return Ok(file);
            }
        }
        let config = properties::parse(text).map_err(|source| ConnectorFileError::Properties {
            path: path.to_owned(),
            source,
        })?;
        with_name(config, None, ConnectorFileFormat::Properties, path)
    }
}

/// Builds the result for forms 1 and 3, where the name must be a config key.
fn with_name(
    config: BTreeMap<String, String>,
    initial_state: Option<TargetState>,
    format: ConnectorFileFormat,
    path: &str,
) -> Result<ConnectorFile, ConnectorFileError> {
    let name = config
        .get(NAME_CONFIG)
        .cloned()
        .ok_or_else(|| ConnectorFileError::MissingName {
            path: path.to_owned(),
        })?;
    Ok(ConnectorFile {
        name,
        config,
        initial_state,
        format,
    })
}

/// A JSON scalar as Jackson coerces it into a `String`; `Err` for objects and arrays.
fn scalar(value: &Value) -> Result<Option<String>, ()> {
    match value {
        Value::Null => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        Value::Bool(b) => Ok(Some(b.to_string())),
        Value::Number(n) => Ok(Some(n.to_string())),
        Value::Array(_) | Value::Object(_) => Err(()),
    }
}

/// Form 1: every value is a scalar (nulls dropped); `None` if any value is an object or array.
fn scalar_map(object: &Map<String, Value>) -> Option<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (key, value) in object {
        if let Some(text) = scalar(value).ok()? {
            out.insert(key.clone(), text);
        }
    }
    Some(out)
}

/// Form 2. `Ok(None)` when the object does not have the request's shape (fall through to form 3).
fn create_request(
    object: &Map<String, Value>,
    path: &str,
) -> Result<Option<ConnectorFile>, ConnectorFileError> {
    let Ok(name) = object.get("name").map_or(Ok(None), scalar) else {
        return Ok(None);
    };
    let mut config = match object.get("config") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(Value::Object(map)) => match scalar_map(map) {
            Some(config) => config,
            None => return Ok(None),
        },
        Some(_) => return Ok(None),
    };
    let initial_state = match object.get("initial_state") {
        None | Some(Value::Null) => None,
        Some(value) => {
            let state = value.as_str().and_then(TargetState::from_initial_state);
            Some(
                state.ok_or_else(|| ConnectorFileError::InvalidInitialState {
                    path: path.to_owned(),
                    value: value.to_string(),
                })?,
            )
        }
    };
    let name = match (name, config.get(NAME_CONFIG)) {
        (Some(name), Some(in_config)) if *in_config == name => name,
        (_, Some(_)) => {
            return Err(ConnectorFileError::NameMismatch {
                path: path.to_owned(),
            })
        }
        (Some(name), None) => {
            config.insert(NAME_CONFIG.to_owned(), name.clone());
            name
        }
        (None, None) => {
            return Err(ConnectorFileError::MissingName {
                path: path.to_owned(),
            })
        }
    };
    Ok(Some(ConnectorFile {
        name,
        config,
        initial_state,
        format: ConnectorFileFormat::JsonCreateRequest,
    }))
}
