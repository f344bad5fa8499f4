//! `/connector-plugins`.

use serde_json::json;

use super::harness::{assert_golden, TestServer};

const SOURCE_CLASS: &str = "org.apache.kafka.connect.file.FileStreamSourceConnector";

#[tokio::test]
async fn list_plugins() {
    let t = TestServer::start().await;
    let connectors = t.get("/connector-plugins").await;
    assert_eq!(connectors.status, 200);
    assert_golden("connector_plugins", &connectors.json());
    assert_eq!(
        t.get("/connector-plugins/?connectorsOnly=true")
            .await
            .json(),
        connectors.json()
    );
    let all = t
        .get("/connector-plugins?connectorsOnly=false")
        .await
        .json();
    assert_eq!(all.as_array().unwrap().len(), 3);
    assert_eq!(
        all[2],
        json!({"class": "org.apache.kafka.connect.json.JsonConverter", "type": "converter"})
    );
}

#[tokio::test]
async fn plugin_config() {
    let t = TestServer::start().await;
    let keys = t.get("/connector-plugins/FileStreamSource/config").await;
    assert_eq!(keys.status, 200);
    assert_eq!(keys.json()[0]["name"], "file");
    let message = t.get("/connector-plugins/Nope/config/").await.error(404);
    assert_eq!(message, "Unknown plugin Nope.");
}

#[tokio::test]
async fn validate() {
    let t = TestServer::start().await;
    let config = json!({"connector.class": SOURCE_CLASS, "file": "/tmp/in"});
    for plugin in [
        SOURCE_CLASS,
        "FileStreamSourceConnector",
        "FileStreamSource",
    ] {
        let path = format!("/connector-plugins/{plugin}/config/validate");
        let response = t.send_json("PUT", &path, config.clone()).await;
        assert_eq!(response.status, 200, "{plugin}");
        assert_eq!(response.json()["name"], SOURCE_CLASS);
        assert_eq!(response.json()["error_count"], 0);
    }

    let path = "/connector-plugins/FileStreamSink/config/validate";
    let message = t.send_json("PUT", path, config).await.error(400);
    assert_eq!(
        message,
        format!(
            "Included connector type {SOURCE_CLASS} does not match request type FileStreamSink"
        )
    );

    let message = t
        .send_json("PUT", path, json!({"b": "2", "a": 1}))
        .await
        .error(400);
    assert_eq!(
        message,
        "Connector config {a=1, b=2} contains no connector type"
    );
    let message = t.send("PUT", path, Some("nope")).await.error(400);
    assert!(
        message.starts_with("Malformed JSON in request body"),
        "{message}"
    );
    assert_eq!(
        t.send("POST", path, Some("{}")).await.error(405),
        "HTTP 405 Method Not Allowed"
    );
}
