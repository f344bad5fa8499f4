//! Shared helpers of the testkit tests.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)] // test code

pub mod granularity;
pub mod my;
pub mod pg;

use std::path::{Path, PathBuf};

use ferry_jdbc_source::JdbcSourceConnector;
use ferry_plugin_sdk::prelude::*;
use ferry_plugin_sdk::testkit::{SourceHarness, SourceTaskRunner};

/// The repository's sample table.
pub const MODELS_SQL: &str = include_str!("../../../../tests/fixtures/models.sql");
pub const MODELS_EXPECTED: &str =
    include_str!("../../../../tests/fixtures/models-sink.expected.txt");

/// A SQLite file in a temp dir.
pub struct Db {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
}

impl Db {
    pub fn new(sql: &str) -> Db {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("test.db");
        let db = Db { dir, path };
        db.exec(sql);
        db
    }

    pub fn exec(&self, sql: &str) {
        let c = rusqlite::Connection::open(&self.path).unwrap();
        c.execute_batch(sql).unwrap();
    }

    pub fn url(&self) -> String {
        format!("jdbc:sqlite:{}", self.path.display())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A connector config over the database at `url` plus `extra`.
pub fn harness_url(
    url: &str,
    extra: &[(&str, &str)],
) -> Result<SourceHarness<JdbcSourceConnector>> {
    let mut cfg: Vec<(&str, &str)> = vec![
        ("name", "jdbc"),
        ("connection.url", url),
        ("poll.interval.ms", "10"),
    ];
    cfg.extend_from_slice(extra);
    SourceHarness::<JdbcSourceConnector>::new(&cfg)
}

/// A connector config over `db` plus `extra`.
pub fn harness(db: &Db, extra: &[(&str, &str)]) -> Result<SourceHarness<JdbcSourceConnector>> {
    let url = db.url();
    let mut cfg: Vec<(&str, &str)> = vec![
        ("name", "jdbc"),
        ("connection.url", &url),
        ("poll.interval.ms", "10"),
    ];
    cfg.extend_from_slice(extra);
    SourceHarness::<JdbcSourceConnector>::new(&cfg)
}

/// Start the single task of `h`.
pub fn task(h: &mut SourceHarness<JdbcSourceConnector>) -> SourceTaskRunner {
    let cfg = h.task_configs(1).unwrap().remove(0);
    h.start_task(&cfg).unwrap()
}

/// Poll until `n` records arrived (at most 200 polls).
pub fn poll_n(t: &mut SourceTaskRunner, n: usize) -> Vec<SourceRecord> {
    t.poll_until(n, 200).unwrap()
}

/// The values rendered as Java's `Struct.toString`.
pub fn rendered(records: &[SourceRecord]) -> Vec<String> {
    records.iter().map(|r| r.value.to_java_string()).collect()
}

/// The keys `config` fails validation on, with their errors, in the connector's order.
pub fn validation_errors(config: &[(&str, &str)]) -> Vec<(String, Vec<String>)> {
    let map: ConfigMap = config
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    JdbcSourceConnector::default()
        .validate(&map)
        .into_iter()
        .filter(|v| !v.errors.is_empty())
        .map(|v| (v.name, v.errors))
        .collect()
}
