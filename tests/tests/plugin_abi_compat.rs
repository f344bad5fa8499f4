//! ABI compatibility: a plugin built against the previous published minor of the plugin ABI
//! (a frozen copy of the ABI and SDK sources under `tests/abi-compat/v1_0`, built here with
//! cargo, offline) loads and runs in the current runtime; a plugin claiming a newer minor than
//! the worker is refused with the versions that would work.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod plugin_common;

use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ferry_codec::{BatchWriter, EncodeRecord, Payload, WriterState};
use ferry_data::Value;
use ferry_plugin_abi::{BatchBuf, ABI_MAJOR, ABI_MINOR};
use ferry_runtime::plugin::{host_log_callback, PluginKind, PluginRegistry};
use ferry_runtime::task::memory::{MemoryInput, MemoryOffsetStore, MemoryOutput};
use ferry_runtime::task::{
    run_sink_task, run_source_task, spawn_task, SinkTaskConfig, SourceTaskConfig, State,
    StatusListener, TaskId,
};
use ferry_tests::{plugin_so, wait_until};

const TIMEOUT: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Recorder(Mutex<Vec<(State, Option<String>)>>);

impl StatusListener for Recorder {
    fn on_task_state(&self, _: &TaskId, state: State, trace: Option<String>) {
        self.0.lock().unwrap().push((state, trace));
    }
}

impl Recorder {
    fn failed(&self) -> Option<String> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .find(|(s, _)| *s == State::Failed)
            .map(|(_, t)| t.clone().unwrap_or_default())
    }
}

fn batch_of_ints(values: &[i32]) -> BatchBuf {
    let mut buf = BatchBuf::new();
    let mut state = WriterState::default();
    for (i, v) in values.iter().enumerate() {
        let mut rec = EncodeRecord::new("t");
        rec.partition = 0;
        rec.offset = i as i64;
        let v = Value::Int32(*v);
        rec.value = Payload::Value(None, &v);
        BatchWriter::new(&mut buf, &mut state).push(&rec).unwrap();
    }
    buf
}

#[test]
fn a_plugin_built_against_abi_1_0_loads_and_runs() {
    let so = plugin_common::abi_v1_0_plugin();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(&so, dir.path().join("libold.so")).unwrap();
    let registry = PluginRegistry::scan(&[dir.path().display().to_string()], host_log_callback());
    assert!(registry.rejected().is_empty(), "{:?}", registry.rejected());
    let source = registry
        .find("test.abi.v1_0.CounterSourceConnector")
        .unwrap();
    assert_eq!(source.kind, PluginKind::Source);
    let info = &source.library.info;
    assert_eq!(
        (info.abi_major, info.abi_minor),
        (1, 0),
        "the frozen SDK is ABI 1.0"
    );
    assert_eq!(ABI_MAJOR, 1, "a new ABI major needs a new frozen plugin");
    assert!(
        source.library.module.new_transformation().is_none()
            && source.library.module.new_predicate().is_none(),
        "a 1.0 library has no ABI 1.1 root module fields"
    );
    eprintln!("ABI 1.0 plugin loaded by a worker of ABI {ABI_MAJOR}.{ABI_MINOR}");

    // Its source task runs: records come out, offsets are committed.
    let id = TaskId {
        connector: "old-source".into(),
        task: 0,
    };
    let out = MemoryOutput::default();
    let sent = out.sent.clone();
    let rec = Arc::new(Recorder::default());
    let store = Arc::new(MemoryOffsetStore::default());
    let cfg = SourceTaskConfig {
        id: id.clone(),
        class: source.clone(),
        config: [("topic".to_owned(), "t".to_owned())].into(),
        offset_flush_interval: Duration::from_millis(50),
        offset_flush_timeout: Duration::from_secs(5),
        store,
        listener: rec.clone(),
    };
    let task = spawn_task(id, move |stop| run_source_task(cfg, Box::new(out), stop)).unwrap();
    wait_until(TIMEOUT, || {
        sent.load(Ordering::Acquire) >= 100 || rec.failed().is_some()
    })
    .unwrap();
    assert_eq!(rec.failed(), None);
    task.request_stop();
    assert!(task.join_until(Instant::now() + TIMEOUT));

    // Its sink task runs: a batch encoded by today's codec is read by the 1.0 SDK.
    let sink = registry.find("test.abi.v1_0.SumSinkConnector").unwrap();
    let id = TaskId {
        connector: "old-sink".into(),
        task: 0,
    };
    let rec = Arc::new(Recorder::default());
    let cfg = SinkTaskConfig {
        id: id.clone(),
        class: sink,
        config: Default::default(),
        commit_interval: Duration::from_millis(50),
        listener: rec.clone(),
    };
    let batches = Arc::new(Mutex::new(VecDeque::from([batch_of_ints(&[1, 2, 3])])));
    let input_batches = batches.clone();
    let task = spawn_task(id, move |stop| {
        run_sink_task(
            cfg,
            Box::new(move |core| {
                Ok(Box::new(MemoryInput::new(core, vec![("t".into(), 0)], input_batches)) as _)
            }),
            stop,
        )
    })
    .unwrap();
    wait_until(TIMEOUT, || {
        batches.lock().unwrap().is_empty() || rec.failed().is_some()
    })
    .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    assert_eq!(rec.failed(), None);
    task.request_stop();
    assert!(task.join_until(Instant::now() + TIMEOUT));
}

#[test]
fn a_plugin_with_a_newer_minor_is_refused_with_the_versions_that_would_work() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        plugin_so("ferry_test_future_abi").unwrap(),
        dir.path().join("libfuture.so"),
    )
    .unwrap();
    let registry = PluginRegistry::scan(&[dir.path().display().to_string()], host_log_callback());
    assert!(registry.classes().is_empty());
    let rejected = registry.rejected();
    assert_eq!(rejected.len(), 1);
    assert_eq!(
        rejected[0].reason,
        format!(
            "is built for Ferry plugin ABI {ABI_MAJOR}.999, this worker supports {ABI_MAJOR}.0 to {ABI_MAJOR}.{ABI_MINOR}"
        )
    );
}
