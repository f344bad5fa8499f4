//! The enumerations of Kafka's `ConfigDef`: value types, importance and display width.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The type of a configuration value (`ConfigDef.Type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum ConfigType {
    /// `true` or `false`, case-insensitive.
    Boolean,
    /// A string; surrounding whitespace is trimmed.
    String,
    /// A 32-bit signed integer.
    Int,
    /// A 16-bit signed integer.
    Short,
    /// A 64-bit signed integer.
    Long,
    /// A 64-bit floating-point number.
    Double,
    /// A comma-separated list of strings.
    List,
    /// A class name (in Ferry: a plugin class name or alias, resolved by the runtime).
    Class,
    /// A sensitive string, printed as `[hidden]`.
    Password,
}

impl ConfigType {
    /// Every type, in Kafka's declaration order.
    pub const ALL: [ConfigType; 9] = [
        ConfigType::Boolean,
        ConfigType::String,
        ConfigType::Int,
        ConfigType::Short,
        ConfigType::Long,
        ConfigType::Double,
        ConfigType::List,
        ConfigType::Class,
        ConfigType::Password,
    ];

    /// Kafka's `Type.name()`: `"BOOLEAN"`, `"STRING"`, `"INT"`, ...
    pub fn name(self) -> &'static str {
        match self {
            ConfigType::Boolean => "BOOLEAN",
            ConfigType::String => "STRING",
            ConfigType::Int => "INT",
            ConfigType::Short => "SHORT",
            ConfigType::Long => "LONG",
            ConfigType::Double => "DOUBLE",
            ConfigType::List => "LIST",
            ConfigType::Class => "CLASS",
            ConfigType::Password => "PASSWORD",
        }
    }

    /// The type named `name` (exact upper-case match, as produced by [`ConfigType::name`]).
    pub fn from_name(name: &str) -> Option<ConfigType> {
        ConfigType::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Whether values of this type are sensitive (only [`ConfigType::Password`]).
    pub fn is_sensitive(self) -> bool {
        self == ConfigType::Password
    }
}

impl fmt::Display for ConfigType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How important a configuration is (`ConfigDef.Importance`); ordered `High < Medium < Low` as in
/// Kafka's enum ordinal order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Importance {
    /// `HIGH`.
    High,
    /// `MEDIUM`.
    Medium,
    /// `LOW`.
    Low,
}

impl Importance {
    /// Kafka's `Importance.name()`: `"HIGH"`, `"MEDIUM"` or `"LOW"`.
    pub fn name(self) -> &'static str {
        match self {
            Importance::High => "HIGH",
            Importance::Medium => "MEDIUM",
            Importance::Low => "LOW",
        }
    }
}

impl fmt::Display for Importance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The display width of a configuration value in a UI (`ConfigDef.Width`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Width {
    /// `NONE`.
    None,
    /// `SHORT`.
    Short,
    /// `MEDIUM`.
    Medium,
    /// `LONG`.
    Long,
}

impl Width {
    /// Kafka's `Width.name()`: `"NONE"`, `"SHORT"`, `"MEDIUM"` or `"LONG"`.
    pub fn name(self) -> &'static str {
        match self {
            Width::None => "NONE",
            Width::Short => "SHORT",
            Width::Medium => "MEDIUM",
            Width::Long => "LONG",
        }
    }
}

impl fmt::Display for Width {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_match_serde_and_kafka() {
        for ty in ConfigType::ALL {
            let json = serde_json::to_value(ty).unwrap();
            assert_eq!(json, serde_json::Value::String(ty.name().to_owned()));
            assert_eq!(ConfigType::from_name(ty.name()), Some(ty));
            assert_eq!(ty.to_string(), ty.name());
        }
        assert_eq!(ConfigType::from_name("int"), None);
        assert_eq!(
            serde_json::to_string(&Importance::Medium).unwrap(),
            "\"MEDIUM\""
        );
        assert_eq!(serde_json::to_string(&Width::None).unwrap(), "\"NONE\"");
        assert_eq!(Width::Long.to_string(), "LONG");
        assert_eq!(Importance::Low.to_string(), "LOW");
    }

    #[test]
    fn importance_orders_like_kafka_ordinals() {
        assert!(Importance::High < Importance::Medium);
        assert!(Importance::Medium < Importance::Low);
    }

    #[test]
    fn only_password_is_sensitive() {
        for ty in ConfigType::ALL {
            assert_eq!(ty.is_sensitive(), ty == ConfigType::Password);
        }
    }
}
