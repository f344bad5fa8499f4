//! The writer of one topic partition: open temp files (one per encoded partition), rotation
//! (`flush.size`, `rotate.interval.ms`, `rotate.schedule.interval.ms`, `rotate.size.bytes`,
//! schema change) and the exactly-once commit:
//!
//! 1. close every temp file (durable),
//! 2. append the intent — temp → committed names and the next offset — to the write-ahead log
//!    (durable),
//! 3. rename the temp files into place,
//! 4. only then report the new offset through `pre_commit`.
//!
//! A crash before 2 loses only temp files (recovery deletes them and the records are read
//! again); a crash after 2 is finished by recovery from the log.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use ferry_plugin_sdk::prelude::*;
use ferry_plugin_sdk::tracing::{debug, info};

use crate::compat::Decision;
use crate::config::SinkConfig;
use crate::error::SinkError;
use crate::format::RecordWriter;
use crate::naming::Layout;
use crate::storage::Storage;
use crate::wal::{FileMove, Wal, WalEntry};

struct OpenFile {
    temp: String,
    writer: Box<dyn RecordWriter>,
    start: i64,
    end: i64,
}

/// Writes the records of one topic partition into files.
pub struct PartitionWriter {
    tp: TopicPartition,
    wal: Wal,
    files: BTreeMap<String, OpenFile>,
    /// Value schema of the open files (`None` = schemaless or nothing open yet).
    schema: Option<SchemaRef>,
    records: u64,
    /// Next offset after the last committed file.
    committed: Option<i64>,
    /// Records below this offset are already in a file (or were skipped): ignore them.
    next_offset: Option<i64>,
    /// Offset of the first record in the open files.
    first_open: Option<i64>,
    opened_at: Option<Instant>,
    next_scheduled_ms: Option<i64>,
    /// The first record after recovery has not been seen yet: check the consumer's position.
    check_position: bool,
}

/// What [`PartitionWriter::write`] did with a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Written {
    /// Written to a file (possibly committed).
    Written,
    /// Already in a committed file: ignored.
    Skipped,
    /// The consumer is past the recovered offset: seek it back there and redeliver.
    SeekTo(i64),
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

fn same_schema(a: Option<&SchemaRef>, b: Option<&SchemaRef>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(a), Some(b)) => Arc::ptr_eq(a, b) || a == b,
        _ => false,
    }
}

impl PartitionWriter {
    /// A writer whose files up to `committed` (exclusive) are in place; records are expected
    /// from `resume_at` on (`committed`, or where a failed writer must restart).
    pub fn new(
        tp: TopicPartition,
        wal: Wal,
        committed: Option<i64>,
        resume_at: Option<i64>,
    ) -> Self {
        PartitionWriter {
            tp,
            wal,
            files: BTreeMap::new(),
            schema: None,
            records: 0,
            committed,
            next_offset: resume_at,
            first_open: None,
            opened_at: None,
            next_scheduled_ms: None,
            check_position: true,
        }
    }

    /// Next offset after the last committed file, once there is one.
    pub fn committed(&self) -> Option<i64> {
        self.committed
    }

    /// Where consumption must restart to redo the uncommitted records.
    pub fn rewind_offset(&self) -> Option<i64> {
        self.committed.or(self.first_open)
    }

