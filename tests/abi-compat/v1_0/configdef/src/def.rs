//! [`ConfigDef`]: an ordered set of [`ConfigKey`]s with Kafka's `parse` and `validate`.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ConfigError;
use crate::key::ConfigKey;
use crate::parse::{parse_value, ParsedValue};
use crate::parsed::ParsedConfig;
use crate::validator::Validator;
use crate::value::ConfigValue;

/// A configuration definition (Kafka's `ConfigDef`): keys in definition order.
///
/// ```
/// use std::collections::BTreeMap;
/// use ferry_configdef::{ConfigDef, ConfigKey, ConfigType, Validator};
///
/// let def = ConfigDef::new()
///     .define(ConfigKey::new("name", ConfigType::String)
///         .validator(Validator::NonEmptyStringWithoutControlChars))
///     .define(ConfigKey::new("tasks.max", ConfigType::Int)
///         .default_value("1")
///         .validator(Validator::at_least(1)));
/// let props = BTreeMap::from([("name".to_owned(), "sink".to_owned())]);
/// let parsed = def.parse(&props).unwrap();
/// assert_eq!(parsed.int("tasks.max").unwrap(), Some(1));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConfigDef {
    keys: Vec<ConfigKey>,
}

impl ConfigDef {
    /// An empty definition.
    pub fn new() -> Self {
        ConfigDef::default()
    }

    /// Adds `key`. Kafka throws `Configuration <name> is defined twice.` on a duplicate; this
    /// keeps the first definition and ignores `key` (use [`ConfigDef::try_define`] to get the
    /// error). The default is not checked here; see [`ConfigDef::try_define`].
    pub fn define(mut self, key: ConfigKey) -> Self {
        if !self.contains(&key.name) {
            self.keys.push(key);
        }
        self
    }

    /// Adds `key` with Kafka's definition-time checks: [`ConfigError::DefinedTwice`] for a
    /// duplicate name, and the errors of [`ConfigKey::check`] (unparsable default, default
    /// rejected by the validator).
    pub fn try_define(mut self, key: ConfigKey) -> Result<Self, ConfigError> {
        if self.contains(&key.name) {
            return Err(ConfigError::DefinedTwice(key.name));
        }
        key.check()?;
        self.keys.push(key);
        Ok(self)
    }

    /// The keys, in definition order.
    pub fn keys(&self) -> &[ConfigKey] {
        &self.keys
    }

    /// The key named `name`.
    pub fn key(&self, name: &str) -> Option<&ConfigKey> {
        self.keys.iter().find(|k| k.name == name)
    }

    /// Whether a key named `name` is defined.
    pub fn contains(&self, name: &str) -> bool {
        self.key(name).is_some()
    }

