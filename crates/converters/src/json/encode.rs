//! Connect data to JSON (`JsonConverter.convertToJson`), written straight into a byte buffer.

use std::borrow::Cow;

use ferry_data::{Schema, Struct, Type, Value};

use super::config::DecimalFormat;
use super::write;
use crate::error::java_class;
use crate::schemas::{decimal_scale, LogicalName, MILLIS_PER_DAY};
use crate::ConvertError;

/// Writes Connect values as JSON with one converter's settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Encoder {
    pub(crate) decimal_format: DecimalFormat,
    pub(crate) replace_null_with_default: bool,
}

impl Encoder {
    /// Writes `value`, which must fit `schema` (or any JSON-able value when schemaless).
    ///
    /// Arrays, maps and structs recurse through small stack frames; everything else, errors
    /// included, is handled by [`Encoder::scalar`].
    pub(crate) fn value(
        &self,
        out: &mut Vec<u8>,
        schema: Option<&Schema>,
        value: &Value,
    ) -> Result<(), ConvertError> {
        let plain = |ty: Type| schema.is_none_or(|s| s.ty == ty && LogicalName::of(s).is_none());
        match value {
            Value::Array(items) if plain(Type::Array) => {
                self.array(out, schema.and_then(|s| s.value_schema.as_deref()), items)
            }
            Value::Map(entries) if plain(Type::Map) => self.map(
                out,
                schema.and_then(|s| s.key_schema.as_deref()),
                schema.and_then(|s| s.value_schema.as_deref()),
                entries,
            ),
            Value::Struct(s) => match schema {
                Some(schema) if plain(Type::Struct) => self.structure(out, schema, s),
                _ => self.scalar(out, schema, value),
            },
            _ => self.scalar(out, schema, value),
        }
    }

    /// Writes a value that is not a container of its schema's type, or fails.
    fn scalar(
        &self,
        out: &mut Vec<u8>,
        schema: Option<&Schema>,
        value: &Value,
    ) -> Result<(), ConvertError> {
        let Some(schema) = schema else {
            return self.schemaless(out, value);
        };
        if value.is_null() {
            return self.null(out, schema);
        }
        if let Some(logical) = LogicalName::of(schema) {
            return self.logical(out, schema, logical, value);
        }
        match (schema.ty, value) {
            (Type::Int8, Value::Int8(v)) => write::int(out, i64::from(*v)),
            (Type::Int16, Value::Int16(v)) => write::int(out, i64::from(*v)),
            (Type::Int32, Value::Int32(v)) => write::int(out, i64::from(*v)),
            (Type::Int64, Value::Int64(v)) => write::int(out, *v),
            (Type::Float32, Value::Float32(v)) => write::float(out, *v),
            (Type::Float64, Value::Float64(v)) => write::double(out, *v),
            (Type::Boolean, Value::Boolean(v)) => {
                out.extend_from_slice(if *v { b"true" } else { b"false" })
            }
            (Type::String, Value::String(s)) => write::string(out, s),
            (Type::Bytes, Value::Bytes(b)) => write::base64(out, b),
            (Type::Bytes, other) => {
                return Err(ConvertError::data(format!(
                    "Invalid type for bytes type: {}",
                    java_class(other)
                )))
            }
            (ty, other) => {
                return Err(ConvertError::data(format!(
                    "Invalid type for {ty}: {}",
                    java_class(other)
                )))
            }
        }
        Ok(())
    }

    /// A null for `schema`: its default, `null` when optional, otherwise an error.
    fn null(&self, out: &mut Vec<u8>, schema: &Schema) -> Result<(), ConvertError> {
        match &schema.default {
            Some(default) if self.replace_null_with_default && !default.is_null() => {
                self.value(out, Some(schema), default)
            }
            _ if schema.optional => {
                out.extend_from_slice(b"null");
                Ok(())
            }
            _ => Err(ConvertError::data(
                "Conversion error: null value for field that is required and has no default value",
            )),
        }
    }

    fn schemaless(&self, out: &mut Vec<u8>, value: &Value) -> Result<(), ConvertError> {
        match value {
            Value::Null => out.extend_from_slice(b"null"),
            Value::Int8(v) => write::int(out, i64::from(*v)),
            Value::Int16(v) => write::int(out, i64::from(*v)),
            Value::Int32(v) => write::int(out, i64::from(*v)),
            Value::Int64(v) => write::int(out, *v),
            Value::Float32(v) => write::float(out, *v),
            Value::Float64(v) => write::double(out, *v),
            Value::Boolean(v) => out.extend_from_slice(if *v { b"true" } else { b"false" }),
            Value::String(s) => write::string(out, s),
            Value::Bytes(b) => write::base64(out, b),
            Value::Array(items) => self.array(out, None, items)?,
            Value::Map(entries) => self.map(out, None, None, entries)?,
            Value::Struct(_) => return Err(mismatching_schema()),
            other => {
                return Err(ConvertError::data(format!(
                    "Java class {} does not have corresponding schema type.",
                    java_class(other)
                )))
            }
        }
        Ok(())
    }

