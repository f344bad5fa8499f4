//! The HTTP server: listeners, connections (hyper 1, HTTP/1.1), request logging and graceful
//! shutdown.
//!
//! Like Kafka's `RestServer`, binding and serving the API are separate steps: the listeners
//! are bound first (so the worker id can use the actual port), and every request is a 404
//! until [`RestServer::start`] installs the herder.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, LengthLimitError, Limited};
use hyper::body::Incoming;
use hyper::header::HOST;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{HeaderMap, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use thiserror::Error;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

use super::error::RestError;
use super::forward;
use super::handlers::{self, RequestContext};
use super::reply::{error_response, Reply};
use super::router::{self, Resources};
use super::state::{AppState, RestOptions};
use super::url::Query;
use crate::config::worker::RestConfig;
use crate::herder::Herder;
use crate::logging::Loggers;

/// A server start-up failure.
#[derive(Debug, Error)]
pub enum RestServerError {
    /// A listener could not be bound.
    #[error("Failed to bind REST listener {address}: {source}")]
    Bind {
        /// `host:port` as configured.
        address: String,
        /// The socket error.
        source: std::io::Error,
    },
}

/// Triggers a graceful shutdown of a [`RestServer`]; cheap to clone.
#[derive(Debug, Clone)]
pub struct ShutdownHandle(watch::Sender<bool>);

impl ShutdownHandle {
    /// Stops accepting connections and lets in-flight requests finish.
    pub fn shutdown(&self) {
        self.0.send_replace(true);
    }
}

/// The REST server of a worker. Dropping it shuts it down without waiting.
#[derive(Debug)]
pub struct RestServer {
    local_addrs: Vec<SocketAddr>,
    admin_addrs: Vec<SocketAddr>,
    options: RestOptions,
    state: watch::Sender<Option<Arc<AppState>>>,
    shutdown: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
}

impl RestServer {
    /// Binds `listeners` (and `admin.listeners`) and starts accepting connections. Admin
    /// endpoints are served on the regular listeners when `admin.listeners` is unset, only on
    /// the admin listeners when it lists some, and nowhere when it is empty.
    pub async fn bind(
        config: &RestConfig,
        options: RestOptions,
    ) -> Result<RestServer, RestServerError> {
        let regular = match config.admin_listeners {
            None => Resources::ALL,
            Some(_) => Resources::CONNECT,
        };
        let admin = config.admin_listeners.iter().flatten();
        let wanted = config.listeners.iter().map(|l| (l, regular));
        let mut listeners = Vec::new();
        for (listener, resources) in wanted.chain(admin.map(|l| (l, Resources::ADMIN))) {
            let address = listener.bind_address();
            let bound = TcpListener::bind(&address)
                .await
                .map_err(|source| RestServerError::Bind { address, source })?;
            listeners.push((bound, resources));
        }
        RestServer::from_listeners(listeners, options).await
    }

    /// Serves already-bound listeners, each with its resources. Must run inside a Tokio
    /// runtime.
    pub async fn from_listeners(
        listeners: Vec<(TcpListener, Resources)>,
        options: RestOptions,
    ) -> Result<RestServer, RestServerError> {
        let (state, _) = watch::channel(None);
        let (shutdown, _) = watch::channel(false);
        let mut server = RestServer {
            local_addrs: Vec::new(),
            admin_addrs: Vec::new(),
            options,
            state,
            shutdown,
            tasks: Vec::new(),
        };
        for (listener, resources) in listeners {
            let local_addr = listener
                .local_addr()
                .map_err(|source| RestServerError::Bind {
                    address: format!("{listener:?}"),
                    source,
                })?;
            if resources.connect {
                server.local_addrs.push(local_addr);
            } else {
                server.admin_addrs.push(local_addr);
            }
            tracing::info!(address = %local_addr, admin = resources.admin, "REST server listening.");
            let endpoint = Arc::new(ListenerContext {
                state: server.state.subscribe(),
                resources,
                local_addr,
            });
            let shutdown = server.shutdown.subscribe();
            let grace = server.options.graceful_shutdown_timeout;
            server.tasks.push(tokio::spawn(accept_loop(
                listener, endpoint, shutdown, grace,
            )));
        }
        Ok(server)
    }

    /// The bound addresses of the regular listeners (the actual port when configured as 0).
    pub fn local_addrs(&self) -> &[SocketAddr] {
        &self.local_addrs
    }

    /// The bound addresses of the admin-only listeners.
    pub fn admin_addrs(&self) -> &[SocketAddr] {
        &self.admin_addrs
    }

    /// Installs the herder and loggers: from now on requests are served.
    pub fn start(&self, herder: Arc<dyn Herder>, loggers: Arc<Loggers>) {
        let state = AppState {
            herder,
            loggers,
            options: self.options.clone(),
        };
        self.state.send_replace(Some(Arc::new(state)));
        tracing::info!(
            "REST resources initialized; server is started and ready to handle requests."
        );
    }

    /// A handle that shuts the server down from elsewhere.
    pub fn shutdown_handle(&self) -> ShutdownHandle {
        ShutdownHandle(self.shutdown.clone())
    }

    /// Stops accepting, lets in-flight requests finish (at most the graceful shutdown
    /// timeout) and returns when every listener is closed.
    pub async fn shutdown(mut self) {
        self.shutdown.send_replace(true);
        join_all(std::mem::take(&mut self.tasks)).await;
        tracing::info!("REST server stopped.");
    }

    /// Returns once the server has been shut down through a [`ShutdownHandle`].
    pub async fn join(mut self) {
        join_all(std::mem::take(&mut self.tasks)).await;
    }
}

impl Drop for RestServer {
    fn drop(&mut self) {
        self.shutdown.send_replace(true);
    }
}

/// Serves the whole API on `listener` with default options until the process ends.
pub async fn serve(
    listener: TcpListener,
    herder: Arc<dyn Herder>,
    loggers: Arc<Loggers>,
) -> Result<(), RestServerError> {
    serve_with_shutdown(
        listener,
        herder,
        loggers,
        RestOptions::default(),
        std::future::pending(),
    )
    .await
}

/// Serves the whole API on `listener` until `signal` completes, then shuts down gracefully.
pub async fn serve_with_shutdown(
    listener: TcpListener,
    herder: Arc<dyn Herder>,
    loggers: Arc<Loggers>,
    options: RestOptions,
    signal: impl Future<Output = ()>,
) -> Result<(), RestServerError> {
    let server = RestServer::from_listeners(vec![(listener, Resources::ALL)], options).await?;
    server.start(herder, loggers);
    signal.await;
    server.shutdown().await;
    Ok(())
}

async fn join_all(tasks: Vec<JoinHandle<()>>) {
    for task in tasks {
        if let Err(error) = task.await {
            tracing::error!(%error, "REST listener task failed.");
        }
    }
}

/// What every connection of one listener shares.
struct ListenerContext {
    state: watch::Receiver<Option<Arc<AppState>>>,
    resources: Resources,
    local_addr: SocketAddr,
}

async fn accept_loop(
    listener: TcpListener,
    context: Arc<ListenerContext>,
    mut shutdown: watch::Receiver<bool>,
    grace: Duration,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            () = wait_for_shutdown(&mut shutdown) => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    let context = Arc::clone(&context);
                    connections.spawn(serve_connection(stream, context, shutdown.clone()));
                }
                Err(error) => {
                    tracing::warn!(%error, "Failed to accept a REST connection.");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
        }
        while connections.try_join_next().is_some() {}
    }
    drop(listener);
    let drain = async { while connections.join_next().await.is_some() {} };
    if tokio::time::timeout(grace, drain).await.is_err() {
        tracing::warn!(
            ?grace,
            "REST requests still running after the graceful shutdown timeout; aborting them."
        );
        connections.abort_all();
    }
}

