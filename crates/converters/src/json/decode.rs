//! JSON to Connect data (`JsonConverter.convertToConnect`), decoded straight from the token
//! stream without an intermediate tree.
//!
//! The functions on the recursion path (value, containers) keep small stack frames, with
//! scalars and error messages handled elsewhere, so that the deepest nesting the reader accepts
//! fits comfortably on a thread's stack.

use ferry_data::{Schema, SchemaRef, Struct, Type, Value};

use super::read::{Reader, Token};
use super::scalar::{self, mismatch};
use crate::dedupe::dedupe_entries;
use crate::schemas::LogicalName;
use crate::ConvertError;

/// Reads Connect values from JSON with one converter's settings.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Decoder {
    pub(crate) replace_null_with_default: bool,
}

/// Whether a map schema's entries are a JSON object (string keys) rather than pairs.
fn string_keys(schema: &Schema) -> bool {
    schema
        .key_schema
        .as_ref()
        .is_none_or(|k| k.ty == Type::String)
}

impl Decoder {
    /// Reads one value for `schema` (schemaless when `None`).
    pub(crate) fn value(
        &self,
        r: &mut Reader<'_>,
        schema: Option<&SchemaRef>,
    ) -> Result<Value, ConvertError> {
        match r.next_token()? {
            Token::ArrayStart => self.array_start(r, schema),
            Token::ObjectStart => self.object_start(r, schema),
            Token::Null => match schema {
                Some(s) => self.null(s),
                None => Ok(Value::Null),
            },
            token => scalar::value(token, schema.map(|s| &**s)),
        }
    }

    /// A JSON null (or missing struct field) for `schema`.
    pub(crate) fn null(&self, schema: &Schema) -> Result<Value, ConvertError> {
        match &schema.default {
            Some(default) if self.replace_null_with_default => Ok(default.clone()),
            _ if schema.optional => Ok(Value::Null),
            _ => Err(required_null(schema)),
        }
    }

    fn array_start(
        &self,
        r: &mut Reader<'_>,
        schema: Option<&SchemaRef>,
    ) -> Result<Value, ConvertError> {
        let Some(schema) = schema else {
            return self.items(r, None);
        };
        match (LogicalName::of(schema), schema.ty) {
            (None, Type::Array) => self.items(r, schema.value_schema.as_ref()),
            (None, Type::Map) if !string_keys(schema) => self.pairs(r, schema),
            _ => Err(container_mismatch(Token::ArrayStart, schema)),
        }
    }

    fn object_start(
        &self,
        r: &mut Reader<'_>,
        schema: Option<&SchemaRef>,
    ) -> Result<Value, ConvertError> {
        let Some(schema) = schema else {
            return self.object_map(r, None);
        };
        match (LogicalName::of(schema), schema.ty) {
            (None, Type::Struct) => self.structure(r, schema),
            (None, Type::Map) if string_keys(schema) => {
                self.object_map(r, schema.value_schema.as_ref())
            }
            _ => Err(container_mismatch(Token::ObjectStart, schema)),
        }
    }

    /// The elements of a started array.
    fn items(
        &self,
        r: &mut Reader<'_>,
        item_schema: Option<&SchemaRef>,
    ) -> Result<Value, ConvertError> {
        let mut items = Vec::new();
        let mut first = true;
        while r.array_next(&mut first)? {
            items.push(self.value(r, item_schema)?);
        }
        Ok(Value::Array(items))
    }

    /// A map with non-string keys, as a started array of `[key, value]` arrays.
    fn pairs(&self, r: &mut Reader<'_>, schema: &Schema) -> Result<Value, ConvertError> {
        let mut entries = Vec::new();
        let mut first = true;
        while r.array_next(&mut first)? {
            let entry = r.next_token()?;
            if entry != Token::ArrayStart {
                return Err(invalid_entry(&entry));
            }
            let mut pair = [Value::Null, Value::Null];
            let (mut len, mut first_item) = (0usize, true);
            while r.array_next(&mut first_item)? {
                match pair.get_mut(len) {
                    Some(slot) => {
                        let part = if len == 0 {
                            &schema.key_schema
                        } else {
                            &schema.value_schema
                        };
                        *slot = self.value(r, part.as_ref())?;
                    }
                    None => r.skip_value()?,
                }
                len += 1;
            }
            if len != 2 {
                return Err(entry_length(len));
            }
            let [key, value] = pair;
            entries.push((key, value));
        }
        dedupe_entries(&mut entries);
        Ok(Value::Map(entries))
    }

    /// A started object as a map with string keys.
    fn object_map(
        &self,
        r: &mut Reader<'_>,
        value_schema: Option<&SchemaRef>,
    ) -> Result<Value, ConvertError> {
        let mut entries = Vec::new();
        let mut first = true;
        while let Some(key) = r.object_next_key(&mut first)? {
            let value = self.value(r, value_schema)?;
            entries.push((Value::String(key.into_owned()), value));
        }
        dedupe_entries(&mut entries);
        Ok(Value::Map(entries))
    }

    /// A started object as a struct with every schema field: unknown members are skipped,
    /// missing ones are null, a repeated one takes its last value.
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
        Ok(Value::Struct(Struct::from_values_unchecked(
            schema.clone(),
            values,
        )))
    }
}

#[cold]
fn container_mismatch(token: Token<'_>, schema: &Schema) -> ConvertError {
    match scalar::value(token.clone(), Some(schema)) {
        Err(e) => e,
        Ok(_) => mismatch(token.node_type(), schema),
    }
}

#[cold]
fn required_null(schema: &Schema) -> ConvertError {
    ConvertError::Data(format!(
        "Invalid null value for required {} field",
        schema.ty
    ))
}

#[cold]
fn invalid_entry(entry: &Token<'_>) -> ConvertError {
    let found = entry.node_type();
    ConvertError::Data(format!(
        "Found invalid map entry instead of array tuple: {found}"
    ))
}

#[cold]
fn entry_length(len: usize) -> ConvertError {
    ConvertError::Data(format!(
        "Found invalid map entry, expected length 2 but found :{len}"
    ))
}
