//! The distributed-mode stores (`KafkaLog`, `KafkaOffsetStore`, `StatusTopic`) against a real
//! nisshi broker, checked with confluent-kafka: topics are created compacted with the configured
//! partition counts, records are byte for byte Kafka Connect's, records written by another client
//! in Kafka Connect's format are read, and a non-compacted topic is refused with Kafka's message.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use ferry_runtime::config::worker::InternalTopic;
use ferry_runtime::kafka::ClientSettings;
use ferry_runtime::storage::{
    ConnectorOffsetTopics, KafkaOffsetStore, StatusRecord, StatusTopic, StorageError, TopicSpec,
};
use ferry_runtime::task::{OffsetStore, State, StatusListener, TaskId};
use ferry_runtime::worker::StatusStore;
use ferry_tests::python::{
    consume_all, create_topic, describe_topic_configs, list_topics, produce, produce_records,
    ConsumedRecord, ProduceRecord,
};
use ferry_tests::Broker;

const TIMEOUT: Duration = Duration::from_secs(60);

fn clients(broker: &Broker) -> ClientSettings {
    ClientSettings {
        bootstrap_servers: broker.bootstrap(),
        ..ClientSettings::default()
    }
}

fn spec(name: &str, partitions: i32, role: &'static str) -> TopicSpec {
    TopicSpec {
        topic: InternalTopic {
            name: name.into(),
            partitions,
            replication_factor: 1,
            settings: BTreeMap::new(),
        },
        role,
    }
}

/// Java's `Utils.murmur2`, as Kafka's default partitioner uses it for keyed records.
fn java_partition(key: &[u8], partitions: i32) -> i32 {
    let m: i32 = 0x5bd1_e995;
    let mut h: i32 = (0x9747_b28c_u32 as i32) ^ key.len() as i32;
    let chunks = key.chunks_exact(4);
    let tail = chunks.remainder();
    for c in chunks {
        let mut k = i32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(m);
        k ^= ((k as u32) >> 24) as i32;
        k = k.wrapping_mul(m);
        h = h.wrapping_mul(m);
        h ^= k;
    }
    if !tail.is_empty() {
        for (i, b) in tail.iter().enumerate().rev() {
            h ^= i32::from(*b) << (8 * i);
        }
        h = h.wrapping_mul(m);
    }
    h ^= ((h as u32) >> 13) as i32;
    h = h.wrapping_mul(m);
    h ^= ((h as u32) >> 15) as i32;
    (h & 0x7fff_ffff) % partitions
}

fn by_key(records: &[ConsumedRecord]) -> BTreeMap<String, Vec<&ConsumedRecord>> {
    let mut out: BTreeMap<String, Vec<&ConsumedRecord>> = BTreeMap::new();
    for r in records {
        out.entry(r.key_str().unwrap_or_default())
            .or_default()
            .push(r);
    }
    out
}

fn assert_compacted(broker: &Broker, topic: &str, partitions: usize) {
    let topics = list_topics(&broker.bootstrap()).unwrap();
    assert_eq!(topics.get(topic), Some(&partitions), "{topics:?}");
    let configs = describe_topic_configs(&broker.bootstrap(), topic).unwrap();
    assert_eq!(
        configs.get("cleanup.policy"),
        Some(&Some("compact".to_owned())),
        "{configs:?}"
    );
}

