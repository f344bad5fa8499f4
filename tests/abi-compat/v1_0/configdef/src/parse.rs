//! Parsing raw string values into typed [`ParsedValue`]s, as Kafka's `ConfigDef.parseType` does.

use std::fmt;

use crate::error::ConfigError;
use crate::java;
use crate::types::ConfigType;

/// What Kafka prints in place of a password (`Password.HIDDEN`).
pub const HIDDEN: &str = "[hidden]";

/// A password value. [`fmt::Debug`] and [`fmt::Display`] print `[hidden]`; use
/// [`Password::value`] to read the secret.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Password(String);

impl Password {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Password(value.into())
    }

    /// The secret itself.
    pub fn value(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(HIDDEN)
    }
}

impl fmt::Display for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(HIDDEN)
    }
}

/// A typed configuration value (the Java objects `ConfigDef.parseType` produces).
#[derive(Debug, Clone, PartialEq)]
pub enum ParsedValue {
    /// No value (a `null` default, or a value that failed to parse during validation).
    Null,
    /// A [`ConfigType::Boolean`] value.
    Boolean(bool),
    /// A [`ConfigType::String`] value (trimmed).
    String(String),
    /// A [`ConfigType::Int`] value.
    Int(i32),
    /// A [`ConfigType::Short`] value.
    Short(i16),
    /// A [`ConfigType::Long`] value.
    Long(i64),
    /// A [`ConfigType::Double`] value.
    Double(f64),
    /// A [`ConfigType::List`] value.
    List(Vec<String>),
    /// A [`ConfigType::Class`] value: the (trimmed) class name.
    Class(String),
    /// A [`ConfigType::Password`] value.
    Password(Password),
}

impl ParsedValue {
    /// The type of this value; `None` for [`ParsedValue::Null`].
    pub fn config_type(&self) -> Option<ConfigType> {
        Some(match self {
            ParsedValue::Null => return None,
            ParsedValue::Boolean(_) => ConfigType::Boolean,
            ParsedValue::String(_) => ConfigType::String,
            ParsedValue::Int(_) => ConfigType::Int,
            ParsedValue::Short(_) => ConfigType::Short,
            ParsedValue::Long(_) => ConfigType::Long,
            ParsedValue::Double(_) => ConfigType::Double,
            ParsedValue::List(_) => ConfigType::List,
            ParsedValue::Class(_) => ConfigType::Class,
            ParsedValue::Password(_) => ConfigType::Password,
        })
    }

    /// Whether this is [`ParsedValue::Null`].
    pub fn is_null(&self) -> bool {
        matches!(self, ParsedValue::Null)
    }

    /// Kafka's `ConfigDef.convertToString`: `None` for null, lists comma-joined without spaces,
    /// doubles as Java prints them (`1.0`), classes by name, passwords as `[hidden]`.
    pub fn to_config_string(&self) -> Option<String> {
        match self {
            ParsedValue::Password(_) => Some(HIDDEN.to_owned()),
            other => other.to_plain_string(),
        }
    }

    /// Like [`ParsedValue::to_config_string`] but reveals passwords (Kafka's
    /// `convertToStringMapWithPasswordValues`). Never log the result.
    pub fn to_plain_string(&self) -> Option<String> {
        Some(match self {
            ParsedValue::Null => return None,
            ParsedValue::Boolean(b) => b.to_string(),
            ParsedValue::String(s) | ParsedValue::Class(s) => s.clone(),
            ParsedValue::Int(v) => v.to_string(),
            ParsedValue::Short(v) => v.to_string(),
            ParsedValue::Long(v) => v.to_string(),
            ParsedValue::Double(v) => java::double_to_string(*v),
            ParsedValue::List(items) => items.join(","),
            ParsedValue::Password(p) => p.value().to_owned(),
        })
    }

