//! A sink task's input: an rdkafka consumer in group `connect-<name>`, records converted to
//! Connect data and encoded into the batch the plugin's `put` receives.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferry_codec::{BatchWriter, EncodeRecord, Header, Payload, WriterState};
use ferry_converters::Passthrough;
use ferry_data::{SchemaRef, Value};
use ferry_plugin_abi::{BatchBuf, TimestampType};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::KafkaError;
use rdkafka::message::{BorrowedMessage, Headers, Message, Timestamp};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use rdkafka::{ClientConfig, ClientContext};
use tracing::{debug, warn};

use super::convert::Converters;
use super::headers::HeaderPeek;
use super::send::TopicHandles;
use crate::errors::{ErrorHandler, Failure, RecordContext, Stage};
use crate::task::{SharedSinkCore, SinkInput, TaskError, Tp};
use ferry_transforms::{ConnectRecord, TransformationChain};

/// A consumed record's original bytes, kept for the errant record reporter.
struct RawRecord {
    topic: String,
    partition: i32,
    offset: i64,
    timestamp: Option<i64>,
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    headers: Vec<(String, Option<Vec<u8>>)>,
}

impl RawRecord {
    fn of(msg: &BorrowedMessage<'_>) -> RawRecord {
        let c = context(msg);
        RawRecord {
            topic: c.topic.to_owned(),
            partition: msg.partition(),
            offset: msg.offset(),
            timestamp: c.timestamp,
            key: c.key.map(<[u8]>::to_vec),
            value: c.value.map(<[u8]>::to_vec),
            headers: c.headers,
        }
    }

    fn context(&self) -> RecordContext<'_> {
        RecordContext {
            topic: &self.topic,
            partition: Some(self.partition),
            offset: Some(self.offset),
            timestamp: self.timestamp,
            timestamp_type: if self.timestamp.is_some() {
                "CreateTime"
            } else {
                ""
            },
            key: self.key.as_deref(),
            value: self.value.as_deref(),
            headers: self.headers.clone(),
            source_description: None,
        }
    }
}

/// The raw consumed record, for error reports and the dead letter queue.
fn context<'a>(msg: &'a BorrowedMessage<'_>) -> RecordContext<'a> {
    let (timestamp, timestamp_type) = match msg.timestamp() {
        Timestamp::CreateTime(t) => (Some(t), "CreateTime"),
        Timestamp::LogAppendTime(t) => (Some(t), "LogAppendTime"),
        Timestamp::NotAvailable => (None, ""),
    };
    RecordContext {
        topic: msg.topic(),
        partition: Some(msg.partition()),
        offset: Some(msg.offset()),
        timestamp,
        timestamp_type,
        key: msg.key(),
        value: msg.payload(),
        headers: msg
            .headers()
            .map(|hs| {
                hs.iter()
                    .map(|h| (h.key.to_owned(), h.value.map(<[u8]>::to_vec)))
                    .collect()
            })
            .unwrap_or_default(),
        source_description: None,
    }
}

/// Most records handed to one `put`.
const MAX_BATCH: usize = 2000;

/// Calls the task's open/close (and commits revoked partitions) inside the consumer's poll.
pub struct SinkConsumerContext {
    core: SharedSinkCore,
    failure: Mutex<Option<TaskError>>,
    /// Set once the task has closed its partitions itself and the consumer is only leaving
    /// its group: later rebalance events no longer reach the task.
    detached: AtomicBool,
}

fn tps_of(list: &TopicPartitionList) -> Vec<Tp> {
    list.elements()
        .iter()
        .map(|e| (e.topic().to_owned(), e.partition()))
        .collect()
}

fn offsets_list(offsets: &[(Tp, i64)]) -> Result<TopicPartitionList, TaskError> {
    let mut tpl = TopicPartitionList::new();
    for ((t, p), o) in offsets {
        tpl.add_partition_offset(t, *p, Offset::Offset(*o))
            .map_err(|e| TaskError::worker(e.to_string()))?;
    }
    Ok(tpl)
}

