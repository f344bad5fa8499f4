//! `GET|PATCH|DELETE /connectors/{name}/offsets`.

use serde_json::json;

use super::harness::TestServer;

const NOT_STOPPED: &str = "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/source/stop' endpoint";

#[tokio::test]
async fn get_offsets() {
    let t = TestServer::start().await;
    let response = t.get("/connectors/source/offsets").await;
    assert_eq!(response.status, 200);
    assert_eq!(
        response.json(),
        json!({"offsets": [{"partition": {"filename": "/tmp/in"}, "offset": {"position": 42}}]})
    );
    assert_eq!(
        t.get("/connectors/nope/offsets").await.error(404),
        "Connector nope not found"
    );
}

#[tokio::test]
async fn alter_and_reset_need_a_stopped_connector() {
    let t = TestServer::start().await;
    let body =
        json!({"offsets": [{"partition": {"filename": "/tmp/in"}, "offset": {"position": 7}}]});
    let message = t
        .send_json("PATCH", "/connectors/source/offsets", body.clone())
        .await
        .error(400);
    assert_eq!(message, NOT_STOPPED);
    let message = t
        .send("DELETE", "/connectors/source/offsets", None)
        .await
        .error(400);
    assert_eq!(message, NOT_STOPPED);

    t.send("PUT", "/connectors/source/stop", None)
        .await
        .assert_empty(204);
    let altered = t
        .send_json("PATCH", "/connectors/source/offsets", body)
        .await;
    assert_eq!(altered.status, 200);
    assert_eq!(
        altered.json(),
        json!({"message": "The offsets for this connector have been altered successfully"})
    );
    assert_eq!(
        t.herder.calls(),
        [
            r#"alter offsets source {"offsets":[{"partition":{"filename":"/tmp/in"},"offset":{"position":7}}]}"#
        ]
    );
    let reset = t.send("DELETE", "/connectors/source/offsets/", None).await;
    assert_eq!(reset.status, 200);
    assert_eq!(
        reset.json()["message"],
        "The offsets for this connector have been reset successfully"
    );

    let body = json!({"offsets": [{"partition": {"p": 1}, "offset": null}]});
    assert_eq!(
        t.send_json("PATCH", "/connectors/nope/offsets", body)
            .await
            .error(404),
        "Connector nope not found"
    );
    assert_eq!(
        t.send("DELETE", "/connectors/nope/offsets", None)
            .await
            .error(404),
        "Connector nope not found"
    );
}

#[tokio::test]
async fn alter_rejects_bad_shapes() {
    let t = TestServer::start().await;
    let missing = "Partitions / offsets need to be provided for an alter offsets request";
    for body in [json!({}), json!({"offsets": null}), json!({"offsets": []})] {
        let message = t
            .send_json("PATCH", "/connectors/source/offsets", body)
            .await
            .error(400);
        assert_eq!(message, missing);
    }
    let cases = [
        (
            json!({"offsets": "x"}),
            "Field 'offsets' must be a JSON array, but was a string",
        ),
        (
            json!({"offsets": [], "extra": 1}),
            "Unrecognized field 'extra'",
        ),
        (
            json!({"offsets": [{"offset": {}}]}),
            "The partition for a connector offset cannot be null or missing",
        ),
        (
            json!({"offsets": [{"partition": 5}]}),
            "must be a JSON object, but was a number",
        ),
        (
            json!({"offsets": [{"partition": {}, "offset": []}]}),
            "must be a JSON object or null, but was an array",
        ),
    ];
    for (body, expected) in cases {
        let message = t
            .send_json("PATCH", "/connectors/source/offsets", body)
            .await
            .error(400);
        assert!(message.contains(expected), "{message}");
    }
    let message = t
        .send("PATCH", "/connectors/source/offsets", Some("{offsets"))
        .await
        .error(400);
    assert!(
        message.starts_with("Malformed JSON in request body"),
        "{message}"
    );
}