    /// Java's `String.valueOf(value)`, as used in `Invalid value <v> ...` messages: `null`,
    /// `[a, b]` for lists, `class X` for classes, `[hidden]` for passwords.
    pub fn java_string(&self) -> String {
        match self {
            ParsedValue::Null => "null".to_owned(),
            ParsedValue::List(items) => java::list_to_string(items),
            ParsedValue::Class(name) => format!("class {name}"),
            ParsedValue::Password(_) => HIDDEN.to_owned(),
            other => other.to_plain_string().unwrap_or_default(),
        }
    }
}

/// Parses one raw value as Kafka's `ConfigDef.parseType` does.
///
/// The raw value is first trimmed with Java's `String.trim` rules. Then, per type:
/// * `BOOLEAN`: `true`/`false`, case-insensitive; otherwise `Expected value to be either true or false`.
/// * `INT`, `SHORT`, `LONG`: Java's `parseInt`/`parseShort`/`parseLong` (optional sign, decimal
///   digits, range-checked); otherwise `Not a number of type INT` (resp. `SHORT`, `LONG`).
/// * `DOUBLE`: Java's `parseDouble`; otherwise `Not a number of type DOUBLE`.
/// * `LIST`: empty string → empty list, else split on commas with surrounding whitespace removed.
/// * `STRING`, `PASSWORD`, `CLASS`: the trimmed string. An empty class name is rejected with
///   `Class  could not be found.`; whether a class exists is for the runtime to check.
///
/// Errors are [`ConfigError::Invalid`] carrying the untrimmed raw value, as Kafka prints it.
pub fn parse_value(name: &str, ty: ConfigType, raw: &str) -> Result<ParsedValue, ConfigError> {
    let trimmed = java::trim(raw);
    let not_a_number = || ConfigError::invalid(name, raw, format!("Not a number of type {ty}"));
    Ok(match ty {
        ConfigType::Boolean => {
            if java::equals_ignore_case(trimmed, "true") {
                ParsedValue::Boolean(true)
            } else if java::equals_ignore_case(trimmed, "false") {
                ParsedValue::Boolean(false)
            } else {
                return Err(ConfigError::invalid(
                    name,
                    raw,
                    "Expected value to be either true or false",
                ));
            }
        }
        ConfigType::String => ParsedValue::String(trimmed.to_owned()),
        ConfigType::Password => ParsedValue::Password(Password::new(trimmed)),
        ConfigType::Int => ParsedValue::Int(trimmed.parse().map_err(|_| not_a_number())?),
        ConfigType::Short => ParsedValue::Short(trimmed.parse().map_err(|_| not_a_number())?),
        ConfigType::Long => ParsedValue::Long(trimmed.parse().map_err(|_| not_a_number())?),
        ConfigType::Double => {
            ParsedValue::Double(java::parse_double(trimmed).ok_or_else(not_a_number)?)
        }
        ConfigType::List => ParsedValue::List(split_list(trimmed)),
        ConfigType::Class => {
            if trimmed.is_empty() {
                return Err(ConfigError::invalid(
                    name,
                    raw,
                    format!("Class {raw} could not be found."),
                ));
            }
            ParsedValue::Class(trimmed.to_owned())
        }
    })
}

