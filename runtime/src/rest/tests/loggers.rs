//! `/admin/loggers`.

use serde_json::json;

use super::harness::TestServer;

#[tokio::test]
async fn list_and_get() {
    let t = TestServer::start().await;
    let all = t.get("/admin/loggers").await;
    assert_eq!(all.status, 200);
    assert_eq!(
        all.json(),
        json!({"root": {"level": "INFO", "last_modified": null}})
    );
    let root = t.get("/admin/loggers/ROOT").await.json();
    assert_eq!(root, json!({"level": "INFO", "last_modified": null}));
    let message = t
        .get("/admin/loggers/org.apache.kafka.connect")
        .await
        .error(404);
    assert_eq!(message, "Logger org.apache.kafka.connect not found.");
}

#[tokio::test]
async fn set_worker_scope() {
    let t = TestServer::start().await;
    let before = now_millis();
    let response = t
        .send_json(
            "PUT",
            "/admin/loggers/ferry_runtime",
            json!({"level": "debug"}),
        )
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), json!(["ferry_runtime"]));
    let child = t
        .send_json(
            "PUT",
            "/admin/loggers/ferry_runtime::task?scope=worker",
            json!({"level": "TRACE"}),
        )
        .await;
    assert_eq!(child.json(), json!(["ferry_runtime::task"]));
    let parent = t
        .send_json(
            "PUT",
            "/admin/loggers/ferry_runtime/",
            json!({"level": "WARN"}),
        )
        .await;
    assert_eq!(
        parent.json(),
        json!(["ferry_runtime", "ferry_runtime::task"])
    );

    let level = t.get("/admin/loggers/ferry_runtime::task").await.json();
    assert_eq!(level["level"], "WARN");
    assert!(level["last_modified"].as_u64().unwrap() >= before);
    let all = t.get("/admin/loggers").await.json();
    assert_eq!(
        all.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["ferry_runtime", "ferry_runtime::task", "root"]
    );
    assert_eq!(
        t.loggers.filter_spec(),
        "info,ferry_runtime=warn,ferry_runtime::task=warn"
    );
}

#[tokio::test]
async fn set_cluster_scope_and_unknown_scope() {
    let t = TestServer::start().await;
    let response = t
        .send_json(
            "PUT",
            "/admin/loggers/ferry?scope=cluster",
            json!({"level": "ERROR"}),
        )
        .await;
    response.assert_empty(204);
    assert_eq!(t.get("/admin/loggers/ferry").await.json()["level"], "ERROR");
    let response = t
        .send_json(
            "PUT",
            "/admin/loggers/ferry?scope=galaxy",
            json!({"level": "FATAL"}),
        )
        .await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), json!(["ferry"]));
    assert_eq!(t.get("/admin/loggers/ferry").await.json()["level"], "FATAL");
    let root = t
        .send_json("PUT", "/admin/loggers/root", json!({"level": "off"}))
        .await;
    assert_eq!(root.json(), json!(["ferry", "root"]));
    assert_eq!(t.loggers.filter_spec(), "off,ferry=off");
}

#[tokio::test]
async fn set_errors() {
    let t = TestServer::start().await;
    let message = t
        .send_json("PUT", "/admin/loggers/ferry", json!({"level": "LOUD"}))
        .await
        .error(404);
    assert_eq!(message, "invalid log level 'LOUD'.");
    let message = t
        .send_json("PUT", "/admin/loggers/ferry", json!({"lvl": "INFO"}))
        .await
        .error(400);
    assert_eq!(
        message,
        "Desired 'level' parameter was not specified in request."
    );
    let message = t
        .send_json("PUT", "/admin/loggers/ferry", json!({"level": null}))
        .await
        .error(400);
    assert_eq!(
        message,
        "Desired 'level' parameter was not specified in request."
    );
    let message = t
        .send("PUT", "/admin/loggers/ferry", Some("{"))
        .await
        .error(400);
    assert!(message.starts_with("Malformed JSON"), "{message}");
    let message = t
        .send_json("PUT", "/admin/loggers/a%3Db", json!({"level": "INFO"}))
        .await
        .error(400);
    assert!(
        message.starts_with("Logger name 'a=b' cannot be used as a tracing target"),
        "{message}"
    );
    let message = t
        .send("DELETE", "/admin/loggers/ferry", None)
        .await
        .error(405);
    assert_eq!(message, "HTTP 405 Method Not Allowed");
}

fn now_millis() -> u64 {
    let elapsed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    elapsed.as_millis() as u64
}
