//! Avro binary encoding of Connect values, driven by the Connect schema (the same walk as
//! [`super::schema`], so the bytes always match the schema written in the header).

use ferry_plugin_sdk::data::logical::Logical;
use ferry_plugin_sdk::data::{Schema, Type, Value};

use crate::format::FormatError;

/// Append the zig-zag varint of `n`.
pub fn write_long(out: &mut Vec<u8>, n: i64) {
    let mut z = ((n << 1) ^ (n >> 63)) as u64;
    while z >= 0x80 {
        out.push((z as u8) | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

/// Append length-prefixed bytes.
pub fn write_bytes(out: &mut Vec<u8>, b: &[u8]) {
    write_long(out, b.len() as i64);
    out.extend_from_slice(b);
}

fn mismatch(schema: &Schema, value: &Value) -> FormatError {
    FormatError::Data(format!(
        "value of kind {} does not match schema {schema}",
        value.kind_name()
    ))
}

/// Encode `value` as `schema` says.
pub fn encode(out: &mut Vec<u8>, schema: &Schema, value: &Value) -> Result<(), FormatError> {
    let value = match (value, &schema.default) {
        (Value::Null, Some(d)) => d,
        _ => value,
    };
    if schema.optional {
        if value.is_null() {
            write_long(out, 0);
            return Ok(());
        }
        write_long(out, 1);
    } else if value.is_null() {
        return Err(FormatError::Data(format!(
            "null value for the required schema {schema}"
        )));
    }
    encode_non_null(out, schema, value)
}

fn encode_non_null(out: &mut Vec<u8>, schema: &Schema, value: &Value) -> Result<(), FormatError> {
    if let Some(l) = Logical::of(schema) {
        return encode_logical(out, l, schema, value);
    }
    match (schema.ty, value) {
        (Type::Int8, Value::Int8(v)) => write_long(out, i64::from(*v)),
        (Type::Int16, Value::Int16(v)) => write_long(out, i64::from(*v)),
        (Type::Int32, Value::Int32(v)) => write_long(out, i64::from(*v)),
        (Type::Int64, Value::Int64(v)) => write_long(out, *v),
        (Type::Float32, Value::Float32(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (Type::Float64, Value::Float64(v)) => out.extend_from_slice(&v.to_le_bytes()),
        (Type::Boolean, Value::Boolean(v)) => out.push(u8::from(*v)),
        (Type::String, Value::String(s)) => write_bytes(out, s.as_bytes()),
        (Type::Bytes, Value::Bytes(b)) => write_bytes(out, b),
        (Type::Array, Value::Array(items)) => {
            let item_schema = schema
                .value_schema
                .as_deref()
                .ok_or_else(|| mismatch(schema, value))?;
            if !items.is_empty() {
                write_long(out, items.len() as i64);
                for item in items {
                    encode(out, item_schema, item)?;
                }
            }
            write_long(out, 0);
        }
        (Type::Map, Value::Map(entries)) => encode_map(out, schema, value, entries)?,
        (Type::Struct, Value::Struct(s)) => {
            for (field, v) in schema.fields.iter().zip(s.values()) {
                encode(out, &field.schema, v)?;
            }
        }
        _ => return Err(mismatch(schema, value)),
    }
    Ok(())
}

fn encode_map(
    out: &mut Vec<u8>,
    schema: &Schema,
    value: &Value,
    entries: &[(Value, Value)],
) -> Result<(), FormatError> {
    let (Some(ks), Some(vs)) = (schema.key_schema.as_deref(), schema.value_schema.as_deref())
    else {
        return Err(mismatch(schema, value));
    };
    let string_keys = ks.ty == Type::String && !ks.optional && ks.name.is_none();
    if !entries.is_empty() {
        write_long(out, entries.len() as i64);
        for (k, v) in entries {
            if string_keys {
                encode_non_null(out, ks, k)?;
            } else {
                encode(out, ks, k)?;
            }
            encode(out, vs, v)?;
        }
    }
    write_long(out, 0);
    Ok(())
}

fn encode_logical(
    out: &mut Vec<u8>,
    logical: Logical,
    schema: &Schema,
    value: &Value,
) -> Result<(), FormatError> {
    match (logical, value) {
        (Logical::Decimal { scale }, Value::Decimal(unscaled, s)) => {
            if *s != scale {
                return Err(FormatError::Data(format!(
                    "decimal of scale {s} for a schema of scale {scale}"
                )));
            }
            write_bytes(out, &unscaled.to_signed_bytes_be());
        }
        (Logical::Date, Value::Date(d)) => write_long(out, i64::from(*d)),
        (Logical::Time, Value::Time(t)) => write_long(out, i64::from(*t)),
        (Logical::Timestamp, Value::Timestamp(t)) => write_long(out, *t),
        // Raw underlying values are accepted too.
        (Logical::Date | Logical::Time, Value::Int32(v)) => write_long(out, i64::from(*v)),
        (Logical::Timestamp, Value::Int64(v)) => write_long(out, *v),
        _ => return Err(mismatch(schema, value)),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zigzag_varints() {
        let enc = |n| {
            let mut v = Vec::new();
            write_long(&mut v, n);
            v
        };
        assert_eq!(enc(0), [0]);
        assert_eq!(enc(-1), [1]);
        assert_eq!(enc(1), [2]);
        assert_eq!(enc(64), [0x80, 1]);
        assert_eq!(enc(-65), [0x81, 1]);
    }
}
