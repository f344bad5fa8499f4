//! Appending records to a [`BatchBuf`].

use std::sync::Arc;

use ferry_data::{SchemaRef, Value};
use ferry_plugin_abi::{BatchBuf, RecordHeader, Span, TimestampType, NO_SCHEMA};

use crate::error::CodecError;
use crate::schema::put_schema;
use crate::short;
use crate::value::{put_bytes, put_value, BYTES, STRING};
use crate::varint::{put_u64, Sink};

/// A Connect header: key, optional schema, value.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub key: String,
    pub schema: Option<SchemaRef>,
    pub value: Value,
}

/// A key or value to encode.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    Null,
    /// A Connect value with its schema (if any).
    Value(Option<&'a SchemaRef>, &'a Value),
    /// Raw bytes, encoded as a BYTES value without building a `Value` first.
    Bytes(Option<&'a SchemaRef>, &'a [u8]),
    /// A string, encoded as a STRING value without building a `Value` first.
    Str(Option<&'a SchemaRef>, &'a str),
}

/// One record to append. Fields a side does not use stay at their defaults (-1, `None`).
#[derive(Debug, Clone, Copy)]
pub struct EncodeRecord<'a> {
    pub topic: &'a str,
    /// Kafka partition, -1 for none.
    pub partition: i32,
    /// Kafka offset, -1 for none.
    pub offset: i64,
    /// Milliseconds since the epoch, or [`ferry_plugin_abi::NO_TIMESTAMP`].
    pub timestamp: i64,
    pub timestamp_type: TimestampType,
    pub key: Payload<'a>,
    pub value: Payload<'a>,
    pub headers: &'a [Header],
    /// Source partition as JSON object text (UTF-8; copied as it is, readers check it).
    pub source_partition: Option<&'a [u8]>,
    /// Source offset as JSON object text (UTF-8; copied as it is, readers check it).
    pub source_offset: Option<&'a [u8]>,
    /// Record flags ([`ferry_plugin_abi::RECORD_FLAG_NO_COMMIT_RECORD`]), 0 for none.
    pub flags: u8,
}

impl<'a> EncodeRecord<'a> {
    /// A record for `topic` with everything else unset.
    pub fn new(topic: &'a str) -> Self {
        EncodeRecord {
            topic,
            partition: -1,
            offset: -1,
            timestamp: ferry_plugin_abi::NO_TIMESTAMP,
            timestamp_type: TimestampType::NONE,
            key: Payload::Null,
            value: Payload::Null,
            headers: &[],
            source_partition: None,
            source_offset: None,
            flags: 0,
        }
    }
}

/// Interning state of a batch being written: which schemas are in its table. Keep one per
/// buffer and reuse it; it resets itself when the buffer has been cleared.
#[derive(Debug, Default)]
pub struct WriterState {
    schemas: Vec<SchemaRef>,
    last_topic: Option<u32>,
}

/// Appends records to a [`BatchBuf`].
pub struct BatchWriter<'a> {
    buf: &'a mut BatchBuf,
    state: &'a mut WriterState,
}

impl<'a> BatchWriter<'a> {
    pub fn new(buf: &'a mut BatchBuf, state: &'a mut WriterState) -> Self {
        if buf.records.is_empty() && buf.schemas.is_empty() && buf.topics.is_empty() {
            state.schemas.clear();
            state.last_topic = None;
        }
        BatchWriter { buf, state }
    }

    pub fn len(&self) -> usize {
        self.buf.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.records.is_empty()
    }

    /// Append one record.
    pub fn push(&mut self, rec: &EncodeRecord<'_>) -> Result<(), CodecError> {
        let topic = self.topic_index(rec.topic)?;
        let (key_schema, key) = self.payload(rec.key)?;
        let (value_schema, value) = self.payload(rec.value)?;
        let headers = self.headers(rec.headers)?;
        let source_partition = self.text(rec.source_partition)?;
        let source_offset = self.text(rec.source_offset)?;
        self.buf.records.push(RecordHeader {
            offset: rec.offset,
            timestamp: rec.timestamp,
            partition: rec.partition,
            topic,
            key_schema,
            value_schema,
            timestamp_type: rec.timestamp_type,
            key,
            value,
            headers,
            source_partition,
            source_offset,
            _reserved: [rec.flags, 0, 0],
            ..RecordHeader::default()
        });
        Ok(())
    }

