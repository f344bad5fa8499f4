//! Which source offsets may be committed: those of records whose every predecessor was
//! acknowledged.

use std::collections::{HashMap, VecDeque};

use tracing::warn;

/// `Pending::partition` of a record without a source partition and offset.
const UNTRACKED: u32 = u32::MAX;

/// Start compacting the offset text once this many bytes at its front are dead.
const COMPACT_AT: usize = 64 * 1024;

struct Pending {
    /// Index into `partitions`, or [`UNTRACKED`].
    partition: u32,
    acked: bool,
    /// The task wants the record back once acknowledged (`commitRecord`).
    notify: bool,
    /// Length of the offset text, which starts at `at` in the tracker's text (absolute).
    len: u32,
    at: u64,
}

/// One source partition: its JSON text and its latest offset that may be committed (as the
/// plugin wrote it: checked as UTF-8 when it is committed, once, not for every record).
struct Partition {
    name: String,
    committable: Vec<u8>,
    dirty: bool,
}

/// Tracks records sent to Kafka in sequence order, so that an offset is committed only when
/// every record sent before it was acknowledged: at-least-once, never a skip. One queue for
/// all source partitions (records are sent and acknowledged almost in order), partitions
/// interned, an acknowledgement found by its sequence number in O(1). Per record nothing is
/// allocated or hashed: offset texts share one buffer, and a record of the same partition as
/// the one before it is matched by comparing bytes.
#[derive(Default)]
pub struct SourceOffsetTracker {
    /// Sequence number of `pending[0]`.
    base: u64,
    pending: VecDeque<Pending>,
    /// Offset texts of pending records, back to back; `text[0]` is at absolute position
    /// `text_origin`.
    text: Vec<u8>,
    text_origin: u64,
    partitions: Vec<Partition>,
    partition_ids: HashMap<String, u32>,
    /// The partition of the last record submitted with one.
    last_partition: Option<u32>,
    unacked: usize,
}

impl SourceOffsetTracker {
    /// The sequence number the next submitted record gets.
    pub fn next_seq(&self) -> u64 {
        self.base + self.pending.len() as u64
    }

    /// The interned partition with JSON text `name` (UTF-8 checked); `None` if it is not UTF-8.
    fn partition_id(&mut self, name: &[u8]) -> Option<u32> {
        if let Some(id) = self.last_partition {
            if self.partitions[id as usize].name.as_bytes() == name {
                return Some(id);
            }
        }
        let name = std::str::from_utf8(name).ok()?;
        let id = match self.partition_ids.get(name) {
            Some(id) => *id,
            None => {
                let id = self.partitions.len() as u32;
                self.partitions.push(Partition {
                    name: name.to_owned(),
                    committable: Vec::new(),
                    dirty: false,
                });
                self.partition_ids.insert(name.to_owned(), id);
                id
            }
        };
        self.last_partition = Some(id);
        Some(id)
    }

    /// Register the next record sent, with its source partition and offset as JSON text (a
    /// record without both, or with a partition that is not UTF-8, is not tracked), and
    /// whether [`ack`](Self::ack) should show it to its visitor; returns its sequence number.
    pub fn submit(&mut self, partition: Option<&[u8]>, offset: Option<&[u8]>, notify: bool) -> u64 {
        let seq = self.next_seq();
        let at = self.text_origin + self.text.len() as u64;
        let tracked = match (partition, offset) {
            (Some(p), Some(o)) => self.partition_id(p).map(|id| (id, o)),
            _ => None,
        };
        let (partition, len) = match tracked {
            Some((id, offset)) => {
                self.text.extend_from_slice(offset);
                (id, offset.len() as u32)
            }
            None => (UNTRACKED, 0),
        };
        self.pending.push_back(Pending {
            partition,
            acked: false,
            notify,
            len,
            at,
        });
        self.unacked += 1;
        seq
    }

    fn offset_text(&self, p: &Pending) -> &[u8] {
        let start = (p.at - self.text_origin) as usize;
        self.text
            .get(start..start + p.len as usize)
            .unwrap_or_default()
    }

