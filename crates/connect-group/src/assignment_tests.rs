//! Assignments against hand-built byte strings laid out as Kafka's `Struct` writes them.

use super::*;
use crate::test_util::Raw;

fn sample(version: i16) -> Assignment {
    Assignment {
        version,
        error: Assignment::NO_ERROR,
        leader: "leader-1".into(),
        leader_url: "http://w1:8083/".into(),
        config_offset: 618,
        connectors: vec!["c1".into()],
        tasks: vec![ConnectorTaskId::new("c1", 0), ConnectorTaskId::new("c2", 3)],
        revoked_connectors: if version >= 1 {
            vec!["c3".into()]
        } else {
            vec![]
        },
        revoked_tasks: if version >= 1 {
            vec![ConnectorTaskId::new("c3", 1)]
        } else {
            vec![]
        },
        delay_ms: if version >= 1 { 30_000 } else { 0 },
    }
}

fn header(version: i16) -> Raw {
    Raw::default()
        .i16(version)
        .i16(0)
        .str("leader-1")
        .str("http://w1:8083/")
        .i64(618)
}

fn assigned_entries(b: Raw) -> Raw {
    // [{c1, [-1, 0]}, {c2, [3]}]
    b.i32(2)
        .str("c1")
        .i32(2)
        .i32(-1)
        .i32(0)
        .str("c2")
        .i32(1)
        .i32(3)
}

#[test]
fn v0_assignment_bytes() {
    let expected = assigned_entries(header(0)).0;
    assert_eq!(sample(0).encode().unwrap().as_ref(), expected.as_slice());
    assert_eq!(Assignment::decode(&expected).unwrap(), sample(0));
}

#[test]
fn v1_and_v2_assignment_bytes() {
    for version in [1, 2] {
        let expected = assigned_entries(header(version))
            // revoked: [{c3, [-1, 1]}]
            .i32(1)
            .str("c3")
            .i32(2)
            .i32(-1)
            .i32(1)
            .i32(30_000)
            .0;
        assert_eq!(
            sample(version).encode().unwrap().as_ref(),
            expected.as_slice()
        );
        assert_eq!(Assignment::decode(&expected).unwrap(), sample(version));
    }
}

#[test]
fn empty_lists_are_written_as_empty_arrays() {
    let a = Assignment::empty(1, "l", "u", 5);
    let expected = Raw::default()
        .i16(1)
        .i16(0)
        .str("l")
        .str("u")
        .i64(5)
        .i32(0)
        .i32(0)
        .i32(0)
        .0;
    assert_eq!(a.encode().unwrap().as_ref(), expected.as_slice());
}

#[test]
fn config_mismatch_round_trips() {
    let mut a = Assignment::empty(2, "l", "u", 99);
    a.error = Assignment::CONFIG_MISMATCH;
    let decoded = Assignment::decode(&a.encode().unwrap()).unwrap();
    assert!(decoded.failed());
    assert_eq!(decoded.config_offset, 99);
}

#[test]
fn null_arrays_and_missing_trailing_fields_take_defaults() {
    // V1 header with null assignment, null revoked and no delay.
    let bytes = header(1).i32(-1).i32(-1).0;
    let a = Assignment::decode(&bytes).unwrap();
    assert!(a.connectors.is_empty() && a.tasks.is_empty());
    assert!(a.revoked_connectors.is_empty() && a.revoked_tasks.is_empty());
    assert_eq!(a.delay_ms, 0);
    // A V0 assignment read with the tolerant V1 reader: no revoked, delay 0.
    let v0 = assigned_entries(header(0)).0;
    assert_eq!(Assignment::decode(&v0).unwrap().delay_ms, 0);
    // Missing everything after the config offset.
    assert!(Assignment::decode(&header(1).0)
        .unwrap()
        .connectors
        .is_empty());
}

#[test]
fn newer_versions_are_read_with_the_v1_layout_and_trailing_bytes_ignored() {
    let bytes = assigned_entries(header(7)).i32(0).i32(12).raw(b"future").0;
    let a = Assignment::decode(&bytes).unwrap();
    assert_eq!(a.version, 7);
    assert_eq!(a.connectors, vec!["c1".to_string()]);
    assert_eq!(a.delay_ms, 12);
}

#[test]
fn malformed_assignments_are_errors() {
    assert_eq!(
        Assignment::decode(&Raw::default().i16(-1).0),
        Err(WireError::UnsupportedVersion(-1))
    );
    assert!(matches!(
        Assignment::decode(&Raw::default().i16(1).i16(0).0),
        Err(WireError::Truncated {
            field: "leader",
            ..
        })
    ));
    assert!(matches!(
        Assignment::decode(&header(1).i32(1).str("c").i32(-1).0),
        Err(WireError::NegativeLength { field: "tasks", .. })
    ));
    assert!(matches!(
        Assignment::decode(&header(1).i32(1).str("c").i32(2).i32(0).0),
        Err(WireError::Truncated { field: "tasks", .. })
    ));
}

#[test]
fn too_long_strings_are_rejected() {
    let mut a = Assignment::empty(1, "l", "u", 0);
    a.connectors.push("x".repeat(40_000));
    assert!(matches!(a.encode(), Err(WireError::StringTooLong { .. })));
}
