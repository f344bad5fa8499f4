//! `io.confluent.connect.hdfs.avro.AvroFormat`: Avro object container files, schema from the
//! first record of the file (Connect → Avro as Confluent's `AvroData`), codec `avro.codec`.

mod container;
mod encode;
mod schema;

pub use container::Codec;
pub use schema::{avro_schema, decimal_precision};

use ferry_plugin_sdk::prelude::*;

use super::{value_of, FormatError, Projected, RecordWriter};
use crate::storage::OutputFile;
use container::ContainerWriter;

/// Writes one Avro file.
pub struct AvroWriter {
    schema: SchemaRef,
    out: ContainerWriter<Box<dyn OutputFile>>,
}

impl AvroWriter {
    pub fn new(
        out: Box<dyn OutputFile>,
        schema: Option<&SchemaRef>,
        codec: Codec,
    ) -> Result<Self, FormatError> {
        let schema = schema.cloned().ok_or_else(|| {
            FormatError::Data(
                "AvroFormat needs records with a value schema (use a converter with schemas, e.g. JsonConverter with schemas.enable=true, or JsonFormat)".into(),
            )
        })?;
        let json = avro_schema(&schema).to_string();
        Ok(AvroWriter {
            out: ContainerWriter::new(out, &json, codec)?,
            schema,
        })
    }
}

impl RecordWriter for AvroWriter {
    fn write(
        &mut self,
        record: &SinkRecord<'_>,
        projected: Projected<'_>,
    ) -> Result<(), FormatError> {
        let value = value_of(record, projected)?;
        let buf = self.out.buffer();
        let mark = buf.len();
        if let Err(e) = encode::encode(buf, &self.schema, &value) {
            self.out.truncate(mark);
            return Err(e);
        }
        self.out.datum_written()
    }

    fn bytes_written(&self) -> u64 {
        self.out.get_ref().written()
    }

    fn close(self: Box<Self>) -> Result<(), FormatError> {
        let file = self.out.finish()?;
        file.close()?;
        Ok(())
    }
}
