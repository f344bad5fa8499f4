//! `connection.url`: which database, where.

use crate::error::{JdbcError, JdbcResult};

/// A parsed JDBC URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DbUrl {
    /// `jdbc:sqlite:<path>` (`:memory:` for an in-memory database).
    Sqlite { path: String },
    /// `jdbc:postgresql://host[:port]/db[?params]`.
    Postgres(Server),
    /// `jdbc:mysql://…` or `jdbc:mariadb://…`.
    Mysql(Server),
}

/// Host, port, database and URL parameters of a network database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub host: String,
    pub port: u16,
    pub database: String,
    pub params: Vec<(String, String)>,
}

impl Server {
    /// A URL parameter, e.g. `user`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

impl DbUrl {
    /// Parse a `jdbc:` URL.
    pub fn parse(url: &str) -> JdbcResult<DbUrl> {
        let url = url.trim();
        let bad = |why: &str| JdbcError::Config(format!("connection.url {url:?}: {why}"));
        let rest = url
            .strip_prefix("jdbc:")
            .ok_or_else(|| bad("must start with jdbc:"))?;
        if let Some(path) = rest.strip_prefix("sqlite:") {
            if path.is_empty() {
                return Err(bad("no database file"));
            }
            return Ok(DbUrl::Sqlite {
                path: path.to_owned(),
            });
        }
        let (scheme, rest) = rest.split_once("://").ok_or_else(|| {
            bad("unsupported database; expected sqlite, postgresql, mysql or mariadb")
        })?;
        let default_port = match scheme {
            "postgresql" => 5432,
            "mysql" | "mariadb" => 3306,
            _ => {
                return Err(bad(
                    "unsupported database; expected sqlite, postgresql, mysql or mariadb",
                ))
            }
        };
        let (location, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (hostport, database) = location.split_once('/').unwrap_or((location, ""));
        let (host, port) = match hostport.rsplit_once(':') {
            Some((h, p)) => (h, p.parse().map_err(|_| bad("invalid port"))?),
            None => (hostport, default_port),
        };
        let params = query
            .split('&')
            .filter(|kv| !kv.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect();
        let server = Server {
            host: if host.is_empty() { "localhost" } else { host }.to_owned(),
            port,
            database: database.to_owned(),
            params,
        };
        Ok(if scheme == "postgresql" {
            crate::dialect::pg_tls::TlsParams::from_server(&server).map_err(|why| bad(&why))?;
            DbUrl::Postgres(server)
        } else {
            DbUrl::Mysql(server)
        })
    }

    /// The URL without credentials, for messages.
    pub fn display(&self) -> String {
        match self {
            DbUrl::Sqlite { path } => format!("jdbc:sqlite:{path}"),
            DbUrl::Postgres(s) => format!("jdbc:postgresql://{}:{}/{}", s.host, s.port, s.database),
            DbUrl::Mysql(s) => format!("jdbc:mysql://{}:{}/{}", s.host, s.port, s.database),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_three_families() {
        assert_eq!(
            DbUrl::parse("jdbc:sqlite:/tmp/a.db").ok(),
            Some(DbUrl::Sqlite {
                path: "/tmp/a.db".into()
            })
        );
        let Ok(DbUrl::Postgres(s)) = DbUrl::parse("jdbc:postgresql://127.0.0.1/test?user=u") else {
            panic!("postgres")
        };
        assert_eq!(
            (s.port, s.database.as_str(), s.param("user")),
            (5432, "test", Some("u"))
        );
        assert!(
            matches!(DbUrl::parse("jdbc:mariadb://h:3307/d"), Ok(DbUrl::Mysql(s)) if s.port == 3307)
        );
        assert!(DbUrl::parse("jdbc:oracle:thin:@x").is_err());
        assert!(DbUrl::parse("postgres://x").is_err());
    }
}
