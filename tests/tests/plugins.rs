//! Loading the real plugin `.so` files: discovery, refusals, aliases, logs and panic
//! containment. Needs `cargo build --release` first (scripts/test.sh does it).

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::collections::VecDeque;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ferry_codec::{BatchWriter, EncodeRecord, Payload, WriterState};
use ferry_data::Value;
use ferry_plugin_abi::BatchBuf;
use ferry_runtime::plugin::{host_log_callback, PluginKind, PluginRegistry};
use ferry_runtime::task::memory::{MemoryInput, MemoryOffsetStore, MemoryOutput};
use ferry_runtime::task::{
    run_sink_task, run_source_task, spawn_task, SinkTaskConfig, SourceTaskConfig, State,
    StatusListener, TaskHandle, TaskId,
};
use ferry_tests::{plugin_so, wait_until};

/// Log lines captured from `tracing` in this test binary.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn capture_logs() -> Captured {
    static CAPTURED: std::sync::OnceLock<Captured> = std::sync::OnceLock::new();
    CAPTURED
        .get_or_init(|| {
            let c = Captured::default();
            let writer = c.clone();
            tracing_subscriber::fmt()
                .with_max_level(tracing::Level::INFO)
                .with_ansi(false)
                .with_writer(move || writer.clone())
                .init();
            c
        })
        .clone()
}

fn copy_plugin(lib: &str, dir: &Path) -> PathBuf {
    let src = plugin_so(lib).unwrap();
    std::fs::create_dir_all(dir).unwrap();
    let dst = dir.join(src.file_name().unwrap());
    std::fs::copy(&src, &dst).unwrap();
    dst
}

fn scan(dirs: &[&Path]) -> PluginRegistry {
    PluginRegistry::scan(
        &dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>(),
        host_log_callback(),
    )
}

#[test]
fn discovers_plugins_in_a_directory_and_its_subdirectories() {
    let _logs = capture_logs();
    let dir = tempfile::tempdir().unwrap();
    copy_plugin("ferry_file_source", dir.path());
    copy_plugin("ferry_file_sink", &dir.path().join("file-sink"));
    copy_plugin("ferry_test_panicky", &dir.path().join("panicky"));
    let registry = scan(&[dir.path()]);
    let all = registry.classes();
    let mut classes: Vec<_> = all.iter().map(|c| (c.class.as_str(), c.kind)).collect();
    classes.sort();
    assert_eq!(
        classes,
        vec![
            (
                "org.apache.kafka.connect.file.FileStreamSinkConnector",
                PluginKind::Sink
            ),
            (
                "org.apache.kafka.connect.file.FileStreamSourceConnector",
                PluginKind::Source
            ),
            ("test.PanickySinkConnector", PluginKind::Sink),
            ("test.PanickySourceConnector", PluginKind::Source),
        ]
    );
    assert!(registry.rejected().is_empty(), "{:?}", registry.rejected());
    let sink = registry.find("FileStreamSink").unwrap();
    assert_eq!(
        sink.task_class,
        "org.apache.kafka.connect.file.FileStreamSinkTask"
    );
    assert!(sink.config_def.key("file").is_some());
}

#[test]
fn connector_classes_are_found_by_kafkas_three_aliases() {
    let dir = tempfile::tempdir().unwrap();
    copy_plugin("ferry_file_sink", dir.path());
    let registry = scan(&[dir.path()]);
    for name in [
        "org.apache.kafka.connect.file.FileStreamSinkConnector",
        "FileStreamSinkConnector",
        "FileStreamSink",
    ] {
        let class = registry
            .find(name)
            .unwrap_or_else(|| panic!("{name} not found"));
        assert_eq!(
            class.class,
            "org.apache.kafka.connect.file.FileStreamSinkConnector"
        );
    }
    assert!(registry.find("FileStreamSource").is_none());
}

