//! A blocking client for a worker's REST API (Kafka Connect's paths and JSON), for end-to-end
//! tests against a real `ferry` process.
//!
//! Every status is returned as a value (a 404 is not an `Err`): tests assert on statuses and
//! Kafka's error bodies. `Err` means the request could not be made or the body was not JSON.
//!
//! ```no_run
//! # fn main() -> anyhow::Result<()> {
//! use ferry_tests::rest::RestClient;
//! use serde_json::json;
//!
//! let client = RestClient::new("http://127.0.0.1:8083");
//! client.wait_ready(std::time::Duration::from_secs(60))?;
//! let created = client.post("/connectors", Some(json!({"name": "n", "config": {}})))?;
//! assert_eq!(created.status, 400);
//! assert!(created.error_message()?.contains("connector"));
//! # Ok(())
//! # }
//! ```

use std::time::Duration;

use anyhow::{bail, Context as _};
use serde_json::Value;
use ureq::http;

/// A blocking REST client bound to one worker's base URL.
#[derive(Debug, Clone)]
pub struct RestClient {
    base_url: String,
    agent: ureq::Agent,
}

/// One response: status, parsed JSON body (`None` when empty, e.g. 202/204) and headers.
#[derive(Debug, Clone, PartialEq)]
pub struct RestResponse {
    /// The HTTP status.
    pub status: u16,
    /// The JSON body; `None` for an empty body.
    pub body: Option<Value>,
    /// Response headers, names lower-cased, in order.
    pub headers: Vec<(String, String)>,
}

impl RestResponse {
    /// The first value of a header (name compared case-insensitively).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body, which must be present.
    pub fn json(&self) -> anyhow::Result<&Value> {
        self.body
            .as_ref()
            .with_context(|| format!("HTTP {} response has no body", self.status))
    }

    /// The body of a response with `status`; an error describing the response otherwise.
    pub fn expect(&self, status: u16) -> anyhow::Result<Option<&Value>> {
        if self.status != status {
            bail!(
                "expected HTTP {status}, got {}: {:?}",
                self.status,
                self.body
            );
        }
        Ok(self.body.as_ref())
    }

    /// The `message` of a Kafka error body (`{"error_code","message"}`), checking that
    /// `error_code` equals the status.
    pub fn error_message(&self) -> anyhow::Result<&str> {
        let body = self.json()?;
        if body["error_code"] != self.status {
            bail!("error_code does not match HTTP {}: {body}", self.status);
        }
        body["message"]
            .as_str()
            .with_context(|| format!("error body without a message: {body}"))
    }
}

