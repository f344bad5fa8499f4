//! librdkafka client configurations, with the defaults Kafka Connect forces on its clients.

use std::collections::BTreeMap;

use rdkafka::ClientConfig;
use tracing::warn;

/// Java client settings with no librdkafka equivalent; passing them would make librdkafka
/// refuse the whole config, so they are dropped with a warning.
const JAVA_ONLY: &[&str] = &[
    "key.serializer",
    "value.serializer",
    "key.deserializer",
    "value.deserializer",
    "max.block.ms",
    "interceptor.classes",
    "partitioner.class",
    "buffer.memory",
    "max.poll.records",
    "request.timeout.ms",
    "default.api.timeout.ms",
    "client.dns.lookup",
];

/// Client settings of a worker: bootstrap servers, common settings, and the `producer.*`,
/// `consumer.*` and `admin.*` pass-throughs.
#[derive(Debug, Clone, Default)]
pub struct ClientSettings {
    pub bootstrap_servers: String,
    pub client: BTreeMap<String, String>,
    pub producer: BTreeMap<String, String>,
    pub consumer: BTreeMap<String, String>,
    pub admin: BTreeMap<String, String>,
    /// Set when the worker runs its embedded broker (topics are created through it).
    pub embedded: Option<super::EmbeddedBroker>,
}

fn apply(config: &mut ClientConfig, settings: &BTreeMap<String, String>) {
    for (k, v) in settings {
        if JAVA_ONLY.contains(&k.as_str()) {
            warn!(key = %k, "Ignoring a Java client setting that librdkafka does not have");
            continue;
        }
        config.set(k, v);
    }
}

fn base(settings: &ClientSettings) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", &settings.bootstrap_servers);
    c.set("log_level", "4");
    apply(&mut c, &settings.client);
    c
}

/// A source task's producer (`Worker#baseProducerConfigs`): acks=all, no idempotence, one
/// request in flight, and deliveries retried until they succeed.
pub fn producer_config(
    settings: &ClientSettings,
    client_id: &str,
    overrides: &BTreeMap<String, String>,
) -> ClientConfig {
    let mut c = base(settings);
    c.set("client.id", client_id)
        .set("acks", "all")
        .set("enable.idempotence", "false")
        .set("max.in.flight.requests.per.connection", "1")
        .set("message.timeout.ms", "0")
        .set("linger.ms", "5")
        .set("allow.auto.create.topics", "false");
    apply(&mut c, &settings.producer);
    apply(&mut c, overrides);
    c
}

/// A sink task's consumer (`Worker#baseConsumerConfigs`): group `connect-<name>`, no
/// auto-commit, earliest offset when none is committed.
pub fn consumer_config(
    settings: &ClientSettings,
    group_id: &str,
    client_id: &str,
    overrides: &BTreeMap<String, String>,
) -> ClientConfig {
    let mut c = base(settings);
    c.set("group.id", group_id)
        .set("client.id", client_id)
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        // librdkafka stops fetching for this long whenever its queue is full (default 1 s);
        // Java's consumer has no such pause.
        .set("fetch.queue.backoff.ms", "10")
        .set("partition.assignment.strategy", "range,roundrobin");
    apply(&mut c, &settings.consumer);
    apply(&mut c, overrides);
    c
}

/// An admin client's config.
pub fn admin_config(settings: &ClientSettings) -> ClientConfig {
    let mut c = base(settings);
    apply(&mut c, &settings.admin);
    c
}

/// The id of the Kafka cluster `settings` points at, if it answers within `timeout`.
pub fn cluster_id(settings: &ClientSettings, timeout: std::time::Duration) -> Option<String> {
    let admin: rdkafka::admin::AdminClient<rdkafka::client::DefaultClientContext> =
        admin_config(settings).create().ok()?;
    admin.inner().fetch_cluster_id(timeout)
}
