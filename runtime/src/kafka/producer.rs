//! A source task's output: each record converted to bytes (transformed first, once transforms
//! are configured) and produced with rdkafka. Delivery reports come back on rdkafka's thread
//! through a channel. Records dropped or tolerated on the way are acknowledged at once, so
//! their source offsets still commit.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::time::Duration;

use ferry_codec::{BatchReader, RecordView, SchemaCache, ValueRef};
use ferry_converters::Converter;
use ferry_data::Value;
use ferry_plugin_abi::BatchBuf;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, Message, OwnedHeaders};
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use rdkafka::{ClientConfig, ClientContext};

use super::convert::Converters;
use super::topics::TopicCreator;
use crate::errors::{ErrorHandler, Failure, RecordContext, Stage};
use crate::task::{Ack, SourceOutput, TaskError};
use ferry_transforms::{ConnectRecord, TransformationChain};

type Delivery = Result<Ack, String>;

/// Sends delivery reports to the task thread.
pub struct AckContext {
    tx: Sender<Delivery>,
}

impl ClientContext for AckContext {}

impl ProducerContext for AckContext {
    type DeliveryOpaque = usize;

    fn delivery(&self, result: &DeliveryResult<'_>, seq: usize) {
        let report = match result {
            Ok(m) => Ok(Ack { seq: seq as u64, topic: m.topic().to_owned(), partition: m.partition(), offset: m.offset() }),
            Err((e, m)) => Err(format!(
                "Unrecoverable exception from producer send callback: sending a record to topic {} failed: {e}",
                m.topic()
            )),
        };
        let _ = self.tx.send(report);
    }
}

/// A record ready to produce.
struct Outgoing {
    topic: String,
    partition: Option<i32>,
    timestamp: Option<i64>,
    key: Option<Vec<u8>>,
    value: Option<Vec<u8>>,
    headers: Vec<(String, Option<Vec<u8>>)>,
}

/// A [`SourceOutput`] over a Kafka producer.
pub struct KafkaOutput {
    producer: ThreadedProducer<AckContext>,
    deliveries: Receiver<Delivery>,
    converters: Converters,
    topics: TopicCreator,
    cache: SchemaCache,
    errors: ErrorHandler,
    chain: TransformationChain,
    /// Records that will not reach Kafka (tolerated failures), acknowledged without a send.
    dropped: Vec<Ack>,
    /// Renders a record that failed conversion for the dead letter queue (schemaless JSON).
    dlq_render: Option<Box<dyn Converter>>,
}

fn data_failure(stage: Stage, class: &str, e: impl std::fmt::Display) -> Failure {
    Failure {
        stage,
        class: class.to_owned(),
        exception_class: "org.apache.kafka.connect.errors.DataException".into(),
        message: e.to_string(),
        retriable: false,
    }
}

fn describe(view: &RecordView<'_>, topic: &str, value: &Value) -> String {
    format!(
        "SourceRecord{{sourcePartition={}, sourceOffset={}}} ConnectRecord{{topic='{topic}', kafkaPartition={}, value={}}}",
        view.source_partition().ok().flatten().unwrap_or("null"),
        view.source_offset().ok().flatten().unwrap_or("null"),
        view.partition().map_or("null".into(), |p| p.to_string()),
        value.to_java_string()
    )
}

impl KafkaOutput {
    pub fn new(
        config: &ClientConfig,
        converters: Converters,
        topics: TopicCreator,
        errors: ErrorHandler,
        chain: TransformationChain,
    ) -> Result<KafkaOutput, String> {
        let (tx, deliveries) = channel();
        let producer = config
            .create_with_context(AckContext { tx })
            .map_err(|e| format!("Cannot create the producer: {e}"))?;
        let schemaless = [("schemas.enable".to_owned(), "false".to_owned())].into();
        let dlq_render = ferry_converters::converter(
            "org.apache.kafka.connect.json.JsonConverter",
            ferry_converters::ConverterTarget::Value,
            &schemaless,
        )
        .ok();
        Ok(KafkaOutput {
            producer,
            deliveries,
            converters,
            topics,
            cache: SchemaCache::default(),
            errors,
            chain,
            dropped: Vec::new(),
            dlq_render,
        })
    }

