//! `io.confluent.connect.jdbc.source.JdbcSourceTask`: runs its tables round-robin, least
//! recently queried first, each at most once per `poll.interval.ms`.

use std::time::{Duration, Instant as Clock};

use ferry_plugin_sdk::prelude::*;
use ferry_plugin_sdk::tracing::info;

use crate::dialect::{Dialect, ReadOptions};
use crate::error::JdbcError;
use crate::querier::{Querier, Step};
use crate::settings::Settings;
use crate::setup;
use crate::worker::DbWorker;

/// Longest a `poll` call blocks.
const MAX_WAIT: Duration = Duration::from_millis(500);

/// The JDBC source task.
#[derive(Default)]
pub struct JdbcSourceTask {
    // Declared before `db`: open cursors must close before the database thread is joined.
    queriers: Vec<Querier>,
    db: Option<DbWorker>,
    settings: Option<Settings>,
    dialect: Option<Dialect>,
    ctx: Option<SourceTaskContext>,
}

impl JdbcSourceTask {
    /// The querier to run next: one with an open statement, else the least recently
    /// queried one that is due; otherwise when the next one is due.
    fn pick(&self, interval: Duration) -> Result<usize, Clock> {
        if let Some(i) = self.queriers.iter().position(Querier::is_running) {
            return Ok(i);
        }
        let now = Clock::now();
        let mut best: Option<(usize, Option<Clock>)> = None;
        for (i, q) in self.queriers.iter().enumerate() {
            let due = q.due(interval);
            if best.is_none_or(|(_, b)| due < b) {
                best = Some((i, due));
            }
        }
        match best {
            Some((i, None)) => Ok(i),
            Some((i, Some(due))) if due <= now => Ok(i),
            Some((_, Some(due))) => Err(due),
            None => Err(now + MAX_WAIT),
        }
    }
}

impl SourceTask for JdbcSourceTask {
    fn start(&mut self, config: &ConfigMap, ctx: SourceTaskContext) -> Result<()> {
        let settings = Settings::parse(config)?;
        if settings.tables.is_empty() && settings.query.is_none() && settings.tables_fetched {
            return Err(JdbcError::Config("Invalid configuration: each JdbcSourceTask must have at least one table assigned to it or one query specified".into()).into());
        }
        let dialect = Dialect::of(&settings.connection.url);
        let opts = ReadOptions {
            numeric: settings.numeric_mapping,
            tz: settings.tz.clone(),
            batch: settings.batch_max_rows,
        };
        let db = DbWorker::start(settings.connection.clone(), opts, ctx.stop_token().clone())?;
        self.queriers = setup::queriers(&settings, &dialect, &db, &ctx)?;
        info!(
            "JDBC source task started on {} with {} table(s), mode {:?}",
            settings.connection.url.display(),
            self.queriers.len(),
            settings.mode
        );
        self.db = Some(db);
        self.settings = Some(settings);
        self.dialect = Some(dialect);
        self.ctx = Some(ctx);
        Ok(())
    }

    fn poll(&mut self, out: &mut SourceRecords<'_>) -> Result<()> {
        let (Some(s), Some(d), Some(db), Some(ctx)) =
            (&self.settings, &self.dialect, &self.db, &self.ctx)
        else {
            return Err(ConnectError::new("poll before start"));
        };
        let stop = ctx.stop_token().clone();
        let deadline = Clock::now() + MAX_WAIT;
        while out.is_empty() && !stop.is_stopped() {
            let now = Clock::now();
            if now >= deadline {
                break;
            }
            let i = match self.pick(s.poll_interval) {
                Ok(i) => i,
                Err(due) => {
                    stop.sleep(due.min(deadline).saturating_duration_since(now));
                    continue;
                }
            };
            let wait = deadline.saturating_duration_since(now);
            if let Step::Finished = self.queriers[i].step(s, d, db, wait, out)? {
                continue;
            }
        }
        Ok(())
    }

    fn stop(&mut self) -> Result<()> {
        self.queriers.clear();
        self.db = None;
        Ok(())
    }
}
