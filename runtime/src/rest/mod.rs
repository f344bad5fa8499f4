//! The worker's REST API: Kafka Connect's paths, JSON shapes, status codes and messages,
//! served over HTTP/1.1 with hyper.
//!
//! **API Boundary:** handlers talk only to [`Herder`](crate::herder::Herder) (called on the
//! blocking pool, never on a Tokio worker thread) and to [`Loggers`](crate::logging::Loggers)
//! for `/admin/loggers`.
//!
//! Starting it (what `main.rs` does):
//!
//! ```no_run
//! # async fn run(
//! #     worker: ferry_runtime::config::WorkerConfig,
//! #     make_herder: impl FnOnce(String) -> std::sync::Arc<dyn ferry_runtime::herder::Herder>,
//! # ) -> anyhow::Result<()> {
//! use ferry_runtime::rest::{RestOptions, RestServer};
//!
//! let loggers = ferry_runtime::logging::init_logging(false);
//! let options = RestOptions {
//!     topic_tracking_enabled: worker.topic_tracking_enable,
//!     topic_tracking_reset_enabled: worker.topic_tracking_allow_reset,
//!     ..RestOptions::default()
//! };
//! let server = RestServer::bind(&worker.rest, options).await?;
//! let port = server.local_addrs().first().map(|addr| addr.port());
//! let worker_id = worker.rest.worker_id_for("localhost", port);
//! let herder = make_herder(worker_id);
//! server.start(herder, loggers);
//! tokio::signal::ctrl_c().await?;
//! server.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # Deviations from Kafka Connect
//!
//! - Malformed JSON and mis-shaped bodies are **400** with a message naming the problem
//!   (Kafka: 500 with Jackson's message). This covers: an empty body, invalid JSON, a
//!   non-object body, object/array config values, `null` config values outside `PATCH
//!   .../config` (Kafka lets the herder's validation report them), unknown fields in `POST
//!   /connectors` and `PATCH .../offsets` bodies, an invalid `initial_state`, a missing `config`
//!   in `POST /connectors` (Kafka: NullPointerException, 500), and a non-array or malformed
//!   `offsets` (a null/missing `partition` is `The partition for a connector offset cannot be
//!   null or missing`, without Kafka's sink/source wording).
//! - Config values that are JSON numbers or booleans are accepted as their text, as Jackson's
//!   coercion does (`"tasks.max": 1`); other JSON types are rejected (above).
//! - Unknown paths are 404 and wrong methods 405 with Jersey's messages (`HTTP 404 Not Found`,
//!   `HTTP 405 Method Not Allowed`) in the JSON error shape; before [`RestServer::start`] every
//!   request is such a 404 (Kafka: Jetty's HTML 404). A 405 carries an `Allow` header.
//! - Request bodies are read whatever their `Content-Type` (Kafka: 415 for non-JSON types);
//!   bodies over [`RestOptions::max_body_bytes`] are 413.
//! - A herder panic is a 500 `Request failed because of an internal error in the worker`; a
//!   herder call over the request timeout is a 500 `Request timed out` without Kafka's stage
//!   summary. `GET /health` answers 500 `unhealthy` when the herder does not answer in time
//!   (Kafka: 503 `starting` if the herder is not ready yet).
//! - `Location` is `http://<Host header>/connectors/<name>` with the name percent-encoded as a
//!   single path segment (`/` becomes `%2F`; Kafka's `UriBuilder.path` keeps it).
//! - Logger names are `tracing` target prefixes (see [`crate::logging`]); a name that cannot
//!   be a target directive is a 400. `GET /admin/loggers/{x}` knows only loggers that were set
//!   (through `FERRY_LOG`/`RUST_LOG` or `PUT`) and `root`; others are 404 (Kafka: any logger
//!   log4j has created). `scope=cluster` answers 204; distributed mode writes the level to
//!   the config topic and every worker applies it, standalone mode applies it here.
//! - The internal endpoints (`POST /connectors/{c}/tasks`, `PUT /connectors/{c}/fence`) check
//!   the request signature in distributed mode; fencing and standalone mode answer 500 with
//!   Kafka's messages. `forward` follows Kafka's rules (`rest/forward.rs`).
//! - `GET /connectors` lists names sorted and expanded maps keyed in name order (Kafka: hash
//!   order). `GET /connectors/{c}/tasks-config` answers `{}` for a connector without tasks.
//! - HTTPS, CORS (`access.control.*`) and `response.http.headers.config` are not supported.

mod body;
mod error;
mod forward;
mod handlers;
mod reply;
mod router;
mod server;
mod state;
mod url;

pub use error::RestError;
pub use router::Resources;
pub use server::{serve, serve_with_shutdown, RestServer, RestServerError, ShutdownHandle};
pub use state::RestOptions;
pub use url::encode_path_segment;

#[cfg(test)]
mod tests;
