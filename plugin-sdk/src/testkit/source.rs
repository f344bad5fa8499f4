use std::collections::BTreeMap;
use std::sync::Arc;

use ferry_codec::{BatchReader, BatchWriter, EncodeRecord, SchemaCache, WriterState};
use ferry_plugin_abi::abi_stable::sabi_trait::TD_Opaque;
use ferry_plugin_abi::abi_stable::std_types::RBox;
use ferry_plugin_abi::{
    BatchBuf, ConnectorContextObj_TO, ConnectorObj_TO, SourceContextObj_TO, SourceTaskBox,
    SourceTaskObj_TO, StopHandleBox,
};

use super::contexts::{OffsetStore, TestConnectorContext, TestSourceContext};
use super::{check_valid, config_map, from_ffi};
use crate::config::ConfigMap;
use crate::error::Result;
use crate::export::shims::{SourceConnectorShim, SourceTaskShim};
use crate::record::{JsonMap, SourceRecord};
use crate::source::SourceConnector;

/// A started source connector, in-process.
pub struct SourceHarness<C: SourceConnector> {
    connector: ConnectorObj_TO<'static, RBox<()>>,
    offsets: OffsetStore,
    _marker: std::marker::PhantomData<C>,
}

impl<C: SourceConnector> SourceHarness<C> {
    /// Validate `config` with the connector's ConfigDef and start the connector.
    pub fn new(config: &[(&str, &str)]) -> Result<Self> {
        let mut connector =
            ConnectorObj_TO::from_value(SourceConnectorShim::<C>::default(), TD_Opaque);
        let json = serde_json::to_string(&config_map(config))?;
        let values = connector
            .validate(json.as_str().into())
            .into_result()
            .map_err(from_ffi)?;
        check_valid(&serde_json::from_str::<Vec<ferry_configdef::ConfigValue>>(
            values.as_str(),
        )?)?;
        let ctx = ConnectorContextObj_TO::from_value(TestConnectorContext::default(), TD_Opaque);
        connector
            .start(json.as_str().into(), ctx)
            .into_result()
            .map_err(from_ffi)?;
        Ok(SourceHarness {
            connector,
            offsets: Arc::default(),
            _marker: std::marker::PhantomData,
        })
    }

    pub fn task_configs(&mut self, max_tasks: usize) -> Result<Vec<ConfigMap>> {
        let raw = self
            .connector
            .task_configs(max_tasks as u32)
            .into_result()
            .map_err(from_ffi)?;
        Ok(serde_json::from_str(raw.as_str())?)
    }

    /// Pretend `offset` was committed for `partition` (before a task starts, as after a restart).
    pub fn set_offset(&self, partition: &JsonMap, offset: JsonMap) -> Result<()> {
        let key = serde_json::to_string(partition)?;
        if let Ok(mut o) = self.offsets.lock() {
            o.insert(key, offset);
        }
        Ok(())
    }

    /// Committed offsets so far: partition JSON text to offset.
    pub fn committed_offsets(&self) -> BTreeMap<String, JsonMap> {
        self.offsets.lock().map(|o| o.clone()).unwrap_or_default()
    }

    /// Start a task with `config`.
    pub fn start_task(&self, config: &ConfigMap) -> Result<SourceTaskRunner> {
        let mut task = SourceTaskObj_TO::from_value(SourceTaskShim::<C>::default(), TD_Opaque);
        let ctx = SourceContextObj_TO::from_value(
            TestSourceContext {
                offsets: self.offsets.clone(),
            },
            TD_Opaque,
        );
        let json = serde_json::to_string(config)?;
        task.start(json.as_str().into(), ctx)
            .into_result()
            .map_err(from_ffi)?;
        let stop = task.stop_handle();
        Ok(SourceTaskRunner {
            task,
            stop,
            buf: BatchBuf::new(),
            offsets: self.offsets.clone(),
            cache: SchemaCache::default(),
        })
    }

