//! A source task's output: records converted to bytes and produced with rdkafka. Delivery
//! reports come back on rdkafka's thread through a channel.

use std::sync::mpsc::{channel, Receiver, Sender};
use std::time::Duration;

use ferry_codec::{BatchReader, SchemaCache};
use ferry_data::Value;
use ferry_plugin_abi::BatchBuf;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, Message, OwnedHeaders};
use rdkafka::producer::{BaseRecord, DeliveryResult, Producer, ProducerContext, ThreadedProducer};
use rdkafka::{ClientConfig, ClientContext};

use super::convert::Converters;
use super::topics::TopicCreator;
use crate::task::{Ack, SourceOutput, TaskError};

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
            Err((e, m)) => Err(format!("Unrecoverable exception from producer send callback: sending a record to topic {} failed: {e}", m.topic())),
        };
        let _ = self.tx.send(report);
    }
}

/// A [`SourceOutput`] over a Kafka producer.
pub struct KafkaOutput {
    producer: ThreadedProducer<AckContext>,
    deliveries: Receiver<Delivery>,
    converters: Converters,
    topics: TopicCreator,
    cache: SchemaCache,
}

impl KafkaOutput {
    pub fn new(
        config: &ClientConfig,
        converters: Converters,
        topics: TopicCreator,
    ) -> Result<KafkaOutput, String> {
        let (tx, deliveries) = channel();
        let producer = config
            .create_with_context(AckContext { tx })
            .map_err(|e| format!("Cannot create the producer: {e}"))?;
        Ok(KafkaOutput {
            producer,
            deliveries,
            converters,
            topics,
            cache: SchemaCache::default(),
        })
    }
}

fn convert_error(what: &str, topic: &str, e: impl std::fmt::Display) -> TaskError {
    TaskError::worker(format!(
        "Failed to convert the {what} of a record for topic {topic}: {e}"
    ))
}

impl SourceOutput for KafkaOutput {
    fn send(&mut self, batch: &BatchBuf, first_seq: u64) -> Result<(), TaskError> {
        let mut cache = std::mem::take(&mut self.cache);
        let result = self.send_batch(batch, first_seq, &mut cache);
        self.cache = cache;
        result
    }

    fn drain_acks(&mut self, acks: &mut Vec<Ack>) -> Result<(), TaskError> {
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

impl KafkaOutput {
    fn send_batch(
        &mut self,
        batch: &BatchBuf,
        first_seq: u64,
        cache: &mut SchemaCache,
    ) -> Result<(), TaskError> {
        let reader = BatchReader::new(batch.as_batch_ref(), cache)
            .map_err(|e| TaskError::worker(format!("Malformed batch from the plugin: {e}")))?;
        for (i, view) in reader.iter().enumerate() {
            let topic = view.topic().map_err(|e| TaskError::worker(e.to_string()))?;
            self.topics.ensure(topic).map_err(TaskError::worker)?;
            let key = view.key().map_err(|e| convert_error("key", topic, e))?;
            let key_bytes = match (&key, view.key_schema().ok().flatten()) {
                (Value::Null, None) => None,
                (k, schema) => self
                    .converters
                    .key
                    .from_connect(topic, schema, k)
                    .map_err(|e| convert_error("key", topic, e))?,
            };
            let value_bytes = match view
                .value_bytes()
                .filter(|_| self.converters.value_is_bytes)
            {
                Some(raw) => Some(raw.to_vec()),
                None => {
                    let value = view.value().map_err(|e| convert_error("value", topic, e))?;
                    let schema = view
                        .value_schema()
                        .map_err(|e| convert_error("value", topic, e))?;
                    self.converters
                        .value
                        .from_connect(topic, schema, &value)
                        .map_err(|e| convert_error("value", topic, e))?
                }
            };
            let mut headers = None;
            for h in view
                .headers()
                .map_err(|e| convert_error("headers", topic, e))?
            {
                let bytes = self
                    .converters
                    .header
                    .from_connect_header(topic, &h.key, h.schema.as_ref(), &h.value)
                    .map_err(|e| convert_error("headers", topic, e))?;
                headers = Some(headers.unwrap_or_else(OwnedHeaders::new).insert(Header {
                    key: &h.key,
                    value: bytes.as_deref(),
                }));
            }
            let seq = (first_seq + i as u64) as usize;
            let mut record: BaseRecord<'_, [u8], [u8], usize> =
                BaseRecord::with_opaque_to(topic, seq);
            if let Some(k) = key_bytes.as_deref() {
                record = record.key(k);
            }
            if let Some(v) = value_bytes.as_deref() {
                record = record.payload(v);
            }
            if let Some(p) = view.partition() {
                record = record.partition(p);
            }
            if let Some(ts) = view.timestamp() {
                record = record.timestamp(ts);
            }
            if let Some(h) = headers {
                record = record.headers(h);
            }
            self.send_one(record)?;
        }
        Ok(())
    }

    /// Enqueue one record, waiting while librdkafka's queue is full (backpressure).
    fn send_one<'a>(&self, mut record: BaseRecord<'a, [u8], [u8], usize>) -> Result<(), TaskError> {
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
                    )));
                }
            }
        }
    }
}
