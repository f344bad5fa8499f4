//! [`ConfigError`], the counterpart of Kafka's `ConfigException`.

use crate::types::ConfigType;

/// A configuration error. The messages are Kafka's `ConfigException` messages where Kafka has one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// `ConfigException(name, value, message)`: `Invalid value <v> for configuration <k>: <reason>`.
    ///
    /// `value` is the offending value as Kafka prints it (the raw string for parse errors, Java's
    /// `toString` of the parsed value for validator errors, `null` for a missing value).
    #[error("Invalid value {value} for configuration {name}: {reason}")]
    Invalid {
        /// The configuration name.
        name: String,
        /// The offending value, as Kafka prints it.
        value: String,
        /// Why the value is invalid.
        reason: String,
    },
    /// A required key (one without a default) is absent.
    #[error("Missing required configuration \"{0}\" which has no default value.")]
    Missing(String),
    /// A lookup of a key that the definition does not contain (`AbstractConfig.get`).
    #[error("Unknown configuration '{0}'")]
    Unknown(String),
    /// `ConfigDef.define` was called twice for one name.
    #[error("Configuration {0} is defined twice.")]
    DefinedTwice(String),
    /// Some keys name dependents that are not defined (Kafka's `ConfigDef.parse` wording, verbatim).
    #[error("Some configurations in are referred in the dependents, but not defined: {}", .0.join(","))]
    UndefinedDependents(Vec<String>),
    /// A typed getter of [`crate::ParsedConfig`] was used on a key of another type (Ferry's wording;
    /// Java would throw a `ClassCastException`).
    #[error("Configuration '{name}' is of type {actual}, not {expected}")]
    WrongType {
        /// The configuration name.
        name: String,
        /// The type(s) the getter reads, e.g. `INT` or `STRING or CLASS`.
        expected: String,
        /// The type the key is defined with.
        actual: ConfigType,
    },
    /// A free-form message (`new ConfigException(message)`).
    #[error("{0}")]
    Other(String),
}

impl ConfigError {
    /// Shorthand for [`ConfigError::Invalid`].
    pub fn invalid(
        name: impl Into<String>,
        value: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        ConfigError::Invalid {
            name: name.into(),
            value: value.into(),
            reason: reason.into(),
        }
    }

    /// The configuration name the error is about, if it is about one key.
    pub fn config_name(&self) -> Option<&str> {
        match self {
            ConfigError::Invalid { name, .. }
            | ConfigError::WrongType { name, .. }
            | ConfigError::Missing(name)
            | ConfigError::Unknown(name)
            | ConfigError::DefinedTwice(name) => Some(name),
            ConfigError::UndefinedDependents(_) | ConfigError::Other(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_use_kafka_wording() {
        assert_eq!(
            ConfigError::invalid("tasks.max", "0", "Value must be at least 1").to_string(),
            "Invalid value 0 for configuration tasks.max: Value must be at least 1"
        );
        assert_eq!(
            ConfigError::Missing("name".into()).to_string(),
            "Missing required configuration \"name\" which has no default value."
        );
        assert_eq!(
            ConfigError::Unknown("x".into()).to_string(),
            "Unknown configuration 'x'"
        );
        assert_eq!(
            ConfigError::DefinedTwice("a".into()).to_string(),
            "Configuration a is defined twice."
        );
        assert_eq!(
            ConfigError::UndefinedDependents(vec!["x".into(), "y".into()]).to_string(),
            "Some configurations in are referred in the dependents, but not defined: x,y"
        );
        assert_eq!(
            ConfigError::WrongType {
                name: "a".into(),
                expected: "INT".into(),
                actual: ConfigType::String
            }
            .to_string(),
            "Configuration 'a' is of type STRING, not INT"
        );
        assert_eq!(ConfigError::Other("boom".into()).to_string(), "boom");
    }

    #[test]
    fn config_name_is_reported() {
        assert_eq!(ConfigError::Missing("k".into()).config_name(), Some("k"));
        assert_eq!(ConfigError::invalid("k", "v", "r").config_name(), Some("k"));
        assert_eq!(ConfigError::Other("m".into()).config_name(), None);
    }
}
