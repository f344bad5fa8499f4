//! Value encoding, version 1: one tag byte, then the payload (`docs/abi.md`).

use ferry_data::{SchemaRef, Struct, Value};
use num_bigint::BigInt;

use crate::error::CodecError;
use crate::varint::{put_i64, put_u64, Cursor, Sink};

pub(crate) const NULL: u8 = 0x00;
pub(crate) const FALSE: u8 = 0x01;
pub(crate) const TRUE: u8 = 0x02;
pub(crate) const INT8: u8 = 0x03;
pub(crate) const INT16: u8 = 0x04;
pub(crate) const INT32: u8 = 0x05;
pub(crate) const INT64: u8 = 0x06;
pub(crate) const FLOAT32: u8 = 0x07;
pub(crate) const FLOAT64: u8 = 0x08;
pub(crate) const STRING: u8 = 0x09;
pub(crate) const BYTES: u8 = 0x0a;
pub(crate) const ARRAY: u8 = 0x0b;
pub(crate) const MAP: u8 = 0x0c;
pub(crate) const STRUCT: u8 = 0x0d;
pub(crate) const DECIMAL: u8 = 0x0e;
pub(crate) const DATE: u8 = 0x0f;
pub(crate) const TIME: u8 = 0x10;
pub(crate) const TIMESTAMP: u8 = 0x11;

/// Append the encoding of `value` to `out`.
pub fn encode_value(out: &mut Vec<u8>, value: &Value) {
    put_value(out, value);
}

/// Append one value. Out of line: the writer's per-record code stays small enough to inline.
#[inline(never)]
pub(crate) fn put_value(out: &mut impl Sink, value: &Value) {
    put_item(out, value);
}

/// [`put_value`], inline: scalars are written in place (also in the loops over a container's
/// items); only nested containers recurse, through [`put_container`].
#[inline(always)]
fn put_item(out: &mut impl Sink, value: &Value) {
    match value {
        Value::Null => out.push_byte(NULL),
        Value::Boolean(false) => out.push_byte(FALSE),
        Value::Boolean(true) => out.push_byte(TRUE),
        Value::Int8(v) => {
            out.push_byte(INT8);
            out.push_byte(*v as u8);
        }
        Value::Int16(v) => tagged_int(out, INT16, i64::from(*v)),
        Value::Int32(v) => tagged_int(out, INT32, i64::from(*v)),
        Value::Int64(v) => tagged_int(out, INT64, *v),
        Value::Float32(v) => {
            out.push_byte(FLOAT32);
            out.push_slice(&v.to_le_bytes());
        }
        Value::Float64(v) => {
            out.push_byte(FLOAT64);
            out.push_slice(&v.to_le_bytes());
        }
        Value::String(s) => put_bytes(out, STRING, s.as_bytes()),
        Value::Bytes(b) => put_bytes(out, BYTES, b),
        Value::Array(_) | Value::Map(_) | Value::Struct(_) => put_container(out, value),
        Value::Decimal(unscaled, scale) => {
            out.push_byte(DECIMAL);
            put_i64(out, i64::from(*scale));
            match i64::try_from(unscaled) {
                Ok(small) => {
                    // The same minimal two's complement bytes as `to_signed_bytes_be`, without
                    // allocating: the significant bits, a sign bit, rounded up to bytes.
                    let bytes = small.to_be_bytes();
                    let bits = 64 - (small ^ (small >> 63)).leading_zeros() as usize + 1;
                    let n = bits.div_ceil(8);
                    put_u64(out, n as u64);
                    out.push_slice(&bytes[8 - n..]);
                }
                Err(_) => put_big_unscaled(out, unscaled),
            }
        }
        Value::Date(v) => tagged_int(out, DATE, i64::from(*v)),
        Value::Time(v) => tagged_int(out, TIME, i64::from(*v)),
        Value::Timestamp(v) => tagged_int(out, TIMESTAMP, *v),
    }
}