    fn logical(
        &self,
        out: &mut Vec<u8>,
        schema: &Schema,
        logical: LogicalName,
        value: &Value,
    ) -> Result<(), ConvertError> {
        let wrong_type = |name: &str, expected: &str| {
            let class = java_class(value);
            ConvertError::data(format!(
                "Invalid type for {name}, expected {expected} but was {class}"
            ))
        };
        match (logical, value) {
            (LogicalName::Decimal, Value::Decimal(unscaled, scale)) => match self.decimal_format {
                DecimalFormat::Numeric => out.extend_from_slice(
                    ferry_data::java_decimal_string(unscaled, *scale).as_bytes(),
                ),
                DecimalFormat::Base64 => {
                    let schema_scale = decimal_scale(schema)?;
                    if schema_scale != *scale {
                        return Err(ConvertError::data(format!(
                            "Decimal value has mismatching scale for given Decimal schema. Schema has scale {schema_scale}, value has scale {scale}."
                        )));
                    }
                    write::base64(out, &unscaled.to_signed_bytes_be());
                }
            },
            (LogicalName::Decimal, _) => return Err(wrong_type("Decimal", "BigDecimal")),
            (LogicalName::Date, Value::Date(days)) => write::int(out, i64::from(*days)),
            (LogicalName::Date, _) => return Err(wrong_type("Date", "Date")),
            (LogicalName::Time, Value::Time(ms)) => {
                if !(0..=MILLIS_PER_DAY).contains(&i64::from(*ms)) {
                    return Err(ConvertError::data(
                        "Kafka Connect Time type should not have any date fields set to non-zero values.",
                    ));
                }
                write::int(out, i64::from(*ms));
            }
            (LogicalName::Time, _) => return Err(wrong_type("Time", "Date")),
            (LogicalName::Timestamp, Value::Timestamp(ms)) => write::int(out, *ms),
            (LogicalName::Timestamp, _) => return Err(wrong_type("Timestamp", "Date")),
        }
        Ok(())
    }

    fn array(
        &self,
        out: &mut Vec<u8>,
        items_schema: Option<&Schema>,
        items: &[Value],
    ) -> Result<(), ConvertError> {
        out.push(b'[');
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            self.value(out, items_schema, item)?;
        }
        out.push(b']');
        Ok(())
    }

    /// A map: an object when keys are strings (by schema, or all of them when schemaless),
    /// otherwise an array of `[key, value]` pairs.
    fn map(
        &self,
        out: &mut Vec<u8>,
        key_schema: Option<&Schema>,
        value_schema: Option<&Schema>,
        entries: &[(Value, Value)],
    ) -> Result<(), ConvertError> {
        let object = match key_schema {
            Some(k) => k.ty == Type::String,
            None => entries.iter().all(|(k, _)| matches!(k, Value::String(_))),
        };
        out.push(if object { b'{' } else { b'[' });
        for (i, (key, value)) in entries.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            if object {
                write::string(out, &self.key_text(key_schema, key)?);
                out.push(b':');
                self.value(out, value_schema, value)?;
            } else {
                out.push(b'[');
                self.value(out, key_schema, key)?;
                out.push(b',');
                self.value(out, value_schema, value)?;
                out.push(b']');
            }
        }
        out.push(if object { b'}' } else { b']' });
        Ok(())
    }

    /// `convertToJson(keySchema, key).asText()`.
    fn key_text<'v>(
        &self,
        key_schema: Option<&Schema>,
        key: &'v Value,
    ) -> Result<Cow<'v, str>, ConvertError> {
        if let (Value::String(s), None) = (key, key_schema.and_then(LogicalName::of)) {
            return Ok(Cow::Borrowed(s));
        }
        let mut scratch = Vec::new();
        self.value(&mut scratch, key_schema, key)?;
        let text = String::from_utf8_lossy(&scratch).into_owned();
        Ok(Cow::Owned(
            match text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
                Some(unquoted) => unquoted.to_owned(),
                None => text,
            },
        ))
    }

    fn structure(
        &self,
        out: &mut Vec<u8>,
        schema: &Schema,
        value: &Struct,
    ) -> Result<(), ConvertError> {
        if !same_struct_schema(value.schema(), schema) {
            return Err(mismatching_schema());
        }
        out.push(b'{');
        for (i, (field, v)) in schema.fields.iter().zip(value.values()).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write::string(out, &field.name);
            out.push(b':');
            self.value(out, Some(&field.schema), v)?;
        }
        out.push(b'}');
        Ok(())
    }
}

#[cold]
fn mismatching_schema() -> ConvertError {
    ConvertError::data("Mismatching schema.")
}

/// Whether a struct's schema is the schema being written. Unlike Kafka, the schemas' own default
/// values are not compared, so a struct schema whose default is a struct can be written.
pub(super) fn same_struct_schema(a: &Schema, b: &Schema) -> bool {
    std::ptr::eq(a, b)
        || (a.ty == b.ty
            && a.optional == b.optional
            && a.name == b.name
            && a.version == b.version
            && a.doc == b.doc
            && a.parameters == b.parameters
            && a.fields == b.fields
            && a.key_schema == b.key_schema
            && a.value_schema == b.value_schema)
}
