//! MySQL and MariaDB through mysql_async on a current-thread runtime owned by the connection.
//! Rows are read from the server's result stream as they are needed (no client-side
//! buffering of the whole result, unlike Connector/J without `useCursorFetch`).

use std::collections::HashSet;

use ferry_plugin_sdk::tracing::warn;
use mysql_async::prelude::Queryable;
use mysql_async::{Conn, OptsBuilder, Value as My};
use tokio::runtime::Runtime;

use super::mysql_types::{bind_timestamp, decode, kind, kind_of_declared, ColumnInfo};
use super::{Chunk, ColumnMeta, Database, ReadOptions, Row};
use crate::error::{JdbcError, JdbcResult};
use crate::isolation::Level;
use crate::query::{Param, Statement};
use crate::schema::ColumnDef;
use crate::settings::{Connection, TableFilter};
use crate::tables::TableId;
use crate::temporal::{Instant, TimeZone};
use crate::url::DbUrl;

/// An open MySQL/MariaDB connection.
pub struct Mysql {
    rt: Runtime,
    conn: Conn,
    url: String,
    warned: HashSet<String>,
}

/// Server errors are permanent except lost connections; I/O and driver errors are transient.
fn classify(url: &str, sql: &str, e: mysql_async::Error) -> JdbcError {
    match e {
        mysql_async::Error::Server(s)
            if ![1053, 1152, 1158, 1159, 1160, 1161, 2006, 2013].contains(&s.code) =>
        {
            JdbcError::Query {
                sql: sql.to_owned(),
                message: format!("{} ({})", s.message, s.code),
            }
        }
        other => JdbcError::Connect {
            url: url.to_owned(),
            message: other.to_string(),
        },
    }
}

/// The session `time_zone` for `db.timezone`: an offset, or the zone's IANA name (which
/// needs the server's time zone tables).
fn session_zone(tz: &TimeZone) -> String {
    match (tz.fixed_offset_secs(), tz.iana_name()) {
        (None, Some(name)) => name.to_owned(),
        (o, _) => {
            let o = o.unwrap_or(0);
            format!(
                "{}{:02}:{:02}",
                if o < 0 { '-' } else { '+' },
                o.abs() / 3600,
                o.abs() / 60 % 60
            )
        }
    }
}

/// The statements run on each new connection.
fn session_init(tz: &TimeZone, isolation: Option<Level>) -> Vec<String> {
    let mut init = vec![format!("SET time_zone = '{}'", session_zone(tz))];
    if let Some(l) = isolation {
        init.push(format!(
            "SET SESSION TRANSACTION ISOLATION LEVEL {}",
            l.sql()
        ));
    }
    init
}

impl Mysql {
    /// Connect; the session time zone is `db.timezone` so TIMESTAMP columns read in it, and
    /// the session isolation level `transaction.isolation.mode` (as Connector/J's
    /// `setTransactionIsolation`) when one is set.
    pub fn open(c: &Connection, tz: &TimeZone, isolation: Option<Level>) -> JdbcResult<Mysql> {
        let DbUrl::Mysql(s) = &c.url else {
            return Err(JdbcError::Config("not a MySQL URL".into()));
        };
        let url = c.url.display();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| JdbcError::Connect {
                url: url.clone(),
                message: e.to_string(),
            })?;
        let user = c
            .user
            .clone()
            .or_else(|| s.param("user").map(str::to_owned));
        let pass = c
            .password
            .clone()
            .or_else(|| s.param("password").map(str::to_owned));
        let opts = OptsBuilder::default()
            .ip_or_hostname(s.host.clone())
            .tcp_port(s.port)
            .db_name((!s.database.is_empty()).then(|| s.database.clone()))
            .user(Some(user.unwrap_or_else(|| "root".into())))
            .pass(pass)
            .init(session_init(tz, isolation));
        let conn = rt.block_on(Conn::new(opts)).map_err(|e| match e {
            mysql_async::Error::Server(s) if [1044, 1045, 1698].contains(&s.code) => {
                JdbcError::Config(format!(
                    "authentication to {url} failed: {} ({})",
                    s.message, s.code
                ))
            }
            mysql_async::Error::Server(s) if s.code == 1298 => JdbcError::Config(format!(
                "cannot connect to {url}: {} ({}). db.timezone {tz} needs the server's time zone tables (load them with mariadb-tzinfo-to-sql or mysql_tzinfo_to_sql), or use a fixed offset such as +01:00",
                s.message, s.code
            )),
            mysql_async::Error::Server(s) => JdbcError::Config(format!(
                "cannot connect to {url}: {} ({})",
                s.message, s.code
            )),
            other => classify(&url, "", other),
        })?;
        Ok(Mysql {
            rt,
            conn,
            url,
            warned: HashSet::new(),
        })
    }
}

const LIST_TABLES: &str = "SELECT TABLE_SCHEMA, TABLE_NAME, CASE TABLE_TYPE WHEN 'BASE TABLE' THEN 'TABLE' ELSE TABLE_TYPE END AS T \
     FROM information_schema.tables WHERE TABLE_SCHEMA LIKE COALESCE(?, DATABASE()) ORDER BY T, TABLE_SCHEMA, TABLE_NAME";

