//! Connect schemas as JSON (`JsonConverter.asJsonSchema` / `asConnectSchema`).
//!
//! Written keys, in order: `type`, then `items` (array) or `keys`,`values` (map) or `fields`
//! (struct), then `optional` (always), `name`, `version`, `doc`, `parameters`, `default`; a
//! struct field's schema gets `"field":"<name>"` last.

use std::borrow::Cow;
use std::sync::Arc;

use ferry_data::{Field, Schema, SchemaRef, Type};

use super::decode::Decoder;
use super::encode::Encoder;
use super::read::{is_integral, Reader, Token};
use super::write;
use crate::ConvertError;

fn type_name(ty: Type) -> &'static str {
    match ty {
        Type::Boolean => "boolean",
        Type::Int8 => "int8",
        Type::Int16 => "int16",
        Type::Int32 => "int32",
        Type::Int64 => "int64",
        Type::Float32 => "float",
        Type::Float64 => "double",
        Type::Bytes => "bytes",
        Type::String => "string",
        Type::Array => "array",
        Type::Map => "map",
        Type::Struct => "struct",
    }
}

fn type_of(name: &str) -> Option<Type> {
    Type::ALL.into_iter().find(|ty| type_name(*ty) == name)
}

/// Writes `schema` as JSON; `field` names the struct field it belongs to.
pub(crate) fn write_schema(
    out: &mut Vec<u8>,
    encoder: &Encoder,
    schema: &Schema,
    field: Option<&str>,
) -> Result<(), ConvertError> {
    out.extend_from_slice(b"{\"type\":\"");
    out.extend_from_slice(type_name(schema.ty).as_bytes());
    out.push(b'"');
    let nested = |out: &mut Vec<u8>, key: &[u8], s: Option<&SchemaRef>| match s {
        Some(s) => {
            out.extend_from_slice(key);
            write_schema(out, encoder, s, None)
        }
        None => {
            out.extend_from_slice(key);
            out.extend_from_slice(b"null");
            Ok(())
        }
    };
    match schema.ty {
        Type::Array => nested(out, b",\"items\":", schema.value_schema.as_ref())?,
        Type::Map => {
            nested(out, b",\"keys\":", schema.key_schema.as_ref())?;
            nested(out, b",\"values\":", schema.value_schema.as_ref())?;
        }
        Type::Struct => {
            out.extend_from_slice(b",\"fields\":[");
            for (i, f) in schema.fields.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_schema(out, encoder, &f.schema, Some(&f.name))?;
            }
            out.push(b']');
        }
        _ => {}
    }
    out.extend_from_slice(if schema.optional {
        b",\"optional\":true"
    } else {
        b",\"optional\":false"
    });
    if let Some(name) = &schema.name {
        out.extend_from_slice(b",\"name\":");
        write::string(out, name);
    }
    if let Some(version) = schema.version {
        out.extend_from_slice(b",\"version\":");
        write::int(out, i64::from(version));
    }
    if let Some(doc) = &schema.doc {
        out.extend_from_slice(b",\"doc\":");
        write::string(out, doc);
    }
    if !schema.parameters.is_empty() {
        out.extend_from_slice(b",\"parameters\":{");
        for (i, (k, v)) in schema.parameters.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write::string(out, k);
            out.push(b':');
            write::string(out, v);
        }
        out.push(b'}');
    }
    if let Some(default) = schema.default.as_ref().filter(|d| !d.is_null()) {
        out.extend_from_slice(b",\"default\":");
        encoder.value(out, Some(schema), default)?;
    }
    if let Some(field) = field {
        out.extend_from_slice(b",\"field\":");
        write::string(out, field);
    }
    out.push(b'}');
    Ok(())
}

/// The members of one schema object that matter, as read (later duplicates win). Nested
/// schemas and the default are kept as text and interpreted once the type is known.
#[derive(Default)]
struct RawSchema<'a> {
    ty: Option<Cow<'a, str>>,
    optional: bool,
    name: Option<Cow<'a, str>>,
    version: Option<i32>,
    doc: Option<Cow<'a, str>>,
    parameters: Option<&'a str>,
    default: Option<&'a str>,
    items: Option<&'a str>,
    keys: Option<&'a str>,
    values: Option<&'a str>,
    fields: Option<&'a str>,
    field: Option<Cow<'a, str>>,
}

