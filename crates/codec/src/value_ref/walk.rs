//! Walking encoded values without building anything: the validation pass behind
//! [`ValueRef::decode`](super::ValueRef::decode), skipping, and reading one value's head.

use ferry_data::SchemaRef;

use super::{ArrayRef, DecimalRef, MapRef, StructRef, ValueRef};
use crate::error::CodecError;
use crate::short;
use crate::value::{
    narrow, ARRAY, BYTES, DATE, DECIMAL, FALSE, FLOAT32, FLOAT64, INT16, INT32, INT64, INT8, MAP,
    MAX_DEPTH, NULL, STRING, STRUCT, TIME, TIMESTAMP, TRUE,
};
use crate::varint::Cursor;

/// Check one value exactly as `decode_value` would decode it (same errors, same order), without
/// allocating. After it succeeds, [`skip_n`] and [`read_head`] cannot fail on these bytes.
///
/// Scalars are checked inline in the loop over a container's items; only nested containers
/// recurse (through [`check_container`]).
#[inline(always)]
pub(crate) fn check(
    c: &mut Cursor<'_>,
    schema: Option<&SchemaRef>,
    depth: usize,
) -> Result<(), CodecError> {
    if depth > MAX_DEPTH {
        return Err(CodecError::TooDeep(MAX_DEPTH));
    }
    let tag = c.byte()?;
    match tag {
        NULL | FALSE | TRUE => {}
        INT8 => {
            c.byte()?;
        }
        INT16 => {
            narrow::<i16>(c.i64()?)?;
        }
        INT32 | DATE | TIME => {
            narrow::<i32>(c.i64()?)?;
        }
        INT64 | TIMESTAMP => {
            c.i64()?;
        }
        FLOAT32 => {
            c.take(4)?;
        }
        FLOAT64 => {
            c.take(8)?;
        }
        STRING => {
            let n = c.len()?;
            let bytes = c.take(n)?;
            // ASCII (inline, a word at a time) is valid UTF-8; only other text needs the full
            // check. Same result as `from_utf8`, cheaper for the usual short ASCII strings.
            if !short::is_ascii(bytes) {
                std::str::from_utf8(bytes).map_err(|_| CodecError::BadUtf8)?;
            }
        }
        BYTES => {
            let n = c.len()?;
            c.take(n)?;
        }
        DECIMAL => {
            narrow::<i32>(c.i64()?)?;
            let n = c.len()?;
            c.take(n)?;
        }
        ARRAY | MAP | STRUCT => check_container(c, tag, schema, depth)?,
        other => return Err(CodecError::BadTag(other)),
    }
    Ok(())
}

/// [`check`] for a struct value at the top (`bytes` starts with its tag), returning its view
/// with the start of each field noted on the way (what [`read_head`] would note by walking it
/// again).
pub(crate) fn check_struct<'a>(
    bytes: &'a [u8],
    schema: &'a SchemaRef,
) -> Result<StructRef<'a>, CodecError> {
    let mut c = Cursor::new(bytes);
    c.byte()?;
    let n = c.len()?;
    if n != schema.fields.len() {
        return Err(CodecError::StructArity {
            expected: schema.fields.len(),
            found: n,
        });
    }
    let body = c.buf.get(c.pos..).ok_or(CodecError::Truncated)?;
    let first = c.pos;
    let mut starts = [UNKNOWN_START; KNOWN_STARTS];
    for (i, field) in schema.fields.iter().enumerate() {
        if let Some(slot) = i.checked_sub(1).and_then(|j| starts.get_mut(j)) {
            *slot = u16::try_from(c.pos - first).unwrap_or(UNKNOWN_START);
        }
        check(&mut c, Some(&field.schema), 1)?;
    }
    Ok(StructRef {
        schema,
        body,
        starts,
    })
}

