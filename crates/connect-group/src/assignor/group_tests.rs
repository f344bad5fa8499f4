//! The leader's whole-group assignment: config-offset check, protocol versions, leader state.

use std::collections::BTreeMap;

use super::*;
use crate::assignment::Assignment;
use crate::ids::ConnectorTaskId;
use crate::metadata::WorkerMetadata;
use crate::protocol::ConnectProtocol;

fn members(offsets: &[(&str, i64)]) -> BTreeMap<String, WorkerMetadata> {
    offsets
        .iter()
        .map(|(m, o)| {
            (
                m.to_string(),
                WorkerMetadata::new(format!("http://{m}:8083/"), *o),
            )
        })
        .collect()
}

fn round<'a>(
    protocol: ConnectProtocol,
    members: &'a BTreeMap<String, WorkerMetadata>,
    snapshot: &'a ConfigSnapshot,
) -> GroupRound<'a> {
    GroupRound {
        leader_id: "w1",
        protocol,
        members,
        snapshot,
        last_completed_generation: -1,
        current_generation: 1,
        now_ms: 1_000,
    }
}

#[test]
fn leader_behind_a_member_answers_config_mismatch() {
    let members = members(&[("w1", 5), ("w2", 9)]);
    let snapshot = ConfigSnapshot::new(5).with_connector("c", 2);
    let state = AssignorState::default();
    let (result, next) = assign_group(
        &IncrementalAssignor::new(1000),
        &state,
        &round(ConnectProtocol::Sessioned, &members, &snapshot),
    );
    assert_eq!(
        next, state,
        "a failed round leaves the assignor state alone"
    );
    assert!(result.leader_state.is_none());
    for a in result.assignments.values() {
        assert_eq!(a.error, Assignment::CONFIG_MISMATCH);
        assert_eq!(a.config_offset, 9);
        assert_eq!(a.leader, "w1");
        assert_eq!(a.leader_url, "http://w1:8083/");
        assert!(a.connectors.is_empty() && a.tasks.is_empty());
    }
}

#[test]
fn a_fresher_leader_snapshot_is_used_at_its_own_offset() {
    let members = members(&[("w1", 5), ("w2", 9)]);
    let snapshot = ConfigSnapshot::new(12).with_connector("c", 2);
    let (result, _) = assign_group(
        &IncrementalAssignor::new(1000),
        &AssignorState::default(),
        &round(ConnectProtocol::Compatible, &members, &snapshot),
    );
    let total: usize = result
        .assignments
        .values()
        .map(|a| a.connectors.len() + a.tasks.len())
        .sum();
    assert_eq!(total, 3);
    for a in result.assignments.values() {
        assert!(!a.failed());
        assert_eq!(a.config_offset, 12);
        assert_eq!(a.version, 1, "compatible assignments are version 1");
    }
    let state = result.leader_state.unwrap();
    assert!(state.connector_owner_url("c").is_some());
    assert!(state
        .task_owner_url(&ConnectorTaskId::new("c", 1))
        .is_some());
    assert_eq!(state.connector_owner_url("nope"), None);
}

#[test]
fn sessioned_assignments_are_version_2_and_round_trip() {
    let members = members(&[("w1", 3)]);
    let snapshot = ConfigSnapshot::new(3).with_connector("c", 1);
    let (result, _) = assign_group(
        &IncrementalAssignor::new(1000),
        &AssignorState::default(),
        &round(ConnectProtocol::Sessioned, &members, &snapshot),
    );
    let a = &result.assignments["w1"];
    assert_eq!(a.version, 2);
    let decoded = Assignment::decode(&a.encode().unwrap()).unwrap();
    assert_eq!(&decoded, a);
    assert_eq!(decoded.connectors, vec!["c".to_string()]);
}

#[test]
fn eager_assigns_everything_with_version_0() {
    let members = members(&[("w1", 3), ("w2", 3)]);
    let snapshot = ConfigSnapshot::new(3)
        .with_connector("a", 2)
        .with_connector("b", 1);
    let (result, _) = assign_group(
        &IncrementalAssignor::new(1000),
        &AssignorState::default(),
        &round(ConnectProtocol::Eager, &members, &snapshot),
    );
    assert!(result.cluster.is_none());
    assert_eq!(result.assignments["w1"].connectors, vec!["a".to_string()]);
    assert_eq!(result.assignments["w2"].connectors, vec!["b".to_string()]);
    for a in result.assignments.values() {
        assert_eq!(a.version, 0);
        // V0 bytes carry no revoked list or delay.
        let bytes = a.encode().unwrap();
        assert_eq!(Assignment::decode(&bytes).unwrap(), *a);
    }
}

#[test]
fn members_report_their_assignment_through_metadata() {
    // Round 1 with one member; round 2 it reports what it runs and a second member joins.
    let assignor = IncrementalAssignor::new(1000);
    let snapshot = ConfigSnapshot::new(1).with_connector("c", 4);
    let mut ms = members(&[("w1", 1)]);
    let (r1, state) = assign_group(
        &assignor,
        &AssignorState::default(),
        &round(ConnectProtocol::Sessioned, &ms, &snapshot),
    );
    let mut running = r1.assignments["w1"].clone();
    ms.get_mut("w1").unwrap().assignment = Some(running.clone());
    ms.insert("w2".into(), WorkerMetadata::new("http://w2:8083/", 1));
    let mut r2 = round(ConnectProtocol::Sessioned, &ms, &snapshot);
    r2.last_completed_generation = 1;
    r2.current_generation = 2;
    let (result, _) = assign_group(&assignor, &state, &r2);
    let revoked = result.assignments["w1"].revoked();
    assert_eq!(revoked.tasks.len(), 2, "half the tasks move: {revoked:?}");
    assert!(
        result.assignments["w2"].assigned().is_empty(),
        "they move in the follow-up round"
    );
    running.tasks.retain(|t| !revoked.tasks.contains(t));
    assert_eq!(running.tasks.len(), 2);
}
