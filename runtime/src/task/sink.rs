//! The sink task loop: take converted batches from the input, `put` them, commit the offsets
//! the task declares safe.
//!
//! The plugin task lives in a [`SinkCore`] shared with the input, because Kafka's consumer calls
//! back on partition revocation in the middle of a poll, and the task must close and commit
//! those partitions right there (as Kafka Connect's `onPartitionsRevoked` does). The runner
//! never holds the core's lock while the input polls.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use ferry_plugin_abi::abi_stable::sabi_trait::TD_Opaque;
use ferry_plugin_abi::{BatchBuf, SinkContextObj_TO, SinkTaskBox};
use serde_json::json;
use tracing::{error, info, warn};

use super::contexts::HostSinkContext;
use super::ending::report_end;
use super::error::TaskError;
use super::status::{State, StatusListener, TaskId};
use super::thread::StopSignal;
use crate::plugin::PluginClass;

/// A topic partition.
pub type Tp = (String, i32);

/// Where a sink task's records come from (Kafka's consumer, or memory in tests).
pub trait SinkInput: Send {
    /// Fill `buf` with the next converted records, waiting at most `timeout`. Partition
    /// assignment changes are reported to the [`SinkCore`] before this returns.
    fn poll(&mut self, buf: &mut BatchBuf, timeout: Duration) -> Result<(), TaskError>;
    /// Records the input consumed but did not hand to the task (dropped by a transformation or
    /// tolerated after an error): their offsets count as consumed.
    fn take_skipped(&mut self) -> Vec<(Tp, i64)> {
        Vec::new()
    }
    /// The task reported record `index` of the last batch as errant: report it to the error
    /// reporters (log, dead letter queue).
    fn report_errant(&mut self, index: u32, message: &str) -> Result<(), TaskError> {
        warn!(index, message = %message, "Sink task reported an errant record");
        Ok(())
    }
    /// Commit offsets (the next offset to consume) for the task's consumer group.
    fn commit(&mut self, offsets: &[(Tp, i64)]) -> Result<(), TaskError>;
    fn seek(&mut self, tp: &Tp, offset: i64) -> Result<(), TaskError>;
    fn pause(&mut self, tps: &[Tp]) -> Result<(), TaskError>;
    fn resume(&mut self, tps: &[Tp]) -> Result<(), TaskError>;
    /// Stops consuming: the task closes its partitions, their offsets are committed, and the
    /// input leaves its group without making the task wait for that.
    fn shutdown(self: Box<Self>) -> Result<(), TaskError> {
        Ok(())
    }
}

fn tps_json(tps: &[Tp]) -> String {
    serde_json::Value::Array(
        tps.iter()
            .map(|(t, p)| json!({"topic": t, "partition": p}))
            .collect(),
    )
    .to_string()
}

fn offsets_json(offsets: &[(Tp, i64)]) -> String {
    serde_json::Value::Array(
        offsets
            .iter()
            .map(|((t, p), o)| json!({"topic": t, "partition": p, "offset": o}))
            .collect(),
    )
    .to_string()
}

/// The plugin task and what has been consumed, shared with the input.
pub struct SinkCore {
    task: SinkTaskBox,
    ctx: HostSinkContext,
    consumed: BTreeMap<Tp, i64>,
}

/// A [`SinkCore`] behind its lock.
pub type SharedSinkCore = Arc<Mutex<SinkCore>>;

fn lock(core: &SharedSinkCore) -> Result<MutexGuard<'_, SinkCore>, TaskError> {
    core.lock()
        .map_err(|_| TaskError::worker("sink task state poisoned by an earlier panic"))
}

impl SinkCore {
    /// Partitions were assigned: Kafka's `SinkTask.open`.
    pub fn on_assigned(&mut self, tps: &[Tp]) -> Result<(), TaskError> {
        if let Ok(mut a) = self.ctx.assignment.lock() {
            a.extend(tps.iter().cloned());
        }
        self.task
            .open(tps_json(tps).as_str().into())
            .into_result()
            .map_err(|e| TaskError::from_ffi("Opening partitions", e))
    }

    /// Partitions are being revoked: returns the offsets to commit for them, then closes them.
    /// The partitions assigned to the task now.
    pub fn assigned(&self) -> Vec<Tp> {
        self.ctx
            .assignment
            .lock()
            .map(|a| a.clone())
            .unwrap_or_default()
    }

