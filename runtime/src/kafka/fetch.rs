//! A sink consumer's messages, taken from librdkafka a batch at a time.
//!
//! rdkafka's `BaseConsumer::poll` hands out one message per call: a queue lock, an event, an
//! `Arc` and the event's destruction for every message. A sink task reads runs of thousands,
//! so each assigned partition's fetch queue is forwarded to a queue of the task's own
//! ([`FetchQueue`]), served by `rd_kafka_consume_batch_queue`. The consumer's queue is then
//! left with the group's events (rebalances, errors), served by `BaseConsumer::poll` before
//! every batch; librdkafka wakes a wait on the fetch queue when such an event arrives (a
//! non-empty callback on the consumer's queue yields the fetch queue), so a rebalance is
//! served as soon as with one queue.
//!
//! Forwarding: librdkafka clears a partition's forwarding when it stops fetching it (revoke)
//! and keeps an application's forwarding when it starts (assign), so [`forward`] is called for
//! each partition of an assignment before librdkafka starts it. A partition that is not
//! forwarded (a failed forward) delivers on the consumer's queue, which is read first and
//! handled the same way; messages librdkafka outdates (after a seek, pause or revoke) are
//! dropped by it on either queue.
//!
//! Lifetimes: the fetch queue must be destroyed before its client (librdkafka's rule for every
//! queue), and nothing may use it afterwards: [`SinkConsumer`] owns both and, when dropped,
//! removes the callback and the forwarding target before it destroys the queue, and the
//! queue before the consumer.

use std::ffi::CString;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicPtr, Ordering};
use std::time::Duration;

use rdkafka::bindings as rdsys;
use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::TopicPartitionList;
use tracing::debug;

use super::message::Msg;

/// A librdkafka queue handle shared with librdkafka's threads (queues are internally locked).
#[derive(Clone, Copy)]
struct QueuePtr(NonNull<rdsys::rd_kafka_queue_t>);

#[allow(unsafe_code)]
// SAFETY: librdkafka's queues are thread-safe; the handle's lifetime is kept by its owner
// (`SinkConsumer`) as described in the module's doc.
unsafe impl Send for QueuePtr {}
#[allow(unsafe_code)]
// SAFETY: as for `Send`.
unsafe impl Sync for QueuePtr {}

impl QueuePtr {
    /// Ends a wait on the queue now, or the next one if none is under way.
    #[allow(unsafe_code)]
    fn wake(self) {
        // SAFETY: only called from the consumer's non-empty callback, which `SinkConsumer`
        // replaces (under the queue lock librdkafka calls it with) before the queue is
        // destroyed.
        unsafe { rdsys::rd_kafka_queue_yield(self.0.as_ptr()) }
    }
}

/// The task's own queue of fetched messages, and a handle on the consumer's queue.
pub struct FetchQueue {
    fetch: QueuePtr,
    group: QueuePtr,
}

/// What rebalance callbacks forward assigned partitions to: none until the queue exists, and
/// none again before it is destroyed.
#[derive(Default)]
pub struct ForwardTarget(AtomicPtr<rdsys::rd_kafka_queue_t>);

impl ForwardTarget {
    /// Forward the partitions of an assignment of `consumer`; call before librdkafka starts
    /// fetching them (`ConsumerContext::pre_rebalance`).
    pub fn forward_all<C: ConsumerContext>(
        &self,
        consumer: &BaseConsumer<C>,
        list: &TopicPartitionList,
    ) {
        let rk = consumer.client().native_ptr();
        for e in list.elements() {
            if !self.forward(rk, e.topic(), e.partition()) {
                debug!(
                    topic = e.topic(),
                    partition = e.partition(),
                    "Partition not forwarded to the fetch queue: its messages come one at a time"
                );
            }
        }
    }

    /// Forward `topic`/`partition` of client `rk` to the fetch queue, if there is one.
    /// Returns whether it was forwarded.
    #[allow(unsafe_code)]
    pub fn forward(&self, rk: *mut rdsys::rd_kafka_t, topic: &str, partition: i32) -> bool {
        let target = self.0.load(Ordering::SeqCst);
        let Ok(name) = CString::new(topic) else {
            return false;
        };
        if target.is_null() {
            return false;
        }
        // SAFETY: `rk` is the live consumer calling back; `target` is alive while set here
        // (cleared before it is destroyed, on the thread that serves these callbacks). The
        // partition handle only holds a reference, dropped by `rd_kafka_queue_destroy`.
        unsafe {
            let partq = rdsys::rd_kafka_queue_get_partition(rk, name.as_ptr(), partition);
            if partq.is_null() {
                return false;
            }
            rdsys::rd_kafka_queue_forward(partq, target);
            rdsys::rd_kafka_queue_destroy(partq);
        }
        true
    }
}

