//! `org.apache.kafka.connect.json.JsonConverter`.

mod cache;
mod config;
mod decode;
mod encode;
mod encode_ref;
mod read;
mod scalar;
mod schema;
mod write;

#[cfg(test)]
mod ref_tests;
#[cfg(test)]
mod tests;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use ferry_codec::ValueRef;
use ferry_data::{SchemaRef, Value};

use self::cache::{SchemaParseCache, SchemaTextCache};
pub use self::config::DecimalFormat;
use self::config::JsonConfig;
use self::decode::Decoder;
use self::encode::Encoder;
use self::read::Reader;
use crate::{ConvertError, Converter, ConverterConfig};

const ENVELOPE_ERROR: &str = "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields and may not contain additional fields. If you are trying to deserialize plain JSON data, set schemas.enable=false in your converter configuration.";

/// Kafka's `JsonConverter`, byte-compatible in both directions.
///
/// With `schemas.enable=true` (the default) records are `{"schema":<schema>,"payload":<value>}`;
/// otherwise just the value, read back schemaless (integers as INT64, other numbers as FLOAT64,
/// objects as maps with string keys). Other keys: `schemas.cache.size` (1000),
/// `decimal.format` (`BASE64` or `NUMERIC`), `replace.null.with.default` (true).
///
/// Schema translations are cached both ways, so a stream of records with the same schema
/// renders or parses it once.
#[derive(Debug)]
pub struct JsonConverter {
    config: JsonConfig,
    encoder: Encoder,
    decoder: Decoder,
    schema_texts: SchemaTextCache,
    schemas: SchemaParseCache,
    /// Size of the last record written, to size the next buffer.
    size_hint: AtomicUsize,
}

impl JsonConverter {
    /// A converter from its configuration; unknown keys are ignored, invalid values rejected.
    pub fn new(config: &ConverterConfig) -> Result<Self, ConvertError> {
        let config = JsonConfig::parse(config)?;
        Ok(JsonConverter {
            encoder: Encoder {
                decimal_format: config.decimal_format,
                replace_null_with_default: config.replace_null_with_default,
            },
            decoder: Decoder {
                replace_null_with_default: config.replace_null_with_default,
            },
            schema_texts: SchemaTextCache::new(config.cache_size),
            schemas: SchemaParseCache::new(config.cache_size),
            size_hint: AtomicUsize::new(64),
            config,
        })
    }

    /// Whether records carry the schema envelope (`schemas.enable`).
    pub fn schemas_enabled(&self) -> bool {
        self.config.schemas_enable
    }

    /// How Decimal values are written (`decimal.format`).
    pub fn decimal_format(&self) -> DecimalFormat {
        self.config.decimal_format
    }

    /// The JSON of a schema (cached).
    fn schema_text(&self, schema: &SchemaRef) -> Result<Arc<[u8]>, ConvertError> {
        self.schema_texts.get_or_render(schema, || {
            let mut out = Vec::with_capacity(64);
            schema::write_schema(&mut out, &self.encoder, schema, None)?;
            Ok(out)
        })
    }

    /// The schema of an envelope's `schema` member text (cached by exact text).
    fn schema_from_text(&self, text: &str) -> Result<Option<SchemaRef>, ConvertError> {
        if text == "null" {
            return Ok(None);
        }
        if let Some(schema) = self.schemas.get(text) {
            return Ok(Some(schema));
        }
        let parsed = schema::parse_schema(text, &self.decoder)?;
        if let Some(schema) = &parsed {
            self.schemas.insert(text, schema.clone());
        }
        Ok(parsed)
    }

    fn read_plain(&self, r: &mut Reader<'_>) -> Result<(Option<SchemaRef>, Value), ConvertError> {
        let Some(first) = r.peek() else {
            return Ok((None, Value::Null));
        };
        let value = self.decoder.value(r, None)?;
        let number = matches!(first, b'-' | b'0'..=b'9');
        if number
            && r.byte_after()
                .is_some_and(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            return Err(r.error("Expected space separating root-level values"));
        }
        Ok((None, value))
    }

