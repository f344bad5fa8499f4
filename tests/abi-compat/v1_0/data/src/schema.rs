use std::fmt;
use std::sync::Arc;

use crate::value::Value;

/// Kafka Connect's `Schema.Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Type {
    Int8,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    Boolean,
    String,
    Bytes,
    Array,
    Map,
    Struct,
}

impl Type {
    /// The upper-case name Kafka prints (`INT32`, `STRUCT`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Type::Int8 => "INT8",
            Type::Int16 => "INT16",
            Type::Int32 => "INT32",
            Type::Int64 => "INT64",
            Type::Float32 => "FLOAT32",
            Type::Float64 => "FLOAT64",
            Type::Boolean => "BOOLEAN",
            Type::String => "STRING",
            Type::Bytes => "BYTES",
            Type::Array => "ARRAY",
            Type::Map => "MAP",
            Type::Struct => "STRUCT",
        }
    }

    /// Whether this is a primitive (not ARRAY, MAP or STRUCT).
    pub fn is_primitive(self) -> bool {
        !matches!(self, Type::Array | Type::Map | Type::Struct)
    }

    /// All types, in Kafka's declaration order.
    pub const ALL: [Type; 12] = [
        Type::Int8,
        Type::Int16,
        Type::Int32,
        Type::Int64,
        Type::Float32,
        Type::Float64,
        Type::Boolean,
        Type::String,
        Type::Bytes,
        Type::Array,
        Type::Map,
        Type::Struct,
    ];
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Shared, immutable schema handle. Schemas are built once and shared by every record.
pub type SchemaRef = Arc<Schema>;

/// A field of a STRUCT schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    pub name: String,
    pub index: usize,
    pub schema: SchemaRef,
}

/// Kafka Connect's `ConnectSchema`.
#[derive(Debug, Clone, PartialEq)]
pub struct Schema {
    pub ty: Type,
    pub optional: bool,
    pub default: Option<Value>,
    pub name: Option<String>,
    pub version: Option<i32>,
    pub doc: Option<String>,
    /// Parameters in insertion order.
    pub parameters: Vec<(String, String)>,
    /// Fields of a STRUCT schema, in order.
    pub fields: Vec<Field>,
    /// Key schema of a MAP.
    pub key_schema: Option<SchemaRef>,
    /// Element schema of an ARRAY, value schema of a MAP.
    pub value_schema: Option<SchemaRef>,
}

impl Schema {
    /// A plain schema of one type, required, with nothing else set.
    pub fn of(ty: Type) -> Schema {
        Schema {
            ty,
            optional: false,
            default: None,
            name: None,
            version: None,
            doc: None,
            parameters: Vec::new(),
            fields: Vec::new(),
            key_schema: None,
            value_schema: None,
        }
    }

    /// Start building a schema of `ty`.
    pub fn builder(ty: Type) -> SchemaBuilder {
        SchemaBuilder(Schema::of(ty))
    }

    /// `SchemaBuilder.struct()`.
    pub fn struct_builder() -> SchemaBuilder {
        Self::builder(Type::Struct)
    }

    /// An ARRAY of `items`.
    pub fn array(items: SchemaRef) -> SchemaBuilder {
        let mut b = Self::builder(Type::Array);
        b.0.value_schema = Some(items);
        b
    }

    /// A MAP from `keys` to `values`.
    pub fn map(keys: SchemaRef, values: SchemaRef) -> SchemaBuilder {
        let mut b = Self::builder(Type::Map);
        b.0.key_schema = Some(keys);
        b.0.value_schema = Some(values);
        b
    }

    /// A required primitive schema, shared.
    pub fn primitive(ty: Type) -> SchemaRef {
        Arc::new(Schema::of(ty))
    }

    /// An optional primitive schema, shared.
    pub fn optional_primitive(ty: Type) -> SchemaRef {
        Arc::new(Schema {
            optional: true,
            ..Schema::of(ty)
        })
    }

    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// A parameter value.
    pub fn parameter(&self, key: &str) -> Option<&str> {
        self.parameters
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The logical type this schema denotes, if its name is one of Kafka's.
    pub fn logical(&self) -> Option<logical::Logical> {
        logical::Logical::of(self)
    }
}

impl fmt::Display for Schema {
    /// `ConnectSchema.toString()`: `Schema{name:TYPE}` or `Schema{TYPE}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.name {
            Some(n) => write!(f, "Schema{{{n}:{}}}", self.ty),
            None => write!(f, "Schema{{{}}}", self.ty),
        }
    }
}

