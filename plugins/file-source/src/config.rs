use ferry_plugin_sdk::prelude::*;

/// Source filename; stdin when unset.
pub const FILE: &str = "file";
/// Topic to publish to.
pub const TOPIC: &str = "topic";
/// Maximum records per poll.
pub const BATCH_SIZE: &str = "batch.size";

pub(crate) const DEFAULT_BATCH_SIZE: i32 = 2000;

pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(FILE, ConfigType::String)
                .default_null()
                .importance(Importance::High)
                .doc("Source filename. If not specified, the standard input will be used"),
        )
        .define(
            ConfigKey::new(TOPIC, ConfigType::String)
                .validator(Validator::NonEmptyString)
                .importance(Importance::High)
                .doc("The topic to publish data to"),
        )
        .define(
            ConfigKey::new(BATCH_SIZE, ConfigType::Int)
                .default_value(DEFAULT_BATCH_SIZE.to_string())
                .importance(Importance::Low)
                .doc("The maximum number of records the source task can read from the file each time it is polled"),
        )
}