    /// Closes `tps` (those of them still assigned) in the task and returns the offsets to
    /// commit for them.
    pub fn on_revoked(&mut self, tps: &[Tp]) -> Result<Vec<(Tp, i64)>, TaskError> {
        let assigned = self.assigned();
        let tps: Vec<Tp> = tps
            .iter()
            .filter(|tp| assigned.contains(tp))
            .cloned()
            .collect();
        if tps.is_empty() {
            return Ok(Vec::new());
        }
        let tps = tps.as_slice();
        let offsets = self.pre_commit_for(|tp| tps.contains(tp))?;
        for tp in tps {
            self.consumed.remove(tp);
        }
        if let Ok(mut a) = self.ctx.assignment.lock() {
            a.retain(|tp| !tps.contains(tp));
        }
        self.task
            .close(tps_json(tps).as_str().into())
            .into_result()
            .map_err(|e| TaskError::from_ffi("Closing partitions", e))?;
        Ok(offsets)
    }

    fn pre_commit_for(&mut self, keep: impl Fn(&Tp) -> bool) -> Result<Vec<(Tp, i64)>, TaskError> {
        let current: Vec<(Tp, i64)> = self
            .consumed
            .iter()
            .filter(|(tp, _)| keep(tp))
            .map(|(tp, o)| (tp.clone(), *o))
            .collect();
        if current.is_empty() {
            return Ok(Vec::new());
        }
        let raw = self
            .task
            .pre_commit(offsets_json(&current).as_str().into())
            .into_result()
            .map_err(|e| TaskError::from_ffi("Calling preCommit", e))?;
        #[derive(serde::Deserialize)]
        struct Tpo {
            topic: String,
            partition: i32,
            offset: i64,
        }
        let safe: Vec<Tpo> = serde_json::from_str(raw.as_str())
            .map_err(|e| TaskError::worker(format!("preCommit returned malformed offsets: {e}")))?;
        Ok(safe
            .into_iter()
            .map(|t| ((t.topic, t.partition), t.offset))
            .collect())
    }

    /// Count `records` (partition, offset) as consumed although the task never saw them.
    fn mark_consumed(&mut self, records: &[(Tp, i64)]) {
        for (tp, offset) in records {
            let next = self.consumed.entry(tp.clone()).or_insert(offset + 1);
            *next = (*next).max(offset + 1);
        }
    }

    fn put(&mut self, buf: &BatchBuf) -> Result<(), TaskError> {
        self.task
            .put(buf.as_batch_ref())
            .into_result()
            .map_err(|e| TaskError::from_ffi("Calling put", e))?;
        // The next offset of each (topic index, partition) of the batch; few of them, found
        // by a scan, so that the map is updated once for each rather than for every record.
        let mut next: Vec<(u32, i32, i64)> = Vec::new();
        let mut last = 0;
        for h in buf.records.iter() {
            let tp = (h.topic, h.partition);
            if next.get(last).is_none_or(|&(t, p, _)| (t, p) != tp) {
                last = match next.iter().position(|&(t, p, _)| (t, p) == tp) {
                    Some(i) => i,
                    None => {
                        next.push((h.topic, h.partition, h.offset + 1));
                        next.len() - 1
                    }
                };
            }
            let o = &mut next[last].2;
            *o = (*o).max(h.offset + 1);
        }
        for (topic, partition, offset) in next {
            let Some(topic) = buf
                .topics
                .get(topic as usize)
                .and_then(|s| s.get(&buf.arena))
            else {
                continue;
            };
            let tp = (String::from_utf8_lossy(topic).into_owned(), partition);
            let o = self.consumed.entry(tp).or_insert(offset);
            *o = (*o).max(offset);
        }
        Ok(())
    }
}

/// Everything a sink task needs besides its input.
pub struct SinkTaskConfig {
    pub id: TaskId,
    pub class: Arc<PluginClass>,
    pub config: BTreeMap<String, String>,
    pub commit_interval: Duration,
    pub listener: Arc<dyn StatusListener>,
}

/// Builds the input once the core exists (the input needs it for rebalance callbacks).
pub type InputFactory =
    Box<dyn FnOnce(SharedSinkCore) -> Result<Box<dyn SinkInput>, TaskError> + Send>;