/// Kafka's list parsing of an already-trimmed string: `""` → `[]`, otherwise
/// `split("\\s*,\\s*", -1)` (empty items are kept).
pub(crate) fn split_list(trimmed: &str) -> Vec<String> {
    if trimmed.is_empty() {
        return Vec::new();
    }
    let parts: Vec<&str> = trimmed.split(',').collect();
    let last = parts.len() - 1;
    parts
        .iter()
        .enumerate()
        .map(|(idx, part)| {
            let mut item = *part;
            if idx > 0 {
                item = item.trim_start_matches(java::is_regex_space);
            }
            if idx < last {
                item = item.trim_end_matches(java::is_regex_space);
            }
            item.to_owned()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(ty: ConfigType, raw: &str) -> Result<ParsedValue, ConfigError> {
        parse_value("k", ty, raw)
    }

    fn err(ty: ConfigType, raw: &str) -> String {
        parse(ty, raw).unwrap_err().to_string()
    }

    #[test]
    fn booleans() {
        for raw in ["true", "TRUE", " True ", "tRuE\n"] {
            assert_eq!(
                parse(ConfigType::Boolean, raw).unwrap(),
                ParsedValue::Boolean(true)
            );
        }
        for raw in ["false", "FALSE", "\tFalse"] {
            assert_eq!(
                parse(ConfigType::Boolean, raw).unwrap(),
                ParsedValue::Boolean(false)
            );
        }
        for raw in ["hello", "truee", "fals", "", "1", "yes"] {
            assert_eq!(
                err(ConfigType::Boolean, raw),
                format!("Invalid value {raw} for configuration k: Expected value to be either true or false")
            );
        }
    }

    #[test]
    fn ints() {
        assert_eq!(
            parse(ConfigType::Int, " 42 ").unwrap(),
            ParsedValue::Int(42)
        );
        assert_eq!(parse(ConfigType::Int, "+7").unwrap(), ParsedValue::Int(7));
        assert_eq!(
            parse(ConfigType::Int, "-2147483648").unwrap(),
            ParsedValue::Int(i32::MIN)
        );
        assert_eq!(
            parse(ConfigType::Int, "2147483647").unwrap(),
            ParsedValue::Int(i32::MAX)
        );
        for raw in [
            "hello",
            "42.5",
            "2147483648",
            "9223372036854775807",
            "",
            "1_000",
            "0x10",
            "--1",
        ] {
            assert_eq!(
                err(ConfigType::Int, raw),
                format!("Invalid value {raw} for configuration k: Not a number of type INT")
            );
        }
    }

    #[test]
    fn shorts() {
        assert_eq!(
            parse(ConfigType::Short, "-1").unwrap(),
            ParsedValue::Short(-1)
        );
        assert_eq!(
            parse(ConfigType::Short, "32767").unwrap(),
            ParsedValue::Short(i16::MAX)
        );
        assert_eq!(
            parse(ConfigType::Short, "-32768").unwrap(),
            ParsedValue::Short(i16::MIN)
        );
        for raw in ["32768", "-32769", "1.0", "abc"] {
            assert_eq!(
                err(ConfigType::Short, raw),
                format!("Invalid value {raw} for configuration k: Not a number of type SHORT")
            );
        }
    }

    #[test]
    fn longs() {
        assert_eq!(
            parse(ConfigType::Long, "60000").unwrap(),
            ParsedValue::Long(60000)
        );
        assert_eq!(
            parse(ConfigType::Long, "9223372036854775807").unwrap(),
            ParsedValue::Long(i64::MAX)
        );
        assert_eq!(
            parse(ConfigType::Long, "-1").unwrap(),
            ParsedValue::Long(-1)
        );
        for raw in ["hello", "42.5", "922337203685477580700", "1e3"] {
            assert_eq!(
                err(ConfigType::Long, raw),
                format!("Invalid value {raw} for configuration k: Not a number of type LONG")
            );
        }
    }

    #[test]
    fn doubles() {
        assert_eq!(
            parse(ConfigType::Double, "1").unwrap(),
            ParsedValue::Double(1.0)
        );
        assert_eq!(
            parse(ConfigType::Double, " -0.5 ").unwrap(),
            ParsedValue::Double(-0.5)
        );
        assert_eq!(
            parse(ConfigType::Double, "1e3").unwrap(),
            ParsedValue::Double(1000.0)
        );
        assert_eq!(
            parse(ConfigType::Double, "2.5f").unwrap(),
            ParsedValue::Double(2.5)
        );
        assert_eq!(
            parse(ConfigType::Double, "Infinity").unwrap(),
            ParsedValue::Double(f64::INFINITY)
        );
        for raw in ["hello", "", "inf", "1,5"] {
            assert_eq!(
                err(ConfigType::Double, raw),
                format!("Invalid value {raw} for configuration k: Not a number of type DOUBLE")
            );
        }
    }

    #[test]
    fn lists() {
        let list = |raw| match parse(ConfigType::List, raw).unwrap() {
            ParsedValue::List(items) => items,
            other => panic!("not a list: {other:?}"),
        };
        assert_eq!(list(""), Vec::<String>::new());
        assert_eq!(list("   "), Vec::<String>::new());
        assert_eq!(list("a"), ["a"]);
        assert_eq!(list(" a , b\t,\nc "), ["a", "b", "c"]);
        assert_eq!(list("a,,b"), ["a", "", "b"]);
        assert_eq!(list("a,"), ["a", ""]);
        assert_eq!(list(",a"), ["", "a"]);
        assert_eq!(list("a b, c d"), ["a b", "c d"]);
        // Non-breaking spaces are not `\s` in Java and survive.
        assert_eq!(list("a\u{a0},b"), ["a\u{a0}", "b"]);
    }

    #[test]
    fn strings_passwords_and_classes_are_trimmed() {
        assert_eq!(
            parse(ConfigType::String, "  hi there \n").unwrap(),
            ParsedValue::String("hi there".into())
        );
        assert_eq!(
            parse(ConfigType::String, "").unwrap(),
            ParsedValue::String(String::new())
        );
        assert_eq!(
            parse(ConfigType::Password, " s3cret ").unwrap(),
            ParsedValue::Password(Password::new("s3cret"))
        );
        assert_eq!(
            parse(ConfigType::Class, " org.example.Foo ").unwrap(),
            ParsedValue::Class("org.example.Foo".into())
        );
        assert_eq!(
            err(ConfigType::Class, " "),
            "Invalid value   for configuration k: Class   could not be found."
        );
    }

    #[test]
    fn password_is_hidden_in_debug_and_display() {
        let p = Password::new("s3cret");
        assert_eq!(format!("{p:?}"), "[hidden]");
        assert_eq!(p.to_string(), "[hidden]");
        assert_eq!(p.value(), "s3cret");
        let v = ParsedValue::Password(p);
        assert_eq!(format!("{v:?}"), "Password([hidden])");
        assert_eq!(v.to_config_string().as_deref(), Some("[hidden]"));
        assert_eq!(v.to_plain_string().as_deref(), Some("s3cret"));
        assert_eq!(v.java_string(), "[hidden]");
    }

    #[test]
    fn convert_to_string_matches_kafka() {
        let cases = [
            (ParsedValue::Boolean(true), Some("true")),
            (ParsedValue::Short(i16::MAX), Some("32767")),
            (ParsedValue::Int(i32::MAX), Some("2147483647")),
            (ParsedValue::Long(i64::MAX), Some("9223372036854775807")),
            (ParsedValue::Double(3.125), Some("3.125")),
            (ParsedValue::Double(1.0), Some("1.0")),
            (ParsedValue::String("foobar".into()), Some("foobar")),
            (
                ParsedValue::List(vec!["a".into(), "bc".into(), "d".into()]),
                Some("a,bc,d"),
            ),
            (ParsedValue::List(vec![]), Some("")),
            (
                ParsedValue::Class("org.example.Foo".into()),
                Some("org.example.Foo"),
            ),
            (ParsedValue::Null, None),
        ];
        for (value, expected) in cases {
            assert_eq!(value.to_config_string().as_deref(), expected, "{value:?}");
        }
    }

    #[test]
    fn java_string_matches_string_value_of() {
        assert_eq!(ParsedValue::Null.java_string(), "null");
        assert_eq!(ParsedValue::Int(5).java_string(), "5");
        assert_eq!(ParsedValue::Double(5.0).java_string(), "5.0");
        assert_eq!(
            ParsedValue::List(vec!["a".into(), "b".into()]).java_string(),
            "[a, b]"
        );
        assert_eq!(ParsedValue::Class("a.B".into()).java_string(), "class a.B");
    }

    #[test]
    fn config_type_of_values() {
        assert_eq!(ParsedValue::Null.config_type(), None);
        assert!(ParsedValue::Null.is_null());
        assert_eq!(ParsedValue::Short(1).config_type(), Some(ConfigType::Short));
        assert_eq!(
            ParsedValue::Password(Password::new("x")).config_type(),
            Some(ConfigType::Password)
        );
    }
}
