//! Connector CRUD, status and listings.

use serde_json::json;

use super::harness::{assert_golden, TestServer};
use crate::config::TargetState;

const SOURCE_CLASS: &str = "org.apache.kafka.connect.file.FileStreamSourceConnector";

#[tokio::test]
async fn list_names() {
    let t = TestServer::start().await;
    t.herder.add_source("other");
    let response = t.get("/connectors").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), json!(["other", "source"]));
    assert_eq!(
        t.get("/connectors/").await.json(),
        json!(["other", "source"])
    );
}

#[tokio::test]
async fn list_expanded() {
    let t = TestServer::start().await;
    t.herder.add(
        "sink",
        &[("connector.class", "FileStreamSink"), ("topics", "t")],
    );
    t.herder.add(
        "fresh",
        &[
            ("connector.class", "FileStreamSink"),
            ("fake.status", "missing"),
        ],
    );
    let both = t.get("/connectors?expand=status&expand=info").await;
    assert_eq!(both.status, 200);
    assert_golden("connectors_expanded", &both.json());

    let status = t.get("/connectors?expand=status").await.json();
    assert_eq!(status["sink"].as_object().unwrap().len(), 1);
    assert_eq!(status["sink"]["status"]["connector"]["state"], "RUNNING");
    assert!(
        status.get("fresh").is_none(),
        "status 404s are left out: {status}"
    );

    let info = t.get("/connectors?expand=info").await.json();
    assert_eq!(info["fresh"]["info"]["type"], "sink");
    assert_eq!(info["source"]["info"]["type"], "source");

    let unknown = t.get("/connectors?expand=foo").await.json();
    assert_eq!(unknown, json!({"fresh": {}, "sink": {}, "source": {}}));
}

#[tokio::test]
async fn create_returns_201_with_location() {
    let t = TestServer::start().await;
    let body = json!({
        "name": "my conn/1",
        "config": {"connector.class": SOURCE_CLASS, "tasks.max": 1, "file": "/tmp/x"},
    });
    let response = t.send_json("POST", "/connectors", body).await;
    assert_eq!(response.status, 201, "{:?}", response);
    let location = format!("http://{}/connectors/my%20conn%2F1", t.addr);
    assert_eq!(response.header("location"), Some(location.as_str()));
    let info = response.json();
    assert_eq!(info["name"], "my conn/1");
    assert_eq!(
        info["config"]["name"], "my conn/1",
        "name is put into the config"
    );
    assert_eq!(
        info["config"]["tasks.max"], "1",
        "numbers are coerced to strings"
    );
    assert_eq!(info["type"], "source");
    assert_eq!(
        t.herder.calls(),
        ["put my conn/1 replace=false initial=None"]
    );

    let encoded = t.get("/connectors/my%20conn%2F1").await;
    assert_eq!(encoded.status, 200);
    assert_eq!(encoded.json()["name"], "my conn/1");
}

#[tokio::test]
async fn create_with_initial_state() {
    let t = TestServer::start().await;
    for (name, state, expected) in [
        ("a", "stopped", TargetState::Stopped),
        ("b", "PAUSED", TargetState::Paused),
        ("c", "Running", TargetState::Started),
    ] {
        let body = json!({"name": name, "config": {"connector.class": SOURCE_CLASS}, "initial_state": state});
        assert_eq!(t.send_json("POST", "/connectors", body).await.status, 201);
        assert_eq!(t.herder.target_state(name), Some(expected));
    }
    let body =
        json!({"name": "d", "config": {"connector.class": SOURCE_CLASS}, "initial_state": "GONE"});
    let message = t.send_json("POST", "/connectors", body).await.error(400);
    assert!(message.contains("initial_state"), "{message}");
}

#[tokio::test]
async fn create_errors() {
    let t = TestServer::start().await;
    let body = json!({"name": "source", "config": {"connector.class": SOURCE_CLASS}});
    let message = t.send_json("POST", "/connectors", body).await.error(409);
    assert_eq!(message, "Connector source already exists");

    let body = json!({"name": " x ", "config": {"connector.class": SOURCE_CLASS, "name": "y"}});
    let message = t.send_json("POST", "/connectors", body).await.error(400);
    assert_eq!(
        message,
        "Connector name configuration (y) doesn't match connector name in the URL (x)"
    );

    let message = t
        .send_json("POST", "/connectors", json!({"name": "x"}))
        .await
        .error(400);
    assert_eq!(
        message,
        "Missing required field 'config' in the request body"
    );

    let body = json!({"name": "x", "config": {"file": "f"}});
    let message = t.send_json("POST", "/connectors", body).await.error(400);
    assert_eq!(
        message,
        "Connector config {file=f, name=x} contains no connector type"
    );

    let message = t
        .send("POST", "/connectors", Some("{\"name\": "))
        .await
        .error(400);
    assert!(
        message.starts_with("Malformed JSON in request body"),
        "{message}"
    );
    let message = t.send("POST", "/connectors", Some("[]")).await.error(400);
    assert!(message.contains("but was an array"), "{message}");
    let message = t.send("POST", "/connectors", None).await.error(400);
    assert!(message.starts_with("Request body is empty"), "{message}");
    let body = json!({"name": "x", "config": {"connector.class": SOURCE_CLASS, "bad": ["a"]}});
    let message = t.send_json("POST", "/connectors", body).await.error(400);
    assert_eq!(
        message,
        "Connector configuration values must be strings, but the value of 'bad' is an array"
    );
}

