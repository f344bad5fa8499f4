//! `Values.ValueParser`: infers a schema and value from text, backtracking to a plain string
//! whenever a structure does not parse.

use std::sync::Arc;

use ferry_data::{logical, Schema, SchemaRef, Value};

use super::merge::{convert_to, SchemaMerger};
use super::temporal::parse_temporal;
use super::tokenizer::{is_blank, java_trim, Tokenizer};
use super::Unparsable;
use crate::decimal::BigDec;
use crate::dedupe::dedupe_entries;
use crate::schemas;

/// Deepest nesting of arrays and maps followed (Java overflows its stack somewhere beyond).
pub(crate) const MAX_DEPTH: usize = 256;

/// A parse result: `None` is Java's `null` (the literal `null`, or nothing at all).
pub(crate) type Parsed = Option<(SchemaRef, Value)>;

pub(crate) struct ValueParser<'a> {
    t: Tokenizer<'a>,
}

impl<'a> ValueParser<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        ValueParser {
            t: Tokenizer::new(text),
        }
    }

    pub(crate) fn parse(&mut self, embedded: bool, depth: usize) -> Result<Parsed, Unparsable> {
        if !self.t.has_next() {
            return Ok(None);
        }
        if embedded && self.t.can_consume("\"") {
            return Ok(Some(self.quoted_string()));
        }
        if self.single_token_literal(embedded, "null") {
            return Ok(None);
        }
        for (literal, value) in [("true", true), ("false", false)] {
            if self.single_token_literal(embedded, literal) {
                return Ok(Some((schemas::BOOLEAN.clone(), Value::Boolean(value))));
            }
        }
        let start = self.t.mark();
        let structure = if self.t.can_consume("[") {
            Some(self.array(depth + 1))
        } else if self.t.can_consume("{") {
            Some(self.map(depth + 1))
        } else {
            None
        };
        match structure {
            Some(Ok(parsed)) => return Ok(parsed),
            Some(Err(Unparsable::Data)) => self.t.rewind_to(start),
            Some(Err(too_deep)) => return Err(too_deep),
            None => {}
        }
        let token = self.t.next();
        if is_blank(token) {
            return Ok(Some((
                schemas::STRING.clone(),
                Value::String(token.to_owned()),
            )));
        }
        self.next_token(embedded, java_trim(token))
    }

    fn single_token_literal(&mut self, embedded: bool, literal: &str) -> bool {
        let start = self.t.mark();
        if self.t.can_consume(literal) && (embedded || !self.t.has_next()) {
            return true;
        }
        self.t.rewind_to(start);
        false
    }

    fn next_token(&mut self, embedded: bool, token: &str) -> Result<Parsed, Unparsable> {
        let first = token.chars().next().unwrap_or(' ');
        if first.is_ascii_digit() {
            if let Some(temporal) = self.multiple_tokens_as_temporal(token) {
                return Ok(Some(temporal));
            }
        }
        if first.is_ascii_digit() || first == '+' || first == '-' {
            if let Some(number) = number(token) {
                return Ok(Some(number));
            }
        }
        if embedded {
            return Err(Unparsable::Data);
        }
        Ok(Some((
            schemas::STRING.clone(),
            Value::String(self.t.original().to_owned()),
        )))
    }

    /// Times and timestamps span five tokens, since an unescaped `:` is a delimiter.
    fn multiple_tokens_as_temporal(&mut self, token: &str) -> Option<(SchemaRef, Value)> {
        let position = self.t.mark();
        if let Some(rest) = self.t.next_n(4) {
            if let Some(temporal) = parse_temporal(&format!("{token}{rest}")) {
                return Some(temporal);
            }
        }
        self.t.rewind_to(position);
        parse_temporal(token)
    }

    fn quoted_string(&mut self) -> (SchemaRef, Value) {
        let mut content = String::new();
        while self.t.has_next() {
            if self.t.can_consume("\"") {
                break;
            }
            content.push_str(self.t.next());
        }
        parse_temporal(&content)
            .unwrap_or_else(|| (schemas::STRING.clone(), Value::String(content)))
    }

    fn array(&mut self, depth: usize) -> Result<Parsed, Unparsable> {
        if depth > MAX_DEPTH {
            return Err(Unparsable::TooDeep);
        }
        let mut items = Vec::new();
        let mut merger = SchemaMerger::default();
        while self.t.has_next() {
            if self.t.can_consume("]") {
                return Ok(Some(match merger.common() {
                    Some(common) => {
                        let items = items
                            .into_iter()
                            .map(|v| convert_to(common, v))
                            .collect::<Result<_, _>>()?;
                        (Schema::array(common.clone()).build(), Value::Array(items))
                    }
                    None => (
                        Arc::new(Schema::of(ferry_data::Type::Array)),
                        Value::Array(items),
                    ),
                }));
            }
            if self.t.can_consume(",") {
                return Err(Unparsable::Data);
            }
            let element = self.parse(true, depth)?;
            merger.merge(element.as_ref().map(|(s, _)| s));
            items.push(element.map_or(Value::Null, |(_, v)| v));
            let position = self.t.mark();
            if self.t.can_consume("]") {
                self.t.rewind_to(position);
            } else if !self.t.can_consume(",") {
                return Err(Unparsable::Data);
            }
        }
        Err(Unparsable::Data)
    }

    fn map(&mut self, depth: usize) -> Result<Parsed, Unparsable> {
        if depth > MAX_DEPTH {
            return Err(Unparsable::TooDeep);
        }
        let mut entries = Vec::new();
        let (mut keys, mut values) = (SchemaMerger::default(), SchemaMerger::default());
        while self.t.has_next() {
            if self.t.can_consume("}") {
                dedupe_entries(&mut entries);
                return map_result(entries, keys.common(), values.common()).map(Some);
            }
            if self.t.can_consume(",") {
                return Err(Unparsable::Data);
            }
            let Some((key_schema, key)) = self.parse(true, depth)? else {
                return Err(Unparsable::Data);
            };
            if !self.t.can_consume(":") {
                return Err(Unparsable::Data);
            }
            let value = self.parse(true, depth)?;
            self.t.can_consume(",");
            keys.merge(Some(&key_schema));
            values.merge(value.as_ref().map(|(s, _)| s));
            entries.push((key, value.map_or(Value::Null, |(_, v)| v)));
        }
        Err(Unparsable::Data)
    }
}