fn start(cfg: &SinkTaskConfig) -> Result<SharedSinkCore, TaskError> {
    let module = &cfg.class.library.module;
    let mut task = (module.new_sink_task())(cfg.class.class.as_str().into())
        .into_result()
        .map_err(|e| TaskError::from_ffi("Creating the task", e))?;
    let ctx = HostSinkContext::default();
    let config =
        serde_json::to_string(&cfg.config).map_err(|e| TaskError::worker(e.to_string()))?;
    task.start(
        config.as_str().into(),
        SinkContextObj_TO::from_value(ctx.clone(), TD_Opaque),
    )
    .into_result()
    .map_err(|e| TaskError::from_ffi("Starting the task", e))?;
    Ok(Arc::new(Mutex::new(SinkCore {
        task,
        ctx,
        consumed: BTreeMap::new(),
    })))
}

fn apply_requests(core: &SharedSinkCore, input: &mut dyn SinkInput) -> Result<bool, TaskError> {
    let requests = lock(core)?.ctx.take();
    for (t, p, o) in &requests.resets {
        input.seek(&(t.clone(), *p), *o)?;
    }
    let pause: Vec<Tp> = requests.pause.clone();
    if !pause.is_empty() {
        input.pause(&pause)?;
    }
    if !requests.resume.is_empty() {
        input.resume(&requests.resume)?;
    }
    for (index, message) in &requests.errant {
        input.report_errant(*index, message)?;
    }
    Ok(requests.commit)
}

fn commit(core: &SharedSinkCore, input: &mut dyn SinkInput) -> Result<(), TaskError> {
    let offsets = lock(core)?.pre_commit_for(|_| true)?;
    if offsets.is_empty() {
        return Ok(());
    }
    input.commit(&offsets)
}

fn run(
    cfg: &SinkTaskConfig,
    core: &SharedSinkCore,
    input: &mut dyn SinkInput,
    stop: &StopSignal,
) -> Result<(), TaskError> {
    let mut buf = BatchBuf::new();
    let mut last_commit = Instant::now();
    while !stop.is_stopped() {
        buf.clear();
        // Never wait past the next commit: sinks like the file sink flush only then.
        let until_commit = cfg.commit_interval.saturating_sub(last_commit.elapsed());
        input.poll(
            &mut buf,
            until_commit.clamp(Duration::from_millis(1), Duration::from_millis(500)),
        )?;
        if !buf.is_empty() {
            lock(core)?.put(&buf)?;
        }
        let skipped = input.take_skipped();
        if !skipped.is_empty() {
            lock(core)?.mark_consumed(&skipped);
        }
        let commit_requested = apply_requests(core, input)?;
        if commit_requested || last_commit.elapsed() >= cfg.commit_interval {
            commit(core, input)?;
            last_commit = Instant::now();
        }
    }
    commit(core, input)
}

/// The body of a sink task thread. Reports RUNNING once started, FAILED with a trace on any
/// error or panic, UNASSIGNED after a stop (even one its work failed after: Kafka's
/// `WorkerTask#doRun`).
pub fn run_sink_task(cfg: SinkTaskConfig, make_input: InputFactory, stop: StopSignal) {
    let id = cfg.id.clone();
    let listener = cfg.listener.clone();
    let started = start(&cfg).and_then(|core| Ok((core.clone(), make_input(core)?)));
    let (core, mut input) = match started {
        Ok(x) => x,
        Err(e) => {
            error!(error = %e, "Task failed to start");
            listener.on_task_state(&id, State::Failed, Some(e.to_string()));
            return;
        }
    };
    info!("Sink task started");
    listener.on_task_state(&id, State::Running, None);
    let result = run(&cfg, &core, input.as_mut(), &stop);
    // The input closes the task's partitions and commits their offsets before the task stops.
    let closed = input.shutdown();
    let stopped = lock(&core).and_then(|mut c| {
        let assigned = c.assigned();
        if !assigned.is_empty() {
            c.task
                .close(tps_json(&assigned).as_str().into())
                .into_result()
                .map_err(|e| TaskError::from_ffi("Closing partitions", e))?;
        }
        c.task
            .stop()
            .into_result()
            .map_err(|e| TaskError::from_ffi("Stopping the task", e))
    });
    report_end(
        listener.as_ref(),
        &id,
        "Sink",
        result,
        closed.and(stopped),
        stop.is_stopped(),
    );
}
