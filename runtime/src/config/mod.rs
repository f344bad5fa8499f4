//! Worker and connector configuration: Java `.properties` files ([`properties`]), Kafka's worker
//! keys ([`WorkerConfig`]), the framework's connector-level definitions ([`connector`]), and the
//! three connector file forms `connect-standalone.sh` accepts ([`ConnectorFile`]).

pub mod connector;
pub mod connector_file;
pub mod properties;
pub mod state;
pub mod worker;

pub use connector::{
    add_sink_topic_errors, common_connector_def, sink_connector_def, source_connector_def,
    validate_sink_topics,
};
pub use connector_file::{ConnectorFile, ConnectorFileError, ConnectorFileFormat};
pub use properties::PropertiesError;
pub use state::TargetState;
pub use worker::{
    worker_config_def, Bootstrap, ClientConfigOverridePolicy, DistributedConfig, Listener, Mode,
    RestConfig, WorkerConfig,
};
