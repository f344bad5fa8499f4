//! `transaction.isolation.mode`: Confluent's `TransactionIsolationMode` and which levels each
//! database accepts.
//!
//! Confluent's task calls `dialect.setConnectionIsolationMode`, which asks the JDBC driver's
//! `DatabaseMetaData.supportsTransactionIsolationLevel` and, for an unsupported level, logs a
//! warning and leaves the connection alone. The drivers answer: pgjdbc and MySQL Connector/J
//! all four standard levels, xerial (SQLite) only SERIALIZABLE, none of them SQL Server's
//! SNAPSHOT. Ferry's validation reports an unsupported level on the key (Confluent's validation
//! does so only for `SQL_SERVER_SNAPSHOT` outside SQL Server); a task that gets one anyway keeps
//! the database's default, with a warning, as Confluent's does.

use std::fmt;

use crate::url::DbUrl;

/// A `transaction.isolation.mode` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum IsolationMode {
    /// Leave the connection's isolation as the database sets it.
    #[default]
    Default,
    ReadUncommitted,
    ReadCommitted,
    RepeatableRead,
    Serializable,
    /// SQL Server's `SNAPSHOT`; no database of this plugin has it.
    SqlServerSnapshot,
}

/// The level to set on a connection (everything but `DEFAULT` and `SQL_SERVER_SNAPSHOT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    ReadUncommitted,
    ReadCommitted,
    RepeatableRead,
    Serializable,
}

impl Level {
    /// The SQL words, as in `SET TRANSACTION ISOLATION LEVEL <sql>`.
    pub fn sql(self) -> &'static str {
        match self {
            Level::ReadUncommitted => "READ UNCOMMITTED",
            Level::ReadCommitted => "READ COMMITTED",
            Level::RepeatableRead => "REPEATABLE READ",
            Level::Serializable => "SERIALIZABLE",
        }
    }
}

impl IsolationMode {
    /// Every value, in Confluent's enum order (the allowed values of the key).
    pub const NAMES: [&'static str; 6] = [
        "DEFAULT",
        "READ_UNCOMMITTED",
        "READ_COMMITTED",
        "REPEATABLE_READ",
        "SERIALIZABLE",
        "SQL_SERVER_SNAPSHOT",
    ];

    const ALL: [IsolationMode; 6] = [
        IsolationMode::Default,
        IsolationMode::ReadUncommitted,
        IsolationMode::ReadCommitted,
        IsolationMode::RepeatableRead,
        IsolationMode::Serializable,
        IsolationMode::SqlServerSnapshot,
    ];

    /// Parse a value; exact, upper-case names only (Java's `Enum.valueOf`).
    pub fn parse(s: &str) -> Option<IsolationMode> {
        Self::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Self::ALL[i])
    }

    /// The value's name.
    pub fn name(self) -> &'static str {
        let i = Self::ALL.iter().position(|m| *m == self).unwrap_or(0);
        Self::NAMES[i]
    }

    /// The level to set, `None` for `DEFAULT` and `SQL_SERVER_SNAPSHOT`.
    pub fn level(self) -> Option<Level> {
        match self {
            IsolationMode::ReadUncommitted => Some(Level::ReadUncommitted),
            IsolationMode::ReadCommitted => Some(Level::ReadCommitted),
            IsolationMode::RepeatableRead => Some(Level::RepeatableRead),
            IsolationMode::Serializable => Some(Level::Serializable),
            IsolationMode::Default | IsolationMode::SqlServerSnapshot => None,
        }
    }

    /// Whether `db` accepts this value (what its JDBC driver's
    /// `supportsTransactionIsolationLevel` answers; `DEFAULT` always).
    pub fn supported_by(self, db: Database) -> bool {
        db.supported().contains(&self)
    }

    /// The level to set on a connection to `db`: `None` for `DEFAULT` and for a level `db`
    /// does not support (the connection keeps its default).
    pub fn level_for(self, db: Database) -> Option<Level> {
        self.level().filter(|_| self.supported_by(db))
    }

    /// Why `db` refuses this value, naming what it accepts; `None` when it is accepted.
    pub fn refusal(self, db: Database) -> Option<String> {
        if self.supported_by(db) {
            return None;
        }
        let allowed: Vec<&str> = db.supported().iter().map(|m| m.name()).collect();
        let why = if self == IsolationMode::SqlServerSnapshot {
            "can only be configured with a Sql Server Dialect".to_owned()
        } else {
            format!("is not supported by {db}")
        };
        Some(format!(
            "Isolation mode of `{}` {why}; {db} supports {}",
            self.name(),
            allowed.join(", ")
        ))
    }
}

