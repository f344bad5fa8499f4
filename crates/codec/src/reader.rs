//! Reading records out of a [`BatchRef`], lazily.

use ferry_data::{SchemaRef, Value};
use ferry_plugin_abi::{
    BatchRef, RecordHeader, Span, TimestampType, ENCODING_VERSION, NO_SCHEMA, NO_TIMESTAMP,
};

use crate::error::CodecError;
use crate::schema::read_schema;
use crate::short;
use crate::value::{raw_payload, read_value, tagged_payload, STRING};
use crate::value_ref::ValueRef;
use crate::varint::Cursor;
use crate::writer::Header;

/// Decoded schema tables, reused while consecutive batches carry the same table bytes (the
/// common case: one schema per topic), so a steady stream decodes its schemas once.
#[derive(Debug, Default)]
pub struct SchemaCache {
    bytes: Vec<u8>,
    schemas: Vec<SchemaRef>,
}

impl SchemaCache {
    fn load(&mut self, table: &[u8]) -> Result<(), CodecError> {
        if self.bytes == table && (!self.schemas.is_empty() || table.is_empty()) {
            return Ok(());
        }
        self.schemas.clear();
        self.bytes.clear();
        let mut c = Cursor::new(table);
        while !c.at_end() {
            self.schemas.push(read_schema(&mut c)?);
        }
        self.bytes.extend_from_slice(table);
        Ok(())
    }
}

/// A batch opened for reading.
#[derive(Clone, Copy)]
pub struct BatchReader<'a> {
    records: &'a [RecordHeader],
    topics: &'a [Span],
    arena: &'a [u8],
    schemas: &'a [SchemaRef],
}

impl<'a> BatchReader<'a> {
    /// Open `batch`, decoding its schema table through `cache`.
    pub fn new(batch: BatchRef<'a>, cache: &'a mut SchemaCache) -> Result<Self, CodecError> {
        if batch.encoding != ENCODING_VERSION {
            return Err(CodecError::Version(batch.encoding, ENCODING_VERSION));
        }
        cache.load(batch.schemas.as_slice())?;
        Ok(BatchReader {
            records: batch.records.as_slice(),
            topics: batch.topics.as_slice(),
            arena: batch.arena.as_slice(),
            schemas: &cache.schemas,
        })
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The record at `index`.
    pub fn get(&self, index: usize) -> Option<RecordView<'a>> {
        let header = self.records.get(index)?;
        Some(RecordView {
            header,
            reader: *self,
        })
    }

    #[inline]
    pub fn iter(&self) -> impl ExactSizeIterator<Item = RecordView<'a>> + 'a {
        let reader = *self;
        self.records
            .iter()
            .map(move |header| RecordView { header, reader })
    }
}

/// One record of a batch. Accessors decode on demand.
/// A string or bytes key or value, read in place (see [`RecordView::value_raw`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RawValue<'a> {
    /// The UTF-8 bytes of a string (checked).
    String(&'a [u8]),
    Bytes(&'a [u8]),
}

#[inline]
fn raw_value(encoded: &[u8]) -> Option<RawValue<'_>> {
    match tagged_payload(encoded)? {
        (STRING, s) if short::is_ascii(s) || std::str::from_utf8(s).is_ok() => {
            Some(RawValue::String(s))
        }
        (STRING, _) => None,
        (_, b) => Some(RawValue::Bytes(b)),
    }
}

#[derive(Clone, Copy)]
pub struct RecordView<'a> {
    header: &'a RecordHeader,
    reader: BatchReader<'a>,
}

