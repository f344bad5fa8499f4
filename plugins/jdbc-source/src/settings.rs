//! The parsed, checked configuration shared by the connector and its tasks.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

use ferry_plugin_sdk::config::ParsedConfig;

use crate::config::*;
use crate::error::{JdbcError, JdbcResult};
use crate::granularity::{self, Granularity};
use crate::isolation::IsolationMode;
use crate::schema::NumericMapping;
use crate::temporal::TimeZone;
use crate::url::DbUrl;

/// How rows are selected (`mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Bulk,
    Incrementing,
    Timestamp,
    TimestampIncrementing,
}

impl Mode {
    /// Whether the mode filters on the incrementing column.
    pub fn uses_incrementing(self) -> bool {
        matches!(self, Mode::Incrementing | Mode::TimestampIncrementing)
    }

    /// Whether the mode filters on timestamp columns.
    pub fn uses_timestamp(self) -> bool {
        matches!(self, Mode::Timestamp | Mode::TimestampIncrementing)
    }
}

/// What makes up the record key (`key.columns`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyColumns {
    None,
    PrimaryKey,
    Columns(Vec<String>),
}

/// Connection settings. The password is never printed.
#[derive(Clone)]
pub struct Connection {
    pub url: DbUrl,
    pub user: Option<String>,
    pub password: Option<String>,
    pub attempts: u32,
    pub backoff: Duration,
    /// `transaction.isolation.mode`.
    pub isolation: IsolationMode,
}

impl fmt::Debug for Connection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connection")
            .field("url", &self.url)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "[hidden]"))
            .field("isolation", &self.isolation)
            .finish()
    }
}

/// Table selection settings.
#[derive(Debug, Clone, Default)]
pub struct TableFilter {
    pub whitelist: Vec<String>,
    pub blacklist: Vec<String>,
    pub include: Vec<regex::Regex>,
    pub exclude: Vec<regex::Regex>,
    pub types: Vec<String>,
    pub schema_pattern: Option<String>,
    pub catalog_pattern: Option<String>,
}

/// Everything a connector or task needs, parsed once.
#[derive(Debug, Clone)]
pub struct Settings {
    pub connection: Connection,
    pub mode: Mode,
    pub incrementing_column: Option<String>,
    pub timestamp_columns: Vec<String>,
    pub timestamp_initial: Option<i64>,
    pub timestamp_delay: Duration,
    pub validate_non_null: bool,
    pub query: Option<String>,
    pub query_suffix: Option<String>,
    /// Retries after transient errors; `None` = forever.
    pub query_retry_attempts: Option<u32>,
    pub quote: bool,
    pub numeric_mapping: NumericMapping,
    pub poll_interval: Duration,
    pub batch_max_rows: usize,
    pub topic_prefix: String,
    pub tz: TimeZone,
    /// `timestamp.granularity`.
    pub timestamp_granularity: Granularity,
    pub key_columns: KeyColumns,
    pub table_poll_interval: Duration,
    pub filter: TableFilter,
    /// Task only: its tables (unquoted FQNs).
    pub tables: Vec<String>,
    pub tables_fetched: bool,
}

fn list(p: &ParsedConfig, k: &str) -> JdbcResult<Vec<String>> {
    Ok(p.list(k)
        .map_err(cfg)?
        .unwrap_or_default()
        .iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect())
}

fn string(p: &ParsedConfig, k: &str) -> JdbcResult<Option<String>> {
    Ok(p.string(k).map_err(cfg)?.map(str::to_owned))
}

fn non_empty(p: &ParsedConfig, k: &str) -> JdbcResult<Option<String>> {
    Ok(string(p, k)?.filter(|s| !s.trim().is_empty()))
}

/// `timestamp.granularity`; the config's validator already refuses other values.
fn timestamp_granularity(p: &ParsedConfig) -> JdbcResult<Granularity> {
    let v = string(p, TIMESTAMP_GRANULARITY)?;
    match v.as_deref() {
        None => Ok(Granularity::default()),
        Some(v) => Granularity::parse(v).ok_or_else(|| {
            cfg(format!(
                "Invalid value {v} for configuration {TIMESTAMP_GRANULARITY}: must be one of {}",
                granularity::NAMES.join(", ")
            ))
        }),
    }
}

fn cfg(e: impl fmt::Display) -> JdbcError {
    JdbcError::Config(e.to_string())
}

fn regexes(items: &[String], k: &str) -> JdbcResult<Vec<regex::Regex>> {
    items
        .iter()
        .map(|r| {
            regex::Regex::new(&format!("^(?:{r})$"))
                .map_err(|e| JdbcError::Config(format!("{k}: invalid regex {r}: {e}")))
        })
        .collect()
}

