//! Database access behind one small trait, one implementation per driver.

mod mysql;
mod mysql_types;
pub(crate) mod pg_tls;
mod pg_types;
mod postgres;
mod sqlite;

use std::collections::HashSet;

use ferry_plugin_sdk::prelude::*;
use ferry_plugin_sdk::tracing::warn;

use crate::config::TRANSACTION_ISOLATION_MODE;
use crate::error::JdbcResult;
use crate::isolation::{self, Level};
use crate::query::{self, Statement};
use crate::schema::{ColumnDef, ColumnKind, NumericMapping};
use crate::settings::{Connection, TableFilter};
use crate::tables::TableId;
use crate::temporal::{Instant, TimeZone};
use crate::url::DbUrl;

/// Column metadata of a table (`DatabaseMetaData.getColumns`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMeta {
    pub name: String,
    /// `None` when the type is not supported.
    pub kind: Option<ColumnKind>,
    pub nullable: bool,
    pub auto_increment: bool,
    pub primary_key: bool,
}

/// What a streaming query hands over.
#[derive(Debug, Clone, PartialEq)]
pub enum Chunk {
    /// The result columns (sent once, first).
    Columns(Vec<ColumnDef>),
    /// Up to `batch.max.rows` rows.
    Rows(Vec<Row>),
}

/// One result row: values in column order, plus the sub-millisecond part of timestamp
/// values (Connect timestamps hold milliseconds; offsets keep the exact instant so that a
/// `timestamp(6)` row is not read again and again).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Row {
    pub values: Vec<Value>,
    /// `(column index, nanoseconds within the millisecond)`, only where non-zero.
    pub sub_millis: Vec<(usize, u32)>,
}

impl Row {
    /// A row with room for `n` values.
    pub fn with_capacity(n: usize) -> Row {
        Row {
            values: Vec::with_capacity(n),
            sub_millis: Vec::new(),
        }
    }

    /// The exact instant of the TIMESTAMP value at `i` (`None` for other values and NULL).
    pub fn instant(&self, i: usize) -> Option<Instant> {
        let Some(Value::Timestamp(ms)) = self.values.get(i) else {
            return None;
        };
        let mut t = Instant::from_millis(*ms);
        if let Some((_, n)) = self.sub_millis.iter().find(|(c, _)| *c == i) {
            t.nanos += n;
        }
        Some(t)
    }

    /// Record the nanoseconds within the millisecond of the value about to be pushed.
    pub fn note_nanos(&mut self, nanos_in_milli: u32) {
        if nanos_in_milli != 0 {
            self.sub_millis.push((self.values.len(), nanos_in_milli));
        }
    }
}

/// Options that shape how values are read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    pub numeric: NumericMapping,
    pub tz: TimeZone,
    pub batch: usize,
}

/// One open connection.
pub trait Database: Send {
    /// Tables passing `filter`, in `getTables` order (type, catalog, schema, name).
    fn list_tables(&mut self, filter: &TableFilter) -> JdbcResult<Vec<TableId>>;
    /// Column metadata; an error names the table when it does not exist.
    fn columns(&mut self, table: &TableId, opts: &ReadOptions) -> JdbcResult<Vec<ColumnMeta>>;
    /// The database's current time.
    fn now(&mut self) -> JdbcResult<Instant>;
    /// Run `stmt` and hand its result to `out` in chunks; stop early when `out` returns false.
    /// `not_null` names the columns known to be NOT NULL (table mode).
    fn stream(
        &mut self,
        stmt: &Statement,
        not_null: &HashSet<String>,
        opts: &ReadOptions,
        out: &mut dyn FnMut(Chunk) -> bool,
    ) -> JdbcResult<()>;
}

/// Static facts about a dialect, known without connecting.
#[derive(Debug, Clone, Copy)]
pub struct Dialect {
    pub quote: char,
    pub placeholder: fn(usize) -> String,
    /// How a timestamp column is compared with a bound value (`{}` = the column).
    pub ts_template: &'static str,
    /// Whether `a.b` means catalog.table (MySQL) rather than schema.table.
    pub catalog_qualified: bool,
}

impl Dialect {
    /// The dialect of `url`.
    pub fn of(url: &DbUrl) -> Dialect {
        match url {
            DbUrl::Sqlite { .. } => Dialect {
                quote: '"',
                placeholder: query::question_mark,
                ts_template: "strftime('%Y-%m-%d %H:%M:%f',{})",
                catalog_qualified: false,
            },
            DbUrl::Postgres(_) => Dialect {
                quote: '"',
                placeholder: query::dollar,
                ts_template: "{}",
                catalog_qualified: false,
            },
            DbUrl::Mysql(_) => Dialect {
                quote: '`',
                placeholder: query::question_mark,
                ts_template: "{}",
                catalog_qualified: true,
            },
        }
    }
}

/// The isolation level to set on a new connection. A level the database does not support is
/// logged and the connection keeps its default, as Confluent's `setConnectionIsolationMode`
/// does (validation reports it on the key before it gets here).
fn isolation_level(c: &Connection) -> Option<Level> {
    let db = isolation::Database::of(&c.url);
    if let Some(why) = c.isolation.refusal(db) {
        warn!(
            "Unable to set {TRANSACTION_ISOLATION_MODE}: {}. No transaction isolation mode will be set for the queries: {why}",
            c.isolation
        );
    }
    c.isolation.level_for(db)
}

fn connect_once(c: &Connection, tz: &TimeZone) -> JdbcResult<Box<dyn Database>> {
    let level = isolation_level(c);
    match &c.url {
        DbUrl::Sqlite { path } => Ok(Box::new(sqlite::Sqlite::open(path, level)?)),
        DbUrl::Postgres(_) => Ok(Box::new(postgres::Postgres::open(c, level)?)),
        DbUrl::Mysql(_) => Ok(Box::new(mysql::Mysql::open(c, tz, level)?)),
    }
}

/// Open a connection, trying `connection.attempts` times `connection.backoff.ms` apart.
/// `sleep` returns true when the caller was asked to stop.
pub fn connect(
    c: &Connection,
    tz: &TimeZone,
    sleep: &dyn Fn(std::time::Duration) -> bool,
) -> JdbcResult<Box<dyn Database>> {
    let mut attempt = 1;
    loop {
        match connect_once(c, tz) {
            Ok(db) => return Ok(db),
            Err(e) if e.is_transient() && attempt < c.attempts => {
                warn!(
                    "Connection attempt {attempt} of {} to {} failed: {e}; retrying in {:?}",
                    c.attempts,
                    c.url.display(),
                    c.backoff
                );
                if sleep(c.backoff) {
                    return Err(e);
                }
                attempt += 1;
            }
            Err(e) => return Err(e),
        }
    }
}
