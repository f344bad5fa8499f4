//! A sink task's input: an rdkafka consumer in group `connect-<name>`, whose messages are
//! taken a batch at a time ([`super::fetch`]), converted to Connect data and encoded into the
//! batch the plugin's `put` receives ([`super::intake`]).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferry_codec::{BatchWriter, WriterState};
use ferry_plugin_abi::BatchBuf;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::KafkaError;
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use rdkafka::{ClientConfig, ClientContext};
use tracing::{debug, warn};

use super::convert::Converters;
use super::fetch::{Fetched, ForwardTarget, Forwarding, SinkConsumer};
use super::intake::{Encoder, Intake};
use super::message::Msg;
use crate::errors::{ErrorHandler, Failure, Stage};
use crate::task::{SharedSinkCore, SinkInput, TaskError, Tp};
use ferry_transforms::TransformationChain;

/// Most records handed to one `put`.
const MAX_BATCH: usize = 2000;

/// Calls the task's open/close (and commits revoked partitions) inside the consumer's poll.
pub struct SinkConsumerContext {
    core: SharedSinkCore,
    failure: Mutex<Option<TaskError>>,
    /// Set once the task has closed its partitions itself and the consumer is only leaving
    /// its group: later rebalance events no longer reach the task.
    detached: AtomicBool,
    /// The fetch queue assigned partitions are forwarded to.
    target: ForwardTarget,
    /// Rebalance callbacks run so far: a batch ends after one (see `KafkaInput::poll`).
    rebalances: AtomicU64,
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

impl Forwarding for SinkConsumerContext {
    fn target(&self) -> &ForwardTarget {
        &self.target
    }
}

impl ConsumerContext for SinkConsumerContext {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        self.rebalances.fetch_add(1, Ordering::SeqCst);
        let list = match rebalance {
            // Before librdkafka starts fetching them (see `super::fetch`).
            Rebalance::Assign(list) => return self.target.forward_all(consumer, list),
            Rebalance::Revoke(list) => list,
            Rebalance::Error(_) => return,
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

/// A [`SinkInput`] over a Kafka consumer.
pub struct KafkaInput {
    /// Per-message state, with the held topic handles (dropped before the consumer).
    intake: Intake,
    /// The messages being taken into a batch (none between polls).
    fetched: Fetched,
    sink: SinkConsumer<SinkConsumerContext>,
    /// Where the consumer closes when the task stops (in line without one).
    closing: Option<Arc<super::ClosingConsumers>>,
    state: WriterState,
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
            rebalances: AtomicU64::new(0),
            target: ForwardTarget::default(),
        };
        let consumer: BaseConsumer<SinkConsumerContext> = config
            .create_with_context(context)
            .map_err(|e| TaskError::worker(format!("Cannot create the consumer: {e}")))?;
        // Before subscribing: the first assignment is forwarded to the fetch queue.
        let sink = SinkConsumer::new(consumer);
        if !sink.batched() {
            warn!("librdkafka gave no fetch queue: messages are taken one at a time");
        }
        let consumer = sink.consumer();
        let subscribed = match subscription {
            Subscription::Topics(topics) => {
                consumer.subscribe(&topics.iter().map(String::as_str).collect::<Vec<_>>())
            }
            Subscription::Regex(re) => consumer.subscribe(&[&format!("^{re}")]),
        };
        subscribed
            .map_err(|e| TaskError::worker(format!("Cannot subscribe to {subscription:?}: {e}")))?;
        Ok(KafkaInput {
            intake: Intake::new(Encoder::new(converters, chain, errors), tracker),
            fetched: Fetched::default(),
            sink,
            closing: None,
            state: WriterState::default(),
        })
    }

    /// Closes the consumer on `closing`'s threads when the task stops.
    pub fn closing_on(mut self, closing: Arc<super::ClosingConsumers>) -> KafkaInput {
        self.closing = Some(closing);
        self
    }

    fn consumer(&self) -> &BaseConsumer<SinkConsumerContext> {
        self.sink.consumer()
    }

