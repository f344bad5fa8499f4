//! File and directory names (section 2.2 of the reference):
//! `<topics.dir>/<topic>/<encodedPartition>/<topic>+<p>+<start>+<end><ext>` for committed
//! files, `<topics.dir>/+tmp/<topic>/<encodedPartition>/…_tmp<ext>` for temp files and
//! `<logs.dir>/<topic>/<p>/log` for the write-ahead log.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::storage::join;

/// The directory of temp files under `topics.dir` (`+tmp` cannot be a topic name).
pub const TEMP_DIR: &str = "+tmp";

/// Path layout of one store.
#[derive(Debug, Clone)]
pub struct Layout {
    pub topics_dir: String,
    pub logs_dir: String,
    pub zero_pad_width: usize,
    pub extension: &'static str,
}

/// A committed file name, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommittedName {
    pub topic: String,
    pub partition: i32,
    pub start: i64,
    pub end: i64,
}

impl Layout {
    /// `<topics.dir>/<topic>/<encoded>/<topic>+<p>+<start>+<end><ext>`.
    pub fn committed_file(
        &self,
        topic: &str,
        encoded: &str,
        partition: i32,
        start: i64,
        end: i64,
    ) -> String {
        let w = self.zero_pad_width;
        let name = format!(
            "{topic}+{partition}+{start:0w$}+{end:0w$}{}",
            self.extension
        );
        join(&[&self.topics_dir, topic, encoded, &name])
    }

    /// The directory holding the committed files of one encoded partition.
    pub fn committed_dir(&self, topic: &str, encoded: &str) -> String {
        join(&[&self.topics_dir, topic, encoded])
    }

    /// Where the temp files of a topic live.
    pub fn temp_topic_dir(&self, topic: &str) -> String {
        join(&[&self.topics_dir, TEMP_DIR, topic])
    }

    /// A fresh temp file for `topic`/`partition` in `encoded`. The name starts with
    /// `<topic>+<p>+` so that recovery deletes only this partition's leftovers, and ends with
    /// `_tmp<ext>` as Confluent's.
    pub fn temp_file(&self, topic: &str, encoded: &str, partition: i32) -> String {
        let name = format!("{topic}+{partition}+{}_tmp{}", unique_id(), self.extension);
        join(&[&self.topics_dir, TEMP_DIR, topic, encoded, &name])
    }

    /// `<logs.dir>/<topic>/<p>/log`.
    pub fn wal_file(&self, topic: &str, partition: i32) -> String {
        join(&[&self.logs_dir, topic, &partition.to_string(), "log"])
    }
}

/// Whether `name` (a file name, no directory) is a temp file of `topic`/`partition`.
pub fn is_temp_of(name: &str, topic: &str, partition: i32) -> bool {
    name.strip_prefix(topic)
        .and_then(|rest| rest.strip_prefix(&format!("+{partition}+")))
        .is_some_and(|rest| rest.contains("_tmp"))
}

/// Parse `<topic>+<p>+<start>+<end>[.<ext>]` (Confluent's
/// `([a-zA-Z0-9\._\-]+)\+(\d+)\+(\d+)\+(\d+)(.\w+)?`).
pub fn parse_committed(name: &str) -> Option<CommittedName> {
    let mut parts = name.rsplitn(4, '+');
    let end_ext = parts.next()?;
    let start = parts.next()?;
    let partition = parts.next()?;
    let topic = parts.next()?;
    let valid_topic = !topic.is_empty()
        && topic
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let end = end_ext.split('.').next()?;
    let ext = &end_ext[end.len()..];
    let valid_ext = ext.is_empty()
        || (ext.starts_with('.')
            && ext[1..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_'));
    if !valid_topic || !digits(partition) || !digits(start) || !digits(end) || !valid_ext {
        return None;
    }
    Some(CommittedName {
        topic: topic.to_owned(),
        partition: partition.parse().ok()?,
        start: start.parse().ok()?,
        end: end.parse().ok()?,
    })
}

/// A UUID-shaped unique id (time, process and counter; uniqueness is all that matters).
fn unique_id() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id();
    let hi = (nanos >> 64) as u64 ^ u64::from(pid);
    let lo = nanos as u64;
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        (lo >> 32) as u32,
        (lo >> 16) as u16,
        lo as u16,
        (hi as u16) ^ (u64::from(pid) as u16),
        n & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn layout() -> Layout {
        Layout {
            topics_dir: "topics".into(),
            logs_dir: "logs".into(),
            zero_pad_width: 10,
            extension: ".avro",
        }
    }

    #[test]
    fn committed_names_are_confluents() {
        assert_eq!(
            layout().committed_file("test_hdfs", "partition=0", 0, 0, 2),
            "topics/test_hdfs/partition=0/test_hdfs+0+0000000000+0000000002.avro"
        );
        assert_eq!(layout().wal_file("t", 3), "logs/t/3/log");
    }

    #[test]
    fn committed_names_parse_back() {
        assert_eq!(
            parse_committed("sqlite-sample-Models+0+0000000000+0000000016.avro"),
            Some(CommittedName {
                topic: "sqlite-sample-Models".into(),
                partition: 0,
                start: 0,
                end: 16
            })
        );
        assert_eq!(parse_committed("a+b+1+2.avro"), None);
        assert_eq!(parse_committed("x+1+2"), None);
        assert!(parse_committed("t+0+1+2").is_some());
    }

    #[test]
    fn temp_names_belong_to_their_partition() {
        let t = layout().temp_file("t", "partition=1", 1);
        assert!(t.starts_with("topics/+tmp/t/partition=1/t+1+"), "{t}");
        assert!(t.ends_with("_tmp.avro"));
        let name = crate::storage::file_name(&t);
        assert!(is_temp_of(name, "t", 1));
        assert!(!is_temp_of(name, "t", 11));
        assert!(parse_committed(name).is_none());
        assert_ne!(t, layout().temp_file("t", "partition=1", 1));
    }
}
