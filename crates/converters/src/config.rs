//! Typed reads of converter configuration values, with Kafka's `ConfigDef` parsing rules and
//! `ConfigException` messages.

use crate::{ConvertError, ConverterConfig};

/// A BOOLEAN key: `true`/`false`, case-insensitive, surrounding whitespace ignored.
pub(crate) fn bool_value(
    config: &ConverterConfig,
    key: &str,
    default: bool,
) -> Result<bool, ConvertError> {
    let Some(raw) = config.get(key) else {
        return Ok(default);
    };
    let trimmed = raw.trim();
    if trimmed.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if trimmed.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(invalid(
            key,
            raw,
            "Expected value to be either true or false",
        ))
    }
}

/// An INT key: a 32-bit integer, surrounding whitespace ignored.
pub(crate) fn int_value(
    config: &ConverterConfig,
    key: &str,
    default: i32,
) -> Result<i32, ConvertError> {
    let Some(raw) = config.get(key) else {
        return Ok(default);
    };
    raw.trim()
        .parse()
        .map_err(|_| invalid(key, raw, "Not a number of type INT"))
}

/// A STRING key restricted to `allowed` (compared case-insensitively); returns the index of the
/// matching allowed value.
pub(crate) fn choice_value(
    config: &ConverterConfig,
    key: &str,
    allowed: &[&str],
    default: usize,
) -> Result<usize, ConvertError> {
    let Some(raw) = config.get(key) else {
        return Ok(default);
    };
    let trimmed = raw.trim();
    allowed
        .iter()
        .position(|a| a.eq_ignore_ascii_case(trimmed))
        .ok_or_else(|| {
            let reason = format!(
                "String must be one of (case insensitive): {}",
                allowed.join(", ")
            );
            invalid(key, raw, &reason)
        })
}

/// Kafka's `ConfigException(name, value, message)`.
pub(crate) fn invalid(key: &str, value: &str, reason: &str) -> ConvertError {
    ConvertError::InvalidConfig {
        key: key.to_owned(),
        value: value.to_owned(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(pairs: &[(&str, &str)]) -> ConverterConfig {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn booleans_follow_config_def() {
        let c = config(&[("a", " TRUE "), ("b", "False"), ("c", "yes")]);
        assert!(bool_value(&c, "a", false).unwrap());
        assert!(!bool_value(&c, "b", true).unwrap());
        assert!(bool_value(&c, "missing", true).unwrap());
        assert_eq!(
            bool_value(&c, "c", true).unwrap_err().to_string(),
            "Invalid value yes for configuration c: Expected value to be either true or false"
        );
    }

    #[test]
    fn ints_follow_config_def() {
        let c = config(&[("a", " 12 "), ("b", "1.5"), ("c", "99999999999")]);
        assert_eq!(int_value(&c, "a", 0).unwrap(), 12);
        assert_eq!(int_value(&c, "missing", 7).unwrap(), 7);
        assert_eq!(
            int_value(&c, "b", 0).unwrap_err().to_string(),
            "Invalid value 1.5 for configuration b: Not a number of type INT"
        );
        assert!(int_value(&c, "c", 0).is_err());
    }

    #[test]
    fn choices_are_case_insensitive() {
        let c = config(&[("f", "numeric"), ("g", "hex")]);
        assert_eq!(choice_value(&c, "f", &["BASE64", "NUMERIC"], 0).unwrap(), 1);
        assert_eq!(
            choice_value(&c, "missing", &["BASE64", "NUMERIC"], 0).unwrap(),
            0
        );
        assert_eq!(
            choice_value(&c, "g", &["BASE64", "NUMERIC"], 0).unwrap_err().to_string(),
            "Invalid value hex for configuration g: String must be one of (case insensitive): BASE64, NUMERIC"
        );
    }
}
