//! [`ConfigKey`]: the definition of one configuration key, and its REST `ConfigKeyInfo` rendering.

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::error::ConfigError;
use crate::parse::{parse_value, ParsedValue};
use crate::types::{ConfigType, Importance, Width};
use crate::validator::Validator;

/// The default of a [`ConfigKey`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum DefaultValue {
    /// No default (`ConfigDef.NO_DEFAULT_VALUE`): the key is required.
    Required,
    /// A `null` default: the key is optional and reads as [`ParsedValue::Null`] when absent.
    Null,
    /// A default, written as a raw value and parsed like user input (so `"1"` for an `INT`,
    /// `"a,b"` for a `LIST`, `""` for an empty list).
    Value(String),
}

/// The definition of one configuration key (`ConfigDef.ConfigKey`), built with
/// [`ConfigKey::new`] and the builder methods.
///
/// ```
/// use ferry_configdef::{ConfigKey, ConfigType, Importance, Validator};
/// let key = ConfigKey::new("tasks.max", ConfigType::Int)
///     .default_value("1")
///     .validator(Validator::at_least(1))
///     .importance(Importance::High)
///     .doc("Maximum number of tasks to use for this connector.");
/// assert!(!key.is_required());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfigKey {
    /// The key name.
    pub name: String,
    /// The value type.
    #[serde(rename = "type")]
    pub ty: ConfigType,
    /// The default.
    pub default: DefaultValue,
    /// The validator, if any.
    #[serde(default)]
    pub validator: Option<Validator>,
    /// The importance.
    pub importance: Importance,
    /// The documentation.
    #[serde(default)]
    pub documentation: String,
    /// The group, if any.
    #[serde(default)]
    pub group: Option<String>,
    /// The order within the group; `-1` when unset.
    #[serde(default = "unset_order")]
    pub order_in_group: i32,
    /// The display width.
    pub width: Width,
    /// The display name; defaults to the name.
    pub display_name: String,
    /// Keys whose valid values or visibility depend on this one.
    #[serde(default)]
    pub dependents: Vec<String>,
    /// An internal key (`ConfigDef.defineInternal`): left out of generated docs.
    #[serde(default)]
    pub internal: bool,
}

fn unset_order() -> i32 {
    -1
}

impl ConfigKey {
    /// A required key of type `ty`: importance `MEDIUM`, width `NONE`, no documentation, no group,
    /// order `-1`, display name = `name`, no validator, no dependents, not internal.
    pub fn new(name: impl Into<String>, ty: ConfigType) -> Self {
        let name = name.into();
        ConfigKey {
            display_name: name.clone(),
            name,
            ty,
            default: DefaultValue::Required,
            validator: None,
            importance: Importance::Medium,
            documentation: String::new(),
            group: None,
            order_in_group: -1,
            width: Width::None,
            dependents: Vec::new(),
            internal: false,
        }
    }

    /// Sets a default, written as a raw value (see [`DefaultValue::Value`]).
    pub fn default_value(mut self, value: impl Into<String>) -> Self {
        self.default = DefaultValue::Value(value.into());
        self
    }

    /// Sets a `null` default: the key becomes optional.
    pub fn default_null(mut self) -> Self {
        self.default = DefaultValue::Null;
        self
    }

    /// Removes the default: the key becomes required.
    pub fn required(mut self) -> Self {
        self.default = DefaultValue::Required;
        self
    }

    /// Sets the importance.
    pub fn importance(mut self, importance: Importance) -> Self {
        self.importance = importance;
        self
    }

    /// Sets the documentation.
    pub fn doc(mut self, documentation: impl Into<String>) -> Self {
        self.documentation = documentation.into();
        self
    }

    /// Sets the group and the order within it.
    pub fn group(mut self, group: impl Into<String>, order_in_group: i32) -> Self {
        self.group = Some(group.into());
        self.order_in_group = order_in_group;
        self
    }

    /// Sets the display width.
    pub fn width(mut self, width: Width) -> Self {
        self.width = width;
        self
    }

    /// Sets the display name.
    pub fn display_name(mut self, display_name: impl Into<String>) -> Self {
        self.display_name = display_name.into();
        self
    }

    /// Sets the validator.
    pub fn validator(mut self, validator: Validator) -> Self {
        self.validator = Some(validator);
        self
    }

