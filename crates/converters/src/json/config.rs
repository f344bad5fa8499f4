//! `JsonConverterConfig`: the JsonConverter's configuration keys.

use crate::{config, ConvertError, ConverterConfig};

/// `schemas.enable` (BOOLEAN, default true).
pub(crate) const SCHEMAS_ENABLE: &str = "schemas.enable";
/// `schemas.cache.size` (INT, default 1000).
pub(crate) const SCHEMAS_CACHE_SIZE: &str = "schemas.cache.size";
/// `decimal.format` (BASE64 | NUMERIC, case-insensitive, default BASE64).
pub(crate) const DECIMAL_FORMAT: &str = "decimal.format";
/// `replace.null.with.default` (BOOLEAN, default true).
pub(crate) const REPLACE_NULL_WITH_DEFAULT: &str = "replace.null.with.default";

/// How the JsonConverter writes `Decimal` values (`decimal.format`); it reads both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DecimalFormat {
    /// Base64 of the big-endian two's-complement unscaled value (`"AJw="`).
    #[default]
    Base64,
    /// A JSON number (`1.56`).
    Numeric,
}

/// The parsed configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct JsonConfig {
    pub(crate) schemas_enable: bool,
    pub(crate) cache_size: usize,
    pub(crate) decimal_format: DecimalFormat,
    pub(crate) replace_null_with_default: bool,
}

impl Default for JsonConfig {
    fn default() -> Self {
        JsonConfig {
            schemas_enable: true,
            cache_size: 1000,
            decimal_format: DecimalFormat::Base64,
            replace_null_with_default: true,
        }
    }
}

impl JsonConfig {
    pub(crate) fn parse(map: &ConverterConfig) -> Result<Self, ConvertError> {
        let defaults = JsonConfig::default();
        let cache_size = config::int_value(map, SCHEMAS_CACHE_SIZE, 1000)?;
        let cache_size = usize::try_from(cache_size).map_err(|_| {
            let raw = map.get(SCHEMAS_CACHE_SIZE).map_or("", String::as_str);
            config::invalid(SCHEMAS_CACHE_SIZE, raw, "Value must be at least 0")
        })?;
        let format = config::choice_value(map, DECIMAL_FORMAT, &["BASE64", "NUMERIC"], 0)?;
        Ok(JsonConfig {
            schemas_enable: config::bool_value(map, SCHEMAS_ENABLE, defaults.schemas_enable)?,
            cache_size,
            decimal_format: if format == 1 {
                DecimalFormat::Numeric
            } else {
                DecimalFormat::Base64
            },
            replace_null_with_default: config::bool_value(
                map,
                REPLACE_NULL_WITH_DEFAULT,
                defaults.replace_null_with_default,
            )?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> Result<JsonConfig, ConvertError> {
        JsonConfig::parse(
            &pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    #[test]
    fn defaults() {
        assert_eq!(parse(&[]).unwrap(), JsonConfig::default());
        assert_eq!(
            parse(&[("converter.type", "key"), ("unknown", "x")]).unwrap(),
            JsonConfig::default()
        );
    }

    #[test]
    fn every_key() {
        let c = parse(&[
            ("schemas.enable", "false"),
            ("schemas.cache.size", "5"),
            ("decimal.format", "numeric"),
            ("replace.null.with.default", "FALSE"),
        ])
        .unwrap();
        assert_eq!(
            c,
            JsonConfig {
                schemas_enable: false,
                cache_size: 5,
                decimal_format: DecimalFormat::Numeric,
                replace_null_with_default: false,
            }
        );
        assert_eq!(
            parse(&[("decimal.format", "Base64")])
                .unwrap()
                .decimal_format,
            DecimalFormat::Base64
        );
    }

    #[test]
    fn invalid_values_name_key_value_and_allowed_values() {
        assert_eq!(
            parse(&[("decimal.format", "hex")]).unwrap_err().to_string(),
            "Invalid value hex for configuration decimal.format: String must be one of (case insensitive): BASE64, NUMERIC"
        );
        assert_eq!(
            parse(&[("schemas.enable", "1")]).unwrap_err().to_string(),
            "Invalid value 1 for configuration schemas.enable: Expected value to be either true or false"
        );
        assert_eq!(
            parse(&[("schemas.cache.size", "-1")])
                .unwrap_err()
                .to_string(),
            "Invalid value -1 for configuration schemas.cache.size: Value must be at least 0"
        );
    }
}