/// Messages taken from a queue, destroyed when cleared or dropped.
#[derive(Default)]
pub struct Fetched {
    messages: Vec<NonNull<rdsys::rd_kafka_message_t>>,
}

#[allow(unsafe_code)]
// SAFETY: the messages are owned here alone, and librdkafka lets any thread destroy them.
unsafe impl Send for Fetched {}

impl Fetched {
    /// Message `i`, borrowed until the batch is cleared.
    #[allow(unsafe_code)]
    pub fn get(&self, i: usize) -> Option<Msg<'_>> {
        // SAFETY: owned by `self` until `clear`, which needs `&mut self`.
        self.messages
            .get(i)
            .and_then(|m| unsafe { Msg::from_ptr(m.as_ptr()) })
    }

    #[allow(unsafe_code)]
    pub fn clear(&mut self) {
        for m in self.messages.drain(..) {
            // SAFETY: each message was returned by librdkafka once and is destroyed once.
            unsafe { rdsys::rd_kafka_message_destroy(m.as_ptr()) }
        }
    }
}

impl Drop for Fetched {
    fn drop(&mut self) {
        self.clear();
    }
}

impl FetchQueue {
    /// A new queue on client `rk`, which must have a consumer group.
    #[allow(unsafe_code)]
    fn new(rk: *mut rdsys::rd_kafka_t) -> Option<FetchQueue> {
        // SAFETY: `rk` is a live consumer; both handles are released in `Drop`.
        let (fetch, group) = unsafe {
            (
                NonNull::new(rdsys::rd_kafka_queue_new(rk)),
                NonNull::new(rdsys::rd_kafka_queue_get_consumer(rk)),
            )
        };
        match (fetch, group) {
            (Some(fetch), Some(group)) => Some(FetchQueue {
                fetch: QueuePtr(fetch),
                group: QueuePtr(group),
            }),
            (fetch, group) => {
                for q in [fetch, group].into_iter().flatten() {
                    // SAFETY: made above, released once.
                    unsafe { rdsys::rd_kafka_queue_destroy(q.as_ptr()) }
                }
                None
            }
        }
    }

    /// Whether the consumer's queue holds events (or messages) to serve.
    #[allow(unsafe_code)]
    pub fn group_pending(&self) -> bool {
        // SAFETY: a live queue handle.
        unsafe { rdsys::rd_kafka_queue_length(self.group.0.as_ptr()) > 0 }
    }

    /// Append up to `max` messages to `into`, waiting up to `timeout` for the first (less when
    /// a group event arrives). Returns how many were appended.
    pub fn fetch(&self, into: &mut Fetched, timeout: Duration, max: usize) -> usize {
        if max == 0 {
            return 0;
        }
        // The batch call waits its whole timeout to fill the batch: wait for one, then take
        // what is there.
        let first = self.take(into, timeout, 1);
        if first == 0 {
            return 0;
        }
        first + self.take(into, Duration::ZERO, max - 1)
    }

    #[allow(unsafe_code)]
    fn take(&self, into: &mut Fetched, timeout: Duration, max: usize) -> usize {
        let timeout_ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
        let start = into.messages.len();
        into.messages.reserve(max);
        let spare = into.messages.spare_capacity_mut();
        // SAFETY: librdkafka writes at most `max` message pointers into the spare capacity
        // and returns how many; each is owned by the caller until destroyed.
        let n = unsafe {
            rdsys::rd_kafka_consume_batch_queue(
                self.fetch.0.as_ptr(),
                timeout_ms,
                spare.as_mut_ptr().cast::<*mut rdsys::rd_kafka_message_t>(),
                max,
            )
        };
        let n = usize::try_from(n).unwrap_or(0).min(max);
        // SAFETY: the first `n` spare slots were written with non-null message pointers
        // (`NonNull` has the layout of the pointer).
        unsafe { into.messages.set_len(start + n) };
        n
    }
}

impl Drop for FetchQueue {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        // SAFETY: the handles made in `new`, released once. Destroying the owned queue
        // disables it: partitions still forwarded to it drop what they enqueue until librdkafka
        // stops them, and release it then.
        unsafe {
            rdsys::rd_kafka_queue_destroy(self.group.0.as_ptr());
            rdsys::rd_kafka_queue_destroy(self.fetch.0.as_ptr());
        }
    }
}

