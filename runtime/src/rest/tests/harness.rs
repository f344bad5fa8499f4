//! A real server on 127.0.0.1:0 in front of a [`FakeHerder`], and a minimal HTTP/1.1 client
//! over a raw TCP socket (so the tests see exactly what goes on the wire).

use std::net::SocketAddr;
use std::sync::Arc;

use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};

use super::fake::FakeHerder;
use crate::logging::Loggers;
use crate::rest::{Resources, RestOptions, RestServer};

pub struct TestServer {
    pub server: RestServer,
    pub addr: SocketAddr,
    pub herder: Arc<FakeHerder>,
    pub loggers: Arc<Loggers>,
}

impl TestServer {
    /// A started server with default options and a file source named `source`.
    pub async fn start() -> TestServer {
        TestServer::with_options(RestOptions::default()).await
    }

    pub async fn with_options(options: RestOptions) -> TestServer {
        let herder = Arc::new(FakeHerder::new());
        herder.add_source("source");
        let loggers = Arc::new(Loggers::detached("info"));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let server = RestServer::from_listeners(vec![(listener, Resources::ALL)], options)
            .await
            .unwrap();
        let addr = server.local_addrs()[0];
        server.start(herder.clone(), loggers.clone());
        TestServer {
            server,
            addr,
            herder,
            loggers,
        }
    }

    pub async fn get(&self, path: &str) -> HttpResponse {
        request(self.addr, "GET", path, None).await
    }

    pub async fn send(&self, method: &str, path: &str, body: Option<&str>) -> HttpResponse {
        request(self.addr, method, path, body).await
    }

    /// Sends `value` as the JSON body.
    pub async fn send_json(&self, method: &str, path: &str, value: Value) -> HttpResponse {
        request(self.addr, method, path, Some(&value.to_string())).await
    }
}

#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> Value {
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{self:?}"
        );
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    /// Asserts the status and the Kafka error shape, and returns the message.
    pub fn error(&self, status: u16) -> String {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        let body = self.json();
        assert_eq!(body["error_code"], status, "{body}");
        assert_eq!(body.as_object().unwrap().len(), 2, "{body}");
        body["message"].as_str().unwrap().to_owned()
    }

    /// Asserts an empty-bodied response.
    pub fn assert_empty(&self, status: u16) {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert!(
            self.body.is_empty(),
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(self.header("content-type"), None);
    }
}

/// One request on a fresh connection (`Connection: close`).
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: Option<&str>,
) -> HttpResponse {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let body = body.unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    parse_response(&raw)
}

fn parse_response(raw: &[u8]) -> HttpResponse {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("no header end");
    let head = std::str::from_utf8(&raw[..split]).unwrap();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.trim().to_owned(), value.trim().to_owned())
        })
        .collect();
    HttpResponse {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// Compares `actual` with `rest/golden/<name>.json` structurally (key order ignored).
pub fn assert_golden(name: &str, actual: &Value) {
    let path = format!("{}/src/rest/golden/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let expected: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        actual,
        &expected,
        "golden {name} differs; actual:\n{}",
        serde_json::to_string_pretty(actual).unwrap()
    );
}
