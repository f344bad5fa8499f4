//! The distributed herder (Kafka's `DistributedHerder`): workers sharing one `group.id` split
//! connectors and tasks through Kafka's group coordinator ([`ferry_connect_group`]), and keep
//! every shared state in Kafka's internal topics ([`crate::storage`]).
//!
//! One herder thread owns the reaction to events, in order: group events (leader election,
//! assignments, revocations) and config topic changes. REST calls read the config snapshot and
//! the status topic, and write to the config topic when this worker is the leader; otherwise
//! they answer [`HerderError::Forward`] and the REST layer forwards them.
//!
//! **Invariants:** only the leader writes connector configs, task configs, deletions, session
//! keys and restart requests; any worker writes target states. Task configs take effect when
//! their commit record is read. A connector instance or task runs only on the worker the
//! group assigned it to.

mod events;
mod herder_impl;
mod signing;
mod work;

use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{self, Sender};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use ferry_connect_group::{GroupConfig, GroupMember, LeaderState, WorkerState};
use tokio::sync::watch;
use tracing::{info, warn};

use super::HerderError;
use crate::config::worker::{ConnectProtocol, DistributedConfig};
use crate::storage::{ConfigChange, ConfigTopic, StatusTopic, StorageError, TopicSpec};
use crate::worker::Worker;
use work::LocalWork;

/// What happens to the herder, in order.
enum Event {
    Group(ferry_connect_group::GroupEvent),
    Config(ConfigChange),
    Stop,
}

/// What this worker knows of the group.
#[derive(Debug, Default, Clone)]
struct GroupView {
    generation: i32,
    member_id: String,
    leader_url: Option<String>,
    is_leader: bool,
    owners: Option<LeaderState>,
    /// A rebalance is under way (between a revocation/rejoin and the next assignment).
    rebalancing: bool,
}

/// Kafka Connect's `DistributedHerder`.
pub struct DistributedHerder {
    worker: Arc<Worker>,
    settings: DistributedConfig,
    /// This worker's advertised REST URL, `http://host:port/`.
    url: String,
    configs: ConfigTopic,
    statuses: Arc<StatusTopic>,
    group: Mutex<GroupView>,
    work: Mutex<LocalWork>,
    member: Mutex<Option<GroupMember>>,
    metadata: watch::Sender<WorkerState>,
    events: Sender<Event>,
    runtime: tokio::runtime::Handle,
    ready: AtomicBool,
    cluster_id: OnceLock<String>,
    herder_thread: Mutex<Option<std::thread::JoinHandle<()>>>,
    /// Connectors whose task configs could not be handed to the leader yet.
    pending_publications: Mutex<Vec<String>>,
    /// This worker's log levels: cluster-scoped levels read from the config topic apply here.
    loggers: Arc<crate::logging::Loggers>,
}

/// Kafka's bound on config topic reads and writes (`READ_WRITE_TOTAL_TIMEOUT_MS`).
const READ_WRITE_TIMEOUT: Duration = Duration::from_secs(30);

fn group_config(worker: &Worker, settings: &DistributedConfig) -> GroupConfig {
    let mut config = GroupConfig::new(
        worker.clients.bootstrap_servers.clone(),
        settings.group_id.clone(),
    );
    config.session_timeout = settings.session_timeout;
    config.heartbeat_interval = settings.heartbeat_interval;
    config.rebalance_timeout = settings.rebalance_timeout;
    config.scheduled_rebalance_max_delay = settings.scheduled_rebalance_max_delay;
    config.protocol = match settings.connect_protocol {
        ConnectProtocol::Eager => ferry_connect_group::ConnectProtocol::Eager,
        ConnectProtocol::Compatible => ferry_connect_group::ConnectProtocol::Compatible,
        ConnectProtocol::Sessioned => ferry_connect_group::ConnectProtocol::Sessioned,
    };
    if let Some(id) = worker.clients.client.get("client.id") {
        config.client_id = id.clone();
    }
    config
}

impl DistributedHerder {
    /// Opens the config topic, joins the group and starts the herder thread. `statuses` is the
    /// status topic the worker's status store publishes to; `url` the advertised REST URL.
    pub fn start(
        worker: Arc<Worker>,
        settings: DistributedConfig,
        statuses: Arc<StatusTopic>,
        url: String,
        runtime: tokio::runtime::Handle,
        loggers: Arc<crate::logging::Loggers>,
    ) -> Result<Arc<DistributedHerder>, StorageError> {
        let (changes_tx, changes_rx) = mpsc::channel();
        let configs = ConfigTopic::open(
            &worker.clients,
            TopicSpec {
                topic: settings.config_topic.clone(),
                role: "config",
            },
            changes_tx,
        )?;
        let offset = configs.snapshot().offset;
        let (metadata, metadata_rx) = watch::channel(WorkerState::new(url.clone(), offset));
        let (events, events_rx) = mpsc::channel();
        let herder = Arc::new(DistributedHerder {
            group: Mutex::new(GroupView {
                rebalancing: true,
                ..GroupView::default()
            }),
            work: Mutex::new(LocalWork::default()),
            member: Mutex::new(None),
            metadata,
            events: events.clone(),
            runtime: runtime.clone(),
            ready: AtomicBool::new(false),
            cluster_id: OnceLock::new(),
            herder_thread: Mutex::new(None),
            pending_publications: Mutex::new(Vec::new()),
            loggers,
            worker,
            settings,
            url,
            configs,
            statuses,
        });
        // Config topic changes join the herder's event stream.
        let config_events = events.clone();
        std::thread::Builder::new()
            .name("ferry-config-events".into())
            .spawn(move || {
                for change in changes_rx {
                    if config_events.send(Event::Config(change)).is_err() {
                        break;
                    }
                }
            })
            .map_err(|e| StorageError::Kafka(format!("Cannot start a thread: {e}")))?;
        info!(url = %herder.url, group = %herder.settings.group_id, config_offset = offset, "Joining the Connect group");
        herder.join_group(metadata_rx);
        let runner = Arc::clone(&herder);
        let thread = std::thread::Builder::new()
            .name("ferry-herder".into())
            .spawn(move || runner.run(events_rx))
            .map_err(|e| StorageError::Kafka(format!("Cannot start the herder thread: {e}")))?;
        *herder.lock_thread() = Some(thread);
        Ok(herder)
    }

