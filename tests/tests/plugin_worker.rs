//! Plugins and a running worker (the real `ferry` binary, on the embedded broker): the
//! out-of-tree example built by cargo, dropped into an empty plugin directory while the worker
//! runs, shows up in `GET /connector-plugins` and moves data at once; a second version sits
//! beside it and is selected with `connector.plugin.version`; files that cannot be loaded are
//! listed with their reasons by `GET /connector-plugins/failures`; removing a file leaves
//! running connectors alone and makes new ones fail with a clear message.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod plugin_common;

use std::path::Path;
use std::time::{Duration, Instant};

use ferry_tests::rest::RestClient;
use ferry_tests::{wait_until, wait_until_ok, WorkerProcess};
use plugin_common::{example_v1, example_v2, install};
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(120);
const COUNTER: &str = "com.example.CounterSourceConnector";

fn plugins(rest: &RestClient) -> Vec<(String, String, String)> {
    let r = rest.get("/connector-plugins", None).unwrap();
    r.expect(200).unwrap();
    r.json()
        .unwrap()
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["class"].as_str().unwrap().to_owned(),
                p["type"].as_str().unwrap().to_owned(),
                p["version"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn has(rest: &RestClient, class: &str, version: &str) -> bool {
    plugins(rest)
        .iter()
        .any(|(c, _, v)| c == class && v == version)
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn create(rest: &RestClient, name: &str, config: Value) -> ferry_tests::rest::RestResponse {
    rest.post("/connectors", Some(json!({"name": name, "config": config})))
        .unwrap()
}

fn state(rest: &RestClient, name: &str) -> String {
    rest.get(&format!("/connectors/{name}/status"), None)
        .ok()
        .and_then(|r| r.body)
        .and_then(|b| b["connector"]["state"].as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[test]
fn plugins_dropped_into_a_running_worker_are_usable_at_once() {
    let v1 = example_v1();
    let v2 = example_v2();
    let dir = tempfile::tempdir().unwrap();
    let plugins_dir = dir.path().join("plugins");
    std::fs::create_dir_all(&plugins_dir).unwrap();
    // Something that can never load, present from the start.
    std::fs::write(plugins_dir.join("notes.so"), b"not a library").unwrap();
    let path = plugins_dir.display().to_string();
    let mut worker =
        WorkerProcess::standalone(dir.path(), "embedded", &[("plugin.path", &path)], &[]).unwrap();
    let rest = RestClient::new(worker.url());
    rest.wait_ready(TIMEOUT).unwrap();
    assert!(plugins(&rest).is_empty(), "{:?}", plugins(&rest));

    // The Ferry extension lists the file that failed; Kafka's endpoint is unchanged.
    let failures = rest.get("/connector-plugins/failures", None).unwrap();
    failures.expect(200).unwrap();
    assert_eq!(
        failures.json().unwrap(),
        &json!([{"path": plugins_dir.join("notes.so").display().to_string(), "reason": "is not a shared library (it has no ELF header)"}])
    );

    // Drop the example in: listed within a second or so (not asserted: shared CI machines).
    let dropped = Instant::now();
    install(&v1, &plugins_dir.join("counter"), "libcounter_connector.so");
    wait_until(TIMEOUT, || has(&rest, COUNTER, "1.0.0")).unwrap();
    eprintln!("listed {:?} after the rename", dropped.elapsed());
    assert!(has(&rest, "com.example.LineSinkConnector", "1.0.0"));
    assert!(
        worker.log_text().contains("Plugin file added"),
        "{}",
        worker.log_text()
    );

    // Usable at once: counter → Kafka → line sink.
    let out = dir.path().join("counts.txt");
    let r = create(
        &rest,
        "counter",
        json!({"connector.class": "CounterSource", "topic": "counts", "max.count": "5"}),
    );
    assert_eq!(r.status, 201, "{:?}", r.body);
    let r = create(
        &rest,
        "lines",
        json!({"connector.class": "com.example.LineSinkConnector", "topics": "counts", "file": out.display().to_string()}),
    );
    assert_eq!(r.status, 201, "{:?}", r.body);
    wait_until(TIMEOUT, || lines(&out).len() >= 5).unwrap();
    assert_eq!(lines(&out), ["1", "2", "3", "4", "5"]);

    // A second version beside the first: both listed, with their versions.
    install(
        &v2,
        &plugins_dir.join("counter-2"),
        "libcounter_connector.so",
    );
    wait_until(TIMEOUT, || has(&rest, COUNTER, "2.0.0")).unwrap();
    assert!(has(&rest, COUNTER, "1.0.0"));
    let r = create(
        &rest,
        "pinned",
        json!({"connector.class": "CounterSource", "connector.plugin.version": "1.0.0", "topic": "pinned", "max.count": "1"}),
    );
    assert_eq!(r.status, 201, "{:?}", r.body);
    let r = create(
        &rest,
        "missing-version",
        json!({"connector.class": "CounterSource", "connector.plugin.version": "[3.0,)", "topic": "x"}),
    );
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert_eq!(
        r.error_message().unwrap(),
        "Connector class com.example.CounterSourceConnector has no version matching connector.plugin.version=[3.0,); available versions: 2.0.0, 1.0.0"
    );

    // Remove both: running connectors keep running, new ones fail saying why.
    std::fs::remove_dir_all(plugins_dir.join("counter")).unwrap();
    std::fs::remove_dir_all(plugins_dir.join("counter-2")).unwrap();
    wait_until(TIMEOUT, || {
        !has(&rest, COUNTER, "2.0.0") && !has(&rest, COUNTER, "1.0.0")
    })
    .unwrap();
    let r = create(
        &rest,
        "too-late",
        json!({"connector.class": "CounterSource", "topic": "x"}),
    );
    assert_eq!(r.status, 400, "{:?}", r.body);
    let message = r.error_message().unwrap().to_owned();
    assert!(
        message.starts_with("Connector class com.example.CounterSourceConnector is no longer available: its plugin file")
            && message.contains("was removed from plugin.path"),
        "{message}"
    );
    assert_eq!(state(&rest, "counter"), "RUNNING");
    assert_eq!(state(&rest, "lines"), "RUNNING");
    // And the restarted ones keep the version they had loaded.
    let r = rest
        .post("/connectors/lines/restart?includeTasks=true", None)
        .unwrap();
    assert!(r.status < 300, "{:?}", r.body);
    wait_until_ok(TIMEOUT, || {
        if state(&rest, "lines") == "RUNNING" {
            Ok(())
        } else {
            anyhow::bail!("lines is {}", state(&rest, "lines"))
        }
    })
    .unwrap();
    assert!(
        worker.log_text().contains("Plugin file removed"),
        "{}",
        worker.log_text()
    );
    worker.stop().unwrap();
}
