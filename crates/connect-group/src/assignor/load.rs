//! Per-worker loads and the balancing primitives of the incremental cooperative assignor:
//! round-robin distribution to the least loaded workers (`assignConnectors`/`assignTasks`) and
//! load-balancing revocations (`performLoadBalancingRevocations`).

use std::collections::BTreeMap;

use crate::ids::{ConnectorTaskId, ConnectorsAndTasks};

/// What one worker runs (or will run) during a round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WorkerLoad {
    pub(crate) worker: String,
    pub(crate) connectors: Vec<String>,
    pub(crate) tasks: Vec<ConnectorTaskId>,
}

impl WorkerLoad {
    pub(crate) fn new(worker: &str, work: &ConnectorsAndTasks) -> Self {
        WorkerLoad {
            worker: worker.to_string(),
            connectors: work.connectors.clone(),
            tasks: work.tasks.clone(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.connectors.is_empty() && self.tasks.is_empty()
    }

    pub(crate) fn remove_all(&mut self, other: &ConnectorsAndTasks) {
        self.connectors.retain(|c| !other.connectors.contains(c));
        self.tasks.retain(|t| !other.tasks.contains(t));
    }
}

/// Hands `items` out round-robin, always to the workers at the lowest load level first, so that
/// lower levels fill up before higher ones (Kafka's `assignConnectors`/`assignTasks`). Workers
/// are sorted by (load, name) first.
fn assign_round_robin<T: Clone>(
    workers: &mut [WorkerLoad],
    items: &[T],
    load_of: fn(&WorkerLoad) -> usize,
    give: fn(&mut WorkerLoad, T),
) {
    if workers.is_empty() {
        return;
    }
    workers.sort_by(|a, b| {
        load_of(a)
            .cmp(&load_of(b))
            .then_with(|| a.worker.cmp(&b.worker))
    });
    let mut load = items.iter().peekable();
    while load.peek().is_some() {
        let first_load = load_of(&workers[0]);
        let up_to = workers
            .iter()
            .position(|w| load_of(w) > first_load)
            .unwrap_or(workers.len());
        for worker in workers.iter_mut().take(up_to) {
            let Some(item) = load.next() else { break };
            give(worker, item.clone());
        }
    }
}

/// Distributes new connectors over the least loaded workers.
pub(crate) fn assign_connectors(workers: &mut [WorkerLoad], connectors: &[String]) {
    assign_round_robin(
        workers,
        connectors,
        |w| w.connectors.len(),
        |w, c| w.connectors.push(c),
    );
}

/// Distributes new tasks over the least loaded workers.
pub(crate) fn assign_tasks(workers: &mut [WorkerLoad], tasks: &[ConnectorTaskId]) {
    assign_round_robin(workers, tasks, |w| w.tasks.len(), |w, t| w.tasks.push(t));
}

/// Which items to take away from which worker so that no worker runs more than a balanced
/// share: `total / workers`, one more for the first `total % workers` over-allocated workers.
/// Empty when the allocation is already balanced.
fn revocations_for<T: Clone>(
    total: usize,
    workers: &[WorkerLoad],
    items_of: fn(&WorkerLoad) -> &Vec<T>,
) -> BTreeMap<String, Vec<T>> {
    let mut result = BTreeMap::new();
    if workers.is_empty() {
        return result;
    }
    let min = total / workers.len();
    let with_extra = total % workers.len();
    let at_min = workers.iter().filter(|w| items_of(w).len() == min).count();
    let at_extra = workers
        .iter()
        .filter(|w| items_of(w).len() == min + 1)
        .count();
    if at_extra == with_extra && at_min + at_extra == workers.len() {
        return result;
    }
    let mut allocated_extras = 0;
    for worker in workers {
        let current = items_of(worker).len();
        if current <= min {
            continue;
        }
        let max = if allocated_extras < with_extra {
            allocated_extras += 1;
            if current == min + 1 {
                continue;
            }
            min + 1
        } else {
            min
        };
        let revoked: Vec<T> = items_of(worker)
            .iter()
            .take(current - max)
            .cloned()
            .collect();
        result.insert(worker.worker.clone(), revoked);
    }
    result
}

/// Load-balancing revocations for connectors and tasks separately; empty when every worker is
/// empty (all new or fully revoked) or nothing is configured.
pub(crate) fn load_balancing_revocations(
    configured: &ConnectorsAndTasks,
    workers: &[WorkerLoad],
) -> BTreeMap<String, ConnectorsAndTasks> {
    let mut result: BTreeMap<String, ConnectorsAndTasks> = BTreeMap::new();
    if workers.iter().all(WorkerLoad::is_empty) || configured.is_empty() {
        return result;
    }
    for (worker, connectors) in
        revocations_for(configured.connectors.len(), workers, |w| &w.connectors)
    {
        result.entry(worker).or_default().connectors = connectors;
    }
    for (worker, tasks) in revocations_for(configured.tasks.len(), workers, |w| &w.tasks) {
        result.entry(worker).or_default().tasks = tasks;
    }
    result
}