    pub fn stop(mut self) -> Result<()> {
        self.connector.stop().into_result().map_err(from_ffi)
    }
}

/// A running source task.
pub struct SourceTaskRunner {
    task: SourceTaskBox,
    stop: StopHandleBox,
    buf: BatchBuf,
    offsets: OffsetStore,
    cache: SchemaCache,
}

impl SourceTaskRunner {
    /// One `poll`. The records are then treated as acknowledged by Kafka: `commit_record` is
    /// called for each, their offsets are committed, and `commit` is called.
    pub fn poll(&mut self) -> Result<Vec<SourceRecord>> {
        self.buf.clear();
        self.task
            .poll(&mut self.buf)
            .into_result()
            .map_err(from_ffi)?;
        let records = decode(&self.buf, &mut self.cache)?;
        self.ack(&records)?;
        Ok(records)
    }

    /// The flags byte of each record of the last poll, as the worker reads it.
    #[cfg(test)]
    pub(crate) fn polled_flags(&self) -> Vec<u8> {
        self.buf.records.iter().map(|h| h._reserved[0]).collect()
    }

    /// Poll until at least `n` records arrived or `max_polls` polls were made.
    pub fn poll_until(&mut self, n: usize, max_polls: usize) -> Result<Vec<SourceRecord>> {
        let mut all = Vec::new();
        for _ in 0..max_polls {
            if all.len() >= n {
                break;
            }
            all.extend(self.poll()?);
        }
        Ok(all)
    }

    fn ack(&mut self, records: &[SourceRecord]) -> Result<()> {
        let mut acked = BatchBuf::new();
        let mut state = WriterState::default();
        let mut writer = BatchWriter::new(&mut acked, &mut state);
        for (i, r) in records.iter().enumerate() {
            let partition = r
                .source_partition
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?;
            let offset = r
                .source_offset
                .as_ref()
                .map(serde_json::to_string)
                .transpose()?;
            let mut rec = EncodeRecord::new(&r.topic);
            rec.partition = r.partition.unwrap_or(0);
            rec.offset = i as i64;
            rec.source_partition = partition.as_deref().map(str::as_bytes);
            rec.source_offset = offset.as_deref().map(str::as_bytes);
            writer.push(&rec)?;
            if let (Some(p), Some(o)) = (partition, &r.source_offset) {
                if let Ok(mut store) = self.offsets.lock() {
                    store.insert(p, o.clone());
                }
            }
        }
        self.task
            .commit_records(acked.as_batch_ref())
            .into_result()
            .map_err(from_ffi)?;
        self.task.commit().into_result().map_err(from_ffi)
    }

    /// Ask the task to stop (as the worker does from another thread), then call its `stop`.
    pub fn stop(mut self) -> Result<()> {
        self.stop.request_stop();
        self.task.stop().into_result().map_err(from_ffi)
    }

    /// Request a stop without calling `stop` (to test that `poll` notices).
    pub fn request_stop(&self) {
        self.stop.request_stop();
    }
}

pub(crate) fn decode(buf: &BatchBuf, cache: &mut SchemaCache) -> Result<Vec<SourceRecord>> {
    let reader = BatchReader::new(buf.as_batch_ref(), cache)?;
    let mut out = Vec::with_capacity(reader.len());
    for view in reader.iter() {
        out.push(SourceRecord {
            source_partition: view
                .source_partition()?
                .map(serde_json::from_str)
                .transpose()?,
            source_offset: view
                .source_offset()?
                .map(serde_json::from_str)
                .transpose()?,
            topic: view.topic()?.to_owned(),
            partition: view.partition(),
            key_schema: view.key_schema()?.cloned(),
            key: view.key()?,
            value_schema: view.value_schema()?.cloned(),
            value: view.value()?,
            timestamp: view.timestamp(),
            headers: view.headers()?,
        });
    }
    Ok(out)
}
