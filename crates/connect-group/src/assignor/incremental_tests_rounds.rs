//! Whole rounds: workers joining, leaving, bouncing; deleted and duplicated work; failures.

use super::*;

#[test]
fn task_assignment_when_worker_joins() {
    let mut c = Cluster::new(DEFAULT_MAX_DELAY);
    c.standard();
    c.assert_delay(0);
    c.assert_workers(&["worker1"]);
    c.assert_connector_allocations(&[2]);
    c.assert_task_allocations(&[8]);
    c.assert_balanced_and_complete();

    // A second worker joins: load-balancing revocations from worker1.
    c.add_workers(&["worker2"]);
    c.standard();
    c.assert_delay(0);
    c.assert_workers(&["worker1", "worker2"]);
    c.assert_connector_allocations(&[0, 1]);
    c.assert_task_allocations(&[0, 4]);

    // The follow-up round hands the revoked work to worker2.
    c.standard();
    c.assert_no_revocations();
    c.assert_delay(0);
    c.assert_connector_allocations(&[1, 1]);
    c.assert_task_allocations(&[4, 4]);
    c.assert_balanced_and_complete();

    c.sleep(c.delay());
    c.standard();
    c.assert_delay(0);
    c.assert_empty_assignment();
}

#[test]
fn assignments_when_workers_join_after_revocations() {
    let mut c = Cluster::new(DEFAULT_MAX_DELAY);
    c.add_connector("connector3", 4);
    c.standard();
    c.assert_connector_allocations(&[3]);
    c.assert_task_allocations(&[12]);

    c.add_workers(&["worker2"]);
    c.standard();
    c.assert_connector_allocations(&[0, 2]);
    c.assert_task_allocations(&[0, 6]);

    // A successive revoking round: no revocations, a backoff delay instead.
    c.add_workers(&["worker3"]);
    c.standard();
    assert!(c.delay() > 0);
    c.assert_connector_allocations(&[0, 1, 2]);
    c.assert_task_allocations(&[3, 3, 6]);

    c.sleep(c.delay());
    c.add_workers(&["worker4"]);
    c.standard();
    c.assert_connector_allocations(&[0, 0, 1, 1]);
    c.assert_task_allocations(&[0, 3, 3, 3]);

    c.add_workers(&["worker5"]);
    c.standard();
    assert!(c.delay() > 40, "the backoff grows: {}", c.delay());
    c.assert_connector_allocations(&[0, 0, 1, 1, 1]);
    c.assert_task_allocations(&[1, 2, 3, 3, 3]);

    c.sleep(c.delay());
    c.add_workers(&["worker6"]);
    c.standard();
    c.assert_delay(0);
    c.assert_connector_allocations(&[0, 0, 0, 1, 1, 1]);
    c.assert_task_allocations(&[0, 1, 2, 2, 2, 2]);

    c.standard();
    c.assert_connector_allocations(&[0, 0, 0, 1, 1, 1]);
    c.assert_task_allocations(&[2, 2, 2, 2, 2, 2]);
    c.assert_balanced_and_complete();
}

#[test]
fn immediate_revocations_when_max_delay_is_0() {
    let mut c = Cluster::new(0);
    c.add_connector("connector3", 4);
    c.standard();
    c.assert_task_allocations(&[12]);
    c.add_workers(&["worker2"]);
    c.standard();
    c.assert_connector_allocations(&[0, 2]);
    c.assert_task_allocations(&[0, 6]);
    c.add_workers(&["worker3"]);
    c.standard();
    c.assert_delay(0);
    c.assert_connector_allocations(&[0, 1, 1]);
    c.assert_task_allocations(&[3, 3, 4]);
    c.standard();
    c.assert_no_revocations();
    c.assert_connector_allocations(&[1, 1, 1]);
    c.assert_task_allocations(&[4, 4, 4]);
    c.assert_balanced_and_complete();
}

#[test]
fn successive_revocations_when_max_delay_equals_backoff_initial_interval() {
    let mut c = Cluster::new(1);
    c.add_connector("connector3", 4);
    c.standard();
    c.add_workers(&["worker2"]);
    c.standard();
    c.assert_connector_allocations(&[0, 2]);
    c.assert_task_allocations(&[0, 6]);
    c.add_workers(&["worker3"]);
    c.standard();
    c.assert_delay(1);
    c.assert_connector_allocations(&[0, 1, 2]);
    c.assert_task_allocations(&[3, 3, 6]);
}