    /// Kafka acknowledged record `seq`. `visit` sees its source partition and offset (if it
    /// had them and `seq` is still pending); it is not called for a record submitted without
    /// `notify`. Offsets become committable at the next [`settle`](Self::settle).
    pub fn ack(&mut self, seq: u64, visit: impl FnOnce(Option<&[u8]>, Option<&[u8]>)) {
        let entry = seq
            .checked_sub(self.base)
            .and_then(|i| usize::try_from(i).ok())
            .and_then(|i| self.pending.get(i));
        let Some(entry) = entry else {
            return visit(None, None);
        };
        match self.partitions.get(entry.partition as usize) {
            _ if !entry.notify => {}
            Some(p) => visit(Some(p.name.as_bytes()), Some(self.offset_text(entry))),
            None => visit(None, None),
        }
        let index = (seq - self.base) as usize;
        if let Some(entry) = self.pending.get_mut(index) {
            if !entry.acked {
                entry.acked = true;
                self.unacked -= 1;
            }
        }
    }

    /// The offset text of popped record `done` becomes its partition's committable offset.
    fn set_committable(&mut self, done: &Pending) {
        let start = (done.at - self.text_origin) as usize;
        let text = self
            .text
            .get(start..start + done.len as usize)
            .unwrap_or_default();
        let p = &mut self.partitions[done.partition as usize];
        p.committable.clear();
        p.committable.extend_from_slice(text);
        p.dirty = true;
    }

    /// Drop the acknowledged records at the front (call it after a run of
    /// [`ack`](Self::ack)s): each partition's last one becomes its committable offset, copied
    /// once per partition change rather than once per record.
    pub fn settle(&mut self) {
        let mut last: Option<Pending> = None;
        while self.pending.front().is_some_and(|p| p.acked) {
            let Some(done) = self.pending.pop_front() else {
                break;
            };
            self.base += 1;
            if done.partition == UNTRACKED {
                continue;
            }
            if let Some(prev) = last.take().filter(|l| l.partition != done.partition) {
                self.set_committable(&prev);
            }
            last = Some(done);
        }
        if let Some(prev) = last {
            self.set_committable(&prev);
        }
        // The text before the first pending record is dead: drop it once it is most of it.
        let live = self
            .pending
            .front()
            .map_or(self.text.len(), |p| (p.at - self.text_origin) as usize);
        if live == self.text.len() {
            self.text_origin += self.text.len() as u64;
            self.text.clear();
        } else if live >= COMPACT_AT && live * 2 >= self.text.len() {
            self.text.drain(..live);
            self.text_origin += live as u64;
        }
    }

