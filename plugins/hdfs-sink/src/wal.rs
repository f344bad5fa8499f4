//! The write-ahead log of one topic partition: `<logs.dir>/<topic>/<p>/log`.
//!
//! Unlike Confluent's SequenceFile-like `WAL\0` format, each commit is **one self-describing
//! JSON line**, appended and made durable in a single write:
//!
//! ```text
//! {"files":[{"temp":"topics/+tmp/t/partition=0/…_tmp.avro","committed":"topics/t/partition=0/t+0+0000000000+0000000016.avro"}],"next_offset":17}
//! ```
//!
//! A line that is not complete (a crash mid-append) or not valid JSON ends the log: everything
//! before it counts, it and anything after do not. A compaction rewrites the log as a single
//! checkpoint line (`"files":[]`) through a temp file and an atomic replace, so the log stays
//! small and always holds the last committed offset.

use serde::{Deserialize, Serialize};

use crate::storage::{Storage, StorageResult};

/// A temp file and the name it is committed under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileMove {
    pub temp: String,
    pub committed: String,
}

/// One commit: the files it moves into place and the next offset to consume afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WalEntry {
    pub files: Vec<FileMove>,
    pub next_offset: i64,
}

/// Compact the log once it holds this many entries.
pub const COMPACT_AFTER: usize = 64;

/// The log of one topic partition.
#[derive(Debug)]
pub struct Wal {
    path: String,
    entries_since_compaction: usize,
}

impl Wal {
    pub fn new(path: String) -> Self {
        Wal {
            path,
            entries_since_compaction: 0,
        }
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    /// Every complete entry, oldest first.
    pub fn read(&self, storage: &dyn Storage) -> StorageResult<Vec<WalEntry>> {
        let Some(bytes) = storage.read(&self.path)? else {
            return Ok(Vec::new());
        };
        Ok(parse(&bytes))
    }

    /// Record a commit durably (the intent: after this returns, recovery finishes it).
    pub fn append(&mut self, storage: &dyn Storage, entry: &WalEntry) -> StorageResult<()> {
        let mut line = serde_json::to_vec(entry).unwrap_or_default();
        line.push(b'\n');
        storage.append(&self.path, &line)?;
        self.entries_since_compaction += 1;
        Ok(())
    }

    /// Whether the log has grown enough to be compacted.
    pub fn wants_compaction(&self) -> bool {
        self.entries_since_compaction >= COMPACT_AFTER
    }

    /// Replace the log by one checkpoint entry holding `next_offset`. Only call this when every
    /// entry has been applied (all its files are in place).
    pub fn compact(&mut self, storage: &dyn Storage, next_offset: i64) -> StorageResult<()> {
        let tmp = format!("{}.compact", self.path);
        storage.delete(&tmp)?;
        let entry = WalEntry {
            files: Vec::new(),
            next_offset,
        };
        let mut line = serde_json::to_vec(&entry).unwrap_or_default();
        line.push(b'\n');
        storage.append(&tmp, &line)?;
        storage.replace(&tmp, &self.path)?;
        self.entries_since_compaction = 0;
        Ok(())
    }
}

/// Complete, valid lines up to the first bad one.
fn parse(bytes: &[u8]) -> Vec<WalEntry> {
    let mut out = Vec::new();
    let mut rest = bytes;
    while let Some(nl) = rest.iter().position(|b| *b == b'\n') {
        let line = &rest[..nl];
        rest = &rest[nl + 1..];
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<WalEntry>(line) {
            Ok(e) => out.push(e),
            Err(e) => {
                ferry_plugin_sdk::tracing::warn!(
                    "ignoring the write-ahead log from a bad entry on: {e}"
                );
                break;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::storage::LocalStorage;

    fn entry(n: i64) -> WalEntry {
        WalEntry {
            files: vec![FileMove {
                temp: format!("tmp{n}"),
                committed: format!("c{n}"),
            }],
            next_offset: n,
        }
    }

    #[test]
    fn entries_round_trip_and_a_torn_tail_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let s = LocalStorage::new(dir.path());
        let mut wal = Wal::new("logs/t/0/log".into());
        wal.append(&s, &entry(3)).unwrap();
        wal.append(&s, &entry(6)).unwrap();
        s.append("logs/t/0/log", b"{\"files\":[{\"te").unwrap();
        assert_eq!(wal.read(&s).unwrap(), vec![entry(3), entry(6)]);
        s.append("logs/t/0/log", b"garbage\n").unwrap();
        assert_eq!(wal.read(&s).unwrap(), vec![entry(3), entry(6)]);
    }

    #[test]
    fn compaction_keeps_the_offset_only() {
        let dir = tempfile::tempdir().unwrap();
        let s = LocalStorage::new(dir.path());
        let mut wal = Wal::new("logs/t/0/log".into());
        wal.append(&s, &entry(3)).unwrap();
        wal.compact(&s, 3).unwrap();
        let entries = wal.read(&s).unwrap();
        assert_eq!(entries.len(), 1);
        assert!(entries[0].files.is_empty());
        assert_eq!(entries[0].next_offset, 3);
        assert!(!s.exists("logs/t/0/log.compact").unwrap());
    }

    #[test]
    fn a_missing_log_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        let s = LocalStorage::new(dir.path());
        assert!(Wal::new("logs/x/0/log".into()).read(&s).unwrap().is_empty());
    }
}
