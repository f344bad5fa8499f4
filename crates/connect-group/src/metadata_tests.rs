//! Member metadata against hand-built byte strings.

use super::*;
use crate::ids::ConnectorTaskId;
use crate::test_util::Raw;

#[test]
fn v0_default_metadata_bytes() {
    let m = WorkerMetadata::new("http://10.0.0.5:8083/", 42);
    let expected = Raw::default().i16(0).str("http://10.0.0.5:8083/").i64(42).0;
    assert_eq!(
        m.encode(ConnectProtocol::Eager).unwrap().as_ref(),
        expected.as_slice()
    );
    let decoded = WorkerMetadata::decode(&expected).unwrap();
    assert_eq!(decoded, m);
}

#[test]
fn v1_v2_metadata_without_assignment_has_null_allocation() {
    for protocol in [ConnectProtocol::Compatible, ConnectProtocol::Sessioned] {
        let m = WorkerMetadata::new("http://w:8083", -1);
        let expected = Raw::default()
            .i16(protocol.version())
            .str("http://w:8083")
            .i64(-1)
            .i32(-1)
            .0;
        assert_eq!(m.encode(protocol).unwrap().as_ref(), expected.as_slice());
        let decoded = WorkerMetadata::decode(&expected).unwrap();
        assert_eq!(decoded.version, protocol.version());
        assert_eq!(decoded.assignment, None);
    }
}

#[test]
fn v2_metadata_embeds_the_assignment_with_the_same_header_version() {
    let mut assignment = Assignment::empty(1, "leader", "http://l:8083/", 7);
    assignment.connectors.push("c".into());
    assignment.tasks.push(ConnectorTaskId::new("c", 0));
    let m = WorkerMetadata {
        version: 2,
        url: "http://w:8083/".into(),
        config_offset: 7,
        assignment: Some(assignment.clone()),
    };
    let embedded = Raw::default()
        .i16(2)
        .i16(0)
        .str("leader")
        .str("http://l:8083/")
        .i64(7)
        .i32(1)
        .str("c")
        .i32(2)
        .i32(-1)
        .i32(0)
        .i32(0) // revoked: empty
        .i32(0) // delay
        .0;
    let expected = Raw::default()
        .i16(2)
        .str("http://w:8083/")
        .i64(7)
        .i32(embedded.len() as i32)
        .raw(&embedded)
        .0;
    assert_eq!(
        m.encode(ConnectProtocol::Sessioned).unwrap().as_ref(),
        expected.as_slice()
    );
    let decoded = WorkerMetadata::decode(&expected).unwrap();
    assignment.version = 2;
    assert_eq!(decoded.assignment, Some(assignment));
    // The compatible protocol writes the same metadata with version 1 everywhere.
    let v1 = m.encode(ConnectProtocol::Compatible).unwrap();
    assert_eq!(&v1[..2], &[0, 1]);
    let decoded = WorkerMetadata::decode(&v1).unwrap();
    assert_eq!(decoded.assignment.map(|a| a.version), Some(1));
}

#[test]
fn v0_metadata_never_embeds_the_assignment() {
    let m = WorkerMetadata {
        version: 0,
        url: "u".into(),
        config_offset: 1,
        assignment: Some(Assignment::empty(2, "l", "u", 1)),
    };
    let expected = Raw::default().i16(0).str("u").i64(1).0;
    assert_eq!(
        m.encode(ConnectProtocol::Eager).unwrap().as_ref(),
        expected.as_slice()
    );
}

#[test]
fn malformed_metadata_is_an_error() {
    assert_eq!(
        WorkerMetadata::decode(&Raw::default().i16(-3).0),
        Err(WireError::UnsupportedVersion(-3))
    );
    assert!(matches!(
        WorkerMetadata::decode(&Raw::default().i16(1).str("u").0),
        Err(WireError::Truncated {
            field: "config-offset",
            ..
        })
    ));
    assert!(matches!(
        WorkerMetadata::decode(&Raw::default().i16(1).i16(-2).0),
        Err(WireError::NegativeLength { field: "url", .. })
    ));
}