    /// Offsets that may be committed now (each partition's latest fully acknowledged one). An
    /// offset that is not UTF-8 (a plugin bug: the SDK writes JSON text) is logged and left out.
    pub fn take_committable(&mut self) -> Vec<(String, String)> {
        self.settle();
        self.partitions
            .iter_mut()
            .filter_map(|p| std::mem::take(&mut p.dirty).then_some(&*p))
            .filter_map(|p| match std::str::from_utf8(&p.committable) {
                Ok(offset) => Some((p.name.clone(), offset.to_owned())),
                Err(e) => {
                    warn!(partition = %p.name, error = %e, "Source offset is not UTF-8 text; not committed");
                    None
                }
            })
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

    fn submit(t: &mut SourceOffsetTracker, p: &str, o: &str) -> u64 {
        t.submit(Some(p.as_bytes()), Some(o.as_bytes()), true)
    }

    fn text(b: Option<&[u8]>) -> Option<&str> {
        b.map(|b| std::str::from_utf8(b).unwrap())
    }

    #[test]
    fn commits_only_contiguous_acknowledged_prefixes() {
        let mut t = SourceOffsetTracker::default();
        let a = submit(&mut t, "p", "1");
        let b = submit(&mut t, "p", "2");
        let c = submit(&mut t, "q", "9");
        let mut seen = Vec::new();
        t.ack(b, |p, o| {
            seen.push((text(p).map(str::to_owned), text(o).map(str::to_owned)))
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
        assert!(t.take_committable().is_empty(), "taken once");
    }

    #[test]
    fn records_without_offsets_are_not_tracked() {
        let mut t = SourceOffsetTracker::default();
        let s = t.submit(None, None, true);
        let bad = t.submit(Some(b"\xff"), Some(b"1"), true);
        t.ack(s, |p, o| assert_eq!((p, o), (None, None)));
        t.ack(bad, |p, o| assert_eq!((p, o), (None, None)));
        assert_eq!(t.pending(), 0);
        assert!(t.take_committable().is_empty());
    }

    /// A record the task does not want back is tracked for its offset but not visited.
    #[test]
    fn records_without_notify_commit_but_are_not_visited() {
        let mut t = SourceOffsetTracker::default();
        let quiet = t.submit(Some(b"p"), Some(b"1"), false);
        let loud = submit(&mut t, "p", "2");
        t.ack(quiet, |_, _| panic!("not visited"));
        let mut seen = 0;
        t.ack(loud, |_, o| {
            assert_eq!(text(o), Some("2"));
            seen += 1;
        });
        assert_eq!(seen, 1);
        assert_eq!(t.take_committable(), vec![("p".into(), "2".into())]);
    }

    /// The offset text is checked once, when it is committed.
    #[test]
    fn an_offset_that_is_not_utf8_is_not_committed() {
        let mut t = SourceOffsetTracker::default();
        let good = submit(&mut t, "p", "1");
        let bad = t.submit(Some(b"q"), Some(b"\xff"), true);
        t.ack(good, |_, _| {});
        t.ack(bad, |_, o| assert_eq!(o, Some(&b"\xff"[..])));
        assert_eq!(t.take_committable(), vec![("p".into(), "1".into())]);
        assert_eq!(t.pending(), 0);
    }

    #[test]
    fn duplicate_and_unknown_acks_change_nothing() {
        let mut t = SourceOffsetTracker::default();
        let a = submit(&mut t, "p", "1");
        let b = submit(&mut t, "p", "2");
        t.ack(b, |_, _| {});
        t.ack(b, |p, o| {
            assert_eq!((text(p), text(o)), (Some("p"), Some("2")))
        });
        t.ack(99, |p, o| assert_eq!((p, o), (None, None)));
        assert_eq!(t.pending(), 1);
        t.ack(a, |_, _| {});
        t.settle();
        t.ack(a, |p, o| assert_eq!((p, o), (None, None)));
        assert_eq!(t.take_committable(), vec![("p".into(), "2".into())]);
    }

    /// Many records in flight while the front is acknowledged: the text buffer is compacted
    /// and every offset read back is the one submitted.
    #[test]
    fn offsets_survive_compaction() {
        let mut t = SourceOffsetTracker::default();
        let mut in_flight = VecDeque::new();
        for i in 0..200_000u64 {
            let partition = if i % 3 == 0 { "a" } else { "b" };
            let seq = submit(&mut t, partition, &format!("{{\"position\":{i}}}"));
            in_flight.push_back((seq, partition, i));
            if in_flight.len() > 1000 {
                let (seq, partition, i) = in_flight.pop_front().unwrap();
                t.ack(seq, |p, o| {
                    assert_eq!(text(p), Some(partition));
                    assert_eq!(text(o), Some(format!("{{\"position\":{i}}}").as_str()));
                });
                // As the task does after each run of acknowledgements, which pops many
                // records of both partitions at once.
                if i % 100 == 0 {
                    t.settle();
                }
            }
        }
        assert!(t.text.len() < 4 * COMPACT_AT, "compacted: {}", t.text.len());
        let mut committed = t.take_committable();
        committed.sort();
        assert_eq!(
            committed,
            vec![
                ("a".into(), "{\"position\":198999}".into()),
                ("b".into(), "{\"position\":198998}".into()),
            ]
        );
        while let Some((seq, _, _)) = in_flight.pop_back() {
            t.ack(seq, |_, _| {});
        }
        assert_eq!(t.pending(), 0);
        t.settle();
        assert!(t.text.is_empty());
        assert_eq!(
            t.take_committable(),
            vec![
                ("a".into(), "{\"position\":199998}".into()),
                ("b".into(), "{\"position\":199999}".into()),
            ]
        );
    }
}
