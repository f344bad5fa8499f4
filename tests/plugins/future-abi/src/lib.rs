//! A plugin that claims a newer ABI minor than any worker has, to test that it is refused
//! with a message naming the versions that would work.

use ferry_plugin_sdk::prelude::*;

#[derive(Default)]
pub struct FutureSource;

impl SourceConnector for FutureSource {
    type Task = FutureTask;
    const CLASS: &'static str = "test.FutureSourceConnector";
    const TASK_CLASS: &'static str = "test.FutureSourceTask";
    const VERSION: &'static str = "9.9";
    fn config_def() -> ConfigDef {
        ConfigDef::new()
    }
    fn start(&mut self, _: &ConfigMap, _: ConnectorContext) -> Result<()> {
        Ok(())
    }
    fn task_configs(&mut self, _: usize) -> Result<Vec<ConfigMap>> {
        Ok(vec![])
    }
}

#[derive(Default)]
pub struct FutureTask;

impl SourceTask for FutureTask {
    fn start(&mut self, _: &ConfigMap, _: SourceTaskContext) -> Result<()> {
        Ok(())
    }
    fn poll(&mut self, _: &mut SourceRecords<'_>) -> Result<()> {
        Ok(())
    }
}

ferry_plugin_sdk::export_plugin!(@abi_minor 999; sources: [FutureSource]);