    fn join_group(&self, metadata: watch::Receiver<WorkerState>) {
        let config = group_config(&self.worker, &self.settings);
        let _guard = self.runtime.enter();
        let (member, mut group_events) = GroupMember::join(config, metadata);
        let events = self.events.clone();
        self.runtime.spawn(async move {
            while let Some(event) = group_events.recv().await {
                if events.send(Event::Group(event)).is_err() {
                    break;
                }
            }
        });
        if let Ok(mut m) = self.member.lock() {
            *m = Some(member);
        }
    }

    fn lock_thread(&self) -> MutexGuard<'_, Option<std::thread::JoinHandle<()>>> {
        self.herder_thread
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn work(&self) -> MutexGuard<'_, LocalWork> {
        self.work
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn view(&self) -> GroupView {
        self.group
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    fn update_view(&self, f: impl FnOnce(&mut GroupView)) {
        let mut view = self
            .group
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut view);
    }

    /// Asks the group for a rebalance.
    fn request_rejoin(&self, reason: &str) {
        if let Ok(m) = self.member.lock() {
            if let Some(member) = m.as_ref() {
                info!(reason, "Requesting a rebalance");
                member.request_rejoin(reason);
            }
        }
    }

    /// Reads the config topic to its end and publishes the new config offset for the next
    /// JoinGroup.
    fn read_config_to_end(&self, timeout: Duration) -> Result<i64, StorageError> {
        let offset = self.configs.read_to_end(timeout)?;
        self.metadata
            .send_modify(|state| state.config_offset = offset);
        Ok(offset)
    }

    /// `Ok` on the leader; otherwise the request goes to the leader (or 409 when none is
    /// known).
    fn require_leader(&self) -> Result<(), HerderError> {
        let view = self.view();
        if view.is_leader {
            return Ok(());
        }
        match view.leader_url {
            Some(url) => Err(HerderError::Forward(url)),
            _ => Err(HerderError::Conflict(
                "Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway."
                    .into(),
            )),
        }
    }

    /// Stops everything this worker runs, leaves the group and stops the herder thread
    /// (graceful shutdown).
    pub fn stop(&self) {
        info!("Stopping the distributed herder");
        let _ = self.events.send(Event::Stop);
        if let Some(thread) = self.lock_thread().take() {
            let _ = thread.join();
        }
        self.stop_all_work();
        let member = self.member.lock().ok().and_then(|mut m| m.take());
        if let Some(member) = member {
            let _ = self.runtime.block_on(async {
                tokio::time::timeout(Duration::from_secs(5), member.leave()).await
            });
        }
        self.statuses.flush(Duration::from_secs(5));
        self.configs.stop();
        self.statuses.stop();
    }

    fn stop_all_work(&self) {
        let mut work = self.work();
        let ids: Vec<_> = work.tasks.keys().cloned().collect();
        work.stop_tasks(&self.worker, &ids);
        let names: Vec<String> = work.connectors.keys().cloned().collect();
        for name in names {
            work.stop_connector(&self.worker, &name);
        }
        work.assigned = Default::default();
        drop(work);
        // Let stopped sink tasks' consumers leave their groups, so no member lingers.
        self.worker
            .closing_consumers
            .wait(self.worker.task_shutdown_timeout);
    }

    /// Fetches the cluster id now, off the request path.
    pub fn prefetch_cluster_id(self: &Arc<Self>) {
        let herder = Arc::clone(self);
        let _ = std::thread::Builder::new()
            .name("ferry-cluster-id".into())
            .spawn(move || herder.cluster_id());
    }

    fn cluster_id(&self) -> Option<String> {
        if let Some(id) = self.cluster_id.get() {
            return Some(id.clone());
        }
        let id = crate::kafka::cluster_id(&self.worker.clients, Duration::from_secs(5))?;
        Some(self.cluster_id.get_or_init(|| id).clone())
    }

    fn warn_storage(&self, what: &str, e: &StorageError) {
        warn!(error = %e, "{what}");
    }
}
