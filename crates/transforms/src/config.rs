//! Configuration of one transformation or predicate: its `ConfigDef`, the checks Kafka performs
//! with validators that `ferry_configdef::Validator` cannot express (lambda validators and
//! `NonEmptyListValidator`), and parsing (Kafka's `SimpleConfig`).

use std::collections::BTreeMap;

use ferry_configdef::{
    parse_value, ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, ParsedConfig,
    ParsedValue,
};

use crate::util::{java_split, java_trim};

/// A validator of Kafka's transforms that is not a `ferry_configdef::Validator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    /// `NonEmptyListValidator`: `Empty list` for a null or empty list.
    NonEmptyList,
    /// Cast's `spec` lambda validator (`parseFieldTypes`).
    CastSpec,
    /// ReplaceField's `renames` lambda validator (`parseRenameMappings`).
    RenameMappings,
}

impl Check {
    /// `ensureValid(name, value)`.
    pub(crate) fn ensure_valid(self, name: &str, value: &ParsedValue) -> Result<(), ConfigError> {
        match self {
            Check::NonEmptyList => match value {
                ParsedValue::List(items) if !items.is_empty() => Ok(()),
                other => Err(ConfigError::invalid(
                    name,
                    other.java_string(),
                    "Empty list",
                )),
            },
            Check::CastSpec => match value {
                ParsedValue::List(items) if !items.is_empty() => {
                    crate::smt::cast::parse_field_types(items).map(|_| ())
                }
                _ => Err(ConfigError::Other(
                    "Must specify at least one field to cast.".to_owned(),
                )),
            },
            Check::RenameMappings => match value {
                ParsedValue::List(items) => parse_rename_mappings(items).map(|_| ()),
                _ => Ok(()),
            },
        }
    }
}

/// ReplaceField's `parseRenameMappings`: `old:new` pairs.
pub(crate) fn parse_rename_mappings(
    mappings: &[String],
) -> Result<Vec<(String, String)>, ConfigError> {
    let mut out: Vec<(String, String)> = Vec::new();
    for mapping in mappings {
        let parts = java_split(mapping, ':');
        if parts.len() != 2 {
            return Err(ConfigError::invalid(
                "renames",
                java_list(mappings),
                format!("Invalid rename mapping: {mapping}"),
            ));
        }
        out.retain(|(old, _)| old != parts[0]);
        out.push((parts[0].to_owned(), parts[1].to_owned()));
    }
    Ok(out)
}

/// Java's `List.toString()`: `[a, b]`.
pub(crate) fn java_list(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

/// Kafka's `SimpleConfig(def, props)`: every key of `def` parsed (or defaulted) and validated in
/// definition order, with `checks` (named by un-prefixed key; `prefix` is the embedding prefix,
/// empty for a plain config) applied after each key's own validator. The first problem is the
/// error.
pub(crate) fn parse(
    def: &ConfigDef,
    checks: &[(&str, Check)],
    prefix: &str,
    props: &BTreeMap<String, String>,
) -> Result<ParsedConfig, ConfigError> {
    for key in def.keys() {
        let value = match props.get(&key.name) {
            Some(raw) => parse_value(&key.name, key.ty, raw)?,
            None => key
                .parsed_default()?
                .ok_or_else(|| ConfigError::Missing(key.name.clone()))?,
        };
        if let Some(validator) = &key.validator {
            validator.ensure_valid(&key.name, &value)?;
        }
        let bare = key.name.strip_prefix(prefix).unwrap_or(&key.name);
        for (_, check) in checks.iter().filter(|(name, _)| *name == bare) {
            check.ensure_valid(bare, &value)?;
        }
    }
    def.parse(props)
}

/// The common `replace.null.with.default` key (BOOLEAN, default true, MEDIUM).
pub(crate) fn replace_null_with_default_key() -> ConfigKey {
    ConfigKey::new(REPLACE_NULL_WITH_DEFAULT, ConfigType::Boolean)
        .default_value("true")
        .importance(Importance::Medium)
        .doc("Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.")
}

/// `replace.null.with.default`.
pub(crate) const REPLACE_NULL_WITH_DEFAULT: &str = "replace.null.with.default";

/// Typed getters that cannot fail on a config produced by [`parse`] with the matching def
/// (a failure would be a programming error; it is reported as a `ConfigError` anyway).
pub(crate) trait Getters {
    fn req_string(&self, key: &str) -> Result<String, ConfigError>;
    fn opt_string(&self, key: &str) -> Result<Option<String>, ConfigError>;
    fn req_list(&self, key: &str) -> Result<Vec<String>, ConfigError>;
    fn req_bool(&self, key: &str) -> Result<bool, ConfigError>;
}

impl Getters for ParsedConfig {
    fn req_string(&self, key: &str) -> Result<String, ConfigError> {
        self.string(key)?
            .map(str::to_owned)
            .ok_or_else(|| ConfigError::Missing(key.to_owned()))
    }
    fn opt_string(&self, key: &str) -> Result<Option<String>, ConfigError> {
        Ok(self.string(key)?.map(str::to_owned))
    }
    fn req_list(&self, key: &str) -> Result<Vec<String>, ConfigError> {
        Ok(self.list(key)?.map(<[String]>::to_vec).unwrap_or_default())
    }
    fn req_bool(&self, key: &str) -> Result<bool, ConfigError> {
        self.boolean(key)?
            .ok_or_else(|| ConfigError::Missing(key.to_owned()))
    }
}

/// Java's `Utils.isBlank`.
pub(crate) fn is_blank(s: &str) -> bool {
    java_trim(s).is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rename_mappings() {
        let ok = parse_rename_mappings(&["a:b".into(), "c:d".into()]).unwrap();
        assert_eq!(ok, [("a".into(), "b".into()), ("c".into(), "d".into())]);
        assert_eq!(
            parse_rename_mappings(&["a:b".into(), "c".into()])
                .unwrap_err()
                .to_string(),
            "Invalid value [a:b, c] for configuration renames: Invalid rename mapping: c"
        );
    }

    #[test]
    fn non_empty_list() {
        assert_eq!(
            Check::NonEmptyList
                .ensure_valid("fields", &ParsedValue::List(vec![]))
                .unwrap_err()
                .to_string(),
            "Invalid value [] for configuration fields: Empty list"
        );
        assert_eq!(
            Check::NonEmptyList
                .ensure_valid("fields", &ParsedValue::Null)
                .unwrap_err()
                .to_string(),
            "Invalid value null for configuration fields: Empty list"
        );
    }
}
