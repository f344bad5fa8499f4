use std::sync::Arc;

use ferry_codec::{BatchWriter, EncodeRecord, Payload};
use ferry_configdef::{ConfigDef, ConfigValue};
use ferry_plugin_abi::{SourceContextBox, NO_TIMESTAMP};

use crate::config::ConfigMap;
use crate::connector::ConnectorContext;
use crate::error::{ConnectError, Result};
use crate::record::{JsonMap, SourceRecord};
use crate::stop::StopToken;

/// A source connector (Kafka's `SourceConnector`): reads its config, decides how many tasks to
/// run and what each one does.
pub trait SourceConnector: Default + Send + 'static {
    /// The task type this connector runs.
    type Task: SourceTask + Default;
    /// Fully qualified class name, as users write it in `connector.class`.
    const CLASS: &'static str;
    /// Class name reported for the task in `task.class`.
    const TASK_CLASS: &'static str;
    /// The connector's version.
    const VERSION: &'static str;

    /// Every configuration key this connector reads.
    fn config_def() -> ConfigDef;

    /// Kafka's `Connector.validate`: by default, the config def's own validation.
    fn validate(&self, config: &ConfigMap) -> Vec<ConfigValue> {
        Self::config_def().validate(config)
    }

    fn start(&mut self, config: &ConfigMap, ctx: ConnectorContext) -> Result<()>;

    /// Configs for at most `max_tasks` tasks.
    fn task_configs(&mut self, max_tasks: usize) -> Result<Vec<ConfigMap>>;

    fn stop(&mut self) -> Result<()> {
        Ok(())
    }

    /// Kafka's `SourceConnector.alterOffsets`: check (and apply, if offsets live outside Kafka)
    /// an offset change made over REST while the connector is stopped. `None` offsets are
    /// resets. Return `Ok(true)` when the change was handled, `Ok(false)` when the connector
    /// does not manage offsets itself, or an error to veto it.
    fn alter_offsets(
        &mut self,
        config: &ConfigMap,
        offsets: &[(JsonMap, Option<JsonMap>)],
    ) -> Result<bool> {
        let _ = (config, offsets);
        Ok(false)
    }
}

/// A source task (Kafka's `SourceTask`). All methods run on the task's own thread.
pub trait SourceTask: Send + 'static {
    fn start(&mut self, config: &ConfigMap, ctx: SourceTaskContext) -> Result<()>;

    /// Append new records to `out` (possibly none). Return regularly, within a second or so,
    /// even when there is no data; sleep on [`SourceTaskContext::stop_token`] rather than
    /// `std::thread::sleep` so that a stop request wakes you.
    fn poll(&mut self, out: &mut SourceRecords<'_>) -> Result<()>;

    /// Offsets up to here have been committed by the worker.
    fn commit(&mut self) -> Result<()> {
        Ok(())
    }

    /// Kafka acknowledged this record.
    fn commit_record(&mut self, record: &CommittedRecord) -> Result<()> {
        let _ = record;
        Ok(())
    }

    fn stop(&mut self) -> Result<()> {
        Ok(())
    }
}

/// A record Kafka acknowledged, as passed to [`SourceTask::commit_record`].
#[derive(Debug, Clone, PartialEq)]
pub struct CommittedRecord {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub source_partition: Option<JsonMap>,
    pub source_offset: Option<JsonMap>,
}

/// Where `poll` puts its records. Records are encoded straight into the worker's buffer.
pub struct SourceRecords<'a> {
    pub(crate) writer: BatchWriter<'a>,
    pub(crate) scratch: String,
}

impl SourceRecords<'_> {
    /// Append a record.
    pub fn push(&mut self, record: SourceRecord) -> Result<()> {
        self.push_ref(&record)
    }

    /// Append a record without giving it up.
    pub fn push_ref(&mut self, r: &SourceRecord) -> Result<()> {
        let mut rec = EncodeRecord::new(&r.topic);
        rec.partition = r.partition.unwrap_or(-1);
        rec.timestamp = r.timestamp.unwrap_or(NO_TIMESTAMP);
        rec.key = payload(r.key_schema.as_ref(), &r.key);
        rec.value = payload(r.value_schema.as_ref(), &r.value);
        rec.headers = &r.headers;
        self.scratch.clear();
        let partition_end = append_json(&mut self.scratch, r.source_partition.as_ref())?;
        let offset_end = append_json(&mut self.scratch, r.source_offset.as_ref())?;
        rec.source_partition = r
            .source_partition
            .as_ref()
            .map(|_| &self.scratch[..partition_end]);
        rec.source_offset = r
            .source_offset
            .as_ref()
            .map(|_| &self.scratch[partition_end..offset_end]);
        self.writer.push(&rec)?;
        Ok(())
    }

    /// Records appended so far in this poll.
    pub fn len(&self) -> usize {
        self.writer.len()
    }

    pub fn is_empty(&self) -> bool {
        self.writer.is_empty()
    }
}

fn payload<'a>(
    schema: Option<&'a ferry_data::SchemaRef>,
    value: &'a ferry_data::Value,
) -> Payload<'a> {
    if schema.is_none() && value.is_null() {
        Payload::Null
    } else {
        Payload::Value(schema, value)
    }
}

fn append_json(out: &mut String, map: Option<&JsonMap>) -> Result<usize> {
    if let Some(map) = map {
        out.push_str(&serde_json::to_string(map)?);
    }
    Ok(out.len())
}

/// The worker's services for a source task (Kafka's `SourceTaskContext`).
#[derive(Clone)]
pub struct SourceTaskContext {
    pub(crate) inner: Arc<SourceContextBox>,
    pub(crate) stop: StopToken,
}

impl SourceTaskContext {
    /// The committed offset of one source partition.
    pub fn offset(&self, partition: &JsonMap) -> Result<Option<JsonMap>> {
        Ok(self
            .offsets(std::slice::from_ref(partition))?
            .pop()
            .flatten())
    }

    /// The committed offsets of several source partitions, in the same order.
    pub fn offsets(&self, partitions: &[JsonMap]) -> Result<Vec<Option<JsonMap>>> {
        let query = serde_json::to_string(partitions)?;
        let answer = self.inner.offsets(query.as_str().into());
        let offsets: Vec<Option<JsonMap>> = serde_json::from_str(answer.as_str()).map_err(|e| {
            ConnectError::new("the worker returned malformed offsets").caused_by(&e)
        })?;
        Ok(offsets)
    }

    /// Set when the worker wants the task to stop.
    pub fn stop_token(&self) -> &StopToken {
        &self.stop
    }
}

impl std::fmt::Debug for SourceTaskContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SourceTaskContext")
    }
}