impl fmt::Display for IsolationMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The databases of this plugin, as far as isolation goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Database {
    Sqlite,
    Postgres,
    Mysql,
}

impl Database {
    /// The database of `url`.
    pub fn of(url: &DbUrl) -> Database {
        match url {
            DbUrl::Sqlite { .. } => Database::Sqlite,
            DbUrl::Postgres(_) => Database::Postgres,
            DbUrl::Mysql(_) => Database::Mysql,
        }
    }

    /// The accepted values: xerial's `supportsTransactionIsolationLevel` is true for
    /// SERIALIZABLE only; pgjdbc's and Connector/J's for the four standard levels.
    fn supported(self) -> &'static [IsolationMode] {
        use IsolationMode::*;
        match self {
            Database::Sqlite => &[Default, Serializable],
            Database::Postgres | Database::Mysql => &[
                Default,
                ReadUncommitted,
                ReadCommitted,
                RepeatableRead,
                Serializable,
            ],
        }
    }
}

impl fmt::Display for Database {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Database::Sqlite => "SQLite",
            Database::Postgres => "PostgreSQL",
            Database::Mysql => "MySQL/MariaDB",
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn parses_the_exact_enum_names_only() {
        for n in IsolationMode::NAMES {
            assert_eq!(IsolationMode::parse(n).unwrap().name(), n);
        }
        assert_eq!(
            IsolationMode::parse("REPEATABLE_READ"),
            Some(IsolationMode::RepeatableRead)
        );
        assert_eq!(IsolationMode::parse("read_committed"), None);
        assert_eq!(IsolationMode::parse("READ_COMMITED"), None);
        assert_eq!(IsolationMode::parse(""), None);
    }

    #[test]
    fn levels_per_database_follow_the_jdbc_drivers() {
        use IsolationMode::*;
        for m in [ReadUncommitted, ReadCommitted, RepeatableRead, Serializable] {
            assert!(m.supported_by(Database::Postgres), "{m}");
            assert!(m.supported_by(Database::Mysql), "{m}");
            assert!(m.level_for(Database::Postgres).is_some(), "{m}");
        }
        assert!(Serializable.supported_by(Database::Sqlite));
        for m in [ReadUncommitted, ReadCommitted, RepeatableRead] {
            assert!(!m.supported_by(Database::Sqlite), "{m}");
            assert_eq!(m.level_for(Database::Sqlite), None, "{m}");
        }
        for db in [Database::Sqlite, Database::Postgres, Database::Mysql] {
            assert!(Default.supported_by(db));
            assert_eq!(Default.level_for(db), None);
            assert!(!SqlServerSnapshot.supported_by(db));
            assert_eq!(SqlServerSnapshot.level_for(db), None);
        }
        assert_eq!(
            RepeatableRead.level_for(Database::Mysql).map(Level::sql),
            Some("REPEATABLE READ")
        );
    }

    #[test]
    fn refusals_name_the_value_and_what_the_database_accepts() {
        use IsolationMode::*;
        assert_eq!(ReadCommitted.refusal(Database::Postgres), None);
        assert_eq!(
            ReadCommitted.refusal(Database::Sqlite).unwrap(),
            "Isolation mode of `READ_COMMITTED` is not supported by SQLite; SQLite supports DEFAULT, SERIALIZABLE"
        );
        assert_eq!(
            SqlServerSnapshot.refusal(Database::Mysql).unwrap(),
            "Isolation mode of `SQL_SERVER_SNAPSHOT` can only be configured with a Sql Server Dialect; MySQL/MariaDB supports DEFAULT, READ_UNCOMMITTED, READ_COMMITTED, REPEATABLE_READ, SERIALIZABLE"
        );
    }
}
