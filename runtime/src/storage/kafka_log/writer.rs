//! The producer of a [`super::KafkaLog`]: deliveries either reported back to a waiting caller or
//! logged.

use std::sync::mpsc::{channel, Sender};
use std::time::{Duration, Instant};

use rdkafka::client::ClientContext;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::Message;
use rdkafka::producer::{BaseRecord, DeliveryResult, ProducerContext, ThreadedProducer};
use tracing::error;

use crate::storage::StorageError;

/// What to do with a delivery report.
pub(super) enum Delivery {
    /// Send the outcome to a waiting caller.
    Reply(Sender<Result<(), String>>),
    /// Log a failure.
    Log,
}

/// The producer's context: routes delivery reports.
pub(super) struct WriterContext {
    pub(super) topic: String,
}

impl ClientContext for WriterContext {}

impl ProducerContext for WriterContext {
    type DeliveryOpaque = Box<Delivery>;

    fn delivery(&self, result: &DeliveryResult<'_>, opaque: Box<Delivery>) {
        let outcome = match result {
            Ok(_) => Ok(()),
            Err((e, m)) => Err(format!(
                "Failed to write to partition {} of {}: {e}",
                m.partition(),
                self.topic
            )),
        };
        match (*opaque, outcome) {
            (Delivery::Reply(tx), outcome) => {
                let _ = tx.send(outcome);
            }
            (Delivery::Log, Err(e)) => {
                error!(topic = %self.topic, error = %e, "Failed to write to an internal topic")
            }
            (Delivery::Log, Ok(())) => {}
        }
    }
}

pub(super) type Writer = ThreadedProducer<WriterContext>;

/// Enqueues one record, retrying while the local queue is full.
pub(super) fn enqueue(
    producer: &Writer,
    topic: &str,
    key: &[u8],
    value: Option<&[u8]>,
    delivery: Delivery,
) -> Result<(), StorageError> {
    let mut record = BaseRecord::with_opaque_to(topic, Box::new(delivery)).key(key);
    if let Some(v) = value {
        record = record.payload(v);
    }
    loop {
        match producer.send(record) {
            Ok(()) => return Ok(()),
            Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), r)) => {
                record = r;
                std::thread::sleep(Duration::from_millis(10));
            }
            Err((e, _)) => {
                return Err(StorageError::Kafka(format!(
                    "Failed to write to {topic}: {e}"
                )))
            }
        }
    }
}

/// Enqueues every record, then waits until each is acknowledged or `timeout` passes.
pub(super) fn send_all(
    producer: &Writer,
    topic: &str,
    records: &[(&[u8], Option<&[u8]>)],
    timeout: Duration,
) -> Result<(), StorageError> {
    let (tx, rx) = channel::<Result<(), String>>();
    for (key, value) in records {
        enqueue(producer, topic, key, *value, Delivery::Reply(tx.clone()))?;
    }
    drop(tx);
    let deadline = Instant::now() + timeout;
    let mut first_error = None;
    for _ in 0..records.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                first_error.get_or_insert(e);
            }
            Err(_) => {
                return Err(StorageError::Timeout(format!(
                    "waiting for {topic} to acknowledge {} record(s)",
                    records.len()
                )))
            }
        }
    }
    match first_error {
        Some(e) => Err(StorageError::Kafka(e)),
        None => Ok(()),
    }
}
