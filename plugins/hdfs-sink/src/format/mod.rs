//! Output formats (`format.class`): how records become bytes in a file.

pub mod avro;
mod json;
mod parquet;
mod string;

use ferry_plugin_sdk::prelude::*;

use crate::storage::{OutputFile, StorageError};

pub const AVRO_FORMAT: &str = "io.confluent.connect.hdfs.avro.AvroFormat";
pub const JSON_FORMAT: &str = "io.confluent.connect.hdfs.json.JsonFormat";
pub const STRING_FORMAT: &str = "io.confluent.connect.hdfs.string.StringFormat";
pub const PARQUET_FORMAT: &str = "io.confluent.connect.hdfs.parquet.ParquetFormat";

/// A format failure.
#[derive(Debug, thiserror::Error)]
pub enum FormatError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("writing: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Data(String),
    #[error("{0}")]
    Config(String),
}

/// The formats this plugin writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormatKind {
    Avro,
    Json,
    String,
    Parquet,
}

impl FormatKind {
    /// By Confluent class name (the HDFS 2 and HDFS 3 connectors' packages, and the
    /// storage-common aliases).
    pub fn from_class(class: &str) -> Result<FormatKind> {
        let simple = class.rsplit('.').next().unwrap_or(class);
        match simple {
            "AvroFormat" => Ok(FormatKind::Avro),
            "JsonFormat" => Ok(FormatKind::Json),
            "StringFormat" => Ok(FormatKind::String),
            "ParquetFormat" => Ok(FormatKind::Parquet),
            _ => Err(ConnectError::config(format!(
                "Invalid value {class} for configuration format.class: supported formats are {AVRO_FORMAT}, {PARQUET_FORMAT}, {JSON_FORMAT} and {STRING_FORMAT}"
            ))),
        }
    }

    /// The committed files' extension.
    pub fn extension(self) -> &'static str {
        match self {
            FormatKind::Avro => ".avro",
            FormatKind::Json => ".json",
            FormatKind::String => ".txt",
            FormatKind::Parquet => ".parquet",
        }
    }

    /// Start a file whose records have `schema` (the first record's value schema).
    pub fn writer(
        self,
        out: Box<dyn OutputFile>,
        schema: Option<&SchemaRef>,
        avro_codec: &str,
    ) -> std::result::Result<Box<dyn RecordWriter>, FormatError> {
        Ok(match self {
            FormatKind::Avro => Box::new(avro::AvroWriter::new(
                out,
                schema,
                avro::Codec::from_name(avro_codec)?,
            )?),
            FormatKind::Json => Box::new(json::JsonWriter::new(out)),
            FormatKind::String => Box::new(string::StringWriter::new(out)),
            FormatKind::Parquet => Box::new(parquet::ParquetWriter::new(out, schema)?),
        })
    }
}

/// A record's value projected to the file's schema (`schema.compatibility`).
pub type Projected<'a> = Option<(&'a SchemaRef, &'a Value)>;

/// The value to write: the projected one, else the record's own (decoded).
pub(crate) fn value_of<'v>(
    record: &SinkRecord<'_>,
    projected: Projected<'v>,
) -> std::result::Result<std::borrow::Cow<'v, Value>, FormatError> {
    match projected {
        Some((_, v)) => Ok(std::borrow::Cow::Borrowed(v)),
        None => record
            .value()
            .map(std::borrow::Cow::Owned)
            .map_err(|e| FormatError::Data(e.to_string())),
    }
}

/// Writes the records of one file.
pub trait RecordWriter: Send {
    /// Write `record`, or its value as projected to the file's schema.
    fn write(
        &mut self,
        record: &SinkRecord<'_>,
        projected: Projected<'_>,
    ) -> std::result::Result<(), FormatError>;
    /// Bytes in the file so far (for `rotate.size.bytes`).
    fn bytes_written(&self) -> u64;
    /// Finish the file and make it durable.
    fn close(self: Box<Self>) -> std::result::Result<(), FormatError>;
}