impl RestClient {
    /// A client for `base_url`, e.g. `http://127.0.0.1:8083` (a trailing `/` is ignored).
    /// Requests time out after 120 s (longer than the worker's 90 s request timeout).
    pub fn new(base_url: impl Into<String>) -> RestClient {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build();
        let base_url = base_url.into().trim_end_matches('/').to_owned();
        RestClient {
            base_url,
            agent: config.new_agent(),
        }
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `GET path`.
    pub fn get(&self, path: &str, body: Option<Value>) -> anyhow::Result<RestResponse> {
        self.request(http::Method::GET, path, body)
    }

    /// `POST path`.
    pub fn post(&self, path: &str, body: Option<Value>) -> anyhow::Result<RestResponse> {
        self.request(http::Method::POST, path, body)
    }

    /// `PUT path`.
    pub fn put(&self, path: &str, body: Option<Value>) -> anyhow::Result<RestResponse> {
        self.request(http::Method::PUT, path, body)
    }

    /// `PATCH path`.
    pub fn patch(&self, path: &str, body: Option<Value>) -> anyhow::Result<RestResponse> {
        self.request(http::Method::PATCH, path, body)
    }

    /// `DELETE path`.
    pub fn delete(&self, path: &str, body: Option<Value>) -> anyhow::Result<RestResponse> {
        self.request(http::Method::DELETE, path, body)
    }

    /// Sends `body` (if any) as JSON to `path` (relative to the base URL, with any query).
    pub fn request(
        &self,
        method: http::Method,
        path: &str,
        body: Option<Value>,
    ) -> anyhow::Result<RestResponse> {
        let url = format!("{}{path}", self.base_url);
        let context = || format!("{method} {url}");
        let builder = http::Request::builder()
            .method(method.clone())
            .uri(&url)
            .header("Accept", "application/json");
        let response = match body {
            None => self.agent.run(builder.body(()).with_context(context)?),
            Some(body) => {
                let request = builder
                    .header("Content-Type", "application/json")
                    .body(serde_json::to_vec(&body)?)
                    .with_context(context)?;
                self.agent.run(request)
            }
        };
        let mut response = response.with_context(context)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                (name.as_str().to_owned(), value)
            })
            .collect();
        let text = response.body_mut().read_to_string().with_context(context)?;
        let body = if text.trim().is_empty() {
            None
        } else {
            let value = serde_json::from_str(&text).with_context(|| {
                format!("{}: HTTP {status} body is not JSON: {text}", context())
            })?;
            Some(value)
        };
        Ok(RestResponse {
            status,
            body,
            headers,
        })
    }

    /// Polls `GET /` until it answers 200 (the worker has started its herder), for at most
    /// `timeout` (scaled by `FERRY_TIMEOUT_SCALE`).
    pub fn wait_ready(&self, timeout: Duration) -> anyhow::Result<()> {
        crate::wait_until_ok(timeout, || {
            let response = self.get("/", None)?;
            if response.status == 200 {
                Ok(())
            } else {
                bail!("GET / answered {}: {:?}", response.status, response.body)
            }
        })
        .with_context(|| format!("worker at {} did not become ready", self.base_url))
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead as _, BufReader, Read as _, Write as _};
    use std::net::TcpListener;
    use std::sync::mpsc;
    use std::thread;

    use serde_json::json;

    use super::*;

    /// Serves one canned response per connection and reports each request as
    /// `"<request line> <body>"`.
    fn canned_server(responses: Vec<String>) -> (String, mpsc::Receiver<String>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let (sender, requests) = mpsc::channel();
        thread::spawn(move || {
            for response in responses {
                let (stream, _) = listener.accept().unwrap();
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                reader.read_line(&mut request_line).unwrap();
                let mut length = 0;
                loop {
                    let mut line = String::new();
                    reader.read_line(&mut line).unwrap();
                    if line.trim().is_empty() {
                        break;
                    }
                    if let Some((name, value)) = line.split_once(':') {
                        if name.eq_ignore_ascii_case("content-length") {
                            length = value.trim().parse().unwrap();
                        }
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let body = String::from_utf8(body).unwrap();
                sender
                    .send(format!("{} {body}", request_line.trim()))
                    .unwrap();
                let mut stream = stream;
                stream.write_all(response.as_bytes()).unwrap();
            }
        });
        (url, requests)
    }

    fn http(status: &str, headers: &str, body: &str) -> String {
        format!(
            "HTTP/1.1 {status}\r\nConnection: close\r\n{headers}Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
    }

    #[test]
    fn statuses_bodies_and_headers() {
        let (url, requests) = canned_server(vec![
            http(
                "201 Created",
                "Location: http://x/connectors/n\r\n",
                r#"{"name":"n"}"#,
            ),
            http(
                "404 Not Found",
                "",
                r#"{"error_code":404,"message":"Connector n not found"}"#,
            ),
            http("204 No Content", "", ""),
            http("200 OK", "", "not json"),
        ]);
        let client = RestClient::new(format!("{url}/"));
        let created = client
            .post("/connectors", Some(json!({"name": "n"})))
            .unwrap();
        assert_eq!(created.status, 201);
        assert_eq!(created.expect(201).unwrap(), Some(&json!({"name": "n"})));
        assert_eq!(created.header("location"), Some("http://x/connectors/n"));
        assert_eq!(
            requests.recv().unwrap(),
            r#"POST /connectors HTTP/1.1 {"name":"n"}"#
        );

        let missing = client.get("/connectors/n", None).unwrap();
        assert_eq!(missing.error_message().unwrap(), "Connector n not found");
        assert!(missing.expect(200).is_err());
        assert_eq!(requests.recv().unwrap(), "GET /connectors/n HTTP/1.1 ");

        let deleted = client.delete("/connectors/n", None).unwrap();
        assert_eq!(deleted.expect(204).unwrap(), None);

        let error = client.get("/", None).unwrap_err();
        assert!(format!("{error:#}").contains("not JSON"), "{error:#}");
    }

    #[test]
    fn wait_ready_retries_until_200() {
        let (url, _requests) = canned_server(vec![
            http(
                "404 Not Found",
                "",
                r#"{"error_code":404,"message":"HTTP 404 Not Found"}"#,
            ),
            http("200 OK", "", r#"{"version":"1"}"#),
        ]);
        RestClient::new(url)
            .wait_ready(Duration::from_secs(30))
            .unwrap();
    }

    #[test]
    fn wait_ready_times_out() {
        let port = crate::free_port().unwrap();
        let client = RestClient::new(format!("http://127.0.0.1:{port}"));
        let error = client.wait_ready(Duration::from_millis(50)).unwrap_err();
        assert!(
            format!("{error:#}").contains("did not become ready"),
            "{error:#}"
        );
    }
}