impl<'a> RecordView<'a> {
    pub fn header(&self) -> &'a RecordHeader {
        self.header
    }

    pub fn topic(&self) -> Result<&'a str, CodecError> {
        let span = self
            .reader
            .topics
            .get(self.header.topic as usize)
            .ok_or(CodecError::NoSuchTopic(self.header.topic))?;
        let bytes = span.get(self.reader.arena).ok_or(CodecError::BadSpan)?;
        std::str::from_utf8(bytes).map_err(|_| CodecError::BadUtf8)
    }

    /// Kafka partition, `None` when unset.
    pub fn partition(&self) -> Option<i32> {
        (self.header.partition >= 0).then_some(self.header.partition)
    }

    /// Kafka offset, `None` when unset.
    pub fn offset(&self) -> Option<i64> {
        (self.header.offset >= 0).then_some(self.header.offset)
    }

    pub fn timestamp(&self) -> Option<i64> {
        (self.header.timestamp != NO_TIMESTAMP).then_some(self.header.timestamp)
    }

    pub fn timestamp_type(&self) -> TimestampType {
        self.header.timestamp_type
    }

    fn schema(&self, index: u32) -> Result<Option<&'a SchemaRef>, CodecError> {
        if index == NO_SCHEMA {
            return Ok(None);
        }
        self.reader
            .schemas
            .get(index as usize)
            .map(Some)
            .ok_or(CodecError::NoSuchSchema(index))
    }

    pub fn key_schema(&self) -> Result<Option<&'a SchemaRef>, CodecError> {
        self.schema(self.header.key_schema)
    }

    pub fn value_schema(&self) -> Result<Option<&'a SchemaRef>, CodecError> {
        self.schema(self.header.value_schema)
    }

    fn encoded(&self, span: Span) -> Result<Option<&'a [u8]>, CodecError> {
        if span.is_null() {
            return Ok(None);
        }
        span.get(self.reader.arena)
            .map(Some)
            .ok_or(CodecError::BadSpan)
    }

    fn decode(&self, span: Span, schema: u32) -> Result<Value, CodecError> {
        match self.encoded(span)? {
            None => Ok(Value::Null),
            Some(bytes) => read_value(&mut Cursor::new(bytes), self.schema(schema)?),
        }
    }

    /// The key, decoded.
    pub fn key(&self) -> Result<Value, CodecError> {
        self.decode(self.header.key, self.header.key_schema)
    }

    /// The value, decoded (`Value::Null` for a tombstone).
    pub fn value(&self) -> Result<Value, CodecError> {
        self.decode(self.header.value, self.header.value_schema)
    }

    fn view(&self, span: Span, schema: u32) -> Result<ValueRef<'a>, CodecError> {
        match self.encoded(span)? {
            None => Ok(ValueRef::Null),
            Some(bytes) => ValueRef::decode(bytes, self.schema(schema)?),
        }
    }

    /// The key as a borrowed view ([`ValueRef`]): checked, not copied.
    pub fn key_ref(&self) -> Result<ValueRef<'a>, CodecError> {
        self.view(self.header.key, self.header.key_schema)
    }

    /// The value as a borrowed view ([`ValueRef`]): checked, not copied (`ValueRef::Null` for a
    /// tombstone). Fails exactly when [`value`](Self::value) fails.
    pub fn value_ref(&self) -> Result<ValueRef<'a>, CodecError> {
        self.view(self.header.value, self.header.value_schema)
    }

    /// The value's bytes when it is a string or bytes value, without decoding anything.
    #[inline]
    pub fn value_bytes(&self) -> Option<&'a [u8]> {
        raw_payload(self.header.value.get(self.reader.arena)?)
    }

    /// The key's bytes when it is a string or bytes value, without decoding anything.
    pub fn key_bytes(&self) -> Option<&'a [u8]> {
        raw_payload(self.header.key.get(self.reader.arena)?)
    }

    /// The value when it is a string or bytes value, told apart, without copying it. A string
    /// is checked as UTF-8 (as [`value`](Self::value) checks it); `None` for anything else,
    /// including a malformed string.
    #[inline]
    pub fn value_raw(&self) -> Option<RawValue<'a>> {
        raw_value(self.header.value.get(self.reader.arena)?)
    }

    /// The key as [`value_raw`](Self::value_raw) reads the value.
    #[inline]
    pub fn key_raw(&self) -> Option<RawValue<'a>> {
        raw_value(self.header.key.get(self.reader.arena)?)
    }

    /// The headers, decoded.
    pub fn headers(&self) -> Result<Vec<Header>, CodecError> {
        let Some(bytes) = self.encoded(self.header.headers)? else {
            return Ok(Vec::new());
        };
        let mut c = Cursor::new(bytes);
        let n = c.len()?;
        let mut out = Vec::with_capacity(n.min(bytes.len()));
        for _ in 0..n {
            let key = c.str()?.to_owned();
            let index = c.u64()?;
            let schema = match index {
                0 => None,
                i => Some(
                    self.schema(
                        u32::try_from(i - 1).map_err(|_| CodecError::NoSuchSchema(u32::MAX))?,
                    )?
                    .ok_or(CodecError::NoSuchSchema(u32::MAX))?
                    .clone(),
                ),
            };
            let value = read_value(&mut c, schema.as_ref())?;
            out.push(Header { key, schema, value });
        }
        Ok(out)
    }

    fn text(&self, span: Span) -> Result<Option<&'a str>, CodecError> {
        match self.encoded(span)? {
            None => Ok(None),
            Some(b) => std::str::from_utf8(b)
                .map(Some)
                .map_err(|_| CodecError::BadUtf8),
        }
    }

    /// Source partition as JSON text.
    pub fn source_partition(&self) -> Result<Option<&'a str>, CodecError> {
        self.text(self.header.source_partition)
    }

    /// Source offset as JSON text.
    pub fn source_offset(&self) -> Result<Option<&'a str>, CodecError> {
        self.text(self.header.source_offset)
    }
}

