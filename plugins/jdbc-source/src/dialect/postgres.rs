//! PostgreSQL through tokio-postgres on a current-thread runtime owned by the connection.
//! Statements run in a read transaction through a portal, `batch.max.rows` rows at a time,
//! so the server keeps the cursor and Ferry never holds a whole table. The transaction starts
//! with the `transaction.isolation.mode` level when one is set.

use std::collections::HashSet;
use std::time::Duration;

use ferry_plugin_sdk::tracing::warn;
use tokio::runtime::Runtime;
use tokio_postgres::types::{ToSql, Type};
use tokio_postgres::{Client, IsolationLevel};

use super::pg_tls::{self, Tls, TlsParams};
use super::pg_types::{decode, kind, sub_millis, PgParam, RawValue};
use super::{Chunk, ColumnMeta, Database, ReadOptions, Row};
use crate::error::{JdbcError, JdbcResult};
use crate::isolation::Level;
use crate::query::{Param, Statement};
use crate::schema::ColumnDef;
use crate::settings::{Connection, TableFilter};
use crate::tables::TableId;
use crate::temporal::Instant;
use crate::url::DbUrl;

/// An open PostgreSQL connection.
pub struct Postgres {
    rt: Runtime,
    client: Client,
    url: String,
    warned: HashSet<String>,
    /// `transaction.isolation.mode` of the read transactions; `None`: the server's default.
    isolation: Option<IsolationLevel>,
}

/// Map a driver error: connection problems are transient, server errors are not (except
/// class 08 connection exceptions and administrator shutdowns).
fn classify(url: &str, sql: &str, e: tokio_postgres::Error) -> JdbcError {
    let transient = match e.as_db_error() {
        Some(db) => {
            let code = db.code().code();
            code.starts_with("08") || code.starts_with("57P")
        }
        None => true,
    };
    let message = match e.as_db_error() {
        Some(db) => format!("{} ({})", db.message(), db.code().code()),
        None => e.to_string(),
    };
    if transient {
        JdbcError::Connect {
            url: url.to_owned(),
            message,
        }
    } else {
        JdbcError::Query {
            sql: sql.to_owned(),
            message,
        }
    }
}

/// The `START TRANSACTION ISOLATION LEVEL …` of a level (READ UNCOMMITTED runs as READ
/// COMMITTED in PostgreSQL but is accepted and shown as such).
fn pg_level(l: Level) -> IsolationLevel {
    match l {
        Level::ReadUncommitted => IsolationLevel::ReadUncommitted,
        Level::ReadCommitted => IsolationLevel::ReadCommitted,
        Level::RepeatableRead => IsolationLevel::RepeatableRead,
        Level::Serializable => IsolationLevel::Serializable,
    }
}

impl Postgres {
    /// Connect with the URL's host/port/database and the configured credentials.
    pub fn open(c: &Connection, isolation: Option<Level>) -> JdbcResult<Postgres> {
        let DbUrl::Postgres(s) = &c.url else {
            return Err(JdbcError::Config("not a PostgreSQL URL".into()));
        };
        let url = c.url.display();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| JdbcError::Connect {
                url: url.clone(),
                message: e.to_string(),
            })?;
        let mut cfg = tokio_postgres::Config::new();
        cfg.host(&s.host).port(s.port).dbname(&s.database);
        cfg.connect_timeout(Duration::from_secs(10));
        cfg.application_name(s.param("ApplicationName").unwrap_or("ferry-jdbc-source"));
        let user = c
            .user
            .clone()
            .or_else(|| s.param("user").map(str::to_owned));
        cfg.user(user.as_deref().unwrap_or("postgres"));
        if let Some(p) = c.password.as_deref().or_else(|| s.param("password")) {
            cfg.password(p);
        }
        let tls = Tls::new(
            &TlsParams::from_server(s)
                .map_err(|why| JdbcError::Config(format!("connection.url {url}: {why}")))?,
        )?;
        let (client, conn) = rt.block_on(pg_tls::connect(&cfg, &tls)).map_err(|e| {
            if let Some(cert) = pg_tls::certificate_error(&url, tls.mode(), &e) {
                return cert;
            }
            let auth = e
                .as_db_error()
                .is_some_and(|d| d.code().code().starts_with("28"));
            match classify(&url, "", e) {
                JdbcError::Query { message, .. } if auth => {
                    JdbcError::Config(format!("authentication to {url} failed: {message}"))
                }
                JdbcError::Query { message, .. } => {
                    JdbcError::Config(format!("cannot connect to {url}: {message}"))
                }
                other => other,
            }
        })?;
        rt.spawn(async move {
            if let Err(e) = conn.await {
                warn!("PostgreSQL connection closed: {e}");
            }
        });
        Ok(Postgres {
            rt,
            client,
            url,
            warned: HashSet::new(),
            isolation: isolation.map(pg_level),
        })
    }

    fn err(&self, sql: &str) -> impl Fn(tokio_postgres::Error) -> JdbcError + '_ {
        let sql = sql.to_owned();
        move |e| classify(&self.url, &sql, e)
    }
}

const LIST_TABLES: &str = "SELECT table_schema, table_name, CASE table_type WHEN 'BASE TABLE' THEN 'TABLE' ELSE table_type END \
     FROM information_schema.tables \
     WHERE table_schema NOT IN ('pg_catalog', 'information_schema') AND table_schema NOT LIKE 'pg\\_toast%' \
     AND ($1::text IS NULL OR table_schema LIKE $1) \
     ORDER BY 3, 1, 2";