/// The map's schema from the common key and value schemas, entries aligned to them.
fn map_result(
    entries: Vec<(Value, Value)>,
    key: Option<&SchemaRef>,
    value: Option<&SchemaRef>,
) -> Result<(SchemaRef, Value), Unparsable> {
    let mut schema = Schema::of(ferry_data::Type::Map);
    let Some(key) = key else {
        return Ok((Arc::new(schema), Value::Map(entries)));
    };
    schema.key_schema = Some(key.clone());
    schema.value_schema = value.cloned();
    let mut aligned = entries
        .into_iter()
        .map(|(k, v)| {
            let v = match value {
                Some(value_schema) => convert_to(value_schema, v)?,
                None => v,
            };
            Ok((convert_to(key, k)?, v))
        })
        .collect::<Result<Vec<_>, Unparsable>>()?;
    dedupe_entries(&mut aligned);
    Ok((Arc::new(schema), Value::Map(aligned)))
}

/// `ValueParser.parseAsNumber`: the smallest integer type that holds a whole number, else a
/// FLOAT32 or FLOAT64 when finite and fractional, else a Decimal.
fn number(token: &str) -> Option<(SchemaRef, Value)> {
    let decimal = BigDec::parse(token)?;
    if let Some(integral) = decimal.to_exact_i64() {
        return Some(if let Ok(v) = i8::try_from(integral) {
            (schemas::INT8.clone(), Value::Int8(v))
        } else if let Ok(v) = i16::try_from(integral) {
            (schemas::INT16.clone(), Value::Int16(v))
        } else if let Ok(v) = i32::try_from(integral) {
            (schemas::INT32.clone(), Value::Int32(v))
        } else {
            (schemas::INT64.clone(), Value::Int64(integral))
        });
    }
    if decimal.scale != 0 {
        if let Some(f) = token.parse::<f32>().ok().filter(|f| f.is_finite()) {
            return Some((schemas::FLOAT32.clone(), Value::Float32(f)));
        }
        if let Some(d) = token.parse::<f64>().ok().filter(|d| d.is_finite()) {
            return Some((schemas::FLOAT64.clone(), Value::Float64(d)));
        }
    }
    Some((
        logical::decimal(decimal.scale).build(),
        Value::Decimal(decimal.unscaled, decimal.scale),
    ))
}