impl SinkConsumerContext {
    fn fail(&self, e: TaskError) {
        if let Ok(mut f) = self.failure.lock() {
            f.get_or_insert(e);
        }
    }
}

impl ClientContext for SinkConsumerContext {}

impl ConsumerContext for SinkConsumerContext {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let Rebalance::Revoke(list) = rebalance else {
            return;
        };
        if self.detached.load(Ordering::SeqCst) {
            return;
        }
        let tps = tps_of(list);
        debug!(partitions = ?tps, "Partitions revoked");
        let result = self
            .core
            .lock()
            .map_err(|_| TaskError::worker("sink task state poisoned"))
            .and_then(|mut core| core.on_revoked(&tps))
            .and_then(|offsets| {
                if offsets.is_empty() {
                    return Ok(());
                }
                consumer
                    .commit(&offsets_list(&offsets)?, CommitMode::Sync)
                    .map_err(|e| {
                        TaskError::worker(format!(
                            "Failed to commit offsets of revoked partitions: {e}"
                        ))
                    })
            });
        if let Err(e) = result {
            self.fail(e);
        }
    }

    fn post_rebalance(&self, _: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        let Rebalance::Assign(list) = rebalance else {
            return;
        };
        if self.detached.load(Ordering::SeqCst) {
            return;
        }
        let tps = tps_of(list);
        debug!(partitions = ?tps, "Partitions assigned");
        let result = self
            .core
            .lock()
            .map_err(|_| TaskError::worker("sink task state poisoned"))
            .and_then(|mut core| core.on_assigned(&tps));
        if let Err(e) = result {
            self.fail(e);
        }
    }
}

/// What a sink connector reads: `topics` or `topics.regex`.
#[derive(Debug, Clone)]
pub enum Subscription {
    Topics(Vec<String>),
    Regex(String),
}

/// Turns consumed messages into batch records.
struct Encoder {
    converters: Converters,
    chain: TransformationChain,
    errors: ErrorHandler,
    /// What the key converter makes of a null key, when it is one that passes keys through
    /// (then the same for every topic).
    null_key: Option<(Option<SchemaRef>, Value)>,
    /// The schema the value converter gives the values it passes through.
    passthrough_schema: Option<SchemaRef>,
    /// Tells messages without headers without librdkafka parsing them.
    peek: HeaderPeek,
}

fn data_failure(stage: Stage, class: &str, e: &dyn std::fmt::Display) -> Failure {
    Failure {
        stage,
        class: class.to_owned(),
        exception_class: "org.apache.kafka.connect.errors.DataException".into(),
        message: e.to_string(),
        retriable: false,
    }
}

impl Encoder {
    fn new(converters: Converters, chain: TransformationChain, errors: ErrorHandler) -> Encoder {
        // Converters that pass data through read the same whatever the topic.
        let null_key = match converters.key_passthrough {
            Passthrough::None => None,
            _ => converters.key.to_connect("", None).ok(),
        };
        let passthrough_schema = match converters.value_passthrough {
            Passthrough::None => None,
            _ => converters
                .value
                .to_connect("", Some(b""))
                .ok()
                .and_then(|(schema, _)| schema),
        };
        Encoder {
            converters,
            chain,
            errors,
            null_key,
            passthrough_schema,
            peek: HeaderPeek::new(),
        }
    }

