use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};

use ferry_plugin_sdk::prelude::*;

use crate::FILE;

enum Output {
    File(BufWriter<File>),
    Stdout(io::Stdout),
}

impl Output {
    fn writer(&mut self) -> &mut dyn Write {
        match self {
            Output::File(f) => f,
            Output::Stdout(s) => s,
        }
    }
}

/// `org.apache.kafka.connect.file.FileStreamSinkTask`.
#[derive(Default)]
pub struct FileStreamSinkTask {
    filename: Option<String>,
    out: Option<Output>,
    line: String,
}

impl SinkTask for FileStreamSinkTask {
    fn start(&mut self, config: &ConfigMap, _ctx: SinkTaskContext) -> Result<()> {
        self.filename = config.get(FILE).filter(|f| !f.is_empty()).cloned();
        self.out = Some(match &self.filename {
            None => Output::Stdout(io::stdout()),
            Some(f) => {
                let file = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(f)
                    .map_err(|e| {
                        ConnectError::new(format!(
                            "Couldn't find or create file '{f}' for FileStreamSinkTask"
                        ))
                        .caused_by(&e)
                    })?;
                Output::File(BufWriter::with_capacity(256 * 1024, file))
            }
        });
        Ok(())
    }

    fn put(&mut self, records: SinkRecords<'_>) -> Result<()> {
        let mut line = std::mem::take(&mut self.line);
        let result = (|| {
            let Some(out) = self.out.as_mut() else {
                return Err(ConnectError::new("put before start"));
            };
            let w = out.writer();
            for record in records.iter() {
                let io = match record.value_bytes() {
                    Some(bytes) => w.write_all(bytes),
                    None => {
                        line.clear();
                        line.push_str(&record.value()?.to_java_string());
                        w.write_all(line.as_bytes())
                    }
                };
                io.and_then(|()| w.write_all(b"\n"))
                    .map_err(|e| write_error(&self.filename, e))?;
            }
            // Kafka's task prints to an unbuffered stream, so a record is in the file once
            // `put` returns; the buffer only saves a write per record.
            w.flush().map_err(|e| write_error(&self.filename, e))
        })();
        self.line = line;
        result
    }

    fn flush(&mut self, _offsets: &[(TopicPartition, i64)]) -> Result<()> {
        if let Some(out) = self.out.as_mut() {
            out.writer()
                .flush()
                .map_err(|e| write_error(&self.filename, e))?;
        }
        Ok(())
    }

    fn stop(&mut self) -> Result<()> {
        self.flush(&[])?;
        self.out = None;
        Ok(())
    }
}

fn write_error(filename: &Option<String>, e: io::Error) -> ConnectError {
    let target = filename.as_deref().unwrap_or("stdout");
    ConnectError::new(format!("Error writing to {target}")).caused_by(&e)
}