    fn check_callbacks(&self) -> Result<(), TaskError> {
        match self
            .consumer()
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

    fn rebalances(&self) -> u64 {
        self.consumer().context().rebalances.load(Ordering::SeqCst)
    }

    fn try_seek(&self, (topic, partition): &Tp, offset: i64) -> Result<(), KafkaError> {
        self.consumer().seek(
            topic,
            *partition,
            Offset::Offset(offset),
            Duration::from_secs(10),
        )
    }

    fn retry_seeks(&mut self) {
        let pending: Vec<(Tp, i64)> = self
            .intake
            .pending_seeks
            .iter()
            .map(|(tp, o)| (tp.clone(), *o))
            .collect();
        for (tp, offset) in pending {
            if self.try_seek(&tp, offset).is_ok() {
                self.intake.pending_seeks.remove(&tp);
            }
        }
    }

    /// Serve the consumer's own queue: group events (a rebalance calls the task's open and
    /// close here) and messages of partitions that are not forwarded. Without a fetch queue,
    /// waits up to `timeout` for the first. Returns whether a rebalance was served.
    fn serve_group(
        &mut self,
        writer: &mut BatchWriter<'_>,
        timeout: Duration,
    ) -> Result<bool, TaskError> {
        let before = self.rebalances();
        let rk = self.consumer().client().native_ptr();
        let mut wait = if self.sink.batched() {
            Duration::ZERO
        } else {
            timeout
        };
        // Bounded: every poll takes at least one event from a non-empty queue.
        for _ in 0..MAX_BATCH {
            if writer.len() >= MAX_BATCH || !self.sink.group_pending() {
                break;
            }
            match self.sink.consumer().poll(wait) {
                // An event served, or (without a fetch queue) nothing more to take.
                None if self.sink.batched() => {}
                None => break,
                Some(Ok(msg)) => self.intake.take(writer, Msg::of(&msg), rk)?,
                Some(Err(e @ KafkaError::MessageConsumptionFatal(_))) => {
                    return Err(TaskError::worker(format!("Consumer error: {e}")));
                }
                Some(Err(e)) => self.intake.report_transient(&e),
            }
            wait = Duration::ZERO;
        }
        Ok(self.rebalances() != before)
    }

    /// Take a batch from the fetch queue, waiting up to `timeout` when the batch is empty.
    fn take_fetched(
        &mut self,
        writer: &mut BatchWriter<'_>,
        timeout: Duration,
    ) -> Result<(), TaskError> {
        let rk = self.consumer().client().native_ptr();
        let wait = if writer.is_empty() {
            timeout
        } else {
            Duration::ZERO
        };
        let room = MAX_BATCH.saturating_sub(writer.len());
        let n = self.sink.fetch(&mut self.fetched, wait, room);
        let mut result = Ok(());
        for msg in (0..n).map_while(|i| self.fetched.get(i)) {
            result = self.intake.take(writer, msg, rk);
            if result.is_err() {
                break;
            }
        }
        self.fetched.clear();
        result
    }
}

impl SinkInput for KafkaInput {
    fn poll(&mut self, buf: &mut BatchBuf, timeout: Duration) -> Result<(), TaskError> {
        self.intake.raw.clear();
        if !self.intake.pending_seeks.is_empty() {
            self.retry_seeks();
        }
        let mut state = std::mem::take(&mut self.state);
        let mut writer = BatchWriter::new(buf, &mut state);
        // After a rebalance the batch ends here: what the task asked for in its `open` or
        // `close` (a reset, a pause) is applied before it is handed more records.
        let result = self
            .serve_group(&mut writer, timeout)
            .and_then(|served| self.check_callbacks().map(|()| served))
            .and_then(|served| match self.sink.batched() && !served {
                true => self.take_fetched(&mut writer, timeout),
                false => Ok(()),
            });
        self.state = state;
        result.and_then(|()| self.check_callbacks())
    }

    fn report_errant(&mut self, index: u32, message: &str) -> Result<(), TaskError> {
        let Some(raw) = self.intake.raw.get(index as usize) else {
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
        self.intake.encoder.errors.report_errant(failure, &context)
    }

    fn shutdown(self: Box<Self>) -> Result<(), TaskError> {
        let KafkaInput {
            intake,
            fetched,
            sink,
            closing,
            ..
        } = *self;
        // Before the consumer closes, possibly on another thread.
        drop((intake, fetched));
        let context = sink.consumer().context();
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
                    sink.consumer()
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
            Some(closing) => closing.close("consumer", sink),
            None => drop(sink),
        }
        revoked.map(drop)
    }

    fn take_skipped(&mut self) -> Vec<(Tp, i64)> {
        std::mem::take(&mut self.intake.skipped)
    }

    fn commit(&mut self, offsets: &[(Tp, i64)]) -> Result<(), TaskError> {
        self.consumer()
            .commit(&offsets_list(offsets)?, CommitMode::Sync)
            .map_err(|e| TaskError::worker(format!("Failed to commit offsets: {e}")))
    }

    /// librdkafka refuses a seek on a partition it has not started fetching yet (a reset from
    /// the task's `open`, right after assignment): such a seek is kept and retried on every poll,
    /// and the partition's records are held back until it succeeds.
    fn seek(&mut self, tp: &Tp, offset: i64) -> Result<(), TaskError> {
        match self.try_seek(tp, offset) {
            Ok(()) => {
                self.intake.pending_seeks.remove(tp);
                Ok(())
            }
            Err(e) => {
                debug!(topic = %tp.0, partition = tp.1, offset, error = %e, "Seek deferred until the partition is fetching");
                self.intake.pending_seeks.insert(tp.clone(), offset);
                Ok(())
            }
        }
    }

    fn pause(&mut self, tps: &[Tp]) -> Result<(), TaskError> {
        let list = offsets_list(&tps.iter().map(|tp| (tp.clone(), 0)).collect::<Vec<_>>())?;
        self.consumer()
            .pause(&list)
            .map_err(|e| TaskError::worker(e.to_string()))
    }

    fn resume(&mut self, tps: &[Tp]) -> Result<(), TaskError> {
        let list = offsets_list(&tps.iter().map(|tp| (tp.clone(), 0)).collect::<Vec<_>>())?;
        self.consumer()
            .resume(&list)
            .map_err(|e| TaskError::worker(e.to_string()))
    }
}
