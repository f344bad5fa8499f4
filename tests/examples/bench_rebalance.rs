//! The distributed-mode benchmark (BENCHMARKS.md, "Rebalances"), run by
//! `scripts/bench-rebalance.sh`:
//!
//! 1. failover: a 3-worker cluster runs 10 FileStream sink connectors of 3 tasks each (30 tasks)
//!    with `scheduled.rebalance.max.delay.ms=0`; one worker is killed with SIGKILL; measured:
//!    the time until every task is RUNNING on the two others (target: under
//!    `session.timeout.ms` + 2 s);
//! 2. join: a fourth worker starts; measured: the time from the moment it has started (logged
//!    once it opened the internal topics and sent its JoinGroup) until the 30 tasks are RUNNING
//!    and balanced over the four (target: under 3 s); its process start-up is printed apart.
//!
//! Prints one JSON line per measurement. Needs FERRY_NISSHI, FERRY_PYTHON and a release build
//! (FERRY_TARGET_DIR), like the integration tests.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use anyhow::{bail, Context as _};
use ferry_tests::python::create_topic;
use ferry_tests::rest::RestClient;
use ferry_tests::{wait_until_ok, Broker, WorkerProcess};
use serde_json::json;

const CONNECTORS: usize = 10;
const TASKS_PER_CONNECTOR: usize = 3;

/// task -> worker id, once all 30 tasks are RUNNING.
fn placement(rest: &RestClient) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for c in 0..CONNECTORS {
        let r = rest.get(&format!("/connectors/sink-{c}/status"), None)?;
        let body = r.body.context("no body")?;
        let tasks = body["tasks"].as_array().context("no tasks")?;
        if tasks.len() != TASKS_PER_CONNECTOR || tasks.iter().any(|t| t["state"] != "RUNNING") {
            bail!("sink-{c} not running: {body}");
        }
        for t in tasks {
            out.insert(
                format!("sink-{c}-{}", t["id"]),
                t["worker_id"].as_str().unwrap_or_default().to_owned(),
            );
        }
    }
    Ok(out)
}

fn main() -> anyhow::Result<()> {
    let session_timeout_ms = std::env::var("SESSION_TIMEOUT_MS").unwrap_or_else(|_| "10000".into());
    let heartbeat_ms = std::env::var("HEARTBEAT_INTERVAL_MS").unwrap_or_else(|_| "1000".into());
    let settings = [
        ("session.timeout.ms", session_timeout_ms.as_str()),
        ("heartbeat.interval.ms", heartbeat_ms.as_str()),
        ("scheduled.rebalance.max.delay.ms", "0"),
    ];
    let broker = Broker::start_memory()?;
    let bootstrap = broker.bootstrap();
    let dir = tempfile::tempdir()?;
    if std::env::var_os("KEEP_LOGS").is_some() {
        eprintln!("logs in {}", dir.path().display());
    }
    create_topic(&bootstrap, "bench", 3, &[])?;
    let start = |i: usize| {
        WorkerProcess::distributed(
            &dir.path().join(format!("w{i}")),
            &bootstrap,
            "bench",
            &settings,
        )
    };
    let mut workers = vec![start(0)?, start(1)?, start(2)?];
    let rest = RestClient::new(workers[0].url());
    rest.wait_ready(Duration::from_secs(60))?;
    for c in 0..CONNECTORS {
        let output = dir.path().join(format!("out-{c}.txt"));
        let r = rest.post(
            "/connectors",
            Some(json!({"name": format!("sink-{c}"), "config": {
                "connector.class": "FileStreamSink", "topics": "bench",
                "tasks.max": TASKS_PER_CONNECTOR.to_string(), "file": output.display().to_string()}})),
        )?;
        if r.status != 201 {
            bail!("create sink-{c}: {} {:?}", r.status, r.body);
        }
    }
    let before = wait_until_ok(Duration::from_secs(120), || {
        let p = placement(&rest)?;
        let workers: BTreeSet<&String> = p.values().collect();
        if workers.len() == 3 {
            Ok(p)
        } else {
            bail!("not spread yet: {workers:?}")
        }
    })?;

    // 1. Failover.
    let victim = workers.pop().context("no worker")?;
    let victim_id = victim.worker_id();
    let moved: usize = before.values().filter(|w| **w == victim_id).count();
    let mut victim = victim;
    let killed = Instant::now();
    victim.kill9()?;
    wait_until_ok(Duration::from_secs(120), || {
        let p = placement(&rest)?;
        if p.values().any(|w| *w == victim_id) {
            bail!("still on the dead worker")
        } else {
            Ok(())
        }
    })?;
    let failover = killed.elapsed();
    println!(
        "{}",
        json!({"case": "failover", "tasks_moved": moved, "session_timeout_ms": session_timeout_ms,
               "heartbeat_interval_ms": heartbeat_ms, "millis": failover.as_millis()})
    );

    // 2. A worker joins a cluster (now two workers) running 30 tasks... restore three first.
    drop(victim);
    workers.push(start(2)?);
    wait_until_ok(Duration::from_secs(120), || {
        let p = placement(&rest)?;
        let ws: BTreeSet<&String> = p.values().collect();
        if ws.len() == 3 {
            Ok(())
        } else {
            bail!("not spread yet")
        }
    })?;
    let spawned = Instant::now();
    workers.push(start(3)?);
    // The worker logs that it started once it has opened the internal topics and sent its
    // JoinGroup: the rebalance starts here.
    let joined = Instant::now();
    let startup = spawned.elapsed();
    let new_id = workers[3].worker_id();
    wait_until_ok(Duration::from_secs(120), || {
        let p = placement(&rest)?;
        let mut counts: BTreeMap<&String, usize> = BTreeMap::new();
        for w in p.values() {
            *counts.entry(w).or_default() += 1;
        }
        let (min, max) = (
            counts.values().min().copied(),
            counts.values().max().copied(),
        );
        if counts.len() == 4
            && counts.contains_key(&new_id)
            && max.zip(min).is_some_and(|(a, b)| a - b < 2)
        {
            Ok(())
        } else {
            bail!("not balanced yet: {counts:?}")
        }
    })?;
    let join = joined.elapsed();
    println!(
        "{}",
        json!({"case": "join", "tasks": CONNECTORS * TASKS_PER_CONNECTOR, "workers_after": 4,
               "heartbeat_interval_ms": heartbeat_ms, "millis": join.as_millis(),
               "process_startup_millis": startup.as_millis()})
    );
    if std::env::var_os("KEEP_LOGS").is_some() {
        drop(workers);
        let _ = dir.keep();
    }
    Ok(())
}
