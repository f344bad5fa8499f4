//! The state machine: task configs wait for their commit, inconsistent commits, deletions,
//! target-state changes and the config offset.

use super::*;
use crate::config::TargetState;
use crate::storage::config_topic::encode;
use crate::storage::config_topic::{RestartRequest, SessionKey};

/// Feeds records at consecutive offsets; remembers the changes.
struct Feed {
    reader: ConfigReader,
    next: i64,
    changes: Vec<ConfigChange>,
}

impl Feed {
    fn new() -> Feed {
        Feed {
            reader: ConfigReader::default(),
            next: 0,
            changes: Vec::new(),
        }
    }

    fn raw(&mut self, key: Option<&[u8]>, value: Option<&[u8]>) -> Option<ConfigChange> {
        let change = self.reader.apply(LogRecord {
            partition: 0,
            offset: self.next,
            key,
            value,
        });
        self.next += 1;
        self.changes.extend(change.clone());
        change
    }

    fn put(&mut self, key: &str, value: Option<&str>) -> Option<ConfigChange> {
        self.raw(Some(key.as_bytes()), value.map(str::as_bytes))
    }

    fn state(&self) -> &ConfigState {
        self.reader.state()
    }

    fn take_changes(&mut self) -> Vec<ConfigChange> {
        std::mem::take(&mut self.changes)
    }
}

