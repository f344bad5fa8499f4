//! What a sink task does with each consumed message: skip it while a reset is pending, tell
//! its topic, convert it (key, headers, value), run the transformation chain, and append it to
//! the batch the plugin's `put` receives; or hand a failure to the error handler.

use std::collections::{HashMap, HashSet};

use ferry_codec::{BatchWriter, EncodeRecord, Header, Payload};
use ferry_converters::Passthrough;
use ferry_data::{SchemaRef, Value};
use ferry_plugin_abi::TimestampType;
use rdkafka::bindings as rdsys;
use rdkafka::error::KafkaError;
use rdkafka::message::Timestamp;
use rdkafka::types::RDKafkaRespErr;
use tracing::warn;

use super::convert::Converters;
use super::headers::HeaderPeek;
use super::message::Msg;
use super::send::TopicHandles;
use crate::errors::{ErrorHandler, Failure, RecordContext, Stage};
use crate::task::{TaskError, Tp};
use ferry_transforms::{ConnectRecord, TransformationChain};

/// A consumed record's original bytes, kept for the errant record reporter.
pub struct RawRecord {
    topic: String,
    partition: i32,
    offset: i64,
    timestamp: Option<i64>,
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    headers: Vec<(String, Option<Vec<u8>>)>,
}

impl RawRecord {
    fn of(msg: Msg<'_>) -> RawRecord {
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

    pub fn context(&self) -> RecordContext<'_> {
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
fn context(msg: Msg<'_>) -> RecordContext<'_> {
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
                    .map(|h| (h.key.into_owned(), h.value.map(<[u8]>::to_vec)))
                    .collect()
            })
            .unwrap_or_default(),
        source_description: None,
    }
}

/// Turns consumed messages into batch records.
pub struct Encoder {
    converters: Converters,
    chain: TransformationChain,
    pub errors: ErrorHandler,
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
    pub fn new(
        converters: Converters,
        chain: TransformationChain,
        errors: ErrorHandler,
    ) -> Encoder {
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
    fn passed_through<'m>(&'m self, msg: Msg<'m>) -> Option<Payload<'m>> {
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
        msg: Msg<'_>,
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
        for h in self.peek.headers(msg).into_iter().flat_map(|hs| hs.iter()) {
            match self
                .converters
                .header
                .to_connect_header(topic, &h.key, h.value)
            {
                Ok((schema, value)) => headers.push(Header {
                    key: h.key.into_owned(),
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

/// The per-message state of a sink task's input.
pub struct Intake {
    /// Held handles of the topics consumed, to tell a message's topic by its handle. Must be
    /// dropped before the consumer (librdkafka waits for topic handles).
    pub handles: TopicHandles,
    pub encoder: Encoder,
    /// The raw records of the last batch, kept only when errors are reported, for the errant
    /// record reporter.
    pub raw: Vec<RawRecord>,
    /// Resets the task asked for that librdkafka could not apply yet.
    pub pending_seeks: HashMap<Tp, i64>,
    /// Records skipped (filtered or tolerated) since the last `take_skipped`.
    pub skipped: Vec<(Tp, i64)>,
    tracker: super::TopicTracker,
    seen: HashSet<String>,
    /// The topic of the last record (in `seen`): records come in runs of one topic.
    last_topic: String,
    /// Address of `last_topic`'s handle, held in `handles` (0: none). A message with this
    /// handle is of that topic, without reading its name (a C string to check every time).
    last_handle: usize,
    last_transient: Option<String>,
}

impl Intake {
    pub fn new(encoder: Encoder, tracker: super::TopicTracker) -> Intake {
        Intake {
            handles: TopicHandles::default(),
            encoder,
            raw: Vec::new(),
            pending_seeks: HashMap::new(),
            skipped: Vec::new(),
            tracker,
            seen: HashSet::new(),
            last_topic: String::new(),
            last_handle: 0,
            last_transient: None,
        }
    }

    /// Logs a transient consumer error once per run of the same error.
    pub fn report_transient(&mut self, e: &KafkaError) {
        let text = e.to_string();
        if self.last_transient.as_deref() != Some(text.as_str()) {
            warn!(error = %text, "Consumer reported a transient error; retrying");
            self.last_transient = Some(text);
        }
    }

    /// Take one message of consumer `rk` into the batch (or the skipped records). An error
    /// fails the task.
    pub fn take(
        &mut self,
        writer: &mut BatchWriter<'_>,
        msg: Msg<'_>,
        rk: *mut rdsys::rd_kafka_t,
    ) -> Result<(), TaskError> {
        if let Some(err) = msg.error() {
            // Transient: e.g. a subscribed topic that does not exist yet. The consumer keeps
            // going, as Kafka's does.
            if err != RDKafkaRespErr::RD_KAFKA_RESP_ERR__PARTITION_EOF {
                self.report_transient(&KafkaError::MessageConsumption(err.into()));
            }
            return Ok(());
        }
        if !self.pending_seeks.is_empty()
            && self
                .pending_seeks
                .contains_key(&(msg.topic().to_owned(), msg.partition()))
        {
            // Fetched before the task's reset took effect: it will be fetched again.
            return Ok(());
        }
        let handle = msg.topic_handle();
        if self.last_handle == 0 || handle as usize != self.last_handle {
            let topic = msg.topic();
            if !self.seen.contains(topic) {
                self.seen.insert(topic.to_owned());
                (self.tracker)(topic);
            }
            self.last_topic.clear();
            self.last_topic.push_str(topic);
            self.last_handle = match self.handles.get(rk, topic) {
                Ok(held) if held == handle => held as usize,
                _ => 0,
            };
        }
        let topic = self.last_topic.as_str();
        match self.encoder.encode(writer, msg, topic)? {
            true if self.encoder.errors.is_reporting() => self.raw.push(RawRecord::of(msg)),
            true => {}
            false => self
                .skipped
                .push(((topic.to_owned(), msg.partition()), msg.offset())),
        }
        Ok(())
    }
}
