use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use ferry_codec::{BatchWriter, EncodeRecord, Header, Payload, WriterState};
use ferry_data::{SchemaRef, Value};
use ferry_plugin_abi::abi_stable::sabi_trait::TD_Opaque;
use ferry_plugin_abi::abi_stable::std_types::RBox;
use ferry_plugin_abi::{
    BatchBuf, ConnectorContextObj_TO, ConnectorObj_TO, SinkContextObj_TO, SinkTaskBox,
    SinkTaskObj_TO, TimestampType, NO_TIMESTAMP,
};

use super::contexts::{SinkRequests, TestConnectorContext, TestSinkContext};
use super::{check_valid, config_map, from_ffi};
use crate::config::ConfigMap;
use crate::error::Result;
use crate::export::json;
use crate::export::shims::{SinkConnectorShim, SinkTaskShim};
use crate::record::TopicPartition;
use crate::sink::{partitions_json, SinkConnector};

/// A record to feed a sink task.
#[derive(Debug, Clone, PartialEq)]
pub struct TestRecord {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    pub key_schema: Option<SchemaRef>,
    pub key: Value,
    pub value_schema: Option<SchemaRef>,
    pub value: Value,
    pub timestamp: Option<i64>,
    pub headers: Vec<Header>,
}

impl TestRecord {
    pub fn new(
        topic: &str,
        partition: i32,
        offset: i64,
        value_schema: Option<SchemaRef>,
        value: Value,
    ) -> Self {
        TestRecord {
            topic: topic.to_owned(),
            partition,
            offset,
            key_schema: None,
            key: Value::Null,
            value_schema,
            value,
            timestamp: None,
            headers: Vec::new(),
        }
    }
}

/// A started sink connector, in-process.
pub struct SinkHarness<C: SinkConnector> {
    connector: ConnectorObj_TO<'static, RBox<()>>,
    _marker: std::marker::PhantomData<C>,
}

impl<C: SinkConnector> SinkHarness<C> {
    /// Validate `config` with the connector's ConfigDef and start the connector.
    pub fn new(config: &[(&str, &str)]) -> Result<Self> {
        let mut connector =
            ConnectorObj_TO::from_value(SinkConnectorShim::<C>::default(), TD_Opaque);
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
        Ok(SinkHarness {
            connector,
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

    /// Start a task with `config` and open `partitions` for it.
    pub fn start_task(
        &self,
        config: &ConfigMap,
        partitions: &[TopicPartition],
    ) -> Result<SinkTaskRunner> {
        let mut task = SinkTaskObj_TO::from_value(SinkTaskShim::<C>::default(), TD_Opaque);
        let requests = Arc::new(Mutex::new(SinkRequests {
            assignment: partitions
                .iter()
                .map(|tp| (tp.topic.clone(), tp.partition))
                .collect(),
            ..SinkRequests::default()
        }));
        let ctx = SinkContextObj_TO::from_value(
            TestSinkContext {
                requests: requests.clone(),
            },
            TD_Opaque,
        );
        let json = serde_json::to_string(config)?;
        task.start(json.as_str().into(), ctx)
            .into_result()
            .map_err(from_ffi)?;
        task.open(partitions_json(partitions).as_str().into())
            .into_result()
            .map_err(from_ffi)?;
        Ok(SinkTaskRunner {
            task,
            requests,
            consumed: BTreeMap::new(),
            buf: BatchBuf::new(),
            state: WriterState::default(),
        })
    }

    pub fn stop(mut self) -> Result<()> {
        self.connector.stop().into_result().map_err(from_ffi)
    }
}

/// A running sink task.
pub struct SinkTaskRunner {
    task: SinkTaskBox,
    requests: Arc<Mutex<SinkRequests>>,
    consumed: BTreeMap<TopicPartition, i64>,
    buf: BatchBuf,
    state: WriterState,
}

impl SinkTaskRunner {
    /// Deliver `records` in one `put`.
    pub fn put(&mut self, records: &[TestRecord]) -> Result<()> {
        self.buf.clear();
        let mut writer = BatchWriter::new(&mut self.buf, &mut self.state);
        for r in records {
            let mut rec = EncodeRecord::new(&r.topic);
            rec.partition = r.partition;
            rec.offset = r.offset;
            rec.timestamp = r.timestamp.unwrap_or(NO_TIMESTAMP);
            rec.timestamp_type = if r.timestamp.is_some() {
                TimestampType::CREATE_TIME
            } else {
                TimestampType::NONE
            };
            rec.key = Payload::Value(r.key_schema.as_ref(), &r.key);
            rec.value = Payload::Value(r.value_schema.as_ref(), &r.value);
            rec.headers = &r.headers;
            writer.push(&rec)?;
        }
        self.task
            .put(self.buf.as_batch_ref())
            .into_result()
            .map_err(from_ffi)?;
        for r in records {
            self.consumed.insert(
                TopicPartition::new(r.topic.clone(), r.partition),
                r.offset + 1,
            );
        }
        Ok(())
    }

    /// What the worker would do at commit time: `pre_commit` with the consumed offsets. Returns
    /// the offsets the task declared safe to commit.
    pub fn commit(&mut self) -> Result<Vec<(TopicPartition, i64)>> {
        let consumed: Vec<_> = self
            .consumed
            .iter()
            .map(|(tp, o)| (tp.clone(), *o))
            .collect();
        let raw = self
            .task
            .pre_commit(json::committed_json(&consumed).as_str().into())
            .into_result()
            .map_err(from_ffi)?;
        json::parse_committed(raw.as_str())
    }

    /// Requests the task made of its context so far.
    pub fn requests(&self) -> SinkRequests {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// Close the assigned partitions and stop the task.
    pub fn stop(mut self) -> Result<()> {
        let assigned: Vec<TopicPartition> = self
            .requests()
            .assignment
            .into_iter()
            .map(|(t, p)| TopicPartition::new(t, p))
            .collect();
        self.task
            .close(partitions_json(&assigned).as_str().into())
            .into_result()
            .map_err(from_ffi)?;
        self.task.stop().into_result().map_err(from_ffi)
    }
}
