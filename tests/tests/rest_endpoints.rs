//! Every REST endpoint's success and error paths against a real `ferry` worker on a real broker
//! (nisshi): exact status codes, JSON shapes and Kafka Connect's messages (reference section 1.3;
//! Ferry's deliberate differences are in docs/compatibility.md).
//!
//! Three workers, one per area, so that the tests can run side by side:
//! - [`connectors_crud_and_lifecycle`]: create/read/update/patch/delete, statuses, tasks,
//!   restarts, pause/resume/stop, `initial_state`, and their errors;
//! - [`source_offsets_and_topics`]: a FileStreamSource's topics and offsets (alter, reset and
//!   resume, checked on the topic with an independent client);
//! - [`server_plugins_loggers_and_malformed_requests`]: `/`, `/health`, `/connector-plugins`,
//!   validation, `/admin/loggers`, unknown paths and methods, trailing slashes, malformed bodies.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::path::Path;
use std::time::Duration;

use ferry_tests::rest::{RestClient, RestResponse};
use ferry_tests::{consume_all, create_topic, wait_until, wait_until_ok, Broker, WorkerProcess};
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(120);

/// Asserts a Kafka error response: `status`, `{"error_code": status, "message": message}`.
#[track_caller]
fn assert_error(response: &RestResponse, status: u16, message: &str) {
    assert_eq!(
        response.status, status,
        "expected HTTP {status} '{message}', got {response:?}"
    );
    assert_eq!(
        response.body,
        Some(json!({"error_code": status, "message": message})),
        "{response:?}"
    );
}

/// Asserts a response with `status` and no body (202, 204).
#[track_caller]
fn assert_empty(response: &RestResponse, status: u16) {
    assert_eq!(response.status, status, "{response:?}");
    assert_eq!(response.body, None, "{response:?}");
}

/// Asserts `status` and returns the body.
#[track_caller]
fn body(response: RestResponse, status: u16) -> Value {
    assert_eq!(response.status, status, "{response:?}");
    response.body.expect("a JSON body")
}

fn start(broker: &Broker, dir: &Path) -> (WorkerProcess, RestClient) {
    let worker = WorkerProcess::standalone(dir, &broker.bootstrap(), &[], &[]).unwrap();
    let rest = RestClient::new(worker.url());
    rest.wait_ready(TIMEOUT).unwrap();
    (worker, rest)
}

/// Waits until the connector's status has the given connector state and task states.
fn wait_for_states(rest: &RestClient, name: &str, connector: &str, tasks: &[&str]) -> Value {
    let path = format!("/connectors/{name}/status");
    wait_until_ok(TIMEOUT, || {
        let status = rest.get(&path, None)?;
        let body = status.body.clone().unwrap_or(Value::Null);
        let task_states: Vec<&str> = body["tasks"]
            .as_array()
            .map(|t| t.iter().filter_map(|t| t["state"].as_str()).collect())
            .unwrap_or_default();
        if status.status == 200 && body["connector"]["state"] == connector && task_states == tasks {
            Ok(body)
        } else {
            anyhow::bail!("{name} status is {} {body}", status.status)
        }
    })
    .unwrap()
}

fn sink_config(file: &Path, topic: &str) -> Value {
    json!({
        "connector.class": "FileStreamSink",
        "file": file.display().to_string(),
        "topics": topic,
    })
}

