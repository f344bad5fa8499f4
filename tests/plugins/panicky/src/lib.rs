//! Connectors that panic where `panic.in` says (`start`, `poll`, `commitRecord`, `put` or
//! `none`), to prove that a panic fails only its task.

use ferry_plugin_sdk::prelude::*;

const PANIC_IN: &str = "panic.in";

fn def() -> ConfigDef {
    ConfigDef::new().define(
        ConfigKey::new(PANIC_IN, ConfigType::String)
            .default_value("none")
            .validator(Validator::ValidString {
                values: vec![
                    "none".into(),
                    "start".into(),
                    "poll".into(),
                    "commitRecord".into(),
                    "put".into(),
                    "hang".into(),
                    "errant".into(),
                    "reset".into(),
                ],
                case_insensitive: false,
            })
            .doc("Where the task panics; `hang` makes poll block forever, ignoring stop requests; `errant` makes the sink report every record as errant"),
    )
}

fn panic_in(config: &ConfigMap) -> String {
    config
        .get(PANIC_IN)
        .cloned()
        .unwrap_or_else(|| "none".into())
}

#[derive(Default)]
pub struct PanickySource(ConfigMap);

impl SourceConnector for PanickySource {
    type Task = PanickySourceTask;
    const CLASS: &'static str = "test.PanickySourceConnector";
    const TASK_CLASS: &'static str = "test.PanickySourceTask";
    const VERSION: &'static str = "1.0";
    fn config_def() -> ConfigDef {
        def()
    }
    fn start(&mut self, config: &ConfigMap, _: ConnectorContext) -> Result<()> {
        self.0 = config.clone();
        Ok(())
    }
    fn task_configs(&mut self, max: usize) -> Result<Vec<ConfigMap>> {
        Ok(vec![self.0.clone(); max])
    }
}

#[derive(Default)]
pub struct PanickySourceTask {
    at: String,
    n: i64,
}

impl SourceTask for PanickySourceTask {
    fn start(&mut self, config: &ConfigMap, _: SourceTaskContext) -> Result<()> {
        self.at = panic_in(config);
        if self.at == "start" {
            panic!("boom in start");
        }
        Ok(())
    }
    fn poll(&mut self, out: &mut SourceRecords<'_>) -> Result<()> {
        if self.at == "poll" {
            panic!("boom in poll");
        }
        if self.at == "hang" {
            loop {
                std::thread::sleep(std::time::Duration::from_secs(3600));
            }
        }
        self.n += 1;
        std::thread::sleep(std::time::Duration::from_millis(20));
        out.push(SourceRecord::new("panicky", None, Value::Int64(self.n)))
    }
    /// Overridden, so the worker keeps handing acknowledged records back.
    fn commit_record(&mut self, _: &CommittedRecord<'_>) -> Result<()> {
        if self.at == "commitRecord" {
            panic!("boom in commitRecord");
        }
        Ok(())
    }
}

#[derive(Default)]
pub struct PanickySink(ConfigMap);

impl SinkConnector for PanickySink {
    type Task = PanickySinkTask;
    const CLASS: &'static str = "test.PanickySinkConnector";
    const TASK_CLASS: &'static str = "test.PanickySinkTask";
    const VERSION: &'static str = "1.0";
    fn config_def() -> ConfigDef {
        def()
    }
    fn start(&mut self, config: &ConfigMap, _: ConnectorContext) -> Result<()> {
        self.0 = config.clone();
        Ok(())
    }
    fn task_configs(&mut self, max: usize) -> Result<Vec<ConfigMap>> {
        Ok(vec![self.0.clone(); max])
    }
}

#[derive(Default)]
pub struct PanickySinkTask {
    at: String,
    ctx: Option<SinkTaskContext>,
}

impl SinkTask for PanickySinkTask {
    /// `reset`: rewind every assigned partition to offset 1 as soon as it is assigned.
    fn open(&mut self, partitions: &[TopicPartition]) -> Result<()> {
        if let (Some(ctx), "reset") = (&self.ctx, self.at.as_str()) {
            ctx.reset_offsets(
                &partitions
                    .iter()
                    .map(|tp| (tp.clone(), 1))
                    .collect::<Vec<_>>(),
            );
        }
        Ok(())
    }

    fn start(&mut self, config: &ConfigMap, ctx: SinkTaskContext) -> Result<()> {
        self.ctx = Some(ctx);
        self.at = panic_in(config);
        if self.at == "start" {
            panic!("boom in start");
        }
        Ok(())
    }
    fn put(&mut self, records: SinkRecords<'_>) -> Result<()> {
        if self.at == "put" && !records.is_empty() {
            panic!("boom in put");
        }
        if let (Some(ctx), "errant" | "reset") = (&self.ctx, self.at.as_str()) {
            for r in records.iter() {
                ctx.report(
                    &r,
                    ConnectError::new(format!("record at offset {} is errant", r.kafka_offset())),
                );
            }
        }
        Ok(())
    }
}

ferry_plugin_sdk::export_plugin! {
    sources: [PanickySource],
    sinks: [PanickySink],
}
