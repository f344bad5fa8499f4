//! JSON to Connect data (`JsonConverter.convertToConnect`), decoded straight from the token
//! stream without an intermediate tree.

use base64::Engine as _;
use ferry_data::{Schema, SchemaRef, Struct, Type, Value};
use num_bigint::BigInt;

use super::read::{is_integral, Reader, Token};
use crate::decimal::BigDec;
use crate::schemas::{decimal_scale, LogicalName, MILLIS_PER_DAY};
use crate::dedupe::dedupe_entries;
use crate::ConvertError;

/// Base64 as Jackson reads it: standard alphabet, padding optional, lenient trailing bits.
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Reads Connect values from JSON with one converter's settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Decoder {
    pub(crate) replace_null_with_default: bool,
}

impl Decoder {
    /// Reads one value for `schema` (schemaless when `None`).
    pub(crate) fn value(&self, r: &mut Reader<'_>, schema: Option<&SchemaRef>) -> Result<Value, ConvertError> {
        let token = r.next_token()?;
        self.token(r, token, schema)
    }

    fn token(&self, r: &mut Reader<'_>, token: Token<'_>, schema: Option<&SchemaRef>) -> Result<Value, ConvertError> {
        let Some(schema) = schema else { return self.schemaless(r, token) };
        if token == Token::Null {
            return self.null(schema);
        }
        if let Some(logical) = LogicalName::of(schema) {
            return logical_value(schema, logical, &token);
        }
        let mismatch = |token: &Token<'_>| {
            ConvertError::data(format!("Invalid JSON {} for a {} schema", token.node_type(), schema.ty))
        };
        Ok(match (schema.ty, token) {
            (Type::Boolean, Token::Bool(b)) => Value::Boolean(b),
            (Type::Int8, Token::Number(n)) => Value::Int8(integer(n, schema.ty)?),
            (Type::Int16, Token::Number(n)) => Value::Int16(integer(n, schema.ty)?),
            (Type::Int32, Token::Number(n)) => Value::Int32(integer(n, schema.ty)?),
            (Type::Int64, Token::Number(n)) => Value::Int64(integer(n, schema.ty)?),
            (Type::Float32, Token::Number(n)) => Value::Float32(n.parse().map_err(|_| mismatch(&token))?),
            (Type::Float64, Token::Number(n)) => Value::Float64(n.parse().map_err(|_| mismatch(&token))?),
            (Type::Float32, Token::String(s)) => Value::Float32(non_finite(&s).ok_or_else(|| mismatch(&token))? as f32),
            (Type::Float64, Token::String(s)) => Value::Float64(non_finite(&s).ok_or_else(|| mismatch(&token))?),
            (Type::String, Token::String(s)) => Value::String(s.into_owned()),
            (Type::Bytes, Token::String(s)) => {
                Value::Bytes(BASE64.decode(s.as_bytes()).map_err(|_| ConvertError::data("Invalid bytes field"))?)
            }
            (Type::Array, Token::ArrayStart) => {
                let mut items = Vec::new();
                let mut first = true;
                while r.array_next(&mut first)? {
                    items.push(self.value(r, schema.value_schema.as_ref())?);
                }
                Value::Array(items)
            }
            (Type::Map, token) => self.map(r, schema, token)?,
            (Type::Struct, Token::ObjectStart) => self.structure(r, schema)?,
            (Type::Struct, other) => {
                let found = other.node_type();
                return Err(ConvertError::data(format!("Structs should be encoded as JSON objects, but found {found}")));
            }
            (_, other) => return Err(mismatch(&other)),
        })
    }

    /// A JSON null (or missing struct field) for `schema`.
    pub(crate) fn null(&self, schema: &Schema) -> Result<Value, ConvertError> {
        match &schema.default {
            Some(default) if self.replace_null_with_default => Ok(default.clone()),
            _ if schema.optional => Ok(Value::Null),
            _ => Err(ConvertError::data(format!("Invalid null value for required {} field", schema.ty))),
        }
    }

    fn schemaless(&self, r: &mut Reader<'_>, token: Token<'_>) -> Result<Value, ConvertError> {
        Ok(match token {
            Token::Null => Value::Null,
            Token::Bool(b) => Value::Boolean(b),
            Token::Number(n) if is_integral(n) => Value::Int64(integer(n, Type::Int64)?),
            Token::Number(n) => Value::Float64(n.parse().map_err(|_| ConvertError::data("Invalid number"))?),
            Token::String(s) => Value::String(s.into_owned()),
            Token::ArrayStart => {
                let mut items = Vec::new();
                let mut first = true;
                while r.array_next(&mut first)? {
                    items.push(self.value(r, None)?);
                }
                Value::Array(items)
            }
            Token::ObjectStart => self.object_map(r, None)?,
        })
    }

    fn map(&self, r: &mut Reader<'_>, schema: &Schema, token: Token<'_>) -> Result<Value, ConvertError> {
        let key_schema = schema.key_schema.as_ref();
        let value_schema = schema.value_schema.as_ref();
        if key_schema.is_none_or(|k| k.ty == Type::String) {
            if token != Token::ObjectStart {
                let found = token.node_type();
                return Err(ConvertError::data(format!(
                    "Maps with string fields should be encoded as JSON objects, but found {found}"
                )));
            }
            return self.object_map(r, value_schema);
        }
        if token != Token::ArrayStart {
            let found = token.node_type();
            return Err(ConvertError::data(format!(
                "Maps with non-string fields should be encoded as JSON array of tuples, but found {found}"
            )));
        }
        let mut entries = Vec::new();
        let mut first = true;
        while r.array_next(&mut first)? {
            let entry = r.next_token()?;
            if entry != Token::ArrayStart {
                let found = entry.node_type();
                return Err(ConvertError::data(format!("Found invalid map entry instead of array tuple: {found}")));
            }
            let mut pair = [Value::Null, Value::Null];
            let (mut len, mut first_item) = (0usize, true);
            while r.array_next(&mut first_item)? {
                match pair.get_mut(len) {
                    Some(slot) => *slot = self.value(r, if len == 0 { key_schema } else { value_schema })?,
                    None => r.skip_value()?,
                }
                len += 1;
            }
            if len != 2 {
                return Err(ConvertError::data(format!(
                    "Found invalid map entry, expected length 2 but found :{len}"
                )));
            }
            let [key, value] = pair;
            entries.push((key, value));
        }
        dedupe_entries(&mut entries);
        Ok(Value::Map(entries))
    }

    /// An object as a map with string keys (the object has been started).
    fn object_map(&self, r: &mut Reader<'_>, value_schema: Option<&SchemaRef>) -> Result<Value, ConvertError> {
        let mut entries = Vec::new();
        let mut first = true;
        while let Some(key) = r.object_next_key(&mut first)? {
            let value = self.value(r, value_schema)?;
            entries.push((Value::String(key.into_owned()), value));
        }
        dedupe_entries(&mut entries);
        Ok(Value::Map(entries))
    }

    /// A struct with every schema field (the object has been started); unknown members are
    /// skipped, missing ones are null.
    fn structure(&self, r: &mut Reader<'_>, schema: &SchemaRef) -> Result<Value, ConvertError> {
        let fields = &schema.fields;
        let mut values = vec![Value::Null; fields.len()];
        let mut seen = vec![false; fields.len()];
        let (mut first, mut hint) = (true, 0);
        while let Some(key) = r.object_next_key(&mut first)? {
            let index = match fields.get(hint) {
                Some(f) if f.name == *key => Some(hint),
                _ => fields.iter().position(|f| f.name == *key),
            };
            match index {
                Some(i) => {
                    values[i] = self.value(r, Some(&fields[i].schema))?;
                    seen[i] = true;
                    hint = i + 1;
                }
                None => r.skip_value()?,
            }
        }
        for ((value, seen), field) in values.iter_mut().zip(seen).zip(fields) {
            if !seen {
                *value = self.null(&field.schema)?;
            }
        }
        Ok(Value::Struct(Struct::from_values_unchecked(schema.clone(), values)))
    }
}

