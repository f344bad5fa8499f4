//! [`ParsedConfig`]: the typed result of [`crate::ConfigDef::parse`] (Kafka's `AbstractConfig`
//! getters over the map `ConfigDef.parse` returns).

use std::collections::BTreeMap;
use std::fmt;

use crate::error::ConfigError;
use crate::parse::{ParsedValue, Password};
use crate::types::ConfigType;

/// Typed configuration values (defaults applied) plus the original raw properties.
///
/// Every getter fails with [`ConfigError::Unknown`] for a key the definition does not contain and
/// with [`ConfigError::WrongType`] for a key of another type; it returns `Ok(None)` for a `null`
/// value.
#[derive(Clone, PartialEq)]
pub struct ParsedConfig {
    values: BTreeMap<String, (ConfigType, ParsedValue)>,
    originals: BTreeMap<String, String>,
}

impl ParsedConfig {
    pub(crate) fn new(
        values: BTreeMap<String, (ConfigType, ParsedValue)>,
        originals: BTreeMap<String, String>,
    ) -> Self {
        ParsedConfig { values, originals }
    }

    /// The value of `key`, or `None` if the definition has no such key.
    pub fn get(&self, key: &str) -> Option<&ParsedValue> {
        self.values.get(key).map(|(_, value)| value)
    }

    /// The defined type of `key`, or `None` if the definition has no such key.
    pub fn config_type(&self, key: &str) -> Option<ConfigType> {
        self.values.get(key).map(|(ty, _)| *ty)
    }

    /// Whether the definition contains `key`.
    pub fn contains(&self, key: &str) -> bool {
        self.values.contains_key(key)
    }

    /// All defined keys and their values, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &ParsedValue)> {
        self.values
            .iter()
            .map(|(name, (_, value))| (name.as_str(), value))
    }

    /// The raw properties that were parsed (including keys the definition does not know).
    pub fn originals(&self) -> &BTreeMap<String, String> {
        &self.originals
    }

    /// A `STRING` or `CLASS` value.
    pub fn string(&self, key: &str) -> Result<Option<&str>, ConfigError> {
        match self.typed(key, &[ConfigType::String, ConfigType::Class])? {
            ParsedValue::String(s) | ParsedValue::Class(s) => Ok(Some(s)),
            _ => Ok(None),
        }
    }

    /// A `CLASS` value (the class name).
    pub fn class(&self, key: &str) -> Result<Option<&str>, ConfigError> {
        match self.typed(key, &[ConfigType::Class])? {
            ParsedValue::Class(s) => Ok(Some(s)),
            _ => Ok(None),
        }
    }

    /// An `INT` value.
    pub fn int(&self, key: &str) -> Result<Option<i32>, ConfigError> {
        match self.typed(key, &[ConfigType::Int])? {
            ParsedValue::Int(v) => Ok(Some(*v)),
            _ => Ok(None),
        }
    }

    /// A `SHORT` value.
    pub fn short(&self, key: &str) -> Result<Option<i16>, ConfigError> {
        match self.typed(key, &[ConfigType::Short])? {
            ParsedValue::Short(v) => Ok(Some(*v)),
            _ => Ok(None),
        }
    }

    /// A `LONG` value.
    pub fn long(&self, key: &str) -> Result<Option<i64>, ConfigError> {
        match self.typed(key, &[ConfigType::Long])? {
            ParsedValue::Long(v) => Ok(Some(*v)),
            _ => Ok(None),
        }
    }

    /// A `DOUBLE` value.
    pub fn double(&self, key: &str) -> Result<Option<f64>, ConfigError> {
        match self.typed(key, &[ConfigType::Double])? {
            ParsedValue::Double(v) => Ok(Some(*v)),
            _ => Ok(None),
        }
    }

    /// A `BOOLEAN` value.
    pub fn boolean(&self, key: &str) -> Result<Option<bool>, ConfigError> {
        match self.typed(key, &[ConfigType::Boolean])? {
            ParsedValue::Boolean(v) => Ok(Some(*v)),
            _ => Ok(None),
        }
    }

    /// A `LIST` value.
    pub fn list(&self, key: &str) -> Result<Option<&[String]>, ConfigError> {
        match self.typed(key, &[ConfigType::List])? {
            ParsedValue::List(items) => Ok(Some(items)),
            _ => Ok(None),
        }
    }

    /// A `PASSWORD` value.
    pub fn password(&self, key: &str) -> Result<Option<&Password>, ConfigError> {
        match self.typed(key, &[ConfigType::Password])? {
            ParsedValue::Password(p) => Ok(Some(p)),
            _ => Ok(None),
        }
    }

    fn typed(&self, key: &str, accepted: &[ConfigType]) -> Result<&ParsedValue, ConfigError> {
        let (ty, value) = self
            .values
            .get(key)
            .ok_or_else(|| ConfigError::Unknown(key.to_owned()))?;
        if accepted.contains(ty) {
            Ok(value)
        } else {
            let expected: Vec<&str> = accepted.iter().map(|t| t.name()).collect();
            Err(ConfigError::WrongType {
                name: key.to_owned(),
                expected: expected.join(" or "),
                actual: *ty,
            })
        }
    }
}

impl fmt::Debug for ParsedConfig {
    /// Prints the typed values (passwords hidden) and only the names of the originals, whose raw
    /// strings may hold secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedConfig")
            .field("values", &self.values)
            .field("originals", &self.originals.keys().collect::<Vec<_>>())
            .finish()
    }
}
