//! Recovery of one topic partition when it is assigned (Confluent's
//! `TopicPartitionWriter.recover`, without its slow paths):
//!
//! 0. fence any other writer of the log (HDFS: recover its lease),
//! 1. finish every commit recorded in the write-ahead log (rename temp → committed when the
//!    temp file still exists and the committed one does not),
//! 2. delete this partition's leftover temp files,
//! 3. find the next offset: from the log, else from the committed file names — listing only
//!    the partition's own directory when the partitioner has one,
//! 4. rewrite the log as a single checkpoint (dropping a torn tail).
//!
//! The caller then seeks the consumer to that offset.

use crate::naming::{self, Layout};
use crate::partitioner::PartitionerKind;
use crate::storage::{file_name, join, Storage, StorageResult};
use crate::wal::Wal;
use ferry_plugin_sdk::tracing::info;
use ferry_plugin_sdk::TopicPartition;

/// Recover `tp`; returns the next offset to consume, if anything was ever committed.
pub fn recover(
    storage: &dyn Storage,
    layout: &Layout,
    partitioner: &PartitionerKind,
    tp: &TopicPartition,
    wal: &mut Wal,
) -> StorageResult<Option<i64>> {
    storage.fence(wal.path())?;
    let entries = wal.read(storage)?;
    for entry in &entries {
        for m in &entry.files {
            if storage.exists(&m.temp)? {
                if storage.exists(&m.committed)? {
                    storage.delete(&m.temp)?;
                } else {
                    info!(%tp, file = %m.committed, "finishing a commit from the write-ahead log");
                    storage.rename(&m.temp, &m.committed)?;
                }
            }
        }
    }
    delete_temp_files(storage, layout, partitioner, tp)?;
    let offset = match entries.last() {
        Some(e) => Some(e.next_offset),
        None => offset_from_file_names(storage, layout, partitioner, tp)?,
    };
    match offset {
        Some(o) => wal.compact(storage, o)?,
        None => storage.delete(wal.path())?,
    }
    info!(%tp, next_offset = ?offset, "recovered");
    Ok(offset)
}

fn delete_temp_files(
    storage: &dyn Storage,
    layout: &Layout,
    partitioner: &PartitionerKind,
    tp: &TopicPartition,
) -> StorageResult<()> {
    let topic_tmp = layout.temp_topic_dir(&tp.topic);
    let files = match partitioner.own_dir(tp.partition) {
        Some(dir) => storage.list_files(&join(&[&topic_tmp, &dir]), false)?,
        None => storage.list_files(&topic_tmp, true)?,
    };
    for f in files {
        if naming::is_temp_of(file_name(&f), &tp.topic, tp.partition) {
            info!(%tp, file = %f, "deleting a leftover temp file");
            storage.delete(&f)?;
        }
    }
    Ok(())
}

/// Max end offset + 1 over the committed files of `tp`.
pub fn offset_from_file_names(
    storage: &dyn Storage,
    layout: &Layout,
    partitioner: &PartitionerKind,
    tp: &TopicPartition,
) -> StorageResult<Option<i64>> {
    let files = match partitioner.own_dir(tp.partition) {
        Some(dir) => storage.list_files(&layout.committed_dir(&tp.topic, &dir), false)?,
        None => storage.list_files(&layout.committed_dir(&tp.topic, ""), true)?,
    };
    Ok(files
        .iter()
        .filter_map(|f| naming::parse_committed(file_name(f)))
        .filter(|n| n.topic == tp.topic && n.partition == tp.partition)
        .map(|n| n.end + 1)
        .max())
}