const COLUMNS: &str =
    "SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, IS_NULLABLE, EXTRA, COLUMN_KEY, \
     COALESCE(NUMERIC_PRECISION, 0), COALESCE(NUMERIC_SCALE, 0) FROM information_schema.columns \
     WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION";

type ColumnRow = (String, String, String, String, String, String, u64, u64);

impl Database for Mysql {
    fn list_tables(&mut self, filter: &TableFilter) -> JdbcResult<Vec<TableId>> {
        let pattern = filter.catalog_pattern.clone().filter(|p| !p.is_empty());
        let rows: Vec<(String, String, String)> = self
            .rt
            .block_on(self.conn.exec(LIST_TABLES, (pattern,)))
            .map_err(|e| classify(&self.url, LIST_TABLES, e))?;
        Ok(rows
            .into_iter()
            .map(|(db, name, ty)| {
                (
                    TableId {
                        catalog: Some(db),
                        schema: None,
                        name,
                    },
                    ty,
                )
            })
            .filter(|(id, ty)| {
                filter.types.contains(&ty.to_ascii_uppercase()) && filter.accepts(id, Some('`'))
            })
            .map(|(id, _)| id)
            .collect())
    }

    fn columns(&mut self, table: &TableId, opts: &ReadOptions) -> JdbcResult<Vec<ColumnMeta>> {
        let rows: Vec<ColumnRow> = self
            .rt
            .block_on(
                self.conn
                    .exec(COLUMNS, (table.catalog.clone(), table.name.clone())),
            )
            .map_err(|e| classify(&self.url, COLUMNS, e))?;
        if rows.is_empty() {
            return Err(JdbcError::Config(format!(
                "table {table} does not exist in {}",
                self.url
            )));
        }
        Ok(rows
            .into_iter()
            .map(|(name, dt, ct, nullable, extra, key, p, s)| ColumnMeta {
                kind: kind_of_declared(
                    &dt.to_ascii_lowercase(),
                    &ct.to_ascii_lowercase(),
                    p as u32,
                    s as u32,
                    opts.numeric,
                ),
                name,
                nullable: nullable.eq_ignore_ascii_case("YES"),
                auto_increment: extra.to_ascii_lowercase().contains("auto_increment"),
                primary_key: key == "PRI",
            })
            .collect())
    }

    fn now(&mut self) -> JdbcResult<Instant> {
        let sql = "SELECT CAST(UNIX_TIMESTAMP(CURRENT_TIMESTAMP(6)) * 1000000 AS SIGNED)";
        let micros: Option<i64> = self
            .rt
            .block_on(self.conn.query_first(sql))
            .map_err(|e| classify(&self.url, sql, e))?;
        let micros = micros.unwrap_or_default();
        Ok(Instant {
            secs: micros.div_euclid(1_000_000),
            nanos: (micros.rem_euclid(1_000_000) * 1000) as u32,
        })
    }

    fn stream(
        &mut self,
        st: &Statement,
        not_null: &HashSet<String>,
        opts: &ReadOptions,
        out: &mut dyn FnMut(Chunk) -> bool,
    ) -> JdbcResult<()> {
        let sql = st.sql.as_str();
        let url = self.url.clone();
        let err = |e| classify(&url, sql, e);
        let params: Vec<My> = st
            .params
            .iter()
            .map(|p| match p {
                Param::Int(i) => My::Int(*i),
                Param::Timestamp(t) => bind_timestamp(*t, &opts.tz),
            })
            .collect();
        let rt = &self.rt;
        let mut result = rt.block_on(self.conn.exec_iter(sql, params)).map_err(err)?;
        let mut cols = Vec::new();
        for (i, c) in result.columns_ref().iter().enumerate() {
            let name = c.name_str().into_owned();
            match kind(&ColumnInfo::of(c), opts.numeric) {
                Some(k) => cols.push((
                    i,
                    ColumnDef {
                        optional: !not_null.contains(&name),
                        name,
                        kind: k,
                    },
                )),
                None => {
                    if self.warned.insert(format!("{sql}/{name}")) {
                        warn!("Skipping column {name} of type {:?} in `{sql}`: the type is not supported", c.column_type());
                    }
                }
            }
        }
        if !out(Chunk::Columns(cols.iter().map(|c| c.1.clone()).collect())) {
            return Ok(());
        }
        let mut chunk = Vec::with_capacity(opts.batch.min(10_000));
        while let Some(row) = rt.block_on(result.next()).map_err(err)? {
            let mut values = Row::with_capacity(cols.len());
            for (i, def) in &cols {
                let v = row.as_ref(*i).unwrap_or(&My::NULL);
                if let My::Date(.., us) = v {
                    values.note_nanos(us % 1000 * 1000);
                }
                values.values.push(decode(def, v, &opts.tz)?);
            }
            chunk.push(values);
            if chunk.len() >= opts.batch && !out(Chunk::Rows(std::mem::take(&mut chunk))) {
                break;
            }
        }
        if !chunk.is_empty() {
            out(Chunk::Rows(chunk));
        }
        rt.block_on(result.drop_result()).map_err(err)?;
        Ok(())
    }
}