    /// Reads `{"schema":..,"payload":..}`. The payload is decoded while reading when the schema
    /// came first (as Kafka writes it), otherwise from its text afterwards.
    fn read_envelope(
        &self,
        r: &mut Reader<'_>,
    ) -> Result<(Option<SchemaRef>, Value), ConvertError> {
        if r.peek() != Some(b'{') {
            if r.peek().is_some() {
                r.skip_value()?;
            }
            return Err(ConvertError::data(ENVELOPE_ERROR));
        }
        r.next_token()?;
        let (mut schema, mut schema_count) = (None, 0u32);
        let mut payload: Option<(&str, Option<(u32, Value)>)> = None;
        let (mut extra, mut first) = (false, true);
        while let Some(key) = r.object_next_key(&mut first)? {
            match &*key {
                "schema" => {
                    schema = Some(match self.schemas.last_prefix_of(r.rest()) {
                        Some((len, known)) => {
                            r.skip_known_value(len);
                            Some(known)
                        }
                        None => self.schema_from_text(r.value_span()?)?,
                    });
                    schema_count += 1;
                }
                "payload" => match &schema {
                    Some(known) if !extra => {
                        let mark = r.mark();
                        let value = self.decoder.value(r, known.as_ref())?;
                        payload = Some((r.since(mark), Some((schema_count, value))));
                    }
                    _ => payload = Some((r.value_span()?, None)),
                },
                _ => {
                    extra = true;
                    r.skip_value()?;
                }
            }
        }
        let (Some(schema), Some((text, decoded)), false) = (schema, payload, extra) else {
            return Err(ConvertError::data(ENVELOPE_ERROR));
        };
        let value = match decoded {
            Some((count, value)) if count == schema_count => value,
            _ => self
                .decoder
                .value(&mut Reader::new(text), schema.as_ref())?,
        };
        Ok((schema, value))
    }

    #[cfg(test)]
    fn cache_sizes(&self) -> (usize, usize) {
        (self.schema_texts.len(), self.schemas.len())
    }
}

impl Converter for JsonConverter {
    fn from_connect(
        &self,
        _topic: &str,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> Result<Option<Vec<u8>>, ConvertError> {
        if schema.is_none() && value.is_null() {
            return Ok(None);
        }
        let mut out = Vec::with_capacity(self.size_hint.load(Ordering::Relaxed));
        let plain_schema = schema.map(|s| &**s);
        if self.config.schemas_enable {
            out.extend_from_slice(b"{\"schema\":");
            match schema {
                Some(s) => out.extend_from_slice(&self.schema_text(s)?),
                None => out.extend_from_slice(b"null"),
            }
            out.extend_from_slice(b",\"payload\":");
            self.encoder.value(&mut out, plain_schema, value)?;
            out.push(b'}');
        } else {
            self.encoder.value(&mut out, plain_schema, value)?;
        }
        self.size_hint.store(out.len().max(64), Ordering::Relaxed);
        Ok(Some(out))
    }

    fn from_connect_ref(
        &self,
        topic: &str,
        schema: Option<&SchemaRef>,
        value: ValueRef<'_>,
    ) -> Result<Option<Vec<u8>>, ConvertError> {
        if let Some(s) = schema {
            let mut out = Vec::with_capacity(self.size_hint.load(Ordering::Relaxed));
            if self.config.schemas_enable {
                out.extend_from_slice(b"{\"schema\":");
                out.extend_from_slice(&self.schema_text(s)?);
                out.extend_from_slice(b",\"payload\":");
            }
            if self.encoder.value_ref(&mut out, s, value).is_some() {
                if self.config.schemas_enable {
                    out.push(b'}');
                }
                self.size_hint.store(out.len().max(64), Ordering::Relaxed);
                return Ok(Some(out));
            }
        }
        self.from_connect(topic, schema, &value.to_value())
    }

    fn to_connect(
        &self,
        _topic: &str,
        bytes: Option<&[u8]>,
    ) -> Result<(Option<SchemaRef>, Value), ConvertError> {
        let Some(bytes) = bytes else {
            return Ok((None, Value::Null));
        };
        let mut r = Reader::from_bytes(bytes)?;
        if self.config.schemas_enable {
            self.read_envelope(&mut r)
        } else {
            self.read_plain(&mut r)
        }
    }
}

crate::header_converter_via_converter!(JsonConverter);
