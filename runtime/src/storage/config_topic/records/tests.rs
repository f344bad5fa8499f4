//! Golden bytes for every record kind (written by hand from Kafka's schemas), and records as
//! Kafka Connect workers of several versions write them.

use super::*;
use crate::storage::config_topic::encode::*;

fn config(pairs: &[(&str, &str)]) -> ConfigMap {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Parses `value` (JSON text, `None` for a tombstone) under `key`.
fn parse_text(key: &str, value: Option<&str>) -> Result<ConfigRecord, String> {
    let value = decode_value(value.map(str::as_bytes)).expect("JSON");
    parse(key, value)
}

#[test]
fn connector_and_task_configs_are_written_as_properties() {
    let c = config(&[
        ("connector.class", "FileStreamSource"),
        ("file", "/tmp/in.txt"),
        ("tasks.max", "1"),
    ]);
    assert_eq!(
        encode_properties(&c),
        br#"{"properties":{"connector.class":"FileStreamSource","file":"/tmp/in.txt","tasks.max":"1"}}"#
    );
    assert_eq!(
        encode_properties(&ConfigMap::new()),
        br#"{"properties":{}}"#
    );
}

#[test]
fn strings_are_escaped_as_jackson_does() {
    let c = config(&[("k\"ey", "a\\b\n\t\r\u{8}\u{c}\u{1}\u{1f}/é€\u{7f}")]);
    assert_eq!(
        String::from_utf8(encode_properties(&c)).unwrap(),
        "{\"properties\":{\"k\\\"ey\":\"a\\\\b\\n\\t\\r\\b\\f\\u0001\\u001F/é€\u{7f}\"}}"
    );
    // And they read back.
    let value = decode_value(Some(&encode_properties(&c))).unwrap();
    assert_eq!(
        parse("connector-x", value),
        Ok(ConfigRecord::Connector {
            name: "x".into(),
            config: Some(c)
        })
    );
}

#[test]
fn target_states_keep_paused_for_old_workers_in_state() {
    assert_eq!(
        encode_target_state(TargetState::Started),
        br#"{"state":"STARTED","state.v2":"STARTED"}"#
    );
    assert_eq!(
        encode_target_state(TargetState::Paused),
        br#"{"state":"PAUSED","state.v2":"PAUSED"}"#
    );
    assert_eq!(
        encode_target_state(TargetState::Stopped),
        br#"{"state":"PAUSED","state.v2":"STOPPED"}"#
    );
}

#[test]
fn commit_session_key_and_restart_bytes() {
    assert_eq!(encode_commit(0), br#"{"tasks":0}"#);
    assert_eq!(encode_commit(12), br#"{"tasks":12}"#);
    let key = SessionKey {
        key: b"0123456789abcdef".to_vec(),
        algorithm: "HmacSHA256".into(),
        creation_timestamp_ms: 1_700_000_000_123,
    };
    assert_eq!(
        encode_session_key(&key),
        br#"{"key":"MDEyMzQ1Njc4OWFiY2RlZg==","algorithm":"HmacSHA256","creation-timestamp":1700000000123}"#
    );
    assert_eq!(
        encode_restart(&RestartRequest {
            connector: "c".into(),
            include_tasks: true,
            only_failed: false
        }),
        br#"{"include-tasks":true,"only-failed":false}"#
    );
    assert_eq!(
        encode_restart(&RestartRequest {
            connector: "c".into(),
            include_tasks: false,
            only_failed: true
        }),
        br#"{"include-tasks":false,"only-failed":true}"#
    );
}

#[test]
fn every_written_record_reads_back() {
    let key = SessionKey {
        key: vec![0, 1, 2, 250, 251, 255],
        algorithm: "HmacSHA256".into(),
        creation_timestamp_ms: i64::MAX,
    };
    let v = decode_value(Some(&encode_session_key(&key))).unwrap();
    assert_eq!(parse(SESSION_KEY_KEY, v), Ok(ConfigRecord::SessionKey(key)));
    for state in [
        TargetState::Started,
        TargetState::Paused,
        TargetState::Stopped,
    ] {
        let v = decode_value(Some(&encode_target_state(state))).unwrap();
        assert_eq!(
            parse("target-state-a-b", v),
            Ok(ConfigRecord::TargetState {
                name: "a-b".into(),
                state: Some(state)
            })
        );
    }
    let v = decode_value(Some(&encode_commit(3))).unwrap();
    assert_eq!(
        parse("commit-a-b", v),
        Ok(ConfigRecord::Commit {
            connector: "a-b".into(),
            tasks: Ok(3)
        })
    );
    let request = RestartRequest {
        connector: "a-b".into(),
        include_tasks: true,
        only_failed: true,
    };
    let v = decode_value(Some(&encode_restart(&request))).unwrap();
    assert_eq!(
        parse("restart-connector-a-b", v),
        Ok(ConfigRecord::Restart(request))
    );
}

#[test]
fn target_states_written_by_kafka_workers() {
    let read = |v: &str| match parse_text("target-state-c", Some(v)) {
        Ok(ConfigRecord::TargetState { state, .. }) => Ok(state),
        Ok(other) => panic!("{other:?}"),
        Err(e) => Err(e),
    };
    // A worker before KIP-875 writes only `state`.
    assert_eq!(read(r#"{"state":"PAUSED"}"#), Ok(Some(TargetState::Paused)));
    assert_eq!(
        read(r#"{"state":"STARTED"}"#),
        Ok(Some(TargetState::Started))
    );
    // `state.v2` wins.
    assert_eq!(
        read(r#"{"state":"PAUSED","state.v2":"STOPPED"}"#),
        Ok(Some(TargetState::Stopped))
    );
    assert_eq!(
        read(r#"{"state.v2":"STARTED","state":"PAUSED"}"#),
        Ok(Some(TargetState::Started))
    );
    // A null or non-string `state.v2` falls back on `state`.
    assert_eq!(
        read(r#"{"state":"PAUSED","state.v2":null}"#),
        Ok(Some(TargetState::Paused))
    );
    assert_eq!(
        read(r#"{"state":"PAUSED","state.v2":7}"#),
        Ok(Some(TargetState::Paused))
    );
    // No usable state, or an unknown one: skipped (no fallback from a bad `state.v2` string).
    assert!(read(r#"{"state.v2":7}"#).is_err());
    assert!(read(r#"{}"#).is_err());
    assert!(read(r#"{"state":"RUNNING"}"#).is_err());
    assert!(read(r#"{"state":"PAUSED","state.v2":"started"}"#).is_err());
    assert!(read(r#""PAUSED""#).is_err());
    // Tombstones, and the JSON literal null (which Kafka's converter reads as one).
    assert_eq!(
        parse_text("target-state-c", None),
        Ok(ConfigRecord::TargetState {
            name: "c".into(),
            state: None
        })
    );
    assert_eq!(
        parse_text("target-state-c", Some("null")),
        Ok(ConfigRecord::TargetState {
            name: "c".into(),
            state: None
        })
    );
}

#[test]
fn connector_configs_written_by_kafka_workers() {
    assert_eq!(
        parse_text(
            "connector-my-jdbc-source",
            Some(r#"{"properties":{"tasks.max":"2","name":"my-jdbc-source"}}"#)
        ),
        Ok(ConfigRecord::Connector {
            name: "my-jdbc-source".into(),
            config: Some(config(&[("name", "my-jdbc-source"), ("tasks.max", "2")]))
        })
    );
    assert_eq!(
        parse_text("connector-x", None),
        Ok(ConfigRecord::Connector {
            name: "x".into(),
            config: None
        })
    );
    // A null property value (OPTIONAL_STRING in Kafka's schema) is dropped.
    assert_eq!(
        parse_text("connector-x", Some(r#"{"properties":{"a":null,"b":"1"}}"#)),
        Ok(ConfigRecord::Connector {
            name: "x".into(),
            config: Some(config(&[("b", "1")]))
        })
    );
    for bad in [
        r#"{"properties":{"a":1}}"#,
        r#"{"properties":"a=b"}"#,
        r#"{"props":{}}"#,
        r#"[1]"#,
        r#"42"#,
    ] {
        assert!(parse_text("connector-x", Some(bad)).is_err(), "{bad}");
        assert!(parse_text("task-x-0", Some(bad)).is_err(), "{bad}");
    }
}

#[test]
fn task_keys_split_as_java_does() {
    let cases: &[(&str, Option<(&str, u32)>)] = &[
        ("task-c-0", Some(("c", 0))),
        ("task-my-conn-12", Some(("my-conn", 12))),
        ("task-my-conn-1-3", Some(("my-conn-1", 3))),
        ("task-a--1", Some(("a-", 1))),
        ("task--0", Some(("", 0))),
        ("task-a-+1", Some(("a", 1))),
        // `String.split` drops trailing empty strings.
        ("task-a-1-", Some(("a", 1))),
        ("task-a-1--", Some(("a", 1))),
        ("task-a--", None),
        ("task-3", None),
        ("task-", None),
        ("task-a-x", None),
        ("task-a--1x", None),
        ("task-a-2147483648", None),
    ];
    for (key, expected) in cases {
        let expected = expected.map(|(c, t)| (c.to_string(), t));
        assert_eq!(parse_task_key(key), expected, "{key}");
    }
    assert_eq!(
        parse_text("task-my-conn-1", Some(r#"{"properties":{"k":"v"}}"#)),
        Ok(ConfigRecord::Task {
            connector: "my-conn".into(),
            task: 1,
            config: config(&[("k", "v")])
        })
    );
    assert!(parse_text("task-c-x", Some(r#"{"properties":{}}"#)).is_err());
    assert!(parse_text("task-c-0", None).is_err());
}

#[test]
fn integers_may_be_any_json_integer() {
    let tasks = |v: &str| match parse_text("commit-c", Some(v)) {
        Ok(ConfigRecord::Commit { tasks, .. }) => tasks,
        other => panic!("{other:?}"),
    };
    assert_eq!(tasks(r#"{"tasks":3}"#), Ok(3));
    assert_eq!(tasks(r#"{"tasks":0}"#), Ok(0));
    assert_eq!(tasks(r#"{"tasks":2147483647}"#), Ok(2_147_483_647));
    for bad in [
        r#"{"tasks":2147483648}"#,
        r#"{"tasks":4294967298}"#,
        r#"{"tasks":-1}"#,
        r#"{"tasks":2.0}"#,
        r#"{"tasks":"2"}"#,
        r#"{}"#,
    ] {
        assert!(tasks(bad).is_err(), "{bad}");
    }
    // A commit tombstone is still a commit (Kafka checks the connector first).
    assert!(matches!(
        parse_text("commit-c", None),
        Ok(ConfigRecord::Commit { tasks: Err(_), .. })
    ));
    assert_eq!(
        parse_text("tasks-fencing-my-conn", Some(r#"{"task-count":5}"#)),
        Ok(ConfigRecord::TaskCount {
            connector: "my-conn".into(),
            count: 5
        })
    );
    assert!(parse_text("tasks-fencing-c", Some(r#"{"task-count":1.5}"#)).is_err());
    assert!(parse_text("tasks-fencing-c", None).is_err());
}

#[test]
fn session_keys_written_by_kafka_workers() {
    let v = r#"{"key":"MDEyMzQ1Njc4OWFiY2RlZg==","algorithm":"HmacSHA256","creation-timestamp":1700000000123}"#;
    let expected = SessionKey {
        key: b"0123456789abcdef".to_vec(),
        algorithm: "HmacSHA256".into(),
        creation_timestamp_ms: 1_700_000_000_123,
    };
    assert_eq!(
        parse_text(SESSION_KEY_KEY, Some(v)),
        Ok(ConfigRecord::SessionKey(expected.clone()))
    );
    // Java's decoder does not require padding; fields in any order; a small integer is a Long.
    let v = r#"{"creation-timestamp":5,"algorithm":"HmacSHA256","key":"MDEyMzQ1Njc4OWFiY2RlZg"}"#;
    assert_eq!(
        parse_text(SESSION_KEY_KEY, Some(v)),
        Ok(ConfigRecord::SessionKey(SessionKey {
            creation_timestamp_ms: 5,
            ..expected
        }))
    );
    for bad in [
        r#"{"key":"!!!","algorithm":"HmacSHA256","creation-timestamp":1}"#,
        r#"{"key":"","algorithm":"HmacSHA256","creation-timestamp":1}"#,
        r#"{"key":5,"algorithm":"HmacSHA256","creation-timestamp":1}"#,
        r#"{"key":"AAAA","creation-timestamp":1}"#,
        r#"{"key":"AAAA","algorithm":"HmacSHA256","creation-timestamp":1.0}"#,
        r#"{"key":"AAAA","algorithm":"HmacSHA256","creation-timestamp":"1"}"#,
        r#"{"key":"AAAA","algorithm":"HmacSHA256"}"#,
        r#"["AAAA"]"#,
    ] {
        assert!(parse_text(SESSION_KEY_KEY, Some(bad)).is_err(), "{bad}");
    }
    assert!(parse_text(SESSION_KEY_KEY, None).is_err());
}

#[test]
fn restart_flags_default_to_false() {
    let read = |v: &str| parse_text("restart-connector-a-b", Some(v));
    let request = |include_tasks, only_failed| {
        Ok(ConfigRecord::Restart(RestartRequest {
            connector: "a-b".into(),
            include_tasks,
            only_failed,
        }))
    };
    assert_eq!(
        read(r#"{"include-tasks":true,"only-failed":true}"#),
        request(true, true)
    );
    assert_eq!(read(r#"{"only-failed":true}"#), request(false, true));
    assert_eq!(
        read(r#"{"include-tasks":"true","only-failed":1}"#),
        request(false, false)
    );
    assert_eq!(read(r#"{}"#), request(false, false));
    assert!(read(r#"true"#).is_err());
    assert!(parse_text("restart-connector-x", None).is_err());
}

#[test]
fn logger_levels_and_unknown_keys() {
    assert_eq!(
        parse_text(
            "logger-cluster-org.apache.kafka",
            Some(r#"{"level":"DEBUG"}"#)
        ),
        Ok(ConfigRecord::LoggerLevel {
            namespace: "org.apache.kafka".into(),
            level: "DEBUG".into()
        })
    );
    assert!(parse_text("logger-cluster-x", Some(r#"{"level":1}"#)).is_err());
    assert!(parse_text("logger-cluster-x", None).is_err());
    for key in [
        "",
        "session-key-2",
        "connectors-x",
        "status-connector-x",
        "tasks-x",
    ] {
        assert!(parse_text(key, Some("{}")).is_err(), "{key}");
    }
}

#[test]
fn prefixes_are_checked_in_kafkas_order() {
    assert!(matches!(
        parse_text("target-state-connector-x", Some(r#"{"state":"PAUSED"}"#)),
        Ok(ConfigRecord::TargetState { name, .. }) if name == "connector-x"
    ));
    assert!(matches!(
        parse_text("connector-target-state-x", Some(r#"{"properties":{}}"#)),
        Ok(ConfigRecord::Connector { name, .. }) if name == "target-state-x"
    ));
    assert!(matches!(
        parse_text("connector-task-x-0", Some(r#"{"properties":{}}"#)),
        Ok(ConfigRecord::Connector { name, .. }) if name == "task-x-0"
    ));
    assert!(matches!(
        parse_text("tasks-fencing-task-x-0", Some(r#"{"task-count":1}"#)),
        Ok(ConfigRecord::TaskCount { connector, .. }) if connector == "task-x-0"
    ));
}

#[test]
fn values_that_are_not_json_are_errors_and_null_is_a_tombstone() {
    assert!(decode_value(Some(b"")).is_err());
    assert!(decode_value(Some(b"{\"properties\":")).is_err());
    assert!(decode_value(Some(b"\xff")).is_err());
    assert_eq!(decode_value(None).unwrap(), None);
    assert_eq!(decode_value(Some(b"null")).unwrap(), None);
    assert_eq!(
        decode_value(Some(b" {\"a\":1} ")).unwrap(),
        Some(serde_json::json!({"a": 1}))
    );
}