async fn wait_for_shutdown(shutdown: &mut watch::Receiver<bool>) {
    // A closed channel (the server is gone) also means shut down.
    let _ = shutdown.wait_for(|stop| *stop).await;
}

async fn serve_connection(
    stream: TcpStream,
    context: Arc<ListenerContext>,
    mut shutdown: watch::Receiver<bool>,
) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "Failed to set TCP_NODELAY.");
    }
    let service = service_fn(move |request| handle(request, Arc::clone(&context)));
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        () = wait_for_shutdown(&mut shutdown) => {
            connection.as_mut().graceful_shutdown();
            connection.await
        }
    };
    if let Err(error) = result {
        tracing::debug!(%error, "REST connection ended with an error.");
    }
}

/// Answers one request and logs it (method, path, status, milliseconds).
async fn handle(
    request: Request<Incoming>,
    context: Arc<ListenerContext>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let query = request.uri().query().unwrap_or_default().to_owned();
    let response = match respond(request, &context).await {
        Ok(reply) => reply.into_response(),
        Err(error) => error_response(&error),
    };
    let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    tracing::info!(
        method = %method,
        path = %path,
        query = %query,
        status = response.status().as_u16(),
        millis,
        "REST request handled."
    );
    Ok(response)
}

async fn respond(
    request: Request<Incoming>,
    context: &ListenerContext,
) -> Result<Reply, RestError> {
    let state = context
        .state
        .borrow()
        .clone()
        .ok_or_else(RestError::unknown_path)?;
    let endpoint = router::resolve(request.method(), request.uri().path(), context.resources)?;
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let headers: Vec<(String, String)> = forward::FORWARDED_HEADERS
        .iter()
        .filter_map(|name| {
            let value = request.headers().get(*name)?.to_str().ok()?;
            Some(((*name).to_owned(), value.to_owned()))
        })
        .collect();
    let ctx = RequestContext {
        query: Query::parse(request.uri().query()),
        base_url: base_url(request.headers(), context.local_addr),
        body: read_body(request.into_body(), state.options.max_body_bytes).await?,
        headers: headers.clone(),
    };
    match handlers::dispatch(endpoint, &ctx, &state).await {
        Err(error) => match error.forward_to() {
            Some(target) => {
                let original = forward::Original {
                    method,
                    path,
                    query: ctx.query,
                    headers,
                    body: ctx.body,
                };
                forward::forward(target, original).await
            }
            None => Err(error),
        },
        ok => ok,
    }
}

/// `http://` + the `Host` header, else the listener's address.
fn base_url(headers: &HeaderMap, local_addr: SocketAddr) -> String {
    let host = headers
        .get(HOST)
        .and_then(|value| value.to_str().ok())
        .filter(|host| !host.is_empty());
    match host {
        Some(host) => format!("http://{host}"),
        None => format!("http://{local_addr}"),
    }
}

async fn read_body(body: Incoming, limit: usize) -> Result<Bytes, RestError> {
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(error) if error.downcast_ref::<LengthLimitError>().is_some() => Err(RestError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("Request body is larger than {limit} bytes"),
        )),
        Err(error) => Err(RestError::bad_request(format!(
            "Failed to read the request body: {error}"
        ))),
    }
}
