use std::fmt::Write as _;

use base64::Engine as _;
use num_bigint::BigInt;

use crate::error::DataError;
use crate::java;
use crate::schema::{logical::Logical, Schema, SchemaRef, Type};

/// A Connect value. Logical types have their own variants so that sinks get typed data; their
/// schemas say which logical type applies (see [`crate::logical`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int8(i8),
    Int16(i16),
    Int32(i32),
    Int64(i64),
    Float32(f32),
    Float64(f64),
    Boolean(bool),
    String(String),
    Bytes(Vec<u8>),
    Array(Vec<Value>),
    /// Entries in insertion order.
    Map(Vec<(Value, Value)>),
    Struct(Struct),
    /// `org.apache.kafka.connect.data.Decimal`: unscaled value and scale.
    Decimal(BigInt, i32),
    /// `org.apache.kafka.connect.data.Date`: days since 1970-01-01.
    Date(i32),
    /// `org.apache.kafka.connect.data.Time`: milliseconds since midnight.
    Time(i32),
    /// `org.apache.kafka.connect.data.Timestamp`: milliseconds since the epoch.
    Timestamp(i64),
}

impl Value {
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The Connect type this value has on its own (logical values report their underlying type).
    pub fn connect_type(&self) -> Option<Type> {
        Some(match self {
            Value::Null => return None,
            Value::Int8(_) => Type::Int8,
            Value::Int16(_) => Type::Int16,
            Value::Int32(_) | Value::Date(_) | Value::Time(_) => Type::Int32,
            Value::Int64(_) | Value::Timestamp(_) => Type::Int64,
            Value::Float32(_) => Type::Float32,
            Value::Float64(_) => Type::Float64,
            Value::Boolean(_) => Type::Boolean,
            Value::String(_) => Type::String,
            Value::Bytes(_) | Value::Decimal(..) => Type::Bytes,
            Value::Array(_) => Type::Array,
            Value::Map(_) => Type::Map,
            Value::Struct(_) => Type::Struct,
        })
    }

    /// A short description of the value's kind, for error messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Int8(_) => "int8",
            Value::Int16(_) => "int16",
            Value::Int32(_) => "int32",
            Value::Int64(_) => "int64",
            Value::Float32(_) => "float32",
            Value::Float64(_) => "float64",
            Value::Boolean(_) => "boolean",
            Value::String(_) => "string",
            Value::Bytes(_) => "bytes",
            Value::Array(_) => "array",
            Value::Map(_) => "map",
            Value::Struct(_) => "struct",
            Value::Decimal(..) => "decimal",
            Value::Date(_) => "date",
            Value::Time(_) => "time",
            Value::Timestamp(_) => "timestamp",
        }
    }

    /// `ConnectSchema.validateValue`: does this value fit `schema`?
    pub fn validate(&self, schema: &Schema, field: Option<&str>) -> Result<(), DataError> {
        if self.is_null() {
            if schema.optional || schema.default.is_some() {
                return Ok(());
            }
            return Err(DataError::NullForRequired {
                field: field.unwrap_or("").to_owned(),
                ty: schema.ty.name().to_owned(),
            });
        }
        let ok = match (schema.logical(), self) {
            (Some(Logical::Decimal { .. }), Value::Decimal(..)) => true,
            (Some(Logical::Date), Value::Date(_)) => true,
            (Some(Logical::Time), Value::Time(_)) => true,
            (Some(Logical::Timestamp), Value::Timestamp(_)) => true,
            (Some(_), _) => false,
            (None, Value::Struct(s)) => schema.ty == Type::Struct && s.schema().as_ref() == schema,
            (None, Value::Array(items)) => match (&schema.value_schema, schema.ty) {
                (Some(items_schema), Type::Array) => {
                    for item in items {
                        item.validate(items_schema, field)?;
                    }
                    true
                }
                _ => false,
            },
            (None, Value::Map(entries)) => match (&schema.key_schema, &schema.value_schema) {
                (Some(k), Some(v)) if schema.ty == Type::Map => {
                    for (key, value) in entries {
                        key.validate(k, field)?;
                        value.validate(v, field)?;
                    }
                    true
                }
                _ => false,
            },
            (None, v) => {
                !matches!(
                    v,
                    Value::Decimal(..) | Value::Date(_) | Value::Time(_) | Value::Timestamp(_)
                ) && v.connect_type() == Some(schema.ty)
            }
        };
        if ok {
            Ok(())
        } else {
            Err(DataError::WrongType {
                ty: schema.ty.name().to_owned(),
                found: self.kind_name().to_owned(),
                location: field
                    .map(|f| format!(" for field: \"{f}\""))
                    .unwrap_or_default(),
            })
        }
    }

    /// Java's `String.valueOf(value)` for the object Kafka Connect would hold: `Struct{a=1,b=x}`,
    /// `[a, b]`, `{k=v}`, `null`. This is what the FileStream sink writes.
    pub fn to_java_string(&self) -> String {
        let mut out = String::new();
        self.write_java(&mut out);
        out
    }

    pub(crate) fn write_java(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Int8(v) => push_display(out, v),
            Value::Int16(v) => push_display(out, v),
            Value::Int32(v) => push_display(out, v),
            Value::Int64(v) => push_display(out, v),
            Value::Float32(v) => out.push_str(&java::java_float_string(*v)),
            Value::Float64(v) => out.push_str(&java::java_double_string(*v)),
            Value::Boolean(v) => push_display(out, v),
            Value::String(s) => out.push_str(s),
            // Java prints `[B@<identity hash>`, which is useless; base64 is deliberate
            // (docs/compatibility.md).
            Value::Bytes(b) => out.push_str(&base64::engine::general_purpose::STANDARD.encode(b)),
            Value::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_java(out);
                }
                out.push(']');
            }
            Value::Map(entries) => {
                out.push('{');
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    k.write_java(out);
                    out.push('=');
                    v.write_java(out);
                }
                out.push('}');
            }
            Value::Struct(s) => s.write_java(out),
            Value::Decimal(unscaled, scale) => {
                out.push_str(&java::java_decimal_string(unscaled, *scale))
            }
            Value::Date(days) => {
                out.push_str(&java::java_date_string(i64::from(*days) * 86_400_000))
            }
            Value::Time(ms) => out.push_str(&java::java_date_string(i64::from(*ms))),
            Value::Timestamp(ms) => out.push_str(&java::java_date_string(*ms)),
        }
    }
}