    fn span_since(&self, start: usize) -> Result<Span, CodecError> {
        let end = self.buf.arena.len();
        let off = u32::try_from(start).map_err(|_| CodecError::TooLarge)?;
        let len = u32::try_from(end - start).map_err(|_| CodecError::TooLarge)?;
        if len == u32::MAX {
            return Err(CodecError::TooLarge);
        }
        Ok(Span { off, len })
    }

    fn topic_index(&mut self, topic: &str) -> Result<u32, CodecError> {
        if let Some(i) = self.state.last_topic {
            if self
                .topic_at(i)
                .is_some_and(|t| short::same(t, topic.as_bytes()))
            {
                return Ok(i);
            }
        }
        let found =
            (0..self.buf.topics.len() as u32).find(|i| self.topic_at(*i) == Some(topic.as_bytes()));
        let index = match found {
            Some(i) => i,
            None => {
                let start = self.buf.arena.len();
                self.buf.arena.push_slice(topic.as_bytes());
                let span = self.span_since(start)?;
                self.buf.topics.push(span);
                (self.buf.topics.len() - 1) as u32
            }
        };
        self.state.last_topic = Some(index);
        Ok(index)
    }

    fn topic_at(&self, i: u32) -> Option<&[u8]> {
        self.buf.topics.get(i as usize)?.get(&self.buf.arena)
    }

    fn schema_index(&mut self, schema: Option<&SchemaRef>) -> u32 {
        let Some(schema) = schema else {
            return NO_SCHEMA;
        };
        let known = &self.state.schemas;
        if let Some(i) = known.iter().position(|s| Arc::ptr_eq(s, schema)) {
            return i as u32;
        }
        if let Some(i) = known.iter().position(|s| **s == **schema) {
            return i as u32;
        }
        put_schema(&mut self.buf.schemas, schema);
        self.state.schemas.push(schema.clone());
        (self.state.schemas.len() - 1) as u32
    }

    #[inline(always)]
    fn payload(&mut self, p: Payload<'_>) -> Result<(u32, Span), CodecError> {
        match p {
            Payload::Null => Ok((NO_SCHEMA, Span::NULL)),
            Payload::Value(schema, value) => {
                let index = self.schema_index(schema);
                let start = self.buf.arena.len();
                put_value(&mut self.buf.arena, value);
                Ok((index, self.span_since(start)?))
            }
            Payload::Bytes(schema, bytes) => self.tagged(schema, BYTES, bytes),
            Payload::Str(schema, text) => self.tagged(schema, STRING, text.as_bytes()),
        }
    }

    fn tagged(
        &mut self,
        schema: Option<&SchemaRef>,
        tag: u8,
        bytes: &[u8],
    ) -> Result<(u32, Span), CodecError> {
        let index = self.schema_index(schema);
        let start = self.buf.arena.len();
        put_bytes(&mut self.buf.arena, tag, bytes);
        Ok((index, self.span_since(start)?))
    }

    fn headers(&mut self, headers: &[Header]) -> Result<Span, CodecError> {
        if headers.is_empty() {
            return Ok(Span::NULL);
        }
        // Schemas first: interning may append to the schema table, not to the arena.
        let indices: Vec<u32> = headers
            .iter()
            .map(|h| self.schema_index(h.schema.as_ref()))
            .collect();
        let start = self.buf.arena.len();
        put_u64(&mut self.buf.arena, headers.len() as u64);
        for (h, index) in headers.iter().zip(indices) {
            put_u64(&mut self.buf.arena, h.key.len() as u64);
            self.buf.arena.push_slice(h.key.as_bytes());
            put_u64(
                &mut self.buf.arena,
                if index == NO_SCHEMA {
                    0
                } else {
                    u64::from(index) + 1
                },
            );
            put_value(&mut self.buf.arena, &h.value);
        }
        self.span_since(start)
    }

    fn text(&mut self, text: Option<&[u8]>) -> Result<Span, CodecError> {
        let Some(text) = text else {
            return Ok(Span::NULL);
        };
        let start = self.buf.arena.len();
        self.buf.arena.push_slice(text);
        self.span_since(start)
    }
}
