//! The worker's services shared by every connector: plugins, Kafka client settings,
//! converters, the offset store, statuses; and starting tasks on their threads.

mod status;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

pub use status::{StatusPublisher, StatusStore};

use crate::errors::{DeadLetterQueue, ErrorConfig, ErrorHandler};
use crate::kafka::{
    consumer_config, producer_config, ClientSettings, ClosingConsumers, ConverterDefaults,
    Converters, KafkaInput, KafkaOutput, Subscription, TopicCreator,
};
use crate::plugin::{PluginClass, PluginKind, PluginRegistry};
use crate::task::{
    run_sink_task, run_source_task, spawn_task_with, OffsetStore, SinkTaskConfig, SourceTaskConfig,
    State, StatusListener, StopSignal, TaskHandle, TaskId,
};
use ferry_transforms::TransformationChain;

/// What every connector of a worker shares.
pub struct Worker {
    pub worker_id: String,
    pub registry: Arc<PluginRegistry>,
    pub clients: ClientSettings,
    pub converters: ConverterDefaults,
    pub offsets: Arc<dyn OffsetStore>,
    pub statuses: Arc<StatusStore>,
    pub offset_flush_interval: Duration,
    pub offset_flush_timeout: Duration,
    pub task_shutdown_timeout: Duration,
    pub override_policy: crate::config::worker::ClientConfigOverridePolicy,
    /// Distributed mode: the offset store of a source connector's own `offsets.storage.topic`
    /// (standalone mode ignores that key, as Kafka does).
    pub connector_offsets: Option<OffsetStoreFactory>,
    /// The consumers of stopped sink tasks still leaving their groups.
    pub closing_consumers: Arc<ClosingConsumers>,
}

/// Opens (or returns the already open) offset store of an offsets topic.
pub type OffsetStoreFactory =
    Arc<dyn Fn(&str) -> Result<Arc<dyn OffsetStore>, String> + Send + Sync>;

fn prefixed(config: &BTreeMap<String, String>, prefix: &str) -> BTreeMap<String, String> {
    config
        .iter()
        .filter_map(|(k, v)| k.strip_prefix(prefix).map(|k| (k.to_owned(), v.clone())))
        .collect()
}

