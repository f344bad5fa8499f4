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
    /// Index into `partitions`, or `None` for a record without a source offset.
    partition: Option<u32>,
    offset: String,
    acked: bool,
}

/// Tracks records sent to Kafka in sequence order, so that an offset is committed only when
/// every record sent before it was acknowledged: at-least-once, never a skip. One queue for
/// all source partitions (records are sent and acknowledged almost in order), partitions
/// interned, an acknowledgement found by its sequence number in O(1).
#[derive(Default)]
pub struct SourceOffsetTracker {
    /// Sequence number of `pending[0]`.
    base: u64,
    pending: VecDeque<Pending>,
    partitions: Vec<String>,
    partition_ids: HashMap<String, u32>,
    committable: HashMap<u32, String>,
    unacked: usize,
}

impl SourceOffsetTracker {
    /// The sequence number the next submitted record gets.
    pub fn next_seq(&self) -> u64 {
        self.base + self.pending.len() as u64
    }

    fn partition_id(&mut self, partition: &str) -> u32 {
        if let Some(id) = self.partition_ids.get(partition) {
            return *id;
        }
        let id = self.partitions.len() as u32;
        self.partitions.push(partition.to_owned());
        self.partition_ids.insert(partition.to_owned(), id);
        id
    }

    /// Register the next record sent; returns its sequence number.
    pub fn submit(&mut self, partition: Option<&str>, offset: Option<&str>) -> u64 {
        let seq = self.next_seq();
        let (partition, offset) = match (partition, offset) {
            (Some(p), Some(o)) => (Some(self.partition_id(p)), o.to_owned()),
            _ => (None, String::new()),
        };
        self.pending.push_back(Pending {
            partition,
            offset,
            acked: false,
        });
        self.unacked += 1;
        seq
    }

    /// Kafka acknowledged record `seq`. `visit` sees its source partition and offset (if it
    /// had them) before they move on.
    pub fn ack(&mut self, seq: u64, visit: impl FnOnce(Option<&str>, Option<&str>)) {
        let Some(index) = seq
            .checked_sub(self.base)
            .and_then(|i| usize::try_from(i).ok())
        else {
            return visit(None, None);
        };
        let Some(entry) = self.pending.get_mut(index) else {
            return visit(None, None);
        };
        match entry.partition {
            Some(p) => visit(
                self.partitions.get(p as usize).map(String::as_str),
                Some(&entry.offset),
            ),
            None => visit(None, None),
        }
        if !entry.acked {
            entry.acked = true;
            self.unacked -= 1;
        }
        while self.pending.front().is_some_and(|p| p.acked) {
            if let Some(done) = self.pending.pop_front() {
                self.base += 1;
                if let Some(p) = done.partition {
                    self.committable.insert(p, done.offset);
                }
            }
        }
    }

    /// Offsets that may be committed now (each partition's latest fully acknowledged one).
    pub fn take_committable(&mut self) -> Vec<(String, String)> {
        let partitions = &self.partitions;
        self.committable
            .drain()
            .map(|(p, o)| (partitions[p as usize].clone(), o))
            .collect()
    }

    /// Records sent and not yet acknowledged.
    pub fn pending(&self) -> usize {
        self.unacked
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
        let mut seen = Vec::new();
        t.ack(b, |p, o| {
            seen.push((p.map(str::to_owned), o.map(str::to_owned)))
        });
        assert_eq!(seen, vec![(Some("p".to_owned()), Some("2".to_owned()))]);
        assert!(
            t.take_committable().is_empty(),
            "record 1 is not acknowledged yet"
        );
        t.ack(c, |_, _| {});
        assert!(
            t.take_committable().is_empty(),
            "one queue: q's record waits behind p's first"
        );
        t.ack(a, |_, _| {});
        let mut committed = t.take_committable();
        committed.sort();
        assert_eq!(
            committed,
            vec![("p".into(), "2".into()), ("q".into(), "9".into())]
        );
        assert_eq!(t.pending(), 0);
    }

    #[test]
    fn records_without_offsets_are_not_tracked() {
        let mut t = SourceOffsetTracker::default();
        let s = t.submit(None, None);
        t.ack(s, |p, o| assert_eq!((p, o), (None, None)));
        assert_eq!(t.pending(), 0);
        assert!(t.take_committable().is_empty());
    }
}
