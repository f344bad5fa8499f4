//! Server-wide behaviour: root resources, routing errors, readiness, listeners, timeouts,
//! request logging and shutdown.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use tokio::net::TcpListener;
use tracing_subscriber::layer::SubscriberExt as _;

use super::fake::FakeHerder;
use super::harness::{assert_golden, request, TestServer};
use crate::logging::Loggers;
use crate::rest::{serve_with_shutdown, Resources, RestOptions, RestServer};

#[tokio::test]
async fn root_and_health() {
    let t = TestServer::start().await;
    let root = t.get("/").await;
    assert_eq!(root.status, 200);
    assert_golden("server_info", &root.json());

    let health = t.get("/health/").await;
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "healthy");
    for (status, code) in [("starting", 503), ("unhealthy", 500)] {
        *t.herder.health.lock().unwrap() = crate::herder::WorkerHealth {
            status: status.into(),
            message: "m".into(),
        };
        let health = t.get("/health").await;
        assert_eq!(health.status, code);
        assert_eq!(health.json(), json!({"status": status, "message": "m"}));
    }
}

#[tokio::test]
async fn unknown_paths_and_methods() {
    let t = TestServer::start().await;
    for path in [
        "/nope",
        "/connectors/a/b/c",
        "/admin",
        "//connectors",
        "/connectors/x/tasks/-1/status",
    ] {
        let response = t.get(path).await;
        assert_eq!(response.error(404), "HTTP 404 Not Found", "{path}");
    }
    let response = t.send("DELETE", "/connectors", None).await;
    assert_eq!(response.error(405), "HTTP 405 Method Not Allowed");
    assert_eq!(response.header("allow"), Some("GET, POST"));
    let head = t.send("HEAD", "/connectors", None).await;
    assert_eq!(head.status, 200);
    assert!(head.body.is_empty());
}

#[tokio::test]
async fn requests_before_start_are_404() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let server =
        RestServer::from_listeners(vec![(listener, Resources::ALL)], RestOptions::default())
            .await
            .unwrap();
    let addr = server.local_addrs()[0];
    assert_eq!(
        request(addr, "GET", "/", None).await.error(404),
        "HTTP 404 Not Found"
    );
    server.start(
        Arc::new(FakeHerder::new()),
        Arc::new(Loggers::detached("info")),
    );
    assert_eq!(request(addr, "GET", "/", None).await.status, 200);
    server.shutdown().await;
    assert!(
        tokio::net::TcpStream::connect(addr).await.is_err(),
        "listener is closed"
    );
}

#[tokio::test]
async fn admin_listeners_split_resources() {
    let regular = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let admin = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let listeners = vec![(regular, Resources::CONNECT), (admin, Resources::ADMIN)];
    let server = RestServer::from_listeners(listeners, RestOptions::default())
        .await
        .unwrap();
    server.start(
        Arc::new(FakeHerder::new()),
        Arc::new(Loggers::detached("info")),
    );
    let (regular, admin) = (server.local_addrs()[0], server.admin_addrs()[0]);
    assert_eq!(
        request(regular, "GET", "/connectors", None).await.status,
        200
    );
    assert_eq!(
        request(regular, "GET", "/admin/loggers", None)
            .await
            .error(404),
        "HTTP 404 Not Found"
    );
    assert_eq!(
        request(admin, "GET", "/admin/loggers", None).await.status,
        200
    );
    assert_eq!(
        request(admin, "GET", "/connectors", None).await.error(404),
        "HTTP 404 Not Found"
    );
}

#[tokio::test]
async fn bind_from_worker_config() {
    let listener = crate::config::worker::Listener {
        host: "127.0.0.1".into(),
        port: 0,
    };
    let config = crate::config::worker::RestConfig {
        listeners: vec![listener.clone()],
        admin_listeners: Some(vec![listener]),
        advertised_host_name: None,
        advertised_port: None,
        access_control_allow_origin: String::new(),
        access_control_allow_methods: String::new(),
        response_http_headers: String::new(),
    };
    let server = RestServer::bind(&config, RestOptions::default())
        .await
        .unwrap();
    assert_eq!(server.local_addrs().len(), 1);
    assert_eq!(server.admin_addrs().len(), 1);
    assert_ne!(server.local_addrs()[0].port(), 0);
}

