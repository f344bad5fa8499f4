//! What both worker modes' start-up shares.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use ferry_runtime::config::worker::WorkerConfig;
use ferry_runtime::kafka::ConverterDefaults;
use ferry_runtime::plugin::{host_log_callback, PluginRegistry};
use ferry_runtime::rest::{RestOptions, RestServer};
use tracing::{info, warn};

/// Plugins bundled with Ferry are built next to the binary; with no `plugin.path`, the
/// `lib*.so` files there (not its subdirectories, which hold build artefacts) are loaded.
pub fn default_plugin_path() -> Vec<String> {
    let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(Path::to_path_buf))
    else {
        return Vec::new();
    };
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && p.extension().is_some_and(|e| e == "so")
                        && p.file_name()
                            .is_some_and(|n| n.to_string_lossy().starts_with("lib"))
                })
                .map(|p| p.display().to_string())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Scans `plugin.path` (or the bundled plugins) and follows it for changes.
pub fn plugin_registry(config: &WorkerConfig) -> Arc<PluginRegistry> {
    let plugin_path: Vec<String> = if config.plugin_path.is_empty() {
        default_plugin_path()
    } else {
        config
            .plugin_path
            .iter()
            .map(|p| p.display().to_string())
            .collect()
    };
    let registry = Arc::new(PluginRegistry::scan(&plugin_path, host_log_callback()));
    if let Err(e) = registry.watch() {
        warn!(error = %e, "Cannot follow plugin.path for changes; new plugin files need a restart");
    }
    info!(classes = registry.classes().len(), rejected = registry.rejected().len(), plugin_path = ?plugin_path, "Scanned plugins");
    registry
}

/// The async runtime (two threads: REST and Kafka group I/O) and the bound REST server.
pub fn runtime_and_rest(
    config: &WorkerConfig,
) -> anyhow::Result<(tokio::runtime::Runtime, RestServer)> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("Cannot start the async runtime")?;
    let options = RestOptions {
        topic_tracking_enabled: config.topic_tracking_enable,
        topic_tracking_reset_enabled: config.topic_tracking_allow_reset,
        ..RestOptions::default()
    };
    let server = runtime
        .block_on(RestServer::bind(&config.rest, options))
        .context("Cannot start the REST server")?;
    Ok((runtime, server))
}

/// The worker id (`host:port`) and advertised URL (`http://host:port/`) for the bound REST
/// address: `rest.advertised.*`, else the first listener's host (`localhost` when empty).
pub fn advertised(config: &WorkerConfig, bound: SocketAddr) -> (String, String) {
    let host = config
        .rest
        .listeners
        .first()
        .map(|l| l.host.clone())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    (
        config.rest.worker_id_for(&host, Some(bound.port())),
        config.rest.advertised_url(&host, Some(bound.port())),
    )
}

/// The worker's default converters.
pub fn converter_defaults(config: &WorkerConfig) -> ConverterDefaults {
    ConverterDefaults {
        key: (
            config.key_converter.clone(),
            config.key_converter_config.clone(),
        ),
        value: (
            config.value_converter.clone(),
            config.value_converter_config.clone(),
        ),
        header: (
            config.header_converter.clone(),
            config.header_converter_config.clone(),
        ),
    }
}

/// Waits for SIGINT or SIGTERM; returns its name.
pub async fn shutdown_signal() -> &'static str {
    let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
        Ok(s) => s,
        Err(_) => return "error",
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "SIGINT",
        _ = term.recv() => "SIGTERM",
    }
}