#[test]
fn worker_joining_during_delayed_rebalance() {
    let mut c = Cluster::new(DEFAULT_MAX_DELAY);
    c.add_connector("connector3", 4);
    c.standard();
    c.add_workers(&["worker2"]);
    c.standard();
    c.add_workers(&["worker3"]);
    c.standard();
    assert!(c.delay() > 0);
    c.assert_no_revocations();
    c.assert_connector_allocations(&[0, 1, 2]);
    c.assert_task_allocations(&[3, 3, 6]);

    c.sleep(c.delay() / 2);
    c.add_workers(&["worker4"]);
    c.standard();
    assert!(c.delay() > 0);
    c.assert_no_revocations();
    c.assert_connector_allocations(&[0, 0, 1, 2]);
    c.assert_task_allocations(&[0, 3, 3, 6]);

    c.sleep(c.delay());
    c.add_workers(&["worker5"]);
    c.standard();
    c.assert_delay(0);
    c.assert_connector_allocations(&[0, 0, 0, 1, 1]);
    c.assert_task_allocations(&[0, 0, 2, 3, 3]);

    c.standard();
    c.assert_delay(0);
    c.assert_no_revocations();
    c.assert_connector_allocations(&[0, 0, 1, 1, 1]);
    c.assert_task_allocations(&[2, 2, 2, 3, 3]);
    c.assert_balanced_and_complete();
}

#[test]
fn lost_worker_within_and_after_the_delay() {
    // testTaskAssignmentWhenWorkerLeavesPermanently
    let max = DEFAULT_MAX_DELAY;
    let mut c = Cluster::new(max);
    c.add_workers(&["worker2"]);
    c.standard();
    c.assert_connector_allocations(&[1, 1]);
    c.assert_task_allocations(&[4, 4]);

    // worker2 departs: nothing moves, the countdown starts.
    c.remove_workers(&["worker2"]);
    c.standard();
    c.assert_delay(max);
    c.assert_workers(&["worker1"]);
    c.assert_empty_assignment();

    c.sleep(max / 2);
    c.standard();
    c.assert_delay(max / 2);
    c.assert_empty_assignment();

    c.sleep(max / 2 + 1);
    c.standard();
    c.assert_delay(0);
    c.assert_connector_allocations(&[2]);
    c.assert_task_allocations(&[8]);
    c.assert_balanced_and_complete();
}

#[test]
fn worker_bounces_back_within_the_delay() {
    let max = DEFAULT_MAX_DELAY;
    let mut c = Cluster::new(max);
    c.add_workers(&["worker2"]);
    c.standard();
    c.remove_workers(&["worker2"]);
    c.standard();
    c.assert_delay(max);
    c.assert_empty_assignment();
    c.sleep(max / 2);
    c.standard();
    c.assert_delay(max / 2);
    c.assert_empty_assignment();
    c.sleep(max / 4);

    // worker2 returns empty before the delay expires: still nothing moves.
    c.add_workers(&["worker2"]);
    c.standard();
    c.assert_delay(max / 4);
    c.assert_workers(&["worker1", "worker2"]);
    c.assert_empty_assignment();

    // The delay expires: the lost work goes to the returning worker, nothing is revoked.
    c.sleep(max / 4);
    c.standard();
    c.assert_delay(0);
    c.assert_no_revocations();
    c.assert_connector_allocations(&[1, 1]);
    c.assert_task_allocations(&[4, 4]);
    c.assert_balanced_and_complete();
}

#[test]
fn leader_leaves_permanently() {
    let mut c = Cluster::new(DEFAULT_MAX_DELAY);
    c.add_workers(&["worker2", "worker3"]);
    c.standard();
    c.assert_connector_allocations(&[0, 1, 1]);
    c.assert_task_allocations(&[2, 3, 3]);
    c.assert_balanced_and_complete();

    // The leader left; the new leader starts from a clean slate and treats its work as new.
    c.remove_workers(&["worker1"]);
    c.init_assignor();
    c.standard();
    c.assert_delay(0);
    c.assert_workers(&["worker2", "worker3"]);
    c.assert_connector_allocations(&[1, 1]);
    c.assert_task_allocations(&[4, 4]);
    c.assert_balanced_and_complete();

    c.standard();
    c.assert_delay(0);
    c.assert_empty_assignment();
}

#[test]
fn leader_bounces() {
    let mut c = Cluster::new(DEFAULT_MAX_DELAY);
    c.add_workers(&["worker2", "worker3"]);
    c.standard();
    c.remove_workers(&["worker1"]);
    c.init_assignor();
    c.standard();
    c.assert_connector_allocations(&[1, 1]);
    c.assert_task_allocations(&[4, 4]);

    // The old leader returns as a follower: treated as a new worker, revocations first.
    c.add_workers(&["worker1"]);
    c.standard();
    c.assert_delay(0);
    c.assert_connector_allocations(&[0, 1, 1]);
    c.assert_task_allocations(&[0, 3, 3]);
    c.standard();
    c.assert_delay(0);
    c.assert_no_revocations();
    c.assert_connector_allocations(&[0, 1, 1]);
    c.assert_task_allocations(&[2, 3, 3]);
    c.assert_balanced_and_complete();
}