    /// The message's value as the value converter reads it, when it passes it through.
    fn passed_through<'m>(&'m self, msg: &'m BorrowedMessage<'_>) -> Option<Payload<'m>> {
        let schema = self.passthrough_schema.as_ref();
        match (self.converters.value_passthrough, msg.payload()?) {
            (Passthrough::Bytes, raw) => Some(Payload::Bytes(schema, raw)),
            // Malformed UTF-8 is replaced by the converter.
            (Passthrough::Strings, raw) => std::str::from_utf8(raw)
                .ok()
                .map(|text| Payload::Str(schema, text)),
            (Passthrough::None, _) => None,
        }
    }

    /// Convert one consumed message of `topic`, run the transformation chain, and append the
    /// result to the batch. Returns `false` when the record was skipped: dropped by a
    /// transformation, or failed and tolerated by the error handler (a failure that is not
    /// tolerated is an error).
    fn encode(
        &mut self,
        writer: &mut BatchWriter<'_>,
        msg: &BorrowedMessage<'_>,
        topic: &str,
    ) -> Result<bool, TaskError> {
        let skip = |r: Result<(), TaskError>| r.map(|()| false);
        let decoded_key;
        let (key_schema, key) = match (msg.key(), &self.null_key) {
            (None, Some((schema, null))) => (schema.as_ref(), null),
            (bytes, _) => match self.converters.key.to_connect(topic, bytes) {
                Ok(k) => {
                    decoded_key = k;
                    (decoded_key.0.as_ref(), &decoded_key.1)
                }
                Err(e) => {
                    return skip(self.errors.handle(
                        data_failure(Stage::KeyConverter, &self.converters.key_class, &e),
                        &context(msg),
                    ))
                }
            },
        };
        let mut headers = Vec::new();
        for h in self.peek.headers(msg).iter().flat_map(|hs| hs.iter()) {
            match self
                .converters
                .header
                .to_connect_header(topic, h.key, h.value)
            {
                Ok((schema, value)) => headers.push(Header {
                    key: h.key.to_owned(),
                    schema,
                    value,
                }),
                Err(e) => {
                    return skip(self.errors.handle(
                        data_failure(Stage::HeaderConverter, &self.converters.header_class, &e),
                        &context(msg),
                    ))
                }
            }
        }
        let (timestamp, timestamp_type) = match msg.timestamp() {
            Timestamp::CreateTime(t) => (t, TimestampType::CREATE_TIME),
            Timestamp::LogAppendTime(t) => (t, TimestampType::LOG_APPEND_TIME),
            Timestamp::NotAvailable => (ferry_plugin_abi::NO_TIMESTAMP, TimestampType::NONE),
        };
        let mut rec = EncodeRecord::new(topic);
        rec.partition = msg.partition();
        rec.offset = msg.offset();
        rec.timestamp = timestamp;
        rec.timestamp_type = timestamp_type;
        // Values the converter passes through go untouched when nothing transforms them.
        if let Some(value) = self.passed_through(msg).filter(|_| self.chain.is_empty()) {
            rec.key = Payload::Value(key_schema, key);
            rec.headers = &headers;
            rec.value = value;
            writer
                .push(&rec)
                .map_err(|e| TaskError::worker(e.to_string()))?;
            return Ok(true);
        }
        let (value_schema, value) = match self.converters.value.to_connect(topic, msg.payload()) {
            Ok(v) => v,
            Err(e) => {
                return skip(self.errors.handle(
                    data_failure(Stage::ValueConverter, &self.converters.value_class, &e),
                    &context(msg),
                ))
            }
        };
        if self.chain.is_empty() {
            rec.key = Payload::Value(key_schema, key);
            rec.value = Payload::Value(value_schema.as_ref(), &value);
            rec.headers = &headers;
            writer
                .push(&rec)
                .map_err(|e| TaskError::worker(e.to_string()))?;
            return Ok(true);
        }
        let record = ConnectRecord {
            topic: topic.to_owned(),
            kafka_partition: Some(msg.partition()),
            kafka_offset: Some(msg.offset()),
            key_schema: key_schema.cloned(),
            key: key.clone(),
            value_schema,
            value,
            timestamp: (timestamp != ferry_plugin_abi::NO_TIMESTAMP).then_some(timestamp),
            headers: headers
                .into_iter()
                .map(|h| ferry_transforms::Header {
                    key: h.key,
                    schema: h.schema,
                    value: h.value,
                })
                .collect(),
        };
        let out = match self.chain.apply(record) {
            Ok(Some(r)) => r,
            Ok(None) => return Ok(false),
            Err(e) => {
                let failure = Failure {
                    stage: Stage::Transformation,
                    class: e.class.clone(),
                    exception_class: e.source.java_class().to_owned(),
                    message: e.source.to_string(),
                    retriable: false,
                };
                return skip(self.errors.handle(failure, &context(msg)));
            }
        };
        let headers: Vec<Header> = out
            .headers
            .into_iter()
            .map(|h| Header {
                key: h.key,
                schema: h.schema,
                value: h.value,
            })
            .collect();
        let mut rec = EncodeRecord::new(&out.topic);
        rec.partition = out.kafka_partition.unwrap_or(msg.partition());
        rec.offset = msg.offset();
        rec.timestamp = out.timestamp.unwrap_or(ferry_plugin_abi::NO_TIMESTAMP);
        rec.timestamp_type = timestamp_type;
        rec.key = Payload::Value(out.key_schema.as_ref(), &out.key);
        rec.value = Payload::Value(out.value_schema.as_ref(), &out.value);
        rec.headers = &headers;
        writer
            .push(&rec)
            .map_err(|e| TaskError::worker(e.to_string()))?;
        Ok(true)
    }
}