/// A consumer context that forwards assigned partitions to a [`FetchQueue`].
pub trait Forwarding: ConsumerContext {
    fn target(&self) -> &ForwardTarget;
}

/// A consumer and its fetch queue, dropped in the order the module's doc gives.
pub struct SinkConsumer<C: Forwarding + 'static> {
    queue: Option<FetchQueue>,
    consumer: BaseConsumer<C>,
}

impl<C: Forwarding + 'static> SinkConsumer<C> {
    /// Takes `consumer`'s messages through a fetch queue from its next assignment on (or, if
    /// librdkafka cannot make one, from its own queue).
    pub fn new(mut consumer: BaseConsumer<C>) -> SinkConsumer<C> {
        let queue = FetchQueue::new(consumer.client().native_ptr());
        if let Some(q) = &queue {
            let wake = q.fetch;
            consumer.set_nonempty_callback(move || wake.wake());
            consumer
                .context()
                .target()
                .0
                .store(q.fetch.0.as_ptr(), Ordering::SeqCst);
        }
        SinkConsumer { queue, consumer }
    }

    pub fn consumer(&self) -> &BaseConsumer<C> {
        &self.consumer
    }

    /// Whether the consumer's own queue has something to serve (always, without a fetch
    /// queue: everything arrives there).
    pub fn group_pending(&self) -> bool {
        self.queue.as_ref().is_none_or(FetchQueue::group_pending)
    }

    /// See [`FetchQueue::fetch`]; without a fetch queue, nothing is fetched here.
    pub fn fetch(&self, into: &mut Fetched, timeout: Duration, max: usize) -> usize {
        match &self.queue {
            Some(q) => q.fetch(into, timeout, max),
            None => 0,
        }
    }

    /// Whether messages come through a fetch queue.
    pub fn batched(&self) -> bool {
        self.queue.is_some()
    }
}

