//! Kafka's `IncrementalCooperativeAssignorTest` scenarios, ported: rounds of assignment over a
//! simulated group whose members apply what they are told.

use std::collections::{BTreeMap, BTreeSet};

use super::*;
use crate::assignor::load::WorkerLoad;
use crate::assignor::{ClusterAssignment, ConfigSnapshot, IncrementalAssignor, WorkSet};
use crate::ids::{ConnectorTaskId, ConnectorsAndTasks};

const DEFAULT_MAX_DELAY: i32 = 300_000;

struct Cluster {
    assignor: IncrementalAssignor,
    state: AssignorState,
    now: u64,
    generation: i32,
    connectors: BTreeMap<String, u32>,
    members: BTreeMap<String, ConnectorsAndTasks>,
    returned: ClusterAssignment,
}

impl Cluster {
    /// Kafka's `setup()`: connector1 and connector2 with 4 tasks each, one empty worker1.
    fn new(max_delay: i32) -> Self {
        let mut c = Cluster {
            assignor: IncrementalAssignor::new(max_delay),
            state: AssignorState::default(),
            now: 1_700_000_000_000,
            generation: 1000,
            connectors: BTreeMap::new(),
            members: BTreeMap::new(),
            returned: ClusterAssignment::default(),
        };
        c.add_connector("connector1", 4);
        c.add_connector("connector2", 4);
        c.add_workers(&["worker1"]);
        c.init_assignor();
        c
    }

    /// A new leader: a fresh assignor that believes it completed the current generation.
    fn init_assignor(&mut self) {
        self.state = AssignorState::default();
        self.state.previous_generation_id = self.generation;
    }

    fn delay(&self) -> i32 {
        self.state.delay
    }

    fn sleep(&mut self, ms: i32) {
        self.now += u64::try_from(ms).unwrap();
    }

    fn rebalance(&mut self, failure: bool, generation_mismatch: bool) {
        self.generation += 1;
        let last_completed = if generation_mismatch {
            self.generation - 2
        } else {
            self.generation - 1
        };
        let snapshot = ConfigSnapshot {
            offset: 618,
            connectors: self.connectors.clone(),
        };
        let input = RoundInput {
            members: &self.members,
            snapshot: &snapshot,
            last_completed_generation: last_completed,
            current_generation: self.generation,
            now_ms: self.now,
        };
        let (returned, state) = self.assignor.assign(&self.state, &input);
        self.returned = returned;
        self.state = state;
        self.assert_no_redundant_assignments();
        if !failure {
            self.apply();
        }
    }

    fn standard(&mut self) {
        self.rebalance(false, false);
    }

    fn failed(&mut self) {
        self.rebalance(true, false);
    }

    fn mismatched_generation(&mut self) {
        self.rebalance(false, true);
    }

    fn apply(&mut self) {
        let workers: Vec<String> = self
            .returned
            .workers()
            .into_iter()
            .map(String::from)
            .collect();
        for worker in workers {
            let work = self.members.entry(worker.clone()).or_default();
            work.remove_all(&self.returned.revoked_from(&worker));
            work.add_all(&self.returned.newly_assigned_to(&worker));
            let all = self
                .returned
                .all_assigned
                .get(&worker)
                .cloned()
                .unwrap_or_default();
            let set = |v: &[String]| v.iter().cloned().collect::<BTreeSet<_>>();
            assert_eq!(
                set(&work.connectors),
                set(&all.connectors),
                "connectors of {worker}"
            );
            let tset = |v: &[ConnectorTaskId]| v.iter().cloned().collect::<BTreeSet<_>>();
            assert_eq!(tset(&work.tasks), tset(&all.tasks), "tasks of {worker}");
        }
    }

    fn add_connector(&mut self, name: &str, tasks: u32) {
        assert!(self.connectors.insert(name.to_string(), tasks).is_none());
    }

    fn remove_connector(&mut self, name: &str) {
        assert!(self.connectors.remove(name).is_some());
    }

    fn add_workers(&mut self, workers: &[&str]) {
        for w in workers {
            self.add_worker(w, vec![], vec![]);
        }
    }

    fn add_worker(&mut self, worker: &str, connectors: Vec<String>, tasks: Vec<ConnectorTaskId>) {
        let work = ConnectorsAndTasks::new(connectors, tasks);
        assert!(self.members.insert(worker.to_string(), work).is_none());
    }