/// The items of an array, map or struct whose tag was just read. One call site of [`check`] per
/// loop, so that the frame stays small in unoptimised builds too (nesting goes [`MAX_DEPTH`]
/// deep).
#[inline(never)]
fn check_container(
    c: &mut Cursor<'_>,
    tag: u8,
    schema: Option<&SchemaRef>,
    depth: usize,
) -> Result<(), CodecError> {
    if tag == STRUCT {
        let schema = schema.ok_or(CodecError::StructWithoutSchema)?;
        let n = c.len()?;
        if n != schema.fields.len() {
            return Err(CodecError::StructArity {
                expected: schema.fields.len(),
                found: n,
            });
        }
        for field in &schema.fields {
            check(c, Some(&field.schema), depth + 1)?;
        }
        return Ok(());
    }
    // An array's items all have the value schema; a map's alternate key, value, key, …
    let values = schema.and_then(|s| s.value_schema.as_ref());
    let (n, keys) = match tag {
        MAP => (
            c.len()?.saturating_mul(2),
            schema.and_then(|s| s.key_schema.as_ref()),
        ),
        _ => (c.len()?, values),
    };
    for i in 0..n {
        check(c, if i % 2 == 0 { keys } else { values }, depth + 1)?;
    }
    Ok(())
}

/// Move the cursor past one value: scalars inline, containers through [`skip_n`].
#[inline(always)]
pub(crate) fn skip_one(c: &mut Cursor<'_>) -> Option<()> {
    let tag = c.byte().ok()?;
    match skip_payload(c, tag)? {
        0 => Some(()),
        children => skip_n(c, children),
    }
}

/// Move the cursor past `n` values. One loop, no recursion: a container only adds its items to
/// the count still to skip (schemas are not needed: counts are in the bytes). `None` only for
/// bytes that [`check`] would refuse.
#[inline]
pub(crate) fn skip_n(c: &mut Cursor<'_>, mut n: usize) -> Option<()> {
    while n > 0 {
        n -= 1;
        let tag = c.byte().ok()?;
        n = n.saturating_add(skip_payload(c, tag)?);
    }
    Some(())
}

/// Move the cursor past the payload of a value tagged `tag`; returns how many values follow
/// as its items (0 for scalars; a map's keys and values both count). `None` for an unknown
/// tag or truncated bytes.
#[inline(always)]
fn skip_payload(c: &mut Cursor<'_>, tag: u8) -> Option<usize> {
    match tag {
        NULL | FALSE | TRUE => {}
        INT8 => {
            c.take(1).ok()?;
        }
        INT16 | INT32 | INT64 | DATE | TIME | TIMESTAMP => {
            c.u64().ok()?;
        }
        FLOAT32 => {
            c.take(4).ok()?;
        }
        FLOAT64 => {
            c.take(8).ok()?;
        }
        STRING | BYTES => {
            let len = c.len().ok()?;
            c.take(len).ok()?;
        }
        ARRAY | STRUCT => return c.len().ok(),
        MAP => return Some(c.len().ok()?.saturating_mul(2)),
        DECIMAL => {
            c.u64().ok()?;
            let len = c.len().ok()?;
            c.take(len).ok()?;
        }
        _ => return None,
    }
    Some(0)
}

/// How many field start offsets a [`StructRef`] keeps (fields 1 to 8; field 0 starts at 0).
pub(crate) const KNOWN_STARTS: usize = 8;
/// A start offset not kept (the field is past [`KNOWN_STARTS`] or starts 64 KiB or more in).
pub(crate) const UNKNOWN_START: u16 = u16::MAX;

