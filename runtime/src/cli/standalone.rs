//! `ferry standalone`: Kafka's `connect-standalone.sh`, same files, same behaviour.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use ferry_runtime::config::worker::{Bootstrap, Mode, WorkerConfig};
use ferry_runtime::config::{properties, ConnectorFile};
use ferry_runtime::herder::standalone::StandaloneHerder;
use ferry_runtime::herder::Herder;
use ferry_runtime::kafka::{ClientSettings, EmbeddedBroker};
use ferry_runtime::storage::FileOffsetStore;
use ferry_runtime::worker::{StatusStore, Worker};
use tracing::{error, info, warn};

use super::common;

fn load_worker_config(path: &str) -> anyhow::Result<WorkerConfig> {
    let props = properties::load_file(Path::new(path))
        .with_context(|| format!("Cannot read the worker config {path}"))?;
    let config = WorkerConfig::from_properties(&props, Mode::Standalone)
        .with_context(|| format!("Invalid worker config {path}"))?;
    config.log_ignored_keys();
    Ok(config)
}

pub fn run(worker_file: &str, connector_files: &[&str]) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let loggers =
        ferry_runtime::logging::init_logging(std::env::var_os("FERRY_LOG_JSON").is_some());
    let config = load_worker_config(worker_file)?;
    let connectors = connector_files
        .iter()
        .map(|f| {
            ConnectorFile::load(Path::new(f))
                .with_context(|| format!("Cannot read the connector config {f}"))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;

    let mut embedded = None;
    let bootstrap = match &config.bootstrap {
        Bootstrap::Servers(s) => s.join(","),
        Bootstrap::Embedded => {
            let broker = EmbeddedBroker::start().map_err(anyhow::Error::msg)?;
            let address = broker.bootstrap_servers();
            embedded = Some(broker);
            warn!(bootstrap_servers = %address, "No bootstrap.servers given: using an EMBEDDED in-memory broker. Data is kept in memory only and lost when Ferry stops. Other Kafka clients can connect to {address}.");
            address
        }
    };
    let clients = ClientSettings {
        bootstrap_servers: bootstrap,
        client: config.client.clone(),
        producer: config.producer.clone(),
        consumer: config.consumer.clone(),
        admin: config.admin.clone(),
        embedded,
    };

    let registry = common::plugin_registry(&config);

    let offsets_file: PathBuf = config
        .offset_storage_file
        .clone()
        .context("offset.storage.file.filename is required in standalone mode")?;
    let offsets = FileOffsetStore::open(&offsets_file).map_err(anyhow::Error::msg)?;

    let (runtime, server) = common::runtime_and_rest(&config)?;
    let bound = *server.local_addrs().first().context("no REST listener")?;
    let (worker_id, _) = common::advertised(&config, bound);

    let worker = Arc::new(Worker {
        worker_id: worker_id.clone(),
        registry,
        clients: clients.clone(),
        converters: common::converter_defaults(&config),
        offsets: Arc::new(offsets),
        statuses: Arc::new(StatusStore::default()),
        offset_flush_interval: config.offset_flush_interval,
        offset_flush_timeout: config.offset_flush_timeout,
        task_shutdown_timeout: config.task_shutdown_graceful_timeout,
        override_policy: config.connector_client_config_override_policy,
        connector_offsets: None,
        closing_consumers: Default::default(),
    });
    let herder = Arc::new(StandaloneHerder::new(worker.clone()));
    {
        let _guard = runtime.enter();
        server.start(herder.clone() as Arc<dyn Herder>, loggers);
    }
    info!(worker_id = %worker_id, rest = %format!("http://{bound}/"), "REST server listening");

    for c in connectors {
        let name = c.name.clone();
        if let Err(e) = herder.put_connector_config(&c.name, c.config, false, c.initial_state) {
            error!(connector = %name, error = %e, "Failed to create a connector from the command line; stopping");
            herder.stop_all();
            bail!("Failed to create connector {name}: {e}");
        }
        info!(connector = %name, "Created connector");
    }
    herder.set_ready();
    herder.prefetch_cluster_id();
    info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "Ferry standalone worker started"
    );

    let tick_herder = herder.clone();
    let _ticker = std::thread::Builder::new()
        .name("ferry-herder-tick".into())
        .spawn(move || loop {
            std::thread::sleep(Duration::from_secs(1));
            tick_herder.tick();
        });
    let stop = runtime.block_on(common::shutdown_signal());
    info!(signal = stop, "Stopping");
    runtime.block_on(server.shutdown());
    herder.stop_all();
    runtime.shutdown_timeout(Duration::from_secs(1));
    info!("Ferry stopped");
    Ok(ExitCode::SUCCESS)
}
