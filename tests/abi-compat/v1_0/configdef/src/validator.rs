//! Kafka's `ConfigDef.Validator` implementations, as serializable data.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::ConfigError;
use crate::java;
use crate::parse::ParsedValue;

/// A validator of one configuration value. Each variant reproduces a Kafka validator (its
/// `ensureValid` message and its `toString`, shown in docs as "Valid Values"), except where noted.
///
/// Validators are data so that a [`crate::ConfigDef`] can cross a plugin boundary as JSON and be
/// validated on the other side.
///
/// Unless a variant says otherwise, a null value passes (Kafka would usually throw a
/// `NullPointerException`), and a value of a type the validator does not apply to is reported as
/// invalid (Kafka would throw a `ClassCastException`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Validator {
    /// `ConfigDef.Range.atLeast(min)` / `between(min, max)` (inclusive) for numeric values:
    /// `Value must be at least <min>` / `Value must be no more than <max>`; null fails with
    /// `Value must be non-null`.
    Range {
        /// Inclusive lower bound.
        min: Option<f64>,
        /// Inclusive upper bound.
        max: Option<f64>,
    },
    /// `ConfigDef.ValidString.in(...)` (`String must be one of: a, b`) or, with
    /// `case_insensitive`, `ConfigDef.CaseInsensitiveValidString.in(...)`
    /// (`String must be one of (case insensitive): A, B`, upper-cased, in Java `HashSet` order).
    /// Null fails.
    ValidString {
        /// The accepted values.
        values: Vec<String>,
        /// Compare ignoring case.
        case_insensitive: bool,
    },
    /// `ConfigDef.ValidList.in(...)`: every list item must be one of `values` (each bad item is
    /// reported like [`Validator::ValidString`]).
    ValidList {
        /// The accepted items.
        values: Vec<String>,
    },
    /// `ConfigDef.NonEmptyString`: `String must be non-empty`.
    NonEmptyString,
    /// `ConfigDef.NonEmptyStringWithoutControlChars` (used by `name`): `String may not be empty`,
    /// or `String may not contain control sequences but had the following ASCII chars: 10, 13`.
    NonEmptyStringWithoutControlChars,
    /// `ConfigDef.NonNullValidator`: null fails with `entry must be non null`.
    NonNull,
    /// `ConfigDef.ListSize.atMostOfSize(max)`: `exceeds maximum list size of [<max>].`
    ListSize {
        /// Maximum number of items.
        max: usize,
    },
    /// `ConfigDef.CompositeValidator.of(...)`: every validator in turn; the first failure wins.
    Composite {
        /// The validators, applied in order.
        validators: Vec<Validator>,
    },
    /// Null passes, anything else must satisfy `validator` (the `LambdaValidator` idiom Connect
    /// uses for `transaction.boundary.interval.ms`).
    Optional {
        /// The validator for non-null values.
        validator: Box<Validator>,
    },
    /// What `ConfigDef.embed` wraps around an embedded key's validator: `validator` sees the key
    /// name with `prefix` removed, so messages name the un-prefixed key.
    Embedded {
        /// The key prefix to strip.
        prefix: String,
        /// The validator of the embedded key.
        validator: Box<Validator>,
    },
    /// No duplicate list items: `Duplicate alias provided.` (Connect's alias validator for
    /// `transforms`, `predicates` and `topic.creation.groups`). `description` is the `toString`,
    /// e.g. `unique transformation aliases`.
    UniqueAliases {
        /// What the list holds, shown in docs.
        description: String,
    },
    /// Connect's topic-creation replication-factor check: positive or `-1`.
    ReplicationFactor,
    /// Connect's topic-creation partition-count check: positive or `-1`.
    PartitionCount,
    /// The value (each item, for lists) must match `pattern` in full: `String must match the
    /// regular expression <pattern>`. A Ferry addition with no Kafka counterpart.
    Regex {
        /// A Rust `regex` pattern, implicitly anchored at both ends.
        pattern: String,
    },
    /// The value must compile as a regular expression: `Invalid regex: <error>` (Connect's
    /// `RegexValidator`, used by `topics.regex`). Compiled with the Rust `regex` crate, whose
    /// syntax and messages differ from `java.util.regex`.
    ValidRegex,
    /// Every list item must compile as a regular expression:
    /// `Syntax error in regular expression: <error>` (Connect's topic-creation include/exclude
    /// validator).
    ValidRegexList,
}

