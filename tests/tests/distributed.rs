#![allow(clippy::unwrap_used, clippy::expect_used)] // test code
//! Distributed mode with real processes: three `ferry distributed` workers sharing one group on
//! a real nisshi broker, a FileStream source -> Kafka -> FileStream sink pipeline through them,
//! kill -9 failover, a rejoin, a rolling restart, forwarding, and signed internal requests.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{bail, Context as _};
use ferry_tests::python::create_topic;
use ferry_tests::rest::RestClient;
use ferry_tests::{wait_until_ok, Broker, WorkerProcess};
use serde_json::{json, Value};

/// Test settings: fast failure detection and a short scheduled rebalance delay.
const WORKER_SETTINGS: &[(&str, &str)] = &[
    ("session.timeout.ms", "6000"),
    ("heartbeat.interval.ms", "1000"),
    ("rebalance.timeout.ms", "20000"),
    ("scheduled.rebalance.max.delay.ms", "3000"),
    ("task.shutdown.graceful.timeout.ms", "3000"),
];

struct Cluster {
    workers: Vec<WorkerProcess>,
}

impl Cluster {
    fn start(dir: &Path, bootstrap: &str, group: &str, n: usize) -> Cluster {
        let workers = (0..n)
            .map(|i| {
                WorkerProcess::distributed(
                    &dir.join(format!("w{i}")),
                    bootstrap,
                    group,
                    WORKER_SETTINGS,
                )
                .unwrap()
            })
            .collect();
        Cluster { workers }
    }

    fn rest(&self, i: usize) -> RestClient {
        RestClient::new(self.workers[i].url())
    }

    /// The index of the worker that logged being elected leader last, among running ones.
    fn leader(&self) -> Option<usize> {
        self.workers
            .iter()
            .enumerate()
            .filter(|(_, w)| w.pid().is_some())
            .filter_map(|(i, w)| {
                let log = w.log_text();
                let elected = log.rfind("Elected leader")?;
                let later_assignment = log.rfind("is_leader=false").unwrap_or(0);
                (elected > later_assignment).then_some(i)
            })
            .next_back()
    }
}

fn append_lines(path: &Path, range: std::ops::Range<usize>) {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .unwrap();
    for i in range {
        writeln!(f, "line-{i:05}").unwrap();
    }
    f.flush().unwrap();
}

fn lines_in(path: &Path) -> BTreeSet<String> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

/// Waits until the sink file holds every line `line-00000` .. `line-{n-1}` (duplicates allowed:
/// at-least-once).
fn wait_for_lines(path: &Path, n: usize) {
    wait_until_ok(Duration::from_secs(90), || {
        let have = lines_in(path);
        let missing: Vec<String> = (0..n)
            .map(|i| format!("line-{i:05}"))
            .filter(|l| !have.contains(l))
            .collect();
        if missing.is_empty() {
            Ok(())
        } else {
            bail!(
                "{} lines missing, first {:?}",
                missing.len(),
                missing.first()
            )
        }
    })
    .unwrap();
}

/// `{connector or task -> worker_id}` once the connector and `tasks` tasks are all RUNNING.
fn running(
    rest: &RestClient,
    name: &str,
    tasks: usize,
) -> anyhow::Result<BTreeMap<String, String>> {
    let status = rest.get(&format!("/connectors/{name}/status"), None)?;
    let body = status.body.context("no body")?;
    if status.status != 200 {
        bail!("status {}: {body}", status.status);
    }
    let mut out = BTreeMap::new();
    if body["connector"]["state"] != "RUNNING" {
        bail!("connector not running: {body}");
    }
    out.insert(
        name.to_owned(),
        body["connector"]["worker_id"].as_str().unwrap().to_owned(),
    );
    let list = body["tasks"].as_array().context("tasks")?;
    if list.len() != tasks || list.iter().any(|t| t["state"] != "RUNNING") {
        bail!("tasks not all running: {body}");
    }
    for t in list {
        out.insert(
            format!("{name}-{}", t["id"]),
            t["worker_id"].as_str().unwrap().to_owned(),
        );
    }
    Ok(out)
}

fn placement(rest: &RestClient) -> anyhow::Result<BTreeMap<String, String>> {
    let mut all = running(rest, "source", 1)?;
    all.extend(running(rest, "sink", 3)?);
    Ok(all)
}

/// `POST /connectors`, retrying the 409 a worker answers while a rebalance is under way (as
/// Kafka's own test clients do).
fn create(rest: &RestClient, name: &str, config: Value) {
    let response = wait_until_ok(Duration::from_secs(60), || {
        let r = rest.post("/connectors", Some(json!({"name": name, "config": config})))?;
        if r.status == 409 {
            bail!("409: {:?}", r.body)
        }
        Ok(r)
    })
    .unwrap();
    assert_eq!(response.status, 201, "{:?}", response.body);
    assert_eq!(response.body.as_ref().unwrap()["name"], name);
}