#[cfg(test)]
mod tests {
    use ferry_data::Value;
    use ferry_plugin_abi::BatchBuf;

    use super::*;
    use crate::writer::{BatchWriter, EncodeRecord, Payload, WriterState};

    #[test]
    fn raw_values_tell_strings_from_bytes() {
        let mut buf = BatchBuf::new();
        let mut state = WriterState::default();
        let mut w = BatchWriter::new(&mut buf, &mut state);
        let line = Value::String("a line".into());
        let number = Value::Int32(7);
        for (key, value) in [
            (Payload::Null, Payload::Value(None, &line)),
            (
                Payload::Bytes(None, b"k"),
                Payload::Bytes(None, b"\xff\x00"),
            ),
            (Payload::Value(None, &number), Payload::Str(None, "a line")),
        ] {
            let mut rec = EncodeRecord::new("t");
            rec.key = key;
            rec.value = value;
            w.push(&rec).unwrap();
        }
        // A string that is not UTF-8: not a raw string (decoding it fails too).
        let start = buf.arena.len() as u32;
        buf.arena.extend_from_slice(&[STRING, 1, 0xff]);
        let mut bad = buf.records[0];
        bad.value = Span { off: start, len: 3 };
        buf.records.push(bad);

        let mut cache = SchemaCache::default();
        let reader = BatchReader::new(buf.as_batch_ref(), &mut cache).unwrap();
        let raw: Vec<_> = reader
            .iter()
            .map(|v| (v.key_raw(), v.value_raw()))
            .collect();
        assert_eq!(
            raw,
            [
                (None, Some(RawValue::String(b"a line"))),
                (
                    Some(RawValue::Bytes(b"k")),
                    Some(RawValue::Bytes(b"\xff\x00"))
                ),
                (None, Some(RawValue::String(b"a line"))),
                (None, None),
            ]
        );
        assert_eq!(reader.get(0).unwrap().value().unwrap(), line);
        assert_eq!(reader.get(2).unwrap().value().unwrap(), line);
        assert!(reader.get(3).unwrap().value().is_err());
    }
}
