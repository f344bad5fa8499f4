//! Shared harness for Ferry's integration tests.
//!
//! Everything here talks to real things: a [`Broker`] is a real `nisshi` process speaking the
//! Kafka protocol, and the helpers in [`python`] read and write it with confluent-kafka, a client
//! the project did not write. `scripts/test.sh` installs both (and builds the release artefacts
//! that [`paths`] locates); the environment variables it exports are:
//!
//! | variable           | read by                 | default                                   |
//! |--------------------|-------------------------|-------------------------------------------|
//! | `FERRY_NISSHI`     | [`broker::nisshi_binary`] | `$FERRY_CACHE/nisshi/bin/nisshi`, then `PATH` |
//! | `FERRY_PYTHON`     | [`python::python_binary`] | `$FERRY_CACHE/venv/bin/python`            |
//! | `FERRY_TARGET_DIR` | [`paths::target_dir`]   | `$CARGO_TARGET_DIR/release`, then `<workspace>/target/release` |
//! | `FERRY_CACHE`      | [`cache_dir`]           | `~/.cache/ferry`                          |
//!
//! A missing prerequisite is an error saying how to install it, never a silent skip.
//!
//! Tests must not assert on timings: wait for conditions with [`wait_until`] /
//! [`wait_until_ok`] and generous timeouts (see [`DEFAULT_TIMEOUT`]).

pub mod broker;
pub mod hdfs;
pub mod models;
pub mod paths;
pub mod python;
pub mod rest;
pub mod worker;

use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};

pub use broker::{nisshi_binary, Broker, BrokerOptions, Storage};
pub use paths::{ferry_binary, plugin_so, target_dir, workspace_root};
pub use python::{
    committed_offsets, consume_all, consume_all_with_isolation, create_topic,
    describe_topic_configs, list_topics, produce, produce_records, python_binary, run_python,
    run_python_with_input, ConsumedRecord, KeyValue, ProduceRecord,
};
pub use worker::{write_properties, WorkerProcess};

/// A generous default for waiting on a condition: slow CI machines must not fail a test that is
/// merely slow. Scaled by `FERRY_TIMEOUT_SCALE` (see [`scaled`]).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// The cache root that `scripts/test.sh` installs into: `$FERRY_CACHE`, else `~/.cache/ferry`.
pub fn cache_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("FERRY_CACHE").filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    let home = std::env::var_os("HOME").map_or_else(|| PathBuf::from("/root"), PathBuf::from);
    home.join(".cache").join("ferry")
}

/// `timeout` multiplied by the number in `FERRY_TIMEOUT_SCALE` (default 1), for machines that
/// are known to be slow (e.g. under valgrind).
pub fn scaled(timeout: Duration) -> Duration {
    let factor = std::env::var("FERRY_TIMEOUT_SCALE")
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|f| f.is_finite() && *f > 0.0)
        .unwrap_or(1.0);
    timeout.mul_f64(factor)
}

/// A TCP port on 127.0.0.1 that was free a moment ago (the OS picked it for a listener that is
/// closed before returning). Another process may take it in between: callers that start a
/// server on it should retry on "address in use".
pub fn free_port() -> anyhow::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).context("binding 127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}

/// Polls `condition` until it returns true, for at most `timeout` (scaled by
/// `FERRY_TIMEOUT_SCALE`). Polls quickly at first, then every 200 ms.
///
/// ```
/// use std::time::Duration;
/// let start = std::time::Instant::now();
/// ferry_tests::wait_until(Duration::from_secs(5), || start.elapsed() > Duration::from_millis(20))
///     .unwrap();
/// ```
pub fn wait_until(timeout: Duration, mut condition: impl FnMut() -> bool) -> anyhow::Result<()> {
    wait_until_ok(timeout, || {
        if condition() {
            Ok(())
        } else {
            bail!("condition not met")
        }
    })
}

/// Polls `attempt` until it returns `Ok`, for at most `timeout` (scaled by
/// `FERRY_TIMEOUT_SCALE`), and returns its value; on time-out the error carries the last
/// attempt's error.
pub fn wait_until_ok<T>(
    timeout: Duration,
    mut attempt: impl FnMut() -> anyhow::Result<T>,
) -> anyhow::Result<T> {
    let timeout = scaled(timeout);
    let start = Instant::now();
    let mut pause = Duration::from_millis(5);
    loop {
        let err = match attempt() {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        if start.elapsed() >= timeout {
            return Err(err.context(format!("still failing after waiting {timeout:?}")));
        }
        std::thread::sleep(pause.min(timeout.saturating_sub(start.elapsed())));
        pause = (pause * 2).min(Duration::from_millis(200));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn free_port_is_bindable() {
        let port = free_port().unwrap();
        assert_ne!(port, 0);
        TcpListener::bind((Ipv4Addr::LOCALHOST, port)).unwrap();
    }

    #[test]
    fn wait_until_returns_once_condition_holds() {
        let calls = Cell::new(0);
        wait_until(Duration::from_secs(30), || {
            calls.set(calls.get() + 1);
            calls.get() >= 3
        })
        .unwrap();
        assert_eq!(calls.get(), 3);
    }

    #[test]
    fn wait_until_ok_reports_last_error() {
        let err = wait_until_ok::<()>(Duration::from_millis(1), || bail!("nope 42")).unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("nope 42"), "{text}");
        assert!(text.contains("still failing"), "{text}");
    }
}
