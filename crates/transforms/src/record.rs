//! [`ConnectRecord`] and [`Header`]: records as transformations and predicates see them.

use ferry_data::{SchemaRef, Value};

/// A record as transforms see it (Kafka's `ConnectRecord`: a `SourceRecord` or a `SinkRecord`).
///
/// A null key or value is [`Value::Null`]; a schemaless key or value has no schema.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectRecord {
    /// The topic.
    pub topic: String,
    /// The Kafka partition, if known.
    pub kafka_partition: Option<i32>,
    /// The Kafka offset: `Some` for sink records only (Kafka's `SinkRecord.kafkaOffset`).
    pub kafka_offset: Option<i64>,
    /// The key schema (`None` = schemaless).
    pub key_schema: Option<SchemaRef>,
    /// The key.
    pub key: Value,
    /// The value schema (`None` = schemaless).
    pub value_schema: Option<SchemaRef>,
    /// The value.
    pub value: Value,
    /// The record timestamp in milliseconds since the epoch.
    pub timestamp: Option<i64>,
    /// The headers, in order (a key may repeat).
    pub headers: Vec<Header>,
}

/// One record header (Kafka's `Header`).
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    /// The header key.
    pub key: String,
    /// The header schema (`None` = schemaless).
    pub schema: Option<SchemaRef>,
    /// The header value.
    pub value: Value,
}

impl Header {
    /// A header.
    pub fn new(key: impl Into<String>, schema: Option<SchemaRef>, value: Value) -> Header {
        Header {
            key: key.into(),
            schema,
            value,
        }
    }
}

impl ConnectRecord {
    /// A record on `topic` with a null key and value, no schemas and no metadata.
    pub fn new(topic: impl Into<String>) -> ConnectRecord {
        ConnectRecord {
            topic: topic.into(),
            kafka_partition: None,
            kafka_offset: None,
            key_schema: None,
            key: Value::Null,
            value_schema: None,
            value: Value::Null,
            timestamp: None,
            headers: Vec::new(),
        }
    }

    /// Whether this is a sink record (it has a Kafka offset).
    pub fn is_sink_record(&self) -> bool {
        self.kafka_offset.is_some()
    }

    /// Java's `ConnectRecord.toString()` (without the `SourceRecord`/`SinkRecord` prefix).
    pub fn to_java_string(&self) -> String {
        let schema = |s: &Option<SchemaRef>| match s {
            Some(s) => s.to_string(),
            None => "null".to_owned(),
        };
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|h| {
                format!(
                    "ConnectHeader(key={}, value={}, schema={})",
                    h.key,
                    h.value.to_java_string(),
                    schema(&h.schema)
                )
            })
            .collect();
        format!(
            "ConnectRecord{{topic='{}', kafkaPartition={}, key={}, keySchema={}, value={}, valueSchema={}, timestamp={}, headers=ConnectHeaders(headers={})}}",
            self.topic,
            self.kafka_partition.map_or("null".to_owned(), |p| p.to_string()),
            self.key.to_java_string(),
            schema(&self.key_schema),
            self.value.to_java_string(),
            schema(&self.value_schema),
            self.timestamp.map_or("null".to_owned(), |t| t.to_string()),
            headers.join(", ")
        )
    }
}
