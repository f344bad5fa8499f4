//! The sink task: one [`PartitionWriter`] per assigned topic partition, recovered on `open`.

use std::collections::{BTreeMap, BTreeSet};

use ferry_plugin_sdk::prelude::*;
use ferry_plugin_sdk::tracing::warn;

use crate::config::SinkConfig;
use crate::error::SinkError;
use crate::naming::Layout;
use crate::recovery;
use crate::storage::{self, Storage};
use crate::wal::Wal;
use crate::writer::{PartitionWriter, Written};

struct Running {
    cfg: SinkConfig,
    layout: Layout,
    storage: Box<dyn Storage>,
    ctx: SinkTaskContext,
}

/// `io.confluent.connect.hdfs.HdfsSinkTask`.
#[derive(Default)]
pub struct HdfsSinkTask {
    running: Option<Running>,
    writers: BTreeMap<TopicPartition, PartitionWriter>,
    /// Where to rewind partitions whose writer failed, when nothing was committed yet.
    rewind: BTreeMap<TopicPartition, i64>,
}

impl Running {
    /// Recover `tp`. The consumer is not sought here: its group offset normally is the
    /// recovered one (offsets only move with committed files); the writer skips what is already
    /// written and seeks back if the first record is past it.
    fn recover(
        &self,
        tp: &TopicPartition,
        fallback: Option<i64>,
    ) -> Result<PartitionWriter, SinkError> {
        let mut wal = Wal::new(self.layout.wal_file(&tp.topic, tp.partition));
        let offset = recovery::recover(
            self.storage.as_ref(),
            &self.layout,
            &self.cfg.partitioner,
            tp,
            &mut wal,
        )?;
        Ok(PartitionWriter::new(
            tp.clone(),
            wal,
            offset,
            offset.or(fallback),
        ))
    }

    fn fail(&self, error: SinkError) -> ConnectError {
        if error.is_retriable() {
            self.ctx.timeout(self.cfg.retry_backoff_ms);
        }
        error.into_connect()
    }
}

impl HdfsSinkTask {
    fn running(&self) -> Result<&Running> {
        self.running
            .as_ref()
            .ok_or_else(|| ConnectError::new("HDFS sink task used before start"))
    }

    /// Drop a failed partition's writer; it is recovered again on its next record.
    fn discard(&mut self, tp: &TopicPartition) {
        let (Some(run), Some(mut w)) = (self.running.as_ref(), self.writers.remove(tp)) else {
            return;
        };
        w.abort(run.storage.as_ref());
        if let Some(o) = w.rewind_offset() {
            self.rewind.insert(tp.clone(), o);
        }
    }
}

impl SinkTask for HdfsSinkTask {
    fn start(&mut self, config: &ConfigMap, ctx: SinkTaskContext) -> Result<()> {
        let cfg = SinkConfig::parse(config)?;
        let storage = storage::open(&cfg.url, cfg.hdfs_user.as_deref())
            .map_err(|e| ConnectError::new(e.to_string()))?;
        let layout = Layout {
            topics_dir: cfg.topics_dir.clone(),
            logs_dir: cfg.logs_dir.clone(),
            zero_pad_width: cfg.zero_pad_width,
            extension: cfg.format.extension(),
        };
        self.running = Some(Running {
            cfg,
            layout,
            storage,
            ctx,
        });
        Ok(())
    }

    fn open(&mut self, partitions: &[TopicPartition]) -> Result<()> {
        let run = self.running()?;
        let mut recovered = Vec::new();
        for tp in partitions {
            let w = run.recover(tp, None).map_err(|e| run.fail(e))?;
            recovered.push((tp.clone(), w));
        }
        self.writers.extend(recovered);
        Ok(())
    }

    fn put(&mut self, records: SinkRecords<'_>) -> Result<()> {
        // Partitions sought back in this call: their records come again after the seek.
        let mut seeking = BTreeSet::new();
        for record in records.iter() {
            let tp = record.topic_partition()?;
            if seeking.contains(&tp) {
                continue;
            }
            let run = self
                .running
                .as_ref()
                .ok_or_else(|| ConnectError::new("put before start"))?;
            if !self.writers.contains_key(&tp) {
                let w = run
                    .recover(&tp, self.rewind.get(&tp).copied())
                    .map_err(|e| run.fail(e))?;
                self.rewind.remove(&tp);
                self.writers.insert(tp.clone(), w);
            }
            let Some(w) = self.writers.get_mut(&tp) else {
                continue;
            };
            match w.write(run.storage.as_ref(), &run.cfg, &run.layout, &record) {
                Ok(Written::SeekTo(offset)) => {
                    run.ctx.reset_offsets(&[(tp.clone(), offset)]);
                    seeking.insert(tp);
                }
                Ok(Written::Written | Written::Skipped) => {}
                Err(e) => {
                    warn!(%tp, "writing failed: {e}");
                    let err = run.fail(e);
                    self.discard(&tp);
                    return Err(err);
                }
            }
        }
        Ok(())
    }

    /// Offsets of committed files only: Kafka's committed offsets move with the files.
    fn pre_commit(
        &mut self,
        offsets: Vec<(TopicPartition, i64)>,
    ) -> Result<Vec<(TopicPartition, i64)>> {
        let _ = offsets;
        let Some(run) = self.running.as_ref() else {
            return Ok(Vec::new());
        };
        let mut failed = None;
        for (tp, w) in &mut self.writers {
            if let Err(e) = w.tick(run.storage.as_ref(), &run.cfg, &run.layout) {
                warn!(%tp, "time-based rotation failed: {e}");
                failed = Some(tp.clone());
                break;
            }
        }
        if let Some(tp) = failed {
            self.discard(&tp);
        }
        Ok(self
            .writers
            .iter()
            .filter_map(|(tp, w)| w.committed().map(|o| (tp.clone(), o)))
            .collect())
    }

    fn close(&mut self, partitions: &[TopicPartition]) -> Result<()> {
        for tp in partitions {
            if let (Some(run), Some(mut w)) = (self.running.as_ref(), self.writers.remove(tp)) {
                w.abort(run.storage.as_ref());
                run.storage
                    .release(&run.layout.wal_file(&tp.topic, tp.partition));
            }
            self.rewind.remove(tp);
        }
        Ok(())
    }

    fn stop(&mut self) -> Result<()> {
        let tps: Vec<TopicPartition> = self.writers.keys().cloned().collect();
        self.close(&tps)?;
        self.running = None;
        Ok(())
    }
}