impl Validator {
    /// `ConfigDef.Range.atLeast(min)`.
    pub fn at_least(min: impl Into<f64>) -> Self {
        Validator::Range {
            min: Some(min.into()),
            max: None,
        }
    }

    /// `ConfigDef.Range.between(min, max)`.
    pub fn between(min: impl Into<f64>, max: impl Into<f64>) -> Self {
        Validator::Range {
            min: Some(min.into()),
            max: Some(max.into()),
        }
    }

    /// `ConfigDef.ValidString.in(values)`.
    pub fn valid_string<S: AsRef<str>>(values: &[S]) -> Self {
        Validator::ValidString {
            values: values.iter().map(|s| s.as_ref().to_owned()).collect(),
            case_insensitive: false,
        }
    }

    /// `ConfigDef.CaseInsensitiveValidString.in(values)`.
    pub fn case_insensitive_valid_string<S: AsRef<str>>(values: &[S]) -> Self {
        Validator::ValidString {
            values: values.iter().map(|s| s.as_ref().to_owned()).collect(),
            case_insensitive: true,
        }
    }

    /// `ConfigDef.ValidList.in(values)`.
    pub fn valid_list<S: AsRef<str>>(values: &[S]) -> Self {
        Validator::ValidList {
            values: values.iter().map(|s| s.as_ref().to_owned()).collect(),
        }
    }

    /// `ConfigDef.CompositeValidator.of(validators)`.
    pub fn composite(validators: Vec<Validator>) -> Self {
        Validator::Composite { validators }
    }

    /// Lets null through and applies `validator` to anything else.
    pub fn optional(validator: Validator) -> Self {
        Validator::Optional {
            validator: Box::new(validator),
        }
    }