    /// Write one record (committing files first or after, as the rotation rules say).
    ///
    /// Records below the next expected offset are skipped (they are in a committed file). The
    /// first record after recovery may also be *past* it — the consumer group's offset is
    /// behind a reset or was altered: then the consumer must seek back (once; a gap that is
    /// still there afterwards is real, e.g. compaction).
    pub fn write(
        &mut self,
        storage: &dyn Storage,
        cfg: &SinkConfig,
        layout: &Layout,
        record: &SinkRecord<'_>,
    ) -> Result<Written, SinkError> {
        let offset = record.kafka_offset();
        let check = std::mem::take(&mut self.check_position);
        match self.next_offset {
            Some(n) if offset < n => {
                debug!(tp = %self.tp, offset, "skipping a record already written");
                return Ok(Written::Skipped);
            }
            Some(n) if offset > n && check => {
                info!(tp = %self.tp, offset, expected = n, "consumer is past the recovered offset: seeking back");
                return Ok(Written::SeekTo(n));
            }
            _ => {}
        }
        if self.records > 0 && self.time_to_rotate(cfg) {
            self.commit(storage, layout)?;
        }
        let schema = record.value_schema()?;
        let mut projected = None;
        if self.records > 0 && !same_schema(self.schema.as_ref(), schema) {
            let decision = match (schema, self.schema.as_ref()) {
                (Some(r), Some(c)) => cfg.compatibility.decide(r, &record.value()?, c),
                _ => Decision::Rotate,
            };
            match decision {
                Decision::Rotate => {
                    info!(tp = %self.tp, "value schema changed: committing the current files");
                    self.commit(storage, layout)?;
                }
                Decision::Project(v) => projected = Some(v),
            }
        }
        // Files hold the current schema; a projected record keeps it.
        let file_schema = match (&projected, &self.schema) {
            (Some(_), Some(current)) if self.records > 0 => Some(current.clone()),
            _ => schema.cloned(),
        };
        let encoded = cfg.partitioner.encode(record)?;
        if !self.files.contains_key(&encoded) {
            let temp = layout.temp_file(&self.tp.topic, &encoded, self.tp.partition);
            let out = storage.create(&temp)?;
            let writer = cfg
                .format
                .writer(out, file_schema.as_ref(), &cfg.avro_codec)?;
            self.files.insert(
                encoded.clone(),
                OpenFile {
                    temp,
                    writer,
                    start: offset,
                    end: offset,
                },
            );
        }
        if self.records == 0 {
            self.schema = file_schema.clone();
            self.first_open = Some(offset);
            self.opened_at = Some(Instant::now());
            self.next_scheduled_ms = cfg.rotate_schedule.as_ref().map(|s| s.next_after(now_ms()));
        }
        let file = self
            .files
            .get_mut(&encoded)
            .ok_or_else(|| SinkError::Internal("open file vanished".into()))?;
        let projected = file_schema.as_ref().zip(projected.as_ref());
        file.writer.write(record, projected)?;
        file.end = offset;
        self.records += 1;
        self.next_offset = Some(offset + 1);
        let too_big = cfg
            .rotate_size_bytes
            .is_some_and(|max| file.writer.bytes_written() >= max);
        if self.records >= cfg.flush_size || too_big {
            self.commit(storage, layout)?;
        }
        Ok(Written::Written)
    }

    fn time_to_rotate(&self, cfg: &SinkConfig) -> bool {
        let interval = cfg
            .rotate_interval_ms
            .zip(self.opened_at)
            .is_some_and(|(ms, at)| {
                at.elapsed().as_millis() >= u128::try_from(ms).unwrap_or(u128::MAX)
            });
        let scheduled = self.next_scheduled_ms.is_some_and(|t| now_ms() >= t);
        interval || scheduled
    }

    /// Commit on time-based rotation without a new record (called at every offset commit, so
    /// files do not wait in `+tmp` for traffic).
    pub fn tick(
        &mut self,
        storage: &dyn Storage,
        cfg: &SinkConfig,
        layout: &Layout,
    ) -> Result<(), SinkError> {
        if self.records > 0 && self.time_to_rotate(cfg) {
            self.commit(storage, layout)?;
        }
        Ok(())
    }

    /// Close, log, rename: see the module documentation.
    pub fn commit(&mut self, storage: &dyn Storage, layout: &Layout) -> Result<(), SinkError> {
        if self.files.is_empty() {
            return Ok(());
        }
        let files = std::mem::take(&mut self.files);
        let mut moves = Vec::with_capacity(files.len());
        let mut next = 0;
        let mut pending = files.into_iter();
        while let Some((encoded, f)) = pending.next() {
            let temp = f.temp.clone();
            if let Err(e) = f.writer.close() {
                storage.delete(&temp).ok();
                for (_, rest) in pending {
                    storage.delete(&rest.temp).ok();
                }
                for m in &moves {
                    let m: &FileMove = m;
                    storage.delete(&m.temp).ok();
                }
                self.reset_open();
                return Err(e.into());
            }
            let committed =
                layout.committed_file(&self.tp.topic, &encoded, self.tp.partition, f.start, f.end);
            next = next.max(f.end + 1);
            moves.push(FileMove { temp, committed });
        }
        let entry = WalEntry {
            files: moves,
            next_offset: next,
        };
        if let Err(e) = self.wal.append(storage, &entry) {
            for m in &entry.files {
                storage.delete(&m.temp).ok();
            }
            self.reset_open();
            return Err(e.into());
        }
        // The intent is durable: from here on recovery finishes the commit if this fails.
        for m in &entry.files {
            storage.rename(&m.temp, &m.committed)?;
            info!(tp = %self.tp, file = %m.committed, "committed");
        }
        self.committed = Some(next);
        self.reset_open();
        if self.wal.wants_compaction() {
            self.wal.compact(storage, next)?;
        }
        Ok(())
    }

    fn reset_open(&mut self) {
        self.files.clear();
        self.records = 0;
        self.first_open = None;
        self.opened_at = None;
        self.next_scheduled_ms = None;
    }

    /// Drop the open temp files (close/rebalance/failure); their records will be read again.
    pub fn abort(&mut self, storage: &dyn Storage) {
        for (_, f) in std::mem::take(&mut self.files) {
            drop(f.writer);
            if let Err(e) = storage.delete(&f.temp) {
                debug!(tp = %self.tp, "could not delete {}: {e}", f.temp);
            }
        }
        self.next_offset = self.rewind_offset();
        self.reset_open();
    }
}