/// An array, map or struct (anything else is written by [`put_value`]).
#[inline(never)]
fn put_container(out: &mut impl Sink, value: &Value) {
    match value {
        Value::Array(items) => {
            out.push_byte(ARRAY);
            put_u64(out, items.len() as u64);
            for item in items {
                put_item(out, item);
            }
        }
        Value::Map(entries) => {
            out.push_byte(MAP);
            put_u64(out, entries.len() as u64);
            for (k, v) in entries {
                put_item(out, k);
                put_item(out, v);
            }
        }
        Value::Struct(s) => {
            out.push_byte(STRUCT);
            put_u64(out, s.values().len() as u64);
            for v in s.values() {
                put_item(out, v);
            }
        }
        _ => put_item(out, value),
    }
}

/// The unscaled value of a decimal that does not fit in an `i64`.
#[inline(never)]
fn put_big_unscaled(out: &mut impl Sink, unscaled: &BigInt) {
    let bytes = unscaled.to_signed_bytes_be();
    put_u64(out, bytes.len() as u64);
    out.push_slice(&bytes);
}

#[inline(always)]
fn tagged_int(out: &mut impl Sink, tag: u8, v: i64) {
    out.push_byte(tag);
    put_i64(out, v);
}

#[inline(always)]
pub(crate) fn put_bytes(out: &mut impl Sink, tag: u8, b: &[u8]) {
    out.push_byte(tag);
    put_u64(out, b.len() as u64);
    out.push_slice(b);
}

/// Decode one value. `schema` is needed for structs (their field names come from it).
pub fn decode_value(bytes: &[u8], schema: Option<&SchemaRef>) -> Result<Value, CodecError> {
    read_value(&mut Cursor::new(bytes), schema)
}

#[inline]
pub(crate) fn narrow<T: TryFrom<i64>>(v: i64) -> Result<T, CodecError> {
    T::try_from(v).map_err(|_| CodecError::Truncated)
}

/// Deepest nesting of arrays, maps and structs a decoder follows: deeper input is an error,
/// not a stack overflow.
pub const MAX_DEPTH: usize = 256;

pub(crate) fn read_value(
    c: &mut Cursor<'_>,
    schema: Option<&SchemaRef>,
) -> Result<Value, CodecError> {
    read_nested(c, schema, 0)
}

