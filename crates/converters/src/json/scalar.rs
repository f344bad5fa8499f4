//! Single JSON tokens to Connect values (`JsonConverter`'s per-type converters and logical type
//! converters), and the errors for tokens that do not fit their schema.

use base64::Engine as _;
use ferry_data::{Schema, Type, Value};
use num_bigint::BigInt;

use super::read::{is_integral, Token};
use crate::decimal::BigDec;
use crate::schemas::{decimal_scale, LogicalName, MILLIS_PER_DAY};
use crate::ConvertError;

/// Base64 as Jackson reads it: standard alphabet, padding optional, lenient trailing bits.
const BASE64: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    base64::engine::GeneralPurposeConfig::new()
        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// A non-null scalar token as a value of `schema` (schemaless when `None`). Container tokens
/// only reach here when they do not fit the schema, and give its error.
pub(crate) fn value(token: Token<'_>, schema: Option<&Schema>) -> Result<Value, ConvertError> {
    let Some(schema) = schema else {
        return schemaless(token);
    };
    if let Some(logical) = LogicalName::of(schema) {
        return logical_value(schema, logical, &token);
    }
    Ok(match (schema.ty, token) {
        (Type::Boolean, Token::Bool(b)) => Value::Boolean(b),
        (Type::Int8, Token::Number(n)) => Value::Int8(integer(n, Type::Int8)?),
        (Type::Int16, Token::Number(n)) => Value::Int16(integer(n, Type::Int16)?),
        (Type::Int32, Token::Number(n)) => Value::Int32(integer(n, Type::Int32)?),
        (Type::Int64, Token::Number(n)) => Value::Int64(integer(n, Type::Int64)?),
        (Type::Float32, Token::Number(n)) => {
            Value::Float32(n.parse().map_err(|_| invalid_number(n))?)
        }
        (Type::Float64, Token::Number(n)) => {
            Value::Float64(n.parse().map_err(|_| invalid_number(n))?)
        }
        (Type::Float32, Token::String(s)) => {
            Value::Float32(non_finite(&s).ok_or_else(|| mismatch("STRING", schema))? as f32)
        }
        (Type::Float64, Token::String(s)) => {
            Value::Float64(non_finite(&s).ok_or_else(|| mismatch("STRING", schema))?)
        }
        (Type::String, Token::String(s)) => Value::String(s.into_owned()),
        (Type::Bytes, Token::String(s)) => {
            Value::Bytes(base64_bytes(&s).ok_or_else(|| ConvertError::data("Invalid bytes field"))?)
        }
        (_, token) => return Err(mismatch(token.node_type(), schema)),
    })
}

/// Why a token of JSON type `found` does not fit `schema`.
#[cold]
pub(crate) fn mismatch(found: &str, schema: &Schema) -> ConvertError {
    let message = match schema.ty {
        Type::Struct => format!("Structs should be encoded as JSON objects, but found {found}"),
        Type::Map if schema.key_schema.as_ref().is_none_or(|k| k.ty == Type::String) => {
            format!("Maps with string fields should be encoded as JSON objects, but found {found}")
        }
        Type::Map => format!(
            "Maps with non-string fields should be encoded as JSON array of tuples, but found {found}"
        ),
        ty => format!("Invalid JSON {found} for a {ty} schema"),
    };
    ConvertError::Data(message)
}

fn schemaless(token: Token<'_>) -> Result<Value, ConvertError> {
    Ok(match token {
        Token::Bool(b) => Value::Boolean(b),
        Token::Number(n) if is_integral(n) => Value::Int64(integer(n, Type::Int64)?),
        Token::Number(n) => Value::Float64(n.parse().map_err(|_| invalid_number(n))?),
        Token::String(s) => Value::String(s.into_owned()),
        other => {
            return Err(ConvertError::data(format!(
                "Unexpected JSON {}",
                other.node_type()
            )))
        }
    })
}

#[cold]
fn invalid_number(number: &str) -> ConvertError {
    ConvertError::data(format!("Invalid number {number}"))
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

/// Decodes base64 text; like Jackson, whitespace (MIME line breaks) is skipped.
fn base64_bytes(text: &str) -> Option<Vec<u8>> {
    if text.bytes().any(|b| b <= b' ') {
        let compact: Vec<u8> = text.bytes().filter(|b| *b > b' ').collect();
        return BASE64.decode(compact).ok();
    }
    BASE64.decode(text).ok()
}

/// A logical-type value, selected by schema name as Kafka does.
fn logical_value(
    schema: &Schema,
    logical: LogicalName,
    token: &Token<'_>,
) -> Result<Value, ConvertError> {
    let found = token.node_type();
    let int32 = |name: &str| {
        let value = match token {
            Token::Number(n) if is_integral(n) => n.parse::<i32>().ok(),
            _ => None,
        };
        value.ok_or_else(|| {
            ConvertError::data(format!(
                "Invalid type for {name}, underlying representation should be integer but was {found}"
            ))
        })
    };
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
            let parsed = BigDec::parse(n).ok_or_else(|| invalid_number(n))?;
            if let Ok(scale) = decimal_scale(schema) {
                if let Some(unscaled) = parsed.rescaled(scale) {
                    return Ok(Value::Decimal(unscaled, scale));
                }
            }
            Ok(Value::Decimal(parsed.unscaled, parsed.scale))
        }
        Token::String(s) => {
            let invalid = || ConvertError::data("Invalid bytes for Decimal field");
            let bytes = base64_bytes(s).ok_or_else(invalid)?;
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
