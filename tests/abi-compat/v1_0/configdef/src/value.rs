//! [`ConfigValue`]: the validation result for one key, and its REST `ConfigValueInfo` rendering.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::parse::HIDDEN;
use crate::types::ConfigType;

/// The validation result for one key (Kafka's `ConfigValue`).
///
/// `value` is the parsed value rendered by `ConfigDef.convertToString` (e.g. `1.0` for a double,
/// `a,b` for a list), except that a password holds its actual value: [`ConfigValue::to_json`]
/// hides it. `None` when the key is absent without default, has a `null` default, or failed to
/// parse.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigValue {
    /// The key name.
    pub name: String,
    /// The value as a string (see the type docs).
    pub value: Option<String>,
    /// Recommended values (always empty for [`crate::ConfigDef::validate`]: Ferry has no
    /// recommenders; connectors may fill it in their own validation).
    pub recommended_values: Vec<String>,
    /// Error messages, in the order they were found.
    pub errors: Vec<String>,
    /// Whether the key should be shown in a UI.
    pub visible: bool,
}

impl ConfigValue {
    /// A visible value named `name` with no value, recommendations or errors
    /// (`new ConfigValue(name)`).
    pub fn new(name: impl Into<String>) -> Self {
        ConfigValue {
            name: name.into(),
            value: None,
            recommended_values: Vec::new(),
            errors: Vec::new(),
            visible: true,
        }
    }

    /// Appends an error message (`addErrorMessage`).
    pub fn add_error(&mut self, message: impl Into<String>) {
        self.errors.push(message.into());
    }

    /// Whether any error was recorded.
    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// The REST `ConfigValueInfo` JSON object `{"name","value","recommended_values","errors",
    /// "visible"}`. `ty` is the key's type when known: for [`ConfigType::Password`] a non-null
    /// value (and every recommended value) is rendered as `[hidden]`.
    pub fn to_json(&self, ty: Option<ConfigType>) -> Value {
        let hide = ty == Some(ConfigType::Password);
        let value = match &self.value {
            Some(_) if hide => Some(HIDDEN.to_owned()),
            other => other.clone(),
        };
        let recommended: Vec<&str> = self
            .recommended_values
            .iter()
            .map(|v| if hide { HIDDEN } else { v.as_str() })
            .collect();
        json!({
            "name": self.name,
            "value": value,
            "recommended_values": recommended,
            "errors": self.errors,
            "visible": self.visible,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_value_is_empty_and_visible() {
        let mut v = ConfigValue::new("a");
        assert_eq!(v.value, None);
        assert!(v.visible);
        assert!(!v.has_errors());
        v.add_error("bad");
        assert!(v.has_errors());
        assert_eq!(v.errors, ["bad"]);
    }

    #[test]
    fn to_json_shape() {
        let v = ConfigValue {
            name: "tasks.max".into(),
            value: Some("1".into()),
            recommended_values: vec!["1".into(), "2".into()],
            errors: vec!["e".into()],
            visible: false,
        };
        let json = v.to_json(Some(ConfigType::Int));
        assert_eq!(
            serde_json::to_string(&json).unwrap(),
            r#"{"name":"tasks.max","value":"1","recommended_values":["1","2"],"errors":["e"],"visible":false}"#
        );
    }

    #[test]
    fn passwords_are_hidden() {
        let mut v = ConfigValue::new("secret");
        v.value = Some("s3cret".into());
        assert_eq!(v.to_json(Some(ConfigType::Password))["value"], "[hidden]");
        assert_eq!(v.to_json(Some(ConfigType::String))["value"], "s3cret");
        assert_eq!(v.to_json(None)["value"], "s3cret");
        v.value = None;
        assert_eq!(v.to_json(Some(ConfigType::Password))["value"], Value::Null);
    }
}
