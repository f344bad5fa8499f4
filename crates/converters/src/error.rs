//! The error type of every converter, with Kafka's messages.

use ferry_data::Value;
use thiserror::Error;

/// Why a conversion, or the creation of a converter, failed.
///
/// Display messages are Kafka's wherever Kafka has one, so that task traces and REST error
/// bodies read the same.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ConvertError {
    /// The data does not fit the converter or its schema (Kafka's `DataException`).
    #[error("{0}")]
    Data(String),
    /// The bytes are not well-formed JSON.
    #[error("Converting byte[] to Kafka Connect data failed due to serialization error: {0}")]
    Json(String),
    /// No converter of this class name or alias exists.
    #[error("Class {0} could not be found.")]
    ClassNotFound(String),
    /// The class exists but is not of the requested plugin type.
    #[error("{class} is not a {expected}")]
    WrongPluginType {
        /// The class asked for.
        class: String,
        /// `Converter` or `HeaderConverter`.
        expected: &'static str,
    },
    /// A configuration value is invalid (Kafka's `ConfigException`).
    #[error("Invalid value {value} for configuration {key}: {reason}")]
    InvalidConfig {
        /// The configuration key, without the converter prefix.
        key: String,
        /// The value as given.
        value: String,
        /// What is wrong with it, including the allowed values.
        reason: String,
    },
}

impl ConvertError {
    /// A `DataException` with this message.
    pub(crate) fn data(message: impl Into<String>) -> Self {
        ConvertError::Data(message.into())
    }
}

/// `value.getClass()` as Java prints it, for the Java object Kafka Connect would hold.
pub(crate) fn java_class(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Int8(_) => "class java.lang.Byte",
        Value::Int16(_) => "class java.lang.Short",
        Value::Int32(_) => "class java.lang.Integer",
        Value::Int64(_) => "class java.lang.Long",
        Value::Float32(_) => "class java.lang.Float",
        Value::Float64(_) => "class java.lang.Double",
        Value::Boolean(_) => "class java.lang.Boolean",
        Value::String(_) => "class java.lang.String",
        Value::Bytes(_) => "class [B",
        Value::Array(_) => "class java.util.ArrayList",
        Value::Map(_) => "class java.util.HashMap",
        Value::Struct(_) => "class org.apache.kafka.connect.data.Struct",
        Value::Decimal(..) => "class java.math.BigDecimal",
        Value::Date(_) | Value::Time(_) | Value::Timestamp(_) => "class java.util.Date",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_match_kafka() {
        assert_eq!(
            ConvertError::data("Mismatching schema.").to_string(),
            "Mismatching schema."
        );
        assert_eq!(
            ConvertError::ClassNotFound("x.Y".into()).to_string(),
            "Class x.Y could not be found."
        );
        assert_eq!(
            ConvertError::InvalidConfig {
                key: "schemas.enable".into(),
                value: "yes".into(),
                reason: "Expected value to be either true or false".into(),
            }
            .to_string(),
            "Invalid value yes for configuration schemas.enable: Expected value to be either true or false"
        );
        assert_eq!(java_class(&Value::Bytes(vec![])), "class [B");
    }
}
