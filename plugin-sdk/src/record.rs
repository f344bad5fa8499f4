use std::fmt;

use ferry_codec::RecordView;
use ferry_data::{SchemaRef, Value};

pub use ferry_codec::Header;
pub use ferry_codec::{ArrayRef, DecimalRef, Entries, Fields, Items, MapRef, StructRef, ValueRef};

use crate::error::Result;

/// A JSON object: source partitions and source offsets are maps of strings to primitives, as in
/// Kafka Connect.
pub type JsonMap = serde_json::Map<String, serde_json::Value>;

/// A Kafka topic partition.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicPartition {
    pub topic: String,
    pub partition: i32,
}

impl TopicPartition {
    pub fn new(topic: impl Into<String>, partition: i32) -> Self {
        TopicPartition {
            topic: topic.into(),
            partition,
        }
    }
}

impl fmt::Display for TopicPartition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}

/// A record produced by a source task (Kafka's `SourceRecord`).
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRecord {
    /// Where the record came from, e.g. `{"filename": "/tmp/in.txt"}`.
    pub source_partition: Option<JsonMap>,
    /// How far into that partition, e.g. `{"position": 42}`.
    pub source_offset: Option<JsonMap>,
    pub topic: String,
    /// Kafka partition; `None` lets the producer choose.
    pub partition: Option<i32>,
    pub key_schema: Option<SchemaRef>,
    pub key: Value,
    pub value_schema: Option<SchemaRef>,
    pub value: Value,
    /// Milliseconds since the epoch; `None` lets the producer assign one.
    pub timestamp: Option<i64>,
    pub headers: Vec<Header>,
}

impl SourceRecord {
    /// A record with a value for `topic`; everything else unset.
    pub fn new(topic: impl Into<String>, value_schema: Option<SchemaRef>, value: Value) -> Self {
        SourceRecord {
            source_partition: None,
            source_offset: None,
            topic: topic.into(),
            partition: None,
            key_schema: None,
            key: Value::Null,
            value_schema,
            value,
            timestamp: None,
            headers: Vec::new(),
        }
    }

    /// Set the source partition and offset.
    pub fn with_source(mut self, partition: JsonMap, offset: JsonMap) -> Self {
        self.source_partition = Some(partition);
        self.source_offset = Some(offset);
        self
    }

    pub fn with_key(mut self, schema: Option<SchemaRef>, key: Value) -> Self {
        self.key_schema = schema;
        self.key = key;
        self
    }

    pub fn with_partition(mut self, partition: i32) -> Self {
        self.partition = Some(partition);
        self
    }

    pub fn with_timestamp(mut self, timestamp_ms: i64) -> Self {
        self.timestamp = Some(timestamp_ms);
        self
    }

    pub fn with_header(
        mut self,
        key: impl Into<String>,
        schema: Option<SchemaRef>,
        value: Value,
    ) -> Self {
        self.headers.push(Header {
            key: key.into(),
            schema,
            value,
        });
        self
    }
}

/// A record delivered to a sink task (Kafka's `SinkRecord`), read lazily from the batch:
/// nothing is decoded until asked for.
#[derive(Clone, Copy)]
pub struct SinkRecord<'a> {
    pub(crate) view: RecordView<'a>,
    pub(crate) index: usize,
}

impl<'a> SinkRecord<'a> {
    /// Position of this record in its batch (for the errant record reporter).
    pub fn index(&self) -> usize {
        self.index
    }

    pub fn topic(&self) -> Result<&'a str> {
        Ok(self.view.topic()?)
    }

    pub fn kafka_partition(&self) -> i32 {
        self.view.partition().unwrap_or(-1)
    }

    pub fn kafka_offset(&self) -> i64 {
        self.view.offset().unwrap_or(-1)
    }

    /// Milliseconds since the epoch.
    pub fn timestamp(&self) -> Option<i64> {
        self.view.timestamp()
    }

    pub fn key_schema(&self) -> Result<Option<&'a SchemaRef>> {
        Ok(self.view.key_schema()?)
    }

    pub fn value_schema(&self) -> Result<Option<&'a SchemaRef>> {
        Ok(self.view.value_schema()?)
    }

    /// The key, decoded.
    pub fn key(&self) -> Result<Value> {
        Ok(self.view.key()?)
    }

    /// The value, decoded into an owned [`Value`] tree; `Value::Null` for a tombstone. To read
    /// fields without keeping them, [`value_ref`](Self::value_ref) is cheaper (no allocation).
    pub fn value(&self) -> Result<Value> {
        Ok(self.view.value()?)
    }

    /// The key as a borrowed view, without copying ([`value_ref`](Self::value_ref) explains).
    pub fn key_ref(&self) -> Result<ValueRef<'a>> {
        Ok(self.view.key_ref()?)
    }

    /// The value as a borrowed, lazily read view ([`ValueRef`]); `ValueRef::Null` for a
    /// tombstone. Strings and bytes borrow from the batch and nothing is allocated, so reading
    /// fields this way costs a fraction of [`value`](Self::value), which builds an owned
    /// [`Value`] tree. The encoding is checked once here (this fails exactly when `value()`
    /// fails); the accessors then cannot fail. Call [`ValueRef::to_value`] for an owned copy.
    ///
    /// ```
    /// use ferry_plugin_sdk::prelude::*;
    ///
    /// /// Sums the lengths of every order's name and tags.
    /// fn put(records: SinkRecords<'_>) -> Result<usize> {
    ///     let mut total = 0;
    ///     for record in records.iter() {
    ///         let order = record.value_ref()?;
    ///         let name = order.field("name").and_then(|v| v.as_str()).unwrap_or("");
    ///         total += name.len();
    ///         if let Some(tags) = order.field("tags").and_then(|v| v.as_array()) {
    ///             total += tags.iter().filter_map(|t| t.as_str()).map(str::len).sum::<usize>();
    ///         }
    ///         if let Some(address) = order.field("address").and_then(|v| v.as_struct()) {
    ///             for (field, value) in address.fields() {
    ///                 tracing::trace!(field = %field.name, value = ?value, "address");
    ///             }
    ///         }
    ///     }
    ///     Ok(total)
    /// }
    /// ```
    pub fn value_ref(&self) -> Result<ValueRef<'a>> {
        Ok(self.view.value_ref()?)
    }

    /// The value's raw bytes when it is a string or bytes value, without decoding. This is
    /// free: a sink that forwards bytes should use it.
    #[inline]
    pub fn value_bytes(&self) -> Option<&'a [u8]> {
        self.view.value_bytes()
    }

    /// The key's raw bytes when it is a string or bytes value, without decoding.
    pub fn key_bytes(&self) -> Option<&'a [u8]> {
        self.view.key_bytes()
    }

    pub fn headers(&self) -> Result<Vec<Header>> {
        Ok(self.view.headers()?)
    }

    /// The topic partition of this record.
    pub fn topic_partition(&self) -> Result<TopicPartition> {
        Ok(TopicPartition::new(self.topic()?, self.kafka_partition()))
    }
}

