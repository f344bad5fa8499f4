//! Kafka Connect's group membership protocol (`ferry-connect-group`) against a real nisshi
//! broker: three members share connectors and tasks, a departed member's work waits for
//! `scheduled.rebalance.max.delay.ms` before it is reassigned, and a returning member gets work
//! back without moving what did not need to move.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{bail, Context as _};
use ferry_connect_group::{
    ConfigSnapshot, ConnectProtocol, ConnectorTaskId, ConnectorsAndTasks, GroupConfig, GroupEvent,
    GroupMember, WorkerState,
};
use ferry_tests::{scaled, Broker};
use tokio::sync::watch;

/// What a simulated worker knows after the events it has seen.
#[derive(Debug, Clone, Default)]
struct View {
    generation: i32,
    leader: bool,
    leader_id: String,
    running: ConnectorsAndTasks,
    assignments: usize,
    max_delay_seen: i32,
    revocations_seen: usize,
    failed: Option<String>,
    protocol: Option<ConnectProtocol>,
    config_offset: i64,
    mismatches: usize,
}

type Views = Arc<Mutex<BTreeMap<String, View>>>;

fn snapshot() -> ConfigSnapshot {
    ConfigSnapshot::new(10)
        .with_connector("c1", 3)
        .with_connector("c2", 3)
        .with_connector("c3", 2)
}

fn config(bootstrap: &str, protocol: ConnectProtocol) -> GroupConfig {
    let mut c = GroupConfig::new(bootstrap, "connect-cluster");
    c.protocol = protocol;
    c.session_timeout = Duration::from_secs(6);
    c.heartbeat_interval = Duration::from_millis(500);
    c.rebalance_timeout = Duration::from_secs(10);
    c.scheduled_rebalance_max_delay = Duration::from_secs(3);
    c
}

/// Starts a member that behaves like a herder with a fixed config: answers leader requests
/// with [`snapshot`], "stops" revoked work at once and records what it runs.
fn start_worker(name: &str, bootstrap: &str, views: &Views) -> GroupMember {
    start_worker_with(name, bootstrap, views, ConnectProtocol::Sessioned, 10)
}

/// Starts a member that behaves like a herder with a fixed set of connectors: it answers leader
/// requests with [`snapshot`] at the config offset it has read, "stops" revoked work at once,
/// "reads the config topic" up to an assignment's offset when it is behind (publishing its new
/// offset through the `watch` channel the member reads its metadata from), and records what it
/// runs.
fn start_worker_with(
    name: &str,
    bootstrap: &str,
    views: &Views,
    protocol: ConnectProtocol,
    config_offset: i64,
) -> GroupMember {
    let (state, state_rx) = watch::channel(WorkerState::new(
        format!("http://{name}:8083/"),
        config_offset,
    ));
    let (member, mut events) = GroupMember::join(config(bootstrap, protocol), state_rx);
    let views = views.clone();
    let name = name.to_string();
    views.lock().unwrap().insert(name.clone(), View::default());
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            let mut views = views.lock().unwrap();
            let view = views.entry(name.clone()).or_default();
            match event {
                GroupEvent::LeaderElected(request) => {
                    let offset = state.borrow().config_offset;
                    request.respond(ConfigSnapshot {
                        offset,
                        ..snapshot()
                    });
                }
                GroupEvent::Assigned(assigned) => {
                    let a = &assigned.assignment;
                    view.protocol = Some(assigned.protocol);
                    view.generation = assigned.generation;
                    view.leader = assigned.is_leader();
                    view.leader_id = a.leader.clone();
                    view.config_offset = a.config_offset;
                    if a.failed() {
                        view.mismatches += 1;
                    } else {
                        view.running = assigned.running.clone();
                        view.assignments += 1;
                    }
                    view.max_delay_seen = view.max_delay_seen.max(a.delay_ms);
                    if !a.revoked().is_empty() {
                        view.revocations_seen += 1;
                    }
                    state.send_modify(|s| s.config_offset = s.config_offset.max(a.config_offset));
                    // Dropping the event (and its completion) lets the member run the
                    // follow-up rebalance.
                }
                GroupEvent::Revoked(revoked) => {
                    view.running
                        .connectors
                        .retain(|c| !revoked.connectors.contains(c));
                    view.running.tasks.retain(|t| !revoked.tasks.contains(t));
                }
                GroupEvent::Failed(e) => view.failed = Some(e.to_string()),
            }
        }
    });
    member
}

