//! `ferry distributed`: Kafka's `connect-distributed.sh`. Workers with the same `group.id`
//! share connectors and tasks; every shared state lives in Kafka's internal topics.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use ferry_runtime::config::properties;
use ferry_runtime::config::worker::{Bootstrap, Mode, WorkerConfig};
use ferry_runtime::herder::distributed::DistributedHerder;
use ferry_runtime::herder::Herder;
use ferry_runtime::kafka::ClientSettings;
use ferry_runtime::storage::{ConnectorOffsetTopics, KafkaOffsetStore, StatusTopic, TopicSpec};
use ferry_runtime::task::OffsetStore;
use ferry_runtime::worker::{OffsetStoreFactory, StatusStore, Worker};
use tracing::info;

use super::common;

fn load_worker_config(path: &str) -> anyhow::Result<WorkerConfig> {
    let props = properties::load_file(Path::new(path))
        .with_context(|| format!("Cannot read the worker config {path}"))?;
    let config = WorkerConfig::from_properties(&props, Mode::Distributed)
        .with_context(|| format!("Invalid worker config {path}"))?;
    config.log_ignored_keys();
    Ok(config)
}

pub fn run(worker_file: &str) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let loggers =
        ferry_runtime::logging::init_logging(std::env::var_os("FERRY_LOG_JSON").is_some());
    let config = load_worker_config(worker_file)?;
    let settings = config
        .distributed
        .clone()
        .context("distributed settings missing")?;
    let bootstrap = match &config.bootstrap {
        Bootstrap::Servers(s) => s.join(","),
        Bootstrap::Embedded => bail!(
            "Distributed mode needs a Kafka cluster shared by its workers: set bootstrap.servers (the embedded broker exists only in standalone mode)"
        ),
    };
    let clients = ClientSettings {
        bootstrap_servers: bootstrap,
        client: config.client.clone(),
        producer: config.producer.clone(),
        consumer: config.consumer.clone(),
        admin: config.admin.clone(),
        embedded: None,
    };
    let registry = common::plugin_registry(&config);

    let (runtime, server) = common::runtime_and_rest(&config)?;
    let bound = *server.local_addrs().first().context("no REST listener")?;
    let (worker_id, url) = common::advertised(&config, bound);

    let offset_spec = TopicSpec {
        topic: settings.offset_topic.clone(),
        role: "offset",
    };
    let offsets: Arc<dyn OffsetStore> = Arc::new(
        KafkaOffsetStore::open(&clients, offset_spec.clone())
            .context("Cannot open the offset topic")?,
    );
    // A source connector with its own `offsets.storage.topic` writes there (Kafka's
    // ConnectorOffsetBackingStore), falling back to the worker's topic for reads.
    let topics = Arc::new(ConnectorOffsetTopics::new(
        clients.clone(),
        offset_spec,
        offsets.clone(),
    ));
    let factory: OffsetStoreFactory = Arc::new(move |topic: &str| topics.store(topic));
    let status_topic = Arc::new(
        StatusTopic::open(
            &clients,
            TopicSpec {
                topic: settings.status_topic.clone(),
                role: "status",
            },
        )
        .context("Cannot open the status topic")?,
    );
    status_topic.set_worker_id(&worker_id);
    let statuses = StatusStore::default();
    statuses.set_publisher(status_topic.clone());

    let worker = Arc::new(Worker {
        worker_id: worker_id.clone(),
        registry,
        clients,
        converters: common::converter_defaults(&config),
        offsets,
        statuses: Arc::new(statuses),
        offset_flush_interval: config.offset_flush_interval,
        offset_flush_timeout: config.offset_flush_timeout,
        task_shutdown_timeout: config.task_shutdown_graceful_timeout,
        override_policy: config.connector_client_config_override_policy,
        connector_offsets: Some(factory),
        closing_consumers: Default::default(),
    });
    let herder = DistributedHerder::start(
        worker,
        settings,
        status_topic,
        url.clone(),
        runtime.handle().clone(),
        loggers.clone(),
    )
    .context("Cannot start the distributed herder")?;
    {
        let _guard = runtime.enter();
        server.start(herder.clone() as Arc<dyn Herder>, loggers);
    }
    herder.prefetch_cluster_id();
    info!(
        worker_id = %worker_id,
        url = %url,
        elapsed_ms = started.elapsed().as_millis() as u64,
        "Ferry distributed worker started"
    );

    let stop = runtime.block_on(common::shutdown_signal());
    info!(signal = stop, "Stopping");
    runtime.block_on(server.shutdown());
    herder.stop();
    runtime.shutdown_timeout(Duration::from_secs(1));
    info!("Ferry stopped");
    Ok(ExitCode::SUCCESS)
}
