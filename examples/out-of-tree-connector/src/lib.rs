//! A Ferry plugin with two connectors:
//!
//! - `com.example.CounterSourceConnector` emits 1, 2, 3, … to a topic, resuming after the last
//!   count Kafka acknowledged;
//! - `com.example.LineSinkConnector` appends every record's value to a file, one per line.

use std::io::Write;

use ferry_plugin_sdk::prelude::*;

/// The version the worker reports in `GET /connector-plugins` and matches against
/// `connector.plugin.version`: this crate's version from Cargo.toml.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

// ---------------------------------------------------------------- the source

/// Emits an increasing count.
#[derive(Default)]
pub struct CounterSource {
    config: ConfigMap,
}

impl CounterSource {
    fn definition() -> ConfigDef {
        ConfigDef::new()
            .define(
                ConfigKey::new("topic", ConfigType::String)
                    .importance(Importance::High)
                    .doc("The topic to write the counts to."),
            )
            .define(
                ConfigKey::new("max.count", ConfigType::Long)
                    .default_value("9223372036854775807")
                    .doc("Stop counting after this number."),
            )
            .define(
                ConfigKey::new("batch.size", ConfigType::Int)
                    .default_value("100")
                    .doc("At most this many records per poll."),
            )
    }
}

impl SourceConnector for CounterSource {
    type Task = CounterTask;
    const CLASS: &'static str = "com.example.CounterSourceConnector";
    const TASK_CLASS: &'static str = "com.example.CounterSourceTask";
    const VERSION: &'static str = VERSION;

    fn config_def() -> ConfigDef {
        Self::definition()
    }

    fn start(&mut self, config: &ConfigMap, _ctx: ConnectorContext) -> Result<()> {
        Self::definition().parse(config)?; // refuse a bad config early
        self.config = config.clone();
        Ok(())
    }

    fn task_configs(&mut self, _max_tasks: usize) -> Result<Vec<ConfigMap>> {
        // One counter: a single task whatever tasks.max says.
        Ok(vec![self.config.clone()])
    }
}

/// The source partition of the one counter.
fn partition() -> JsonMap {
    let mut p = JsonMap::new();
    p.insert("counter".into(), "main".into());
    p
}

/// The task that counts.
#[derive(Default)]
pub struct CounterTask {
    topic: String,
    next: i64,
    max: i64,
    batch: usize,
}

impl SourceTask for CounterTask {
    fn start(&mut self, config: &ConfigMap, ctx: SourceTaskContext) -> Result<()> {
        let parsed = CounterSource::definition().parse(config)?;
        self.topic = parsed.string("topic")?.unwrap_or_default().to_owned();
        self.max = parsed.long("max.count")?.unwrap_or(i64::MAX);
        self.batch = parsed.int("batch.size")?.unwrap_or(100).max(1) as usize;
        if let Some(offset) = ctx.offset(&partition())? {
            self.next = offset.get("count").and_then(|v| v.as_i64()).unwrap_or(0);
        }
        ferry_plugin_sdk::tracing::info!(topic = %self.topic, from = self.next, "Counter starting");
        Ok(())
    }

    fn poll(&mut self, out: &mut SourceRecords<'_>) -> Result<()> {
        while self.next < self.max && out.len() < self.batch {
            self.next += 1;
            let mut offset = JsonMap::new();
            offset.insert("count".into(), self.next.into());
            out.push(
                SourceRecord::new(
                    &self.topic,
                    Some(Schema::primitive(Type::Int64)),
                    Value::Int64(self.next),
                )
                .with_source(partition(), offset),
            )?;
        }
        if out.is_empty() {
            // Nothing to do: do not spin. The worker calls poll again.
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- the sink

/// Appends record values to a file.
#[derive(Default)]
pub struct LineSink {
    config: ConfigMap,
}

impl LineSink {
    fn definition() -> ConfigDef {
        ConfigDef::new().define(
            ConfigKey::new("file", ConfigType::String)
                .importance(Importance::High)
                .doc("The file to append to."),
        )
    }
}

impl SinkConnector for LineSink {
    type Task = LineSinkTask;
    const CLASS: &'static str = "com.example.LineSinkConnector";
    const TASK_CLASS: &'static str = "com.example.LineSinkTask";
    const VERSION: &'static str = VERSION;

    fn config_def() -> ConfigDef {
        Self::definition()
    }

    fn start(&mut self, config: &ConfigMap, _ctx: ConnectorContext) -> Result<()> {
        Self::definition().parse(config)?;
        self.config = config.clone();
        Ok(())
    }

    fn task_configs(&mut self, _max_tasks: usize) -> Result<Vec<ConfigMap>> {
        // One writer per file.
        Ok(vec![self.config.clone()])
    }
}

/// The task that writes.
#[derive(Default)]
pub struct LineSinkTask {
    file: Option<std::fs::File>,
}

impl SinkTask for LineSinkTask {
    fn start(&mut self, config: &ConfigMap, _ctx: SinkTaskContext) -> Result<()> {
        let parsed = LineSink::definition().parse(config)?;
        let path = parsed.string("file")?.unwrap_or_default().to_owned();
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| ConnectError::new(format!("Cannot open {path}: {e}")))?;
        self.file = Some(file);
        Ok(())
    }

    fn put(&mut self, records: SinkRecords<'_>) -> Result<()> {
        let Some(file) = self.file.as_mut() else {
            return Err(ConnectError::new("put before start"));
        };
        let mut text = String::new();
        for record in records.iter() {
            text.push_str(&record.value()?.to_java_string());
            text.push('\n');
        }
        file.write_all(text.as_bytes())
            .map_err(|e| ConnectError::retriable(format!("Cannot write: {e}")))
    }

    fn flush(&mut self, _offsets: &[(TopicPartition, i64)]) -> Result<()> {
        if let Some(f) = self.file.as_mut() {
            f.sync_data()
                .map_err(|e| ConnectError::retriable(format!("Cannot sync: {e}")))?;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- the export

ferry_plugin_sdk::export_plugin! { sources: [CounterSource], sinks: [LineSink] }
