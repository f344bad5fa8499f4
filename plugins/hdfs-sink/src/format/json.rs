//! `io.confluent.connect.hdfs.json.JsonFormat`: one JSON document per line, values rendered by
//! Kafka's JsonConverter with `schemas.enable=false` (as Confluent's).

use std::io::Write;

use ferry_converters::{Converter, JsonConverter};
use ferry_plugin_sdk::prelude::*;

use super::{value_of, FormatError, Projected, RecordWriter};
use crate::storage::OutputFile;

pub struct JsonWriter {
    out: Box<dyn OutputFile>,
    converter: Option<JsonConverter>,
}

impl JsonWriter {
    pub fn new(out: Box<dyn OutputFile>) -> Self {
        let config = [("schemas.enable".to_owned(), "false".to_owned())]
            .into_iter()
            .collect();
        JsonWriter {
            out,
            converter: JsonConverter::new(&config).ok(),
        }
    }
}

impl RecordWriter for JsonWriter {
    fn write(
        &mut self,
        record: &SinkRecord<'_>,
        projected: Projected<'_>,
    ) -> Result<(), FormatError> {
        let converter = self
            .converter
            .as_ref()
            .ok_or_else(|| FormatError::Config("JsonConverter could not be configured".into()))?;
        let value = value_of(record, projected)?;
        let schema = match projected {
            Some((s, _)) => Some(s),
            None => record
                .value_schema()
                .map_err(|e| FormatError::Data(e.to_string()))?,
        };
        let topic = record.topic().unwrap_or_default();
        let bytes = converter
            .from_connect(topic, schema, &value)
            .map_err(|e| FormatError::Data(e.to_string()))?;
        self.out.write_all(bytes.as_deref().unwrap_or(b"null"))?;
        self.out.write_all(b"\n")?;
        Ok(())
    }

    fn bytes_written(&self) -> u64 {
        self.out.written()
    }

    fn close(self: Box<Self>) -> Result<(), FormatError> {
        Ok(self.out.close()?)
    }
}