/// Deepest nesting of schemas (array items, map keys and values, struct fields) read.
const MAX_SCHEMA_DEPTH: usize = 100;

/// Parses schema JSON; `Ok(None)` for `null`.
pub(crate) fn parse_schema(
    text: &str,
    decoder: &Decoder,
) -> Result<Option<SchemaRef>, ConvertError> {
    parse_nested(text, decoder, 0)
}

fn parse_nested(
    text: &str,
    decoder: &Decoder,
    depth: usize,
) -> Result<Option<SchemaRef>, ConvertError> {
    if depth > MAX_SCHEMA_DEPTH {
        return Err(error(Problem::TooDeep));
    }
    let mut r = Reader::new(text);
    match r.next_token()? {
        Token::Null => Ok(None),
        Token::ObjectStart => build(Box::new(read_raw(&mut r)?), decoder, depth).map(Some),
        other => {
            r.skip_rest(&other)?;
            Err(error(Problem::NoType))
        }
    }
}

/// The ways schema JSON can be wrong, with Kafka's messages.
#[derive(Debug, Clone, Copy)]
enum Problem {
    NoType,
    NoItems,
    NoKeys,
    NoValues,
    NullKeys,
    NullValues,
    FieldsNotArray,
    FieldName,
    Parameters,
    TooDeep,
}

#[cold]
fn error(problem: Problem) -> ConvertError {
    ConvertError::data(match problem {
        Problem::NoType => "Schema must contain 'type' field",
        Problem::NoItems => "Array schema did not specify the element type",
        Problem::NoKeys => "Map schema did not specify the key type",
        Problem::NoValues => "Map schema did not specify the value type",
        Problem::NullKeys => "keySchema cannot be null.",
        Problem::NullValues => "valueSchema cannot be null.",
        Problem::FieldsNotArray => "Struct schema's \"fields\" argument is not an array.",
        Problem::FieldName => "Struct schema's field name not specified properly",
        Problem::Parameters => "Schema parameters must have string values.",
        Problem::TooDeep => "Schema nesting depth exceeds the maximum allowed (100)",
    })
}

#[cold]
fn unknown_type(name: &str) -> ConvertError {
    ConvertError::Data(format!("Unknown schema type: {name}"))
}

#[cold]
fn duplicate_field(name: &str) -> ConvertError {
    ConvertError::Data(format!(
        "Cannot create field because of field name duplication {name}"
    ))
}

fn read_raw<'a>(r: &mut Reader<'a>) -> Result<RawSchema<'a>, ConvertError> {
    let mut raw = RawSchema::default();
    let mut first = true;
    while let Some(key) = r.object_next_key(&mut first)? {
        match &*key {
            "type" => raw.ty = text(r)?,
            "name" => raw.name = text(r)?,
            "doc" => raw.doc = text(r)?,
            "field" => raw.field = text(r)?,
            "optional" => {
                let token = r.next_token()?;
                raw.optional = token == Token::Bool(true);
                r.skip_rest(&token)?;
            }
            "version" => {
                raw.version = match r.next_token()? {
                    // `intValue()` of an integral node: the low 32 bits.
                    Token::Number(n) if is_integral(n) => n.parse::<i64>().ok().map(|v| v as i32),
                    other => skip_token(r, &other, None)?,
                }
            }
            "parameters" => raw.parameters = Some(r.value_span()?).filter(|s| s.starts_with('{')),
            "default" => raw.default = Some(r.value_span()?),
            "items" => raw.items = Some(r.value_span()?),
            "keys" => raw.keys = Some(r.value_span()?),
            "values" => raw.values = Some(r.value_span()?),
            "fields" => raw.fields = Some(r.value_span()?),
            _ => r.skip_value()?,
        }
    }
    Ok(raw)
}