/// An integer of `ty` from a JSON number: exact when integral, truncated toward zero when not
/// (as Jackson's `intValue()` does); values outside the type's range are errors.
fn integer<T: TryFrom<i64>>(number: &str, ty: Type) -> Result<T, ConvertError> {
    let wide = match number.parse::<i64>() {
        Ok(v) => Some(v),
        Err(_) => BigDec::parse(number).and_then(|d| d.truncate_i64()),
    };
    wide.and_then(|v| T::try_from(v).ok())
        .ok_or_else(|| ConvertError::data(format!("Numeric value ({number}) out of range of {ty}")))
}

/// The quoted forms Jackson writes for non-finite doubles.
fn non_finite(text: &str) -> Option<f64> {
    match text {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

/// A logical-type value, selected by schema name as Kafka does.
fn logical_value(schema: &Schema, logical: LogicalName, token: &Token<'_>) -> Result<Value, ConvertError> {
    let found = token.node_type();
    let int32 = |name: &str| match token {
        Token::Number(n) if is_integral(n) => n.parse::<i32>().ok(),
        _ => None,
    }
    .ok_or_else(|| {
        ConvertError::data(format!("Invalid type for {name}, underlying representation should be integer but was {found}"))
    });
    match logical {
        LogicalName::Decimal => decimal(schema, token),
        LogicalName::Date => Ok(Value::Date(int32("Date")?)),
        LogicalName::Time => {
            let ms = int32("Time")?;
            if !(0..=MILLIS_PER_DAY).contains(&i64::from(ms)) {
                return Err(ConvertError::data(
                    "Time values must use number of milliseconds greater than 0 and less than 86400000",
                ));
            }
            Ok(Value::Time(ms))
        }
        LogicalName::Timestamp => match token {
            Token::Number(n) if is_integral(n) => Ok(Value::Timestamp(integer(n, Type::Int64)?)),
            _ => Err(ConvertError::data(format!(
                "Invalid type for Timestamp, underlying representation should be integral but was {found}"
            ))),
        },
    }
}

/// A Decimal from a JSON number (exact; rescaled to the schema's scale when that is lossless) or
/// from base64 of the unscaled value's two's-complement bytes.
fn decimal(schema: &Schema, token: &Token<'_>) -> Result<Value, ConvertError> {
    match token {
        Token::Number(n) => {
            let parsed = BigDec::parse(n).ok_or_else(|| ConvertError::data("Invalid number for Decimal field"))?;
            if let Ok(scale) = decimal_scale(schema) {
                if let Some(unscaled) = parsed.rescaled(scale) {
                    return Ok(Value::Decimal(unscaled, scale));
                }
            }
            Ok(Value::Decimal(parsed.unscaled, parsed.scale))
        }
        Token::String(s) => {
            let invalid = || ConvertError::data("Invalid bytes for Decimal field");
            let bytes = BASE64.decode(s.as_bytes()).map_err(|_| invalid())?;
            let scale = decimal_scale(schema).map_err(|_| invalid())?;
            if bytes.is_empty() {
                return Err(invalid());
            }
            Ok(Value::Decimal(BigInt::from_signed_bytes_be(&bytes), scale))
        }
        other => Err(ConvertError::data(format!(
            "Invalid type for Decimal, underlying representation should be numeric or bytes but was {}",
            other.node_type()
        ))),
    }
}
