use std::sync::Arc;

use ferry_codec::{BatchWriter, EncodeRecord, Payload};
use ferry_configdef::{ConfigDef, ConfigValue};
use ferry_plugin_abi::{SourceContextBox, NO_TIMESTAMP};

use crate::config::ConfigMap;
use crate::connector::ConnectorContext;
use crate::error::{ConnectError, Result};
use crate::record::{JsonMap, SourceRecord};
use crate::stop::StopToken;
use ferry_data::{SchemaRef, Value};

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

    /// Kafka acknowledged this record (`None` offsets: it was dropped by a transformation or
    /// tolerated after an error, and never reached Kafka). A task that does not override this
    /// method is not called for each record at all.
    fn commit_record(&mut self, record: &CommittedRecord<'_>) -> Result<()> {
        let _ = record;
        crate::export::defaults::commit_record_default_ran::<Self>();
        Ok(())
    }

    fn stop(&mut self) -> Result<()> {
        Ok(())
    }
}

/// A record Kafka acknowledged, as passed to [`SourceTask::commit_record`]. Borrowed from the
/// worker's batch: nothing is parsed unless asked for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CommittedRecord<'a> {
    pub(crate) topic: &'a str,
    pub(crate) partition: i32,
    pub(crate) offset: i64,
    pub(crate) source_partition: Option<&'a str>,
    pub(crate) source_offset: Option<&'a str>,
}

impl<'a> CommittedRecord<'a> {
    /// The topic it was written to (empty if it never reached Kafka).
    pub fn topic(&self) -> &'a str {
        self.topic
    }

    /// The Kafka partition, or -1 if it never reached Kafka.
    pub fn kafka_partition(&self) -> i32 {
        self.partition
    }

    /// The Kafka offset, or -1 if it never reached Kafka.
    pub fn kafka_offset(&self) -> i64 {
        self.offset
    }

    /// The record's source partition, parsed.
    pub fn source_partition(&self) -> Result<Option<JsonMap>> {
        Ok(self
            .source_partition
            .map(serde_json::from_str)
            .transpose()?)
    }

    /// The record's source offset, parsed.
    pub fn source_offset(&self) -> Result<Option<JsonMap>> {
        Ok(self.source_offset.map(serde_json::from_str).transpose()?)
    }

    /// The source offset as JSON text, without parsing.
    pub fn source_offset_json(&self) -> Option<&'a str> {
        self.source_offset
    }
}

/// A source record as borrowed parts, for [`SourceRecords::push_parts`].
#[derive(Debug, Clone, Copy)]
pub struct RecordParts<'a> {
    pub topic: &'a str,
    /// Kafka partition; `None` lets the producer choose.
    pub partition: Option<i32>,
    pub key_schema: Option<&'a SchemaRef>,
    pub key: &'a Value,
    pub value_schema: Option<&'a SchemaRef>,
    pub value: &'a Value,
    /// Milliseconds since the epoch; `None` lets the producer assign one.
    pub timestamp: Option<i64>,
    pub headers: &'a [crate::record::Header],
    /// The source partition as a JSON object, e.g. `{"filename":"/tmp/in.txt"}`.
    pub source_partition: Option<&'a str>,
    /// The source offset as a JSON object, e.g. `{"position":42}`.
    pub source_offset: Option<&'a str>,
}

impl<'a> RecordParts<'a> {
    /// A record with a value for `topic`; everything else unset.
    pub fn new(topic: &'a str, value_schema: Option<&'a SchemaRef>, value: &'a Value) -> Self {
        RecordParts {
            topic,
            partition: None,
            key_schema: None,
            key: &Value::Null,
            value_schema,
            value,
            timestamp: None,
            headers: &[],
            source_partition: None,
            source_offset: None,
        }
    }
}

/// Where `poll` puts its records. Records are encoded straight into the worker's buffer.
pub struct SourceRecords<'a> {
    pub(crate) writer: BatchWriter<'a>,
    pub(crate) scratch: Vec<u8>,
    /// Flags of every record pushed (`RECORD_FLAG_NO_COMMIT_RECORD` once the task is known to
    /// keep the default `commit_record`).
    pub(crate) flags: u8,
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
        // serde_json writes UTF-8.
        let text = &self.scratch[..];
        rec.source_partition = r.source_partition.as_ref().map(|_| &text[..partition_end]);
        rec.source_offset = r
            .source_offset
            .as_ref()
            .map(|_| &text[partition_end..offset_end]);
        rec.flags = self.flags;
        self.writer.push(&rec)?;
        Ok(())
    }

    /// Append a record given as borrowed parts, with its source partition and offset already
    /// as JSON object text: nothing is allocated or serialised. For sources that emit many
    /// records with one partition (keep its JSON once) and an offset they can format cheaply.
    pub fn push_parts(&mut self, parts: &RecordParts<'_>) -> Result<()> {
        let mut rec = EncodeRecord::new(parts.topic);
        rec.partition = parts.partition.unwrap_or(-1);
        rec.timestamp = parts.timestamp.unwrap_or(NO_TIMESTAMP);
        rec.key = payload(parts.key_schema, parts.key);
        rec.value = payload(parts.value_schema, parts.value);
        rec.headers = parts.headers;
        rec.source_partition = parts.source_partition.map(str::as_bytes);
        rec.source_offset = parts.source_offset.map(str::as_bytes);
        rec.flags = self.flags;
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

fn append_json(out: &mut Vec<u8>, map: Option<&JsonMap>) -> Result<usize> {
    if let Some(map) = map {
        serde_json::to_writer(&mut *out, map)?;
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