impl<C: Forwarding + 'static> Drop for SinkConsumer<C> {
    fn drop(&mut self) {
        self.consumer.set_nonempty_callback(|| {});
        self.consumer
            .context()
            .target()
            .0
            .store(ptr::null_mut(), Ordering::SeqCst);
        self.queue = None;
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::time::Instant;

    use rdkafka::consumer::Rebalance;
    use rdkafka::message::{Header, Message, OwnedHeaders};
    use rdkafka::mocking::MockCluster;
    use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
    use rdkafka::{ClientConfig, ClientContext};

    use super::*;

    #[derive(Default)]
    struct Ctx {
        target: ForwardTarget,
    }
    impl ClientContext for Ctx {}
    impl ConsumerContext for Ctx {
        fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
            if let Rebalance::Assign(list) = rebalance {
                self.target.forward_all(consumer, list);
            }
        }
    }
    impl Forwarding for Ctx {
        fn target(&self) -> &ForwardTarget {
            &self.target
        }
    }

    fn consumer(bootstrap: &str) -> SinkConsumer<Ctx> {
        let consumer: BaseConsumer<Ctx> = ClientConfig::new()
            .set("bootstrap.servers", bootstrap)
            .set("group.id", "g")
            .set("auto.offset.reset", "earliest")
            .set("session.timeout.ms", "6000")
            .set("enable.auto.commit", "false")
            .create_with_context(Ctx::default())
            .unwrap();
        let sink = SinkConsumer::new(consumer);
        assert!(sink.batched());
        sink.consumer().subscribe(&["t"]).unwrap();
        sink
    }

    fn produce(bootstrap: &str, from: usize, to: usize) {
        let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
            .set("bootstrap.servers", bootstrap)
            .create()
            .unwrap();
        for i in from..to {
            let key = i.to_string();
            let partition = (i % 2) as i32;
            let mut record = BaseRecord::<str, str>::to("t")
                .partition(partition)
                .key(&key)
                .payload(&key);
            if i % 3 == 0 {
                record = record.headers(OwnedHeaders::new().insert(Header {
                    key: "n",
                    value: Some(&key),
                }));
            }
            producer.send(record).map_err(|(e, _)| e).unwrap();
        }
        producer.flush(Duration::from_secs(10)).unwrap();
    }

    /// Serves `sink` the way `KafkaInput` does until `want` messages came, keyed by partition;
    /// fails if a message arrives on the consumer's own queue.
    fn take(sink: &SinkConsumer<Ctx>, want: usize) -> BTreeMap<i32, Vec<String>> {
        let mut got: BTreeMap<i32, Vec<String>> = BTreeMap::new();
        let mut fetched = Fetched::default();
        let deadline = Instant::now() + Duration::from_secs(60);
        while got.values().map(Vec::len).sum::<usize>() < want {
            assert!(Instant::now() < deadline, "only {got:?} after 60 s");
            while sink.group_pending() {
                if let Some(m) = sink.consumer().poll(Duration::ZERO) {
                    panic!(
                        "a message on the consumer's queue: {:?}",
                        m.map(|m| m.offset())
                    );
                }
            }
            let n = sink.fetch(&mut fetched, Duration::from_millis(200), 100);
            for i in 0..n {
                let m = fetched.get(i).unwrap();
                assert!(m.error().is_none());
                let key = String::from_utf8(m.key().unwrap().to_vec()).unwrap();
                let headers: Vec<(String, Option<&[u8]>)> = m
                    .headers()
                    .map(|h| h.iter().map(|h| (h.key.into_owned(), h.value)).collect())
                    .unwrap_or_default();
                let with_header = key.parse::<usize>().unwrap() % 3 == 0;
                let expected = [("n".to_owned(), Some(key.as_bytes()))];
                assert_eq!(
                    headers,
                    expected[..usize::from(with_header)],
                    "message {key}"
                );
                got.entry(m.partition()).or_default().push(key);
            }
            fetched.clear();
        }
        got
    }

    #[test]
    fn messages_come_in_batches_in_order_and_after_a_reassignment() {
        let cluster: MockCluster<'static, DefaultProducerContext> = MockCluster::new(1).unwrap();
        cluster.create_topic("t", 2, 1).unwrap();
        let bootstrap = cluster.bootstrap_servers();
        produce(&bootstrap, 0, 40);
        let first = consumer(&bootstrap);
        let got = take(&first, 40);
        let keys = |p: i32, from: usize, to: usize| -> Vec<String> {
            (from..to)
                .filter(|i| (i % 2) as i32 == p)
                .map(|i| i.to_string())
                .collect()
        };
        assert_eq!(got[&0], keys(0, 0, 40));
        assert_eq!(got[&1], keys(1, 0, 40));

        // The positions librdkafka keeps move with batches too.
        first
            .consumer()
            .commit_consumer_state(rdkafka::consumer::CommitMode::Sync)
            .unwrap();

        // A second member: the group rebalances, librdkafka stops and restarts the first
        // member's partitions, and what it keeps must still reach its fetch queue.
        let second = consumer(&bootstrap);
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut fetched = Fetched::default();
        let assigned = |c: &SinkConsumer<Ctx>| c.consumer().assignment().unwrap().count();
        while assigned(&first) != 1 || assigned(&second) != 1 {
            assert!(Instant::now() < deadline, "no rebalance after 60 s");
            for c in [&first, &second] {
                while c.group_pending() {
                    c.consumer().poll(Duration::ZERO);
                }
                c.fetch(&mut fetched, Duration::from_millis(50), 100);
                fetched.clear();
            }
        }
        produce(&bootstrap, 40, 80);
        let kept = first.consumer().assignment().unwrap();
        assert_eq!(kept.count(), 1);
        let partition = kept.elements()[0].partition();
        let got = take(&first, 20);
        assert_eq!(got.keys().copied().collect::<Vec<_>>(), [partition]);
        assert_eq!(got[&partition], keys(partition, 40, 80));
    }

    #[test]
    fn a_group_event_ends_a_wait_on_the_fetch_queue() {
        let cluster: MockCluster<'static, DefaultProducerContext> = MockCluster::new(1).unwrap();
        cluster.create_topic("t", 2, 1).unwrap();
        let sink = consumer(&cluster.bootstrap_servers());
        // Nothing is assigned yet: only the assignment event can end these waits early.
        let mut fetched = Fetched::default();
        let started = Instant::now();
        while sink.consumer().assignment().unwrap().count() == 0 {
            while sink.group_pending() {
                sink.consumer().poll(Duration::ZERO);
            }
            if sink.consumer().assignment().unwrap().count() > 0 {
                break;
            }
            assert_eq!(sink.fetch(&mut fetched, Duration::from_secs(600), 10), 0);
        }
        assert!(
            started.elapsed() < Duration::from_secs(600),
            "the wait ran to its timeout"
        );
    }
}
