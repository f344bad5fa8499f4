//! Kafka's `testLostAssignmentHandling*`: `handle_lost_assignments` step by step.

use super::*;

struct Lost {
    state: AssignorState,
    max_delay: i32,
    now: u64,
    loads: BTreeMap<String, WorkerLoad>,
}

impl Lost {
    fn new(max_delay: i32) -> Self {
        let mut loads = BTreeMap::new();
        loads.insert("worker0".to_string(), worker_load("worker0", 0, 2, 0, 4));
        loads.insert("worker1".to_string(), worker_load("worker1", 2, 2, 4, 4));
        loads.insert("worker2".to_string(), worker_load("worker2", 4, 2, 8, 4));
        Lost {
            state: AssignorState::default(),
            max_delay,
            now: 1_000_000,
            loads,
        }
    }

    fn handle(&mut self, lost: &WorkSet) -> ConnectorsAndTasks {
        let mut to_reassign = ConnectorsAndTasks::default();
        let mut next: Vec<WorkerLoad> = self.loads.values().cloned().collect();
        self.state.handle_lost_assignments(
            self.max_delay,
            self.now,
            lost,
            &mut to_reassign,
            &mut next,
        );
        for w in next {
            self.loads.insert(w.worker.clone(), w);
        }
        to_reassign
    }

    fn remember_members(&mut self) {
        self.state.previous_members = self.loads.keys().cloned().collect();
    }

    fn remove(&mut self, worker: &str) -> WorkSet {
        let load = self.loads.remove(worker).unwrap();
        let mut set = WorkSet::default();
        set.add(&ConnectorsAndTasks::new(load.connectors, load.tasks));
        set
    }

    fn add_empty(&mut self, worker: &str) {
        self.loads.insert(
            worker.to_string(),
            WorkerLoad::new(worker, &ConnectorsAndTasks::default()),
        );
    }

    #[track_caller]
    fn assert_schedule(&self, candidates: &[&str], delay: i32) {
        let got: BTreeSet<&str> = self
            .state
            .candidate_workers
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(
            got,
            candidates.iter().copied().collect::<BTreeSet<_>>(),
            "candidates"
        );
        assert_eq!(self.state.delay, delay, "delay");
        let expected = (delay != 0).then(|| self.now + delay as u64);
        assert_eq!(
            self.state.scheduled_rebalance, expected,
            "scheduled rebalance"
        );
    }

    fn holds(&self, workers: &[&str], lost: &WorkSet) -> bool {
        let mut held = WorkSet::default();
        for w in workers {
            let l = &self.loads[*w];
            held.add(&ConnectorsAndTasks::new(
                l.connectors.clone(),
                l.tasks.clone(),
            ));
        }
        lost.minus(&[&held]).is_empty()
    }
}

fn contains_all(got: &ConnectorsAndTasks, lost: &WorkSet) -> bool {
    lost.connectors.iter().all(|c| got.contains_connector(c))
        && lost.tasks.iter().all(|t| got.contains_task(t))
}

#[test]
fn when_worker_bounces() {
    let max = DEFAULT_MAX_DELAY;
    let mut l = Lost::new(max);
    assert!(l.handle(&WorkSet::default()).is_empty());
    l.assert_schedule(&[], 0);
    l.remember_members();

    let lost = l.remove("worker1");
    l.handle(&lost);
    l.assert_schedule(&[], max);

    l.remember_members();
    l.now += (max / 2) as u64;
    l.add_empty("worker1");
    l.handle(&lost);
    l.assert_schedule(&["worker1"], max / 2);

    l.remember_members();
    l.now += (max / 2) as u64;
    l.handle(&lost);
    assert!(
        l.holds(&["worker1"], &lost),
        "the returning worker gets its work back"
    );
    l.assert_schedule(&[], 0);
}

#[test]
fn when_worker_leaves_permanently() {
    let max = DEFAULT_MAX_DELAY;
    let mut l = Lost::new(max);
    l.handle(&WorkSet::default());
    l.remember_members();
    let lost = l.remove("worker1");
    l.handle(&lost);
    l.assert_schedule(&[], max);

    l.now += (max / 2) as u64;
    l.handle(&lost);
    l.assert_schedule(&[], max / 2);

    l.now += (max / 2) as u64;
    let to_reassign = l.handle(&lost);
    assert!(
        contains_all(&to_reassign, &lost),
        "lost work is treated as new"
    );
    l.assert_schedule(&[], 0);
}

#[test]
fn with_more_than_one_candidate() {
    let max = DEFAULT_MAX_DELAY;
    let mut l = Lost::new(max);
    l.handle(&WorkSet::default());
    l.remember_members();
    let lost = l.remove("worker1");
    l.add_empty("worker3");
    l.handle(&lost);
    l.assert_schedule(&["worker3"], max);

    l.remember_members();
    l.now += (max / 2) as u64;
    l.add_empty("worker1");
    l.handle(&lost);
    l.assert_schedule(&["worker1", "worker3"], max / 2);

    l.remember_members();
    l.now += (max / 2) as u64;
    // The candidates meanwhile received other work; they still share the lost work.
    l.loads
        .insert("worker1".into(), worker_load("worker1", 6, 2, 8, 4));
    l.loads
        .insert("worker3".into(), worker_load("worker3", 8, 2, 12, 4));
    l.handle(&lost);
    assert!(l.holds(&["worker1", "worker3"], &lost));
    l.assert_schedule(&[], 0);
}

#[test]
fn when_worker_bounces_back_but_finally_leaves() {
    let max = DEFAULT_MAX_DELAY;
    let mut l = Lost::new(max);
    l.handle(&WorkSet::default());
    l.remember_members();
    let lost = l.remove("worker1");
    l.handle(&lost);
    l.assert_schedule(&[], max);

    l.remember_members();
    l.now += (max / 2) as u64;
    l.add_empty("worker1");
    l.handle(&lost);
    l.assert_schedule(&["worker1"], max / 2);

    l.remember_members();
    l.now += (max / 2) as u64;
    l.loads.remove("worker1");
    let to_reassign = l.handle(&lost);
    assert!(contains_all(&to_reassign, &lost));
    l.assert_schedule(&[], 0);
}

#[test]
fn when_scheduled_delay_is_disabled() {
    let mut l = Lost::new(0);
    l.handle(&WorkSet::default());
    l.remember_members();
    let lost = l.remove("worker1");
    let to_reassign = l.handle(&lost);
    l.assert_schedule(&[], 0);
    assert_eq!(to_reassign, lost.to_cat());
}
