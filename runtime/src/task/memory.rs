//! In-memory [`SourceOutput`] and [`SinkInput`]: for tests and benchmarks of the task layer
//! without a broker.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferry_plugin_abi::BatchBuf;

use super::error::TaskError;
use super::sink::{SharedSinkCore, SinkInput, Tp};
use super::source::{Ack, SourceOutput};

/// Acknowledges every record at once and counts them.
#[derive(Default, Clone)]
pub struct MemoryOutput {
    pub sent: Arc<AtomicUsize>,
    pending: Vec<Ack>,
}

impl SourceOutput for MemoryOutput {
    fn send(&mut self, batch: &BatchBuf, first_seq: u64) -> Result<(), TaskError> {
        for (i, h) in batch.records.iter().enumerate() {
            let n = self.sent.fetch_add(1, Ordering::AcqRel);
            let topic = batch
                .topics
                .get(h.topic as usize)
                .and_then(|s| s.get(&batch.arena))
                .unwrap_or_default();
            self.pending.push(Ack {
                seq: first_seq + i as u64,
                topic: String::from_utf8_lossy(topic).into(),
                partition: 0,
                offset: n as i64,
            });
        }
        Ok(())
    }

    fn drain_acks(&mut self, acks: &mut Vec<Ack>) -> Result<(), TaskError> {
        acks.append(&mut self.pending);
        Ok(())
    }

    fn flush(&mut self, _timeout: Duration) -> Result<(), TaskError> {
        Ok(())
    }
}

/// Hands out queued batches, after assigning its partitions on the first poll.
pub struct MemoryInput {
    core: SharedSinkCore,
    assign: Option<Vec<Tp>>,
    pub batches: Arc<Mutex<VecDeque<BatchBuf>>>,
    pub committed: Arc<Mutex<Vec<(Tp, i64)>>>,
}

impl MemoryInput {
    pub fn new(
        core: SharedSinkCore,
        partitions: Vec<Tp>,
        batches: Arc<Mutex<VecDeque<BatchBuf>>>,
    ) -> Self {
        MemoryInput {
            core,
            assign: Some(partitions),
            batches,
            committed: Arc::default(),
        }
    }
}

impl SinkInput for MemoryInput {
    fn poll(&mut self, buf: &mut BatchBuf, timeout: Duration) -> Result<(), TaskError> {
        if let Some(tps) = self.assign.take() {
            self.core
                .lock()
                .map_err(|_| TaskError::worker("poisoned"))?
                .on_assigned(&tps)?;
        }
        let next = self.batches.lock().ok().and_then(|mut q| q.pop_front());
        match next {
            Some(b) => *buf = b,
            None => std::thread::sleep(timeout.min(Duration::from_millis(10))),
        }
        Ok(())
    }

    fn commit(&mut self, offsets: &[(Tp, i64)]) -> Result<(), TaskError> {
        if let Ok(mut c) = self.committed.lock() {
            c.extend(offsets.iter().cloned());
        }
        Ok(())
    }

    fn seek(&mut self, _tp: &Tp, _offset: i64) -> Result<(), TaskError> {
        Ok(())
    }

    fn pause(&mut self, _tps: &[Tp]) -> Result<(), TaskError> {
        Ok(())
    }

    fn resume(&mut self, _tps: &[Tp]) -> Result<(), TaskError> {
        Ok(())
    }
}

/// An [`OffsetStore`](super::OffsetStore) in memory.
#[derive(Default)]
pub struct MemoryOffsetStore {
    offsets: Mutex<std::collections::HashMap<(String, String), String>>,
}

impl super::offsets::OffsetStore for MemoryOffsetStore {
    fn get(&self, connector: &str, partitions: &[String]) -> Vec<Option<String>> {
        let o = self.offsets.lock().map(|o| o.clone()).unwrap_or_default();
        partitions
            .iter()
            .map(|p| o.get(&(connector.to_owned(), p.clone())).cloned())
            .collect()
    }

    fn list(&self, connector: &str) -> Vec<(String, String)> {
        let o = self.offsets.lock().map(|o| o.clone()).unwrap_or_default();
        o.into_iter()
            .filter(|((c, _), _)| c == connector)
            .map(|((_, p), v)| (p, v))
            .collect()
    }

    fn put(&self, connector: &str, offsets: &[(String, Option<String>)]) -> Result<(), String> {
        let mut o = self.offsets.lock().map_err(|_| "poisoned".to_owned())?;
        for (p, v) in offsets {
            match v {
                Some(v) => o.insert((connector.to_owned(), p.clone()), v.clone()),
                None => o.remove(&(connector.to_owned(), p.clone())),
            };
        }
        Ok(())
    }
}

/// Counts records, for anything that needs to see progress.
pub fn count(counter: &AtomicUsize) -> usize {
    counter.load(Ordering::Acquire)
}
