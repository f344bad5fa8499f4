//! Configuration: Kafka's `ConfigDef` (from `ferry-configdef`) and the string map connectors
//! receive.

pub use ferry_configdef::*;

/// A connector or task configuration: Kafka Connect's `Map<String, String>`.
pub type ConfigMap = std::collections::BTreeMap<String, String>;
