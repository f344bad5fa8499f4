//! The ABI 1.1 objects over [`Transformation`] and [`Predicate`]: records cross as batches of
//! one record, every call runs inside [`guard`].

use ferry_codec::{BatchReader, BatchWriter, EncodeRecord, Payload, SchemaCache, WriterState};
use ferry_plugin_abi::abi_stable::std_types::{RResult, RStr};
use ferry_plugin_abi::{BatchBuf, BatchRef, FfiError, PredicateObj, TransformationObj};

use super::guard::{guard, Contained};
use super::json;
use crate::error::{ConnectError, Result};
use crate::transform::{ConnectRecord, Predicate, Transformation};

/// The one record of `batch`.
pub(crate) fn read_one(batch: BatchRef<'_>, cache: &mut SchemaCache) -> Result<ConnectRecord> {
    let reader = BatchReader::new(batch, cache)?;
    if reader.len() != 1 {
        return Err(ConnectError::new(format!(
            "expected a batch of one record, got {}",
            reader.len()
        )));
    }
    let view = reader
        .get(0)
        .ok_or_else(|| ConnectError::new("the batch has no record"))?;
    Ok(ConnectRecord {
        topic: view.topic()?.to_owned(),
        kafka_partition: view.partition(),
        kafka_offset: view.offset(),
        key_schema: view.key_schema()?.cloned(),
        key: view.key()?,
        value_schema: view.value_schema()?.cloned(),
        value: view.value()?,
        timestamp: view.timestamp(),
        headers: view.headers()?,
    })
}

/// Append `record` to `out`.
pub(crate) fn write_one(
    record: &ConnectRecord,
    out: &mut BatchBuf,
    state: &mut WriterState,
) -> Result<()> {
    let mut rec = EncodeRecord::new(&record.topic);
    rec.partition = record.kafka_partition.unwrap_or(-1);
    rec.offset = record.kafka_offset.unwrap_or(-1);
    rec.timestamp = record.timestamp.unwrap_or(ferry_plugin_abi::NO_TIMESTAMP);
    rec.key = Payload::Value(record.key_schema.as_ref(), &record.key);
    rec.value = Payload::Value(record.value_schema.as_ref(), &record.value);
    rec.headers = &record.headers;
    BatchWriter::new(out, state).push(&rec)?;
    Ok(())
}

pub(crate) struct TransformationShim<T> {
    inner: Contained<T>,
    schemas: SchemaCache,
    writer: WriterState,
}

impl<T: Transformation> Default for TransformationShim<T> {
    fn default() -> Self {
        TransformationShim {
            inner: Contained::new(T::default()),
            schemas: SchemaCache::default(),
            writer: WriterState::default(),
        }
    }
}

impl<T: Transformation> TransformationObj for TransformationShim<T> {
    fn configure(&mut self, config: RStr<'_>) -> RResult<(), FfiError> {
        guard(&|| format!("{}.configure", T::CLASS), || {
            let config = json::parse_config(config)?;
            self.inner.get()?.configure(&config)
        })
    }

    fn apply(&mut self, records: BatchRef<'_>, out: &mut BatchBuf) -> RResult<(), FfiError> {
        guard(&|| format!("{}.apply", T::CLASS), || {
            let record = read_one(records, &mut self.schemas)?;
            match self.inner.get()?.apply(record)? {
                Some(r) => write_one(&r, out, &mut self.writer),
                None => Ok(()),
            }
        })
    }

    fn close(&mut self) -> RResult<(), FfiError> {
        guard(&|| format!("{}.close", T::CLASS), || {
            self.inner.get()?.close()
        })
    }
}

pub(crate) struct PredicateShim<P> {
    inner: Contained<P>,
    schemas: SchemaCache,
}

impl<P: Predicate> Default for PredicateShim<P> {
    fn default() -> Self {
        PredicateShim {
            inner: Contained::new(P::default()),
            schemas: SchemaCache::default(),
        }
    }
}

impl<P: Predicate> PredicateObj for PredicateShim<P> {
    fn configure(&mut self, config: RStr<'_>) -> RResult<(), FfiError> {
        guard(&|| format!("{}.configure", P::CLASS), || {
            let config = json::parse_config(config)?;
            self.inner.get()?.configure(&config)
        })
    }

    fn test(&mut self, records: BatchRef<'_>) -> RResult<bool, FfiError> {
        guard(&|| format!("{}.test", P::CLASS), || {
            let record = read_one(records, &mut self.schemas)?;
            self.inner.get()?.test(&record)
        })
    }

    fn close(&mut self) -> RResult<(), FfiError> {
        guard(&|| format!("{}.close", P::CLASS), || {
            self.inner.get()?.close()
        })
    }
}