    /// The key names, in definition order (`ConfigDef.names`).
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|k| k.name.as_str())
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether no key is defined.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The groups, in order of first use (`ConfigDef.groups`).
    pub fn groups(&self) -> Vec<&str> {
        let mut groups: Vec<&str> = Vec::new();
        for group in self.keys.iter().filter_map(|k| k.group.as_deref()) {
            if !groups.contains(&group) {
                groups.push(group);
            }
        }
        groups
    }

    /// Appends the keys of `other` that are not defined here (as Connect combines a plugin's
    /// `config()` with the framework keys).
    pub fn merge(mut self, other: &ConfigDef) -> Self {
        for key in &other.keys {
            self = self.define(key.clone());
        }
        self
    }

    /// Kafka's `ConfigDef.embed`: adds every key of `child`, in [`ConfigDef::sorted_keys`] order,
    /// named `key_prefix + name`, grouped `group_prefix` (or `group_prefix: <child group>`),
    /// ordered from `starting_order` up, with prefixed dependents and a validator that reports the
    /// un-prefixed name ([`Validator::Embedded`]). Duplicates are skipped as in
    /// [`ConfigDef::define`].
    pub fn embed(
        mut self,
        key_prefix: &str,
        group_prefix: &str,
        starting_order: i32,
        child: &ConfigDef,
    ) -> Self {
        for (order, key) in (starting_order..).zip(child.sorted_keys()) {
            let mut embedded = key.clone();
            embedded.name = format!("{key_prefix}{}", key.name);
            embedded.validator = key.validator.clone().map(|validator| Validator::Embedded {
                prefix: key_prefix.to_owned(),
                validator: Box::new(validator),
            });
            embedded.group = Some(match &key.group {
                Some(group) => format!("{group_prefix}: {group}"),
                None => group_prefix.to_owned(),
            });
            embedded.order_in_group = order;
            embedded.dependents = key
                .dependents
                .iter()
                .map(|d| format!("{key_prefix}{d}"))
                .collect();
            self = self.define(embedded);
        }
        self
    }

    /// The keys in Kafka's "natural" documentation order: required keys first, then by
    /// importance (high first), then by name.
    pub fn sorted_keys(&self) -> Vec<&ConfigKey> {
        let mut keys: Vec<&ConfigKey> = self.keys.iter().collect();
        keys.sort_by(|a, b| {
            a.has_default()
                .cmp(&b.has_default())
                .then(a.importance.cmp(&b.importance))
                .then_with(|| a.name.cmp(&b.name))
        });
        keys
    }

    /// Dependents named by some key but not defined, in order of first mention.
    pub fn undefined_dependents(&self) -> Vec<String> {
        let mut undefined: Vec<String> = Vec::new();
        for dependent in self.keys.iter().flat_map(|k| &k.dependents) {
            if !self.contains(dependent) && !undefined.contains(dependent) {
                undefined.push(dependent.clone());
            }
        }
        undefined
    }

    /// Kafka's `ConfigDef.validateAll`: one [`ConfigValue`] per defined key, in definition order,
    /// followed by one invisible entry per undefined dependent (error
    /// `<name> is referred in the dependents, but not defined.`).
    ///
    /// Each key's value is parsed (or defaulted) and validated; errors are the parse error, the
    /// missing-required message and the validator's message. As in Kafka, a value that failed to
    /// parse (or is missing) is validated as null, so e.g. a `Range` adds
    /// `Value must be non-null`, and a key reached through several parents' dependents is
    /// checked (and reports its errors) once per path.
    pub fn validate(&self, props: &BTreeMap<String, String>) -> Vec<ConfigValue> {
        let mut walk = ValidationWalk {
            def: self,
            props,
            index: self.index(),
            values: self
                .keys
                .iter()
                .map(|k| ConfigValue::new(&k.name))
                .collect(),
            visited: vec![false; self.keys.len()],
            path: Vec::new(),
        };
        let with_parent: HashSet<&str> = self
            .keys
            .iter()
            .flat_map(|k| k.dependents.iter().map(String::as_str))
            .collect();
        for (idx, key) in self.keys.iter().enumerate() {
            if !with_parent.contains(key.name.as_str()) {
                walk.visit(idx);
            }
        }
        // Keys reachable only through a dependency cycle have no root; Kafka leaves them
        // unchecked, Ferry checks them once.
        for idx in 0..self.keys.len() {
            if !walk.visited[idx] {
                walk.visit(idx);
            }
        }
        let mut values = walk.values;
        for name in self.undefined_dependents() {
            let mut value = ConfigValue::new(&name);
            value.add_error(format!(
                "{name} is referred in the dependents, but not defined."
            ));
            value.visible = false;
            values.push(value);
        }
        values
    }

    /// Kafka's `ConfigDef.parse`: every defined key parsed (or defaulted) and validated, in
    /// definition order; the first problem is returned as the error (undefined dependents,
    /// a parse error, a missing required key, a validator error).
    pub fn parse(&self, props: &BTreeMap<String, String>) -> Result<ParsedConfig, ConfigError> {
        let undefined = self.undefined_dependents();
        if !undefined.is_empty() {
            return Err(ConfigError::UndefinedDependents(undefined));
        }
        let mut values = BTreeMap::new();
        for key in &self.keys {
            let value = match props.get(&key.name) {
                Some(raw) => parse_value(&key.name, key.ty, raw)?,
                None => key
                    .parsed_default()?
                    .ok_or_else(|| ConfigError::Missing(key.name.clone()))?,
            };
            if let Some(validator) = &key.validator {
                validator.ensure_valid(&key.name, &value)?;
            }
            values.entry(key.name.clone()).or_insert((key.ty, value));
        }
        Ok(ParsedConfig::new(values, props.clone()))
    }

    /// The REST `GET /connector-plugins/{plugin}/config` entries: one `ConfigKeyInfo` JSON object
    /// per key, in definition order (see [`ConfigKey::key_info`]).
    pub fn key_infos(&self) -> Vec<Value> {
        self.keys.iter().map(ConfigKey::key_info).collect()
    }

    fn index(&self) -> HashMap<&str, usize> {
        let mut index = HashMap::with_capacity(self.keys.len());
        for (idx, key) in self.keys.iter().enumerate() {
            index.entry(key.name.as_str()).or_insert(idx);
        }
        index
    }
}