    /// Turn one plugin record into bytes, through the transformation chain. `Ok(None)`: the
    /// record was dropped by a transformation, or failed and was tolerated.
    fn prepare(&mut self, view: &RecordView<'_>) -> Result<Option<Outgoing>, TaskError> {
        let malformed = |e: ferry_codec::CodecError| {
            TaskError::worker(format!("Malformed record from the plugin: {e}"))
        };
        // Bytes pass through undecoded when nothing transforms them.
        let raw_value = view
            .value_bytes()
            .filter(|_| self.converters.value_is_bytes && self.chain.is_empty());
        // Without transformations the value converter reads the batch encoding in place.
        let in_place = match raw_value {
            None if self.chain.is_empty() => Some(view.value_ref().map_err(malformed)?),
            _ => None,
        };
        let record = ConnectRecord {
            topic: view.topic().map_err(malformed)?.to_owned(),
            kafka_partition: view.partition(),
            kafka_offset: None,
            key_schema: view.key_schema().map_err(malformed)?.cloned(),
            key: view.key().map_err(malformed)?,
            value_schema: view.value_schema().map_err(malformed)?.cloned(),
            value: match (raw_value, in_place) {
                (None, None) => view.value().map_err(malformed)?,
                _ => Value::Null,
            },
            timestamp: view.timestamp(),
            headers: view
                .headers()
                .map_err(malformed)?
                .into_iter()
                .map(|h| ferry_transforms::Header {
                    key: h.key,
                    schema: h.schema,
                    value: h.value,
                })
                .collect(),
        };
        if self.chain.is_empty() {
            return self.convert_record(view, record, raw_value, in_place);
        }
        let topic = record.topic.clone();
        match self.chain.apply(record) {
            Ok(Some(r)) => self.convert_record(view, r, None, None),
            Ok(None) => Ok(None),
            Err(e) => {
                let failure = Failure {
                    stage: Stage::Transformation,
                    class: e.class.clone(),
                    exception_class: e.source.java_class().to_owned(),
                    message: e.source.to_string(),
                    retriable: false,
                };
                let value = view.value().unwrap_or(Value::Null);
                self.tolerate(failure, view, &topic, &value)
            }
        }
    }

    /// Convert a (transformed) record to bytes; `raw_value`, when given, is produced as is;
    /// `in_place`, when given, is the value to convert (`r.value` is then a placeholder).
    fn convert_record(
        &mut self,
        view: &RecordView<'_>,
        r: ConnectRecord,
        raw_value: Option<&[u8]>,
        in_place: Option<ValueRef<'_>>,
    ) -> Result<Option<Outgoing>, TaskError> {
        self.topics.ensure(&r.topic).map_err(TaskError::worker)?;
        let key = match (&r.key, r.key_schema.as_ref()) {
            (Value::Null, None) => None,
            (k, schema) => match self.converters.key.from_connect(&r.topic, schema, k) {
                Ok(b) => b,
                Err(e) => {
                    return self.tolerate(
                        data_failure(Stage::KeyConverter, &self.converters.key_class.clone(), e),
                        view,
                        &r.topic,
                        &r.key,
                    )
                }
            },
        };
        let converted = match (raw_value, in_place) {
            (Some(raw), _) => Ok(Some(raw.to_vec())),
            (None, Some(v)) => {
                self.converters
                    .value
                    .from_connect_ref(&r.topic, r.value_schema.as_ref(), v)
            }
            (None, None) => {
                self.converters
                    .value
                    .from_connect(&r.topic, r.value_schema.as_ref(), &r.value)
            }
        };
        let value = match converted {
            Ok(b) => b,
            Err(e) => {
                let decoded;
                let failed = match in_place {
                    Some(v) => {
                        decoded = v.to_value();
                        &decoded
                    }
                    None => &r.value,
                };
                return self.tolerate(
                    data_failure(
                        Stage::ValueConverter,
                        &self.converters.value_class.clone(),
                        e,
                    ),
                    view,
                    &r.topic,
                    failed,
                );
            }
        };
        let mut headers = Vec::new();
        for h in &r.headers {
            match self.converters.header.from_connect_header(
                &r.topic,
                &h.key,
                h.schema.as_ref(),
                &h.value,
            ) {
                Ok(b) => headers.push((h.key.clone(), b)),
                Err(e) => {
                    return self.tolerate(
                        data_failure(
                            Stage::HeaderConverter,
                            &self.converters.header_class.clone(),
                            e,
                        ),
                        view,
                        &r.topic,
                        &h.value,
                    )
                }
            }
        }
        Ok(Some(Outgoing {
            topic: r.topic,
            partition: r.kafka_partition,
            timestamp: r.timestamp,
            key,
            value,
            headers,
        }))
    }

