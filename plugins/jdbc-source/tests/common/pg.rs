//! A PostgreSQL test database: one schema per test, dropped and recreated.

#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)] // test code

pub const PG_URL: &str = "jdbc:postgresql://127.0.0.1:5432/test";

/// Run `sql` (several statements) in database `test`; panics with a clear message when the
/// server is not reachable — tests needing it never skip silently.
pub fn pg_exec(sql: &str) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (client, conn) = tokio_postgres::connect("host=127.0.0.1 port=5432 user=postgres dbname=test", tokio_postgres::NoTls)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL at 127.0.0.1:5432 (db test, trust auth) is not reachable: {e}; start it with `scripts/test.sh databases`"));
        tokio::spawn(conn);
        client.batch_execute(sql).await.unwrap();
    });
}

/// A fresh schema `name`.
pub fn pg_schema(name: &str, sql: &str) {
    pg_exec(&format!("DROP SCHEMA IF EXISTS {name} CASCADE; CREATE SCHEMA {name}; SET search_path TO {name}; {sql}"));
}

/// Terminate the sessions with `application_name`; returns how many were terminated.
pub fn pg_terminate(application_name: &str) -> usize {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (client, conn) = tokio_postgres::connect("host=127.0.0.1 port=5432 user=postgres dbname=test", tokio_postgres::NoTls)
            .await
            .unwrap();
        tokio::spawn(conn);
        client
            .query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1", &[&application_name])
            .await
            .unwrap()
            .len()
    })
}
