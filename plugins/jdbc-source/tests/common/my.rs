//! A MariaDB/MySQL test database per test, dropped and recreated.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)] // test code

use mysql_async::prelude::Queryable;

/// Run `sql` (several statements) in database `db` (created fresh when `fresh`); panics with
/// a clear message when the server is not reachable — tests needing it never skip silently.
pub fn my_exec(db: &str, sql: &str, fresh: bool) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let opts = mysql_async::OptsBuilder::default().ip_or_hostname("127.0.0.1").tcp_port(3306).user(Some("root"));
        let mut c = mysql_async::Conn::new(opts)
            .await
            .unwrap_or_else(|e| panic!("MariaDB at 127.0.0.1:3306 (root, no password) is not reachable: {e}; start it with `scripts/test.sh databases`"));
        if fresh {
            c.query_drop(format!("DROP DATABASE IF EXISTS {db}; CREATE DATABASE {db}")).await.unwrap();
        }
        c.query_drop(format!("USE {db}; {sql}")).await.unwrap();
        c.disconnect().await.unwrap();
    });
}

/// The JDBC URL of database `db`.
pub fn my_url(db: &str, scheme: &str) -> String {
    format!("jdbc:{scheme}://127.0.0.1:3306/{db}")
}

/// Kill every session using database `db`; returns how many were killed.
pub fn my_kill_sessions(db: &str) -> usize {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let opts = mysql_async::OptsBuilder::default().ip_or_hostname("127.0.0.1").tcp_port(3306).user(Some("root"));
        let mut c = mysql_async::Conn::new(opts).await.unwrap();
        let ids: Vec<u64> = c
            .exec("SELECT ID FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID()", (db,))
            .await
            .unwrap();
        for id in &ids {
            c.query_drop(format!("KILL CONNECTION {id}")).await.unwrap();
        }
        c.disconnect().await.unwrap();
        ids.len()
    })
}

/// The first column of the first row of `sql`, as a number.
pub fn my_count(sql: &str) -> u64 {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let opts = mysql_async::OptsBuilder::default()
            .ip_or_hostname("127.0.0.1")
            .tcp_port(3306)
            .user(Some("root"));
        let mut c = mysql_async::Conn::new(opts).await.unwrap();
        let n: Option<u64> = c.query_first(sql).await.unwrap();
        c.disconnect().await.unwrap();
        n.unwrap_or_default()
    })
}