#[test]
fn first_assignment_attempt_fails() {
    let mut c = Cluster::new(DEFAULT_MAX_DELAY);
    c.add_workers(&["worker2"]);
    c.failed();
    c.assert_delay(0);
    c.assert_connector_allocations(&[0, 0]);
    c.assert_task_allocations(&[0, 0]);
    // Same members again: the missing work is reassigned at once, no delay.
    c.standard();
    c.assert_delay(0);
    c.assert_connector_allocations(&[1, 1]);
    c.assert_task_allocations(&[4, 4]);
    c.assert_balanced_and_complete();
}

#[test]
fn subsequent_assignment_attempt_fails() {
    let mut c = Cluster::new(DEFAULT_MAX_DELAY);
    c.add_workers(&["worker2"]);
    c.standard();
    c.add_workers(&["worker3"]);
    c.failed();
    c.assert_delay(0);
    c.assert_connector_allocations(&[0, 1, 1]);
    c.assert_task_allocations(&[0, 4, 4]);

    c.standard();
    assert!(c.delay() > 0);
    c.assert_connector_allocations(&[0, 1, 1]);
    c.assert_task_allocations(&[0, 4, 4]);

    c.sleep(c.delay());
    c.standard();
    c.assert_delay(0);
    c.assert_connector_allocations(&[0, 1, 1]);
    c.assert_task_allocations(&[0, 3, 3]);

    c.standard();
    c.assert_connector_allocations(&[0, 1, 1]);
    c.assert_task_allocations(&[2, 3, 3]);
    c.assert_balanced_and_complete();
}

#[test]
fn subsequent_assignment_attempt_fails_outside_the_assignor() {
    let mut c = Cluster::new(DEFAULT_MAX_DELAY);
    c.add_workers(&["worker2"]);
    c.standard();
    c.add_workers(&["worker3"]);
    c.failed();
    c.mismatched_generation();
    assert!(c.delay() > 0);
    c.assert_connector_allocations(&[0, 1, 1]);
    c.assert_task_allocations(&[0, 4, 4]);
    c.sleep(c.delay());
    c.standard();
    c.assert_connector_allocations(&[0, 1, 1]);
    c.assert_task_allocations(&[0, 3, 3]);
    c.standard();
    c.assert_connector_allocations(&[0, 1, 1]);
    c.assert_task_allocations(&[2, 3, 3]);
    c.assert_balanced_and_complete();
}

#[test]
fn deleted_connector_is_revoked() {
    let mut c = Cluster::new(DEFAULT_MAX_DELAY);
    c.add_connector("connector3", 4);
    c.add_workers(&["worker2"]);
    c.standard();
    c.assert_connector_allocations(&[1, 2]);
    c.assert_task_allocations(&[6, 6]);
    c.assert_balanced_and_complete();

    c.remove_connector("connector3");
    c.standard();
    c.assert_delay(0);
    let revoked: Vec<&ConnectorsAndTasks> = c.returned.revoked.values().collect();
    assert!(revoked
        .iter()
        .all(|r| r.connectors.iter().all(|n| n == "connector3")));
    assert!(revoked
        .iter()
        .all(|r| r.tasks.iter().all(|t| t.connector == "connector3")));
    c.assert_connector_allocations(&[1, 1]);
    c.assert_task_allocations(&[4, 4]);
    c.assert_balanced_and_complete();
}

#[test]
fn duplicated_tasks_are_revoked_then_reassigned() {
    let mut c = Cluster::new(DEFAULT_MAX_DELAY);
    c.standard();
    c.assert_task_allocations(&[8]);
    // worker2 joins claiming connector1 and its tasks, which worker1 also runs.
    c.add_worker("worker2", connectors(1..2), tasks("connector1", 0..4));
    c.standard();
    c.assert_delay(0);
    c.assert_connector_allocations(&[0, 1]);
    c.assert_task_allocations(&[0, 4]);
    c.standard();
    c.assert_delay(0);
    c.assert_no_revocations();
    c.assert_connector_allocations(&[1, 1]);
    c.assert_task_allocations(&[4, 4]);
    c.assert_balanced_and_complete();
    c.standard();
    c.assert_delay(0);
    c.assert_empty_assignment();
}