/// The depth-first walk of `ConfigDef.parseForValidate`, from each root through its dependents.
struct ValidationWalk<'a> {
    def: &'a ConfigDef,
    props: &'a BTreeMap<String, String>,
    index: HashMap<&'a str, usize>,
    values: Vec<ConfigValue>,
    visited: Vec<bool>,
    path: Vec<usize>,
}

impl ValidationWalk<'_> {
    fn visit(&mut self, idx: usize) {
        if self.path.contains(&idx) {
            // A dependency cycle: Kafka would recurse forever.
            return;
        }
        self.visited[idx] = true;
        let key = &self.def.keys[idx];
        let config = &mut self.values[idx];
        let value = match self.props.get(&key.name) {
            Some(raw) => parse_value(&key.name, key.ty, raw).unwrap_or_else(|e| {
                config.add_error(e.to_string());
                ParsedValue::Null
            }),
            None => match key.parsed_default() {
                Ok(Some(default)) => default,
                Ok(None) => {
                    config.add_error(ConfigError::Missing(key.name.clone()).to_string());
                    ParsedValue::Null
                }
                Err(e) => {
                    config.add_error(e.to_string());
                    ParsedValue::Null
                }
            },
        };
        if let Some(validator) = &key.validator {
            if let Err(e) = validator.ensure_valid(&key.name, &value) {
                config.add_error(e.to_string());
            }
        }
        config.value = value.to_plain_string();
        self.path.push(idx);
        for dependent in &key.dependents {
            if let Some(&dep_idx) = self.index.get(dependent.as_str()) {
                self.visit(dep_idx);
            }
        }
        self.path.pop();
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::types::{ConfigType, Importance, Width};

    fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// The framework keys of `ConnectorConfig.configDef()` that this crate can express.
    fn connector_def() -> ConfigDef {
        ConfigDef::new()
            .define(
                ConfigKey::new("name", ConfigType::String)
                    .validator(Validator::NonEmptyStringWithoutControlChars)
                    .importance(Importance::High)
                    .doc("Globally unique name to use for this connector.")
                    .group("Common", 1)
                    .width(Width::Medium)
                    .display_name("Connector name"),
            )
            .define(
                ConfigKey::new("connector.class", ConfigType::String)
                    .importance(Importance::High)
                    .group("Common", 2)
                    .width(Width::Long)
                    .display_name("Connector class"),
            )
            .define(
                ConfigKey::new("tasks.max", ConfigType::Int)
                    .default_value("1")
                    .validator(Validator::at_least(1))
                    .importance(Importance::High)
                    .group("Common", 3)
                    .width(Width::Short)
                    .display_name("Tasks max"),
            )
            .define(
                ConfigKey::new("key.converter", ConfigType::Class)
                    .default_null()
                    .importance(Importance::Low)
                    .group("Common", 5),
            )
            .define(
                ConfigKey::new("transforms", ConfigType::List)
                    .default_value("")
                    .validator(Validator::composite(vec![
                        Validator::NonNull,
                        Validator::UniqueAliases {
                            description: "unique transformation aliases".into(),
                        },
                    ]))
                    .importance(Importance::Low)
                    .group("Transforms", 8)
                    .width(Width::Long),
            )
            .define(
                ConfigKey::new("errors.tolerance", ConfigType::String)
                    .default_value("none")
                    .validator(Validator::valid_string(&["none", "all"]))
                    .group("Error Handling", 3)
                    .width(Width::Short),
            )
            .define(
                ConfigKey::new("errors.retry.timeout", ConfigType::Long)
                    .default_value("0")
                    .group("Error Handling", 1),
            )
    }

    fn by_name<'a>(values: &'a [ConfigValue], name: &str) -> &'a ConfigValue {
        values.iter().find(|v| v.name == name).unwrap()
    }

    #[test]
    fn define_keeps_first_and_try_define_reports_duplicates() {
        let def = ConfigDef::new()
            .define(ConfigKey::new("a", ConfigType::Int))
            .define(ConfigKey::new("a", ConfigType::String));
        assert_eq!(def.len(), 1);
        assert_eq!(def.key("a").unwrap().ty, ConfigType::Int);
        let err = def
            .try_define(ConfigKey::new("a", ConfigType::Int))
            .unwrap_err();
        assert_eq!(err.to_string(), "Configuration a is defined twice.");
        let err = ConfigDef::new()
            .try_define(
                ConfigKey::new("name", ConfigType::Int)
                    .default_value("-1")
                    .validator(Validator::between(0, 10)),
            )
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "Invalid value -1 for configuration name: Value must be at least 0"
        );
        let def = ConfigDef::new()
            .try_define(ConfigKey::new("b", ConfigType::Int))
            .unwrap();
        assert!(def.contains("b"));
        assert!(!def.is_empty());
    }

    #[test]
    fn keys_names_and_groups_keep_definition_order() {
        let def = connector_def();
        let names: Vec<&str> = def.names().collect();
        assert_eq!(
            names,
            [
                "name",
                "connector.class",
                "tasks.max",
                "key.converter",
                "transforms",
                "errors.tolerance",
                "errors.retry.timeout"
            ]
        );
        assert_eq!(def.keys().len(), 7);
        assert_eq!(def.groups(), ["Common", "Transforms", "Error Handling"]);
        assert!(def.key("nope").is_none());
    }

    #[test]
    fn group_inference_follows_first_use() {
        let def = ConfigDef::new()
            .define(ConfigKey::new("a", ConfigType::Int).group("group2", 1))
            .define(ConfigKey::new("b", ConfigType::Int).group("group2", 2))
            .define(ConfigKey::new("c", ConfigType::Int).group("group1", 2));
        assert_eq!(def.groups(), ["group2", "group1"]);
    }

    #[test]
    fn validate_valid_config() {
        let values = connector_def().validate(&props(&[
            ("name", "my-sink"),
            ("connector.class", "FileStreamSink"),
            ("tasks.max", " 3 "),
            ("transforms", "a, b"),
            ("unknown.key", "ignored"),
        ]));
        assert_eq!(values.len(), 7);
        assert!(
            values.iter().all(|v| v.errors.is_empty() && v.visible),
            "{values:?}"
        );
        assert_eq!(by_name(&values, "tasks.max").value.as_deref(), Some("3"));
        assert_eq!(by_name(&values, "transforms").value.as_deref(), Some("a,b"));
        assert_eq!(by_name(&values, "key.converter").value, None);
        assert_eq!(
            by_name(&values, "errors.tolerance").value.as_deref(),
            Some("none")
        );
        assert_eq!(
            by_name(&values, "errors.retry.timeout").value.as_deref(),
            Some("0")
        );
        let order: Vec<&str> = values.iter().map(|v| v.name.as_str()).collect();
        let def = connector_def();
        let expected: Vec<&str> = def.names().collect();
        assert_eq!(order, expected);
    }

    #[test]
    fn validate_missing_and_invalid() {
        let values = connector_def().validate(&props(&[
            ("name", "bad\nname"),
            ("tasks.max", "abc"),
            ("transforms", "x,x"),
            ("errors.tolerance", "some"),
        ]));
        assert_eq!(
            by_name(&values, "name").errors,
            ["Invalid value bad\nname for configuration name: String may not contain control sequences but had the following ASCII chars: 10"]
        );
        assert_eq!(
            by_name(&values, "connector.class").errors,
            ["Missing required configuration \"connector.class\" which has no default value."]
        );
        assert_eq!(by_name(&values, "connector.class").value, None);
        // A parse failure leaves a null value, which the range validator then rejects too.
        assert_eq!(
            by_name(&values, "tasks.max").errors,
            [
                "Invalid value abc for configuration tasks.max: Not a number of type INT",
                "Invalid value null for configuration tasks.max: Value must be non-null"
            ]
        );
        assert_eq!(by_name(&values, "tasks.max").value, None);
        assert_eq!(
            by_name(&values, "transforms").errors,
            ["Invalid value [x, x] for configuration transforms: Duplicate alias provided."]
        );
        assert_eq!(by_name(&values, "transforms").value.as_deref(), Some("x,x"));
        assert_eq!(
            by_name(&values, "errors.tolerance").errors,
            ["Invalid value some for configuration errors.tolerance: String must be one of: none, all"]
        );
        assert!(by_name(&values, "key.converter").errors.is_empty());
    }

    #[test]
    fn validate_range_violation() {
        let values = connector_def().validate(&props(&[
            ("name", "n"),
            ("connector.class", "C"),
            ("tasks.max", "0"),
        ]));
        assert_eq!(
            by_name(&values, "tasks.max").errors,
            ["Invalid value 0 for configuration tasks.max: Value must be at least 1"]
        );
        assert_eq!(by_name(&values, "tasks.max").value.as_deref(), Some("0"));
    }

    #[test]
    fn validate_follows_dependents_like_kafka() {
        // Kafka's ConfigDefTest.testParseForValidate: b is a dependent of both a and d, so its
        // missing-value error is reported twice.
        let def = ConfigDef::new()
            .define(ConfigKey::new("a", ConfigType::Int).dependents(vec!["b".into(), "c".into()]))
            .define(ConfigKey::new("b", ConfigType::Int))
            .define(ConfigKey::new("c", ConfigType::Int))
            .define(ConfigKey::new("d", ConfigType::Int).dependents(vec!["b".into()]));
        let values = def.validate(&props(&[("a", "1"), ("d", "10")]));
        let missing_b = "Missing required configuration \"b\" which has no default value.";
        let missing_c = "Missing required configuration \"c\" which has no default value.";
        assert_eq!(by_name(&values, "a").value.as_deref(), Some("1"));
        assert!(by_name(&values, "a").errors.is_empty());
        assert_eq!(by_name(&values, "b").errors, [missing_b, missing_b]);
        assert_eq!(by_name(&values, "c").errors, [missing_c]);
        assert_eq!(by_name(&values, "d").value.as_deref(), Some("10"));
    }

    #[test]
    fn validate_reports_undefined_dependents() {
        let def = ConfigDef::new()
            .define(ConfigKey::new("a", ConfigType::Int).dependents(vec!["b".into(), "d".into()]))
            .define(ConfigKey::new("b", ConfigType::Int).default_value("4"));
        let values = def.validate(&props(&[("a", "1")]));
        assert_eq!(values.len(), 3);
        let d = &values[2];
        assert_eq!(d.name, "d");
        assert_eq!(
            d.errors,
            ["d is referred in the dependents, but not defined."]
        );
        assert!(!d.visible);
        assert_eq!(d.value, None);
        assert_eq!(
            def.parse(&props(&[("a", "1")])).unwrap_err().to_string(),
            "Some configurations in are referred in the dependents, but not defined: d"
        );
    }

    #[test]
    fn validate_survives_dependency_cycles() {
        let def = ConfigDef::new()
            .define(ConfigKey::new("a", ConfigType::Int).dependents(vec!["b".into()]))
            .define(ConfigKey::new("b", ConfigType::Int).dependents(vec!["a".into()]));
        let values = def.validate(&props(&[("a", "1")]));
        assert_eq!(values[0].value.as_deref(), Some("1"));
        assert_eq!(
            values[1].errors,
            ["Missing required configuration \"b\" which has no default value."]
        );
    }

    #[test]
    fn validate_reports_an_invalid_default() {
        let def = ConfigDef::new().define(ConfigKey::new("a", ConfigType::Int).default_value("x"));
        let values = def.validate(&BTreeMap::new());
        assert_eq!(
            values[0].errors,
            ["Invalid value x for configuration a: Not a number of type INT"]
        );
    }

    #[test]
    fn validate_keeps_password_value_for_callers() {
        let def = ConfigDef::new().define(ConfigKey::new("pw", ConfigType::Password));
        let values = def.validate(&props(&[("pw", " s3cret ")]));
        assert_eq!(values[0].value.as_deref(), Some("s3cret"));
        assert_eq!(
            values[0].to_json(Some(ConfigType::Password))["value"],
            "[hidden]"
        );
    }

    #[test]
    fn parse_applies_defaults_and_types() {
        let parsed = connector_def()
            .parse(&props(&[
                ("name", " n "),
                ("connector.class", "C"),
                ("extra", "x"),
            ]))
            .unwrap();
        assert_eq!(parsed.string("name").unwrap(), Some("n"));
        assert_eq!(parsed.int("tasks.max").unwrap(), Some(1));
        assert_eq!(parsed.list("transforms").unwrap(), Some(&[][..]));
        assert_eq!(parsed.string("key.converter").unwrap(), None);
        assert_eq!(parsed.class("key.converter").unwrap(), None);
        assert_eq!(parsed.long("errors.retry.timeout").unwrap(), Some(0));
        assert_eq!(parsed.get("tasks.max"), Some(&ParsedValue::Int(1)));
        assert_eq!(parsed.get("extra"), None);
        assert_eq!(
            parsed.originals().get("extra").map(String::as_str),
            Some("x")
        );
        assert_eq!(parsed.config_type("tasks.max"), Some(ConfigType::Int));
        assert!(parsed.contains("name"));
        assert_eq!(parsed.iter().count(), 7);
    }

    #[test]
    fn parse_reports_the_first_error() {
        let def = connector_def();
        assert_eq!(
            def.parse(&props(&[("connector.class", "C")])).unwrap_err(),
            ConfigError::Missing("name".into())
        );
        assert_eq!(
            def.parse(&props(&[
                ("name", "n"),
                ("connector.class", "C"),
                ("tasks.max", "0")
            ]))
            .unwrap_err()
            .to_string(),
            "Invalid value 0 for configuration tasks.max: Value must be at least 1"
        );
        assert_eq!(
            def.parse(&props(&[
                ("name", "n"),
                ("connector.class", "C"),
                ("tasks.max", "x")
            ]))
            .unwrap_err()
            .to_string(),
            "Invalid value x for configuration tasks.max: Not a number of type INT"
        );
        let bad_default =
            ConfigDef::new().define(ConfigKey::new("a", ConfigType::Double).default_value("z"));
        assert_eq!(
            bad_default.parse(&BTreeMap::new()).unwrap_err().to_string(),
            "Invalid value z for configuration a: Not a number of type DOUBLE"
        );
    }

    #[test]
    fn parsed_getters_check_types() {
        let def = ConfigDef::new()
            .define(ConfigKey::new("b", ConfigType::Boolean).default_value("true"))
            .define(ConfigKey::new("s", ConfigType::Short).default_value("-1"))
            .define(ConfigKey::new("l", ConfigType::Long).default_value("5"))
            .define(ConfigKey::new("d", ConfigType::Double).default_value("0.5"))
            .define(ConfigKey::new("p", ConfigType::Password).default_value("pw"))
            .define(ConfigKey::new("c", ConfigType::Class).default_value("a.B"))
            .define(ConfigKey::new("i", ConfigType::Int).default_null());
        let parsed = def.parse(&BTreeMap::new()).unwrap();
        assert_eq!(parsed.boolean("b").unwrap(), Some(true));
        assert_eq!(parsed.short("s").unwrap(), Some(-1));
        assert_eq!(parsed.long("l").unwrap(), Some(5));
        assert_eq!(parsed.double("d").unwrap(), Some(0.5));
        assert_eq!(parsed.password("p").unwrap().map(|p| p.value()), Some("pw"));
        assert_eq!(parsed.string("c").unwrap(), Some("a.B"));
        assert_eq!(parsed.class("c").unwrap(), Some("a.B"));
        assert_eq!(parsed.int("i").unwrap(), None);
        assert_eq!(parsed.get("i"), Some(&ParsedValue::Null));
        assert_eq!(
            parsed.int("l").unwrap_err().to_string(),
            "Configuration 'l' is of type LONG, not INT"
        );
        assert_eq!(
            parsed.string("p").unwrap_err().to_string(),
            "Configuration 'p' is of type PASSWORD, not STRING or CLASS"
        );
        assert_eq!(
            parsed.boolean("zz").unwrap_err(),
            ConfigError::Unknown("zz".into())
        );
        let debug = format!("{parsed:?}");
        assert!(!debug.contains("pw\""), "{debug}");
        assert!(debug.contains("[hidden]"), "{debug}");
    }

    #[test]
    fn parse_does_not_leak_originals_in_debug() {
        let def = ConfigDef::new().define(ConfigKey::new("p", ConfigType::Password));
        let parsed = def.parse(&props(&[("p", "topsecret")])).unwrap();
        assert!(!format!("{parsed:?}").contains("topsecret"));
    }

    #[test]
    fn key_infos_golden() {
        let def = ConfigDef::new()
            .define(
                ConfigKey::new("name", ConfigType::String)
                    .validator(Validator::NonEmptyStringWithoutControlChars)
                    .importance(Importance::High)
                    .doc("Globally unique name to use for this connector.")
                    .group("Common", 1)
                    .width(Width::Medium)
                    .display_name("Connector name"),
            )
            .define(
                ConfigKey::new("topics", ConfigType::List)
                    .default_value(" a , b ")
                    .importance(Importance::High)
                    .dependents(vec!["name".into()]),
            )
            .define(ConfigKey::new("ratio", ConfigType::Double).default_value("2"))
            .define(ConfigKey::new("secret", ConfigType::Password).default_value("x"))
            .define(ConfigKey::new("offsets.storage.topic", ConfigType::String).default_null());
        let actual = serde_json::to_string(&def.key_infos()).unwrap();
        let expected = json!([
            {"name": "name", "type": "STRING", "required": true, "default_value": null,
             "importance": "HIGH", "documentation": "Globally unique name to use for this connector.",
             "group": "Common", "width": "MEDIUM", "display_name": "Connector name",
             "dependents": [], "order": 1},
            {"name": "topics", "type": "LIST", "required": false, "default_value": "a,b",
             "importance": "HIGH", "documentation": "", "group": null, "width": "NONE",
             "display_name": "topics", "dependents": ["name"], "order": -1},
            {"name": "ratio", "type": "DOUBLE", "required": false, "default_value": "2.0",
             "importance": "MEDIUM", "documentation": "", "group": null, "width": "NONE",
             "display_name": "ratio", "dependents": [], "order": -1},
            {"name": "secret", "type": "PASSWORD", "required": false, "default_value": "[hidden]",
             "importance": "MEDIUM", "documentation": "", "group": null, "width": "NONE",
             "display_name": "secret", "dependents": [], "order": -1},
            {"name": "offsets.storage.topic", "type": "STRING", "required": false,
             "default_value": null, "importance": "MEDIUM", "documentation": "", "group": null,
             "width": "NONE", "display_name": "offsets.storage.topic", "dependents": [],
             "order": -1}
        ]);
        // Compare text, so key order is checked too.
        assert_eq!(actual, serde_json::to_string(&expected).unwrap());
    }

    #[test]
    fn merge_appends_only_new_keys() {
        let plugin = ConfigDef::new()
            .define(ConfigKey::new("file", ConfigType::String))
            .define(ConfigKey::new("tasks.max", ConfigType::Short));
        let merged = plugin.merge(&connector_def());
        assert_eq!(merged.len(), 8);
        assert_eq!(merged.keys()[0].name, "file");
        assert_eq!(merged.key("tasks.max").unwrap().ty, ConfigType::Short);
        assert_eq!(merged.keys()[2].name, "name");
    }

    #[test]
    fn embed_prefixes_keys_groups_dependents_and_validators() {
        let child = ConfigDef::new()
            .define(
                ConfigKey::new("z.optional", ConfigType::String)
                    .default_value("v")
                    .importance(Importance::High),
            )
            .define(
                ConfigKey::new("field", ConfigType::String)
                    .validator(Validator::NonEmptyString)
                    .importance(Importance::Low)
                    .group("Inner", 9)
                    .dependents(vec!["z.optional".into()]),
            )
            .define(ConfigKey::new("a.required", ConfigType::Int).importance(Importance::High));
        let def = ConfigDef::new()
            .define(
                ConfigKey::new("transforms.x.type", ConfigType::Class).group("Transforms: x", 0),
            )
            .embed("transforms.x.", "Transforms: x", 1, &child);
        let names: Vec<&str> = def.names().collect();
        assert_eq!(
            names,
            [
                "transforms.x.type",
                "transforms.x.a.required",
                "transforms.x.field",
                "transforms.x.z.optional"
            ]
        );
        let field = def.key("transforms.x.field").unwrap();
        assert_eq!(field.group.as_deref(), Some("Transforms: x: Inner"));
        assert_eq!(field.order_in_group, 2);
        assert_eq!(field.dependents, ["transforms.x.z.optional"]);
        assert_eq!(field.display_name, "field");
        let optional = def.key("transforms.x.z.optional").unwrap();
        assert_eq!(optional.group.as_deref(), Some("Transforms: x"));
        assert_eq!(optional.order_in_group, 3);
        let values = def.validate(&props(&[
            ("transforms.x.type", "T"),
            ("transforms.x.a.required", "1"),
            ("transforms.x.field", ""),
        ]));
        assert_eq!(
            by_name(&values, "transforms.x.field").errors,
            ["Invalid value  for configuration field: String must be non-empty"]
        );
    }

    #[test]
    fn sorted_keys_put_required_then_importance_then_name() {
        let def = ConfigDef::new()
            .define(
                ConfigKey::new("b", ConfigType::Int)
                    .default_value("1")
                    .importance(Importance::High),
            )
            .define(ConfigKey::new("c", ConfigType::Int).importance(Importance::Low))
            .define(
                ConfigKey::new("a", ConfigType::Int)
                    .default_value("1")
                    .importance(Importance::Low),
            )
            .define(ConfigKey::new("d", ConfigType::Int).importance(Importance::High));
        let names: Vec<&str> = def.sorted_keys().iter().map(|k| k.name.as_str()).collect();
        assert_eq!(names, ["d", "c", "b", "a"]);
    }

    #[test]
    fn serde_round_trip() {
        let def = connector_def()
            .define(
                ConfigKey::new("secret", ConfigType::Password)
                    .default_value("pw")
                    .internal(true),
            )
            .define(
                ConfigKey::new("ratio", ConfigType::Double)
                    .default_value("0.5")
                    .validator(Validator::between(0.0, 1.0)),
            )
            .define(
                ConfigKey::new("topics.regex", ConfigType::String)
                    .default_value("")
                    .validator(Validator::ValidRegex),
            );
        let json = serde_json::to_string(&def).unwrap();
        let back: ConfigDef = serde_json::from_str(&json).unwrap();
        assert_eq!(back, def);
        let sample = props(&[("name", "n"), ("tasks.max", "0"), ("ratio", "2")]);
        assert_eq!(back.validate(&sample), def.validate(&sample));
        assert_eq!(back.key_infos(), def.key_infos());
        assert_eq!(
            serde_json::from_str::<ConfigDef>(r#"{"keys":[]}"#).unwrap(),
            ConfigDef::new()
        );
    }
}