#[test]
fn bad_files_are_skipped_with_one_warning_each() {
    let logs = capture_logs();
    let dir = tempfile::tempdir().unwrap();
    let good = copy_plugin("ferry_file_sink", &dir.path().join("a"));
    // Not a shared library at all.
    std::fs::write(dir.path().join("notes.so"), b"this is text, not ELF").unwrap();
    // Truncated.
    let bytes = std::fs::read(&good).unwrap();
    std::fs::write(dir.path().join("truncated.so"), &bytes[..4096]).unwrap();
    // A real shared library that is not a Ferry plugin.
    let libm = [
        "/lib/x86_64-linux-gnu/libm.so.6",
        "/usr/lib/x86_64-linux-gnu/libm.so.6",
        "/lib64/libm.so.6",
    ]
    .into_iter()
    .find(|p| Path::new(p).exists())
    .expect("no libm.so.6 on this machine");
    std::fs::copy(libm, dir.path().join("libm.so")).unwrap();
    // Built for a newer ABI minor than this worker.
    copy_plugin("ferry_test_future_abi", &dir.path().join("future"));
    // The same class a second time.
    let dup = copy_plugin("ferry_file_sink", &dir.path().join("z-duplicate"));

    let registry = scan(&[dir.path()]);
    assert_eq!(
        registry.classes().len(),
        1,
        "only the first file-sink loads"
    );
    let reason = |name: &str| {
        registry
            .rejected()
            .iter()
            .find(|r| r.path.display().to_string().ends_with(name))
            .unwrap_or_else(|| panic!("{name} not rejected: {:?}", registry.rejected()))
            .reason
            .clone()
    };
    assert_eq!(
        reason("notes.so"),
        "is not a shared library (it has no ELF header)"
    );
    assert!(
        reason("truncated.so").starts_with("is truncated or corrupt: "),
        "{}",
        reason("truncated.so")
    );
    assert_eq!(
        reason("libm.so"),
        "is not a Ferry plugin (it has no Ferry root module)"
    );
    assert!(reason("future/libferry_test_future_abi.so")
        .contains("is built for Ferry plugin ABI 1.999, this worker supports 1.0 to 1."));
    assert_eq!(
        reason("z-duplicate/libferry_file_sink.so"),
        format!("exports connector class org.apache.kafka.connect.file.FileStreamSinkConnector which is already loaded from {}", good.display())
    );
    assert_eq!(registry.rejected().len(), 5);
    let text = logs.text();
    for path in [
        dir.path().join("notes.so"),
        dir.path().join("truncated.so"),
        dir.path().join("libm.so"),
        dup,
    ] {
        let lines = text
            .lines()
            .filter(|l| {
                l.contains("WARN")
                    && l.contains(&format!("Skipping plugin file {}:", path.display()))
            })
            .count();
        assert_eq!(lines, 1, "one WARN for {}\n{text}", path.display());
    }
}

/// Records every task state change.
#[derive(Default)]
struct Recorder(Mutex<Vec<(TaskId, State, Option<String>)>>);

impl StatusListener for Recorder {
    fn on_task_state(&self, id: &TaskId, state: State, trace: Option<String>) {
        self.0.lock().unwrap().push((id.clone(), state, trace));
    }
}

impl Recorder {
    fn last(&self, task: u32) -> Option<(State, Option<String>)> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .rev()
            .find(|(id, ..)| id.task == task)
            .map(|(_, s, t)| (*s, t.clone()))
    }
}

fn id(task: u32) -> TaskId {
    TaskId {
        connector: "panicky".into(),
        task,
    }
}

fn source_task(
    registry: &PluginRegistry,
    task: u32,
    panic_in: &str,
    rec: &Arc<Recorder>,
    out: MemoryOutput,
) -> TaskHandle {
    let cfg = SourceTaskConfig {
        id: id(task),
        class: registry
            .find("test.PanickySourceConnector")
            .unwrap()
            .clone(),
        config: [("panic.in".to_owned(), panic_in.to_owned())].into(),
        offset_flush_interval: Duration::from_millis(100),
        offset_flush_timeout: Duration::from_secs(5),
        store: Arc::new(MemoryOffsetStore::default()),
        listener: rec.clone(),
    };
    spawn_task(id(task), move |stop| {
        run_source_task(cfg, Box::new(out), stop)
    })
    .unwrap()
}

fn one_record_batch() -> BatchBuf {
    let mut buf = BatchBuf::new();
    let mut state = WriterState::default();
    let mut rec = EncodeRecord::new("t");
    rec.partition = 0;
    rec.offset = 0;
    let v = Value::Int32(1);
    rec.value = Payload::Value(None, &v);
    BatchWriter::new(&mut buf, &mut state).push(&rec).unwrap();
    buf
}

fn sink_task(
    registry: &PluginRegistry,
    task: u32,
    panic_in: &str,
    rec: &Arc<Recorder>,
) -> TaskHandle {
    let cfg = SinkTaskConfig {
        id: id(task),
        class: registry.find("test.PanickySinkConnector").unwrap().clone(),
        config: [("panic.in".to_owned(), panic_in.to_owned())].into(),
        commit_interval: Duration::from_millis(100),
        listener: rec.clone(),
    };
    let batches = Arc::new(Mutex::new(VecDeque::from([one_record_batch()])));
    spawn_task(id(task), move |stop| {
        run_sink_task(
            cfg,
            Box::new(move |core| {
                Ok(Box::new(MemoryInput::new(core, vec![("t".into(), 0)], batches)) as _)
            }),
            stop,
        )
    })
    .unwrap()
}