    /// Report a failed record; `Ok(None)` when it is tolerated.
    fn tolerate(
        &mut self,
        failure: Failure,
        view: &RecordView<'_>,
        topic: &str,
        value: &Value,
    ) -> Result<Option<Outgoing>, TaskError> {
        let rendered = self
            .dlq_render
            .as_ref()
            .and_then(|c| c.from_connect(topic, None, value).ok().flatten());
        let context = RecordContext {
            topic,
            partition: view.partition(),
            offset: None,
            timestamp: view.timestamp(),
            timestamp_type: "",
            key: None,
            value: rendered.as_deref(),
            headers: Vec::new(),
            source_description: Some(describe(view, topic, value)),
        };
        self.errors.handle(failure, &context).map(|()| None)
    }

    fn send_batch(
        &mut self,
        batch: &BatchBuf,
        first_seq: u64,
        cache: &mut SchemaCache,
    ) -> Result<(), TaskError> {
        let reader = BatchReader::new(batch.as_batch_ref(), cache)
            .map_err(|e| TaskError::worker(format!("Malformed batch from the plugin: {e}")))?;
        for (i, view) in reader.iter().enumerate() {
            let seq = first_seq + i as u64;
            match self.prepare(&view)? {
                Some(out) => self.send_one(seq, &out)?,
                None => self.dropped.push(Ack {
                    seq,
                    topic: String::new(),
                    partition: -1,
                    offset: -1,
                }),
            }
        }
        Ok(())
    }

    /// Enqueue one record, waiting while librdkafka's queue is full (backpressure).
    fn send_one(&self, seq: u64, out: &Outgoing) -> Result<(), TaskError> {
        let mut record: BaseRecord<'_, [u8], [u8], usize> =
            BaseRecord::with_opaque_to(&out.topic, seq as usize);
        if let Some(k) = out.key.as_deref() {
            record = record.key(k);
        }
        if let Some(v) = out.value.as_deref() {
            record = record.payload(v);
        }
        if let Some(p) = out.partition {
            record = record.partition(p);
        }
        if let Some(ts) = out.timestamp {
            record = record.timestamp(ts);
        }
        if !out.headers.is_empty() {
            let mut headers = OwnedHeaders::new();
            for (k, v) in &out.headers {
                headers = headers.insert(Header {
                    key: k,
                    value: v.as_deref(),
                });
            }
            record = record.headers(headers);
        }
        loop {
            match self.producer.send(record) {
                Ok(()) => return Ok(()),
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                    record = back;
                    std::thread::sleep(Duration::from_millis(1));
                }
                Err((e, back)) => {
                    return Err(TaskError::worker(format!(
                        "Failed to send a record to topic {}: {e}",
                        back.topic
                    )))
                }
            }
        }
    }
}

impl SourceOutput for KafkaOutput {
    fn send(&mut self, batch: &BatchBuf, first_seq: u64) -> Result<(), TaskError> {
        let mut cache = std::mem::take(&mut self.cache);
        let result = self.send_batch(batch, first_seq, &mut cache);
        self.cache = cache;
        result
    }

    fn drain_acks(&mut self, acks: &mut Vec<Ack>) -> Result<(), TaskError> {
        acks.append(&mut self.dropped);
        while let Ok(d) = self.deliveries.try_recv() {
            acks.push(d.map_err(TaskError::worker)?);
        }
        Ok(())
    }

    /// rdkafka runs the delivery callbacks before `flush` returns, so the next
    /// [`drain_acks`](SourceOutput::drain_acks) sees every acknowledgement.
    fn flush(&mut self, timeout: Duration) -> Result<(), TaskError> {
        self.producer.flush(timeout).map_err(|e| {
            TaskError::worker(format!(
                "Failed to flush the producer within {timeout:?}: {e}"
            ))
        })
    }
}
