//! `KafkaLog`: Kafka Connect's `KafkaBasedLog` — one internal topic read from the beginning by a
//! background consumer thread (every partition assigned, no group), and written by a producer.
//! The config, offset and status stores are built on it.

mod reader;
mod topic;
mod writer;

use std::collections::BTreeMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::producer::Producer;
use tracing::{info, warn};

use super::StorageError;
use crate::config::worker::InternalTopic;
use crate::kafka::{consumer_config, producer_config, ClientSettings};
use reader::Progress;
use writer::{Delivery, WriterContext};

/// How long `start` waits for the topic's metadata and the first read to the end, and `send`
/// for an acknowledgement (Kafka's `READ_WRITE_TOTAL_TIMEOUT_MS`).
const TIMEOUT: Duration = Duration::from_secs(30);

/// One record read from the topic.
#[derive(Debug, Clone, Copy)]
pub struct LogRecord<'a> {
    pub partition: i32,
    pub offset: i64,
    pub key: Option<&'a [u8]>,
    /// `None`: a tombstone.
    pub value: Option<&'a [u8]>,
}

/// How to create and check an internal topic.
#[derive(Debug, Clone)]
pub struct TopicSpec {
    pub topic: InternalTopic,
    /// What the topic is for, in messages: `config`, `offset` or `status`.
    pub role: &'static str,
}

