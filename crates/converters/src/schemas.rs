//! Shared schema constants (Kafka's `Schema.*_SCHEMA`), built once.

use std::sync::LazyLock;

use ferry_data::{logical, Schema, SchemaRef, Type};

macro_rules! schema_constants {
    ($($name:ident = $init:expr;)*) => {$(
        pub(crate) static $name: LazyLock<SchemaRef> = LazyLock::new(|| $init);
    )*};
}

schema_constants! {
    BOOLEAN = Schema::primitive(Type::Boolean);
    INT8 = Schema::primitive(Type::Int8);
    INT16 = Schema::primitive(Type::Int16);
    INT32 = Schema::primitive(Type::Int32);
    INT64 = Schema::primitive(Type::Int64);
    FLOAT32 = Schema::primitive(Type::Float32);
    FLOAT64 = Schema::primitive(Type::Float64);
    STRING = Schema::primitive(Type::String);
    BYTES = Schema::primitive(Type::Bytes);
    OPTIONAL_BOOLEAN = Schema::optional_primitive(Type::Boolean);
    OPTIONAL_INT16 = Schema::optional_primitive(Type::Int16);
    OPTIONAL_INT32 = Schema::optional_primitive(Type::Int32);
    OPTIONAL_INT64 = Schema::optional_primitive(Type::Int64);
    OPTIONAL_FLOAT32 = Schema::optional_primitive(Type::Float32);
    OPTIONAL_FLOAT64 = Schema::optional_primitive(Type::Float64);
    OPTIONAL_STRING = Schema::optional_primitive(Type::String);
    OPTIONAL_BYTES = Schema::optional_primitive(Type::Bytes);
    DATE = logical::date().build();
    TIME = logical::time().build();
    TIMESTAMP = logical::timestamp().build();
}

/// The logical type a schema *name* selects, as Kafka's converters look it up (by name only,
/// whatever the schema's type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LogicalName {
    Decimal,
    Date,
    Time,
    Timestamp,
}

impl LogicalName {
    pub(crate) fn of(schema: &Schema) -> Option<LogicalName> {
        match schema.name.as_deref()? {
            logical::DECIMAL => Some(LogicalName::Decimal),
            logical::DATE => Some(LogicalName::Date),
            logical::TIME => Some(LogicalName::Time),
            logical::TIMESTAMP => Some(LogicalName::Timestamp),
            _ => None,
        }
    }
}

/// `Decimal.scale(schema)`: the `scale` parameter, with Kafka's errors.
pub(crate) fn decimal_scale(schema: &Schema) -> Result<i32, crate::ConvertError> {
    let raw = schema.parameter(logical::SCALE).ok_or_else(|| {
        crate::ConvertError::data("Invalid Decimal schema: scale parameter not found.")
    })?;
    raw.parse().map_err(|_| {
        crate::ConvertError::data(format!(
            "Invalid scale parameter found in Decimal schema: For input string: \"{raw}\""
        ))
    })
}

/// Milliseconds in a day.
pub(crate) const MILLIS_PER_DAY: i64 = 86_400_000;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logical_names_select_by_name_only() {
        assert_eq!(LogicalName::of(&DATE), Some(LogicalName::Date));
        let odd = Schema::builder(Type::String)
            .name(logical::TIMESTAMP)
            .build();
        assert_eq!(LogicalName::of(&odd), Some(LogicalName::Timestamp));
        assert_eq!(LogicalName::of(&INT32), None);
    }

    #[test]
    fn decimal_scale_errors_are_kafkas() {
        assert_eq!(decimal_scale(&logical::decimal(3).build()).unwrap(), 3);
        let missing = Schema::builder(Type::Bytes).name(logical::DECIMAL).build();
        assert_eq!(
            decimal_scale(&missing).unwrap_err().to_string(),
            "Invalid Decimal schema: scale parameter not found."
        );
    }
}
