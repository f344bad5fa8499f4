//! Restarts, pause/resume/stop and active topics.

use serde_json::json;

use super::harness::{assert_golden, TestServer};
use crate::config::TargetState;
use crate::rest::RestOptions;

#[tokio::test]
async fn plain_restart_is_204() {
    let t = TestServer::start().await;
    t.send("POST", "/connectors/source/restart", None)
        .await
        .assert_empty(204);
    t.send(
        "POST",
        "/connectors/source/restart?includeTasks=false&onlyFailed=FALSE",
        None,
    )
    .await
    .assert_empty(204);
    assert_eq!(
        t.herder.calls(),
        [
            "restart source tasks=false failed=false",
            "restart source tasks=false failed=false"
        ]
    );
    let message = t
        .send("POST", "/connectors/nope/restart", None)
        .await
        .error(404);
    assert_eq!(message, "Connector nope not found");
}

#[tokio::test]
async fn restart_with_tasks_is_202_with_plan() {
    let t = TestServer::start().await;
    let response = t
        .send("POST", "/connectors/source/restart?includeTasks=true", None)
        .await;
    assert_eq!(response.status, 202);
    assert_golden("restart_plan", &response.json());

    let response = t
        .send(
            "POST",
            "/connectors/source/restart?onlyFailed=true&includeTasks=True",
            None,
        )
        .await;
    assert_eq!(response.status, 202);
    assert_eq!(response.json()["connector"]["state"], "RUNNING");
    assert_eq!(t.herder.calls()[1], "restart source tasks=true failed=true");
    for query in [
        "includeTasks=true",
        "onlyFailed=true",
        "includeTasks=true&onlyFailed=true",
    ] {
        let path = format!("/connectors/nope/restart?{query}");
        assert_eq!(
            t.send("POST", &path, None).await.error(404),
            "Connector nope not found"
        );
    }
}

#[tokio::test]
async fn task_restart() {
    let t = TestServer::start().await;
    t.send("POST", "/connectors/source/tasks/0/restart", None)
        .await
        .assert_empty(204);
    let message = t
        .send("POST", "/connectors/source/tasks/3/restart", None)
        .await
        .error(404);
    assert_eq!(message, "Task source-3 not found");
    let message = t
        .send("POST", "/connectors/nope/tasks/0/restart", None)
        .await
        .error(404);
    assert_eq!(message, "Connector nope not found");
}

#[tokio::test]
async fn pause_resume_stop() {
    let t = TestServer::start().await;
    t.send("PUT", "/connectors/source/pause", None)
        .await
        .assert_empty(202);
    assert_eq!(t.herder.target_state("source"), Some(TargetState::Paused));
    t.send("PUT", "/connectors/source/resume/", None)
        .await
        .assert_empty(202);
    assert_eq!(t.herder.target_state("source"), Some(TargetState::Started));
    t.send("PUT", "/connectors/source/stop", None)
        .await
        .assert_empty(204);
    assert_eq!(t.herder.target_state("source"), Some(TargetState::Stopped));
    for action in ["pause", "resume", "stop"] {
        let path = format!("/connectors/nope/{action}");
        assert_eq!(
            t.send("PUT", &path, None).await.error(404),
            "Unknown connector nope"
        );
    }
    assert_eq!(
        t.send("POST", "/connectors/source/pause", None)
            .await
            .error(405),
        "HTTP 405 Method Not Allowed"
    );
}

#[tokio::test]
async fn topics() {
    let t = TestServer::start().await;
    let response = t.get("/connectors/source/topics").await;
    assert_eq!(response.status, 200);
    assert_eq!(response.json(), json!({"source": {"topics": ["t"]}}));
    let unknown = t.get("/connectors/never%20created/topics").await.json();
    assert_eq!(unknown, json!({"never created": {"topics": []}}));
    t.send("PUT", "/connectors/source/topics/reset", None)
        .await
        .assert_empty(202);
    assert_eq!(t.herder.calls(), ["reset topics source"]);
}

#[tokio::test]
async fn topic_tracking_switches() {
    let options = RestOptions {
        topic_tracking_enabled: false,
        ..RestOptions::default()
    };
    let t = TestServer::with_options(options).await;
    assert_eq!(
        t.get("/connectors/source/topics").await.error(403),
        "Topic tracking is disabled."
    );
    let message = t
        .send("PUT", "/connectors/source/topics/reset", None)
        .await
        .error(403);
    assert_eq!(message, "Topic tracking is disabled.");

    let options = RestOptions {
        topic_tracking_reset_enabled: false,
        ..RestOptions::default()
    };
    let t = TestServer::with_options(options).await;
    assert_eq!(t.get("/connectors/source/topics").await.status, 200);
    let message = t
        .send("PUT", "/connectors/source/topics/reset", None)
        .await
        .error(403);
    assert_eq!(message, "Topic tracking reset is disabled.");
}
