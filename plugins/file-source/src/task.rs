use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use ferry_plugin_sdk::prelude::*;
use ferry_plugin_sdk::tracing::{info, warn};

use crate::config::{config_def, BATCH_SIZE, DEFAULT_BATCH_SIZE, FILE, TOPIC};
use crate::offsets::{offset_json, partition, POSITION_FIELD};
use crate::reader::LineReader;

const IDLE_WAIT: Duration = Duration::from_secs(1);

/// `org.apache.kafka.connect.file.FileStreamSourceTask`.
#[derive(Default)]
pub struct FileStreamSourceTask {
    filename: Option<String>,
    topic: String,
    batch_size: usize,
    ctx: Option<SourceTaskContext>,
    reader: Option<LineReader<Box<dyn Read + Send>>>,
    partition: JsonMap,
    /// `partition` as JSON text.
    partition_json: String,
    /// Reused buffer for each record's offset JSON.
    offset_json: String,
    /// Reused buffer for each record's value.
    line: String,
    schema: Option<SchemaRef>,
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

impl FileStreamSourceTask {
    /// Open the input lazily, as Kafka does; `None` while the file does not exist yet.
    fn open(&mut self) -> Result<Option<LineReader<Box<dyn Read + Send>>>> {
        let Some(filename) = self.filename.clone() else {
            return Ok(Some(LineReader::new(Box::new(io::stdin()), 0)));
        };
        let mut file = match File::open(&filename) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                warn!("Couldn't find file {filename} for FileStreamSourceTask, sleeping to wait for it to be created");
                return Ok(None);
            }
            Err(e) => {
                return Err(ConnectError::new(format!(
                    "Couldn't open file {filename} for FileStreamSourceTask"
                ))
                .caused_by(&e))
            }
        };
        let mut position = 0u64;
        if let Some(ctx) = &self.ctx {
            if let Some(stored) = ctx.offset(&self.partition)? {
                let value = stored.get(POSITION_FIELD);
                position = match value.and_then(|v| v.as_u64()) {
                    Some(p) => p,
                    None if value.is_none_or(|v| v.is_null()) => 0,
                    None => return Err(ConnectError::new("Offset position is the incorrect type")),
                };
                info!("Found previous offset, trying to skip to file offset {position}");
                file.seek(SeekFrom::Start(position)).map_err(|e| {
                    ConnectError::new(format!("Couldn't seek to {position} in {filename}"))
                        .caused_by(&e)
                })?;
            }
        }
        info!("Opened {filename} for reading");
        Ok(Some(LineReader::new(Box::new(file), position)))
    }
}

impl SourceTask for FileStreamSourceTask {
    fn start(&mut self, config: &ConfigMap, ctx: SourceTaskContext) -> Result<()> {
        let parsed = config_def().parse(config)?;
        self.filename = parsed
            .string(FILE)?
            .filter(|f| !f.is_empty())
            .map(str::to_owned);
        self.topic = parsed.string(TOPIC)?.unwrap_or_default().to_owned();
        self.batch_size = parsed.int(BATCH_SIZE)?.unwrap_or(DEFAULT_BATCH_SIZE).max(1) as usize;
        self.partition = partition(self.filename.as_deref().unwrap_or("stdin"));
        self.partition_json = serde_json::to_string(&self.partition)?;
        self.schema = Some(Schema::primitive(Type::String));
        self.ctx = Some(ctx);
        Ok(())
    }

    fn poll(&mut self, out: &mut SourceRecords<'_>) -> Result<()> {
        let Some(ctx) = self.ctx.clone() else {
            return Err(ConnectError::new("poll before start"));
        };
        if self.reader.is_none() {
            self.reader = self.open()?;
            if self.reader.is_none() {
                ctx.stop_token().sleep(IDLE_WAIT);
                return Ok(());
            }
        }
        let Some(reader) = self.reader.as_mut() else {
            return Ok(());
        };
        let timestamp = now_ms();
        while out.len() < self.batch_size {
            let Some((line, position)) = reader
                .next_line()
                .map_err(|e| ConnectError::new("Error reading the input").caused_by(&e))?
            else {
                break;
            };
            // One buffer for every line's value: moved into the value and back, never freed.
            let mut buf = std::mem::take(&mut self.line);
            buf.clear();
            buf.push_str(&line);
            let value = Value::String(buf);
            let mut record = RecordParts::new(&self.topic, self.schema.as_ref(), &value);
            record.timestamp = Some(timestamp);
            if self.filename.is_some() {
                // The partition is the same for every line: its JSON is made once, in start.
                offset_json(&mut self.offset_json, position);
                record.source_partition = Some(&self.partition_json);
                record.source_offset = Some(&self.offset_json);
            }
            let pushed = out.push_parts(&record);
            if let Value::String(buf) = value {
                self.line = buf;
            }
            pushed?;
        }
        if out.is_empty() {
            ctx.stop_token().sleep(IDLE_WAIT);
        }
        Ok(())
    }

    fn stop(&mut self) -> Result<()> {
        self.reader = None;
        Ok(())
    }
}
