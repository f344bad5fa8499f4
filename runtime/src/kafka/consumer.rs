//! A sink task's input: an rdkafka consumer in group `connect-<name>`, records converted to
//! Connect data and encoded into the batch the plugin's `put` receives.

use std::sync::Mutex;
use std::time::Duration;

use ferry_codec::{BatchWriter, EncodeRecord, Header, Payload, WriterState};
use ferry_data::{Schema, SchemaRef, Type};
use ferry_plugin_abi::{BatchBuf, TimestampType};
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::KafkaError;
use rdkafka::message::{BorrowedMessage, Headers, Message, Timestamp};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use rdkafka::{ClientConfig, ClientContext};
use tracing::{debug, warn};

use super::convert::Converters;
use crate::errors::{ErrorHandler, Failure, RecordContext, Stage};
use crate::task::{SharedSinkCore, SinkInput, TaskError, Tp};

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
        headers: msg.headers().map(|hs| hs.iter().map(|h| (h.key.to_owned(), h.value.map(<[u8]>::to_vec))).collect()).unwrap_or_default(),
        source_description: None,
    }
}

/// Most records handed to one `put`.
const MAX_BATCH: usize = 2000;

/// Calls the task's open/close (and commits revoked partitions) inside the consumer's poll.
pub struct SinkConsumerContext {
    core: SharedSinkCore,
    failure: Mutex<Option<TaskError>>,
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
    errors: ErrorHandler,
    bytes_schema: SchemaRef,
}

impl Encoder {
    /// Convert one consumed message and append it to the batch. A conversion failure goes
    /// through the error handler: the record is skipped if tolerated, the task fails if not.
    fn encode(&mut self, writer: &mut BatchWriter<'_>, msg: &BorrowedMessage<'_>) -> Result<(), TaskError> {
        let this = self;
        let topic = msg.topic();
        let failure = |stage: Stage, class: &str, e: &dyn std::fmt::Display| Failure {
            stage,
            class: class.to_owned(),
            exception_class: "org.apache.kafka.connect.errors.DataException".into(),
            message: e.to_string(),
            retriable: false,
        };
        let (key_schema, key) = match this.converters.key.to_connect(topic, msg.key()) {
            Ok(k) => k,
            Err(e) => return this.errors.handle(failure(Stage::KeyConverter, &this.converters.key_class, &e), &context(msg)),
        };
        let mut headers = Vec::new();
        if let Some(hs) = msg.headers() {
            for h in hs.iter() {
                match this.converters.header.to_connect_header(topic, h.key, h.value) {
                    Ok((schema, value)) => headers.push(Header { key: h.key.to_owned(), schema, value }),
                    Err(e) => return this.errors.handle(failure(Stage::HeaderConverter, &this.converters.header_class, &e), &context(msg)),
                }
            }
        }
        let mut rec = EncodeRecord::new(topic);
        rec.partition = msg.partition();
        rec.offset = msg.offset();
        (rec.timestamp, rec.timestamp_type) = match msg.timestamp() {
            Timestamp::CreateTime(t) => (t, TimestampType::CREATE_TIME),
            Timestamp::LogAppendTime(t) => (t, TimestampType::LOG_APPEND_TIME),
            Timestamp::NotAvailable => (ferry_plugin_abi::NO_TIMESTAMP, TimestampType::NONE),
        };
        rec.key = Payload::Value(key_schema.as_ref(), &key);
        rec.headers = &headers;
        let converted;
        match (msg.payload(), this.converters.value_is_bytes) {
            (Some(raw), true) => rec.value = Payload::Bytes(Some(&this.bytes_schema), raw),
            (payload, _) => {
                converted = match this.converters.value.to_connect(topic, payload) {
                    Ok(v) => v,
                    Err(e) => return this.errors.handle(failure(Stage::ValueConverter, &this.converters.value_class, &e), &context(msg)),
                };
                rec.value = Payload::Value(converted.0.as_ref(), &converted.1);
            }
        }
        writer.push(&rec).map_err(|e| TaskError::worker(e.to_string()))
    }
}

/// A [`SinkInput`] over a Kafka consumer.
pub struct KafkaInput {
    consumer: BaseConsumer<SinkConsumerContext>,
    encoder: Encoder,
    state: WriterState,
    tracker: super::TopicTracker,
    seen: std::collections::HashSet<String>,
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
    ) -> Result<KafkaInput, TaskError> {
        let context = SinkConsumerContext {
            core,
            failure: Mutex::new(None),
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
            encoder: Encoder { converters, errors, bytes_schema: Schema::optional_primitive(Type::Bytes) },
            state: WriterState::default(),
            tracker,
            seen: Default::default(),
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

impl SinkInput for KafkaInput {
    fn poll(&mut self, buf: &mut BatchBuf, timeout: Duration) -> Result<(), TaskError> {
        let mut next = self.consumer.poll(timeout);
        self.check_callbacks()?;
        let mut state = std::mem::take(&mut self.state);
        let mut writer = BatchWriter::new(buf, &mut state);
        let mut result = Ok(());
        while let Some(message) = next {
            match message {
                Ok(msg) => {
                    if !self.seen.contains(msg.topic()) {
                        self.seen.insert(msg.topic().to_owned());
                        (self.tracker)(msg.topic());
                    }
                    if let Err(e) = self.encoder.encode(&mut writer, &msg) {
                        result = Err(e);
                        break;
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

    fn commit(&mut self, offsets: &[(Tp, i64)]) -> Result<(), TaskError> {
        self.consumer
            .commit(&offsets_list(offsets)?, CommitMode::Sync)
            .map_err(|e| TaskError::worker(format!("Failed to commit offsets: {e}")))
    }

    fn seek(&mut self, (topic, partition): &Tp, offset: i64) -> Result<(), TaskError> {
        self.consumer
            .seek(
                topic,
                *partition,
                Offset::Offset(offset),
                Duration::from_secs(10),
            )
            .map_err(|e| {
                TaskError::worker(format!(
                    "Failed to seek {topic}-{partition} to {offset}: {e}"
                ))
            })
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
