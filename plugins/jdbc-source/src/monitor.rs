//! Confluent's `TableMonitorThread`: re-lists the tables every `table.poll.interval.ms` and asks
//! for a task reconfiguration when the set changed.

use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use ferry_plugin_sdk::prelude::*;
use ferry_plugin_sdk::tracing::{info, warn};

use crate::dialect::{self, Database};
use crate::error::{JdbcError, JdbcResult};
use crate::settings::Settings;
use crate::tables::TableId;

/// The tables the connector currently knows.
pub type SharedTables = Arc<Mutex<Vec<TableId>>>;

/// List the tables once, with a fresh connection.
pub fn list_once(s: &Settings, stop: &StopToken) -> JdbcResult<Vec<TableId>> {
    let mut db = dialect::connect(&s.connection, &s.tz, &|d| stop.sleep(d))?;
    list(db.as_mut(), s)
}

fn list(db: &mut dyn Database, s: &Settings) -> JdbcResult<Vec<TableId>> {
    let tables = db.list_tables(&s.filter)?;
    let mut seen = std::collections::HashSet::new();
    for t in &tables {
        if !seen.insert(&t.name) {
            return Err(JdbcError::Config(format!("The connector uses the unqualified table name as the topic name and has detected duplicate unqualified table names ({}); set schema.pattern or a table filter", t.name)));
        }
    }
    Ok(tables)
}

/// The running monitor.
pub struct Monitor {
    stop: StopToken,
    handle: Option<JoinHandle<()>>,
}

impl Monitor {
    /// Watch for table changes; `tables` holds the current list.
    pub fn start(s: Settings, tables: SharedTables, ctx: ConnectorContext) -> JdbcResult<Monitor> {
        let stop = StopToken::new();
        let token = stop.clone();
        let handle = std::thread::Builder::new()
            .name("jdbc-table-monitor".into())
            .spawn(move || run(&s, &tables, &ctx, &token))
            .map_err(|e| JdbcError::Data(format!("cannot start the table monitor: {e}")))?;
        Ok(Monitor {
            stop,
            handle: Some(handle),
        })
    }
}

fn run(s: &Settings, tables: &SharedTables, ctx: &ConnectorContext, stop: &StopToken) {
    let mut db: Option<Box<dyn Database>> = None;
    while !stop.sleep(s.table_poll_interval) {
        if db.is_none() {
            match dialect::connect(&s.connection, &s.tz, &|d| stop.sleep(d)) {
                Ok(c) => db = Some(c),
                Err(e) => {
                    warn!("Table monitor cannot connect: {e}");
                    continue;
                }
            }
        }
        let Some(conn) = db.as_mut() else { continue };
        match list(conn.as_mut(), s) {
            Ok(now) => {
                let changed = match tables.lock() {
                    Ok(mut cur) if *cur != now => {
                        info!(
                            "Tables changed from {:?} to {:?}; reconfiguring tasks",
                            *cur, now
                        );
                        *cur = now;
                        true
                    }
                    _ => false,
                };
                if changed {
                    ctx.request_task_reconfiguration();
                }
            }
            Err(e) if e.is_transient() => {
                warn!("Table monitor: {e}");
                db = None;
            }
            Err(e) => {
                ctx.raise_error(e.into());
                return;
            }
        }
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        self.stop.stop();
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}