#[test]
fn a_panicking_plugin_fails_only_its_task() {
    let _logs = capture_logs();
    let dir = tempfile::tempdir().unwrap();
    copy_plugin("ferry_test_panicky", dir.path());
    let registry = scan(&[dir.path()]);
    let rec = Arc::new(Recorder::default());
    let healthy_out = MemoryOutput::default();
    let healthy = source_task(&registry, 0, "none", &rec, healthy_out.clone());
    let in_poll = source_task(&registry, 1, "poll", &rec, MemoryOutput::default());
    let in_start = source_task(&registry, 2, "start", &rec, MemoryOutput::default());
    let in_put = sink_task(&registry, 3, "put", &rec);
    let sink_start = sink_task(&registry, 4, "start", &rec);
    // Reached only if the worker hands acknowledged records back to a task that overrides
    // `commit_record` (it leaves out records of tasks that keep the default).
    let in_commit_record = source_task(&registry, 5, "commitRecord", &rec, MemoryOutput::default());

    let timeout = Duration::from_secs(60);
    for (task, place) in [
        (1, "poll"),
        (2, "start"),
        (3, "put"),
        (4, "start"),
        (5, "commitRecord"),
    ] {
        wait_until(timeout, || {
            rec.last(task).is_some_and(|(s, _)| s == State::Failed)
        })
        .unwrap();
        let (_, trace) = rec.last(task).unwrap();
        let trace = trace.unwrap();
        assert!(
            trace.contains(&format!("panicked: boom in {place}")),
            "task {task}: {trace}"
        );
        assert!(
            trace.contains("src/lib.rs:"),
            "the trace says where: {trace}"
        );
    }
    // The healthy task kept running through all of that.
    assert_eq!(rec.last(0).unwrap().0, State::Running);
    let before = healthy_out.sent.load(std::sync::atomic::Ordering::Acquire);
    wait_until(timeout, || {
        healthy_out.sent.load(std::sync::atomic::Ordering::Acquire) > before + 3
    })
    .unwrap();
    healthy.request_stop();
    assert!(healthy.join_until(Instant::now() + timeout));
    assert_eq!(rec.last(0).unwrap().0, State::Unassigned);
    for h in [in_poll, in_start, in_put, sink_start, in_commit_record] {
        assert!(h.join_until(Instant::now() + timeout));
    }
}

#[test]
fn plugin_logs_reach_the_worker_tagged_with_connector_and_task() {
    let logs = capture_logs();
    let dir = tempfile::tempdir().unwrap();
    copy_plugin("ferry_file_source", dir.path());
    let registry = scan(&[dir.path()]);
    let input = dir.path().join("in.txt");
    std::fs::write(&input, "a\n").unwrap();
    let rec = Arc::new(Recorder::default());
    let task_id = TaskId {
        connector: "logged-source".into(),
        task: 7,
    };
    let cfg = SourceTaskConfig {
        id: task_id.clone(),
        class: registry.find("FileStreamSource").unwrap().clone(),
        config: [
            ("file".to_owned(), input.display().to_string()),
            ("topic".to_owned(), "t".to_owned()),
        ]
        .into(),
        offset_flush_interval: Duration::from_millis(100),
        offset_flush_timeout: Duration::from_secs(5),
        store: Arc::new(MemoryOffsetStore::default()),
        listener: rec.clone(),
    };
    let out = MemoryOutput::default();
    let counter = out.sent.clone();
    let handle = spawn_task(task_id, move |stop| {
        run_source_task(cfg, Box::new(out), stop)
    })
    .unwrap();
    wait_until(Duration::from_secs(60), || {
        counter.load(std::sync::atomic::Ordering::Acquire) == 1
    })
    .unwrap();
    handle.request_stop();
    assert!(handle.join_until(Instant::now() + Duration::from_secs(60)));
    let text = logs.text();
    let line = text
        .lines()
        .find(|l| l.contains(&format!("Opened {} for reading", input.display())))
        .unwrap_or_else(|| panic!("plugin log line missing:\n{text}"));
    assert!(
        line.contains("connector=logged-source") && line.contains("task=7"),
        "{line}"
    );
}