fn times_started(worker: &WorkerProcess, task: &str) -> usize {
    worker
        .all_logs()
        .lines()
        .filter(|l| l.contains("Task started"))
        .filter(|l| {
            let field = format!("task={task}");
            l.ends_with(&field) || l.contains(&format!("{field} "))
        })
        .count()
}

#[test]
fn three_workers_share_fail_over_rejoin_and_roll() {
    let broker = Broker::start().unwrap();
    let bootstrap = broker.bootstrap();
    let dir = tempfile::tempdir().unwrap();
    create_topic(&bootstrap, "lines", 3, &[]).unwrap();
    let mut cluster = Cluster::start(dir.path(), &bootstrap, "ferry-dist", 3);
    for i in 0..3 {
        cluster.rest(i).wait_ready(Duration::from_secs(60)).unwrap();
    }
    let input: PathBuf = dir.path().join("input.txt");
    let output: PathBuf = dir.path().join("output.txt");
    std::fs::write(&input, "").unwrap();

    // Create through a follower: the request is forwarded to the leader.
    let leader = wait_until_ok(Duration::from_secs(60), || {
        cluster.leader().context("no leader yet")
    })
    .unwrap();
    let follower = (leader + 1) % 3;
    create(
        &cluster.rest(follower),
        "source",
        json!({"connector.class": "FileStreamSource", "file": input.display().to_string(), "topic": "lines"}),
    );
    create(
        &cluster.rest((leader + 2) % 3),
        "sink",
        json!({"connector.class": "FileStreamSink", "file": output.display().to_string(), "topics": "lines", "tasks.max": "3"}),
    );
    // A request that already made its last hop and still is not at the leader: Kafka's 409.
    let last_hop = cluster
        .rest(follower)
        .post(
            "/connectors?forward=false",
            Some(json!({"name": "x", "config": {"connector.class": "FileStreamSink", "topics": "lines"}})),
        )
        .unwrap();
    if cluster.leader() != Some(follower) {
        assert_eq!(last_hop.status, 409, "{:?}", last_hop.body);
        assert_eq!(
            last_hop.body.unwrap()["message"],
            "Cannot complete request because of a conflicting operation (e.g. worker rebalance)"
        );
    }
    // Every worker answers with the same view.
    let before = wait_until_ok(Duration::from_secs(60), || placement(&cluster.rest(0))).unwrap();
    for i in 1..3 {
        assert_eq!(
            wait_until_ok(Duration::from_secs(30), || {
                let p = placement(&cluster.rest(i))?;
                if p == before {
                    Ok(p)
                } else {
                    bail!("not caught up: {p:?}")
                }
            })
            .unwrap(),
            before
        );
    }
    let tasks_on: BTreeSet<&String> = before
        .iter()
        .filter(|(k, _)| k.starts_with("sink-") || k.starts_with("source-"))
        .map(|(_, w)| w)
        .collect();
    assert_eq!(
        tasks_on.len(),
        3,
        "tasks not spread over the three workers: {before:?}"
    );
    for i in 0..3 {
        let listing = cluster.rest(i).get("/connectors", None).unwrap();
        assert_eq!(listing.body.unwrap(), json!(["sink", "source"]));
    }

    // A cluster-scoped log level set through one worker reaches every worker (KIP-976).
    let set = cluster
        .rest(follower)
        .put(
            "/admin/loggers/ferry_runtime::herder?scope=cluster",
            Some(json!({"level": "DEBUG"})),
        )
        .unwrap();
    assert_eq!(set.status, 204, "{:?}", set.body);
    for i in 0..3 {
        wait_until_ok(Duration::from_secs(30), || {
            let r = cluster
                .rest(i)
                .get("/admin/loggers/ferry_runtime::herder", None)?;
            match r.body {
                Some(b) if r.status == 200 && b["level"] == "DEBUG" => Ok(()),
                other => bail!("worker {i}: {} {other:?}", r.status),
            }
        })
        .unwrap();
    }

    append_lines(&input, 0..200);
    wait_for_lines(&output, 200);

    // kill -9 the worker running the source task; its work moves after the scheduled delay.
    let victim_id = before["source-0"].clone();
    let victim = (0..3)
        .find(|i| cluster.workers[*i].worker_id() == victim_id)
        .unwrap();
    let survivor = (victim + 1) % 3;
    cluster.workers[victim].kill9().unwrap();
    append_lines(&input, 200..400);
    let moved = wait_until_ok(Duration::from_secs(120), || {
        let p = placement(&cluster.rest(survivor))?;
        if p.values().any(|w| *w == victim_id) {
            bail!("still on the dead worker: {p:?}")
        }
        Ok(p)
    })
    .unwrap();
    append_lines(&input, 400..500);
    wait_for_lines(&output, 500);

    // Restart it: work rebalances back, tasks that stay put are not restarted.
    let starts_before: BTreeMap<String, usize> = moved
        .keys()
        .filter(|k| k.starts_with("sink-") || k.starts_with("source-"))
        .map(|k| {
            let w = (0..3)
                .find(|i| cluster.workers[*i].worker_id() == moved[k])
                .unwrap();
            (k.clone(), times_started(&cluster.workers[w], k))
        })
        .collect();
    cluster.workers[victim].restart().unwrap();
    let after = wait_until_ok(Duration::from_secs(120), || {
        let p = placement(&cluster.rest(survivor))?;
        if !p.values().any(|w| *w == victim_id) {
            bail!("nothing went back to the restarted worker: {p:?}")
        }
        Ok(p)
    })
    .unwrap();
    for (task, starts) in &starts_before {
        if after[task] == moved[task] {
            let w = (0..3)
                .find(|i| cluster.workers[*i].worker_id() == after[task])
                .unwrap();
            assert_eq!(
                times_started(&cluster.workers[w], task),
                *starts,
                "{task} stayed on {} but was restarted",
                after[task]
            );
        }
    }
    append_lines(&input, 500..600);
    wait_for_lines(&output, 600);

    // Rolling restart of all three: the pipeline keeps flowing.
    let mut next = 600;
    for i in 0..3 {
        cluster.workers[i].stop().unwrap();
        append_lines(&input, next..next + 50);
        next += 50;
        cluster.workers[i].restart().unwrap();
        cluster.rest(i).wait_ready(Duration::from_secs(60)).unwrap();
        append_lines(&input, next..next + 50);
        next += 50;
    }
    wait_for_lines(&output, next);
    wait_until_ok(Duration::from_secs(120), || placement(&cluster.rest(0))).unwrap();

    // A config change through a follower reaches the leader and every worker.
    let leader = wait_until_ok(Duration::from_secs(60), || {
        cluster.leader().context("no leader yet")
    })
    .unwrap();
    let follower = (leader + 1) % 3;
    let response = cluster
        .rest(follower)
        .put(
            "/connectors/sink/config",
            Some(json!({"connector.class": "FileStreamSink", "file": output.display().to_string(), "topics": "lines", "tasks.max": "2"})),
        )
        .unwrap();
    assert_eq!(response.status, 200, "{:?}", response.body);
    for i in 0..3 {
        wait_until_ok(Duration::from_secs(60), || {
            let tasks = cluster.rest(i).get("/connectors/sink/tasks", None)?;
            let n = tasks
                .body
                .as_ref()
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            if n == 2 {
                Ok(())
            } else {
                bail!("{n} tasks")
            }
        })
        .unwrap();
    }
    wait_until_ok(Duration::from_secs(60), || {
        running(&cluster.rest(0), "sink", 2)
    })
    .unwrap();
}