/// A [`SinkInput`] over a Kafka consumer.
pub struct KafkaInput {
    /// Held handles of the topics consumed, to tell a message's topic by its handle (declared
    /// before `consumer`: dropped first, as librdkafka needs).
    handles: TopicHandles,
    consumer: BaseConsumer<SinkConsumerContext>,
    /// Where the consumer closes when the task stops (in line without one).
    closing: Option<Arc<super::ClosingConsumers>>,
    encoder: Encoder,
    state: WriterState,
    /// The raw records of the last batch, kept only when errors are reported, for the errant
    /// record reporter.
    raw: Vec<RawRecord>,
    /// Resets the task asked for that librdkafka could not apply yet.
    pending_seeks: std::collections::HashMap<Tp, i64>,
    /// Records skipped (filtered or tolerated) since the last `take_skipped`.
    skipped: Vec<(Tp, i64)>,
    tracker: super::TopicTracker,
    seen: std::collections::HashSet<String>,
    /// The topic of the last record (in `seen`): records come in runs of one topic.
    last_topic: String,
    /// Address of `last_topic`'s handle, held in `handles` (0: none). A message with this
    /// handle is of that topic, without reading its name (a C string to check every time).
    last_handle: usize,
    last_transient: Option<String>,
}

impl KafkaInput {
    pub fn new(
        config: &ClientConfig,
        subscription: &Subscription,
        converters: Converters,
        core: SharedSinkCore,
        tracker: super::TopicTracker,
        errors: ErrorHandler,
        chain: TransformationChain,
    ) -> Result<KafkaInput, TaskError> {
        let context = SinkConsumerContext {
            core,
            failure: Mutex::new(None),
            detached: AtomicBool::new(false),
        };
        let consumer: BaseConsumer<SinkConsumerContext> = config
            .create_with_context(context)
            .map_err(|e| TaskError::worker(format!("Cannot create the consumer: {e}")))?;
        let subscribed = match subscription {
            Subscription::Topics(topics) => {
                consumer.subscribe(&topics.iter().map(String::as_str).collect::<Vec<_>>())
            }
            Subscription::Regex(re) => consumer.subscribe(&[&format!("^{re}")]),
        };
        subscribed
            .map_err(|e| TaskError::worker(format!("Cannot subscribe to {subscription:?}: {e}")))?;
        Ok(KafkaInput {
            consumer,
            closing: None,
            encoder: Encoder::new(converters, chain, errors),
            state: WriterState::default(),
            raw: Vec::new(),
            pending_seeks: Default::default(),
            skipped: Vec::new(),
            tracker,
            seen: Default::default(),
            last_topic: String::new(),
            last_handle: 0,
            handles: TopicHandles::default(),
            last_transient: None,
        })
    }