fn push_display(out: &mut String, v: impl std::fmt::Display) {
    let _ = write!(out, "{v}");
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<i32> for Value {
    fn from(v: i32) -> Self {
        Value::Int32(v)
    }
}
impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int64(v)
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Boolean(v)
    }
}
impl From<f64> for Value {
    fn from(v: f64) -> Self {
        Value::Float64(v)
    }
}
impl From<Struct> for Value {
    fn from(v: Struct) -> Self {
        Value::Struct(v)
    }
}

/// Kafka Connect's `Struct`: a value for every field of a STRUCT schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    schema: SchemaRef,
    values: Vec<Value>,
}

impl Struct {
    /// An empty struct (every field null) of a STRUCT schema.
    pub fn new(schema: SchemaRef) -> Result<Struct, DataError> {
        if schema.ty != Type::Struct {
            return Err(DataError::NotAStruct(schema.to_string()));
        }
        let values = vec![Value::Null; schema.fields.len()];
        Ok(Struct { schema, values })
    }

    /// A struct from values in field order, without validation (decoders use it; the values
    /// came from a validated encoding).
    pub fn from_values_unchecked(schema: SchemaRef, values: Vec<Value>) -> Struct {
        Struct { schema, values }
    }

    pub fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    /// Values in field order (null for unset fields).
    pub fn values(&self) -> &[Value] {
        &self.values
    }

    pub fn into_values(self) -> Vec<Value> {
        self.values
    }

    /// Set a field, validating the value against the field's schema.
    pub fn put(&mut self, name: &str, value: impl Into<Value>) -> Result<&mut Self, DataError> {
        let value = value.into();
        let field = self
            .schema
            .field(name)
            .ok_or_else(|| DataError::NoSuchField(name.to_owned()))?;
        value.validate(&field.schema, Some(name))?;
        let index = field.index;
        self.values[index] = value;
        Ok(self)
    }

    /// Builder-style [`Struct::put`].
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Result<Self, DataError> {
        self.put(name, value)?;
        Ok(self)
    }

    /// The field's value, or the field schema's default when the value is null (`Struct.get`).
    pub fn get(&self, name: &str) -> Result<&Value, DataError> {
        let field = self
            .schema
            .field(name)
            .ok_or_else(|| DataError::NoSuchField(name.to_owned()))?;
        let v = &self.values[field.index];
        match (v, &field.schema.default) {
            (Value::Null, Some(default)) => Ok(default),
            _ => Ok(v),
        }
    }