    /// Sets the dependents.
    pub fn dependents(mut self, dependents: Vec<String>) -> Self {
        self.dependents = dependents;
        self
    }

    /// Marks the key internal (or not).
    pub fn internal(mut self, internal: bool) -> Self {
        self.internal = internal;
        self
    }

    /// Whether the key has a default (`ConfigKey.hasDefault`; a `null` default counts).
    pub fn has_default(&self) -> bool {
        self.default != DefaultValue::Required
    }

    /// Whether the key is required (has no default).
    pub fn is_required(&self) -> bool {
        !self.has_default()
    }

    /// The parsed default: `Ok(None)` for a required key, [`ParsedValue::Null`] for a `null`
    /// default, or the parse error of an unparsable default.
    pub fn parsed_default(&self) -> Result<Option<ParsedValue>, ConfigError> {
        match &self.default {
            DefaultValue::Required => Ok(None),
            DefaultValue::Null => Ok(Some(ParsedValue::Null)),
            DefaultValue::Value(raw) => parse_value(&self.name, self.ty, raw).map(Some),
        }
    }

    /// The checks Kafka's `ConfigKey` constructor makes: the default must parse and satisfy the
    /// validator (a `null` default is validated too, as in Kafka).
    pub fn check(&self) -> Result<(), ConfigError> {
        if let (Some(default), Some(validator)) = (self.parsed_default()?, &self.validator) {
            validator.ensure_valid(&self.name, &default)?;
        }
        Ok(())
    }

    /// The default as `ConfigDef.convertToString` renders it: `None` when there is no default or
    /// the default is `null`; lists comma-joined, passwords `[hidden]`. An unparsable default is
    /// rendered as written.
    pub fn default_string(&self) -> Option<String> {
        match &self.default {
            DefaultValue::Required | DefaultValue::Null => None,
            DefaultValue::Value(raw) => match parse_value(&self.name, self.ty, raw) {
                Ok(value) => value.to_config_string(),
                Err(_) => Some(raw.clone()),
            },
        }
    }

    /// The REST `ConfigKeyInfo` JSON object for this key (`AbstractHerder.convertConfigKey`).
    pub fn key_info(&self) -> Value {
        self.key_info_with_prefix("")
    }

