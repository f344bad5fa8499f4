//! Configuration keys, defaults and documentation: Confluent's `JdbcSourceConnectorConfig`
//! (classic 4.x–10.7 set plus the 10.8+ include/exclude lists, `query.suffix` and
//! `quote.sql.identifiers`) and Ferry's `key.columns`.

use ferry_plugin_sdk::prelude::*;

use crate::granularity;
use crate::isolation::IsolationMode;

pub const CONNECTION_URL: &str = "connection.url";
pub const CONNECTION_USER: &str = "connection.user";
pub const CONNECTION_PASSWORD: &str = "connection.password";
pub const CONNECTION_ATTEMPTS: &str = "connection.attempts";
pub const CONNECTION_BACKOFF_MS: &str = "connection.backoff.ms";
pub const POLL_INTERVAL_MS: &str = "poll.interval.ms";
pub const BATCH_MAX_ROWS: &str = "batch.max.rows";
pub const NUMERIC_PRECISION_MAPPING: &str = "numeric.precision.mapping";
pub const NUMERIC_MAPPING: &str = "numeric.mapping";
pub const DIALECT_NAME: &str = "dialect.name";
pub const MODE: &str = "mode";
pub const INCREMENTING_COLUMN_NAME: &str = "incrementing.column.name";
pub const TIMESTAMP_COLUMN_NAME: &str = "timestamp.column.name";
pub const TIMESTAMP_INITIAL: &str = "timestamp.initial";
pub const TIMESTAMP_DELAY_INTERVAL_MS: &str = "timestamp.delay.interval.ms";
pub const VALIDATE_NON_NULL: &str = "validate.non.null";
pub const TABLE_POLL_INTERVAL_MS: &str = "table.poll.interval.ms";
pub const TABLE_WHITELIST: &str = "table.whitelist";
pub const TABLE_BLACKLIST: &str = "table.blacklist";
pub const TABLE_INCLUDE_LIST: &str = "table.include.list";
pub const TABLE_EXCLUDE_LIST: &str = "table.exclude.list";
pub const TABLE_TYPES: &str = "table.types";
pub const SCHEMA_PATTERN: &str = "schema.pattern";
pub const CATALOG_PATTERN: &str = "catalog.pattern";
pub const QUERY: &str = "query";
pub const QUERY_SUFFIX: &str = "query.suffix";
pub const QUERY_RETRY_ATTEMPTS: &str = "query.retry.attempts";
pub const TRANSACTION_ISOLATION_MODE: &str = "transaction.isolation.mode";
pub const QUOTE_SQL_IDENTIFIERS: &str = "quote.sql.identifiers";
pub const TOPIC_PREFIX: &str = "topic.prefix";
pub const DB_TIMEZONE: &str = "db.timezone";
pub const TIMESTAMP_GRANULARITY: &str = "timestamp.granularity";
pub const KEY_COLUMNS: &str = "key.columns";
/// Internal task key: the task's tables, comma-separated, unquoted FQNs.
pub const TABLES: &str = "tables";
/// Internal task key: whether the table list was fetched.
pub const TABLES_FETCHED: &str = "tables.fetched";

/// The `mode` values.
pub const MODES: [&str; 5] = [
    "",
    "bulk",
    "incrementing",
    "timestamp",
    "timestamp+incrementing",
];

fn key(name: &str, ty: ConfigType, importance: Importance, doc: &str) -> ConfigKey {
    ConfigKey::new(name, ty).importance(importance).doc(doc)
}

fn one_of(values: &[&str]) -> Validator {
    Validator::ValidString {
        values: values.iter().map(|s| (*s).to_owned()).collect(),
        case_insensitive: true,
    }
}

/// Connection keys.
fn connection(def: ConfigDef) -> ConfigDef {
    use Importance::*;
    def.define(key(CONNECTION_URL, ConfigType::String, High, "JDBC connection URL: jdbc:sqlite:<path>, jdbc:postgresql://host:port/db, jdbc:mysql://host:port/db or jdbc:mariadb://host:port/db").default_value("").group("Database", 1))
        .define(key(CONNECTION_USER, ConfigType::String, High, "JDBC connection user.").default_null().group("Database", 2))
        .define(key(CONNECTION_PASSWORD, ConfigType::Password, High, "JDBC connection password.").default_null().group("Database", 3))
        .define(key(CONNECTION_ATTEMPTS, ConfigType::Int, Low, "Maximum number of attempts to retrieve a valid JDBC connection. Must be a positive integer.").default_value("3").validator(Validator::at_least(1)).group("Database", 4))
        .define(key(CONNECTION_BACKOFF_MS, ConfigType::Long, Low, "Backoff time in milliseconds between connection attempts.").default_value("10000").group("Database", 5))
        .define(key(DIALECT_NAME, ConfigType::String, Low, "The name of the database dialect that should be used for this connector. By default this is empty, and the connector automatically determines the dialect based upon the JDBC connection URL.").default_value("").validator(one_of(&["", "SqliteDatabaseDialect", "PostgreSqlDatabaseDialect", "MySqlDatabaseDialect"])).group("Database", 6))
}

