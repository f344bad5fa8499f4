//! The config topic of distributed mode (`ConfigTopic`) against a real nisshi broker: what it
//! writes is Kafka Connect's bytes as another client (confluent-kafka) reads them, records in
//! Kafka Connect's format written by that client are applied, and a change written by one
//! worker's store reaches another's as a `ConfigChange`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::collections::BTreeMap;
use std::sync::mpsc::{channel, Receiver, TryRecvError};
use std::time::Duration;

use ferry_runtime::config::worker::InternalTopic;
use ferry_runtime::config::TargetState;
use ferry_runtime::kafka::ClientSettings;
use ferry_runtime::storage::{
    ConfigChange, ConfigTopic, RestartRequest, SessionKey, StorageError, TopicSpec,
};
use ferry_tests::{python, scaled, Broker};

type ConfigMap = BTreeMap<String, String>;

fn clients(broker: &Broker) -> ClientSettings {
    ClientSettings {
        bootstrap_servers: broker.bootstrap(),
        ..ClientSettings::default()
    }
}

fn spec(topic: &str) -> TopicSpec {
    TopicSpec {
        topic: InternalTopic {
            name: topic.to_string(),
            partitions: 1,
            replication_factor: 1,
            settings: BTreeMap::new(),
        },
        role: "config",
    }
}

fn open(broker: &Broker, topic: &str) -> (ConfigTopic, Receiver<ConfigChange>) {
    let (tx, rx) = channel();
    let store =
        ConfigTopic::open(&clients(broker), spec(topic), tx).expect("open the config topic");
    (store, rx)
}

