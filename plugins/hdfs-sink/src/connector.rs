//! The connector classes: Confluent's HDFS 2 and HDFS 3 sink connectors (same behaviour).

use ferry_plugin_sdk::prelude::*;

use crate::config::{config_def, SinkConfig};
use crate::task::HdfsSinkTask;

/// Shared by both connector classes.
#[derive(Default)]
pub struct Common {
    config: ConfigMap,
}

impl Common {
    fn start(&mut self, config: &ConfigMap) -> Result<()> {
        SinkConfig::parse(config)?;
        self.config = config.clone();
        Ok(())
    }

    /// `max_tasks` identical configs; the consumer group spreads the partitions.
    fn task_configs(&self, max_tasks: usize) -> Vec<ConfigMap> {
        vec![self.config.clone(); max_tasks.max(1)]
    }
}

macro_rules! hdfs_connector {
    ($name:ident, $class:literal, $task_class:literal) => {
        #[doc = concat!("`", $class, "`.")]
        #[derive(Default)]
        pub struct $name(Common);

        impl SinkConnector for $name {
            type Task = HdfsSinkTask;
            const CLASS: &'static str = $class;
            const TASK_CLASS: &'static str = $task_class;
            const VERSION: &'static str = env!("CARGO_PKG_VERSION");

            fn config_def() -> ConfigDef {
                config_def()
            }

            fn start(&mut self, config: &ConfigMap, _ctx: ConnectorContext) -> Result<()> {
                self.0.start(config)
            }

            fn task_configs(&mut self, max_tasks: usize) -> Result<Vec<ConfigMap>> {
                Ok(self.0.task_configs(max_tasks))
            }
        }
    };
}

hdfs_connector!(
    HdfsSinkConnector,
    "io.confluent.connect.hdfs.HdfsSinkConnector",
    "io.confluent.connect.hdfs.HdfsSinkTask"
);
hdfs_connector!(
    Hdfs3SinkConnector,
    "io.confluent.connect.hdfs3.Hdfs3SinkConnector",
    "io.confluent.connect.hdfs3.Hdfs3SinkTask"
);
