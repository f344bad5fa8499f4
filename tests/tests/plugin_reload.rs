//! The live plugin registry on real `.so` files: files dropped in, half-written, replaced and
//! removed while the registry is watching, and two versions of a class side by side
//! (KIP-891). Needs the release build (`plugin_so`) and builds the out-of-tree example.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod plugin_common;

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ferry_runtime::plugin::{host_log_callback, FindError, PluginRegistry};
use ferry_runtime::task::memory::{MemoryOffsetStore, MemoryOutput};
use ferry_runtime::task::{
    run_source_task, spawn_task, SourceTaskConfig, State, StatusListener, TaskId,
};
use ferry_tests::{plugin_so, wait_until};
use plugin_common::{example_v1, example_v2, install};

const TIMEOUT: Duration = Duration::from_secs(60);
const SOURCE: &str = "org.apache.kafka.connect.file.FileStreamSourceConnector";
const COUNTER: &str = "com.example.CounterSourceConnector";

fn watching(dir: &Path) -> Arc<PluginRegistry> {
    let registry = Arc::new(PluginRegistry::scan(
        &[dir.display().to_string()],
        host_log_callback(),
    ));
    registry.watch().unwrap();
    registry
}

#[test]
fn a_file_copied_in_is_loaded_and_a_removed_one_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let registry = watching(dir.path());
    assert!(registry.classes().is_empty());

    // Copied straight in (cp): loaded once it stops changing.
    let started = Instant::now();
    std::fs::copy(
        plugin_so("ferry_file_source").unwrap(),
        dir.path().join("libsource.so"),
    )
    .unwrap();
    wait_until(TIMEOUT, || registry.find("FileStreamSource").is_some()).unwrap();
    eprintln!("copied-in file usable after {:?}", started.elapsed());
    let held = registry.find(SOURCE).unwrap();

    // Renamed in, into a subdirectory created afterwards (Kafka's one-directory-per-plugin).
    install(
        &plugin_so("ferry_file_sink").unwrap(),
        &dir.path().join("file-sink"),
        "libsink.so",
    );
    wait_until(TIMEOUT, || registry.find("FileStreamSink").is_some()).unwrap();

    // Removed: new lookups say so and name the file; what was handed out keeps working.
    std::fs::remove_file(dir.path().join("libsource.so")).unwrap();
    wait_until(TIMEOUT, || registry.find(SOURCE).is_none()).unwrap();
    match registry.find_version("FileStreamSource", None) {
        Err(e @ FindError::Removed { .. }) => {
            let message = e.to_string();
            assert!(message.contains(SOURCE), "{message}");
            assert!(message.contains("libsource.so was removed"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let connector = (held.library.module.new_connector())(SOURCE.into()).into_result();
    assert!(
        connector.is_ok(),
        "the removed file's library is still usable"
    );
    assert!(registry.find("FileStreamSink").is_some());
}

#[test]
fn a_half_written_file_is_never_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let registry = watching(dir.path());
    let bytes = std::fs::read(plugin_so("ferry_file_sink").unwrap()).unwrap();
    let path = dir.path().join("libslow.so");
    // A writer that stalls half way, well past the settle time.
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    wait_until(TIMEOUT, || {
        registry
            .rejected()
            .iter()
            .any(|r| r.path == path && r.reason.starts_with("is truncated or corrupt"))
    })
    .unwrap();
    assert!(registry.classes().is_empty());
    // The writer finishes: the complete file is loaded.
    std::fs::write(&path, &bytes).unwrap();
    wait_until(TIMEOUT, || registry.find("FileStreamSink").is_some()).unwrap();
    assert!(registry.rejected().is_empty(), "{:?}", registry.rejected());
}

#[derive(Default)]
struct Recorder(Mutex<Vec<State>>);

impl StatusListener for Recorder {
    fn on_task_state(&self, _: &TaskId, state: State, _: Option<String>) {
        self.0.lock().unwrap().push(state);
    }
}

#[test]
fn a_replaced_file_serves_the_new_version_while_running_tasks_keep_the_old() {
    let v1 = example_v1();
    let v2 = example_v2();
    let dir = tempfile::tempdir().unwrap();
    install(&v1, dir.path(), "libcounter.so");
    let registry = watching(dir.path());
    let old = registry.find("CounterSource").unwrap();
    assert_eq!(old.version, "1.0.0");

    // A task of version 1.0.0 runs.
    let id = TaskId {
        connector: "counter".into(),
        task: 0,
    };
    let out = MemoryOutput::default();
    let sent = out.sent.clone();
    let cfg = SourceTaskConfig {
        id: id.clone(),
        class: old.clone(),
        config: [("topic".to_owned(), "t".to_owned())].into(),
        offset_flush_interval: Duration::from_millis(100),
        offset_flush_timeout: Duration::from_secs(5),
        store: Arc::new(MemoryOffsetStore::default()),
        listener: Arc::new(Recorder::default()),
    };
    let task = spawn_task(id, move |stop| run_source_task(cfg, Box::new(out), stop)).unwrap();
    wait_until(TIMEOUT, || sent.load(Ordering::Acquire) > 0).unwrap();

    // The file is replaced in place, the way an operator's `cp` does it (truncate + rewrite the
    // same inode): the running task must not notice.
    std::fs::copy(&v2, dir.path().join("libcounter.so")).unwrap();
    wait_until(TIMEOUT, || {
        registry
            .find("CounterSource")
            .is_some_and(|c| c.version == "2.0.0")
    })
    .unwrap();
    assert_eq!(registry.classes().len(), 2, "source and sink of 2.0.0 only");
    let before = sent.load(Ordering::Acquire);
    wait_until(TIMEOUT, || sent.load(Ordering::Acquire) > before + 100).unwrap();
    task.request_stop();
    assert!(task.join_until(Instant::now() + TIMEOUT));
    assert_eq!(old.version, "1.0.0");
    assert!(!Arc::ptr_eq(
        &old.library,
        &registry.find(COUNTER).unwrap().library
    ));
}

#[test]
fn two_versions_side_by_side_are_selected_by_connector_plugin_version() {
    let v1 = example_v1();
    let v2 = example_v2();
    let dir = tempfile::tempdir().unwrap();
    install(&v1, &dir.path().join("counter-1"), "libcounter.so");
    install(&v2, &dir.path().join("counter-2"), "libcounter.so");
    let registry = PluginRegistry::scan(&[dir.path().display().to_string()], host_log_callback());
    assert!(registry.rejected().is_empty(), "{:?}", registry.rejected());
    let mut versions: Vec<(String, String)> = registry
        .classes()
        .iter()
        .map(|c| (c.class.clone(), c.version.clone()))
        .collect();
    versions.sort();
    assert_eq!(
        versions,
        [
            ("com.example.CounterSourceConnector", "1.0.0"),
            ("com.example.CounterSourceConnector", "2.0.0"),
            ("com.example.LineSinkConnector", "1.0.0"),
            ("com.example.LineSinkConnector", "2.0.0"),
        ]
        .map(|(c, v)| (c.to_owned(), v.to_owned()))
    );
    let pick =
        |name: &str, req: Option<&str>| registry.find_version(name, req).map(|c| c.version.clone());
    assert_eq!(pick("CounterSource", None).unwrap(), "2.0.0");
    assert_eq!(pick("CounterSource", Some("latest")).unwrap(), "2.0.0");
    assert_eq!(pick(COUNTER, Some("1.0.0")).unwrap(), "1.0.0");
    assert_eq!(
        pick("CounterSourceConnector", Some("[1.0,2.0)")).unwrap(),
        "1.0.0"
    );
    assert_eq!(pick("LineSink", Some("[1.5,)")).unwrap(), "2.0.0");
    let err = registry.find_version(COUNTER, Some("3.0")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Connector class com.example.CounterSourceConnector has no version matching connector.plugin.version=3.0; available versions: 2.0.0, 1.0.0"
    );
    assert!(matches!(
        registry.find_version(COUNTER, Some("[2.0")),
        Err(FindError::BadRequirement { .. })
    ));
    // The same class and version twice is still a duplicate.
    install(&v1, &dir.path().join("counter-3"), "libcounter.so");
    registry.rescan();
    let rejected = registry.rejected();
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert!(rejected[0]
        .reason
        .contains("version 1.0.0 which is already loaded from"));
}