#[test]
fn offsets_are_kafka_connects_records_and_read_back() {
    let broker = Broker::start().unwrap();
    let bootstrap = broker.bootstrap();
    let store =
        KafkaOffsetStore::open(&clients(&broker), spec("connect-offsets", 25, "offset")).unwrap();
    assert_compacted(&broker, "connect-offsets", 25);

    let x = r#"{"filename":"/tmp/x"}"#;
    let y = r#"{"filename":"/tmp/y","line":3}"#;
    store
        .put(
            "my-conn",
            &[
                (x.into(), Some(r#"{"position":28}"#.into())),
                (y.into(), Some(r#"{"position":1}"#.into())),
            ],
        )
        .unwrap();
    store.put("my-conn", &[(y.into(), None)]).unwrap();

    let records = consume_all(&bootstrap, "connect-offsets", 3, TIMEOUT).unwrap();
    assert_eq!(records.len(), 3);
    let keys = by_key(&records);
    let kx = br#"["my-conn",{"filename":"/tmp/x"}]"#;
    let ky = br#"["my-conn",{"filename":"/tmp/y","line":3}]"#;
    let rx = &keys[std::str::from_utf8(kx).unwrap()];
    assert_eq!(rx.len(), 1);
    assert_eq!(rx[0].value.as_deref(), Some(&br#"{"position":28}"#[..]));
    assert_eq!(rx[0].partition, java_partition(kx, 25));
    let ry = &keys[std::str::from_utf8(ky).unwrap()];
    assert_eq!(ry.len(), 2);
    assert_eq!(ry[0].value.as_deref(), Some(&br#"{"position":1}"#[..]));
    assert_eq!(ry[1].value, None, "None is a tombstone");
    assert_eq!(ry[0].partition, java_partition(ky, 25));

    assert_eq!(
        store.get("my-conn", &[x.into(), y.into()]),
        vec![Some(r#"{"position":28}"#.to_owned()), None]
    );

    // Written by another client in Kafka Connect's format: partition keys in another order,
    // a malformed key (ignored) and a tombstone for an unknown partition.
    produce(
        &bootstrap,
        "connect-offsets",
        &[
            (
                Some(br#"["py-conn",{"table":"t1","db":"d"}]"#.to_vec()),
                Some(br#"{"ts":17,"id":"a"}"#.to_vec()),
            ),
            (Some(b"not a key".to_vec()), Some(b"{}".to_vec())),
            (Some(br#"["py-conn"]"#.to_vec()), Some(b"{}".to_vec())),
            (Some(br#"["py-conn",{"table":"gone"}]"#.to_vec()), None),
        ],
    )
    .unwrap();
    assert_eq!(
        store.get("py-conn", &[r#"{"db":"d","table":"t1"}"#.into()]),
        vec![Some(r#"{"ts":17,"id":"a"}"#.to_owned())]
    );

    // A fresh store reads the same state from the topic.
    store.stop();
    let fresh =
        KafkaOffsetStore::open(&clients(&broker), spec("connect-offsets", 25, "offset")).unwrap();
    assert_eq!(
        fresh.list("my-conn"),
        vec![(x.to_owned(), r#"{"position":28}"#.to_owned())]
    );
    assert_eq!(
        fresh.list("py-conn"),
        vec![(
            r#"{"table":"t1","db":"d"}"#.to_owned(),
            r#"{"ts":17,"id":"a"}"#.to_owned()
        )]
    );
    fresh.stop();
}

#[test]
fn a_connectors_own_offsets_topic_is_created_once_and_falls_back_to_the_workers() {
    let broker = Broker::start().unwrap();
    let worker_spec = spec("connect-offsets", 5, "offset");
    let worker: Arc<dyn OffsetStore> =
        Arc::new(KafkaOffsetStore::open(&clients(&broker), worker_spec.clone()).unwrap());
    let p = r#"{"p":1}"#.to_owned();
    worker
        .put("c", &[(p.clone(), Some(r#"{"o":1}"#.into()))])
        .unwrap();
    let topics = ConnectorOffsetTopics::new(clients(&broker), worker_spec, worker.clone());
    assert!(Arc::ptr_eq(
        &topics.store("connect-offsets").unwrap(),
        &worker
    ));
    let own = topics.store("c-offsets").unwrap();
    assert!(Arc::ptr_eq(&own, &topics.store("c-offsets").unwrap()));
    assert_compacted(&broker, "c-offsets", 5);

    let combined = ferry_runtime::storage::CombinedOffsetStore {
        primary: own.clone(),
        fallback: worker.clone(),
    };
    assert_eq!(
        combined.get("c", std::slice::from_ref(&p)),
        vec![Some(r#"{"o":1}"#.into())]
    );
    combined
        .put("c", &[(p.clone(), Some(r#"{"o":2}"#.into()))])
        .unwrap();
    assert_eq!(
        combined.get("c", std::slice::from_ref(&p)),
        vec![Some(r#"{"o":2}"#.into())]
    );
    assert_eq!(worker.get("c", &[p]), vec![Some(r#"{"o":1}"#.into())]);
    let records = consume_all(&broker.bootstrap(), "c-offsets", 1, TIMEOUT).unwrap();
    assert_eq!(records[0].key.as_deref(), Some(&br#"["c",{"p":1}]"#[..]));
}

fn status(state: State, worker: &str, generation: i32) -> StatusRecord {
    StatusRecord {
        state,
        trace: None,
        worker_id: worker.into(),
        generation,
    }
}

#[test]
fn statuses_are_kafka_connects_records_and_build_the_cluster_view() {
    let broker = Broker::start().unwrap();
    let bootstrap = broker.bootstrap();
    let topic = Arc::new(
        StatusTopic::open(&clients(&broker), spec("connect-status", 5, "status")).unwrap(),
    );
    assert_compacted(&broker, "connect-status", 5);
    topic.set_worker_id("127.0.0.1:8083");
    topic.set_generation(7);

    // Local changes reach the topic through the worker's status store.
    let statuses = StatusStore::default();
    statuses.set_publisher(topic.clone());
    let t0 = TaskId {
        connector: "my-conn".into(),
        task: 0,
    };
    statuses.set_connector("my-conn", State::Running, None);
    statuses.on_task_state(&t0, State::Running, None);
    statuses.record_topic("my-conn", 0, "orders");
    statuses.record_topic("my-conn", 0, "orders");
    topic.flush(TIMEOUT);

    let records = consume_all(&bootstrap, "connect-status", 3, TIMEOUT).unwrap();
    assert_eq!(records.len(), 3, "{records:?}");
    for r in &records {
        assert_eq!(
            r.partition,
            java_partition(r.key.as_deref().unwrap(), 5),
            "{r:?}"
        );
    }
    let keys = by_key(&records);
    let running = r#"{"state":"RUNNING","trace":null,"worker_id":"127.0.0.1:8083","generation":7}"#;
    assert_eq!(
        keys["status-connector-my-conn"][0].value_str().unwrap(),
        running
    );
    assert_eq!(
        keys["status-task-my-conn-0"][0].value_str().unwrap(),
        running
    );
    let topic_value = keys["status-topic-orders:connector-my-conn"][0]
        .value_str()
        .unwrap();
    assert!(
        topic_value.starts_with(
            r#"{"topic":{"name":"orders","connector":"my-conn","task":0,"discoverTimestamp":"#
        ),
        "{topic_value}"
    );

    topic.read_to_end(TIMEOUT).unwrap();
    assert_eq!(
        topic.connector("my-conn"),
        Some(status(State::Running, "127.0.0.1:8083", 7))
    );
    assert_eq!(topic.topics("my-conn"), vec!["orders"]);

    // Another worker (Kafka Connect's format): task 1 RUNNING at generation 9, then a stale
    // UNASSIGNED from generation 8 (ignored), and a failed connector with a trace.
    // Kafka's Java producer puts a key on its murmur2 partition; so does Ferry.
    let java = |key: &[u8], value: &[u8]| {
        ProduceRecord::new(Some(key), Some(value)).partition(java_partition(key, 5))
    };
    produce_records(
        &bootstrap,
        "connect-status",
        &[
            java(
                b"status-task-my-conn-1",
                br#"{"state":"RUNNING","trace":null,"worker_id":"other:8083","generation":9}"#,
            ),
            java(
                b"status-task-my-conn-1",
                br#"{"state":"UNASSIGNED","trace":null,"worker_id":"old:8083","generation":8}"#,
            ),
            java(
                b"status-connector-py",
                br#"{"state":"FAILED","trace":"java.lang.RuntimeException: x\n\tat y","worker_id":"other:8083","generation":9}"#,
            ),
            java(b"garbage", b"{}"),
        ],
    )
    .unwrap();
    topic.read_to_end(TIMEOUT).unwrap();
    assert_eq!(
        topic.tasks_of("my-conn"),
        vec![
            (0, status(State::Running, "127.0.0.1:8083", 7)),
            (1, status(State::Running, "other:8083", 9)),
        ]
    );
    assert_eq!(
        topic.connector("py"),
        Some(StatusRecord {
            trace: Some("java.lang.RuntimeException: x\n\tat y".into()),
            ..status(State::Failed, "other:8083", 9)
        })
    );

    // putSafe does not overwrite another worker's status of a later generation; put does.
    let t1 = TaskId {
        connector: "my-conn".into(),
        task: 1,
    };
    statuses.on_task_state(&t1, State::Failed, Some("boom".into()));
    topic.flush(TIMEOUT);
    topic.read_to_end(TIMEOUT).unwrap();
    assert_eq!(topic.tasks_of("my-conn")[1].1.worker_id, "other:8083");
    statuses.on_task_state(&t1, State::Running, None);
    topic.flush(TIMEOUT);
    topic.read_to_end(TIMEOUT).unwrap();
    assert_eq!(
        topic.tasks_of("my-conn")[1].1,
        status(State::Running, "127.0.0.1:8083", 7)
    );

    // A fresh reader builds the same view.
    let fresh = StatusTopic::open(&clients(&broker), spec("connect-status", 5, "status")).unwrap();
    assert_eq!(fresh.tasks_of("my-conn"), topic.tasks_of("my-conn"));
    assert_eq!(fresh.topics("my-conn"), vec!["orders"]);
    fresh.stop();

    // Deletion and topic reset are tombstones.
    topic.delete_connector("my-conn");
    topic.reset_topics("my-conn");
    topic.flush(TIMEOUT);
    let records = consume_all(&bootstrap, "connect-status", 12, TIMEOUT).unwrap();
    assert_eq!(records.len(), 12, "{records:?}");
    let keys = by_key(&records);
    for key in [
        "status-connector-my-conn",
        "status-task-my-conn-0",
        "status-task-my-conn-1",
        "status-topic-orders:connector-my-conn",
    ] {
        assert_eq!(keys[key].last().unwrap().value, None, "{key}");
    }
    topic.read_to_end(TIMEOUT).unwrap();
    assert_eq!(topic.connector("my-conn"), None);
    assert!(topic.tasks_of("my-conn").is_empty());
    assert!(topic.topics("my-conn").is_empty());
    topic.stop();
}

#[test]
fn existing_topics_are_checked_for_compaction() {
    let broker = Broker::start().unwrap();
    let bootstrap = broker.bootstrap();
    create_topic(&bootstrap, "deleting", 5, &[("cleanup.policy", "delete")]).unwrap();
    create_topic(&bootstrap, "plain", 1, &[]).unwrap();
    create_topic(&bootstrap, "compacted", 1, &[("cleanup.policy", "compact")]).unwrap();

    let err = StatusTopic::open(&clients(&broker), spec("deleting", 5, "status"))
        .err()
        .expect("a topic with cleanup.policy=delete is refused");
    assert!(matches!(err, StorageError::Topic(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "Topic 'deleting' supplied via the 'status.storage.topic' property is required to have \
         'cleanup.policy=compact' to guarantee consistency and durability of connector and task \
         statuses, but found the topic currently has 'cleanup.policy=delete'. Continuing would \
         likely result in eventually losing connector and task statuses and problems restarting \
         this Connect cluster in the future. Change the 'status.storage.topic' property in the \
         Connect worker configurations to use a topic with 'cleanup.policy=compact'."
    );
    // No cleanup policy reported (nisshi reports only configs set at creation): accepted.
    KafkaOffsetStore::open(&clients(&broker), spec("plain", 25, "offset"))
        .unwrap()
        .stop();
    KafkaOffsetStore::open(&clients(&broker), spec("compacted", 25, "offset"))
        .unwrap()
        .stop();
}
