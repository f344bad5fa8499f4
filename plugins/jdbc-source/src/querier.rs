//! One table (or the query) of a task: its offset, its open cursor, its poll schedule
//! (Confluent's `TableQuerier`).

use std::collections::HashSet;
use std::time::{Duration, Instant as Clock};

use ferry_plugin_sdk::prelude::*;
use ferry_plugin_sdk::tracing::{debug, info, warn};

use crate::dialect::{Chunk, Dialect, Row};
use crate::error::{JdbcError, JdbcResult};
use crate::offsets::{Offset, Origin};
use crate::query::Criteria;
use crate::records::Layout;
use crate::settings::{Mode, Settings};
use crate::temporal::Instant;
use crate::worker::{Cursor, DbWorker, Next};

/// Per-table reading state.
pub struct Querier {
    pub origin: Origin,
    /// The source partition as JSON object text, written into every record.
    partition_json: String,
    topic: String,
    name: Option<String>,
    not_null: HashSet<String>,
    key_columns: Vec<String>,
    incrementing: Option<String>,
    /// Offset after the last row handed out.
    offset: Offset,
    /// Offset when the current statement started (rolled back to after a transient error).
    started_at: Offset,
    pub last_update: Option<Clock>,
    /// Consecutive transient failures.
    failures: u32,
    /// Whether the timestamp bounds were logged yet.
    bounds_logged: bool,
    cursor: Option<Cursor>,
    layout: Option<Layout>,
    /// Timestamp mode: the last row read, held back until the next row shows whether its
    /// timestamp group is complete.
    held: Option<Row>,
}

/// What one step of reading produced.
pub enum Step {
    /// Records were pushed (or the statement is still running).
    Progress,
    /// The statement finished; the table waits for `poll.interval.ms`.
    Finished,
}

/// Settings of a querier derived from the table's metadata.
pub struct QuerierSpec {
    pub origin: Origin,
    pub partition: JsonMap,
    pub topic: String,
    pub not_null: HashSet<String>,
    pub key_columns: Vec<String>,
    pub incrementing: Option<String>,
    pub offset: Offset,
}

impl Querier {
    /// A querier that starts reading after `spec.offset`.
    pub fn new(spec: QuerierSpec) -> Querier {
        let name = match &spec.origin {
            Origin::Table(t) => Some(t.name.clone()),
            Origin::Query(_) => None,
        };
        let partition_json = serde_json::to_string(&spec.partition).unwrap_or_default();
        Querier {
            origin: spec.origin,
            partition_json,
            topic: spec.topic,
            name,
            not_null: spec.not_null,
            key_columns: spec.key_columns,
            incrementing: spec.incrementing,
            offset: spec.offset,
            started_at: spec.offset,
            last_update: None,
            failures: 0,
            bounds_logged: false,
            cursor: None,
            layout: None,
            held: None,
        }
    }

    /// Whether a statement is open.
    pub fn is_running(&self) -> bool {
        self.cursor.is_some()
    }

    /// When the next statement may start.
    pub fn due(&self, interval: Duration) -> Option<Clock> {
        self.last_update.map(|t| t + interval)
    }

    fn start(&mut self, s: &Settings, d: &Dialect, db: &DbWorker) -> JdbcResult<()> {
        let end = if s.mode.uses_timestamp() {
            db.now()?.minus_millis(s.timestamp_delay.as_millis() as i64)
        } else {
            Instant::default()
        };
        let criteria = Criteria {
            mode: s.mode,
            quote: s.quote.then_some(d.quote),
            placeholder: d.placeholder,
            incrementing: self.incrementing.as_deref(),
            timestamps: &s.timestamp_columns,
            ts_template: d.ts_template,
            suffix: s.query_suffix.as_deref(),
        };
        let begin = self.offset.timestamp_or_default();
        if s.mode.uses_timestamp() && !self.bounds_logged {
            self.bounds_logged = true;
            info!(
                "{:?}: reading rows with timestamps after {} and before {} (database time minus {} ms), in {:?}",
                self.origin,
                begin.format(&s.tz),
                end.format(&s.tz),
                s.timestamp_delay.as_millis(),
                s.tz
            );
        }
        let stmt = criteria.statement(
            &self.origin,
            self.offset.incrementing_or_default(),
            begin,
            end,
        );
        debug!("Executing {} with {:?}", stmt.sql, stmt.params);
        self.started_at = self.offset;
        self.cursor = Some(db.stream(stmt, self.not_null.clone())?);
        Ok(())
    }

