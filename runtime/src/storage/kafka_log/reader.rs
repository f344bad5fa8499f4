//! The consumer thread of a [`super::KafkaLog`]: every partition assigned from the beginning,
//! every record passed to the callback, and the positions reached published for `read_to_end`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::message::Message;
use rdkafka::{Offset, TopicPartitionList};
use tracing::{debug, warn};

use super::{LogRecord, RecordCallback};

/// How long one poll may block (bounds how late a stop is noticed).
const POLL: Duration = Duration::from_millis(100);

/// Positions reached by the consumer thread (next offset to read, by partition).
#[derive(Default)]
pub(super) struct Progress {
    positions: Mutex<BTreeMap<i32, i64>>,
    changed: Condvar,
    pub(super) stop: AtomicBool,
}

impl Progress {
    pub(super) fn position(&self, partition: i32) -> i64 {
        self.positions
            .lock()
            .map(|p| p.get(&partition).copied().unwrap_or(0))
            .unwrap_or(0)
    }

    fn advance(&self, partition: i32, next: i64) {
        if let Ok(mut p) = self.positions.lock() {
            let pos = p.entry(partition).or_insert(0);
            if next > *pos {
                *pos = next;
                self.changed.notify_all();
            }
        }
    }

    /// Waits until every partition reached its target, or `deadline`. Returns the partitions
    /// still behind (partition, position, target).
    pub(super) fn wait_for(
        &self,
        targets: &BTreeMap<i32, i64>,
        deadline: Instant,
    ) -> Vec<(i32, i64, i64)> {
        let Ok(mut positions) = self.positions.lock() else {
            return Vec::new();
        };
        loop {
            let behind: Vec<(i32, i64, i64)> = targets
                .iter()
                .map(|(p, t)| (*p, positions.get(p).copied().unwrap_or(0), *t))
                .filter(|(_, pos, t)| pos < t)
                .collect();
            let now = Instant::now();
            if behind.is_empty() || now >= deadline || self.stop.load(Ordering::Relaxed) {
                return behind;
            }
            positions = match self.changed.wait_timeout(positions, deadline - now) {
                Ok((p, _)) => p,
                Err(_) => return behind,
            };
        }
    }

    fn wake(&self) {
        self.changed.notify_all();
    }
}

/// Assigns every partition of `topic` from the beginning.
pub(super) fn assign_all(
    consumer: &BaseConsumer,
    topic: &str,
    partitions: &[i32],
) -> Result<(), String> {
    let mut list = TopicPartitionList::new();
    for p in partitions {
        list.add_partition_offset(topic, *p, Offset::Beginning)
            .map_err(|e| e.to_string())?;
    }
    consumer.assign(&list).map_err(|e| e.to_string())
}

/// The consumer loop; returns when `progress.stop` is set.
pub(super) fn run(
    consumer: BaseConsumer,
    topic: String,
    mut on_record: RecordCallback,
    progress: Arc<Progress>,
) {
    debug!(topic = %topic, "Internal topic reader started");
    while !progress.stop.load(Ordering::Relaxed) {
        match consumer.poll(POLL) {
            Some(Ok(m)) => {
                on_record(LogRecord {
                    partition: m.partition(),
                    offset: m.offset(),
                    key: m.key(),
                    value: m.payload(),
                });
                progress.advance(m.partition(), m.offset() + 1);
            }
            Some(Err(e)) => warn!(topic = %topic, error = %e, "Error reading an internal topic"),
            None => catch_up_positions(&consumer, &progress),
        }
    }
    progress.wake();
    debug!(topic = %topic, "Internal topic reader stopped");
}

/// Takes the consumer's own positions when idle: they move past records the application never
/// sees (transaction markers, aborted records).
fn catch_up_positions(consumer: &BaseConsumer, progress: &Progress) {
    if let Ok(list) = consumer.position() {
        for e in list.elements() {
            if let Offset::Offset(o) = e.offset() {
                progress.advance(e.partition(), o);
            }
        }
    }
}
