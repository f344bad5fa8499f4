//! SQLite through rusqlite, with the xerial driver's declared-type mapping (connectors.md §1.7).

use std::collections::HashSet;
use std::time::Duration;

use ferry_plugin_sdk::prelude::*;
use rusqlite::types::ValueRef;
use rusqlite::OpenFlags;

use super::{Chunk, ColumnMeta, Database, ReadOptions, Row};
use crate::error::{JdbcError, JdbcResult};
use crate::isolation::Level;
use crate::query::{Param, Statement};
use crate::schema::{ColumnDef, ColumnKind, NumericMapping};
use crate::settings::TableFilter;
use crate::tables::{quote, TableId};
use crate::temporal::{self, Instant, TimeZone};
use crate::values::{convert, Raw};

/// A read-only SQLite connection.
pub struct Sqlite {
    conn: rusqlite::Connection,
    path: String,
}

fn query_err(sql: &str, e: rusqlite::Error) -> JdbcError {
    let busy = matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    );
    if busy {
        JdbcError::Connect {
            url: "sqlite".into(),
            message: e.to_string(),
        }
    } else {
        JdbcError::Query {
            sql: sql.to_owned(),
            message: e.to_string(),
        }
    }
}

impl Sqlite {
    /// Open `path` read-only: a wrong path is an error rather than a new empty database.
    /// SERIALIZABLE, the only level SQLite (and xerial) supports, turns `read_uncommitted` off
    /// as xerial's `setTransactionIsolation` does; it is SQLite's default anyway.
    pub fn open(path: &str, isolation: Option<Level>) -> JdbcResult<Sqlite> {
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn =
            rusqlite::Connection::open_with_flags(path, flags).map_err(|e| JdbcError::Connect {
                url: format!("jdbc:sqlite:{path}"),
                message: e.to_string(),
            })?;
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(|e| query_err("PRAGMA busy_timeout", e))?;
        if isolation == Some(Level::Serializable) {
            let sql = "PRAGMA read_uncommitted = false";
            conn.execute_batch(sql).map_err(|e| query_err(sql, e))?;
        }
        Ok(Sqlite {
            conn,
            path: path.to_owned(),
        })
    }
}

/// The Connect kind of a declared type (`None`: decided by the first value).
pub fn kind_of(decl: &str, numeric: NumericMapping) -> Option<ColumnKind> {
    use ColumnKind as K;
    let upper = decl.trim().to_ascii_uppercase();
    let (name, args) = match upper.split_once('(') {
        Some((n, a)) => (n.trim().to_owned(), a.trim_end_matches(')').to_owned()),
        None => (upper.clone(), String::new()),
    };
    let mut ps = args
        .split(',')
        .map(|s| s.trim().parse::<i64>().unwrap_or(0));
    let precision = ps.next().unwrap_or(0).clamp(0, 1000) as u32;
    let scale = ps.next().unwrap_or(0).clamp(-127, 1000) as i32;
    Some(match name.as_str() {
        "" => return None,
        "BOOLEAN" => K::Boolean,
        "TINYINT" => K::Int16,
        "SMALLINT" | "INT2" => K::Int32,
        "BIGINT" | "INT8" | "UNSIGNED BIG INT" => K::Int64,
        "INTEGER" => K::Int32,
        "INT" | "MEDIUMINT" => K::Int64,
        "DATE" => K::Date,
        "DATETIME" | "TIMESTAMP" => K::Timestamp,
        "TIME" => K::Time,
        "DECIMAL" | "NUMERIC" => numeric.kind(precision, scale),
        "DOUBLE" | "DOUBLE PRECISION" | "FLOAT" => K::Float64,
        "REAL" => K::Float32,
        "BINARY" | "BLOB" | "VARBINARY" => K::Bytes,
        // SQLite's affinity rules for everything else.
        n if n.contains("INT") => K::Int64,
        n if n.contains("CHAR") || n.contains("CLOB") || n.contains("TEXT") => K::String,
        n if n.contains("BLOB") => K::Bytes,
        _ => K::Float64,
    })
}

fn kind_of_value(v: ValueRef<'_>) -> ColumnKind {
    match v {
        ValueRef::Integer(_) => ColumnKind::Int64,
        ValueRef::Real(_) => ColumnKind::Float64,
        ValueRef::Blob(_) => ColumnKind::Bytes,
        ValueRef::Null | ValueRef::Text(_) => ColumnKind::String,
    }
}