#[test]
fn duplicated_and_deleted_at_once() {
    let mut c = Cluster::new(DEFAULT_MAX_DELAY);
    c.standard();
    c.remove_connector("connector1");
    c.add_worker("worker2", connectors(1..2), tasks("connector1", 0..4));
    c.standard();
    c.assert_delay(0);
    c.assert_connector_allocations(&[0, 1]);
    c.assert_task_allocations(&[0, 2]);
    c.standard();
    c.assert_delay(0);
    c.assert_no_revocations();
    c.assert_connector_allocations(&[0, 1]);
    c.assert_task_allocations(&[2, 2]);
    c.assert_balanced_and_complete();
    c.sleep(c.delay());
    c.standard();
    c.assert_delay(0);
    c.assert_empty_assignment();
}

#[test]
fn scheduled_delay_disabled_reassigns_at_once() {
    let mut c = Cluster::new(0);
    c.add_workers(&["worker2"]);
    c.standard();
    c.assert_connector_allocations(&[1, 1]);
    c.remove_workers(&["worker2"]);
    c.standard();
    c.assert_delay(0);
    c.assert_workers(&["worker1"]);
    c.assert_connector_allocations(&[2]);
    c.assert_task_allocations(&[8]);
    c.assert_balanced_and_complete();
}

#[test]
fn imbalance_is_corrected_across_several_rounds() {
    // Three workers join one by one while connectors come and go; every settled round is
    // balanced and nothing that did not need to move moves.
    let mut c = Cluster::new(0);
    c.standard();
    c.add_workers(&["worker2", "worker3"]);
    c.standard();
    c.standard();
    c.assert_balanced_and_complete();
    let before = c.members.clone();
    c.add_connector("connector3", 3);
    c.standard();
    c.assert_no_revocations();
    c.assert_balanced_and_complete();
    for (worker, work) in &before {
        let now = &c.members[worker];
        assert!(
            work.connectors.iter().all(|x| now.contains_connector(x)),
            "sticky connectors"
        );
        assert!(
            work.tasks.iter().all(|t| now.contains_task(t)),
            "sticky tasks"
        );
    }
    c.remove_connector("connector1");
    c.standard();
    c.standard();
    c.assert_balanced_and_complete();
}

#[test]
fn backoff_matches_kafkas_exponential_backoff() {
    assert_eq!(crate::assignor::incremental::revoking_backoff(0, 1), 0);
    assert_eq!(crate::assignor::incremental::revoking_backoff(1, 1), 1);
    assert_eq!(
        crate::assignor::incremental::revoking_backoff(300_000, 1),
        40
    );
    assert_eq!(
        crate::assignor::incremental::revoking_backoff(300_000, 2),
        1600
    );
    assert_eq!(
        crate::assignor::incremental::revoking_backoff(300_000, 3),
        64_000
    );
    assert!(crate::assignor::incremental::revoking_backoff(300_000, 4) >= 299_999);
    assert!(crate::assignor::incremental::revoking_backoff(300_000, 40) <= 300_000);
    // Kafka's double arithmetic truncates 40^(ln 1000 / ln 40) to 999.
    assert_eq!(crate::assignor::incremental::revoking_backoff(1000, 5), 999);
}

#[test]
fn assign_connectors_when_balanced() {
    let mut loads: Vec<WorkerLoad> = (0..3)
        .map(|i| worker_load(&format!("worker{i}"), i * 2, 2, i * 2, 2))
        .collect();
    let mut expected = loads.clone();
    expected[0]
        .connectors
        .extend(["connector6".to_string(), "connector9".to_string()]);
    expected[1]
        .connectors
        .extend(["connector7".to_string(), "connector10".to_string()]);
    expected[2].connectors.push("connector8".to_string());
    crate::assignor::load::assign_connectors(&mut loads, &connectors(6..11));
    assert_eq!(loads, expected);
    expected[0]
        .tasks
        .extend(tasks("task", 6..7).into_iter().chain(tasks("task", 9..10)));
    expected[1]
        .tasks
        .extend(tasks("task", 7..8).into_iter().chain(tasks("task", 10..11)));
    expected[2].tasks.extend(tasks("task", 8..9));
    crate::assignor::load::assign_tasks(&mut loads, &tasks("task", 6..11));
    assert_eq!(loads, expected);
}

#[test]
fn assign_connectors_when_imbalanced() {
    let mut loads = vec![
        worker_load("worker0", 0, 2, 0, 2),
        worker_load("worker1", 2, 3, 2, 3),
        worker_load("worker2", 5, 4, 5, 4),
        WorkerLoad::new("worker3", &ConnectorsAndTasks::default()),
    ];
    crate::assignor::load::assign_connectors(&mut loads, &connectors(9..24));
    crate::assignor::load::assign_tasks(&mut loads, &tasks("task", 9..24));
    for w in &loads {
        assert_eq!((w.connectors.len(), w.tasks.len()), (6, 6), "{}", w.worker);
    }
}
