//! Source offsets: where they are stored, and which of them may be committed.

use std::collections::{HashMap, VecDeque};

/// Where source offsets live: the standalone offsets file, or the offsets topic.
/// Partitions and offsets are JSON object text.
pub trait OffsetStore: Send + Sync {
    /// The offsets stored for `partitions` of `connector`, in the same order.
    fn get(&self, connector: &str, partitions: &[String]) -> Vec<Option<String>>;
    /// Store offsets (`None` deletes one) and make them durable before returning.
    fn put(&self, connector: &str, offsets: &[(String, Option<String>)]) -> Result<(), String>;
    /// Every stored partition and offset of `connector`.
    fn list(&self, connector: &str) -> Vec<(String, String)>;
}

struct Pending {
    seq: u64,
    offset: String,
    acked: bool,
}

/// Tracks records sent to Kafka per source partition, so that an offset is committed only when
/// every record before it (in its partition) was acknowledged: at-least-once, never a skip.
#[derive(Default)]
pub struct SourceOffsetTracker {
    next_seq: u64,
    by_partition: HashMap<String, VecDeque<Pending>>,
    partition_of: HashMap<u64, String>,
    committable: HashMap<String, String>,
}

impl SourceOffsetTracker {
    /// The sequence number the next submitted record gets.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Register the next record sent; returns its sequence number.
    pub fn submit(&mut self, partition: Option<&str>, offset: Option<&str>) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        if let (Some(p), Some(o)) = (partition, offset) {
            self.partition_of.insert(seq, p.to_owned());
            self.by_partition
                .entry(p.to_owned())
                .or_default()
                .push_back(Pending {
                    seq,
                    offset: o.to_owned(),
                    acked: false,
                });
        }
        seq
    }

    /// Kafka acknowledged record `seq`. Returns its partition and offset, if it had them.
    pub fn ack(&mut self, seq: u64) -> Option<(String, String)> {
        let partition = self.partition_of.remove(&seq)?;
        let queue = self.by_partition.get_mut(&partition)?;
        let i = queue.binary_search_by_key(&seq, |p| p.seq).ok()?;
        queue[i].acked = true;
        let result = (partition.clone(), queue[i].offset.clone());
        while queue.front().is_some_and(|p| p.acked) {
            if let Some(done) = queue.pop_front() {
                self.committable.insert(partition.clone(), done.offset);
            }
        }
        Some(result)
    }

    /// Offsets that may be committed now (each partition's latest fully acknowledged one).
    pub fn take_committable(&mut self) -> Vec<(String, String)> {
        self.committable.drain().collect()
    }

    /// Records sent and not yet acknowledged.
    pub fn pending(&self) -> usize {
        self.partition_of.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commits_only_contiguous_acknowledged_prefixes() {
        let mut t = SourceOffsetTracker::default();
        let a = t.submit(Some("p"), Some("1"));
        let b = t.submit(Some("p"), Some("2"));
        let c = t.submit(Some("q"), Some("9"));
        t.ack(b);
        assert!(
            t.take_committable().is_empty(),
            "record 1 is not acknowledged yet"
        );
        t.ack(c);
        assert_eq!(t.take_committable(), vec![("q".into(), "9".into())]);
        t.ack(a);
        assert_eq!(t.take_committable(), vec![("p".into(), "2".into())]);
        assert_eq!(t.pending(), 0);
    }

    #[test]
    fn records_without_offsets_are_not_tracked() {
        let mut t = SourceOffsetTracker::default();
        let s = t.submit(None, None);
        assert_eq!(t.ack(s), None);
        assert_eq!(t.pending(), 0);
    }
}
