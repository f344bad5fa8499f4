//! Kafka's `org.apache.kafka.connect.data.Values` text forms, used by the
//! `SimpleHeaderConverter` (and by SMTs that take literal values).

mod merge;
mod parser;
mod render;
mod temporal;
mod tokenizer;

#[cfg(test)]
mod tests;

use ferry_data::{SchemaRef, Value};

use crate::ConvertError;

/// Why a structure did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unparsable {
    /// Not valid here; the parser backtracks (Java's `DataException`).
    Data,
    /// Nested too deeply; the parse is abandoned (where Java overflows its stack).
    TooDeep,
}

/// `Values.convertToString(schema, value)`: the value's text, `None` for null. Numbers and
/// booleans as Java prints them, strings raw at the top level and quoted (with `\` and `"`
/// escaped) inside arrays, maps and structs, bytes as base64, arrays as `[a,b]`, maps as
/// `{k:v}`, structs as `{"field":value}`, dates/times/timestamps as ISO-8601 in UTC.
pub fn convert_to_string(value: &Value) -> Option<String> {
    if value.is_null() {
        return None;
    }
    let mut out = String::new();
    render::append(&mut out, value, false);
    Some(out)
}

/// `Values.parseString(text)`: infers a schema and value. The literal `null` gives
/// `(None, Null)`; booleans, integers (smallest type that fits), floats, decimals, ISO dates,
/// times and timestamps, and `[...]`/`{...}` with a common element schema are recognised;
/// anything else is the text itself as a STRING.
///
/// Fails only for structures nested too deeply to follow.
pub fn parse_string(text: &str) -> Result<(Option<SchemaRef>, Value), ConvertError> {
    if text.is_empty() {
        return Ok((
            Some(crate::schemas::STRING.clone()),
            Value::String(String::new()),
        ));
    }
    match parser::ValueParser::new(text).parse(false, 0) {
        Ok(Some((schema, value))) => Ok((Some(schema), value)),
        Ok(None) => Ok((None, Value::Null)),
        Err(Unparsable::Data) => Ok((
            Some(crate::schemas::STRING.clone()),
            Value::String(text.to_owned()),
        )),
        Err(Unparsable::TooDeep) => Err(ConvertError::data(format!(
            "Failed to parse a value nested more deeply than {} levels",
            parser::MAX_DEPTH
        ))),
    }
}
