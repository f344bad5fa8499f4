//! A source task's delivery reports: collected while the task thread polls its producer, taken
//! by the task loop in batches.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use rdkafka::message::Message;
use rdkafka::producer::{DeliveryResult, ProducerContext};
use rdkafka::ClientContext;

use crate::task::Ack;

/// What the producer delivered since the task loop last looked.
#[derive(Default)]
struct Reports {
    acks: Vec<Ack>,
    /// The first failed delivery.
    failure: Option<String>,
    /// The topic of the last acknowledgement, shared by the next ones to the same topic.
    topic: Option<Arc<str>>,
    /// Delivery reports received so far, acknowledged or failed.
    received: u64,
}

/// The producer's context: keeps its delivery reports for the task thread. The opaque of a
/// record is its sequence number.
#[derive(Default)]
pub struct AckContext {
    reports: Mutex<Reports>,
}

impl AckContext {
    fn reports(&self) -> MutexGuard<'_, Reports> {
        // Nothing panics while holding the lock; a poisoned lock holds consistent data.
        self.reports.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Delivery reports received so far.
    pub fn received(&self) -> u64 {
        self.reports().received
    }

    /// Move the acknowledgements received so far to the end of `acks`; a failed delivery is
    /// returned as an error (once).
    pub fn drain(&self, acks: &mut Vec<Ack>) -> Result<(), String> {
        let mut reports = self.reports();
        if acks.is_empty() {
            std::mem::swap(acks, &mut reports.acks);
        } else {
            acks.append(&mut reports.acks);
        }
        match reports.failure.take() {
            Some(failure) => Err(failure),
            None => Ok(()),
        }
    }
}

impl ClientContext for AckContext {}

impl ProducerContext for AckContext {
    type DeliveryOpaque = usize;

    fn delivery(&self, result: &DeliveryResult<'_>, seq: usize) {
        let mut reports = self.reports();
        reports.received += 1;
        match result {
            Ok(m) => {
                let topic = match &reports.topic {
                    Some(t) if **t == *m.topic() => t.clone(),
                    _ => {
                        let t: Arc<str> = Arc::from(m.topic());
                        reports.topic = Some(t.clone());
                        t
                    }
                };
                reports.acks.push(Ack {
                    seq: seq as u64,
                    topic,
                    partition: m.partition(),
                    offset: m.offset(),
                });
            }
            Err((e, m)) => {
                reports.failure.get_or_insert_with(|| {
                    format!(
                        "Unrecoverable exception from producer send callback: sending a record to topic {} failed: {e}",
                        m.topic()
                    )
                });
            }
        }
    }
}