fn config(pairs: &[(&str, &str)]) -> ConfigMap {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn props(pairs: &[(&str, &str)]) -> String {
    String::from_utf8(encode::encode_properties(&config(pairs))).unwrap()
}

fn task(n: &str) -> ConfigMap {
    [("task".to_string(), n.to_string())].into_iter().collect()
}

#[test]
fn the_offset_is_minus_one_until_a_record_is_read_then_the_next_offset() {
    let mut f = Feed::new();
    assert_eq!(f.state().offset, -1);
    assert_eq!(ConfigState::default().offset, -1);
    f.put("connector-a", Some(&props(&[("k", "v")])));
    assert_eq!(f.state().offset, 1);
    // Malformed but JSON: skipped, the offset moves.
    f.put("connector-a", Some("[1]"));
    assert_eq!(f.state().offset, 2);
    f.raw(None, Some(b"{}"));
    assert_eq!(f.state().offset, 3);
    f.put("who-knows", Some("{}"));
    assert_eq!(f.state().offset, 4);
    // Not JSON: Kafka's converter fails before the offset is recorded.
    f.put("connector-a", Some("{oops"));
    assert_eq!(f.state().offset, 4);
    // Tombstones move it.
    f.put("target-state-a", None);
    assert_eq!(f.state().offset, 6);
    assert_eq!(f.state().connectors["a"], config(&[("k", "v")]));
}

#[test]
fn task_configs_wait_for_their_commit_and_replace_the_previous_set() {
    let mut f = Feed::new();
    f.put("connector-c", Some(&props(&[("name", "c")])));
    f.put("task-c-0", Some(&props(&[("task", "0")])));
    f.put("task-c-1", Some(&props(&[("task", "1")])));
    assert!(f.state().task_configs("c").is_empty());
    assert!(!f.state().tasks.contains_key("c"));
    assert_eq!(
        f.put("commit-c", Some(r#"{"tasks":2}"#)),
        Some(ConfigChange::TasksCommitted("c".into()))
    );
    assert_eq!(f.state().task_configs("c"), &[task("0"), task("1")]);

    // Fewer tasks: the set is replaced, not merged.
    f.put("task-c-0", Some(&props(&[("task", "0b")])));
    assert_eq!(f.state().task_configs("c"), &[task("0"), task("1")]);
    f.put("commit-c", Some(r#"{"tasks":1}"#));
    assert_eq!(f.state().task_configs("c"), &[task("0b")]);

    // Zero tasks (a stopped connector).
    f.put("commit-c", Some(r#"{"tasks":0}"#));
    assert_eq!(f.state().tasks["c"], Vec::<ConfigMap>::new());
    assert!(f.state().inconsistent.is_empty());
}

#[test]
fn a_compacted_log_with_extra_task_configs_is_consistent() {
    // Kafka's example: task 1 of an older, larger set survives compaction before the commit.
    let mut f = Feed::new();
    f.put("connector-c", Some(&props(&[])));
    f.put("task-c-1", Some(&props(&[("task", "old 1")])));
    f.put("task-c-0", Some(&props(&[("task", "0")])));
    f.put("commit-c", Some(r#"{"tasks":1}"#));
    assert_eq!(f.state().task_configs("c"), &[task("0")]);
    assert!(f.state().inconsistent.is_empty());
}

#[test]
fn an_incomplete_commit_marks_the_connector_inconsistent_until_a_complete_one() {
    let mut f = Feed::new();
    f.put("connector-c", Some(&props(&[])));
    f.put("task-c-0", Some(&props(&[("task", "0")])));
    f.put("commit-c", Some(r#"{"tasks":1}"#));
    // Task 0 of the next set was compacted away.
    f.put("task-c-1", Some(&props(&[("task", "1")])));
    assert_eq!(
        f.put("commit-c", Some(r#"{"tasks":2}"#)),
        Some(ConfigChange::TasksCommitted("c".into()))
    );
    assert!(f.state().inconsistent.contains("c"));
    assert!(f.state().task_configs("c").is_empty());
    // The buffered set was dropped: task 0 alone does not complete it.
    f.put("task-c-0", Some(&props(&[("task", "0")])));
    f.put("commit-c", Some(r#"{"tasks":2}"#));
    assert!(f.state().inconsistent.contains("c"));
    // A complete rewrite clears it.
    f.put("task-c-0", Some(&props(&[("task", "0")])));
    f.put("task-c-1", Some(&props(&[("task", "1")])));
    f.put("commit-c", Some(r#"{"tasks":2}"#));
    assert!(f.state().inconsistent.is_empty());
    assert_eq!(f.state().task_configs("c"), &[task("0"), task("1")]);
}

#[test]
fn a_malformed_commit_keeps_the_buffered_configs() {
    let mut f = Feed::new();
    f.put("connector-c", Some(&props(&[])));
    f.put("task-c-0", Some(&props(&[("task", "0")])));
    assert_eq!(f.put("commit-c", Some(r#"{"tasks":"1"}"#)), None);
    assert_eq!(f.put("commit-c", None), None);
    f.put("commit-c", Some(r#"{"tasks":1}"#));
    assert_eq!(f.state().task_configs("c"), &[task("0")]);
}

#[test]
fn a_commit_for_a_connector_without_config_is_ignored() {
    let mut f = Feed::new();
    f.put("task-gone-0", Some(&props(&[("task", "0")])));
    assert_eq!(f.put("commit-gone", Some(r#"{"tasks":1}"#)), None);
    assert!(f.state().tasks.is_empty());
    assert!(f.state().inconsistent.is_empty());
    // The buffered configs were dropped with it.
    f.put("connector-gone", Some(&props(&[])));
    f.put("commit-gone", Some(r#"{"tasks":1}"#));
    assert!(f.state().inconsistent.contains("gone"));
}

#[test]
fn names_with_dashes_do_not_mix() {
    let mut f = Feed::new();
    for name in ["my-conn", "my-conn-1"] {
        f.put(
            &format!("connector-{name}"),
            Some(&props(&[("name", name)])),
        );
    }
    f.put("task-my-conn-1-0", Some(&props(&[("task", "x0")])));
    f.put("task-my-conn-0", Some(&props(&[("task", "y0")])));
    f.put("task-my-conn-1", Some(&props(&[("task", "y1")])));
    f.put("task-my-conn-1-1", Some(&props(&[("task", "x1")])));
    f.put("commit-my-conn-1", Some(r#"{"tasks":2}"#));
    f.put("commit-my-conn", Some(r#"{"tasks":2}"#));
    assert_eq!(
        f.state().task_configs("my-conn-1"),
        &[task("x0"), task("x1")]
    );
    assert_eq!(f.state().task_configs("my-conn"), &[task("y0"), task("y1")]);
    f.put("connector-my-conn", None);
    assert_eq!(
        f.state().task_configs("my-conn-1"),
        &[task("x0"), task("x1")]
    );
    assert!(!f.state().connectors.contains_key("my-conn"));
}

#[test]
fn a_connector_tombstone_forgets_everything_about_it() {
    let mut f = Feed::new();
    f.put(
        "target-state-c",
        Some(r#"{"state":"PAUSED","state.v2":"STOPPED"}"#),
    );
    f.put("connector-c", Some(&props(&[])));
    f.put("task-c-1", Some(&props(&[])));
    f.put("commit-c", Some(r#"{"tasks":2}"#));
    f.put("task-c-0", Some(&props(&[("task", "buffered")])));
    assert!(f.state().inconsistent.contains("c"));
    assert_eq!(f.state().target("c"), TargetState::Stopped);
    f.take_changes();

    assert_eq!(
        f.put("connector-c", None),
        Some(ConfigChange::ConnectorRemoved("c".into()))
    );
    assert_eq!(f.put("target-state-c", None), None);
    let s = f.state();
    assert!(s.connectors.is_empty() && s.targets.is_empty() && s.tasks.is_empty());
    assert!(s.inconsistent.is_empty());
    // The buffered task 0 is gone too.
    f.put("connector-c", Some(&props(&[])));
    f.put("commit-c", Some(r#"{"tasks":1}"#));
    assert!(f.state().inconsistent.contains("c"));
    assert_eq!(f.state().target("c"), TargetState::Started);
}

#[test]
fn target_state_changes_are_reported_for_existing_connectors_only() {
    let mut f = Feed::new();
    // Written before the config (a create with an initial state): kept, not reported.
    assert_eq!(
        f.put(
            "target-state-c",
            Some(r#"{"state":"PAUSED","state.v2":"PAUSED"}"#)
        ),
        None
    );
    assert_eq!(
        f.put("connector-c", Some(&props(&[]))),
        Some(ConfigChange::ConnectorConfig("c".into()))
    );
    assert_eq!(f.state().target("c"), TargetState::Paused);
    // The same state again: no change.
    assert_eq!(f.put("target-state-c", Some(r#"{"state":"PAUSED"}"#)), None);
    assert_eq!(
        f.put(
            "target-state-c",
            Some(r#"{"state":"PAUSED","state.v2":"STOPPED"}"#)
        ),
        Some(ConfigChange::TargetState("c".into()))
    );
    // A tombstone is not reported; the connector is STARTED again.
    assert_eq!(f.put("target-state-c", None), None);
    assert_eq!(f.state().target("c"), TargetState::Started);
    // STARTED for a connector without a record is no change either.
    assert_eq!(
        f.put(
            "target-state-c",
            Some(r#"{"state":"STARTED","state.v2":"STARTED"}"#)
        ),
        None
    );
    // Malformed: skipped, state kept.
    f.put("target-state-c", Some(r#"{"state":"PAUSED"}"#));
    f.put("target-state-c", Some(r#"{"state":"RUNNING"}"#));
    assert_eq!(f.state().target("c"), TargetState::Paused);
}

#[test]
fn session_keys_restarts_task_counts_and_logger_levels() {
    let mut f = Feed::new();
    f.put("connector-c", Some(&props(&[])));
    f.take_changes();
    f.put(
        "session-key",
        Some(r#"{"key":"AAECAw==","algorithm":"HmacSHA256","creation-timestamp":1700000000000}"#),
    );
    f.put(
        "session-key",
        Some(r#"{"key":"AAECAw==","algorithm":"HmacSHA256"}"#),
    );
    f.put(
        "restart-connector-c",
        Some(r#"{"include-tasks":true,"only-failed":false}"#),
    );
    f.put("tasks-fencing-c", Some(r#"{"task-count":3}"#));
    f.put("logger-cluster-org.apache", Some(r#"{"level":"DEBUG"}"#));
    assert_eq!(
        f.take_changes(),
        [
            ConfigChange::SessionKey,
            ConfigChange::Restart(RestartRequest {
                connector: "c".into(),
                include_tasks: true,
                only_failed: false
            }),
            ConfigChange::LoggerLevel {
                namespace: "org.apache".into(),
                level: "DEBUG".into()
            },
        ]
    );
    assert_eq!(
        f.state().session_key,
        Some(SessionKey {
            key: vec![0, 1, 2, 3],
            algorithm: "HmacSHA256".into(),
            creation_timestamp_ms: 1_700_000_000_000,
        })
    );
    assert_eq!(f.state().task_count_records["c"], 3);
    assert_eq!(f.state().offset, 6);
}

#[test]
fn garbage_never_panics() {
    let mut f = Feed::new();
    let keys: &[&[u8]] = &[
        b"connector-",
        b"task-",
        b"task--",
        b"commit-",
        b"target-state-",
        b"session-key",
        b"restart-connector-",
        b"tasks-fencing-",
        b"logger-cluster-",
        b"\xff\xfe",
        b"",
    ];
    let values: &[Option<&[u8]>] = &[
        None,
        Some(b""),
        Some(b"null"),
        Some(b"{}"),
        Some(b"[]"),
        Some(b"\"x\""),
        Some(b"1e400"),
        Some(b"{\"properties\":{\"a\":{}}}"),
        Some(b"{\"tasks\":-5}"),
        Some(b"\x00\x01"),
    ];
    for key in keys {
        for value in values {
            f.raw(Some(key), *value);
        }
    }
    assert!(f.state().connectors.is_empty());
    assert!(f.state().offset > 0);
}
