//! Schema encoding: type, flags, optional name/version/doc, parameters, children, default.

use std::sync::Arc;

use ferry_data::{Field, Schema, SchemaRef, Type};

use crate::error::CodecError;
use crate::value::{put_value, read_value};
use crate::varint::{put_i64, put_u64, Cursor, Sink};

const OPTIONAL: u8 = 1;
const DEFAULT: u8 = 1 << 1;
const NAME: u8 = 1 << 2;
const VERSION: u8 = 1 << 3;
const DOC: u8 = 1 << 4;

/// Append the encoding of `schema` to `out`.
pub fn encode_schema(out: &mut Vec<u8>, schema: &Schema) {
    put_schema(out, schema);
}

fn type_code(ty: Type) -> u8 {
    Type::ALL.iter().position(|t| *t == ty).unwrap_or(0) as u8
}

fn put_str(out: &mut impl Sink, s: &str) {
    put_u64(out, s.len() as u64);
    out.push_slice(s.as_bytes());
}

pub(crate) fn put_schema(out: &mut impl Sink, s: &Schema) {
    out.push_byte(type_code(s.ty));
    let mut flags = 0;
    if s.optional {
        flags |= OPTIONAL;
    }
    if s.default.is_some() {
        flags |= DEFAULT;
    }
    if s.name.is_some() {
        flags |= NAME;
    }
    if s.version.is_some() {
        flags |= VERSION;
    }
    if s.doc.is_some() {
        flags |= DOC;
    }
    out.push_byte(flags);
    if let Some(n) = &s.name {
        put_str(out, n);
    }
    if let Some(v) = s.version {
        put_i64(out, i64::from(v));
    }
    if let Some(d) = &s.doc {
        put_str(out, d);
    }
    put_u64(out, s.parameters.len() as u64);
    for (k, v) in &s.parameters {
        put_str(out, k);
        put_str(out, v);
    }
    match s.ty {
        Type::Struct => {
            put_u64(out, s.fields.len() as u64);
            for f in &s.fields {
                put_str(out, &f.name);
                put_schema(out, &f.schema);
            }
        }
        Type::Array => put_child(out, s.value_schema.as_deref()),
        Type::Map => {
            put_child(out, s.key_schema.as_deref());
            put_child(out, s.value_schema.as_deref());
        }
        _ => {}
    }
    if let Some(d) = &s.default {
        put_value(out, d);
    }
}

fn put_child(out: &mut impl Sink, child: Option<&Schema>) {
    // A container without an element schema is malformed in Connect; encode an optional bytes
    // schema rather than failing, so that the other side still gets a well-formed table.
    match child {
        Some(c) => put_schema(out, c),
        None => put_schema(
            out,
            &Schema {
                optional: true,
                ..Schema::of(Type::Bytes)
            },
        ),
    }
}

/// Decode one schema.
pub fn decode_schema(bytes: &[u8]) -> Result<SchemaRef, CodecError> {
    read_schema(&mut Cursor::new(bytes))
}

pub(crate) fn read_schema(c: &mut Cursor<'_>) -> Result<SchemaRef, CodecError> {
    let code = c.byte()?;
    let ty = *Type::ALL
        .get(code as usize)
        .ok_or(CodecError::BadSchemaType(code))?;
    let flags = c.byte()?;
    let mut s = Schema::of(ty);
    s.optional = flags & OPTIONAL != 0;
    if flags & NAME != 0 {
        s.name = Some(c.str()?.to_owned());
    }
    if flags & VERSION != 0 {
        s.version = Some(i32::try_from(c.i64()?).map_err(|_| CodecError::Truncated)?);
    }
    if flags & DOC != 0 {
        s.doc = Some(c.str()?.to_owned());
    }
    let n = c.len()?;
    for _ in 0..n {
        let k = c.str()?.to_owned();
        let v = c.str()?.to_owned();
        s.parameters.push((k, v));
    }
    match ty {
        Type::Struct => {
            let n = c.len()?;
            for index in 0..n {
                let name = c.str()?.to_owned();
                let schema = read_schema(c)?;
                s.fields.push(Field {
                    name,
                    index,
                    schema,
                });
            }
        }
        Type::Array => s.value_schema = Some(read_schema(c)?),
        Type::Map => {
            s.key_schema = Some(read_schema(c)?);
            s.value_schema = Some(read_schema(c)?);
        }
        _ => {}
    }
    if flags & DEFAULT != 0 {
        let without_default = Arc::new(s.clone());
        s.default = Some(read_value(c, Some(&without_default))?);
    }
    Ok(Arc::new(s))
}
