//! Kafka's `FileStreamSinkConnector`: appends each record's value to a file (or stdout), one
//! line per record, as Java's `String.valueOf(value)` renders it (`Struct{a=1,b=x}`, `null`
//! for a tombstone). Strings and bytes are written verbatim without decoding anything.

mod task;

pub use task::FileStreamSinkTask;

use ferry_plugin_sdk::prelude::*;

/// Destination filename; stdout when unset.
pub const FILE: &str = "file";

fn config_def() -> ConfigDef {
    ConfigDef::new().define(
        ConfigKey::new(FILE, ConfigType::String)
            .default_null()
            .importance(Importance::High)
            .doc("Destination filename. If not specified, the standard output will be used"),
    )
}

/// `org.apache.kafka.connect.file.FileStreamSinkConnector`.
#[derive(Default)]
pub struct FileStreamSinkConnector {
    config: ConfigMap,
}

impl SinkConnector for FileStreamSinkConnector {
    type Task = FileStreamSinkTask;
    const CLASS: &'static str = "org.apache.kafka.connect.file.FileStreamSinkConnector";
    const TASK_CLASS: &'static str = "org.apache.kafka.connect.file.FileStreamSinkTask";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    fn config_def() -> ConfigDef {
        config_def()
    }

    fn start(&mut self, config: &ConfigMap, _ctx: ConnectorContext) -> Result<()> {
        config_def().parse(config)?;
        self.config = config.clone();
        Ok(())
    }

    /// `max_tasks` identical copies, as Kafka's.
    fn task_configs(&mut self, max_tasks: usize) -> Result<Vec<ConfigMap>> {
        Ok(vec![self.config.clone(); max_tasks])
    }

    /// Offsets live only in the consumer group, which the worker alters.
    fn alter_offsets(
        &mut self,
        _config: &ConfigMap,
        _offsets: &[(TopicPartition, Option<i64>)],
    ) -> Result<bool> {
        Ok(true)
    }
}

ferry_plugin_sdk::export_plugin! { sinks: [FileStreamSinkConnector] }
