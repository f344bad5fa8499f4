//! `io.confluent.connect.hdfs.string.StringFormat`: each value's text and a newline. Strings
//! and bytes are copied without decoding; other values are written as Java's `toString()`
//! renders them (Confluent's fails on non-strings).

use std::io::Write;

use ferry_plugin_sdk::prelude::*;

use super::{value_of, FormatError, Projected, RecordWriter};
use crate::storage::OutputFile;

pub struct StringWriter {
    out: Box<dyn OutputFile>,
}

impl StringWriter {
    pub fn new(out: Box<dyn OutputFile>) -> Self {
        StringWriter { out }
    }
}

impl RecordWriter for StringWriter {
    fn write(
        &mut self,
        record: &SinkRecord<'_>,
        projected: Projected<'_>,
    ) -> Result<(), FormatError> {
        match record.value_bytes().filter(|_| projected.is_none()) {
            Some(b) => self.out.write_all(b)?,
            None => {
                let v = value_of(record, projected)?;
                self.out.write_all(v.to_java_string().as_bytes())?;
            }
        }
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