    fn remove_workers(&mut self, workers: &[&str]) {
        for w in workers {
            assert!(self.members.remove(*w).is_some(), "{w} does not exist");
        }
    }

    fn allocations(&self, f: fn(&ConnectorsAndTasks) -> usize) -> Vec<usize> {
        let mut v: Vec<usize> = self.members.values().map(f).collect();
        v.sort_unstable();
        v
    }

    #[track_caller]
    fn assert_connector_allocations(&self, expected: &[usize]) {
        let mut expected = expected.to_vec();
        expected.sort_unstable();
        assert_eq!(
            self.allocations(|w| w.connectors.len()),
            expected,
            "connector allocations"
        );
    }

    #[track_caller]
    fn assert_task_allocations(&self, expected: &[usize]) {
        let mut expected = expected.to_vec();
        expected.sort_unstable();
        assert_eq!(
            self.allocations(|w| w.tasks.len()),
            expected,
            "task allocations"
        );
    }

    #[track_caller]
    fn assert_delay(&self, expected: i32) {
        assert_eq!(self.delay(), expected, "rebalance delay");
        assert_eq!(self.returned.delay_ms, expected, "reported delay");
    }

    #[track_caller]
    fn assert_workers(&self, expected: &[&str]) {
        let expected: BTreeSet<&str> = expected.iter().copied().collect();
        assert_eq!(self.returned.workers(), expected);
    }

    #[track_caller]
    fn assert_no_revocations(&self) {
        for (worker, revoked) in &self.returned.revoked {
            assert!(revoked.is_empty(), "revocations for {worker}: {revoked:?}");
        }
    }

    #[track_caller]
    fn assert_empty_assignment(&self) {
        self.assert_no_revocations();
        for (worker, new) in &self.returned.newly_assigned {
            assert!(new.is_empty(), "new assignments for {worker}: {new:?}");
        }
    }

    #[track_caller]
    fn assert_no_redundant_assignments(&self) {
        let mut seen_connectors = BTreeSet::new();
        let mut seen_tasks = BTreeSet::new();
        for new in self.returned.newly_assigned.values() {
            for c in &new.connectors {
                assert!(seen_connectors.insert(c.clone()), "{c} assigned twice");
                assert!(
                    !self.members.values().any(|w| w.contains_connector(c)),
                    "{c} already runs"
                );
            }
            for t in &new.tasks {
                assert!(seen_tasks.insert(t.clone()), "{t} assigned twice");
                assert!(
                    !self.members.values().any(|w| w.contains_task(t)),
                    "{t} already runs"
                );
            }
        }
    }

    #[track_caller]
    fn assert_balanced_and_complete(&self) {
        for counts in [
            self.allocations(|w| w.connectors.len()),
            self.allocations(|w| w.tasks.len()),
        ] {
            let (min, max) = (counts[0], counts[counts.len() - 1]);
            assert!(max - min <= 1, "imbalanced: {counts:?}");
        }
        let assigned: BTreeSet<&String> =
            self.members.values().flat_map(|w| &w.connectors).collect();
        assert_eq!(assigned, self.connectors.keys().collect());
        let tasks: Vec<&ConnectorTaskId> = self.members.values().flat_map(|w| &w.tasks).collect();
        let unique: BTreeSet<&ConnectorTaskId> = tasks.iter().copied().collect();
        assert_eq!(tasks.len(), unique.len(), "a task runs twice");
        let expected: usize = self.connectors.values().map(|n| *n as usize).sum();
        assert_eq!(unique.len(), expected);
        for t in unique {
            assert!(self
                .connectors
                .get(&t.connector)
                .is_some_and(|n| (t.task as u32) < *n));
        }
    }
}

fn connectors(range: std::ops::Range<i32>) -> Vec<String> {
    range.map(|i| format!("connector{i}")).collect()
}

fn tasks(connector: &str, range: std::ops::Range<i32>) -> Vec<ConnectorTaskId> {
    range.map(|i| ConnectorTaskId::new(connector, i)).collect()
}

fn worker_load(worker: &str, c_start: i32, c_num: i32, t_start: i32, t_num: i32) -> WorkerLoad {
    WorkerLoad {
        worker: worker.to_string(),
        connectors: connectors(c_start..c_start + c_num),
        tasks: tasks("task", t_start..t_start + t_num),
    }
}

#[path = "incremental_tests_rounds.rs"]
mod rounds;

#[path = "incremental_tests_lost.rs"]
mod lost;
