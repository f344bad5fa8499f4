use std::sync::Arc;

use ferry_configdef::{ConfigDef, ConfigValue};
use ferry_plugin_abi::SinkContextBox;
use serde_json::json;

use crate::config::ConfigMap;
use crate::error::{ConnectError, Result};
use crate::record::{SinkRecord, SinkRecords, TopicPartition};

/// A sink connector (Kafka's `SinkConnector`).
pub trait SinkConnector: Default + Send + 'static {
    /// The task type this connector runs.
    type Task: SinkTask + Default;
    /// Fully qualified class name, as users write it in `connector.class`.
    const CLASS: &'static str;
    /// Class name reported for the task in `task.class`.
    const TASK_CLASS: &'static str;
    /// The connector's version.
    const VERSION: &'static str;

    /// Every configuration key this connector reads (the framework adds `topics` and friends).
    fn config_def() -> ConfigDef;

    /// Kafka's `Connector.validate`: by default, the config def's own validation.
    fn validate(&self, config: &ConfigMap) -> Vec<ConfigValue> {
        Self::config_def().validate(config)
    }

    fn start(&mut self, config: &ConfigMap, ctx: crate::connector::ConnectorContext) -> Result<()>;

    /// Configs for at most `max_tasks` tasks.
    fn task_configs(&mut self, max_tasks: usize) -> Result<Vec<ConfigMap>>;

    fn stop(&mut self) -> Result<()> {
        Ok(())
    }

    /// Kafka's `SinkConnector.alterOffsets`: check an offset change made over REST while the
    /// connector is stopped (`None` = reset). The worker changes the consumer group itself;
    /// return `Ok(true)` if this connector also handled offsets it keeps elsewhere.
    fn alter_offsets(
        &mut self,
        config: &ConfigMap,
        offsets: &[(TopicPartition, Option<i64>)],
    ) -> Result<bool> {
        let _ = (config, offsets);
        Ok(false)
    }
}

/// A sink task (Kafka's `SinkTask`). All methods run on the task's own thread.
pub trait SinkTask: Send + 'static {
    fn start(&mut self, config: &ConfigMap, ctx: SinkTaskContext) -> Result<()>;

    /// Partitions were assigned to this task.
    fn open(&mut self, partitions: &[TopicPartition]) -> Result<()> {
        let _ = partitions;
        Ok(())
    }

    /// Partitions were taken away; flush what belongs to them.
    fn close(&mut self, partitions: &[TopicPartition]) -> Result<()> {
        let _ = partitions;
        Ok(())
    }

    /// Write (or buffer) a batch of records.
    fn put(&mut self, records: SinkRecords<'_>) -> Result<()>;

    /// Make everything `put` so far durable.
    fn flush(&mut self, offsets: &[(TopicPartition, i64)]) -> Result<()> {
        let _ = offsets;
        Ok(())
    }

    /// Kafka's `preCommit`: given the consumed offsets (next offset to read), return the ones
    /// that are safe to commit. The default flushes and returns them all.
    fn pre_commit(
        &mut self,
        offsets: Vec<(TopicPartition, i64)>,
    ) -> Result<Vec<(TopicPartition, i64)>> {
        self.flush(&offsets)?;
        Ok(offsets)
    }

    fn stop(&mut self) -> Result<()> {
        Ok(())
    }
}

/// The worker's services for a sink task (Kafka's `SinkTaskContext` and
/// `ErrantRecordReporter`). Requests take effect when the current call returns.
#[derive(Clone)]
pub struct SinkTaskContext {
    pub(crate) inner: Arc<SinkContextBox>,
}

pub(crate) fn partitions_json(partitions: &[TopicPartition]) -> String {
    serde_json::Value::Array(
        partitions
            .iter()
            .map(|tp| json!({"topic": tp.topic, "partition": tp.partition}))
            .collect(),
    )
    .to_string()
}

impl SinkTaskContext {
    /// Partitions currently assigned to this task.
    pub fn assignment(&self) -> Result<Vec<TopicPartition>> {
        let raw = self.inner.assignment();
        crate::export::json::parse_partitions(raw.as_str())
    }

    /// Rewind or skip: consumption of each partition continues at the given offset.
    pub fn reset_offsets(&self, offsets: &[(TopicPartition, i64)]) {
        let doc = serde_json::Value::Array(
            offsets
                .iter()
                .map(|(tp, o)| json!({"topic": tp.topic, "partition": tp.partition, "offset": o}))
                .collect(),
        );
        self.inner.reset_offsets(doc.to_string().as_str().into());
    }

    pub fn pause(&self, partitions: &[TopicPartition]) {
        self.inner
            .pause(partitions_json(partitions).as_str().into());
    }

    pub fn resume(&self, partitions: &[TopicPartition]) {
        self.inner
            .resume(partitions_json(partitions).as_str().into());
    }

    /// Ask for an offset commit soon.
    pub fn request_commit(&self) {
        self.inner.request_commit();
    }

    /// Kafka's `timeout(ms)`: after a retriable error, redeliver the batch after this delay.
    pub fn timeout(&self, ms: i64) {
        self.inner.timeout(ms);
    }

    /// Report a record of the current batch as bad (Kafka's `ErrantRecordReporter.report`).
    pub fn report(&self, record: &SinkRecord<'_>, error: ConnectError) {
        self.inner
            .report_errant(record.index() as u32, error.into_ffi());
    }
}

impl std::fmt::Debug for SinkTaskContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SinkTaskContext")
    }
}