/// Table selection keys.
fn tables(def: ConfigDef) -> ConfigDef {
    use Importance::*;
    def.define(key(TABLE_WHITELIST, ConfigType::List, Medium, "List of tables to include in copying. If specified, table.blacklist may not be set. Entries match the unqualified name or the fully qualified name.").default_value("").group("Database", 7))
        .define(key(TABLE_BLACKLIST, ConfigType::List, Medium, "List of tables to exclude from copying. If specified, table.whitelist may not be set.").default_value("").group("Database", 8))
        .define(key(TABLE_INCLUDE_LIST, ConfigType::List, Medium, "List of regular expressions matching the fully qualified names of tables to include. Cannot be combined with table.whitelist/table.blacklist.").default_value("").validator(Validator::ValidRegexList).group("Database", 9))
        .define(key(TABLE_EXCLUDE_LIST, ConfigType::List, Medium, "List of regular expressions matching the fully qualified names of tables to exclude; requires table.include.list.").default_value("").validator(Validator::ValidRegexList).group("Database", 10))
        .define(key(CATALOG_PATTERN, ConfigType::String, Medium, "Catalog pattern to fetch table metadata from the database (a LIKE pattern; \"\" = tables without catalog; null = don't narrow).").default_null().group("Database", 11))
        .define(key(SCHEMA_PATTERN, ConfigType::String, Medium, "Schema pattern to fetch table metadata from the database (a LIKE pattern; \"\" = tables without schema; null = don't narrow).").default_null().group("Database", 12))
        .define(key(TABLE_TYPES, ConfigType::List, Low, "By default, the JDBC connector will only detect tables with type TABLE from the source Database. This config allows a command separated list of table types to extract (TABLE, VIEW).").default_value("TABLE").group("Connector", 4))
        .define(key(TABLE_POLL_INTERVAL_MS, ConfigType::Long, Low, "Frequency in ms to poll for new or removed tables, which may result in updated task configurations to start polling for data in added tables or stop polling for data in removed tables.").default_value("60000").group("Connector", 2))
}

/// Mode keys.
fn mode(def: ConfigDef) -> ConfigDef {
    use Importance::*;
    def.define(key(MODE, ConfigType::String, High, "The mode for updating a table each time it is polled: bulk, incrementing, timestamp or timestamp+incrementing.").default_value("").validator(one_of(&MODES)).group("Mode", 1))
        .define(key(INCREMENTING_COLUMN_NAME, ConfigType::String, Medium, "The name of the strictly incrementing column to use to detect new rows. An empty value autodetects the table's auto-increment column.").default_value("").group("Mode", 2))
        .define(key(TIMESTAMP_COLUMN_NAME, ConfigType::List, Medium, "Comma separated list of one or more timestamp columns to detect new or modified rows using the COALESCE SQL function.").default_value("").group("Mode", 3))
        .define(key(TIMESTAMP_INITIAL, ConfigType::Long, Low, "The epoch timestamp (ms) used for initial queries that use timestamp criteria. Use -1 to use the current time. If not specified, all data is retrieved.").default_null().group("Mode", 4))
        .define(key(VALIDATE_NON_NULL, ConfigType::Boolean, Low, "By default, the JDBC connector will validate that all incrementing and timestamp tables have NOT NULL set for the columns being used as their ID/timestamp.").default_value("true").group("Mode", 5))
        .define(key(QUERY, ConfigType::String, Medium, "If specified, the query to perform to select new or updated rows. Ferry wraps it as a sub-select, so it may have its own WHERE and ORDER BY.").default_value("").group("Mode", 6))
        .define(key(QUOTE_SQL_IDENTIFIERS, ConfigType::String, Medium, "When to quote table names, column names, and other identifiers in SQL statements: always or never.").default_value("always").validator(one_of(&["always", "never"])).group("Mode", 7))
        .define(isolation_mode())
        .define(key(QUERY_RETRY_ATTEMPTS, ConfigType::Int, Low, "Number of times to retry a statement after a transient error (connection lost, database busy) before the task fails; -1 retries forever.").default_value("-1").validator(Validator::at_least(-1)).group("Mode", 13))
        .define(key(QUERY_SUFFIX, ConfigType::String, Low, "Suffix to append at the end of the generated query.").default_value("").group("Mode", 8))
        .define(key(NUMERIC_PRECISION_MAPPING, ConfigType::Boolean, Low, "Deprecated: true is numeric.mapping=precision_only.").default_value("false").group("Mode", 9))
        .define(key(NUMERIC_MAPPING, ConfigType::String, Low, "Map NUMERIC/DECIMAL values by precision and optionally scale to integral or decimal types: none, precision_only, best_fit, best_fit_eager_double. Ferry applies it to DECIMAL too.").default_null().validator(Validator::Optional { validator: Box::new(one_of(&["none", "precision_only", "best_fit", "best_fit_eager_double"])) }).group("Mode", 10))
        .define(key(KEY_COLUMNS, ConfigType::List, Medium, "Ferry: columns copied into a Struct record key, or `pk` for the table's primary key. Empty: no key (as Confluent's connector).").default_value("").group("Mode", 11))
}