#[tokio::test]
async fn herder_timeouts_are_500() {
    let options = RestOptions {
        request_timeout: Duration::from_millis(100),
        health_check_timeout: Duration::from_millis(100),
        ..RestOptions::default()
    };
    let t = TestServer::with_options(options).await;
    t.herder
        .add("slow", &[("connector.class", "X"), ("fake.info", "slow")]);
    assert_eq!(
        t.get("/connectors/slow").await.error(500),
        "Request timed out"
    );
    t.herder.health.lock().unwrap().status = "slow".into();
    let health = t.get("/health").await;
    assert_eq!(health.status, 500);
    let message =
        "Worker was unable to handle this request and may be unable to handle other requests.";
    assert_eq!(
        health.json(),
        json!({"status": "unhealthy", "message": message})
    );
}

#[tokio::test]
async fn herder_panics_are_500() {
    let t = TestServer::start().await;
    t.herder
        .add("boom", &[("connector.class", "X"), ("fake.info", "panic")]);
    let message = t.get("/connectors/boom").await.error(500);
    assert_eq!(
        message,
        "Request failed because of an internal error in the worker"
    );
    assert_eq!(
        t.get("/connectors/source").await.status,
        200,
        "server still serves"
    );
}

#[tokio::test]
async fn oversized_bodies_are_413() {
    let options = RestOptions {
        max_body_bytes: 16,
        ..RestOptions::default()
    };
    let t = TestServer::with_options(options).await;
    let body = json!({"connector.class": "a-long-enough-class-name"}).to_string();
    let message = t
        .send("PUT", "/connectors/x/config", Some(&body))
        .await
        .error(413);
    assert_eq!(message, "Request body is larger than 16 bytes");
}

#[tokio::test]
async fn serve_with_shutdown_stops_on_signal() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let herder = Arc::new(FakeHerder::new());
    let loggers = Arc::new(Loggers::detached("info"));
    let signal = async {
        let _ = stopped.await;
    };
    let task = tokio::spawn(serve_with_shutdown(
        listener,
        herder,
        loggers,
        RestOptions::default(),
        signal,
    ));
    assert_eq!(
        request(addr, "GET", "/connectors", None).await.json(),
        json!([])
    );
    stop.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn shutdown_handle_lets_in_flight_requests_finish() {
    let t = TestServer::start().await;
    t.herder
        .add("slow", &[("connector.class", "X"), ("fake.info", "slow")]);
    let addr = t.addr;
    let in_flight =
        tokio::spawn(async move { request(addr, "GET", "/connectors/slow", None).await });
    while !t.herder.calls().contains(&"slow info slow".to_owned()) {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let handle = t.server.shutdown_handle();
    handle.shutdown();
    t.server.join().await;
    let response = in_flight.await.unwrap();
    assert_eq!(response.status, 200, "the in-flight request completed");
}

/// Collects the fields of `REST request handled.` events.
#[derive(Clone, Default)]
struct Requests(Arc<Mutex<Vec<Fields>>>);

/// The fields of one event, rendered with `Debug`.
type Fields = Vec<(String, String)>;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Requests {
    fn on_event(&self, event: &tracing::Event<'_>, _: tracing_subscriber::layer::Context<'_, S>) {
        struct Visitor(Fields);
        impl tracing::field::Visit for Visitor {
            fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
                self.0.push((field.name().to_owned(), format!("{value:?}")));
            }
        }
        let mut fields = Visitor(Vec::new());
        event.record(&mut fields);
        if *event.metadata().level() == tracing::Level::INFO
            && fields
                .0
                .iter()
                .any(|(k, v)| k == "message" && v == "REST request handled.")
        {
            self.0.lock().unwrap().push(fields.0);
        }
    }
}

#[tokio::test]
async fn requests_are_logged_at_info() {
    let requests = Requests::default();
    let subscriber = tracing_subscriber::registry().with(requests.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    let t = TestServer::start().await;
    assert_eq!(t.get("/connectors/nope?x=1").await.status, 404);
    let logged = requests.0.lock().unwrap().clone();
    let fields = logged.last().expect("a request was logged");
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("method"), Some("GET"));
    assert_eq!(get("path"), Some("/connectors/nope"));
    assert_eq!(get("query"), Some("x=1"));
    assert_eq!(get("status"), Some("404"));
    assert!(get("millis").is_some());
}