    /// [`ConfigKey::key_info`] with `prefix` prepended to the name (as Connect does for
    /// `key.converter.`, `producer.override.`, ... validation results).
    pub fn key_info_with_prefix(&self, prefix: &str) -> Value {
        json!({
            "name": format!("{prefix}{}", self.name),
            "type": self.ty.name(),
            "required": self.is_required(),
            "default_value": self.default_string(),
            "importance": self.importance.name(),
            "documentation": self.documentation,
            "group": self.group,
            "width": self.width.name(),
            "display_name": self.display_name,
            "dependents": self.dependents,
            "order": self.order_in_group,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_sets_kafka_like_defaults() {
        let key = ConfigKey::new("a", ConfigType::String);
        assert_eq!(key.default, DefaultValue::Required);
        assert_eq!(key.importance, Importance::Medium);
        assert_eq!(key.width, Width::None);
        assert_eq!(key.order_in_group, -1);
        assert_eq!(key.display_name, "a");
        assert_eq!(key.group, None);
        assert!(key.documentation.is_empty());
        assert!(key.is_required());
        assert!(!key.internal);
    }

    #[test]
    fn builders_set_fields() {
        let key = ConfigKey::new("a", ConfigType::Int)
            .default_value("5")
            .importance(Importance::High)
            .doc("docs")
            .group("G", 3)
            .width(Width::Short)
            .display_name("A")
            .validator(Validator::at_least(0))
            .dependents(vec!["b".into()])
            .internal(true);
        assert_eq!(key.default, DefaultValue::Value("5".into()));
        assert_eq!(key.importance, Importance::High);
        assert_eq!(key.documentation, "docs");
        assert_eq!(key.group.as_deref(), Some("G"));
        assert_eq!(key.order_in_group, 3);
        assert_eq!(key.width, Width::Short);
        assert_eq!(key.display_name, "A");
        assert_eq!(key.validator, Some(Validator::at_least(0)));
        assert_eq!(key.dependents, ["b"]);
        assert!(key.internal);
        assert!(key.has_default());
        assert!(key.clone().default_null().has_default());
        assert!(key.required().is_required());
    }

    #[test]
    fn check_parses_and_validates_the_default() {
        ConfigKey::new("a", ConfigType::Int).check().unwrap();
        ConfigKey::new("a", ConfigType::Int)
            .default_value("5")
            .check()
            .unwrap();
        assert_eq!(
            ConfigKey::new("a", ConfigType::Int)
                .default_value("x")
                .check()
                .unwrap_err()
                .to_string(),
            "Invalid value x for configuration a: Not a number of type INT"
        );
        assert_eq!(
            ConfigKey::new("name", ConfigType::Int)
                .default_value("-1")
                .validator(Validator::between(0, 10))
                .check()
                .unwrap_err()
                .to_string(),
            "Invalid value -1 for configuration name: Value must be at least 0"
        );
        assert!(ConfigKey::new("name", ConfigType::String)
            .default_value("bad")
            .validator(Validator::valid_string(&["valid", "values"]))
            .check()
            .is_err());
        // Kafka validates a null default too.
        assert_eq!(
            ConfigKey::new("a", ConfigType::Int)
                .default_null()
                .validator(Validator::at_least(0))
                .check()
                .unwrap_err()
                .to_string(),
            "Invalid value null for configuration a: Value must be non-null"
        );
        // A validator on a required key is not checked at definition time.
        ConfigKey::new("a", ConfigType::Int)
            .validator(Validator::NonNull)
            .check()
            .unwrap();
    }

    #[test]
    fn default_string_uses_convert_to_string() {
        let cases = [
            (
                ConfigKey::new("a", ConfigType::List).default_value(" x , y "),
                Some("x,y"),
            ),
            (
                ConfigKey::new("a", ConfigType::List).default_value(""),
                Some(""),
            ),
            (
                ConfigKey::new("a", ConfigType::Double).default_value("1"),
                Some("1.0"),
            ),
            (
                ConfigKey::new("a", ConfigType::Boolean).default_value("TRUE"),
                Some("true"),
            ),
            (
                ConfigKey::new("a", ConfigType::String).default_value(" s "),
                Some("s"),
            ),
            (
                ConfigKey::new("a", ConfigType::Password).default_value("pw"),
                Some("[hidden]"),
            ),
            (
                ConfigKey::new("a", ConfigType::Int).default_value("oops"),
                Some("oops"),
            ),
            (ConfigKey::new("a", ConfigType::Class).default_null(), None),
            (ConfigKey::new("a", ConfigType::String), None),
        ];
        for (key, expected) in cases {
            assert_eq!(key.default_string().as_deref(), expected, "{key:?}");
        }
    }

    #[test]
    fn key_info_with_prefix() {
        let info =
            ConfigKey::new("converter.type", ConfigType::String).key_info_with_prefix("key.");
        assert_eq!(info["name"], "key.converter.type");
        assert_eq!(info["display_name"], "converter.type");
        assert_eq!(info["required"], true);
        assert_eq!(info["default_value"], Value::Null);
        assert_eq!(info["group"], Value::Null);
        assert_eq!(info["order"], -1);
    }

    #[test]
    fn serde_round_trip_and_optional_fields() {
        let key = ConfigKey::new("a", ConfigType::Password)
            .default_value("x")
            .validator(Validator::NonEmptyString)
            .group("g", 1);
        let json = serde_json::to_value(&key).unwrap();
        assert_eq!(json["type"], "PASSWORD");
        assert_eq!(json["default"], json!({"kind": "value", "value": "x"}));
        assert_eq!(serde_json::from_value::<ConfigKey>(json).unwrap(), key);
        let minimal = json!({
            "name": "b", "type": "INT", "default": {"kind": "required"},
            "importance": "LOW", "width": "NONE", "display_name": "b"
        });
        let parsed: ConfigKey = serde_json::from_value(minimal).unwrap();
        assert_eq!(
            parsed,
            ConfigKey::new("b", ConfigType::Int).importance(Importance::Low)
        );
        assert_eq!(
            serde_json::to_value(DefaultValue::Null).unwrap(),
            json!({"kind": "null"})
        );
    }
}
