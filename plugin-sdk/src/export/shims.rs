//! The ABI trait objects, implemented over the SDK's traits. Every method runs inside
//! [`guard`]: errors and panics come back as values.

use std::sync::Arc;

use ferry_codec::{BatchReader, BatchWriter, SchemaCache, WriterState};
use ferry_plugin_abi::abi_stable::sabi_trait::TD_Opaque;
use ferry_plugin_abi::abi_stable::std_types::{RResult, RStr, RString};
use ferry_plugin_abi::{
    BatchBuf, BatchRef, ConnectorContextBox, ConnectorObj, FfiError, SinkContextBox, SinkTaskObj,
    SourceContextBox, SourceTaskObj, StopHandleBox, StopHandleObj, StopHandleObj_TO,
    RECORD_FLAG_NO_COMMIT_RECORD,
};

use super::defaults;
use super::guard::{guard, guard_infallible, Contained};
use super::json;
use crate::config::ConfigMap;
use crate::connector::ConnectorContext;
use crate::error::Result;
use crate::record::SinkRecords;
use crate::sink::{SinkConnector, SinkTask, SinkTaskContext};
use crate::source::{
    CommittedRecord, SourceConnector, SourceRecords, SourceTask, SourceTaskContext,
};
use crate::stop::StopToken;

fn values_json(values: &[ferry_configdef::ConfigValue]) -> Result<RString> {
    Ok(serde_json::to_string(values)?.into())
}

fn task_configs_json(configs: Vec<ConfigMap>) -> Result<RString> {
    Ok(serde_json::to_string(&configs)?.into())
}

/// The connector shims of both kinds: identical but for the SDK trait and how the offsets of
/// `alterOffsets` are parsed.
macro_rules! connector_shim {
    ($shim:ident, $trait:ident, $parse_offsets:path) => {
        #[derive(Default)]
        pub(crate) struct $shim<C> {
            inner: Contained<C>,
        }

        impl<C: $trait> ConnectorObj for $shim<C> {
            fn start(
                &mut self,
                config: RStr<'_>,
                ctx: ConnectorContextBox,
            ) -> RResult<(), FfiError> {
                guard(&|| format!("{}.start", C::CLASS), || {
                    let config = json::parse_config(config)?;
                    self.inner.get()?.start(
                        &config,
                        ConnectorContext {
                            inner: Arc::new(ctx),
                        },
                    )
                })
            }

            fn task_configs(&mut self, max_tasks: u32) -> RResult<RString, FfiError> {
                guard(&|| format!("{}.taskConfigs", C::CLASS), || {
                    task_configs_json(self.inner.get()?.task_configs(max_tasks as usize)?)
                })
            }

            fn stop(&mut self) -> RResult<(), FfiError> {
                guard(&|| format!("{}.stop", C::CLASS), || {
                    self.inner.get()?.stop()
                })
            }

            fn validate(&mut self, config: RStr<'_>) -> RResult<RString, FfiError> {
                guard(&|| format!("{}.validate", C::CLASS), || {
                    values_json(&self.inner.get()?.validate(&json::parse_config(config)?))
                })
            }

            fn alter_offsets(
                &mut self,
                config: RStr<'_>,
                offsets: RStr<'_>,
            ) -> RResult<bool, FfiError> {
                guard(&|| format!("{}.alterOffsets", C::CLASS), || {
                    let config = json::parse_config(config)?;
                    let offsets = $parse_offsets(offsets.as_str())?;
                    self.inner.get()?.alter_offsets(&config, &offsets)
                })
            }
        }
    };
}

connector_shim!(
    SourceConnectorShim,
    SourceConnector,
    json::parse_source_offsets
);
connector_shim!(SinkConnectorShim, SinkConnector, json::parse_sink_offsets);

pub(crate) struct StopHandleShim(StopToken);

impl StopHandleObj for StopHandleShim {
    fn request_stop(&self) {
        guard_infallible(|| self.0.stop());
    }
}

pub(crate) struct SourceTaskShim<C: SourceConnector> {
    task: Contained<C::Task>,
    stop: StopToken,
    writer: WriterState,
    scratch: Vec<u8>,
    acked: SchemaCache,
    /// The task does not override `commit_record` (seen on its first call).
    commit_record_is_default: bool,
}

impl<C: SourceConnector> Default for SourceTaskShim<C> {
    fn default() -> Self {
        SourceTaskShim {
            task: Contained::new(C::Task::default()),
            stop: StopToken::new(),
            writer: WriterState::default(),
            scratch: Vec::new(),
            acked: SchemaCache::default(),
            commit_record_is_default: false,
        }
    }
}

