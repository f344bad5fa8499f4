//! `KafkaLog` on the embedded broker (librdkafka's mock cluster: no CreateTopics, no configs).

use std::sync::{Arc, Mutex};

use super::*;
use crate::kafka::EmbeddedBroker;

type Seen = Arc<Mutex<Vec<(i32, Vec<u8>, Option<Vec<u8>>)>>>;

fn open(clients: &ClientSettings, seen: &Seen) -> KafkaLog {
    let sink = seen.clone();
    KafkaLog::start(
        clients,
        TopicSpec {
            topic: InternalTopic {
                name: "log".into(),
                partitions: 3,
                replication_factor: 1,
                settings: BTreeMap::new(),
            },
            role: "status",
        },
        Box::new(move |r| {
            sink.lock().unwrap().push((
                r.partition,
                r.key.unwrap_or_default().to_vec(),
                r.value.map(<[u8]>::to_vec),
            ))
        }),
    )
    .unwrap()
}

#[test]
fn every_record_is_read_back_by_every_log_and_read_to_end_waits_for_them() {
    let broker = EmbeddedBroker::start().unwrap();
    let clients = ClientSettings {
        bootstrap_servers: broker.bootstrap_servers(),
        embedded: Some(broker),
        ..ClientSettings::default()
    };
    let seen: Seen = Arc::default();
    let log = open(&clients, &seen);
    assert_eq!(log.partitions(), &[0, 1, 2]);
    assert!(seen.lock().unwrap().is_empty());

    log.send(b"a", Some(b"1")).unwrap();
    log.send_batch(&[(b"b", Some(b"2")), (b"a", None)]).unwrap();
    log.send_async(b"c", Some(b"3"));
    log.flush(TIMEOUT).unwrap();
    log.read_to_end(TIMEOUT).unwrap();
    let mut got: Vec<(Vec<u8>, Option<Vec<u8>>)> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|(_, k, v)| (k.clone(), v.clone()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![
            (b"a".to_vec(), None),
            (b"a".to_vec(), Some(b"1".to_vec())),
            (b"b".to_vec(), Some(b"2".to_vec())),
            (b"c".to_vec(), Some(b"3".to_vec())),
        ]
    );
    let total: i64 = log.partitions().iter().map(|p| log.position(*p)).sum();
    assert_eq!(total, 4);

    // A second log reads everything before `start` returns.
    let other: Seen = Arc::default();
    let second = open(&clients, &other);
    assert_eq!(other.lock().unwrap().len(), 4);
    second.stop();
    log.stop();
    assert!(matches!(log.send(b"x", None), Err(StorageError::Stopped)));
}
