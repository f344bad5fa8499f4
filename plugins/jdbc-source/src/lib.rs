//! Confluent's JDBC source connector (`io.confluent.connect.jdbc.JdbcSourceConnector`) for
//! Ferry: copies rows of SQLite (rusqlite), PostgreSQL (tokio-postgres) and MariaDB/MySQL
//! (mysql_async) tables or of a custom query into Kafka in `bulk`, `incrementing`, `timestamp`
//! or `timestamp+incrementing` mode, with Confluent's keys, SQL, topics, source partitions and
//! offsets. See `README.md` for the differences from Confluent's connector.
//!
//! Layout: [`config`](crate::config_def) declares the keys, `settings` parses them,
//! `connector`/`monitor` list tables and split them over tasks, `task`/`querier` schedule the
//! tables of a task, `query` writes the SQL, `worker` owns the connection on its own thread,
//! `dialect/*` talk to each database and map its types (`schema`, `values`; `temporal` and
//! `zone` for dates, times and `db.timezone`, `granularity` for `timestamp.granularity`;
//! `isolation` for `transaction.isolation.mode`), `records` and `offsets` build what reaches Kafka.
//!
//! Rows are streamed from an open statement in chunks of `batch.max.rows` on a database
//! thread per task; a table is never held in memory.

mod config;
mod connector;
mod dialect;
mod error;
mod granularity;
mod isolation;
mod monitor;
mod offsets;
mod querier;
mod query;
mod records;
mod schema;
mod settings;
mod setup;
mod tables;
mod task;
mod temporal;
mod url;
mod validate;
mod values;
mod worker;
mod zone;

pub use config::config_def;
pub use connector::JdbcSourceConnector;
pub use error::JdbcError;
pub use task::JdbcSourceTask;

ferry_plugin_sdk::export_plugin! { sources: [JdbcSourceConnector] }
