//! Kafka Connect's Single Message Transforms (SMTs) and predicates, run by the host on source
//! records (before the converters) and sink records (after them).
//!
//! * [`TransformationChain::from_config`] builds the chain of a connector config's
//!   `transforms` and `predicates` (Kafka's `ConnectorConfig.transformationStages`), and
//!   [`TransformationChain::apply`] runs it on a [`ConnectRecord`].
//! * [`validate`] gives the `ConfigValue`s of every `transforms.<alias>.*` and
//!   `predicates.<alias>.*` key for `PUT /connector-plugins/{plugin}/config/validate`.
//! * [`TransformationChain::from_config_with`] and [`validate_with`] also find third-party
//!   classes through an [`ExternalPlugins`] hook (the worker's plugin registry), and
//!   [`TransformationChain::with_retry`] retries their retriable failures.
//! * [`plugins`] and [`config_def`] describe the built-in transformations and predicates for
//!   `GET /connector-plugins` and `GET /connector-plugins/{plugin}/config`.
//!
//! Every built-in of Kafka is implemented, with Kafka's class names (and aliases: the simple
//! names of the classes that are not `$Key`/`$Value` variants), configuration keys, behaviour
//! and messages:
//! Cast, DropHeaders, ExtractField, Filter, Flatten, HeaderFrom, HoistField, InsertField,
//! InsertHeader, MaskField, RegexRouter, ReplaceField, SetSchemaMetadata, TimestampConverter,
//! TimestampRouter, ValueToKey and the predicates HasHeaderKey, RecordIsTombstone,
//! TopicNameMatches.
//!
//! Records carry their schemas as shared [`ferry_data::SchemaRef`]s; transformations that derive
//! a schema (Cast, Flatten, HeaderFrom, HoistField, InsertField, ReplaceField,
//! SetSchemaMetadata, TimestampConverter, ValueToKey) cache the translation per input schema
//! (Kafka's 16-entry LRU), so every record of one input schema gets the same `Arc`.
//!
//! # Deviations from Kafka
//!
//! * Schemaless values are `Value::Map`s in insertion order: fields keep their position, new
//!   ones are appended (Kafka's `HashMap` has no defined order).
//! * Regular expressions (RegexRouter, TopicNameMatches) use the `regex` crate: no
//!   look-around or back-references, and its error messages after `Invalid regex: `.
//!   `matches()` is a whole-topic match and `replaceFirst` expands `$n`, `${name}` and `\`
//!   escapes as Java does.
//! * SimpleDateFormat patterns support the letters `G y Y M L d D E u a H k K h m s S z Z X`
//!   (`Y` is read as `y`); `w`, `W` and `F` are rejected. Everything is UTC.
//! * TimestampRouter rejects an invalid `timestamp.format` when configured (Kafka fails on the
//!   first record); its `Timestamp missing on record: ` message prints `ConnectRecord{...}`
//!   without the `SourceRecord`/`SinkRecord` prefix.
//! * MaskField masks a Decimal with zero at the value's own scale (Kafka's `BigDecimal.ZERO`
//!   has scale 0 and would then fail in the converter).
//! * InsertField's missing `static.value` message names the field (Kafka prints an object
//!   identity); HeaderFrom with a schema that lacks a configured field fails with
//!   `Field does not exist: <f>` (Kafka: a `NullPointerException`).
//! * Configuration errors raised by a transformation's `configure` are reported with the
//!   `ConfigException` message alone (Kafka wraps it in a `ConnectException` whose message is
//!   prefixed with the exception class).
//! * SetSchemaMetadata caches its updated schema (Kafka builds a new one per record).
//! * Every plugin reports this crate's version ([`VERSION`]).
//!
//! ```
//! use std::collections::BTreeMap;
//! use ferry_data::Value;
//! use ferry_transforms::{ConnectRecord, TransformationChain};
//!
//! let config: BTreeMap<String, String> = [
//!     ("transforms", "route"),
//!     ("transforms.route.type", "org.apache.kafka.connect.transforms.RegexRouter"),
//!     ("transforms.route.regex", "(.*)-raw"),
//!     ("transforms.route.replacement", "$1-clean"),
//! ]
//! .into_iter()
//! .map(|(k, v)| (k.to_owned(), v.to_owned()))
//! .collect();
//! let chain = TransformationChain::from_config(&config).unwrap();
//! let mut record = ConnectRecord::new("orders-raw");
//! record.value = Value::from("x");
//! let out = chain.apply(record).unwrap().unwrap();
//! assert_eq!(out.topic, "orders-clean");
//! ```

mod chain;
mod config;
mod datefmt;
mod error;
mod external;
mod predicates;
mod record;
mod registry;
mod smt;
mod util;

pub use chain::{validate, validate_with, TransformationChain};
pub use error::{ChainConfigError, ChainError, TransformError};
pub use external::{ExternalPlugin, ExternalPlugins, NoExternalPlugins, Retry};
pub use record::{ConnectRecord, Header};
pub use registry::{config_def, plugins, PluginKind, TransformPlugin};

/// The version reported for every built-in transformation and predicate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Kafka's `org.apache.kafka.connect.transforms.Transformation`: one record in, zero or one out.
pub trait Transformation: Send + Sync {
    /// Transforms `record`; `Ok(None)` drops it.
    fn apply(&self, record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError>;
}

/// Kafka's `org.apache.kafka.connect.transforms.predicates.Predicate`.
pub trait Predicate: Send + Sync {
    /// Whether the predicate holds for `record`.
    fn test(&self, record: &ConnectRecord) -> bool;

    /// [`Predicate::test`] for predicates that can fail (third-party ones); the chain calls
    /// this, and a failure fails the stage (Kafka: an exception thrown by `test`).
    fn try_test(&self, record: &ConnectRecord) -> Result<bool, TransformError> {
        Ok(self.test(record))
    }
}