#[tokio::test]
async fn get_and_delete() {
    let t = TestServer::start().await;
    let info = t.get("/connectors/source").await;
    assert_eq!(info.status, 200);
    assert_golden("connector_info", &info.json());
    assert_eq!(t.get("/connectors/source/").await.json(), info.json());

    let config = t.get("/connectors/source/config").await;
    assert_eq!(config.status, 200);
    assert_eq!(config.json()["file"], "/tmp/in");

    t.send("DELETE", "/connectors/source", None)
        .await
        .assert_empty(204);
    assert_eq!(
        t.get("/connectors/source").await.error(404),
        "Connector source not found"
    );
    assert_eq!(
        t.send("DELETE", "/connectors/source/", None)
            .await
            .error(404),
        "Connector source not found"
    );
    assert_eq!(
        t.get("/connectors/source/config").await.error(404),
        "Connector source not found"
    );
}

#[tokio::test]
async fn put_config_creates_then_updates() {
    let t = TestServer::start().await;
    let config = json!({"connector.class": SOURCE_CLASS, "file": "/a"});
    let created = t
        .send_json("PUT", "/connectors/new%20one/config", config.clone())
        .await;
    assert_eq!(created.status, 201);
    let location = format!("http://{}/connectors/new%20one", t.addr);
    assert_eq!(created.header("location"), Some(location.as_str()));
    assert_eq!(created.json()["config"]["name"], "new one");

    let updated = t
        .send_json("PUT", "/connectors/new%20one/config/", config)
        .await;
    assert_eq!(updated.status, 200);
    assert_eq!(updated.header("location"), None);
    assert_eq!(t.herder.calls().len(), 2);

    let mismatch = json!({"connector.class": SOURCE_CLASS, "name": "other"});
    let message = t
        .send_json("PUT", "/connectors/new%20one/config", mismatch)
        .await
        .error(400);
    assert_eq!(
        message,
        "Connector name configuration (other) doesn't match connector name in the URL (new one)"
    );

    let message = t
        .send_json("PUT", "/connectors/x/config", json!({"a": null}))
        .await
        .error(400);
    assert!(message.contains("'a' is null"), "{message}");
    let message = t
        .send_json("PUT", "/connectors/x/config", json!("text"))
        .await
        .error(400);
    assert!(message.contains("but was a string"), "{message}");
}

#[tokio::test]
async fn patch_config() {
    let t = TestServer::start().await;
    let response = t
        .send_json(
            "PATCH",
            "/connectors/source/config",
            json!({"file": "/b", "topic": null, "x": 5}),
        )
        .await;
    assert_eq!(response.status, 200);
    let config = &response.json()["config"];
    assert_eq!(config["file"], "/b");
    assert_eq!(config["x"], "5");
    assert!(config.get("topic").is_none(), "{config}");

    let message = t
        .send_json("PATCH", "/connectors/nope/config", json!({}))
        .await
        .error(404);
    assert_eq!(message, "Connector nope not found");
    let message = t
        .send_json("PATCH", "/connectors/source/config", json!({"a": {}}))
        .await
        .error(400);
    assert!(message.contains("'a' is an object"), "{message}");
}

#[tokio::test]
async fn status_and_tasks() {
    let t = TestServer::start().await;
    let status = t.get("/connectors/source/status").await;
    assert_eq!(status.status, 200);
    assert_golden("connector_status", &status.json());
    assert_eq!(
        t.get("/connectors/nope/status").await.error(404),
        "No status found for connector nope"
    );

    let tasks = t.get("/connectors/source/tasks").await.json();
    assert_eq!(tasks[0]["id"], json!({"connector": "source", "task": 0}));
    assert_eq!(
        tasks[0]["config"]["task.class"],
        "org.apache.kafka.connect.file.FileStreamSourceTask"
    );
    assert_eq!(
        t.get("/connectors/nope/tasks").await.error(404),
        "Connector nope not found"
    );

    let by_id = t.get("/connectors/source/tasks-config").await.json();
    assert_eq!(by_id["source-0"]["file"], "/tmp/in");

    let task = t.get("/connectors/source/tasks/0/status").await;
    assert_eq!(
        task.json(),
        json!({"id": 0, "state": "RUNNING", "worker_id": "127.0.0.1:8083"})
    );
    let message = t.get("/connectors/source/tasks/7/status").await.error(404);
    assert_eq!(message, "No status found for task source-7");
    assert_eq!(
        t.get("/connectors/source/tasks/x/status").await.error(404),
        "HTTP 404 Not Found"
    );
}