/// `transaction.isolation.mode` (Confluent: STRING, LOW, group Mode, just before
/// `query.retry.attempts`). Confluent only recommends the values; an exact name is required
/// here, as by Confluent's `TransactionIsolationMode.valueOf` at task start.
fn isolation_mode() -> ConfigKey {
    key(TRANSACTION_ISOLATION_MODE, ConfigType::String, Importance::Low, "Mode to control which transaction isolation level is used when running queries against the database. By default (DEFAULT) no explicit transaction isolation mode is set. One of DEFAULT, READ_UNCOMMITTED, READ_COMMITTED, REPEATABLE_READ, SERIALIZABLE, SQL_SERVER_SNAPSHOT. SQL_SERVER_SNAPSHOT only works with SQL Server, and SQLite supports only SERIALIZABLE; PostgreSQL runs READ_UNCOMMITTED as READ COMMITTED.")
        .default_value("DEFAULT")
        .validator(Validator::valid_string(&IsolationMode::NAMES))
        .group("Mode", 12)
        .width(Width::Medium)
        .display_name("Transaction Isolation Mode")
}

/// Connector keys.
fn connector(def: ConfigDef) -> ConfigDef {
    use Importance::*;
    def.define(key(POLL_INTERVAL_MS, ConfigType::Int, High, "Frequency in ms to poll for new data in each table.").default_value("5000").group("Connector", 1))
        .define(key(BATCH_MAX_ROWS, ConfigType::Int, Low, "Maximum number of rows to include in a single batch when polling for new data; also the number of rows fetched from the open cursor at a time.").default_value("100").validator(Validator::at_least(1)).group("Connector", 3))
        .define(key(TOPIC_PREFIX, ConfigType::String, High, "Prefix to prepend to table names to generate the name of the Kafka topic to publish data to, or in the case of a custom query, the full name of the topic to publish to.").default_value("").group("Connector", 5))
        .define(key(TIMESTAMP_DELAY_INTERVAL_MS, ConfigType::Long, High, "How long to wait after a row with certain timestamp appears before we include it in the result.").default_value("0").validator(Validator::at_least(0)).group("Connector", 6))
        .define(key(DB_TIMEZONE, ConfigType::String, Medium, "Name of the JDBC timezone used in the connector when querying with time-based criteria, and to read and bind TIME/TIMESTAMP values without zone: a Java time zone id such as Europe/Paris or America/New_York (daylight saving time applies to each value), UTC, or a fixed offset such as +02:00. Defaults to UTC.").default_value("UTC").group("Connector", 7))
        .define(key(TIMESTAMP_GRANULARITY, ConfigType::String, Low, "Define the granularity of the Timestamp column. Options include: connect_logical (default): represents timestamp values using Kafka Connect's built-in representations; micros_long: represents timestamp values as micros since epoch; micros_string: represents timestamp values as micros since epoch in string; micros_iso_datetime_string: uses iso format 'yyyy-MM-dd'T'HH:mm:ss.SSSSSS' (wall time in db.timezone); nanos_long: represents timestamp values as nanos since epoch; nanos_string: represents timestamp values as nanos since epoch in string; nanos_iso_datetime_string: uses iso format 'yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS' (wall time in db.timezone). Applies to TIMESTAMP columns only; offsets keep the exact instant whatever the granularity.").default_value(granularity::NAMES[0]).validator(one_of(&granularity::NAMES)).group("Connector", 8))
        .define(ConfigKey::new(TABLES, ConfigType::List).default_value("").internal(true).doc("Internal: the tables of a task."))
        .define(ConfigKey::new(TABLES_FETCHED, ConfigType::Boolean).default_value("true").internal(true).doc("Internal: whether the tables were listed."))
}

/// Every key the connector reads.
pub fn config_def() -> ConfigDef {
    connector(mode(tables(connection(ConfigDef::new()))))
}
