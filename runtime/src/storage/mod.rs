//! Where the worker keeps state. Standalone mode: source offsets in a local file. Distributed
//! mode: everything in Kafka's internal topics, in Kafka Connect's own formats ([`KafkaLog`] and
//! the config, offset and status topics built on it).

mod config_topic;
mod error;
mod json;
mod kafka_log;
mod offset_file;
mod offset_topic;
mod status_topic;

pub use config_topic::{ConfigChange, ConfigState, ConfigTopic, RestartRequest, SessionKey};
pub use error::StorageError;
pub use kafka_log::{KafkaLog, LogRecord, TopicSpec};
pub use offset_file::FileOffsetStore;
pub use offset_topic::{CombinedOffsetStore, ConnectorOffsetTopics, KafkaOffsetStore};
pub use status_topic::{StatusRecord, StatusTopic};