    fn finish(&mut self) {
        self.cursor = None;
        self.layout = None;
        self.held = None;
        self.last_update = Some(Clock::now());
    }

    /// Start a statement if none is open, then read one chunk (waiting up to `wait`).
    pub fn step(
        &mut self,
        s: &Settings,
        d: &Dialect,
        db: &DbWorker,
        wait: Duration,
        out: &mut SourceRecords<'_>,
    ) -> Result<Step> {
        match self.try_step(s, d, db, wait, out) {
            Ok(step) => {
                if let Step::Finished = step {
                    self.failures = 0;
                }
                Ok(step)
            }
            Err(e)
                if e.is_transient() && s.query_retry_attempts.is_none_or(|n| self.failures < n) =>
            {
                self.failures += 1;
                warn!(
                    "Reading {:?} failed, will retry after reconnecting: {e}",
                    self.origin
                );
                self.offset = self.started_at;
                self.finish();
                Ok(Step::Finished)
            }
            Err(e) => {
                self.finish();
                Err(e.into())
            }
        }
    }

    fn try_step(
        &mut self,
        s: &Settings,
        d: &Dialect,
        db: &DbWorker,
        wait: Duration,
        out: &mut SourceRecords<'_>,
    ) -> JdbcResult<Step> {
        if self.cursor.is_none() {
            self.start(s, d, db)?;
        }
        let Some(cursor) = &self.cursor else {
            return Ok(Step::Finished);
        };
        match cursor.next(wait)? {
            Next::Pending => Ok(Step::Progress),
            Next::Chunk(Chunk::Columns(cols)) => {
                self.layout = Some(Layout::new(
                    self.name.as_deref(),
                    cols,
                    &self.key_columns,
                    self.incrementing.as_deref(),
                    if s.mode.uses_timestamp() {
                        &s.timestamp_columns
                    } else {
                        &[]
                    },
                    s.timestamp_granularity,
                    &s.tz,
                )?);
                Ok(Step::Progress)
            }
            Next::Chunk(Chunk::Rows(rows)) => {
                self.emit(s.mode, rows, out)?;
                Ok(Step::Progress)
            }
            Next::End => {
                if let Some(last) = self.held.take() {
                    self.emit_row(s.mode, last, None, out)?;
                }
                self.finish();
                Ok(Step::Finished)
            }
        }
    }

    fn emit(&mut self, mode: Mode, rows: Vec<Row>, out: &mut SourceRecords<'_>) -> JdbcResult<()> {
        if mode != Mode::Timestamp {
            for row in rows {
                self.emit_row(mode, row, None, out)?;
            }
            return Ok(());
        }
        let mut prev = self.held.take();
        for row in rows {
            if let Some(p) = prev.take() {
                let next_ts = self.layout.as_ref().and_then(|l| l.timestamp(&row));
                self.emit_row(mode, p, Some(next_ts), out)?;
            }
            prev = Some(row);
        }
        self.held = prev;
        Ok(())
    }

    /// Push `row`; in timestamp mode `next` is the next row's timestamp when known, and the
    /// offset only advances past a timestamp once its last row is out.
    fn emit_row(
        &mut self,
        mode: Mode,
        row: Row,
        next: Option<Option<Instant>>,
        out: &mut SourceRecords<'_>,
    ) -> JdbcResult<()> {
        let Some(layout) = &self.layout else {
            return Ok(());
        };
        if let Some(i) = layout.incrementing(&row.values)? {
            self.offset.incrementing = Some(i);
        }
        if mode.uses_timestamp() {
            if let Some(ts) = layout.timestamp(&row) {
                let tie = next.is_some_and(|n| n == Some(ts));
                if mode == Mode::TimestampIncrementing || !tie {
                    self.offset.timestamp = Some(ts);
                }
            }
        }
        // Bulk mode stores no offset.
        let offset = (mode != Mode::Bulk)
            .then(|| serde_json::to_string(&self.offset.to_map()))
            .transpose()
            .map_err(|e| JdbcError::Data(format!("cannot write the source offset: {e}")))?;
        let values = layout.values(row)?;
        layout.push(
            &self.topic,
            &self.partition_json,
            offset.as_deref(),
            values,
            out,
        )?;
        Ok(())
    }
}