#[test]
fn connectors_crud_and_lifecycle() {
    let broker = Broker::start().unwrap();
    create_topic(&broker.bootstrap(), "crud-lines", 1, &[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (worker, rest) = start(&broker, dir.path());
    let out = dir.path().join("out.txt");
    let config = sink_config(&out, "crud-lines");

    assert_eq!(body(rest.get("/connectors", None).unwrap(), 200), json!([]));

    // POST /connectors: 201, Location, ConnectorInfo with the name added to the config.
    let created = rest
        .post(
            "/connectors",
            Some(json!({"name": "sink", "config": config})),
        )
        .unwrap();
    assert_eq!(
        created.header("location"),
        Some(format!("{}/connectors/sink", worker.url()).as_str())
    );
    let mut stored = config.clone();
    stored["name"] = json!("sink");
    assert_eq!(
        body(created, 201),
        json!({"name": "sink", "config": stored, "tasks": [{"connector": "sink", "task": 0}], "type": "sink"})
    );
    wait_for_states(&rest, "sink", "RUNNING", &["RUNNING"]);

    // Duplicates, invalid configs, missing connector type, name mismatch.
    let duplicate = rest
        .post(
            "/connectors",
            Some(json!({"name": "sink", "config": config})),
        )
        .unwrap();
    assert_error(&duplicate, 409, "Connector sink already exists");
    let invalid = rest
        .post(
            "/connectors",
            Some(json!({"name": "src", "config": {"connector.class": "FileStreamSource"}})),
        )
        .unwrap();
    assert_error(
        &invalid,
        400,
        "Connector configuration is invalid and contains the following 1 error(s):\n\
         Missing required configuration \"topic\" which has no default value.\n\
         You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`",
    );
    let invalid = rest
        .post(
            "/connectors",
            Some(json!({"name": "bad-sink", "config": {"connector.class": "FileStreamSink", "tasks.max": "x"}})),
        )
        .unwrap();
    assert_error(
        &invalid,
        400,
        "Connector configuration is invalid and contains the following 4 error(s):\n\
         Invalid value x for configuration tasks.max: Not a number of type INT\n\
         Invalid value null for configuration tasks.max: Value must be non-null\n\
         Must configure one of topics or topics.regex\n\
         Must configure one of topics or topics.regex\n\
         You can also find the above list of errors at the endpoint `/connector-plugins/{connectorType}/config/validate`",
    );
    let untyped = rest
        .post(
            "/connectors",
            Some(json!({"name": "x", "config": {"file": "/tmp/x"}})),
        )
        .unwrap();
    assert_error(
        &untyped,
        400,
        "Connector config {file=/tmp/x, name=x} contains no connector type",
    );
    let mut named = config.clone();
    named["name"] = json!("other");
    let mismatch = rest
        .post("/connectors", Some(json!({"name": "x", "config": named})))
        .unwrap();
    assert_error(
        &mismatch,
        400,
        "Connector name configuration (other) doesn't match connector name in the URL (x)",
    );
    assert_eq!(
        body(rest.get("/connectors", None).unwrap(), 200),
        json!(["sink"])
    );

    // GET the connector, its config, tasks, statuses.
    let info = body(rest.get("/connectors/sink", None).unwrap(), 200);
    assert_eq!(info["config"], stored);
    assert_eq!(info["tasks"], json!([{"connector": "sink", "task": 0}]));
    assert_eq!(info["type"], "sink");
    assert_eq!(
        body(rest.get("/connectors/sink/config", None).unwrap(), 200),
        stored
    );
    let mut task_config = stored.clone();
    task_config["task.class"] = json!("org.apache.kafka.connect.file.FileStreamSinkTask");
    assert_eq!(
        body(rest.get("/connectors/sink/tasks", None).unwrap(), 200),
        json!([{"id": {"connector": "sink", "task": 0}, "config": task_config}])
    );
    assert_eq!(
        body(
            rest.get("/connectors/sink/tasks-config", None).unwrap(),
            200
        ),
        json!({"sink-0": task_config})
    );
    let worker_id = worker.url().trim_start_matches("http://").to_owned();
    assert_eq!(
        body(rest.get("/connectors/sink/status", None).unwrap(), 200),
        json!({"name": "sink", "connector": {"state": "RUNNING", "worker_id": worker_id},
               "tasks": [{"id": 0, "state": "RUNNING", "worker_id": worker_id}], "type": "sink"})
    );
    assert_eq!(
        body(
            rest.get("/connectors/sink/tasks/0/status", None).unwrap(),
            200
        ),
        json!({"id": 0, "state": "RUNNING", "worker_id": worker_id})
    );
    assert_error(
        &rest.get("/connectors/sink/tasks/9/status", None).unwrap(),
        404,
        "No status found for task sink-9",
    );

    // Listing with expansions.
    let expanded = body(
        rest.get("/connectors?expand=status&expand=info", None)
            .unwrap(),
        200,
    );
    assert_eq!(expanded["sink"]["info"], info);
    assert_eq!(expanded["sink"]["status"]["connector"]["state"], "RUNNING");
    assert_eq!(
        expanded.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["sink"]
    );
    let status_only = body(rest.get("/connectors?expand=status", None).unwrap(), 200);
    assert_eq!(
        status_only["sink"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["status"]
    );
    let info_only = body(rest.get("/connectors?expand=info", None).unwrap(), 200);
    assert_eq!(info_only, json!({"sink": {"info": info}}));
    assert_eq!(
        body(rest.get("/connectors?expand=foo", None).unwrap(), 200),
        json!({"sink": {}})
    );

    // PUT config: 200 when replacing (target state untouched), 201 + Location when creating.
    let other = dir.path().join("other.txt");
    let replaced = rest
        .put(
            "/connectors/sink/config",
            Some(sink_config(&other, "crud-lines")),
        )
        .unwrap();
    let replaced = body(replaced, 200);
    assert_eq!(replaced["config"]["file"], other.display().to_string());
    assert_eq!(replaced["config"]["name"], "sink");
    let second = dir.path().join("second.txt");
    let created = rest
        .put(
            "/connectors/second/config",
            Some(sink_config(&second, "crud-lines")),
        )
        .unwrap();
    assert_eq!(
        created.header("location"),
        Some(format!("{}/connectors/second", worker.url()).as_str())
    );
    assert_eq!(body(created, 201)["name"], "second");
    let mut wrong_name = sink_config(&second, "crud-lines");
    wrong_name["name"] = json!("third");
    assert_error(
        &rest
            .put("/connectors/second/config", Some(wrong_name))
            .unwrap(),
        400,
        "Connector name configuration (third) doesn't match connector name in the URL (second)",
    );
    let missing_topic = json!({"connector.class": "FileStreamSource"});
    let invalid = rest
        .put("/connectors/second/config", Some(missing_topic))
        .unwrap();
    assert_eq!(invalid.status, 400);
    assert!(invalid
        .error_message()
        .unwrap()
        .starts_with("Connector configuration is invalid and contains the following 1 error(s):"));

    // PATCH config: merges; null deletes a key; unknown connector 404.
    let patched = rest
        .patch(
            "/connectors/second/config",
            Some(json!({"file": null, "tasks.max": "2"})),
        )
        .unwrap();
    let patched = body(patched, 200);
    assert_eq!(
        patched["config"],
        json!({"connector.class": "FileStreamSink", "name": "second", "tasks.max": "2", "topics": "crud-lines"})
    );
    assert_eq!(
        patched["tasks"],
        json!([{"connector": "second", "task": 0}, {"connector": "second", "task": 1}])
    );
    assert_error(
        &rest
            .patch("/connectors/nope/config", Some(json!({"a": "b"})))
            .unwrap(),
        404,
        "Connector nope not found",
    );

    // Restarts.
    assert_empty(&rest.post("/connectors/sink/restart", None).unwrap(), 204);
    let plan = rest
        .post("/connectors/sink/restart?includeTasks=true", None)
        .unwrap();
    assert_eq!(
        body(plan, 202),
        json!({"name": "sink", "connector": {"state": "RESTARTING", "worker_id": worker_id},
               "tasks": [{"id": 0, "state": "RESTARTING", "worker_id": worker_id}], "type": "sink"})
    );
    wait_for_states(&rest, "sink", "RUNNING", &["RUNNING"]);
    let plan = rest
        .post(
            "/connectors/sink/restart?includeTasks=true&onlyFailed=true",
            None,
        )
        .unwrap();
    assert_eq!(
        body(plan, 202),
        json!({"name": "sink", "connector": {"state": "RUNNING", "worker_id": worker_id},
               "tasks": [{"id": 0, "state": "RUNNING", "worker_id": worker_id}], "type": "sink"}),
        "onlyFailed on a healthy connector restarts nothing"
    );
    let plan = rest
        .post("/connectors/sink/restart?onlyFailed=true", None)
        .unwrap();
    assert_eq!(body(plan, 202)["connector"]["state"], "RUNNING");
    assert_empty(
        &rest.post("/connectors/sink/tasks/0/restart", None).unwrap(),
        204,
    );
    wait_for_states(&rest, "sink", "RUNNING", &["RUNNING"]);
    assert_error(
        &rest.post("/connectors/sink/tasks/7/restart", None).unwrap(),
        404,
        "Task sink-7 not found",
    );
    // Failed tasks (a test plugin panicking in task start): onlyFailed restarts only them.
    let failing = json!({"connector.class": "test.PanickySourceConnector", "panic.in": "start", "tasks.max": "2"});
    body(
        rest.post(
            "/connectors",
            Some(json!({"name": "failing", "config": failing})),
        )
        .unwrap(),
        201,
    );
    let failed = wait_for_states(&rest, "failing", "RUNNING", &["FAILED", "FAILED"]);
    assert!(
        failed["tasks"][0]["trace"]
            .as_str()
            .is_some_and(|t| !t.is_empty()),
        "{failed}"
    );
    let plan = rest
        .post(
            "/connectors/failing/restart?includeTasks=true&onlyFailed=true",
            None,
        )
        .unwrap();
    assert_eq!(
        body(plan, 202),
        json!({"name": "failing", "connector": {"state": "RUNNING", "worker_id": worker_id},
               "tasks": [{"id": 0, "state": "RESTARTING", "worker_id": worker_id},
                         {"id": 1, "state": "RESTARTING", "worker_id": worker_id}], "type": "source"})
    );
    wait_for_states(&rest, "failing", "RUNNING", &["FAILED", "FAILED"]);
    let plan = rest
        .post("/connectors/failing/restart?onlyFailed=true", None)
        .unwrap();
    let plan = body(plan, 202);
    assert_eq!(plan["connector"]["state"], "RUNNING", "{plan}");
    assert_eq!(plan["tasks"][1]["state"], "FAILED", "{plan}");
    assert_empty(&rest.delete("/connectors/failing", None).unwrap(), 204);
    for path in [
        "/connectors/nope/restart",
        "/connectors/nope/tasks/0/restart",
    ] {
        assert_error(
            &rest.post(path, None).unwrap(),
            404,
            "Connector nope not found",
        );
    }
    // With a restart plan, Kafka's standalone herder has another message.
    for query in [
        "includeTasks=true",
        "onlyFailed=true",
        "includeTasks=true&onlyFailed=true",
    ] {
        assert_error(
            &rest
                .post(&format!("/connectors/nope/restart?{query}"), None)
                .unwrap(),
            404,
            "Unknown connector: nope",
        );
    }

    // Pause, resume, stop (each idempotent).
    for _ in 0..2 {
        assert_empty(&rest.put("/connectors/sink/pause", None).unwrap(), 202);
    }
    wait_for_states(&rest, "sink", "PAUSED", &["PAUSED"]);
    // Restarting a paused connector or task restarts it paused.
    assert_empty(&rest.post("/connectors/sink/restart", None).unwrap(), 204);
    assert_empty(
        &rest.post("/connectors/sink/tasks/0/restart", None).unwrap(),
        204,
    );
    std::thread::sleep(Duration::from_millis(500));
    wait_for_states(&rest, "sink", "PAUSED", &["PAUSED"]);
    assert_empty(&rest.put("/connectors/sink/resume", None).unwrap(), 202);
    wait_for_states(&rest, "sink", "RUNNING", &["RUNNING"]);
    for _ in 0..2 {
        assert_empty(&rest.put("/connectors/sink/stop", None).unwrap(), 204);
    }
    wait_for_states(&rest, "sink", "STOPPED", &[]);
    assert_eq!(
        body(rest.get("/connectors/sink/tasks", None).unwrap(), 200),
        json!([])
    );
    assert_eq!(
        body(rest.get("/connectors/sink", None).unwrap(), 200)["tasks"],
        json!([])
    );
    // Reconfiguring a stopped connector keeps it stopped.
    body(
        rest.put(
            "/connectors/sink/config",
            Some(sink_config(&out, "crud-lines")),
        )
        .unwrap(),
        200,
    );
    wait_for_states(&rest, "sink", "STOPPED", &[]);
    // Pausing a stopped connector: PAUSED with no tasks.
    assert_empty(&rest.put("/connectors/sink/pause", None).unwrap(), 202);
    wait_for_states(&rest, "sink", "PAUSED", &[]);
    assert_empty(&rest.put("/connectors/sink/resume", None).unwrap(), 202);
    wait_for_states(&rest, "sink", "RUNNING", &["RUNNING"]);
    assert_error(
        &rest.put("/connectors/nope/pause", None).unwrap(),
        404,
        "Unknown connector nope",
    );
    assert_error(
        &rest.put("/connectors/nope/resume", None).unwrap(),
        404,
        "Unknown connector nope",
    );
    // Kafka's standalone herder answers 500 here (IllegalArgumentException), not 404.
    assert_error(
        &rest.put("/connectors/nope/stop", None).unwrap(),
        500,
        "No connector `nope` configured",
    );

    // initial_state: PAUSED and STOPPED connectors have no tasks until resumed.
    let paused_file = dir.path().join("paused.txt");
    let created = rest
        .post(
            "/connectors",
            Some(json!({"name": "paused", "config": sink_config(&paused_file, "crud-lines"), "initial_state": "PAUSED"})),
        )
        .unwrap();
    assert_eq!(body(created, 201)["tasks"], json!([]));
    wait_for_states(&rest, "paused", "PAUSED", &[]);
    assert_eq!(
        body(rest.get("/connectors/paused/tasks", None).unwrap(), 200),
        json!([])
    );
    let stopped_file = dir.path().join("stopped.txt");
    let created = rest
        .post(
            "/connectors",
            Some(json!({"name": "stopped", "config": sink_config(&stopped_file, "crud-lines"), "initial_state": "STOPPED"})),
        )
        .unwrap();
    assert_eq!(body(created, 201)["tasks"], json!([]));
    wait_for_states(&rest, "stopped", "STOPPED", &[]);
    assert_empty(&rest.put("/connectors/stopped/resume", None).unwrap(), 202);
    wait_for_states(&rest, "stopped", "RUNNING", &["RUNNING"]);
    assert_empty(&rest.put("/connectors/paused/resume", None).unwrap(), 202);
    wait_for_states(&rest, "paused", "RUNNING", &["RUNNING"]);

    // Unknown connectors.
    for path in [
        "/connectors/nope",
        "/connectors/nope/config",
        "/connectors/nope/tasks",
        "/connectors/nope/tasks-config",
        "/connectors/nope/offsets",
    ] {
        assert_error(
            &rest.get(path, None).unwrap(),
            404,
            "Connector nope not found",
        );
    }
    assert_error(
        &rest.get("/connectors/nope/status", None).unwrap(),
        404,
        "No status found for connector nope",
    );
    assert_error(
        &rest.get("/connectors/nope/tasks/0/status", None).unwrap(),
        404,
        "No status found for task nope-0",
    );

    // DELETE: 204, then 404 everywhere.
    let mut names = body(rest.get("/connectors", None).unwrap(), 200)
        .as_array()
        .unwrap()
        .clone();
    names.sort_by_key(|n| n.as_str().unwrap().to_owned());
    assert_eq!(
        names,
        [
            json!("paused"),
            json!("second"),
            json!("sink"),
            json!("stopped")
        ]
    );
    for name in ["sink", "second", "paused", "stopped"] {
        assert_empty(
            &rest.delete(&format!("/connectors/{name}"), None).unwrap(),
            204,
        );
        assert_error(
            &rest.get(&format!("/connectors/{name}"), None).unwrap(),
            404,
            &format!("Connector {name} not found"),
        );
        assert_error(
            &rest.delete(&format!("/connectors/{name}"), None).unwrap(),
            404,
            &format!("Connector {name} not found"),
        );
    }
    assert_eq!(body(rest.get("/connectors", None).unwrap(), 200), json!([]));
    // A deleted connector's topics are an empty list, not a 404.
    assert_eq!(
        body(rest.get("/connectors/sink/topics", None).unwrap(), 200),
        json!({"sink": {"topics": []}})
    );
}

#[test]
fn source_offsets_and_topics() {
    const TOPIC: &str = "source-lines";
    let broker = Broker::start().unwrap();
    create_topic(&broker.bootstrap(), TOPIC, 1, &[]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (_worker, rest) = start(&broker, dir.path());
    let input = dir.path().join("input.txt");
    let lines: Vec<String> = (0..5).map(|i| format!("Line {i}")).collect();
    std::fs::write(
        &input,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
    let filename = input.display().to_string();
    let config = json!({
        "connector.class": "org.apache.kafka.connect.file.FileStreamSourceConnector",
        "file": filename,
        "topic": TOPIC,
        "value.converter": "org.apache.kafka.connect.storage.StringConverter",
    });
    let created = rest
        .post(
            "/connectors",
            Some(json!({"name": "source", "config": config})),
        )
        .unwrap();
    assert_eq!(body(created, 201)["type"], "source");
    let values = |count: usize| -> Vec<String> {
        consume_all(&broker.bootstrap(), TOPIC, count, TIMEOUT)
            .unwrap()
            .iter()
            .map(|r| r.value_str().unwrap())
            .collect()
    };
    assert_eq!(values(5), lines);

    // Topics: the source lists the topic it wrote to; reset empties the list.
    wait_until(TIMEOUT, || {
        rest.get("/connectors/source/topics", None)
            .ok()
            .and_then(|r| r.body)
            == Some(json!({"source": {"topics": [TOPIC]}}))
    })
    .unwrap();

    // GET offsets: {"filename": file} -> {"position": bytes after the last line}.
    let offsets_at = |position: u64| json!({"offsets": [{"partition": {"filename": filename}, "offset": {"position": position}}]});
    wait_until(TIMEOUT, || {
        rest.get("/connectors/source/offsets", None)
            .ok()
            .and_then(|r| r.body)
            == Some(offsets_at(35))
    })
    .unwrap();

    // Offsets can only change while the connector is STOPPED (PAUSED is not enough).
    let not_stopped = "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/source/stop' endpoint";
    assert_error(
        &rest
            .patch("/connectors/source/offsets", Some(offsets_at(28)))
            .unwrap(),
        400,
        not_stopped,
    );
    assert_error(
        &rest.delete("/connectors/source/offsets", None).unwrap(),
        400,
        not_stopped,
    );
    assert_empty(&rest.put("/connectors/source/pause", None).unwrap(), 202);
    wait_for_states(&rest, "source", "PAUSED", &["PAUSED"]);
    assert_error(
        &rest
            .patch("/connectors/source/offsets", Some(offsets_at(28)))
            .unwrap(),
        400,
        not_stopped,
    );

    assert_empty(&rest.put("/connectors/source/stop", None).unwrap(), 204);
    wait_for_states(&rest, "source", "STOPPED", &[]);
    assert_empty(
        &rest.put("/connectors/source/topics/reset", None).unwrap(),
        202,
    );
    assert_eq!(
        body(rest.get("/connectors/source/topics", None).unwrap(), 200),
        json!({"source": {"topics": []}})
    );

    // Bodies with the wrong shape, and positions the connector refuses.
    assert_error(
        &rest
            .patch("/connectors/source/offsets", Some(json!({"offsets": []})))
            .unwrap(),
        400,
        "Partitions / offsets need to be provided for an alter offsets request",
    );
    assert_error(
        &rest
            .patch("/connectors/nope/offsets", Some(offsets_at(28)))
            .unwrap(),
        404,
        "Connector nope not found",
    );
    assert_error(
        &rest.delete("/connectors/nope/offsets", None).unwrap(),
        404,
        "Connector nope not found",
    );
    for (offset, reason) in [
        (
            json!({"position": -1}),
            "The value for the 'position' key in the offset should be a non-negative value",
        ),
        (
            json!({"position": "28"}),
            "The value for the 'position' key in the offset is expected to be a Long value",
        ),
        (
            json!({"other": 28}),
            "Offset objects should either be null or contain the key 'position'",
        ),
    ] {
        let bad = json!({"offsets": [{"partition": {"filename": filename}, "offset": offset}]});
        let response = rest.patch("/connectors/source/offsets", Some(bad)).unwrap();
        // Kafka: the connector's ConnectException is a 500 whose message carries the reason.
        assert_eq!(response.status, 500, "{response:?}");
        let message = response.error_message().unwrap();
        assert!(message.contains(reason), "{message}");
    }
    assert_eq!(
        body(rest.get("/connectors/source/offsets", None).unwrap(), 200),
        offsets_at(35),
        "refused alterations change nothing"
    );

    // Alter to the start of the last line: resume re-reads exactly that line.
    let altered = rest
        .patch("/connectors/source/offsets", Some(offsets_at(28)))
        .unwrap();
    assert_eq!(
        body(altered, 200),
        json!({"message": "The offsets for this connector have been altered successfully"})
    );
    assert_eq!(
        body(rest.get("/connectors/source/offsets", None).unwrap(), 200),
        offsets_at(28)
    );
    assert_empty(&rest.put("/connectors/source/resume", None).unwrap(), 202);
    wait_for_states(&rest, "source", "RUNNING", &["RUNNING"]);
    let mut expected = lines.clone();
    expected.push("Line 4".into());
    assert_eq!(values(6), expected);
    wait_until(TIMEOUT, || {
        rest.get("/connectors/source/offsets", None)
            .ok()
            .and_then(|r| r.body)
            == Some(offsets_at(35))
    })
    .unwrap();
    assert_eq!(
        body(rest.get("/connectors/source/topics", None).unwrap(), 200),
        json!({"source": {"topics": [TOPIC]}})
    );

    // Reset: the whole file again. Resetting twice is fine.
    assert_empty(&rest.put("/connectors/source/stop", None).unwrap(), 204);
    wait_for_states(&rest, "source", "STOPPED", &[]);
    for _ in 0..2 {
        let reset = rest.delete("/connectors/source/offsets", None).unwrap();
        assert_eq!(
            body(reset, 200),
            json!({"message": "The offsets for this connector have been reset successfully"})
        );
    }
    assert_eq!(
        body(rest.get("/connectors/source/offsets", None).unwrap(), 200),
        json!({"offsets": []})
    );
    assert_empty(&rest.put("/connectors/source/resume", None).unwrap(), 202);
    let mut expected = expected.clone();
    expected.extend(lines.iter().cloned());
    assert_eq!(values(11), expected);
    assert_empty(&rest.delete("/connectors/source", None).unwrap(), 204);
}

#[test]
fn server_plugins_loggers_and_malformed_requests() {
    let broker = Broker::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (_worker, rest) = start(&broker, dir.path());

    // GET / and /health.
    let info = body(rest.get("/", None).unwrap(), 200);
    assert_eq!(
        info.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["version", "commit", "kafka_cluster_id"]
    );
    assert!(
        info["version"].as_str().is_some_and(|v| !v.is_empty()),
        "{info}"
    );
    assert!(info["commit"].is_string(), "{info}");
    assert!(
        info["kafka_cluster_id"]
            .as_str()
            .is_some_and(|v| !v.is_empty()),
        "nisshi has a cluster id: {info}"
    );
    assert_eq!(
        body(rest.get("/health", None).unwrap(), 200),
        json!({"status": "healthy", "message": "Worker has completed startup and is ready to handle requests."})
    );

    // Unknown paths and methods, trailing slashes.
    assert_error(&rest.get("/nope", None).unwrap(), 404, "HTTP 404 Not Found");
    assert_error(
        &rest.get("/connectors/x/tasks/abc/status", None).unwrap(),
        404,
        "HTTP 404 Not Found",
    );
    let not_allowed = rest.post("/health", None).unwrap();
    assert_error(&not_allowed, 405, "HTTP 405 Method Not Allowed");
    assert_eq!(not_allowed.header("allow"), Some("GET"));
    assert_error(
        &rest.delete("/connectors", None).unwrap(),
        405,
        "HTTP 405 Method Not Allowed",
    );
    assert_eq!(
        body(rest.get("/connectors/", None).unwrap(), 200),
        json!([])
    );
    assert_eq!(
        body(rest.get("/health/", None).unwrap(), 200)["status"],
        "healthy"
    );
    let created = rest
        .post(
            "/connectors/",
            Some(json!({"name": "slash", "config": sink_config(&dir.path().join("s.txt"), "t")})),
        )
        .unwrap();
    assert_eq!(body(created, 201)["name"], "slash");
    assert_eq!(
        body(rest.get("/connectors/slash/", None).unwrap(), 200)["name"],
        "slash"
    );
    assert_eq!(
        body(rest.get("/connectors/slash/status/", None).unwrap(), 200)["name"],
        "slash"
    );
    assert_eq!(
        body(rest.get("/connectors/slash/config/", None).unwrap(), 200)["name"],
        "slash"
    );
    assert_empty(&rest.delete("/connectors/slash/", None).unwrap(), 204);
    assert_eq!(
        body(rest.get("/connector-plugins/", None).unwrap(), 200),
        body(rest.get("/connector-plugins", None).unwrap(), 200)
    );

    // Plugins: connectors only by default, sinks before sources.
    let plugins = body(rest.get("/connector-plugins", None).unwrap(), 200);
    let plugins = plugins.as_array().unwrap();
    let types: Vec<&str> = plugins
        .iter()
        .map(|p| p["type"].as_str().unwrap())
        .collect();
    let first_source = types.iter().position(|t| *t == "source").unwrap();
    assert!(
        types[..first_source].iter().all(|t| *t == "sink")
            && types[first_source..].iter().all(|t| *t == "source"),
        "{plugins:?}"
    );
    for (class, kind) in [
        (
            "org.apache.kafka.connect.file.FileStreamSinkConnector",
            "sink",
        ),
        (
            "org.apache.kafka.connect.file.FileStreamSourceConnector",
            "source",
        ),
    ] {
        let plugin = plugins.iter().find(|p| p["class"] == class).unwrap();
        assert_eq!(plugin["type"], kind);
        assert!(plugin["version"].is_string(), "{plugin}");
    }
    let all = body(
        rest.get("/connector-plugins?connectorsOnly=false", None)
            .unwrap(),
        200,
    );
    let all = all.as_array().unwrap();
    assert_eq!(&all[..plugins.len()], plugins.as_slice());
    let json_converter = all
        .iter()
        .find(|p| {
            p["class"] == "org.apache.kafka.connect.json.JsonConverter" && p["type"] == "converter"
        })
        .unwrap_or_else(|| panic!("no JsonConverter converter in {all:?}"));
    assert!(json_converter["version"].is_string(), "{json_converter}");
    assert!(
        all.iter().any(|p| p["type"] == "header_converter"),
        "{all:?}"
    );
    assert_eq!(
        body(
            rest.get("/connector-plugins?connectorsOnly=true", None)
                .unwrap(),
            200
        )
        .as_array()
        .unwrap(),
        plugins
    );

    // Plugin config: the plugin's keys first, then the framework's.
    let keys = body(
        rest.get("/connector-plugins/FileStreamSink/config", None)
            .unwrap(),
        200,
    );
    let names: Vec<&str> = keys
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap())
        .collect();
    assert_eq!(names[0], "file", "{names:?}");
    for framework in [
        "name",
        "connector.class",
        "tasks.max",
        "topics",
        "topics.regex",
    ] {
        assert!(names.contains(&framework), "{framework} missing: {names:?}");
    }
    assert_eq!(
        keys[0],
        json!({"name": "file", "type": "STRING", "required": false, "default_value": null,
               "importance": "HIGH", "documentation": "Destination filename. If not specified, the standard output will be used",
               "group": null, "width": "NONE", "display_name": "file", "dependents": [], "order": -1})
    );
    let by_fqcn = body(
        rest.get(
            "/connector-plugins/org.apache.kafka.connect.file.FileStreamSinkConnector/config",
            None,
        )
        .unwrap(),
        200,
    );
    assert_eq!(by_fqcn, keys);
    assert_error(
        &rest.get("/connector-plugins/Nope/config", None).unwrap(),
        404,
        "Unknown plugin Nope.",
    );

    // Validate: 200 ConfigInfos even with errors; 400 for a type mismatch or no type.
    let infos = body(
        rest.put(
            "/connector-plugins/FileStreamSink/config/validate",
            Some(json!({"connector.class": "FileStreamSink", "name": "v", "topics": "t"})),
        )
        .unwrap(),
        200,
    );
    assert_eq!(infos["name"], "FileStreamSink");
    assert_eq!(infos["error_count"], 0, "{infos}");
    assert!(infos["groups"]
        .as_array()
        .unwrap()
        .contains(&json!("Common")));
    let config_names: Vec<&str> = infos["configs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["definition"]["name"].as_str().unwrap())
        .collect();
    for key in ["name", "connector.class", "topics", "file"] {
        assert!(
            config_names.contains(&key),
            "{key} missing: {config_names:?}"
        );
    }
    let topics = infos["configs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["definition"]["name"] == "topics")
        .unwrap();
    assert_eq!(
        topics["value"],
        json!({"name": "topics", "value": "t", "recommended_values": [], "errors": [], "visible": true})
    );
    let infos = body(
        rest.put(
            "/connector-plugins/FileStreamSink/config/validate",
            Some(json!({"connector.class": "FileStreamSink"})),
        )
        .unwrap(),
        200,
    );
    // name missing, topics/topics.regex missing (reported on both keys).
    assert_eq!(infos["error_count"], 3, "{infos}");
    let name = infos["configs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["definition"]["name"] == "name")
        .unwrap();
    assert_eq!(
        name["value"]["errors"],
        json!(["Missing required configuration \"name\" which has no default value."])
    );
    assert_error(
        &rest
            .put(
                "/connector-plugins/FileStreamSource/config/validate",
                Some(json!({"connector.class": "FileStreamSink", "topics": "t"})),
            )
            .unwrap(),
        400,
        "Included connector type FileStreamSink does not match request type FileStreamSource",
    );
    assert_error(
        &rest
            .put(
                "/connector-plugins/FileStreamSource/config/validate",
                Some(json!({"topics": "t"})),
            )
            .unwrap(),
        400,
        "Connector config {topics=t} contains no connector type",
    );

    // Loggers.
    let loggers = body(rest.get("/admin/loggers", None).unwrap(), 200);
    assert_eq!(loggers["root"]["level"], "INFO", "{loggers}");
    assert_eq!(loggers["root"]["last_modified"], Value::Null, "{loggers}");
    let affected = rest
        .put(
            "/admin/loggers/ferry_runtime",
            Some(json!({"level": "DEBUG"})),
        )
        .unwrap();
    // The namespace and every known logger below it (none unless FERRY_TEST_LOG names some).
    let affected = body(affected, 200);
    let affected: Vec<&str> = affected
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert!(affected.contains(&"ferry_runtime"), "{affected:?}");
    assert!(
        affected.iter().all(|n| n.starts_with("ferry_runtime")),
        "{affected:?}"
    );
    let level = body(rest.get("/admin/loggers/ferry_runtime", None).unwrap(), 200);
    assert_eq!(level["level"], "DEBUG", "{level}");
    assert!(level["last_modified"].as_u64().is_some(), "{level}");
    let listed = body(rest.get("/admin/loggers/", None).unwrap(), 200);
    assert_eq!(listed["ferry_runtime"], level);
    // Setting the same level again keeps last_modified.
    body(
        rest.put(
            "/admin/loggers/ferry_runtime",
            Some(json!({"level": "debug"})),
        )
        .unwrap(),
        200,
    );
    assert_eq!(
        body(rest.get("/admin/loggers/ferry_runtime", None).unwrap(), 200),
        level
    );
    assert_empty(
        &rest
            .put(
                "/admin/loggers/ferry_runtime?scope=cluster",
                Some(json!({"level": "INFO"})),
            )
            .unwrap(),
        204,
    );
    assert_eq!(
        body(rest.get("/admin/loggers/ferry_runtime", None).unwrap(), 200)["level"],
        "INFO"
    );
    assert_error(
        &rest
            .put(
                "/admin/loggers/ferry_runtime",
                Some(json!({"level": "LOUD"})),
            )
            .unwrap(),
        404,
        "invalid log level 'LOUD'.",
    );
    assert_error(
        &rest
            .put("/admin/loggers/ferry_runtime", Some(json!({})))
            .unwrap(),
        400,
        "Desired 'level' parameter was not specified in request.",
    );
    assert_error(
        &rest.get("/admin/loggers/no.such.logger", None).unwrap(),
        404,
        "Logger no.such.logger not found.",
    );

    // Malformed and mis-shaped bodies: 400 with a JSON error body (Kafka: 500; see
    // docs/compatibility.md).
    let raw = RawClient::new(rest.base_url());
    for (method, path, text) in [
        ("POST", "/connectors", "{\"name\": \"x\", "),
        ("POST", "/connectors", "not json"),
        ("PUT", "/connectors/x/config", "{"),
        ("PATCH", "/connectors/x/config", "[1, 2"),
        ("PATCH", "/connectors/x/offsets", "{\"offsets\": "),
        (
            "PUT",
            "/connector-plugins/FileStreamSink/config/validate",
            "}",
        ),
        ("PUT", "/admin/loggers/root", "{level: DEBUG}"),
    ] {
        let (status, reply) = raw.send(method, path, text);
        assert_eq!(status, 400, "{method} {path} {text:?}: {reply}");
        let error: Value = serde_json::from_str(&reply).unwrap();
        assert_eq!(error["error_code"], 400, "{error}");
        assert!(
            error["message"]
                .as_str()
                .unwrap()
                .starts_with("Malformed JSON in request body"),
            "{error}"
        );
    }
    let shape = rest
        .post("/connectors", Some(json!({"name": "x", "config": []})))
        .unwrap();
    assert_error(
        &shape,
        400,
        "Field 'config' must be a JSON object, but was an array",
    );
    let shape = rest
        .post("/connectors", Some(json!({"name": "x"})))
        .unwrap();
    assert_error(
        &shape,
        400,
        "Missing required field 'config' in the request body",
    );
    let shape = rest
        .put("/connectors/x/config", Some(json!(["a"])))
        .unwrap();
    assert_eq!(shape.status, 400, "{shape:?}");
    shape.error_message().unwrap();
    let (status, text) = raw.send("POST", "/connectors", "");
    assert_eq!(status, 400, "{text}");
    assert!(text.contains("Request body is empty"), "{text}");
    assert_eq!(body(rest.get("/connectors", None).unwrap(), 200), json!([]));
}

/// Sends raw (possibly malformed) bodies, which [`RestClient`] cannot.
struct RawClient {
    base_url: String,
    agent: ureq::Agent,
}

impl RawClient {
    fn new(base_url: &str) -> RawClient {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(TIMEOUT))
            .build();
        RawClient {
            base_url: base_url.to_owned(),
            agent: config.new_agent(),
        }
    }

    fn send(&self, method: &str, path: &str, text: &str) -> (u16, String) {
        let request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base_url))
            .header("Content-Type", "application/json")
            .body(text.as_bytes().to_vec())
            .unwrap();
        let mut response = self.agent.run(request).unwrap();
        let status = response.status().as_u16();
        (status, response.body_mut().read_to_string().unwrap())
    }
}
