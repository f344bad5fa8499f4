//! Kafka Connect's converters, byte-compatible with Apache Kafka's.
//!
//! A [`Converter`] turns Connect data ([`Value`] plus an optional [`SchemaRef`]) into the bytes
//! of a record key or value and back; a [`HeaderConverter`] does the same for one header.
//! Converters are created by Kafka class name or alias through [`converter`] and
//! [`header_converter`]:
//!
//! | class | alias | what it does |
//! |---|---|---|
//! | `org.apache.kafka.connect.json.JsonConverter` | `Json` | JSON, optionally in a `{"schema":..,"payload":..}` envelope |
//! | `org.apache.kafka.connect.storage.StringConverter` | `String` | `value.toString()` as UTF-8 |
//! | `org.apache.kafka.connect.converters.ByteArrayConverter` | `ByteArray` | pass-through bytes |
//! | `org.apache.kafka.connect.converters.{Double,Float,Integer,Long,Short}Converter` | `Double`, ... | Kafka's big-endian number serializers |
//! | `org.apache.kafka.connect.converters.BooleanConverter` | `Boolean` | one byte, 0 or 1 |
//! | `org.apache.kafka.connect.storage.SimpleHeaderConverter` | `Simple` | headers only: `Values.convertToString` / `Values.parseString` |
//!
//! ```
//! use ferry_converters::{converter, ConverterConfig, ConverterTarget};
//! use ferry_data::{Schema, Type, Value};
//!
//! let json = converter("JsonConverter", ConverterTarget::Value, &ConverterConfig::new()).unwrap();
//! let schema = Schema::primitive(Type::Int32);
//! let bytes = json.from_connect("topic", Some(&schema), &Value::Int32(42)).unwrap().unwrap();
//! assert_eq!(bytes, br#"{"schema":{"type":"int32","optional":false},"payload":42}"#);
//! assert_eq!(json.to_connect("topic", Some(&bytes)).unwrap(), (Some(schema), Value::Int32(42)));
//! ```
//!
//! Converters are built once per connector task and called for every record: they keep no
//! per-record state, cache schema translations, and are `Send + Sync`.
//!
//! **Architecture Invariant:** this crate depends on the data model (`ferry-data`) only; it knows
//! nothing about plugins, Kafka clients or the REST API.

mod bytes;
mod config;
mod decimal;
mod dedupe;
mod error;
mod header;
mod json;
mod number;
mod registry;
mod schemas;
mod string;
mod values;

use std::collections::BTreeMap;

use ferry_codec::ValueRef;
use ferry_data::{SchemaRef, Value};

pub use bytes::ByteArrayConverter;
pub use error::ConvertError;
pub use header::SimpleHeaderConverter;
pub use json::{DecimalFormat, JsonConverter};
pub use number::{BooleanConverter, NumberConverter, NumberKind};
pub use registry::{converter, header_converter, plugins, ConverterPlugin, PluginType};
pub use string::StringConverter;
pub use values::{convert_to_string, parse_string};

/// The version reported for every converter of this crate.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A converter's configuration, already stripped of its prefix (`value.converter.` ...).
pub type ConverterConfig = BTreeMap<String, String>;

/// What a converter is used for (Kafka's `converter.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConverterTarget {
    /// Record keys (`key.converter`).
    Key,
    /// Record values (`value.converter`).
    Value,
    /// Record headers (`header.converter`).
    Header,
}

/// Kafka's `org.apache.kafka.connect.storage.Converter`: Connect data to record bytes and back.
pub trait Converter: Send + Sync {
    /// Connect data to bytes. `Ok(None)` means null bytes (a tombstone).
    #[allow(clippy::wrong_self_convention)] // Kafka's name, `fromConnectData`.
    fn from_connect(
        &self,
        topic: &str,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> Result<Option<Vec<u8>>, ConvertError>;

    /// [`from_connect`](Self::from_connect) for a borrowed view of the value (as the plugin
    /// encoded it): the same bytes and errors. Converters that can write the view directly
    /// override it; by default it builds the owned value.
    #[allow(clippy::wrong_self_convention)] // as `from_connect`
    fn from_connect_ref(
        &self,
        topic: &str,
        schema: Option<&SchemaRef>,
        value: ValueRef<'_>,
    ) -> Result<Option<Vec<u8>>, ConvertError> {
        self.from_connect(topic, schema, &value.to_value())
    }

    /// Bytes (`None` = null) to Connect data: the schema (`None` when schemaless) and the value.
    fn to_connect(
        &self,
        topic: &str,
        bytes: Option<&[u8]>,
    ) -> Result<(Option<SchemaRef>, Value), ConvertError>;

    /// Which values this converter writes as their own bytes, unchanged (see [`Passthrough`]):
    /// the worker may then move those bytes without building a [`Value`] or calling the
    /// converter. `Passthrough::None` (the default) always calls it.
    fn passthrough(&self) -> Passthrough {
        Passthrough::None
    }
}

/// Values a converter passes through as their own bytes (the worker's fast paths).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Passthrough {
    /// None: every value goes through the converter.
    #[default]
    None,
    /// `ByteArrayConverter`: a BYTES value (schema absent or BYTES) is written as its bytes,
    /// and bytes read become a BYTES value with an optional BYTES schema.
    Bytes,
    /// `StringConverter`: a STRING value (any schema) is written as its UTF-8 bytes, and valid
    /// UTF-8 read becomes a STRING value with an optional STRING schema.
    Strings,
}

/// Kafka's `org.apache.kafka.connect.storage.HeaderConverter`: one header's value to bytes and
/// back.
pub trait HeaderConverter: Send + Sync {
    /// A header's Connect data to bytes. `Ok(None)` means a null header value.
    #[allow(clippy::wrong_self_convention)] // Kafka's name, `fromConnectHeader`.
    fn from_connect_header(
        &self,
        topic: &str,
        key: &str,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> Result<Option<Vec<u8>>, ConvertError>;

    /// A header's bytes (`None` = null) to Connect data.
    fn to_connect_header(
        &self,
        topic: &str,
        key: &str,
        bytes: Option<&[u8]>,
    ) -> Result<(Option<SchemaRef>, Value), ConvertError>;
}

/// Implements [`HeaderConverter`] by delegating to the type's [`Converter`] methods, as Kafka's
/// converters that are also header converters do.
macro_rules! header_converter_via_converter {
    ($($ty:ty),* $(,)?) => {$(
        impl $crate::HeaderConverter for $ty {
            fn from_connect_header(
                &self,
                topic: &str,
                _key: &str,
                schema: Option<&ferry_data::SchemaRef>,
                value: &ferry_data::Value,
            ) -> Result<Option<Vec<u8>>, $crate::ConvertError> {
                $crate::Converter::from_connect(self, topic, schema, value)
            }

            fn to_connect_header(
                &self,
                topic: &str,
                _key: &str,
                bytes: Option<&[u8]>,
            ) -> Result<(Option<ferry_data::SchemaRef>, ferry_data::Value), $crate::ConvertError> {
                $crate::Converter::to_connect(self, topic, bytes)
            }
        }
    )*};
}
pub(crate) use header_converter_via_converter;
