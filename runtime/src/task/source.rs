//! The source task loop: poll the plugin, hand batches to the output, commit offsets of what
//! Kafka acknowledged.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferry_codec::{BatchWriter, EncodeRecord, WriterState};
use ferry_plugin_abi::abi_stable::sabi_trait::TD_Opaque;
use ferry_plugin_abi::{
    BatchBuf, SourceContextObj_TO, SourceTaskBox, RECORD_FLAG_NO_COMMIT_RECORD,
};
use tracing::{debug, error, info};

use super::contexts::HostSourceContext;
use super::ending::report_end;
use super::error::TaskError;
use super::offsets::OffsetStore;
use super::status::{State, StatusListener, TaskId};
use super::thread::StopSignal;
use super::tracker::SourceOffsetTracker;
use crate::plugin::PluginClass;

/// A record Kafka acknowledged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    pub seq: u64,
    /// Shared by the acknowledgements of one topic.
    pub topic: Arc<str>,
    pub partition: i32,
    pub offset: i64,
}

/// Where a source task's records go (Kafka's producer, or memory in tests).
pub trait SourceOutput: Send {
    /// Send every record of `batch`; record `i` has sequence number `first_seq + i`. May block
    /// while the output is full (backpressure).
    fn send(&mut self, batch: &BatchBuf, first_seq: u64) -> Result<(), TaskError>;
    /// Move acknowledgements received so far into `acks`, without blocking; a fatal send
    /// failure is returned as an error.
    fn drain_acks(&mut self, acks: &mut Vec<Ack>) -> Result<(), TaskError>;
    /// Wait until every record sent is acknowledged, at most `timeout`.
    fn flush(&mut self, timeout: Duration) -> Result<(), TaskError>;
}

/// Everything a source task needs besides its output.
pub struct SourceTaskConfig {
    pub id: TaskId,
    pub class: Arc<PluginClass>,
    pub config: BTreeMap<String, String>,
    pub offset_flush_interval: Duration,
    pub offset_flush_timeout: Duration,
    pub store: Arc<dyn OffsetStore>,
    pub listener: Arc<dyn StatusListener>,
}

struct Runner {
    cfg: SourceTaskConfig,
    task: SourceTaskBox,
    output: Box<dyn SourceOutput>,
    tracker: SourceOffsetTracker,
    acks: Vec<Ack>,
    acked: BatchBuf,
    acked_state: WriterState,
}

impl Runner {
    fn submit(&mut self, batch: &BatchBuf) -> Result<(), TaskError> {
        let first = self.tracker.next_seq();
        for h in batch.records.iter() {
            self.tracker.submit(
                h.source_partition.get(&batch.arena),
                h.source_offset.get(&batch.arena),
                h._reserved[0] & RECORD_FLAG_NO_COMMIT_RECORD == 0,
            );
        }
        self.output.send(batch, first)
    }

    /// Process acknowledgements: update committable offsets and tell the plugin.
    fn process_acks(&mut self) -> Result<(), TaskError> {
        self.output.drain_acks(&mut self.acks)?;
        if self.acks.is_empty() {
            return Ok(());
        }
        self.acked.clear();
        let mut writer = BatchWriter::new(&mut self.acked, &mut self.acked_state);
        let mut failed = None;
        for ack in self.acks.drain(..) {
            self.tracker.ack(ack.seq, |partition, offset| {
                let mut rec = EncodeRecord::new(&ack.topic);
                rec.partition = ack.partition;
                rec.offset = ack.offset;
                rec.source_partition = partition;
                rec.source_offset = offset;
                if let Err(e) = writer.push(&rec) {
                    failed.get_or_insert(e);
                }
            });
        }
        self.tracker.settle();
        if let Some(e) = failed {
            return Err(TaskError::worker(e.to_string()));
        }
        if self.acked.is_empty() {
            // Every record was flagged: the task keeps the default `commitRecord`.
            return Ok(());
        }
        self.task
            .commit_records(self.acked.as_batch_ref())
            .into_result()
            .map_err(|e| TaskError::from_ffi("Calling commitRecord", e))
    }