/// Read one value of bytes that [`check`] accepted (`None` for anything else). An array's or a
/// map's items are not read: the cursor stops after its count, and the returned view reads them
/// when asked. A struct's fields are skipped over (the cursor ends after the struct), noting
/// where the first [`KNOWN_STARTS`] start.
#[inline(always)]
pub(crate) fn read_head<'a>(
    c: &mut Cursor<'a>,
    schema: Option<&'a SchemaRef>,
) -> Option<ValueRef<'a>> {
    Some(match c.byte().ok()? {
        NULL => ValueRef::Null,
        FALSE => ValueRef::Boolean(false),
        TRUE => ValueRef::Boolean(true),
        INT8 => ValueRef::Int8(c.byte().ok()? as i8),
        INT16 => ValueRef::Int16(narrow(c.i64().ok()?).ok()?),
        INT32 => ValueRef::Int32(narrow(c.i64().ok()?).ok()?),
        INT64 => ValueRef::Int64(c.i64().ok()?),
        FLOAT32 => {
            let b = c.take(4).ok()?;
            ValueRef::Float32(f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        }
        FLOAT64 => {
            let mut a = [0u8; 8];
            a.copy_from_slice(c.take(8).ok()?);
            ValueRef::Float64(f64::from_le_bytes(a))
        }
        STRING => ValueRef::String(checked_str(c)?),
        BYTES => {
            let n = c.len().ok()?;
            ValueRef::Bytes(c.take(n).ok()?)
        }
        ARRAY => ValueRef::Array(ArrayRef {
            len: c.len().ok()?,
            items: schema.and_then(|s| s.value_schema.as_ref()),
            body: c.buf.get(c.pos..)?,
        }),
        MAP => ValueRef::Map(MapRef {
            len: c.len().ok()?,
            keys: schema.and_then(|s| s.key_schema.as_ref()),
            values: schema.and_then(|s| s.value_schema.as_ref()),
            body: c.buf.get(c.pos..)?,
        }),
        STRUCT => {
            let schema = schema?;
            let n = c.len().ok()?;
            let body = c.buf.get(c.pos..)?;
            // Walk the fields once, noting where the first few start, so that reading a field
            // by name does not walk the ones before it again.
            let first = c.pos;
            let mut starts = [UNKNOWN_START; KNOWN_STARTS];
            for i in 0..n {
                if let Some(slot) = i.checked_sub(1).and_then(|j| starts.get_mut(j)) {
                    *slot = u16::try_from(c.pos - first).unwrap_or(UNKNOWN_START);
                }
                skip_one(c)?;
            }
            ValueRef::Struct(StructRef {
                schema,
                body,
                starts,
            })
        }
        DECIMAL => {
            let scale = narrow(c.i64().ok()?).ok()?;
            let n = c.len().ok()?;
            ValueRef::Decimal(DecimalRef {
                scale,
                unscaled: c.take(n).ok()?,
            })
        }
        DATE => ValueRef::Date(narrow(c.i64().ok()?).ok()?),
        TIME => ValueRef::Time(narrow(c.i64().ok()?).ok()?),
        TIMESTAMP => ValueRef::Timestamp(c.i64().ok()?),
        _ => return None,
    })
}

/// The string at the cursor (after its tag), without checking its UTF-8 a second time: only for
/// bytes that [`check`] accepted, which checked every string's UTF-8 as `decode_value` does
/// (checking them again on every read was 18% of the view's instructions in the boundary
/// benchmark). `None` as [`read_head`] for bytes that end early.
#[inline(always)]
fn checked_str<'a>(c: &mut Cursor<'a>) -> Option<&'a str> {
    let n = c.len().ok()?;
    let bytes = c.take(n).ok()?;
    debug_assert!(
        std::str::from_utf8(bytes).is_ok(),
        "a string view over bytes `check` did not accept"
    );
    // SAFETY: the views (`ValueRef`, `StructRef`, `ArrayRef`, `MapRef`) exist only for bytes
    // that `check` accepted: `ValueRef::decode` and `check_struct` build them after the check,
    // and every other view is built by `read_head` from a view's own bytes. Their readers
    // (`read_head`, `read`, `skip_n`) find value boundaries exactly as `check` does (tags and
    // counts only; schemas never change the framing), and a view's bytes are a shared borrow, so
    // they cannot change after the check. `check` ran `from_utf8` (or the stricter `is_ascii`)
    // on these very bytes, the payload of a STRING value, and accepted them. The tests in
    // `value_ref/tests.rs` compare every view with the owned decoder, including every truncation
    // and single-byte corruption of every kind of value.
    #[allow(unsafe_code)]
    let text = unsafe { std::str::from_utf8_unchecked(bytes) };
    Some(text)
}

/// Read one value and move the cursor past it, items included.
#[inline(always)]
pub(crate) fn read<'a>(c: &mut Cursor<'a>, schema: Option<&'a SchemaRef>) -> Option<ValueRef<'a>> {
    let value = read_head(c, schema)?;
    match value {
        ValueRef::Array(a) => skip_n(c, a.len)?,
        ValueRef::Map(m) => skip_n(c, m.len.saturating_mul(2))?,
        // `read_head` walked the struct's fields already.
        _ => {}
    }
    Some(value)
}