    /// Checks `value` of the configuration `name` (Kafka's `ensureValid`).
    pub fn ensure_valid(&self, name: &str, value: &ParsedValue) -> Result<(), ConfigError> {
        let invalid = |reason: String| Err(ConfigError::invalid(name, value.java_string(), reason));
        match self {
            Validator::Range { min, max } => {
                let number = match value {
                    ParsedValue::Null => {
                        return Err(ConfigError::invalid(name, "null", "Value must be non-null"))
                    }
                    ParsedValue::Int(v) => f64::from(*v),
                    ParsedValue::Short(v) => f64::from(*v),
                    // Java compares `Number.doubleValue()`, which rounds large longs the same way.
                    ParsedValue::Long(v) => *v as f64,
                    ParsedValue::Double(v) => *v,
                    _ => return self.not_applicable(name, value),
                };
                if let Some(min) = min.filter(|min| number < *min) {
                    return invalid(format!("Value must be at least {}", format_bound(min)));
                }
                if let Some(max) = max.filter(|max| number > *max) {
                    return invalid(format!("Value must be no more than {}", format_bound(max)));
                }
                Ok(())
            }
            Validator::ValidString {
                values,
                case_insensitive,
            } => {
                let candidate = match value {
                    ParsedValue::Null => None,
                    ParsedValue::String(s) => Some(s.as_str()),
                    _ => return self.not_applicable(name, value),
                };
                if *case_insensitive {
                    let upper = upper_case_set(values);
                    match candidate {
                        Some(s) if upper.contains(&s.to_uppercase()) => Ok(()),
                        _ => invalid(format!(
                            "String must be one of (case insensitive): {}",
                            upper.join(", ")
                        )),
                    }
                } else {
                    match candidate {
                        Some(s) if values.iter().any(|v| v == s) => Ok(()),
                        _ => invalid(format!("String must be one of: {}", values.join(", "))),
                    }
                }
            }
            Validator::ValidList { values } => match value {
                ParsedValue::Null => Ok(()),
                ParsedValue::List(items) => {
                    match items.iter().find(|item| !values.contains(item)) {
                        Some(bad) => Err(ConfigError::invalid(
                            name,
                            bad.as_str(),
                            format!("String must be one of: {}", values.join(", ")),
                        )),
                        None => Ok(()),
                    }
                }
                _ => self.not_applicable(name, value),
            },
            Validator::NonEmptyString => match string_like(value) {
                Ok(Some("")) => invalid("String must be non-empty".to_owned()),
                Ok(_) => Ok(()),
                Err(()) => self.not_applicable(name, value),
            },
            Validator::NonEmptyStringWithoutControlChars => match string_like(value) {
                Ok(None) => Ok(()),
                Ok(Some("")) => invalid("String may not be empty".to_owned()),
                Ok(Some(s)) => {
                    let controls: Vec<String> = s
                        .chars()
                        .filter(|c| c.is_control())
                        .map(|c| u32::from(c).to_string())
                        .collect();
                    if controls.is_empty() {
                        Ok(())
                    } else {
                        invalid(format!(
                            "String may not contain control sequences but had the following ASCII chars: {}",
                            controls.join(", ")
                        ))
                    }
                }
                Err(()) => self.not_applicable(name, value),
            },
            Validator::NonNull => match value {
                ParsedValue::Null => {
                    Err(ConfigError::invalid(name, "null", "entry must be non null"))
                }
                _ => Ok(()),
            },
            Validator::ListSize { max } => match value {
                ParsedValue::Null => Ok(()),
                ParsedValue::List(items) if items.len() > *max => {
                    invalid(format!("exceeds maximum list size of [{max}]."))
                }
                ParsedValue::List(_) => Ok(()),
                _ => self.not_applicable(name, value),
            },
            Validator::Composite { validators } => validators
                .iter()
                .try_for_each(|validator| validator.ensure_valid(name, value)),
            Validator::Optional { validator } => match value {
                ParsedValue::Null => Ok(()),
                _ => validator.ensure_valid(name, value),
            },
            Validator::Embedded { prefix, validator } => {
                validator.ensure_valid(name.strip_prefix(prefix.as_str()).unwrap_or(name), value)
            }
            Validator::UniqueAliases { .. } => match value {
                ParsedValue::Null => Ok(()),
                ParsedValue::List(items) => {
                    let has_duplicate = items
                        .iter()
                        .enumerate()
                        .any(|(idx, item)| items[..idx].contains(item));
                    if has_duplicate {
                        invalid("Duplicate alias provided.".to_owned())
                    } else {
                        Ok(())
                    }
                }
                _ => self.not_applicable(name, value),
            },
            Validator::ReplicationFactor | Validator::PartitionCount => {
                let number = match value {
                    ParsedValue::Null => return Ok(()),
                    ParsedValue::Short(v) => i64::from(*v),
                    ParsedValue::Int(v) => i64::from(*v),
                    ParsedValue::Long(v) => *v,
                    _ => return self.not_applicable(name, value),
                };
                if number == -1 || number >= 1 {
                    Ok(())
                } else if matches!(self, Validator::ReplicationFactor) {
                    invalid("Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default".to_owned())
                } else {
                    invalid(
                        "Number of partitions must be positive, or -1 to use the broker's default"
                            .to_owned(),
                    )
                }
            }
            Validator::Regex { pattern } => {
                let anchored = format!("^(?:{pattern})$");
                let regex = ::regex::Regex::new(&anchored).map_err(|e| {
                    ConfigError::invalid(
                        name,
                        value.java_string(),
                        format!("the validator's regular expression {pattern} is invalid: {e}"),
                    )
                })?;
                let reason = || format!("String must match the regular expression {pattern}");
                match value {
                    ParsedValue::Null => Ok(()),
                    ParsedValue::List(items) => match items.iter().find(|i| !regex.is_match(i)) {
                        Some(bad) => Err(ConfigError::invalid(name, bad.as_str(), reason())),
                        None => Ok(()),
                    },
                    _ => match string_like(value) {
                        Ok(Some(s)) if !regex.is_match(s) => invalid(reason()),
                        Ok(_) => Ok(()),
                        Err(()) => self.not_applicable(name, value),
                    },
                }
            }
            Validator::ValidRegex => match value {
                ParsedValue::Null => Ok(()),
                ParsedValue::String(s) => match ::regex::Regex::new(s) {
                    Ok(_) => Ok(()),
                    Err(e) => invalid(format!("Invalid regex: {e}")),
                },
                _ => self.not_applicable(name, value),
            },
            Validator::ValidRegexList => match value {
                ParsedValue::Null => Ok(()),
                ParsedValue::List(items) => {
                    match items
                        .iter()
                        .find_map(|item| ::regex::Regex::new(item).err())
                    {
                        Some(e) => invalid(format!("Syntax error in regular expression: {e}")),
                        None => Ok(()),
                    }
                }
                _ => self.not_applicable(name, value),
            },
        }
    }