/// Checks that `workers` run every configured connector and task exactly once, balanced
/// (`max − min < 2` for connectors and for tasks), all at the same generation with one leader.
fn settled(views: &Views, workers: &[&str]) -> Result<(), String> {
    let views = views.lock().unwrap();
    let mut connectors = Vec::new();
    let mut tasks = Vec::new();
    let mut generations = BTreeSet::new();
    let mut leaders = 0;
    let mut connector_counts = Vec::new();
    let mut task_counts = Vec::new();
    for w in workers {
        let v = views.get(*w).ok_or_else(|| format!("no view of {w}"))?;
        if let Some(f) = &v.failed {
            return Err(format!("{w} failed: {f}"));
        }
        connectors.extend(v.running.connectors.iter().cloned());
        tasks.extend(v.running.tasks.iter().cloned());
        connector_counts.push(v.running.connectors.len());
        task_counts.push(v.running.tasks.len());
        generations.insert(v.generation);
        leaders += usize::from(v.leader);
    }
    let snapshot = snapshot();
    let expected_connectors: BTreeSet<String> = snapshot.connectors.keys().cloned().collect();
    let expected_tasks: BTreeSet<ConnectorTaskId> = snapshot
        .connectors
        .keys()
        .flat_map(|c| snapshot.tasks(c))
        .collect();
    let got_connectors: BTreeSet<String> = connectors.iter().cloned().collect();
    let got_tasks: BTreeSet<ConnectorTaskId> = tasks.iter().cloned().collect();
    let spread = |v: &[usize]| v.iter().max().unwrap_or(&0) - v.iter().min().unwrap_or(&0);
    if generations.len() != 1 {
        return Err(format!("generations differ: {generations:?}"));
    }
    if leaders != 1 {
        return Err(format!("{leaders} leaders"));
    }
    if connectors.len() != got_connectors.len() || tasks.len() != got_tasks.len() {
        return Err(format!("duplicates: {connectors:?} {tasks:?}"));
    }
    if got_connectors != expected_connectors || got_tasks != expected_tasks {
        return Err(format!("incomplete: {got_connectors:?} {got_tasks:?}"));
    }
    if spread(&connector_counts) >= 2 || spread(&task_counts) >= 2 {
        return Err(format!("imbalanced: {connector_counts:?} {task_counts:?}"));
    }
    Ok(())
}