const COLUMNS: &str = "SELECT a.attname::text, a.atttypid::int8, a.atttypmod, a.attnotnull, \
     (a.attidentity <> '' OR pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname) IS NOT NULL), \
     EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY(i.indkey)) \
     FROM pg_attribute a JOIN pg_class c ON a.attrelid = c.oid JOIN pg_namespace n ON c.relnamespace = n.oid \
     WHERE n.nspname = $1 AND c.relname = $2 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum";

impl Database for Postgres {
    fn list_tables(&mut self, filter: &TableFilter) -> JdbcResult<Vec<TableId>> {
        let pattern = filter.schema_pattern.as_deref();
        let rows = self
            .rt
            .block_on(self.client.query(LIST_TABLES, &[&pattern]))
            .map_err(self.err(LIST_TABLES))?;
        let mut out = Vec::new();
        for r in rows {
            let (schema, name, ty): (String, String, String) = (r.get(0), r.get(1), r.get(2));
            let id = TableId {
                catalog: None,
                schema: Some(schema),
                name,
            };
            if filter.types.contains(&ty.to_ascii_uppercase()) && filter.accepts(&id, Some('"')) {
                out.push(id);
            }
        }
        Ok(out)
    }

    fn columns(&mut self, table: &TableId, opts: &ReadOptions) -> JdbcResult<Vec<ColumnMeta>> {
        let schema = table.schema.as_deref().unwrap_or("public");
        let rows = self
            .rt
            .block_on(self.client.query(COLUMNS, &[&schema, &table.name]))
            .map_err(self.err(COLUMNS))?;
        if rows.is_empty() {
            return Err(JdbcError::Config(format!(
                "table {table} does not exist in {}",
                self.url
            )));
        }
        Ok(rows
            .iter()
            .map(|r| {
                let oid: i64 = r.get(1);
                let ty = Type::from_oid(oid as u32);
                ColumnMeta {
                    name: r.get(0),
                    kind: ty.and_then(|t| kind(&t, r.get(2), opts.numeric)),
                    nullable: !r.get::<_, bool>(3),
                    auto_increment: r.get(4),
                    primary_key: r.get(5),
                }
            })
            .collect())
    }

    fn now(&mut self) -> JdbcResult<Instant> {
        let sql = "SELECT (extract(epoch FROM CURRENT_TIMESTAMP) * 1000000)::int8";
        let row = self
            .rt
            .block_on(self.client.query_one(sql, &[]))
            .map_err(self.err(sql))?;
        let micros: i64 = row.get(0);
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
        let params: Vec<PgParam> = st
            .params
            .iter()
            .map(|p| match p {
                Param::Int(i) => PgParam::Int(*i),
                Param::Timestamp(t) => PgParam::Timestamp(*t, opts.tz.clone()),
            })
            .collect();
        let refs: Vec<&(dyn ToSql + Sync)> =
            params.iter().map(|p| p as &(dyn ToSql + Sync)).collect();
        let rt = &self.rt;
        let mut builder = self.client.build_transaction().read_only(true);
        if let Some(level) = self.isolation {
            builder = builder.isolation_level(level);
        }
        let tx = rt.block_on(builder.start()).map_err(err)?;
        let stmt = rt.block_on(tx.prepare(sql)).map_err(err)?;
        let mut cols = Vec::new();
        for (i, c) in stmt.columns().iter().enumerate() {
            match kind(c.type_(), c.type_modifier(), opts.numeric) {
                Some(k) => cols.push((
                    i,
                    c.type_().clone(),
                    ColumnDef {
                        name: c.name().to_owned(),
                        kind: k,
                        optional: !not_null.contains(c.name()),
                    },
                )),
                None => {
                    if self.warned.insert(format!("{sql}/{}", c.name())) {
                        warn!(
                            "Skipping column {} of type {} in `{sql}`: the type is not supported",
                            c.name(),
                            c.type_()
                        );
                    }
                }
            }
        }
        if !out(Chunk::Columns(cols.iter().map(|c| c.2.clone()).collect())) {
            return Ok(());
        }
        let portal = rt.block_on(tx.bind(&stmt, &refs)).map_err(err)?;
        let max = i32::try_from(opts.batch).unwrap_or(i32::MAX);
        loop {
            let rows = rt.block_on(tx.query_portal(&portal, max)).map_err(err)?;
            let done = rows.len() < opts.batch;
            let mut chunk = Vec::with_capacity(rows.len());
            for r in &rows {
                let mut values = Row::with_capacity(cols.len());
                for (i, ty, def) in &cols {
                    let raw: Option<RawValue<'_>> = r.try_get(*i).map_err(err)?;
                    let bytes = raw.map(|v| v.0);
                    values.note_nanos(sub_millis(ty, bytes));
                    values.values.push(decode(def, ty, bytes, &opts.tz)?);
                }
                chunk.push(values);
            }
            if !chunk.is_empty() && !out(Chunk::Rows(chunk)) {
                break;
            }
            if done {
                break;
            }
        }
        rt.block_on(tx.commit()).map_err(err)?;
        Ok(())
    }
}
