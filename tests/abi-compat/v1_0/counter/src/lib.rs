//! A counting source and a counting sink, built against the frozen SDK at plugin ABI 1.0.

use std::sync::atomic::{AtomicI64, Ordering};

use ferry_plugin_sdk::prelude::*;

#[derive(Default)]
pub struct OldCounterSource {
    config: ConfigMap,
}

impl SourceConnector for OldCounterSource {
    type Task = OldCounterTask;
    const CLASS: &'static str = "test.abi.v1_0.CounterSourceConnector";
    const TASK_CLASS: &'static str = "test.abi.v1_0.CounterSourceTask";
    const VERSION: &'static str = "1.0.0";
    fn config_def() -> ConfigDef {
        ConfigDef::new().define(ConfigKey::new("topic", ConfigType::String).doc("Topic"))
    }
    fn start(&mut self, config: &ConfigMap, _: ConnectorContext) -> Result<()> {
        self.config = config.clone();
        Ok(())
    }
    fn task_configs(&mut self, _: usize) -> Result<Vec<ConfigMap>> {
        Ok(vec![self.config.clone()])
    }
}

#[derive(Default)]
pub struct OldCounterTask {
    topic: String,
    next: i64,
}

impl SourceTask for OldCounterTask {
    fn start(&mut self, config: &ConfigMap, _: SourceTaskContext) -> Result<()> {
        self.topic = config.get("topic").cloned().unwrap_or_else(|| "t".into());
        ferry_plugin_sdk::tracing::info!("old-ABI counter starting");
        Ok(())
    }
    fn poll(&mut self, out: &mut SourceRecords<'_>) -> Result<()> {
        for _ in 0..10 {
            self.next += 1;
            let mut p = JsonMap::new();
            p.insert("counter".into(), "main".into());
            let mut o = JsonMap::new();
            o.insert("count".into(), self.next.into());
            out.push(
                SourceRecord::new(
                    &self.topic,
                    Some(Schema::primitive(Type::Int64)),
                    Value::Int64(self.next),
                )
                .with_source(p, o),
            )?;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
        Ok(())
    }
}

/// Records the sink saw, summed, for the test to read back through the task's logs.
static SEEN: AtomicI64 = AtomicI64::new(0);

#[derive(Default)]
pub struct OldSumSink {
    config: ConfigMap,
}

impl SinkConnector for OldSumSink {
    type Task = OldSumTask;
    const CLASS: &'static str = "test.abi.v1_0.SumSinkConnector";
    const TASK_CLASS: &'static str = "test.abi.v1_0.SumSinkTask";
    const VERSION: &'static str = "1.0.0";
    fn config_def() -> ConfigDef {
        ConfigDef::new()
    }
    fn start(&mut self, config: &ConfigMap, _: ConnectorContext) -> Result<()> {
        self.config = config.clone();
        Ok(())
    }
    fn task_configs(&mut self, _: usize) -> Result<Vec<ConfigMap>> {
        Ok(vec![self.config.clone()])
    }
}

#[derive(Default)]
pub struct OldSumTask;

impl SinkTask for OldSumTask {
    fn start(&mut self, _: &ConfigMap, _: SinkTaskContext) -> Result<()> {
        Ok(())
    }
    fn put(&mut self, records: SinkRecords<'_>) -> Result<()> {
        for r in records.iter() {
            if let Value::Int32(n) = r.value()? {
                let total = SEEN.fetch_add(i64::from(n), Ordering::AcqRel) + i64::from(n);
                ferry_plugin_sdk::tracing::info!("old-ABI sink total {total}");
            }
        }
        Ok(())
    }
}

ferry_plugin_sdk::export_plugin! { sources: [OldCounterSource], sinks: [OldSumSink] }