    /// The raw value, without defaults (`Struct.getWithoutDefault`).
    pub fn get_without_default(&self, name: &str) -> Result<&Value, DataError> {
        let field = self
            .schema
            .field(name)
            .ok_or_else(|| DataError::NoSuchField(name.to_owned()))?;
        Ok(&self.values[field.index])
    }

    /// `Struct.validate()`: every required field without a default is set.
    pub fn validate(&self) -> Result<(), DataError> {
        for (field, value) in self.schema.fields.iter().zip(&self.values) {
            value.validate(&field.schema, Some(&field.name))?;
        }
        Ok(())
    }

    fn write_java(&self, out: &mut String) {
        out.push_str("Struct{");
        let mut first = true;
        for (field, value) in self.schema.fields.iter().zip(&self.values) {
            if value.is_null() {
                continue;
            }
            if !first {
                out.push(',');
            }
            first = false;
            out.push_str(&field.name);
            out.push('=');
            value.write_java(out);
        }
        out.push('}');
    }
}

impl std::fmt::Display for Struct {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = String::new();
        self.write_java(&mut s);
        f.write_str(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::logical;

    fn models_schema() -> SchemaRef {
        Schema::struct_builder()
            .name("Models")
            .field("model_id", Schema::primitive(Type::Int32))
            .field("model_name", Schema::primitive(Type::String))
            .field("model_base_price", Schema::primitive(Type::Int32))
            .field("brand_id", Schema::optional_primitive(Type::Int32))
            .build()
    }

    #[test]
    fn struct_to_string_matches_kafka() {
        let s = Struct::new(models_schema())
            .unwrap()
            .with("model_id", 1)
            .unwrap()
            .with("model_name", "The Blonde")
            .unwrap()
            .with("model_base_price", 23000)
            .unwrap()
            .with("brand_id", 1)
            .unwrap();
        assert_eq!(
            Value::Struct(s).to_java_string(),
            "Struct{model_id=1,model_name=The Blonde,model_base_price=23000,brand_id=1}"
        );
    }

    #[test]
    fn null_fields_are_omitted_and_nesting_renders_like_java() {
        let inner = Schema::struct_builder()
            .field("x", Schema::primitive(Type::Int32))
            .build();
        let schema = Schema::struct_builder()
            .field("a", Schema::optional_primitive(Type::Int32))
            .field("inner", inner.clone())
            .field(
                "tags",
                Schema::array(Schema::primitive(Type::String)).build(),
            )
            .field(
                "m",
                Schema::map(
                    Schema::primitive(Type::String),
                    Schema::primitive(Type::String),
                )
                .build(),
            )
            .build();
        let mut s = Struct::new(schema).unwrap();
        s.put("inner", Struct::new(inner).unwrap().with("x", 1).unwrap())
            .unwrap();
        s.put("tags", Value::Array(vec!["a".into(), "b".into()]))
            .unwrap();
        s.put("m", Value::Map(vec![("k".into(), "v".into())]))
            .unwrap();
        assert_eq!(
            s.to_string(),
            "Struct{inner=Struct{x=1},tags=[a, b],m={k=v}}"
        );
    }

    #[test]
    fn put_rejects_wrong_types_and_unknown_fields() {
        let mut s = Struct::new(models_schema()).unwrap();
        assert_eq!(
            s.put("nope", 1).unwrap_err().to_string(),
            "nope is not a valid field name"
        );
        assert!(s.put("model_id", "x").is_err());
        assert!(s.put("model_id", Value::Null).is_err());
        assert!(s.validate().is_err());
    }

    #[test]
    fn get_substitutes_defaults() {
        let schema = Schema::struct_builder()
            .field(
                "a",
                Schema::builder(Type::Int32)
                    .default_value(Value::Int32(7))
                    .build(),
            )
            .build();
        let s = Struct::new(schema).unwrap();
        assert_eq!(s.get("a").unwrap(), &Value::Int32(7));
        assert_eq!(s.get_without_default("a").unwrap(), &Value::Null);
        assert_eq!(s.to_string(), "Struct{}");
    }

    #[test]
    fn logical_values_validate_against_logical_schemas() {
        let dec = logical::decimal(2).build();
        assert!(Value::Decimal(BigInt::from(156), 2)
            .validate(&dec, None)
            .is_ok());
        assert!(Value::Bytes(vec![1]).validate(&dec, None).is_err());
        assert_eq!(
            Value::Decimal(BigInt::from(156), 2).to_java_string(),
            "1.56"
        );
        assert_eq!(
            Value::Timestamp(0).to_java_string(),
            "Thu Jan 01 00:00:00 UTC 1970"
        );
    }
}