impl fmt::Debug for SinkRecord<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SinkRecord")
            .field("topic", &self.view.topic().unwrap_or("?"))
            .field("partition", &self.kafka_partition())
            .field("offset", &self.kafka_offset())
            .finish()
    }
}

/// The records of one `put` call.
#[derive(Clone, Copy)]
pub struct SinkRecords<'a> {
    pub(crate) reader: ferry_codec::BatchReader<'a>,
}

impl<'a> SinkRecords<'a> {
    pub fn len(&self) -> usize {
        self.reader.len()
    }

    pub fn is_empty(&self) -> bool {
        self.reader.is_empty()
    }

    pub fn get(&self, index: usize) -> Option<SinkRecord<'a>> {
        self.reader
            .get(index)
            .map(|view| SinkRecord { view, index })
    }

    #[inline]
    pub fn iter(&self) -> impl ExactSizeIterator<Item = SinkRecord<'a>> + 'a {
        self.reader
            .iter()
            .enumerate()
            .map(|(index, view)| SinkRecord { view, index })
    }
}

impl fmt::Debug for SinkRecords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SinkRecords({} records)", self.len())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)] // test code

    use ferry_codec::{BatchReader, BatchWriter, EncodeRecord, Payload, SchemaCache, WriterState};
    use ferry_data::{logical, Schema, Struct, Type, Value};
    use ferry_plugin_abi::BatchBuf;
    use num_bigint::BigInt;

    use super::{SinkRecords, ValueRef};

    #[test]
    fn value_ref_reads_what_value_decodes() {
        let schema = Schema::struct_builder()
            .field("id", Schema::primitive(Type::Int64))
            .field("price", logical::decimal(2).build())
            .field(
                "tags",
                Schema::array(Schema::primitive(Type::String)).build(),
            )
            .field("note", Schema::optional_primitive(Type::String))
            .build();
        let value = Value::Struct(
            Struct::new(schema.clone())
                .and_then(|s| s.with("id", Value::Int64(7)))
                .and_then(|s| s.with("price", Value::Decimal(BigInt::from(1999), 2)))
                .and_then(|s| s.with("tags", Value::Array(vec![Value::String("a".into())])))
                .unwrap(),
        );
        let key_schema = Schema::primitive(Type::String);
        let key = Value::String("k1".into());
        let mut buf = BatchBuf::new();
        let mut state = WriterState::default();
        let mut w = BatchWriter::new(&mut buf, &mut state);
        let mut rec = EncodeRecord::new("orders");
        rec.key = Payload::Value(Some(&key_schema), &key);
        rec.value = Payload::Value(Some(&schema), &value);
        w.push(&rec).unwrap();
        w.push(&EncodeRecord::new("orders")).unwrap(); // tombstone
        let mut cache = SchemaCache::default();
        let records = SinkRecords {
            reader: BatchReader::new(buf.as_batch_ref(), &mut cache).unwrap(),
        };

        let first = records.get(0).unwrap();
        let view = first.value_ref().unwrap();
        assert_eq!(view.to_value(), first.value().unwrap());
        assert_eq!(view.field("id").and_then(|v| v.as_i64()), Some(7));
        let price = view.field("price").and_then(|v| v.as_decimal()).unwrap();
        assert_eq!((price.unscaled_i64(), price.scale()), (Some(1999), 2));
        assert!(matches!(view.field("note"), Some(ValueRef::Null)));
        assert_eq!(first.key_ref().unwrap().as_str(), Some("k1"));
        assert_eq!(first.key_ref().unwrap().to_value(), first.key().unwrap());

        let tombstone = records.get(1).unwrap();
        assert!(tombstone.value_ref().unwrap().is_null());
        assert_eq!(tombstone.value().unwrap(), Value::Null);
    }
}