fn raw(v: ValueRef<'_>) -> Raw<'_> {
    match v {
        ValueRef::Null => Raw::Null,
        ValueRef::Integer(i) => Raw::Int(i),
        ValueRef::Real(f) => Raw::Float(f),
        ValueRef::Text(t) => Raw::Text(std::str::from_utf8(t).unwrap_or_default()),
        ValueRef::Blob(b) => Raw::Bytes(b),
    }
}

fn bind(p: &Param, tz: &TimeZone) -> rusqlite::types::Value {
    match p {
        Param::Int(i) => rusqlite::types::Value::Integer(*i),
        Param::Timestamp(t) => rusqlite::types::Value::Text(t.format_millis(tz)),
    }
}

impl Database for Sqlite {
    fn list_tables(&mut self, filter: &TableFilter) -> JdbcResult<Vec<TableId>> {
        let sql = "SELECT name, type FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY type, name";
        let mut stmt = self.conn.prepare(sql).map_err(|e| query_err(sql, e))?;
        let rows = stmt
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| query_err(sql, e))?;
        let mut out = Vec::new();
        for row in rows {
            let (name, ty) = row.map_err(|e| query_err(sql, e))?;
            let ty = ty.to_ascii_uppercase();
            // SQLite has neither catalogs nor schemas: the patterns are ignored, as xerial does.
            let id = TableId::bare(name);
            if filter.types.contains(&ty) && filter.accepts(&id, Some('"')) {
                out.push(id);
            }
        }
        Ok(out)
    }

    fn columns(&mut self, table: &TableId, opts: &ReadOptions) -> JdbcResult<Vec<ColumnMeta>> {
        let sql = format!("PRAGMA table_info({})", quote(&table.name, Some('"')));
        let mut stmt = self.conn.prepare(&sql).map_err(|e| query_err(&sql, e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    r.get::<_, i64>(3)? != 0,
                    r.get::<_, i64>(5)?,
                ))
            })
            .map_err(|e| query_err(&sql, e))?;
        let cols: Vec<_> = rows
            .collect::<Result<_, _>>()
            .map_err(|e| query_err(&sql, e))?;
        if cols.is_empty() {
            return Err(JdbcError::Config(format!(
                "table {table} does not exist in {}",
                self.path
            )));
        }
        let pk_count = cols.iter().filter(|c| c.3 > 0).count();
        Ok(cols
            .into_iter()
            .map(|(name, decl, not_null, pk)| {
                // INTEGER PRIMARY KEY is the rowid: never NULL, assigned automatically.
                let rowid = pk > 0 && pk_count == 1 && decl.eq_ignore_ascii_case("INTEGER");
                ColumnMeta {
                    kind: kind_of(&decl, opts.numeric).or(Some(ColumnKind::String)),
                    name,
                    nullable: !(not_null || rowid),
                    auto_increment: rowid,
                    primary_key: pk > 0,
                }
            })
            .collect())
    }

    fn now(&mut self) -> JdbcResult<Instant> {
        let sql = "SELECT strftime('%Y-%m-%d %H:%M:%f','now')";
        let text: String = self
            .conn
            .query_row(sql, [], |r| r.get(0))
            .map_err(|e| query_err(sql, e))?;
        temporal::parse_timestamp(&text, &TimeZone::default()).ok_or_else(|| JdbcError::Query {
            sql: sql.into(),
            message: format!("unexpected time {text:?}"),
        })
    }

    fn stream(
        &mut self,
        st: &Statement,
        not_null: &HashSet<String>,
        opts: &ReadOptions,
        out: &mut dyn FnMut(Chunk) -> bool,
    ) -> JdbcResult<()> {
        let sql = &st.sql;
        let mut stmt = self.conn.prepare(sql).map_err(|e| query_err(sql, e))?;
        let declared: Vec<(String, Option<ColumnKind>)> = stmt
            .columns()
            .iter()
            .map(|c| {
                let kind = c.decl_type().and_then(|d| kind_of(d, opts.numeric));
                (c.name().to_owned(), kind)
            })
            .collect();
        let params = rusqlite::params_from_iter(st.params.iter().map(|p| bind(p, &opts.tz)));
        let mut rows = stmt.query(params).map_err(|e| query_err(sql, e))?;
        let mut columns: Option<Vec<ColumnDef>> = None;
        let mut chunk = Vec::with_capacity(opts.batch.min(10_000));
        loop {
            let row = rows.next().map_err(|e| query_err(sql, e))?;
            let cols = match (&columns, row) {
                (Some(c), _) => c,
                (None, r) => {
                    let defs: Vec<ColumnDef> = declared
                        .iter()
                        .enumerate()
                        .map(|(i, (name, kind))| ColumnDef {
                            name: name.clone(),
                            kind: kind.unwrap_or_else(|| {
                                r.and_then(|r| r.get_ref(i).ok())
                                    .map_or(ColumnKind::String, kind_of_value)
                            }),
                            optional: !not_null.contains(name),
                        })
                        .collect();
                    if !out(Chunk::Columns(defs.clone())) {
                        return Ok(());
                    }
                    columns.insert(defs)
                }
            };
            let Some(row) = row else { break };
            let mut values = Row::with_capacity(cols.len());
            for (i, c) in cols.iter().enumerate() {
                let v = raw(row.get_ref(i).map_err(|e| query_err(sql, e))?);
                if let (ColumnKind::Timestamp, Raw::Text(t)) = (c.kind, &v) {
                    let exact = temporal::parse_timestamp(t, &opts.tz);
                    values.note_nanos(exact.map_or(0, |e| e.nanos % 1_000_000));
                }
                values.values.push(convert(c, &v, &opts.tz)?);
            }
            chunk.push(values);
            if chunk.len() >= opts.batch && !out(Chunk::Rows(std::mem::take(&mut chunk))) {
                return Ok(());
            }
        }
        if !chunk.is_empty() {
            out(Chunk::Rows(chunk));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_types_follow_xerial() {
        let n = NumericMapping::None;
        assert_eq!(kind_of("INTEGER", n), Some(ColumnKind::Int32));
        assert_eq!(kind_of("int", n), Some(ColumnKind::Int64));
        assert_eq!(kind_of("VARCHAR(64)", n), Some(ColumnKind::String));
        assert_eq!(kind_of("TINYINT", n), Some(ColumnKind::Int16));
        assert_eq!(
            kind_of("DECIMAL(10,2)", n),
            Some(ColumnKind::Decimal {
                precision: 10,
                scale: 2
            })
        );
        assert_eq!(kind_of("DATETIME", n), Some(ColumnKind::Timestamp));
        assert_eq!(kind_of("", n), None);
    }
}