    /// Kafka's offset commit: store what is fully acknowledged, then tell the plugin.
    fn commit_offsets(&mut self) -> Result<(), TaskError> {
        let offsets: Vec<(String, Option<String>)> = self
            .tracker
            .take_committable()
            .into_iter()
            .map(|(p, o)| (p, Some(o)))
            .collect();
        if offsets.is_empty() {
            return Ok(());
        }
        debug!(count = offsets.len(), "Committing source offsets");
        self.cfg
            .store
            .put(&self.cfg.id.connector, &offsets)
            .map_err(TaskError::worker)?;
        self.task
            .commit()
            .into_result()
            .map_err(|e| TaskError::from_ffi("Calling commit", e))
    }

    fn run(&mut self, stop: &StopSignal) -> Result<(), TaskError> {
        let mut buf = BatchBuf::new();
        let mut last_commit = Instant::now();
        while !stop.is_stopped() {
            buf.clear();
            self.task
                .poll(&mut buf)
                .into_result()
                .map_err(|e| TaskError::from_ffi("Polling", e))?;
            if !buf.is_empty() {
                self.submit(&buf)?;
            }
            self.process_acks()?;
            if last_commit.elapsed() >= self.cfg.offset_flush_interval {
                self.commit_offsets()?;
                last_commit = Instant::now();
            }
        }
        // On stop: wait for what is in flight, then commit it.
        self.output.flush(self.cfg.offset_flush_timeout)?;
        self.process_acks()?;
        self.commit_offsets()
    }
}

fn start(cfg: &SourceTaskConfig, stop: &StopSignal) -> Result<SourceTaskBox, TaskError> {
    let module = &cfg.class.library.module;
    let mut task = (module.new_source_task())(cfg.class.class.as_str().into())
        .into_result()
        .map_err(|e| TaskError::from_ffi("Creating the task", e))?;
    stop.set_plugin_handle(task.stop_handle());
    let ctx = HostSourceContext {
        connector: cfg.id.connector.clone(),
        store: cfg.store.clone(),
    };
    let config =
        serde_json::to_string(&cfg.config).map_err(|e| TaskError::worker(e.to_string()))?;
    task.start(
        config.as_str().into(),
        SourceContextObj_TO::from_value(ctx, TD_Opaque),
    )
    .into_result()
    .map_err(|e| TaskError::from_ffi("Starting the task", e))?;
    Ok(task)
}

/// The body of a source task thread. Reports RUNNING once started, FAILED with a trace on any
/// error or panic, UNASSIGNED after a stop (even one its work failed after: Kafka's
/// `WorkerTask#doRun`).
pub fn run_source_task(cfg: SourceTaskConfig, output: Box<dyn SourceOutput>, stop: StopSignal) {
    let id = cfg.id.clone();
    let listener = cfg.listener.clone();
    let task = match start(&cfg, &stop) {
        Ok(t) => t,
        Err(e) => {
            error!(error = %e, "Task failed to start");
            listener.on_task_state(&id, State::Failed, Some(e.to_string()));
            return;
        }
    };
    info!("Source task started");
    listener.on_task_state(&id, State::Running, None);
    let mut runner = Runner {
        cfg,
        task,
        output,
        tracker: SourceOffsetTracker::default(),
        acks: Vec::new(),
        acked: BatchBuf::new(),
        acked_state: WriterState::default(),
    };
    let result = runner.run(&stop);
    let stopped = runner
        .task
        .stop()
        .into_result()
        .map_err(|e| TaskError::from_ffi("Stopping the task", e));
    report_end(
        listener.as_ref(),
        &id,
        "Source",
        result,
        stopped,
        stop.is_stopped(),
    );
}
