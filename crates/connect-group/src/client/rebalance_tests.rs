//! Applying a received assignment (`onJoinComplete`) without a broker.

use tokio::sync::mpsc;

use super::*;
use crate::client::config::GroupConfig;
use crate::client::events::WorkerState;
use crate::ids::ConnectorTaskId;

fn task(protocol: ConnectProtocol) -> (MemberTask, mpsc::UnboundedReceiver<GroupEvent>) {
    let mut config = GroupConfig::new("127.0.0.1:1", "g");
    config.protocol = protocol;
    let (events, rx) = mpsc::unbounded_channel();
    let (_commands, commands_rx) = mpsc::unbounded_channel();
    let mut t = MemberTask::new(
        config,
        Box::new(WorkerState::new("u", 0)),
        events,
        commands_rx,
    );
    t.protocol = protocol;
    t.member_id = "me".into();
    t.generation = 7;
    (t, rx)
}

fn running(connectors: &[&str], tasks: &[(&str, i32)]) -> ConnectorsAndTasks {
    ConnectorsAndTasks::new(
        connectors.iter().map(|c| c.to_string()).collect(),
        tasks
            .iter()
            .map(|(c, t)| ConnectorTaskId::new(*c, *t))
            .collect(),
    )
}

fn assigned(rx: &mut mpsc::UnboundedReceiver<GroupEvent>) -> Box<AssignedEvent> {
    match rx.try_recv() {
        Ok(GroupEvent::Assigned(a)) => a,
        other => panic!("expected an assignment, got {other:?}"),
    }
}

#[tokio::test]
async fn cooperative_assignments_merge_into_what_runs() {
    let (mut t, mut rx) = task(ConnectProtocol::Sessioned);
    let mut previous = Assignment::empty(2, "me", "u", 3);
    previous.connectors = vec!["c1".into()];
    previous.tasks = vec![ConnectorTaskId::new("c1", 0), ConnectorTaskId::new("c1", 1)];
    t.snapshot = Some(previous);

    let mut new = Assignment::empty(2, "me", "u", 4);
    new.tasks = vec![ConnectorTaskId::new("c2", 0)];
    new.revoked_tasks = vec![ConnectorTaskId::new("c1", 1)];
    new.delay_ms = 500;
    assert!(t.complete_join(&new.encode().unwrap(), None));

    let event = assigned(&mut rx);
    assert_eq!(event.running, running(&["c1"], &[("c1", 0), ("c2", 0)]));
    assert_eq!(event.assignment, new);
    assert!(event.is_leader());
    assert_eq!(event.generation, 7);
    assert!(
        event.completion.is_awaited(),
        "revocations call for a follow-up rebalance"
    );
    assert_eq!(t.last_completed_generation, 7);
    assert!(!t.rejoin_needed);
    assert!(t.scheduled_rejoin.is_some(), "the delay schedules a rejoin");
    let snapshot = t.snapshot.clone().unwrap();
    assert_eq!(snapshot.assigned(), event.running);
    assert_eq!(snapshot.config_offset, 4);

    // Dropping the event releases the follow-up.
    let mut follow_up = t.follow_up.take().unwrap();
    assert!(follow_up.try_recv().is_err());
    drop(event);
    assert!(matches!(
        follow_up.try_recv(),
        Err(tokio::sync::oneshot::error::TryRecvError::Closed)
    ));
}

#[tokio::test]
async fn eager_assignments_replace_what_runs() {
    let (mut t, mut rx) = task(ConnectProtocol::Eager);
    let mut previous = Assignment::empty(0, "l", "u", 3);
    previous.connectors = vec!["old".into()];
    t.snapshot = Some(previous);
    let mut new = Assignment::empty(0, "l", "u", 3);
    new.connectors = vec!["c".into()];
    assert!(t.complete_join(&new.encode().unwrap(), None));
    let event = assigned(&mut rx);
    assert_eq!(event.running, running(&["c"], &[]));
    assert!(!event.is_leader());
    assert!(!event.completion.is_awaited());
    assert!(t.scheduled_rejoin.is_none());
}

#[tokio::test]
async fn failed_and_undecodable_assignments() {
    let (mut t, mut rx) = task(ConnectProtocol::Compatible);
    let mut failed = Assignment::empty(1, "l", "u", 9);
    failed.error = Assignment::CONFIG_MISMATCH;
    assert!(t.complete_join(&failed.encode().unwrap(), None));
    let event = assigned(&mut rx);
    assert!(event.assignment.failed());
    assert!(
        event.completion.is_awaited(),
        "catch up with the config, then rejoin"
    );

    assert!(!t.complete_join(&[0, 1, 0], None));
    assert!(
        rx.try_recv().is_err(),
        "no event for an undecodable assignment"
    );
}