async fn wait_settled(views: &Views, workers: &[&str], what: &str) -> anyhow::Result<()> {
    let deadline = tokio::time::Instant::now() + scaled(Duration::from_secs(60));
    loop {
        let result = settled(views, workers);
        if result.is_ok() {
            return Ok(());
        }
        if tokio::time::Instant::now() > deadline {
            bail!(
                "{what}: not settled: {result:?}; views: {:#?}",
                views.lock().unwrap()
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn view(views: &Views, worker: &str) -> View {
    views
        .lock()
        .unwrap()
        .get(worker)
        .cloned()
        .unwrap_or_default()
}

fn init_tracing() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_test_writer()
        .try_init();
}

/// How a member departs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Departure {
    /// LeaveGroup, as on graceful shutdown.
    Leave,
    /// It stops heartbeating (a crash); the broker evicts it after `session.timeout.ms`.
    Crash,
}

fn scenario(departure: Departure) -> anyhow::Result<()> {
    init_tracing();
    let broker = Broker::start()?;
    let bootstrap = broker.bootstrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("building the tokio runtime")?;
    runtime.block_on(async move {
        let views: Views = Arc::default();
        let mut members: BTreeMap<&str, GroupMember> = BTreeMap::new();
        for w in ["w1", "w2", "w3"] {
            members.insert(w, start_worker(w, &bootstrap, &views));
        }

        // Three members: one leader, all work spread across the three.
        wait_settled(&views, &["w1", "w2", "w3"], "three members").await?;
        for w in ["w1", "w2", "w3"] {
            assert!(!view(&views, w).running.is_empty(), "{w} runs something");
        }
        let leader_ids: BTreeSet<String> = ["w1", "w2", "w3"]
            .iter()
            .map(|w| view(&views, w).leader_id)
            .collect();
        assert_eq!(leader_ids.len(), 1, "everyone names the same leader");

        // A follower departs (a departing leader takes the assignor's memory with it, and the
        // new leader reassigns at once, as in Kafka).
        let gone = ["w1", "w2", "w3"]
            .into_iter()
            .find(|w| !view(&views, w).leader)
            .unwrap();
        let stay: Vec<&str> = ["w1", "w2", "w3"]
            .into_iter()
            .filter(|w| *w != gone)
            .collect();
        let gone_work = view(&views, gone).running;
        let member = members.remove(gone).unwrap();
        match departure {
            Departure::Leave => member.leave().await,
            Departure::Crash => member.abort(),
        }
        views.lock().unwrap().remove(gone);

        // Its work is not reassigned before the scheduled delay (3 s) …
        let deadline = tokio::time::Instant::now() + scaled(Duration::from_secs(40));
        loop {
            let vs: Vec<View> = stay.iter().map(|w| view(&views, w)).collect();
            if vs.iter().all(|v| v.max_delay_seen > 0) {
                let orphaned = gone_work
                    .tasks
                    .iter()
                    .any(|t| vs.iter().all(|v| !v.running.contains_task(t)));
                assert!(orphaned, "lost work waits for the delay: {vs:#?}");
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no delayed rebalance: {vs:#?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // … then goes to the remaining members.
        wait_settled(&views, &stay, "after a member departed").await?;
        let before: BTreeMap<&str, ConnectorsAndTasks> =
            stay.iter().map(|w| (*w, view(&views, w).running)).collect();

        // It returns: work moves back, and only the excess leaves the others.
        members.insert(gone, start_worker(gone, &bootstrap, &views));
        wait_settled(&views, &["w1", "w2", "w3"], "after the member returned").await?;
        assert!(
            !view(&views, gone).running.is_empty(),
            "{gone} got work back"
        );
        for (w, old) in &before {
            let now = view(&views, w).running;
            assert!(
                now.connectors.iter().all(|c| old.contains_connector(c)),
                "{w} gained connectors"
            );
            assert!(
                now.tasks.iter().all(|t| old.contains_task(t)),
                "{w} gained tasks"
            );
        }

        for (_, m) in members {
            m.leave().await;
        }
        anyhow::Ok(())
    })
}

#[test]
fn members_share_work_and_a_leaving_member_is_replaced_after_the_delay() -> anyhow::Result<()> {
    scenario(Departure::Leave)
}

#[test]
fn a_member_that_stops_heartbeating_is_evicted_and_replaced_after_the_delay() -> anyhow::Result<()>
{
    scenario(Departure::Crash)
}

/// One worker configured with `connect.protocol=eager` downgrades the whole group to the
/// `default` protocol: round-robin, everything assigned, nothing revoked incrementally.
#[test]
fn one_eager_worker_downgrades_the_group_to_the_default_protocol() -> anyhow::Result<()> {
    init_tracing();
    let broker = Broker::start()?;
    let bootstrap = broker.bootstrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("building the tokio runtime")?;
    runtime.block_on(async move {
        let views: Views = Arc::default();
        // The eager worker forms the group first: nisshi (unlike Kafka, which accepts any
        // member whose protocols intersect those of all current members) only admits joiners
        // that offer the protocol already selected, and answers INCONSISTENT_GROUP_PROTOCOL
        // otherwise, which is fatal for a member as in Kafka.
        let mut members = vec![start_worker_with(
            "w2",
            &bootstrap,
            &views,
            ConnectProtocol::Eager,
            10,
        )];
        wait_settled(&views, &["w2"], "the eager worker alone").await?;
        members.push(start_worker("w1", &bootstrap, &views));
        members.push(start_worker_with(
            "w3",
            &bootstrap,
            &views,
            ConnectProtocol::Compatible,
            10,
        ));
        wait_settled(&views, &["w1", "w2", "w3"], "mixed protocols").await?;
        for w in ["w1", "w2", "w3"] {
            let v = view(&views, w);
            assert_eq!(v.protocol, Some(ConnectProtocol::Eager), "{w}: {v:?}");
            assert_eq!(
                v.revocations_seen, 0,
                "{w}: eager assignments revoke nothing"
            );
        }
        for m in members {
            m.leave().await;
        }
        anyhow::Ok(())
    })
}

/// A member that has read further in the config topic than the leader: the leader answers
/// CONFIG_MISMATCH with the highest offset, everyone catches up and rejoins, and the next round
/// succeeds at that offset.
#[test]
fn a_leader_behind_the_config_topic_answers_config_mismatch() -> anyhow::Result<()> {
    init_tracing();
    let broker = Broker::start()?;
    let bootstrap = broker.bootstrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("building the tokio runtime")?;
    runtime.block_on(async move {
        let views: Views = Arc::default();
        let w1 = start_worker("w1", &bootstrap, &views);
        wait_settled(&views, &["w1"], "the first worker alone").await?;
        let w2 = start_worker_with("w2", &bootstrap, &views, ConnectProtocol::Sessioned, 20);
        wait_settled(&views, &["w1", "w2"], "after catching up").await?;
        let wait = tokio::time::Instant::now() + scaled(Duration::from_secs(30));
        while ["w1", "w2"]
            .iter()
            .any(|w| view(&views, w).config_offset != 20)
        {
            assert!(
                tokio::time::Instant::now() < wait,
                "{:#?}",
                views.lock().unwrap()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        // w1 led the round w2 joined (it formed the group); whether w2 itself received that
        // round's assignment depends on when its SyncGroup arrived.
        let w1_view = view(&views, "w1");
        if w1_view.leader {
            assert!(
                w1_view.mismatches > 0,
                "the leader saw CONFIG_MISMATCH: {w1_view:?}"
            );
        }
        w1.leave().await;
        w2.leave().await;
        anyhow::Ok(())
    })
}
