//! Worker and connector configuration: Java `.properties` files, Kafka's worker keys, and the
//! three connector file forms `connect-standalone.sh` accepts.

pub mod connector;
pub mod connector_file;
pub mod properties;
pub mod state;

pub use connector::{common_connector_def, sink_connector_def, source_connector_def};
pub use connector_file::{ConnectorFile, ConnectorFileError, ConnectorFileFormat};
pub use properties::PropertiesError;
pub use state::TargetState;
