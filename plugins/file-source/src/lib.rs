//! Kafka's `FileStreamSourceConnector`: each line of a file (or stdin) becomes a record.
//!
//! Same keys, class names, partition (`{"filename": ...}`) and offset (`{"position": N}`)
//! as Kafka's, with one deliberate fix: positions count **bytes**, which is what a resume seeks,
//! so files with multi-byte characters resume at the right place (Kafka counts characters).

mod config;
mod offsets;
mod reader;
mod task;

pub use config::{BATCH_SIZE, FILE, TOPIC};
pub use task::FileStreamSourceTask;

use ferry_plugin_sdk::prelude::*;

/// `org.apache.kafka.connect.file.FileStreamSourceConnector`.
#[derive(Default)]
pub struct FileStreamSourceConnector {
    config: ConfigMap,
}

impl SourceConnector for FileStreamSourceConnector {
    type Task = FileStreamSourceTask;
    const CLASS: &'static str = "org.apache.kafka.connect.file.FileStreamSourceConnector";
    const TASK_CLASS: &'static str = "org.apache.kafka.connect.file.FileStreamSourceTask";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    fn config_def() -> ConfigDef {
        config::config_def()
    }

    fn start(&mut self, config: &ConfigMap, _ctx: ConnectorContext) -> Result<()> {
        config::config_def().parse(config)?;
        self.config = config.clone();
        Ok(())
    }

    /// Exactly one task, whatever `tasks.max` says: a file is read sequentially.
    fn task_configs(&mut self, _max_tasks: usize) -> Result<Vec<ConfigMap>> {
        Ok(vec![self.config.clone()])
    }

    fn alter_offsets(
        &mut self,
        config: &ConfigMap,
        offsets: &[(JsonMap, Option<JsonMap>)],
    ) -> Result<bool> {
        offsets::check_alter(config, offsets)
    }
}

ferry_plugin_sdk::export_plugin! { sources: [FileStreamSourceConnector] }
