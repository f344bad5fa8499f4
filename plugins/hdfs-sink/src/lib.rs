//! Confluent's HDFS sink connector (`io.confluent.connect.hdfs.HdfsSinkConnector` and the
//! HDFS 3 `io.confluent.connect.hdfs3.Hdfs3SinkConnector`) for Ferry.
//!
//! Records of each topic partition go to files
//! `<topics.dir>/<topic>/<encodedPartition>/<topic>+<p>+<start>+<end><ext>` on HDFS
//! (`hdfs://host:port`, through the pure-Rust `hdfs-native` client) or a local file system
//! (`file:///path`), written through temp files under `<topics.dir>/+tmp/` and committed
//! exactly once through a write-ahead log under `<logs.dir>/<topic>/<p>/` (see [`writer`] for
//! the commit protocol, [`wal`] for the log and [`recovery`] for what happens on assignment).
//!
//! Formats: Avro object container files (codecs null, deflate, snappy), Parquet (snappy),
//! JSON lines and strings. Partitioners: default (`partition=<p>`), field, and the time-based
//! ones in any `timezone` (IANA zones with daylight saving time, or fixed offsets) with the
//! month and weekday names of `locale` (see [`partitioner::time`]).
//!
//! Where it differs from Confluent's on purpose:
//! - the write-ahead log is one self-describing JSON line per commit (not a SequenceFile), and
//!   holds the last committed offset, so recovery never lists more than the partition's own
//!   directory (and needs no listing at all when the log exists);
//! - on HDFS the log's lease fences a zombie task: the new owner recovers the lease with a
//!   bounded wait instead of failing with "Cannot acquire lease";
//! - `rotate.interval.ms` is also checked at every offset commit, so files do not sit in
//!   `+tmp` when traffic stops; `rotate.size.bytes` bounds file sizes;
//! - the consumer is sought back only when it is past the recovered offset (records already
//!   in a committed file are skipped), instead of seeking on every assignment.

pub mod compat;
pub mod config;
pub mod connector;
pub mod error;
pub mod format;
pub mod naming;
pub mod partitioner;
pub mod recovery;
pub mod schedule;
pub mod storage;
pub mod task;
pub mod wal;
pub mod writer;

pub use connector::{Hdfs3SinkConnector, HdfsSinkConnector};
pub use task::HdfsSinkTask;

ferry_plugin_sdk::export_plugin! { sinks: [HdfsSinkConnector, Hdfs3SinkConnector] }
