//! Single Message Transforms and predicates (Kafka's `Transformation` and `Predicate`), run by
//! the worker on every record of a connector that names them in `transforms` / `predicates`.
//!
//! A transformation or predicate is a class of its own: export it with
//! [`export_plugin!`](crate::export_plugin) (`transformations: [..]`, `predicates: [..]`), and
//! users reference it by class name in `transforms.<alias>.type` or `predicates.<alias>.type`.
//! The worker creates one instance per task and alias, calls `configure` once with the alias's
//! own keys (prefix removed), then `apply`/`test` per record from the task thread, and `close`
//! when the task stops.
//!
//! Errors: return [`ConnectError::retriable`](crate::ConnectError::retriable) for a transient
//! failure (Kafka's `RetriableException`): the worker retries the record with the connector's
//! `errors.retry.timeout` / `errors.retry.delay.max.ms` backoff. Other errors (and panics) fail
//! the record, which the connector's `errors.tolerance` then tolerates or not.

use ferry_codec::Header;
use ferry_configdef::ConfigDef;
use ferry_data::{SchemaRef, Value};

use crate::config::ConfigMap;
use crate::error::Result;

/// A record as a transformation sees it (Kafka's `ConnectRecord`, for source and sink records
/// alike).
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectRecord {
    pub topic: String,
    /// The Kafka partition, if known (`None` lets the producer choose for a source record).
    pub kafka_partition: Option<i32>,
    /// The Kafka offset: `Some` for sink records only.
    pub kafka_offset: Option<i64>,
    /// `None` = schemaless.
    pub key_schema: Option<SchemaRef>,
    pub key: Value,
    /// `None` = schemaless.
    pub value_schema: Option<SchemaRef>,
    /// `Value::Null` with no schema is a tombstone.
    pub value: Value,
    /// Milliseconds since the epoch.
    pub timestamp: Option<i64>,
    /// In order; a key may repeat.
    pub headers: Vec<Header>,
}

impl ConnectRecord {
    /// A record on `topic` with a null key and value and nothing else set.
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

    /// The same record with this value and value schema.
    pub fn with_value(mut self, schema: Option<SchemaRef>, value: Value) -> ConnectRecord {
        self.value_schema = schema;
        self.value = value;
        self
    }

    /// The same record with this key and key schema.
    pub fn with_key(mut self, schema: Option<SchemaRef>, key: Value) -> ConnectRecord {
        self.key_schema = schema;
        self.key = key;
        self
    }
}

/// A Single Message Transform (Kafka's `org.apache.kafka.connect.transforms.Transformation`).
pub trait Transformation: Default + Send + 'static {
    /// Fully qualified class name, as users write it in `transforms.<alias>.type`.
    const CLASS: &'static str;
    /// The version reported by `GET /connector-plugins`.
    const VERSION: &'static str;

    /// Every key `configure` reads; the worker validates connector configs against it.
    fn config_def() -> ConfigDef;

    /// Called once with the alias's keys, the `transforms.<alias>.` prefix removed.
    fn configure(&mut self, config: &ConfigMap) -> Result<()>;

    /// Transform one record; `Ok(None)` drops it.
    fn apply(&mut self, record: ConnectRecord) -> Result<Option<ConnectRecord>>;

    /// The task is stopping.
    fn close(&mut self) -> Result<()> {
        Ok(())
    }
}

/// A predicate guarding a transformation (Kafka's
/// `org.apache.kafka.connect.transforms.predicates.Predicate`).
pub trait Predicate: Default + Send + 'static {
    /// Fully qualified class name, as users write it in `predicates.<alias>.type`.
    const CLASS: &'static str;
    /// The version reported by `GET /connector-plugins`.
    const VERSION: &'static str;

    /// Every key `configure` reads.
    fn config_def() -> ConfigDef;

    /// Called once with the alias's keys, the `predicates.<alias>.` prefix removed.
    fn configure(&mut self, config: &ConfigMap) -> Result<()>;

    /// Whether the predicate holds for `record`.
    fn test(&mut self, record: &ConnectRecord) -> Result<bool>;

    /// The task is stopping.
    fn close(&mut self) -> Result<()> {
        Ok(())
    }
}