fn mode(p: &ParsedConfig) -> JdbcResult<Mode> {
    let m = string(p, MODE)?.unwrap_or_default().to_ascii_lowercase();
    Ok(match m.as_str() {
        "bulk" => Mode::Bulk,
        "incrementing" => Mode::Incrementing,
        "timestamp" => Mode::Timestamp,
        "timestamp+incrementing" => Mode::TimestampIncrementing,
        _ => {
            return Err(JdbcError::Config(format!(
                "{MODE} must be set to one of bulk, incrementing, timestamp, timestamp+incrementing"
            )))
        }
    })
}

fn isolation(p: &ParsedConfig) -> JdbcResult<IsolationMode> {
    let v = string(p, TRANSACTION_ISOLATION_MODE)?.unwrap_or_default();
    IsolationMode::parse(&v).ok_or_else(|| {
        cfg(format!(
            "Invalid value {v} for configuration {TRANSACTION_ISOLATION_MODE}: must be one of {}",
            IsolationMode::NAMES.join(", ")
        ))
    })
}

fn filter(p: &ParsedConfig) -> JdbcResult<TableFilter> {
    let f = TableFilter {
        whitelist: list(p, TABLE_WHITELIST)?,
        blacklist: list(p, TABLE_BLACKLIST)?,
        include: regexes(&list(p, TABLE_INCLUDE_LIST)?, TABLE_INCLUDE_LIST)?,
        exclude: regexes(&list(p, TABLE_EXCLUDE_LIST)?, TABLE_EXCLUDE_LIST)?,
        types: list(p, TABLE_TYPES)?
            .into_iter()
            .map(|t| t.to_ascii_uppercase())
            .collect(),
        schema_pattern: string(p, SCHEMA_PATTERN)?,
        catalog_pattern: string(p, CATALOG_PATTERN)?,
    };
    if !f.whitelist.is_empty() && !f.blacklist.is_empty() {
        return Err(cfg(format!(
            "{TABLE_WHITELIST} and {TABLE_BLACKLIST} are exclusive"
        )));
    }
    let legacy = !f.whitelist.is_empty() || !f.blacklist.is_empty();
    if legacy && (!f.include.is_empty() || !f.exclude.is_empty()) {
        return Err(cfg(format!("{TABLE_INCLUDE_LIST}/{TABLE_EXCLUDE_LIST} cannot be combined with {TABLE_WHITELIST}/{TABLE_BLACKLIST}")));
    }
    if !f.exclude.is_empty() && f.include.is_empty() {
        return Err(cfg(format!(
            "{TABLE_EXCLUDE_LIST} requires {TABLE_INCLUDE_LIST}"
        )));
    }
    Ok(f)
}

impl Settings {
    /// Parse and check a connector or task configuration.
    pub fn parse(config: &BTreeMap<String, String>) -> JdbcResult<Settings> {
        let p = config_def().parse(config).map_err(cfg)?;
        let url = DbUrl::parse(&string(&p, CONNECTION_URL)?.unwrap_or_default())?;
        check_dialect(non_empty(&p, DIALECT_NAME)?.as_deref(), &url)?;
        let connection = Connection {
            url,
            user: non_empty(&p, CONNECTION_USER)?,
            password: p
                .password(CONNECTION_PASSWORD)
                .map_err(cfg)?
                .map(|s| s.value().to_owned()),
            attempts: p.int(CONNECTION_ATTEMPTS).map_err(cfg)?.unwrap_or(3).max(1) as u32,
            backoff: ms(p
                .long(CONNECTION_BACKOFF_MS)
                .map_err(cfg)?
                .unwrap_or(10_000)),
            isolation: isolation(&p)?,
        };
        let key_columns = match list(&p, KEY_COLUMNS)?.as_slice() {
            [] => KeyColumns::None,
            [pk] if pk.eq_ignore_ascii_case("pk") => KeyColumns::PrimaryKey,
            cols => KeyColumns::Columns(cols.to_vec()),
        };
        let legacy_precision = p.boolean(NUMERIC_PRECISION_MAPPING).map_err(cfg)? == Some(true);
        let s = Settings {
            connection,
            mode: mode(&p)?,
            incrementing_column: non_empty(&p, INCREMENTING_COLUMN_NAME)?,
            timestamp_columns: list(&p, TIMESTAMP_COLUMN_NAME)?,
            timestamp_initial: p.long(TIMESTAMP_INITIAL).map_err(cfg)?,
            timestamp_delay: ms(p
                .long(TIMESTAMP_DELAY_INTERVAL_MS)
                .map_err(cfg)?
                .unwrap_or(0)),
            validate_non_null: p.boolean(VALIDATE_NON_NULL).map_err(cfg)?.unwrap_or(true),
            query: non_empty(&p, QUERY)?,
            query_suffix: non_empty(&p, QUERY_SUFFIX)?,
            query_retry_attempts: u32::try_from(
                p.int(QUERY_RETRY_ATTEMPTS).map_err(cfg)?.unwrap_or(-1),
            )
            .ok(),
            quote: !string(&p, QUOTE_SQL_IDENTIFIERS)?
                .unwrap_or_default()
                .eq_ignore_ascii_case("never"),
            numeric_mapping: NumericMapping::parse(
                string(&p, NUMERIC_MAPPING)?.as_deref(),
                legacy_precision,
            ),
            poll_interval: ms(p.int(POLL_INTERVAL_MS).map_err(cfg)?.unwrap_or(5000).into()),
            batch_max_rows: p.int(BATCH_MAX_ROWS).map_err(cfg)?.unwrap_or(100).max(1) as usize,
            topic_prefix: string(&p, TOPIC_PREFIX)?.unwrap_or_default(),
            tz: TimeZone::parse(&string(&p, DB_TIMEZONE)?.unwrap_or_default())?,
            timestamp_granularity: timestamp_granularity(&p)?,
            key_columns,
            table_poll_interval: ms(p
                .long(TABLE_POLL_INTERVAL_MS)
                .map_err(cfg)?
                .unwrap_or(60_000)),
            filter: filter(&p)?,
            tables: list(&p, TABLES)?,
            tables_fetched: p.boolean(TABLES_FETCHED).map_err(cfg)?.unwrap_or(true),
        };
        s.check()?;
        Ok(s)
    }