/// Called on the consumer thread for every record, in offset order per partition.
pub type RecordCallback = Box<dyn FnMut(LogRecord<'_>) + Send>;

/// A compacted internal topic: a consumer thread that applies every record to `on_record`,
/// and a producer.
pub struct KafkaLog {
    topic: String,
    partitions: Vec<i32>,
    producer: writer::Writer,
    progress: Arc<Progress>,
    thread: Mutex<Option<JoinHandle<()>>>,
}

impl KafkaLog {
    /// Creates the topic if missing (compacted, with the spec's partitions, replication factor
    /// and settings), checks an existing one (a non-compacted topic is refused when the broker
    /// reports its cleanup policy; nothing reported is a WARN), starts the consumer thread from
    /// the beginning of every partition and reads to the end before returning.
    pub fn start(
        clients: &ClientSettings,
        spec: TopicSpec,
        on_record: RecordCallback,
    ) -> Result<KafkaLog, StorageError> {
        let topic = spec.topic.name.clone();
        topic::ensure_topic(clients, &spec)?;

        let client_id = format!("ferry-{}-log-{topic}", spec.role);
        let mut producer = producer_config(clients, &client_id, &BTreeMap::new());
        producer
            .set("enable.idempotence", "false")
            .set("acks", "all")
            // The Java producer's partitioner for keyed records: a Kafka Connect cluster and a
            // Ferry cluster put the same key on the same partition.
            .set("partitioner", "murmur2_random");
        let producer: writer::Writer = producer
            .create_with_context(WriterContext {
                topic: topic.clone(),
            })
            .map_err(|e| StorageError::Kafka(format!("Cannot create the producer: {e}")))?;

        // librdkafka needs a group id to assign partitions; nothing joins it or commits to it.
        let consumer: BaseConsumer =
            consumer_config(clients, &client_id, &client_id, &BTreeMap::new())
                .create()
                .map_err(|e| StorageError::Kafka(format!("Cannot create the consumer: {e}")))?;
        let partitions = partitions_of(&consumer, &topic)?;
        reader::assign_all(&consumer, &topic, &partitions).map_err(|e| {
            StorageError::Kafka(format!("Cannot assign the partitions of {topic}: {e}"))
        })?;

        let progress = Arc::new(Progress::default());
        let thread = {
            let (topic, progress) = (topic.clone(), progress.clone());
            std::thread::Builder::new()
                .name(format!("ferry-log-{topic}"))
                .spawn(move || reader::run(consumer, topic, on_record, progress))
                .map_err(|e| StorageError::Kafka(format!("Cannot start the reader thread: {e}")))?
        };
        let log = KafkaLog {
            topic,
            partitions,
            producer,
            progress,
            thread: Mutex::new(Some(thread)),
        };
        // Kafka waits without a bound here; a big topic on a slow machine may take a while, so
        // progress is logged every 30 s, for at most 10 minutes.
        let mut attempt = 1;
        loop {
            match log.read_to_end(TIMEOUT) {
                Ok(()) => break,
                Err(StorageError::Timeout(what)) if attempt < 20 => {
                    warn!(topic = %log.topic, progress = %what, "Still reading an internal topic");
                    attempt += 1;
                }
                Err(e) => {
                    log.stop();
                    return Err(e);
                }
            }
        }
        info!(topic = %log.topic, partitions = log.partitions.len(), role = spec.role, "Internal topic read");
        Ok(log)
    }

    /// The topic's name.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// The partitions read (all of the topic's when started).
    pub fn partitions(&self) -> &[i32] {
        &self.partitions
    }

    /// Writes one record and waits for the broker's acknowledgement.
    pub fn send(&self, key: &[u8], value: Option<&[u8]>) -> Result<(), StorageError> {
        self.send_batch(&[(key, value)])
    }

    /// Writes records in order and waits until every one is acknowledged (the first failure is
    /// returned, after every outcome is known or the 30 s bound passed).
    pub fn send_batch(&self, records: &[(&[u8], Option<&[u8]>)]) -> Result<(), StorageError> {
        self.check_running()?;
        writer::send_all(&self.producer, &self.topic, records, TIMEOUT)
    }

    /// Writes one record without waiting; a failure is logged.
    pub fn send_async(&self, key: &[u8], value: Option<&[u8]>) {
        if self.check_running().is_err() {
            warn!(topic = %self.topic, "Not writing to a stopped internal topic");
            return;
        }
        if let Err(e) = writer::enqueue(&self.producer, &self.topic, key, value, Delivery::Log) {
            warn!(topic = %self.topic, error = %e, "Failed to write to an internal topic");
        }
    }

    /// Waits up to `timeout` for every record written so far to be acknowledged.
    pub fn flush(&self, timeout: Duration) -> Result<(), StorageError> {
        self.producer
            .flush(timeout)
            .map_err(|e| StorageError::Timeout(format!("flushing writes to {}: {e}", self.topic)))
    }

    /// Returns once every record that was in the topic when called has been passed to
    /// `on_record`.
    pub fn read_to_end(&self, timeout: Duration) -> Result<(), StorageError> {
        self.check_running()?;
        let deadline = Instant::now() + timeout;
        let mut targets = BTreeMap::new();
        for p in &self.partitions {
            let left = deadline.saturating_duration_since(Instant::now());
            let (low, high) = self
                .producer
                .client()
                .fetch_watermarks(&self.topic, *p, left)
                .map_err(|e| {
                    StorageError::Timeout(format!(
                        "fetching the end offsets of {}: {e}",
                        self.topic
                    ))
                })?;
            if high > low {
                targets.insert(*p, high);
            }
        }
        let behind = self.progress.wait_for(&targets, deadline);
        self.check_running()?;
        match behind.first() {
            None => Ok(()),
            Some((p, position, end)) => Err(StorageError::Timeout(format!(
                "reading {} to its end (partition {p} at offset {position} of {end})",
                self.topic
            ))),
        }
    }

    /// The next offset to read of `partition` (what has been applied so far).
    pub fn position(&self, partition: i32) -> i64 {
        self.progress.position(partition)
    }

    /// Stops the consumer thread and flushes the producer.
    pub fn stop(&self) {
        self.progress.stop.store(true, Ordering::Relaxed);
        let thread = self.thread.lock().ok().and_then(|mut t| t.take());
        if let Some(t) = thread {
            if t.join().is_err() {
                warn!(topic = %self.topic, "The internal topic reader panicked");
            }
            if let Err(e) = self.producer.flush(TIMEOUT) {
                warn!(topic = %self.topic, error = %e, "Writes to an internal topic not flushed");
            }
        }
    }

    fn check_running(&self) -> Result<(), StorageError> {
        if self.progress.stop.load(Ordering::Relaxed) {
            return Err(StorageError::Stopped);
        }
        Ok(())
    }
}

impl Drop for KafkaLog {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The partitions of `topic`, waiting for a new topic to appear in the metadata.
fn partitions_of(consumer: &BaseConsumer, topic: &str) -> Result<Vec<i32>, StorageError> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let found = consumer
            .fetch_metadata(Some(topic), left.max(Duration::from_millis(100)))
            .map(|md| {
                md.topics()
                    .iter()
                    .filter(|t| t.name() == topic && t.error().is_none())
                    .flat_map(|t| t.partitions().iter().map(|p| p.id()))
                    .collect::<Vec<i32>>()
            });
        match found {
            Ok(mut partitions) if !partitions.is_empty() => {
                partitions.sort_unstable();
                return Ok(partitions);
            }
            Ok(_) | Err(_) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Ok(_) => {
                return Err(StorageError::Timeout(format!(
                    "waiting for the partitions of {topic}"
                )))
            }
            Err(e) => {
                return Err(StorageError::Kafka(format!(
                    "Cannot read the metadata of {topic}: {e}"
                )))
            }
        }
    }
}

#[cfg(test)]
mod tests;