/// One value at `depth`. Scalars are decoded inline (also in the loops over a container's items);
/// only nested containers recurse, through [`read_container`]. Not inlined in unoptimised builds,
/// whose frames would be too large for [`MAX_DEPTH`] levels of nesting on a test thread's stack.
#[cfg_attr(not(debug_assertions), inline(always))]
fn read_nested(
    c: &mut Cursor<'_>,
    schema: Option<&SchemaRef>,
    depth: usize,
) -> Result<Value, CodecError> {
    if depth > MAX_DEPTH {
        return Err(CodecError::TooDeep(MAX_DEPTH));
    }
    let tag = c.byte()?;
    Ok(match tag {
        NULL => Value::Null,
        FALSE => Value::Boolean(false),
        TRUE => Value::Boolean(true),
        INT8 => Value::Int8(c.byte()? as i8),
        INT16 => Value::Int16(narrow(c.i64()?)?),
        INT32 => Value::Int32(narrow(c.i64()?)?),
        INT64 => Value::Int64(c.i64()?),
        FLOAT32 => {
            let b = c.take(4)?;
            Value::Float32(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        }
        FLOAT64 => {
            let b = c.take(8)?;
            let mut a = [0u8; 8];
            a.copy_from_slice(b);
            Value::Float64(f64::from_le_bytes(a))
        }
        STRING => Value::String(c.str()?.to_owned()),
        BYTES => {
            let n = c.len()?;
            Value::Bytes(c.take(n)?.to_vec())
        }
        ARRAY | MAP | STRUCT => read_container(c, tag, schema, depth)?,
        DECIMAL => {
            let scale = narrow(c.i64()?)?;
            let n = c.len()?;
            Value::Decimal(unscaled_bigint(c.take(n)?), scale)
        }
        DATE => Value::Date(narrow(c.i64()?)?),
        TIME => Value::Time(narrow(c.i64()?)?),
        TIMESTAMP => Value::Timestamp(c.i64()?),
        other => return Err(CodecError::BadTag(other)),
    })
}

/// The items of an array, map or struct whose tag was just read.
#[inline(never)]
fn read_container(
    c: &mut Cursor<'_>,
    tag: u8,
    schema: Option<&SchemaRef>,
    depth: usize,
) -> Result<Value, CodecError> {
    Ok(match tag {
        ARRAY => {
            let n = c.len()?;
            let items_schema = schema.and_then(|s| s.value_schema.as_ref());
            let mut items = Vec::with_capacity(n.min(c.buf.len()));
            for _ in 0..n {
                items.push(read_nested(c, items_schema, depth + 1)?);
            }
            Value::Array(items)
        }
        MAP => {
            let n = c.len()?;
            let ks = schema.and_then(|s| s.key_schema.as_ref());
            let vs = schema.and_then(|s| s.value_schema.as_ref());
            let mut entries = Vec::with_capacity(n.min(c.buf.len()));
            for _ in 0..n {
                let k = read_nested(c, ks, depth + 1)?;
                let v = read_nested(c, vs, depth + 1)?;
                entries.push((k, v));
            }
            Value::Map(entries)
        }
        _ => {
            let schema = schema.ok_or(CodecError::StructWithoutSchema)?;
            let n = c.len()?;
            if n != schema.fields.len() {
                return Err(CodecError::StructArity {
                    expected: schema.fields.len(),
                    found: n,
                });
            }
            let mut values = Vec::with_capacity(n);
            for field in &schema.fields {
                values.push(read_nested(c, Some(&field.schema), depth + 1)?);
            }
            Value::Struct(Struct::from_values_unchecked(schema.clone(), values))
        }
    })
}

/// The unscaled value of an encoded decimal (minimal big-endian two's complement).
pub(crate) fn unscaled_bigint(bytes: &[u8]) -> BigInt {
    match unscaled_i64(bytes) {
        Some(small) => BigInt::from(small),
        None => BigInt::from_signed_bytes_be(bytes),
    }
}

/// The unscaled value of an encoded decimal when it has 1 to 8 bytes (so fits an `i64`).
#[inline]
pub(crate) fn unscaled_i64(bytes: &[u8]) -> Option<i64> {
    let n = bytes.len();
    if !(1..=8).contains(&n) {
        return None;
    }
    // Sign-extend from the first byte, then shift the bytes in (no `memcpy` call for the
    // variable-length copy into a word).
    let sign = i64::from(bytes[0] as i8) >> 8;
    Some(bytes.iter().fold(sign, |v, &b| (v << 8) | i64::from(b)))
}

/// The payload of a value encoded as a string or bytes, without decoding (the fast path for
/// sinks that forward bytes).
#[inline]
pub(crate) fn raw_payload(bytes: &[u8]) -> Option<&[u8]> {
    tagged_payload(bytes).map(|(_, payload)| payload)
}

/// The tag and payload of a value encoded as a string or bytes.
#[inline]
pub(crate) fn tagged_payload(bytes: &[u8]) -> Option<(u8, &[u8])> {
    let mut c = Cursor::new(bytes);
    match c.byte().ok()? {
        tag @ (STRING | BYTES) => {
            let n = c.len().ok()?;
            Some((tag, c.take(n).ok()?))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code

    use super::*;

    /// The i64 fast path writes what `to_signed_bytes_be` (Java's `toByteArray`) would.
    #[test]
    fn small_decimals_are_minimal_twos_complement() {
        let mut values = vec![0i64, 1, -1, i64::MIN, i64::MAX];
        for s in 0..64 {
            let p = 1i64 << s;
            values.extend([
                p,
                p.wrapping_sub(1),
                p.wrapping_neg(),
                p.wrapping_neg().wrapping_sub(1),
                p.wrapping_add(1),
            ]);
        }
        for v in values {
            let big = BigInt::from(v);
            let mut out = Vec::new();
            encode_value(&mut out, &Value::Decimal(big.clone(), 3));
            let expected = big.to_signed_bytes_be();
            let mut want = vec![DECIMAL, 6, expected.len() as u8];
            want.extend(&expected);
            assert_eq!(out, want, "{v}");
            assert_eq!(decode_value(&out, None).unwrap(), Value::Decimal(big, 3));
            assert_eq!(unscaled_i64(&expected), Some(v));
        }
    }
}