fn config(pairs: &[(&str, &str)]) -> ConfigMap {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The next `n` changes, in order (fails if they do not come).
fn changes(rx: &Receiver<ConfigChange>, n: usize) -> Vec<ConfigChange> {
    (0..n)
        .map(|i| {
            rx.recv_timeout(scaled(Duration::from_secs(60)))
                .unwrap_or_else(|e| panic!("change {i} of {n} did not arrive: {e}"))
        })
        .collect()
}

fn session_key() -> SessionKey {
    SessionKey {
        key: b"0123456789abcdef0123456789abcdef".to_vec(),
        algorithm: "HmacSHA256".into(),
        creation_timestamp_ms: 1_700_000_000_123,
    }
}

#[test]
fn what_the_config_topic_writes_is_kafka_connects_bytes() {
    let broker = Broker::start().unwrap();
    let topic = "connect-configs";
    let (store, rx) = open(&broker, topic);
    assert_eq!(store.snapshot().offset, -1, "a new topic");

    let connector = config(&[
        ("connector.class", "FileStreamSource"),
        ("name", "my-conn"),
        ("odd", "quote\" backslash\\ newline\n ctl\u{1} é"),
        ("tasks.max", "2"),
    ]);
    store
        .put_connector_config("my-conn", &connector, Some(TargetState::Paused))
        .unwrap();
    store
        .put_task_configs(
            "my-conn",
            &[config(&[("task", "0")]), config(&[("task", "1")])],
        )
        .unwrap();
    store
        .put_target_state("my-conn", TargetState::Stopped)
        .unwrap();
    store.put_session_key(&session_key()).unwrap();
    let restart = RestartRequest {
        connector: "my-conn".into(),
        include_tasks: true,
        only_failed: false,
    };
    store.put_restart_request(&restart).unwrap();
    store
        .put_logger_level("org.apache.kafka.connect", "debug")
        .unwrap();

    // Before the deletion: the store's own view.
    assert_eq!(store.read_to_end(Duration::from_secs(30)).unwrap(), 9);
    let state = store.snapshot();
    assert_eq!(state.connectors["my-conn"], connector);
    assert_eq!(state.target("my-conn"), TargetState::Stopped);
    assert_eq!(
        state.task_configs("my-conn"),
        &[config(&[("task", "0")]), config(&[("task", "1")])]
    );
    assert_eq!(state.session_key, Some(session_key()));

    store.remove_connector("my-conn").unwrap();
    let state = store.snapshot();
    assert_eq!(state.offset, 11);
    assert!(state.connectors.is_empty() && state.targets.is_empty() && state.tasks.is_empty());

    let expected: Vec<(&str, Option<&str>)> = vec![
        (
            "target-state-my-conn",
            Some(r#"{"state":"PAUSED","state.v2":"PAUSED"}"#),
        ),
        (
            "connector-my-conn",
            Some(
                "{\"properties\":{\"connector.class\":\"FileStreamSource\",\"name\":\"my-conn\",\
                 \"odd\":\"quote\\\" backslash\\\\ newline\\n ctl\\u0001 é\",\"tasks.max\":\"2\"}}",
            ),
        ),
        ("task-my-conn-0", Some(r#"{"properties":{"task":"0"}}"#)),
        ("task-my-conn-1", Some(r#"{"properties":{"task":"1"}}"#)),
        ("commit-my-conn", Some(r#"{"tasks":2}"#)),
        (
            "target-state-my-conn",
            Some(r#"{"state":"PAUSED","state.v2":"STOPPED"}"#),
        ),
        (
            "session-key",
            Some(
                r#"{"key":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=","algorithm":"HmacSHA256","creation-timestamp":1700000000123}"#,
            ),
        ),
        (
            "restart-connector-my-conn",
            Some(r#"{"include-tasks":true,"only-failed":false}"#),
        ),
        (
            "logger-cluster-org.apache.kafka.connect",
            Some(r#"{"level":"debug"}"#),
        ),
        ("connector-my-conn", None),
        ("target-state-my-conn", None),
    ];
    let records = python::consume_all(
        &broker.bootstrap(),
        topic,
        expected.len(),
        Duration::from_secs(60),
    )
    .unwrap();
    let got: Vec<(i32, i64, String, Option<String>)> = records
        .iter()
        .map(|r| (r.partition, r.offset, r.key_str().unwrap(), r.value_str()))
        .collect();
    let want: Vec<(i32, i64, String, Option<String>)> = expected
        .iter()
        .enumerate()
        .map(|(i, (k, v))| (0, i as i64, k.to_string(), v.map(str::to_string)))
        .collect();
    assert_eq!(got, want);
    assert_eq!(python::list_topics(&broker.bootstrap()).unwrap()[topic], 1);

    // The writer hears its own writes, in topic order (not the target state written before
    // the connector existed, nor the tombstone of the target state).
    assert_eq!(
        changes(&rx, 7),
        [
            ConfigChange::ConnectorConfig("my-conn".into()),
            ConfigChange::TasksCommitted("my-conn".into()),
            ConfigChange::TargetState("my-conn".into()),
            ConfigChange::SessionKey,
            ConfigChange::Restart(restart),
            ConfigChange::LoggerLevel {
                namespace: "org.apache.kafka.connect".into(),
                level: "debug".into(),
            },
            ConfigChange::ConnectorRemoved("my-conn".into()),
        ]
    );
    store.stop();
}

#[test]
fn records_written_in_kafka_connects_format_are_applied() {
    let broker = Broker::start().unwrap();
    let bootstrap = broker.bootstrap();
    let topic = "connect-configs-from-java";
    python::create_topic(&bootstrap, topic, 1, &[("cleanup.policy", "compact")]).unwrap();
    let records: &[(&str, Option<&str>)] = &[
        // A worker before KIP-875 writes no state.v2.
        ("target-state-jdbc-src-1", Some(r#"{"state":"PAUSED"}"#)),
        (
            "connector-jdbc-src-1",
            Some(
                r#"{"properties":{"connector.class":"JdbcSourceConnector","name":"jdbc-src-1","tasks.max":"2"}}"#,
            ),
        ),
        (
            "task-jdbc-src-1-0",
            Some(r#"{"properties":{"tables":"a"}}"#),
        ),
        (
            "task-jdbc-src-1-1",
            Some(r#"{"properties":{"tables":"b"}}"#),
        ),
        ("commit-jdbc-src-1", Some(r#"{"tasks":2}"#)),
        ("connector-sink", Some(r#"{"properties":{"name":"sink"}}"#)),
        (
            "target-state-sink",
            Some(r#"{"state":"PAUSED","state.v2":"STOPPED"}"#),
        ),
        // Task 0 of this set was compacted away: inconsistent.
        ("task-sink-1", Some(r#"{"properties":{"n":"1"}}"#)),
        ("commit-sink", Some(r#"{"tasks":2}"#)),
        (
            "session-key",
            Some(
                r#"{"key":"AAECAwQFBgc=","algorithm":"HmacSHA256","creation-timestamp":1700000000000}"#,
            ),
        ),
        // Read before the store was open: applied, not reported.
        (
            "restart-connector-jdbc-src-1",
            Some(r#"{"include-tasks":true,"only-failed":true}"#),
        ),
        ("tasks-fencing-jdbc-src-1", Some(r#"{"task-count":2}"#)),
        (
            "logger-cluster-org.apache.kafka.connect",
            Some(r#"{"level":"DEBUG"}"#),
        ),
        ("connector-gone", Some(r#"{"properties":{}}"#)),
        ("connector-gone", None),
        ("commit-gone", Some(r#"{"tasks":0}"#)),
        // Malformed records are skipped.
        ("connector-broken", Some(r#"{"properties":"x"}"#)),
        ("no-such-kind-x", Some(r#"{}"#)),
        ("connector-not-json", Some("{properties")),
        ("target-state-sink", Some(r#"{"state":"RUNNING"}"#)),
    ];
    let produce: Vec<python::KeyValue> = records
        .iter()
        .map(|(k, v)| {
            (
                Some(k.as_bytes().to_vec()),
                v.map(|v| v.as_bytes().to_vec()),
            )
        })
        .collect();
    python::produce(&bootstrap, topic, &produce).unwrap();

    let (store, rx) = open(&broker, topic);
    let state = store.snapshot();
    assert_eq!(state.offset, records.len() as i64);
    assert_eq!(
        state.connectors.keys().collect::<Vec<_>>(),
        ["jdbc-src-1", "sink"]
    );
    assert_eq!(state.connectors["sink"], config(&[("name", "sink")]));
    assert_eq!(state.target("jdbc-src-1"), TargetState::Paused);
    assert_eq!(state.target("sink"), TargetState::Stopped);
    assert_eq!(
        state.task_configs("jdbc-src-1"),
        &[config(&[("tables", "a")]), config(&[("tables", "b")])]
    );
    assert!(state.inconsistent.contains("sink"));
    assert!(state.task_configs("sink").is_empty());
    assert_eq!(
        state.session_key,
        Some(SessionKey {
            key: (0..8).collect(),
            algorithm: "HmacSHA256".into(),
            creation_timestamp_ms: 1_700_000_000_000,
        })
    );
    assert_eq!(state.task_count_records["jdbc-src-1"], 2);
    assert!(matches!(rx.try_recv(), Err(TryRecvError::Empty)));

    // A record written by another client after the store is open is reported.
    python::produce(
        &bootstrap,
        topic,
        &[(
            Some(b"target-state-jdbc-src-1".to_vec()),
            Some(br#"{"state":"STARTED","state.v2":"STARTED"}"#.to_vec()),
        )],
    )
    .unwrap();
    assert_eq!(
        changes(&rx, 1),
        [ConfigChange::TargetState("jdbc-src-1".into())]
    );
    assert_eq!(store.snapshot().target("jdbc-src-1"), TargetState::Started);
    store.stop();
}

#[test]
fn a_change_written_by_one_worker_reaches_another() {
    let broker = Broker::start().unwrap();
    let topic = "connect-configs-shared";
    let (leader, _leader_rx) = open(&broker, topic);
    let (follower, rx) = open(&broker, topic);

    let name = "orders-sink-2";
    let c = config(&[("name", name), ("topics", "orders")]);
    leader.put_connector_config(name, &c, None).unwrap();
    assert_eq!(
        changes(&rx, 1),
        [ConfigChange::ConnectorConfig(name.into())]
    );

    leader
        .put_task_configs(name, &[config(&[("task", "0")])])
        .unwrap();
    assert_eq!(changes(&rx, 1), [ConfigChange::TasksCommitted(name.into())]);
    assert_eq!(
        follower.snapshot().task_configs(name),
        &[config(&[("task", "0")])]
    );

    follower
        .put_target_state(name, TargetState::Paused)
        .unwrap();
    assert_eq!(changes(&rx, 1), [ConfigChange::TargetState(name.into())]);

    leader.put_session_key(&session_key()).unwrap();
    let restart = RestartRequest {
        connector: name.into(),
        include_tasks: false,
        only_failed: true,
    };
    leader.put_restart_request(&restart).unwrap();
    assert_eq!(
        changes(&rx, 2),
        [ConfigChange::SessionKey, ConfigChange::Restart(restart)]
    );

    let offset = leader.read_to_end(Duration::from_secs(30)).unwrap();
    assert_eq!(
        follower.read_to_end(Duration::from_secs(30)).unwrap(),
        offset
    );
    assert_eq!(follower.snapshot(), leader.snapshot());
    assert_eq!(leader.snapshot().target(name), TargetState::Paused);

    leader.remove_connector(name).unwrap();
    assert_eq!(
        changes(&rx, 1),
        [ConfigChange::ConnectorRemoved(name.into())]
    );
    assert!(follower.snapshot().connectors.is_empty());

    // A store opened now reads the same state and hears nothing of the past.
    let (late, late_rx) = open(&broker, topic);
    assert_eq!(late.snapshot(), leader.snapshot());
    assert!(matches!(late_rx.try_recv(), Err(TryRecvError::Empty)));
    for store in [leader, follower, late] {
        store.stop();
    }
}

#[test]
fn a_write_the_broker_never_acknowledges_times_out_naming_it() {
    let mut broker = Broker::start().unwrap();
    let (store, _rx) = open(&broker, "connect-configs-lost");
    broker.stop().unwrap();
    let err = store
        .put_connector_config("c", &config(&[("name", "c")]), None)
        .unwrap_err();
    assert!(matches!(err, StorageError::Timeout(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "Timed out writing a config for connector c to the config topic"
    );
    store.stop();
}

#[test]
fn a_config_topic_with_more_than_one_partition_is_refused() {
    let broker = Broker::start().unwrap();
    python::create_topic(
        &broker.bootstrap(),
        "wide-configs",
        3,
        &[("cleanup.policy", "compact")],
    )
    .unwrap();
    let (tx, _rx) = channel();
    let err = ConfigTopic::open(&clients(&broker), spec("wide-configs"), tx)
        .err()
        .expect("a config topic with 3 partitions is refused");
    assert!(matches!(err, StorageError::Topic(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "Topic 'wide-configs' supplied via the 'config.storage.topic' property is required to \
         have a single partition in order to guarantee consistency of connector configurations, \
         but found 3 partitions."
    );
}