impl<C: SourceConnector> SourceTaskObj for SourceTaskShim<C> {
    fn start(&mut self, config: RStr<'_>, ctx: SourceContextBox) -> RResult<(), FfiError> {
        guard(&|| format!("{}.start", C::TASK_CLASS), || {
            let config = json::parse_config(config)?;
            let ctx = SourceTaskContext {
                inner: Arc::new(ctx),
                stop: self.stop.clone(),
            };
            self.task.get()?.start(&config, ctx)
        })
    }

    fn stop_handle(&self) -> StopHandleBox {
        StopHandleObj_TO::from_value(StopHandleShim(self.stop.clone()), TD_Opaque)
    }

    fn poll(&mut self, out: &mut BatchBuf) -> RResult<(), FfiError> {
        guard(&|| format!("{}.poll", C::TASK_CLASS), || {
            let mut records = SourceRecords {
                writer: BatchWriter::new(out, &mut self.writer),
                scratch: std::mem::take(&mut self.scratch),
                // Tell the worker it need not hand these records back to `commit_records`.
                flags: if self.commit_record_is_default {
                    RECORD_FLAG_NO_COMMIT_RECORD
                } else {
                    0
                },
            };
            let result = self.task.get()?.poll(&mut records);
            self.scratch = records.scratch;
            result
        })
    }

    fn commit(&mut self) -> RResult<(), FfiError> {
        guard(&|| format!("{}.commit", C::TASK_CLASS), || {
            self.task.get()?.commit()
        })
    }

    fn commit_records(&mut self, acked: BatchRef<'_>) -> RResult<(), FfiError> {
        if self.commit_record_is_default {
            return RResult::ROk(());
        }
        guard(&|| format!("{}.commitRecord", C::TASK_CLASS), || {
            let reader = BatchReader::new(acked, &mut self.acked)?;
            for view in reader.iter() {
                let record = CommittedRecord {
                    topic: view.topic()?,
                    partition: view.partition().unwrap_or(-1),
                    offset: view.offset().unwrap_or(-1),
                    source_partition: view.source_partition()?,
                    source_offset: view.source_offset()?,
                };
                let task = self.task.get()?;
                let (result, default) = defaults::is_commit_record_default::<C::Task, _>(|| {
                    task.commit_record(&record)
                });
                result?;
                if default {
                    // The task kept the default, which does nothing: never call it again.
                    self.commit_record_is_default = true;
                    break;
                }
            }
            Ok(())
        })
    }

    fn stop(&mut self) -> RResult<(), FfiError> {
        guard(&|| format!("{}.stop", C::TASK_CLASS), || {
            self.task.get()?.stop()
        })
    }
}

pub(crate) struct SinkTaskShim<C: SinkConnector> {
    task: Contained<C::Task>,
    schemas: SchemaCache,
}

impl<C: SinkConnector> Default for SinkTaskShim<C> {
    fn default() -> Self {
        SinkTaskShim {
            task: Contained::new(C::Task::default()),
            schemas: SchemaCache::default(),
        }
    }
}

impl<C: SinkConnector> SinkTaskObj for SinkTaskShim<C> {
    fn start(&mut self, config: RStr<'_>, ctx: SinkContextBox) -> RResult<(), FfiError> {
        guard(&|| format!("{}.start", C::TASK_CLASS), || {
            let config = json::parse_config(config)?;
            self.task.get()?.start(
                &config,
                SinkTaskContext {
                    inner: Arc::new(ctx),
                },
            )
        })
    }

    fn open(&mut self, partitions: RStr<'_>) -> RResult<(), FfiError> {
        guard(&|| format!("{}.open", C::TASK_CLASS), || {
            self.task
                .get()?
                .open(&json::parse_partitions(partitions.as_str())?)
        })
    }

    fn close(&mut self, partitions: RStr<'_>) -> RResult<(), FfiError> {
        guard(&|| format!("{}.close", C::TASK_CLASS), || {
            self.task
                .get()?
                .close(&json::parse_partitions(partitions.as_str())?)
        })
    }

    fn put(&mut self, batch: BatchRef<'_>) -> RResult<(), FfiError> {
        guard(&|| format!("{}.put", C::TASK_CLASS), || {
            let reader = BatchReader::new(batch, &mut self.schemas)?;
            self.task.get()?.put(SinkRecords { reader })
        })
    }

    fn pre_commit(&mut self, offsets: RStr<'_>) -> RResult<RString, FfiError> {
        guard(&|| format!("{}.preCommit", C::TASK_CLASS), || {
            let offsets = json::parse_committed(offsets.as_str())?;
            Ok(json::committed_json(&self.task.get()?.pre_commit(offsets)?).into())
        })
    }

    fn stop(&mut self) -> RResult<(), FfiError> {
        guard(&|| format!("{}.stop", C::TASK_CLASS), || {
            self.task.get()?.stop()
        })
    }
}
