//! The Kafka data plane: producers for source tasks, consumers for sink tasks, converters
//! between Connect data and record bytes, topic creation and the embedded broker.
//!
//! **Architecture Invariant:** all of this runs on task threads or rdkafka's own threads; the
//! async side (REST) never touches a producer or consumer.

mod client;
mod closing;
mod consumer;
mod convert;
mod deliveries;
mod embedded;
mod fetch;
pub mod groups;
mod headers;
mod intake;
mod message;
mod producer;
mod send;
mod topics;

pub use client::{admin_config, cluster_id, consumer_config, producer_config, ClientSettings};
pub use closing::ClosingConsumers;
pub use consumer::{KafkaInput, Subscription};
pub use convert::{ConverterDefaults, Converters};
pub use embedded::EmbeddedBroker;
pub use producer::KafkaOutput;
pub use topics::TopicCreator;

/// Called with each topic a task uses for the first time (KIP-558 topic tracking).
pub type TopicTracker = std::sync::Arc<dyn Fn(&str) + Send + Sync>;