/// Builds a [`Schema`], as Kafka's `SchemaBuilder` does.
#[derive(Debug, Clone)]
pub struct SchemaBuilder(Schema);

impl SchemaBuilder {
    pub fn optional(mut self) -> Self {
        self.0.optional = true;
        self
    }
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.0.name = Some(name.into());
        self
    }
    pub fn version(mut self, version: i32) -> Self {
        self.0.version = Some(version);
        self
    }
    pub fn doc(mut self, doc: impl Into<String>) -> Self {
        self.0.doc = Some(doc.into());
        self
    }
    pub fn parameter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.0.parameters.push((key.into(), value.into()));
        self
    }
    pub fn default_value(mut self, value: Value) -> Self {
        self.0.default = Some(value);
        self
    }
    /// Append a field to a STRUCT schema.
    pub fn field(mut self, name: impl Into<String>, schema: SchemaRef) -> Self {
        let index = self.0.fields.len();
        self.0.fields.push(Field {
            name: name.into(),
            index,
            schema,
        });
        self
    }
    pub fn build(self) -> SchemaRef {
        Arc::new(self.0)
    }
    pub fn into_schema(self) -> Schema {
        self.0
    }
}

/// Kafka's logical types: names, underlying types and constructors.
pub mod logical {
    use super::{Schema, SchemaBuilder, Type};

    pub const DECIMAL: &str = "org.apache.kafka.connect.data.Decimal";
    pub const DATE: &str = "org.apache.kafka.connect.data.Date";
    pub const TIME: &str = "org.apache.kafka.connect.data.Time";
    pub const TIMESTAMP: &str = "org.apache.kafka.connect.data.Timestamp";
    /// The Decimal schema parameter holding the scale.
    pub const SCALE: &str = "scale";

    /// A logical type recognised by schema name.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Logical {
        Decimal { scale: i32 },
        Date,
        Time,
        Timestamp,
    }

    impl Logical {
        /// The logical type of `schema`, when its name and underlying type say so.
        pub fn of(schema: &Schema) -> Option<Logical> {
            match (schema.name.as_deref()?, schema.ty) {
                (DECIMAL, Type::Bytes) => {
                    let scale = schema
                        .parameter(SCALE)
                        .and_then(|s| s.parse().ok())
                        .unwrap_or(0);
                    Some(Logical::Decimal { scale })
                }
                (DATE, Type::Int32) => Some(Logical::Date),
                (TIME, Type::Int32) => Some(Logical::Time),
                (TIMESTAMP, Type::Int64) => Some(Logical::Timestamp),
                _ => None,
            }
        }
    }

    /// `Decimal.builder(scale)`.
    pub fn decimal(scale: i32) -> SchemaBuilder {
        Schema::builder(Type::Bytes)
            .name(DECIMAL)
            .version(1)
            .parameter(SCALE, scale.to_string())
    }
    /// `Date.builder()`.
    pub fn date() -> SchemaBuilder {
        Schema::builder(Type::Int32).name(DATE).version(1)
    }
    /// `Time.builder()`.
    pub fn time() -> SchemaBuilder {
        Schema::builder(Type::Int32).name(TIME).version(1)
    }
    /// `Timestamp.builder()`.
    pub fn timestamp() -> SchemaBuilder {
        Schema::builder(Type::Int64).name(TIMESTAMP).version(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_matches_connect_schema() {
        assert_eq!(Schema::of(Type::Int32).to_string(), "Schema{INT32}");
        assert_eq!(
            logical::date().build().to_string(),
            "Schema{org.apache.kafka.connect.data.Date:INT32}"
        );
    }

    #[test]
    fn logical_types_are_recognised_by_name_and_type() {
        assert_eq!(
            logical::decimal(2).build().logical(),
            Some(logical::Logical::Decimal { scale: 2 })
        );
        assert_eq!(
            logical::timestamp().build().logical(),
            Some(logical::Logical::Timestamp)
        );
        let wrong = Schema::builder(Type::Int64).name(logical::DATE).build();
        assert_eq!(wrong.logical(), None);
    }
}