    fn not_applicable(&self, name: &str, value: &ParsedValue) -> Result<(), ConfigError> {
        let ty = value.config_type().map_or("null", |t| t.name());
        Err(ConfigError::invalid(
            name,
            value.java_string(),
            format!("the validator '{self}' does not apply to a value of type {ty}"),
        ))
    }
}

impl fmt::Display for Validator {
    /// Kafka's `toString` of the validator (the "Valid Values" column of generated docs).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Validator::Range { min, max } => match (min, max) {
                (None, None) => f.write_str("[...]"),
                (None, Some(max)) => write!(f, "[...,{}]", format_bound(*max)),
                (Some(min), None) => write!(f, "[{},...]", format_bound(*min)),
                (Some(min), Some(max)) => {
                    write!(f, "[{},...,{}]", format_bound(*min), format_bound(*max))
                }
            },
            Validator::ValidString {
                values,
                case_insensitive: false,
            }
            | Validator::ValidList { values } => write!(f, "[{}]", values.join(", ")),
            Validator::ValidString {
                values,
                case_insensitive: true,
            } => write!(f, "(case insensitive) [{}]", upper_case_set(values).join(", ")),
            Validator::NonEmptyString => f.write_str("non-empty string"),
            Validator::NonEmptyStringWithoutControlChars => {
                f.write_str("non-empty string without ISO control characters")
            }
            Validator::NonNull => f.write_str("non-null string"),
            Validator::ListSize { max } => write!(f, "List containing maximum of {max} elements"),
            Validator::Composite { validators } => {
                let parts: Vec<String> = validators.iter().map(ToString::to_string).collect();
                f.write_str(&parts.join(", "))
            }
            Validator::Optional { validator } | Validator::Embedded { validator, .. } => {
                validator.fmt(f)
            }
            Validator::UniqueAliases { description } => f.write_str(description),
            Validator::ReplicationFactor => f.write_str(
                "Positive number not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default",
            ),
            Validator::PartitionCount => {
                f.write_str("Positive number, or -1 to use the broker's default")
            }
            Validator::Regex { pattern } => write!(f, "string matching the regular expression {pattern}"),
            Validator::ValidRegex => f.write_str("valid regex"),
            Validator::ValidRegexList => f.write_str("list of valid regexes"),
        }
    }
}

/// The string inside a string-like value; `Ok(None)` for null, `Err` for other types.
fn string_like(value: &ParsedValue) -> Result<Option<&str>, ()> {
    match value {
        ParsedValue::Null => Ok(None),
        ParsedValue::String(s) | ParsedValue::Class(s) => Ok(Some(s)),
        ParsedValue::Password(p) => Ok(Some(p.value())),
        _ => Err(()),
    }
}

/// `CaseInsensitiveValidString`'s set: upper-cased values in `HashSet` iteration order.
fn upper_case_set(values: &[String]) -> Vec<String> {
    java::hash_set_order(values.iter().map(|v| v.to_uppercase()))
}