    fn check(&self) -> JdbcResult<()> {
        if self.mode.uses_timestamp() && self.timestamp_columns.is_empty() {
            return Err(cfg(format!(
                "{TIMESTAMP_COLUMN_NAME} must be set in mode timestamp and timestamp+incrementing"
            )));
        }
        let f = &self.filter;
        let filtered = !f.whitelist.is_empty()
            || !f.blacklist.is_empty()
            || !f.include.is_empty()
            || !f.exclude.is_empty();
        if self.query.is_some() && filtered {
            return Err(cfg(format!(
                "{QUERY} cannot be combined with table filters (whitelist/blacklist/include/exclude)"
            )));
        }
        if self.query.is_some() && self.key_columns == KeyColumns::PrimaryKey {
            return Err(cfg(format!(
                "{KEY_COLUMNS}=pk needs a table; list the key columns for a {QUERY}"
            )));
        }
        let bad = |c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '_' || c == '-');
        if self.topic_prefix.contains(bad) {
            return Err(cfg(format!(
                "{TOPIC_PREFIX} may only contain ASCII letters, digits, '.', '_' and '-'"
            )));
        }
        Ok(())
    }
}

/// `dialect.name`, when set, must name the URL's database.
fn check_dialect(name: Option<&str>, url: &DbUrl) -> JdbcResult<()> {
    let expected = match url {
        DbUrl::Sqlite { .. } => "SqliteDatabaseDialect",
        DbUrl::Postgres(_) => "PostgreSqlDatabaseDialect",
        DbUrl::Mysql(_) => "MySqlDatabaseDialect",
    };
    match name {
        Some(n) if !n.eq_ignore_ascii_case(expected) => Err(cfg(format!(
            "{DIALECT_NAME} {n} does not match {CONNECTION_URL} {} (use {expected} or leave it empty)",
            url.display()
        ))),
        _ => Ok(()),
    }
}

fn ms(v: i64) -> Duration {
    Duration::from_millis(v.max(0) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(extra: &[(&str, &str)]) -> JdbcResult<Settings> {
        let mut m: BTreeMap<String, String> = BTreeMap::new();
        m.insert(CONNECTION_URL.into(), "jdbc:sqlite:/tmp/x.db".into());
        m.insert(MODE.into(), "bulk".into());
        for (k, v) in extra {
            m.insert((*k).into(), (*v).into());
        }
        Settings::parse(&m)
    }

    #[test]
    fn timestamp_granularity_defaults_to_connect_logical_and_takes_every_value() {
        let g = |v: &str| parse(&[(TIMESTAMP_GRANULARITY, v)]).map(|s| s.timestamp_granularity);
        assert_eq!(
            parse(&[]).unwrap().timestamp_granularity,
            Granularity::ConnectLogical
        );
        assert_eq!(g("nanos_long").unwrap(), Granularity::NanosLong);
        assert_eq!(g("NANOS_STRING").unwrap(), Granularity::NanosString);
        assert_eq!(
            g("micros_iso_datetime_string").unwrap(),
            Granularity::MicrosIsoDatetimeString
        );
        let e = g("nanos").unwrap_err().to_string();
        assert!(
            e.contains("Invalid value nanos for configuration timestamp.granularity"),
            "{e}"
        );
        assert!(e.contains("NANOS_ISO_DATETIME_STRING"), "{e}");
    }
}