#[test]
fn internal_requests_must_be_signed() {
    let broker = Broker::start().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cluster = Cluster::start(dir.path(), &broker.bootstrap(), "ferry-signed", 1);
    let rest = cluster.rest(0);
    rest.wait_ready(Duration::from_secs(60)).unwrap();
    wait_until_ok(Duration::from_secs(60), || {
        cluster.leader().context("not leader yet")
    })
    .unwrap();
    // No signature: 400, even for an unknown connector (Kafka checks the signature first).
    let r = rest
        .post("/connectors/nope/tasks", Some(json!([])))
        .unwrap();
    assert_eq!(r.status, 400, "{:?}", r.body);
    assert_eq!(
        r.body.unwrap()["message"],
        "Internal request missing required signature"
    );
    // A wrong signature: 403.
    let client = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .new_agent();
    let request = ureq::http::Request::builder()
        .method("POST")
        .uri(format!(
            "{}/connectors/nope/tasks",
            cluster.workers[0].url()
        ))
        .header("Content-Type", "application/json")
        .header("X-Connect-Authorization", "AAAA")
        .header("X-Connect-Request-Signature-Algorithm", "HmacSHA256")
        .body(b"[]".to_vec())
        .unwrap();
    wait_until_ok(Duration::from_secs(30), || {
        let mut response = client.run(request.clone())?;
        let status = response.status().as_u16();
        let body = response.body_mut().read_to_string()?;
        if status == 403 {
            assert!(
                body.contains("Internal request contained invalid signature."),
                "{body}"
            );
            Ok(())
        } else {
            bail!("{status}: {body}")
        }
    })
    .unwrap();
}