/// The sink subscription of a connector config: `topics` or `topics.regex`.
pub fn subscription(config: &BTreeMap<String, String>) -> Subscription {
    match config
        .get("topics.regex")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        Some(re) => Subscription::Regex(re.to_owned()),
        None => Subscription::Topics(
            config
                .get("topics")
                .map(|t| {
                    t.split(',')
                        .map(|s| s.trim().to_owned())
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        ),
    }
}

/// The consumer group of a sink connector: `connect-<name>` unless overridden.
pub fn sink_group_id(name: &str, config: &BTreeMap<String, String>) -> String {
    config
        .get("consumer.override.group.id")
        .cloned()
        .unwrap_or_else(|| format!("connect-{name}"))
}

impl Worker {
    fn error_handler(
        &self,
        id: &TaskId,
        config: ErrorConfig,
        dlq: Option<DeadLetterQueue>,
        stop: StopSignal,
    ) -> ErrorHandler {
        let handler = ErrorHandler::new(config, id.clone(), dlq, stop);
        if let Some(counter) = handler.tolerated() {
            self.statuses.track_tolerated(id, counter);
        }
        handler
    }

    fn tracker(&self, id: &TaskId) -> crate::kafka::TopicTracker {
        let statuses = self.statuses.clone();
        let id = id.clone();
        Arc::new(move |topic| statuses.record_topic(&id.connector, id.task, topic))
    }

    /// A source connector's offset store: its own `offsets.storage.topic` first, then the
    /// worker's (Kafka's `ConnectorOffsetBackingStore`), when the worker has a factory.
    fn offset_store(
        &self,
        connector_config: &BTreeMap<String, String>,
    ) -> Result<Arc<dyn OffsetStore>, String> {
        let topic = connector_config
            .get("offsets.storage.topic")
            .map(|t| t.trim())
            .filter(|t| !t.is_empty());
        let (Some(topic), Some(factory)) = (topic, &self.connector_offsets) else {
            return Ok(self.offsets.clone());
        };
        let primary = factory(topic)?;
        if std::ptr::addr_eq(Arc::as_ptr(&primary), Arc::as_ptr(&self.offsets)) {
            return Ok(primary);
        }
        Ok(Arc::new(crate::storage::CombinedOffsetStore {
            primary,
            fallback: self.offsets.clone(),
        }))
    }

    /// Start task `id` of a connector. A task that cannot even be set up (bad converter, no
    /// Kafka client) is reported FAILED and gets no thread.
    pub fn start_task(
        &self,
        id: TaskId,
        class: &Arc<PluginClass>,
        task_config: BTreeMap<String, String>,
        connector_config: &BTreeMap<String, String>,
    ) -> Option<TaskHandle> {
        self.statuses.on_task_state(&id, State::Unassigned, None);
        let result = match class.kind {
            PluginKind::Source => {
                self.start_source(id.clone(), class, task_config, connector_config)
            }
            PluginKind::Sink => self.start_sink(id.clone(), class, task_config, connector_config),
        };
        match result {
            Ok(handle) => Some(handle),
            Err(e) => {
                self.statuses.on_task_state(&id, State::Failed, Some(e));
                None
            }
        }
    }

    fn start_source(
        &self,
        id: TaskId,
        class: &Arc<PluginClass>,
        task_config: BTreeMap<String, String>,
        connector_config: &BTreeMap<String, String>,
    ) -> Result<TaskHandle, String> {
        let converters = Converters::for_connector(&self.converters, connector_config)?;
        let client_id = format!("connector-producer-{}-{}", id.connector, id.task);
        let producer = producer_config(
            &self.clients,
            &client_id,
            &prefixed(connector_config, "producer.override."),
        );
        let topics = TopicCreator::new(&self.clients, connector_config, self.tracker(&id))?;
        let error_config = ErrorConfig::from_connector(connector_config);
        let dlq = DeadLetterQueue::new(&error_config, &id, &self.clients)?;
        // Made before the thread: the error handler's retries end when the task is stopped.
        let stop = StopSignal::new();
        let errors = self.error_handler(&id, error_config, dlq, stop.clone());
        let chain = TransformationChain::from_config_with(connector_config, &*self.registry)
            .map_err(|e| e.to_string())?
            .with_retry(Arc::new(errors.retry_policy()));
        let output = KafkaOutput::new(&producer, converters, topics, errors, chain)?;
        let cfg = SourceTaskConfig {
            id: id.clone(),
            class: class.clone(),
            config: task_config,
            offset_flush_interval: self.offset_flush_interval,
            offset_flush_timeout: self.offset_flush_timeout,
            store: self.offset_store(connector_config)?,
            listener: self.statuses.clone(),
        };
        spawn_task_with(id, stop, move |stop| {
            run_source_task(cfg, Box::new(output), stop)
        })
        .map_err(|e| format!("Cannot start the task thread: {e}"))
    }

    fn start_sink(
        &self,
        id: TaskId,
        class: &Arc<PluginClass>,
        task_config: BTreeMap<String, String>,
        connector_config: &BTreeMap<String, String>,
    ) -> Result<TaskHandle, String> {
        let converters = Converters::for_connector(&self.converters, connector_config)?;
        let client_id = format!("connector-consumer-{}-{}", id.connector, id.task);
        let group = sink_group_id(&id.connector, connector_config);
        let consumer = consumer_config(
            &self.clients,
            &group,
            &client_id,
            &prefixed(connector_config, "consumer.override."),
        );
        let subscription = subscription(connector_config);
        let tracker = self.tracker(&id);
        let error_config = ErrorConfig::from_connector(connector_config);
        let dlq = DeadLetterQueue::new(&error_config, &id, &self.clients)?;
        // Made before the thread: the error handler's retries end when the task is stopped.
        let stop = StopSignal::new();
        let errors = self.error_handler(&id, error_config, dlq, stop.clone());
        let chain = TransformationChain::from_config_with(connector_config, &*self.registry)
            .map_err(|e| e.to_string())?
            .with_retry(Arc::new(errors.retry_policy()));
        let cfg = SinkTaskConfig {
            id: id.clone(),
            class: class.clone(),
            config: task_config,
            commit_interval: self.offset_flush_interval,
            listener: self.statuses.clone(),
        };
        let closing = self.closing_consumers.clone();
        let make_input: crate::task::InputFactory = Box::new(move |core| {
            let input = KafkaInput::new(
                &consumer,
                &subscription,
                converters,
                core,
                tracker,
                errors,
                chain,
            )?;
            Ok(Box::new(input.closing_on(closing)) as Box<dyn crate::task::SinkInput>)
        });
        spawn_task_with(id, stop, move |stop| run_sink_task(cfg, make_input, stop))
            .map_err(|e| format!("Cannot start the task thread: {e}"))
    }
}
