//! `io.confluent.connect.jdbc.JdbcSourceConnector`.

use std::sync::{Arc, Mutex};

use ferry_plugin_sdk::prelude::*;

use crate::config::{self, TABLES, TABLES_FETCHED};
use crate::error::JdbcError;
use crate::monitor::{self, Monitor, SharedTables};
use crate::settings::Settings;
use crate::tables::group;
use crate::task::JdbcSourceTask;
use crate::validate;

/// The JDBC source connector.
#[derive(Default)]
pub struct JdbcSourceConnector {
    config: ConfigMap,
    settings: Option<Settings>,
    tables: SharedTables,
    monitor: Option<Monitor>,
}

impl SourceConnector for JdbcSourceConnector {
    type Task = JdbcSourceTask;
    const CLASS: &'static str = "io.confluent.connect.jdbc.JdbcSourceConnector";
    const TASK_CLASS: &'static str = "io.confluent.connect.jdbc.source.JdbcSourceTask";
    const VERSION: &'static str = env!("CARGO_PKG_VERSION");

    fn config_def() -> ConfigDef {
        config::config_def()
    }

    fn validate(&self, config: &ConfigMap) -> Vec<ConfigValue> {
        validate::validate(config)
    }

    fn start(&mut self, config: &ConfigMap, ctx: ConnectorContext) -> Result<()> {
        let settings = Settings::parse(config)?;
        self.config = config.clone();
        if settings.query.is_none() {
            let found = monitor::list_once(&settings, &StopToken::new())?;
            self.tables = Arc::new(Mutex::new(found));
            self.monitor = Some(Monitor::start(settings.clone(), self.tables.clone(), ctx)?);
        }
        self.settings = Some(settings);
        Ok(())
    }

    fn task_configs(&mut self, max_tasks: usize) -> Result<Vec<ConfigMap>> {
        let Some(s) = &self.settings else {
            return Err(JdbcError::Config("task_configs before start".into()).into());
        };
        let mut base = self.config.clone();
        base.insert(TABLES_FETCHED.into(), "true".into());
        if s.query.is_some() {
            base.insert(TABLES.into(), String::new());
            return Ok(vec![base]);
        }
        let tables: Vec<String> = self
            .tables
            .lock()
            .map(|t| t.iter().map(|t| t.fqn()).collect())
            .unwrap_or_default();
        if tables.is_empty() {
            base.insert(TABLES.into(), String::new());
            return Ok(vec![base]);
        }
        Ok(group(&tables, max_tasks)
            .into_iter()
            .map(|g| {
                let mut c = base.clone();
                c.insert(TABLES.into(), g.join(","));
                c
            })
            .collect())
    }

    fn stop(&mut self) -> Result<()> {
        self.monitor = None;
        Ok(())
    }
}