/// Prints a range bound: integral bounds as integers (as for Kafka's usual `Range.atLeast(1)`),
/// others as Java prints a `double`.
fn format_bound(bound: f64) -> String {
    if bound.fract() == 0.0 && bound.abs() < 1e18 {
        // Integral and in range: the cast is exact.
        format!("{}", bound as i64)
    } else {
        java::double_to_string(bound)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::Password;

    fn s(v: &str) -> ParsedValue {
        ParsedValue::String(v.to_owned())
    }

    fn list(items: &[&str]) -> ParsedValue {
        ParsedValue::List(items.iter().map(|i| (*i).to_owned()).collect())
    }

    fn message(validator: &Validator, value: &ParsedValue) -> String {
        validator.ensure_valid("k", value).unwrap_err().to_string()
    }

    #[test]
    fn range() {
        let v = Validator::between(0, 10);
        for ok in [0, 5, 10] {
            v.ensure_valid("k", &ParsedValue::Int(ok)).unwrap();
        }
        assert_eq!(
            message(&v, &ParsedValue::Int(-1)),
            "Invalid value -1 for configuration k: Value must be at least 0"
        );
        assert_eq!(
            message(&v, &ParsedValue::Long(11)),
            "Invalid value 11 for configuration k: Value must be no more than 10"
        );
        assert_eq!(
            message(&v, &ParsedValue::Null),
            "Invalid value null for configuration k: Value must be non-null"
        );
        assert_eq!(
            message(&Validator::at_least(1), &ParsedValue::Short(0)),
            "Invalid value 0 for configuration k: Value must be at least 1"
        );
        assert_eq!(
            message(&Validator::at_least(0.5), &ParsedValue::Double(0.25)),
            "Invalid value 0.25 for configuration k: Value must be at least 0.5"
        );
        assert_eq!(
            message(&Validator::at_least(1), &ParsedValue::Double(0.0)),
            "Invalid value 0.0 for configuration k: Value must be at least 1"
        );
        Validator::at_least(0)
            .ensure_valid("k", &ParsedValue::Long(i64::MAX))
            .unwrap();
        assert_eq!(
            message(&v, &s("x")),
            "Invalid value x for configuration k: the validator '[0,...,10]' does not apply to a value of type STRING"
        );
    }

    #[test]
    fn valid_string() {
        let v = Validator::valid_string(&["good", "values", "default"]);
        for ok in ["good", "values", "default"] {
            v.ensure_valid("k", &s(ok)).unwrap();
        }
        for bad in ["bad", "inputs", "DEFAULT"] {
            assert_eq!(
                message(&v, &s(bad)),
                format!("Invalid value {bad} for configuration k: String must be one of: good, values, default")
            );
        }
        assert_eq!(
            message(&v, &ParsedValue::Null),
            "Invalid value null for configuration k: String must be one of: good, values, default"
        );
    }

    #[test]
    fn case_insensitive_valid_string() {
        let v = Validator::case_insensitive_valid_string(&["good", "values", "default"]);
        for ok in ["gOOd", "VALUES", "default"] {
            v.ensure_valid("k", &s(ok)).unwrap();
        }
        // Upper-cased, in Java HashSet order: VALUES, GOOD, DEFAULT hash to buckets 10, 12, 14.
        assert_eq!(
            message(&v, &s("Bad")),
            "Invalid value Bad for configuration k: String must be one of (case insensitive): VALUES, GOOD, DEFAULT"
        );
        assert_eq!(
            message(&v, &ParsedValue::Null),
            "Invalid value null for configuration k: String must be one of (case insensitive): VALUES, GOOD, DEFAULT"
        );
        // Connect's exactly.once.support and transaction.boundary.
        let eos = Validator::case_insensitive_valid_string(&["requested", "required"]);
        eos.ensure_valid("exactly.once.support", &s("REQUIRED"))
            .unwrap();
        assert_eq!(eos.to_string(), "(case insensitive) [REQUIRED, REQUESTED]");
        let boundary = Validator::case_insensitive_valid_string(&["poll", "interval", "connector"]);
        assert_eq!(
            message(&boundary, &s("x")),
            "Invalid value x for configuration k: String must be one of (case insensitive): INTERVAL, POLL, CONNECTOR"
        );
    }

    #[test]
    fn valid_list() {
        let v = Validator::valid_list(&["1", "2", "3"]);
        v.ensure_valid("k", &list(&["1", "3"])).unwrap();
        v.ensure_valid("k", &list(&[])).unwrap();
        assert_eq!(
            message(&v, &list(&["1", "4", "5"])),
            "Invalid value 4 for configuration k: String must be one of: 1, 2, 3"
        );
        v.ensure_valid("k", &ParsedValue::Null).unwrap();
    }

    #[test]
    fn non_empty_string() {
        let v = Validator::NonEmptyString;
        v.ensure_valid("k", &s("a")).unwrap();
        v.ensure_valid("k", &ParsedValue::Null).unwrap();
        assert_eq!(
            message(&v, &s("")),
            "Invalid value  for configuration k: String must be non-empty"
        );
        assert_eq!(
            message(&v, &ParsedValue::Password(Password::new(""))),
            "Invalid value [hidden] for configuration k: String must be non-empty"
        );
    }

    #[test]
    fn non_empty_string_without_control_chars() {
        let v = Validator::NonEmptyStringWithoutControlChars;
        for ok in [
            "test",
            "name",
            "test/test",
            "test\u{1234}",
            "\u{1324}name\\",
            "/+%>&):??<&()?-",
            "+1",
            "\u{1F601}",
            "\u{F3B1}",
        ] {
            v.ensure_valid("k", &s(ok)).unwrap();
        }
        v.ensure_valid("k", &ParsedValue::Null).unwrap();
        assert_eq!(
            message(&v, &s("")),
            "Invalid value  for configuration k: String may not be empty"
        );
        assert_eq!(
            message(&v, &s("tes\rt\n")),
            "Invalid value tes\rt\n for configuration k: String may not contain control sequences but had the following ASCII chars: 13, 10"
        );
        for bad in [
            "as\u{1}cii control char",
            "test\u{8}test",
            "1\t2",
            "x\u{7f}",
            "x\u{85}",
        ] {
            assert!(v.ensure_valid("k", &s(bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn non_null_and_composite() {
        assert_eq!(
            message(&Validator::NonNull, &ParsedValue::Null),
            "Invalid value null for configuration k: entry must be non null"
        );
        Validator::NonNull.ensure_valid("k", &s("abb")).unwrap();
        let v = Validator::composite(vec![
            Validator::NonNull,
            Validator::valid_string(&["a", "b"]),
        ]);
        v.ensure_valid("k", &s("a")).unwrap();
        assert_eq!(
            message(&v, &ParsedValue::Null),
            "Invalid value null for configuration k: entry must be non null"
        );
        assert_eq!(
            message(&v, &s("c")),
            "Invalid value c for configuration k: String must be one of: a, b"
        );
        assert_eq!(v.to_string(), "non-null string, [a, b]");
    }

    #[test]
    fn list_size() {
        let v = Validator::ListSize { max: 1 };
        v.ensure_valid("lst", &list(&["a"])).unwrap();
        assert_eq!(
            v.ensure_valid("lst", &list(&["a", "b"]))
                .unwrap_err()
                .to_string(),
            "Invalid value [a, b] for configuration lst: exceeds maximum list size of [1]."
        );
        assert_eq!(
            Validator::ListSize { max: 5 }.to_string(),
            "List containing maximum of 5 elements"
        );
    }

    #[test]
    fn optional_and_embedded() {
        let v = Validator::optional(Validator::at_least(0));
        v.ensure_valid("k", &ParsedValue::Null).unwrap();
        assert_eq!(
            message(&v, &ParsedValue::Long(-1)),
            "Invalid value -1 for configuration k: Value must be at least 0"
        );
        assert_eq!(v.to_string(), "[0,...]");
        let e = Validator::Embedded {
            prefix: "transforms.x.".into(),
            validator: Box::new(Validator::NonEmptyString),
        };
        assert_eq!(
            e.ensure_valid("transforms.x.field", &s(""))
                .unwrap_err()
                .to_string(),
            "Invalid value  for configuration field: String must be non-empty"
        );
    }

    #[test]
    fn unique_aliases() {
        let v = Validator::UniqueAliases {
            description: "unique transformation aliases".into(),
        };
        v.ensure_valid("transforms", &list(&["a", "b"])).unwrap();
        assert_eq!(
            v.ensure_valid("transforms", &list(&["a", "b", "a"]))
                .unwrap_err()
                .to_string(),
            "Invalid value [a, b, a] for configuration transforms: Duplicate alias provided."
        );
        assert_eq!(v.to_string(), "unique transformation aliases");
    }

    #[test]
    fn topic_creation_validators() {
        let rf = Validator::ReplicationFactor;
        rf.ensure_valid("k", &ParsedValue::Short(-1)).unwrap();
        rf.ensure_valid("k", &ParsedValue::Short(3)).unwrap();
        assert_eq!(
            message(&rf, &ParsedValue::Short(0)),
            "Invalid value 0 for configuration k: Replication factor must be positive and not larger than the number of brokers in the Kafka cluster, or -1 to use the broker's default"
        );
        let partitions = Validator::PartitionCount;
        partitions.ensure_valid("k", &ParsedValue::Int(-1)).unwrap();
        assert_eq!(
            message(&partitions, &ParsedValue::Int(-2)),
            "Invalid value -2 for configuration k: Number of partitions must be positive, or -1 to use the broker's default"
        );
    }

    #[test]
    fn regex_validators() {
        let v = Validator::Regex {
            pattern: "[a-z]+".into(),
        };
        v.ensure_valid("k", &s("abc")).unwrap();
        v.ensure_valid("k", &ParsedValue::Null).unwrap();
        assert_eq!(
            message(&v, &s("abc1")),
            "Invalid value abc1 for configuration k: String must match the regular expression [a-z]+"
        );
        v.ensure_valid("k", &list(&["a", "b"])).unwrap();
        assert_eq!(
            message(&v, &list(&["a", "B"])),
            "Invalid value B for configuration k: String must match the regular expression [a-z]+"
        );
        let broken = Validator::Regex {
            pattern: "(".into(),
        };
        assert!(
            message(&broken, &s("x")).contains("the validator's regular expression ( is invalid")
        );

        Validator::ValidRegex
            .ensure_valid("topics.regex", &s(""))
            .unwrap();
        Validator::ValidRegex
            .ensure_valid("topics.regex", &s("topic-.*"))
            .unwrap();
        assert!(message(&Validator::ValidRegex, &s("(ab"))
            .starts_with("Invalid value (ab for configuration k: Invalid regex: "));
        Validator::ValidRegexList
            .ensure_valid("k", &list(&[".*", "a|b"]))
            .unwrap();
        assert!(
            message(&Validator::ValidRegexList, &list(&["ok", "("])).starts_with(
                "Invalid value [ok, (] for configuration k: Syntax error in regular expression: "
            )
        );
    }

    #[test]
    fn to_string_matches_kafka() {
        let cases = [
            (Validator::at_least(1), "[1,...]"),
            (Validator::between(0, 10), "[0,...,10]"),
            (
                Validator::Range {
                    min: None,
                    max: Some(2.5),
                },
                "[...,2.5]",
            ),
            (
                Validator::Range {
                    min: None,
                    max: None,
                },
                "[...]",
            ),
            (Validator::valid_string(&["none", "all"]), "[none, all]"),
            (Validator::valid_list(&["a", "b"]), "[a, b]"),
            (Validator::NonEmptyString, "non-empty string"),
            (
                Validator::NonEmptyStringWithoutControlChars,
                "non-empty string without ISO control characters",
            ),
            (Validator::NonNull, "non-null string"),
            (Validator::ValidRegex, "valid regex"),
        ];
        for (validator, expected) in cases {
            assert_eq!(validator.to_string(), expected);
        }
    }

    #[test]
    fn serde_round_trip_and_shape() {
        let v = Validator::composite(vec![
            Validator::NonNull,
            Validator::between(1, 10),
            Validator::case_insensitive_valid_string(&["a"]),
            Validator::optional(Validator::ValidRegex),
            Validator::Embedded {
                prefix: "p.".into(),
                validator: Box::new(Validator::ListSize { max: 3 }),
            },
        ]);
        let json = serde_json::to_value(&v).unwrap();
        assert_eq!(json["kind"], "composite");
        assert_eq!(
            json["validators"][1],
            serde_json::json!({"kind": "range", "min": 1.0, "max": 10.0})
        );
        assert_eq!(
            json["validators"][0],
            serde_json::json!({"kind": "non_null"})
        );
        let back: Validator = serde_json::from_value(json).unwrap();
        assert_eq!(back, v);
    }
}