    fn report_transient(&mut self, e: &KafkaError) {
        let text = e.to_string();
        if self.last_transient.as_deref() != Some(text.as_str()) {
            warn!(error = %text, "Consumer reported a transient error; retrying");
            self.last_transient = Some(text);
        }
    }

    fn check_callbacks(&self) -> Result<(), TaskError> {
        match self
            .consumer
            .context()
            .failure
            .lock()
            .ok()
            .and_then(|mut f| f.take())
        {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl KafkaInput {
    /// Closes the consumer on `closing`'s threads when the task stops.
    pub fn closing_on(mut self, closing: Arc<super::ClosingConsumers>) -> KafkaInput {
        self.closing = Some(closing);
        self
    }

    fn try_seek(
        &self,
        (topic, partition): &Tp,
        offset: i64,
    ) -> Result<(), rdkafka::error::KafkaError> {
        self.consumer.seek(
            topic,
            *partition,
            Offset::Offset(offset),
            Duration::from_secs(10),
        )
    }

    fn retry_seeks(&mut self) {
        let pending: Vec<(Tp, i64)> = self
            .pending_seeks
            .iter()
            .map(|(tp, o)| (tp.clone(), *o))
            .collect();
        for (tp, offset) in pending {
            if self.try_seek(&tp, offset).is_ok() {
                self.pending_seeks.remove(&tp);
            }
        }
    }
}

impl SinkInput for KafkaInput {
    fn poll(&mut self, buf: &mut BatchBuf, timeout: Duration) -> Result<(), TaskError> {
        self.raw.clear();
        if !self.pending_seeks.is_empty() {
            self.retry_seeks();
        }
        let mut next = self.consumer.poll(timeout);
        self.check_callbacks()?;
        let mut state = std::mem::take(&mut self.state);
        let mut writer = BatchWriter::new(buf, &mut state);
        let mut result = Ok(());
        while let Some(message) = next {
            match message {
                Ok(msg)
                    if !self.pending_seeks.is_empty()
                        && self
                            .pending_seeks
                            .contains_key(&(msg.topic().to_owned(), msg.partition())) =>
                {
                    // Fetched before the task's reset took effect: it will be fetched again.
                }
                Ok(msg) => {
                    let handle = msg.topic_ptr();
                    if self.last_handle == 0 || handle as usize != self.last_handle {
                        let topic = msg.topic();
                        if !self.seen.contains(topic) {
                            self.seen.insert(topic.to_owned());
                            (self.tracker)(topic);
                        }
                        self.last_topic.clear();
                        self.last_topic.push_str(topic);
                        let rk = self.consumer.client().native_ptr();
                        self.last_handle = match self.handles.get(rk, topic) {
                            Ok(held) if held == handle => held as usize,
                            _ => 0,
                        };
                    }
                    let topic = self.last_topic.as_str();
                    match self.encoder.encode(&mut writer, &msg, topic) {
                        Ok(true) if self.encoder.errors.is_reporting() => {
                            self.raw.push(RawRecord::of(&msg))
                        }
                        Ok(true) => {}
                        Ok(false) => self
                            .skipped
                            .push(((topic.to_owned(), msg.partition()), msg.offset())),
                        Err(e) => {
                            result = Err(e);
                            break;
                        }
                    }
                }
                Err(e @ KafkaError::MessageConsumptionFatal(_)) => {
                    result = Err(TaskError::worker(format!("Consumer error: {e}")));
                    break;
                }
                Err(e) => {
                    // Transient: e.g. a subscribed topic that does not exist yet. The consumer
                    // keeps going, as Kafka's does.
                    self.report_transient(&e);
                    break;
                }
            }
            if writer.len() >= MAX_BATCH {
                break;
            }
            next = self.consumer.poll(Duration::ZERO);
        }
        self.state = state;
        result.and_then(|()| self.check_callbacks())
    }

    fn report_errant(&mut self, index: u32, message: &str) -> Result<(), TaskError> {
        let Some(raw) = self.raw.get(index as usize) else {
            tracing::warn!(index, message = %message, "Sink task reported an errant record, but no reporter is configured");
            return Ok(());
        };
        let failure = Failure {
            stage: Stage::TaskPut,
            class: "org.apache.kafka.connect.sink.SinkTask".into(),
            exception_class: "org.apache.kafka.connect.errors.ConnectException".into(),
            message: message.to_owned(),
            retriable: false,
        };
        let context = raw.context();
        self.encoder.errors.report_errant(failure, &context)
    }

    fn shutdown(self: Box<Self>) -> Result<(), TaskError> {
        let KafkaInput {
            consumer,
            closing,
            handles,
            ..
        } = *self;
        // Before the consumer closes, possibly on another thread.
        drop(handles);
        let context = consumer.context();
        let revoked = context
            .core
            .lock()
            .map_err(|_| TaskError::worker("sink task state poisoned"))
            .and_then(|mut core| {
                let assigned = core.assigned();
                if assigned.is_empty() {
                    return Ok(Vec::new());
                }
                core.on_revoked(&assigned)
            });
        context.detached.store(true, Ordering::SeqCst);
        if let Ok(offsets) = &revoked {
            if !offsets.is_empty() {
                let committed = offsets_list(offsets).and_then(|list| {
                    consumer
                        .commit(&list, CommitMode::Sync)
                        .map_err(|e| TaskError::worker(e.to_string()))
                });
                if let Err(e) = committed {
                    // At least once: the records after the last commit are delivered again.
                    warn!(error = %e, "Failed to commit the offsets of the closed partitions");
                }
            }
        }
        match closing {
            Some(closing) => closing.close("consumer", consumer),
            None => drop(consumer),
        }
        revoked.map(drop)
    }

    fn take_skipped(&mut self) -> Vec<(Tp, i64)> {
        std::mem::take(&mut self.skipped)
    }

    fn commit(&mut self, offsets: &[(Tp, i64)]) -> Result<(), TaskError> {
        self.consumer
            .commit(&offsets_list(offsets)?, CommitMode::Sync)
            .map_err(|e| TaskError::worker(format!("Failed to commit offsets: {e}")))
    }

    /// librdkafka refuses a seek on a partition it has not started fetching yet (a reset from
    /// the task's `open`, right after assignment): such a seek is kept and retried on every poll,
    /// and the partition's records are held back until it succeeds.
    fn seek(&mut self, tp: &Tp, offset: i64) -> Result<(), TaskError> {
        match self.try_seek(tp, offset) {
            Ok(()) => {
                self.pending_seeks.remove(tp);
                Ok(())
            }
            Err(e) => {
                debug!(topic = %tp.0, partition = tp.1, offset, error = %e, "Seek deferred until the partition is fetching");
                self.pending_seeks.insert(tp.clone(), offset);
                Ok(())
            }
        }
    }

    fn pause(&mut self, tps: &[Tp]) -> Result<(), TaskError> {
        let list = offsets_list(&tps.iter().map(|tp| (tp.clone(), 0)).collect::<Vec<_>>())?;
        self.consumer
            .pause(&list)
            .map_err(|e| TaskError::worker(e.to_string()))
    }

    fn resume(&mut self, tps: &[Tp]) -> Result<(), TaskError> {
        let list = offsets_list(&tps.iter().map(|tp| (tp.clone(), 0)).collect::<Vec<_>>())?;
        self.consumer
            .resume(&list)
            .map_err(|e| TaskError::worker(e.to_string()))
    }
}