/// A string member's value, or `None` (skipping it) when it is not a string.
fn text<'a>(r: &mut Reader<'a>) -> Result<Option<Cow<'a, str>>, ConvertError> {
    match r.next_token()? {
        Token::String(s) => Ok(Some(s)),
        other => skip_token(r, &other, None),
    }
}

fn skip_token<T>(r: &mut Reader<'_>, token: &Token<'_>, result: T) -> Result<T, ConvertError> {
    r.skip_rest(token)?;
    Ok(result)
}

fn build(
    raw: Box<RawSchema<'_>>,
    decoder: &Decoder,
    depth: usize,
) -> Result<SchemaRef, ConvertError> {
    let ty_name = raw.ty.as_deref().ok_or_else(|| error(Problem::NoType))?;
    let ty = type_of(ty_name).ok_or_else(|| unknown_type(ty_name))?;
    let mut schema = Schema::of(ty);
    let depth = depth + 1;
    match ty {
        Type::Array => {
            let items = raw
                .items
                .filter(|t| *t != "null")
                .ok_or_else(|| error(Problem::NoItems))?;
            schema.value_schema = parse_nested(items, decoder, depth)?;
        }
        Type::Map => {
            let keys = raw.keys.ok_or_else(|| error(Problem::NoKeys))?;
            let values = raw.values.ok_or_else(|| error(Problem::NoValues))?;
            let keys =
                parse_nested(keys, decoder, depth)?.ok_or_else(|| error(Problem::NullKeys))?;
            let values = parse_nested(values, decoder, depth)?;
            schema.key_schema = Some(keys);
            schema.value_schema = Some(values.ok_or_else(|| error(Problem::NullValues))?);
        }
        Type::Struct => schema.fields = fields(raw.fields, decoder, depth)?,
        _ => {}
    }
    let RawSchema {
        optional,
        name,
        version,
        doc,
        parameters: params,
        default,
        ..
    } = *raw;
    schema.optional = optional;
    schema.name = name.map(Cow::into_owned);
    schema.version = version;
    schema.doc = doc.map(Cow::into_owned);
    if let Some(text) = params {
        schema.parameters = parameters(text)?;
    }
    let Some(default) = default else {
        return Ok(Arc::new(schema));
    };
    let base = Arc::new(schema);
    let value = if default == "null" {
        decoder.null(&base)?
    } else {
        decoder.value(&mut Reader::new(default), Some(&base))?
    };
    let mut schema = Arc::unwrap_or_clone(base);
    schema.default = Some(value).filter(|v| !v.is_null());
    Ok(Arc::new(schema))
}

fn fields(text: Option<&str>, decoder: &Decoder, depth: usize) -> Result<Vec<Field>, ConvertError> {
    let text = text
        .filter(|t| t.starts_with('['))
        .ok_or_else(|| error(Problem::FieldsNotArray))?;
    let mut r = Reader::new(text);
    r.next_token()?;
    let mut fields: Vec<Field> = Vec::new();
    let mut first = true;
    while r.array_next(&mut first)? {
        let raw = match r.next_token()? {
            Token::ObjectStart => read_raw(&mut r)?,
            other => skip_token(&mut r, &other, RawSchema::default())?,
        };
        let name = raw
            .field
            .clone()
            .map(Cow::into_owned)
            .ok_or_else(|| error(Problem::FieldName))?;
        let schema = build(Box::new(raw), decoder, depth)?;
        if fields.iter().any(|f| f.name == name) {
            return Err(duplicate_field(&name));
        }
        fields.push(Field {
            index: fields.len(),
            name,
            schema,
        });
    }
    Ok(fields)
}

fn parameters(text: &str) -> Result<Vec<(String, String)>, ConvertError> {
    let mut r = Reader::new(text);
    r.next_token()?;
    let mut out: Vec<(String, String)> = Vec::new();
    let mut first = true;
    while let Some(key) = r.object_next_key(&mut first)? {
        let Token::String(value) = r.next_token()? else {
            return Err(error(Problem::Parameters));
        };
        match out.iter_mut().find(|(k, _)| *k == *key) {
            Some(slot) => slot.1 = value.into_owned(),
            None => out.push((key.into_owned(), value.into_owned())),
        }
    }
    Ok(out)
}
