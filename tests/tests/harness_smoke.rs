//! Smoke tests of the shared harness itself: a real nisshi broker, read and written by the
//! Python clients. These fail (they never skip) when nisshi or the venv is missing: run
//! `scripts/test.sh setup` to install them.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

use std::time::Duration;

use ferry_tests::python::{committed_offsets, describe_topic_configs, list_topics};
use ferry_tests::{
    consume_all, create_topic, produce, produce_records, run_python, Broker, ProduceRecord,
    DEFAULT_TIMEOUT,
};

fn bytes(s: &str) -> Option<Vec<u8>> {
    Some(s.as_bytes().to_vec())
}

#[test]
fn produce_and_consume_three_records() -> anyhow::Result<()> {
    let broker = Broker::start()?;
    let bootstrap = broker.bootstrap();
    assert!(bootstrap.starts_with("127.0.0.1:"), "{bootstrap}");

    create_topic(&bootstrap, "smoke", 1, &[])?;
    assert_eq!(list_topics(&bootstrap)?.get("smoke"), Some(&1));

    let records = vec![
        (bytes("k1"), bytes("hello")),
        (None, bytes("no key")),
        (bytes("k3"), None), // a tombstone
    ];
    let acks = produce(&bootstrap, "smoke", &records)?;
    assert_eq!(acks, vec![(0, 0), (0, 1), (0, 2)]);

    let consumed = consume_all(&bootstrap, "smoke", 3, DEFAULT_TIMEOUT)?;
    assert_eq!(consumed.len(), 3, "{consumed:?}");
    for (i, (record, (key, value))) in consumed.iter().zip(&records).enumerate() {
        assert_eq!(record.topic, "smoke");
        assert_eq!(record.partition, 0);
        assert_eq!(record.offset, i as i64);
        assert_eq!(&record.key, key, "record {i}");
        assert_eq!(&record.value, value, "record {i}");
        assert!(record.headers.is_empty());
        assert!(record.timestamp_ms.is_some());
    }
    assert_eq!(consumed[0].value_str().as_deref(), Some("hello"));

    // The second independent client, kafka-python, reads the same records.
    let script = r#"
import sys
from kafka import KafkaConsumer
c = KafkaConsumer(sys.argv[2], bootstrap_servers=sys.argv[1], auto_offset_reset='earliest',
                  enable_auto_commit=False, consumer_timeout_ms=60000)
values = []
for m in c:
    values.append(repr(m.value))
    if len(values) == 3:
        break
c.close()
print('\n'.join(values))
"#;
    let out = run_python(script, &[&bootstrap, "smoke"])?;
    assert_eq!(
        out.lines().collect::<Vec<_>>(),
        ["b'hello'", "b'no key'", "None"],
        "{out}"
    );
    Ok(())
}

#[test]
fn partitions_headers_configs_and_group_offsets() -> anyhow::Result<()> {
    let broker = Broker::start_memory()?;
    let bootstrap = broker.bootstrap();

    create_topic(
        &bootstrap,
        "parts",
        3,
        &[("cleanup.policy", "compact"), ("retention.ms", "3600000")],
    )?;
    let configs = describe_topic_configs(&bootstrap, "parts")?;
    assert_eq!(
        configs.get("cleanup.policy"),
        Some(&Some("compact".to_string())),
        "{configs:?}"
    );

    let records: Vec<ProduceRecord> = (0..6)
        .map(|i| {
            ProduceRecord::new(Some(format!("k{i}").as_bytes()), Some(b"v"))
                .partition(i % 3)
                .header("n", Some(i.to_string().as_bytes()))
                .header("null-header", None)
                .timestamp_ms(1_700_000_000_000 + i64::from(i))
        })
        .collect();
    let acks = produce_records(&bootstrap, "parts", &records)?;
    assert_eq!(acks.len(), 6);

    let consumed = consume_all(&bootstrap, "parts", 6, DEFAULT_TIMEOUT)?;
    assert_eq!(consumed.len(), 6, "{consumed:?}");
    for r in &consumed {
        let n: i32 =
            String::from_utf8(r.header("n").flatten().unwrap_or_default().to_vec())?.parse()?;
        assert_eq!(r.partition, n % 3, "{r:?}");
        assert_eq!(r.key_str(), Some(format!("k{n}")));
        assert_eq!(r.header("null-header"), Some(None));
        assert_eq!(r.timestamp_ms, Some(1_700_000_000_000 + i64::from(n)));
    }

    // A consumer group commits; the harness reads the committed offsets back.
    let commit = r#"
import sys
from confluent_kafka import Consumer, TopicPartition
c = Consumer({'bootstrap.servers': sys.argv[1], 'group.id': 'g1', 'enable.auto.commit': False})
c.commit(offsets=[TopicPartition('parts', 0, 2), TopicPartition('parts', 2, 1)], asynchronous=False)
c.close()
"#;
    run_python(commit, &[&bootstrap])?;
    let offsets = committed_offsets(&bootstrap, "g1", "parts")?;
    assert_eq!(offsets.into_iter().collect::<Vec<_>>(), [(0, 2), (2, 1)]);
    Ok(())
}

#[test]
fn sqlite_broker_keeps_records_across_restart() -> anyhow::Result<()> {
    let mut broker = Broker::start()?;
    let bootstrap = broker.bootstrap();
    create_topic(&bootstrap, "durable", 1, &[])?;
    produce(
        &bootstrap,
        "durable",
        &[(bytes("a"), bytes("1")), (bytes("b"), bytes("2"))],
    )?;

    broker.restart()?;
    assert_eq!(broker.bootstrap(), bootstrap, "restart keeps the address");
    produce(&bootstrap, "durable", &[(bytes("c"), bytes("3"))])?;

    let consumed = consume_all(&bootstrap, "durable", 3, Duration::from_secs(60))?;
    let got: Vec<(i64, Option<String>)> =
        consumed.iter().map(|r| (r.offset, r.value_str())).collect();
    assert_eq!(
        got,
        [
            (0, Some("1".to_string())),
            (1, Some("2".to_string())),
            (2, Some("3".to_string()))
        ]
    );
    Ok(())
}

#[test]
fn prerequisites_are_installed() -> anyhow::Result<()> {
    // Fails with instructions (scripts/test.sh setup) when either is missing.
    let nisshi = ferry_tests::nisshi_binary()?;
    let version = std::process::Command::new(&nisshi)
        .arg("--version")
        .output()?;
    let version = String::from_utf8_lossy(&version.stdout);
    assert!(
        version.contains(ferry_tests::broker::NISSHI_VERSION),
        "{} is not nisshi {}: {version}",
        nisshi.display(),
        ferry_tests::broker::NISSHI_VERSION
    );
    let out = run_python(
        "import confluent_kafka, kafka; print(confluent_kafka.__version__, kafka.__version__)",
        &[],
    )?;
    assert_eq!(out.split_whitespace().count(), 2, "{out}");
    Ok(())
}

#[test]
fn broker_start_failure_reports_the_log() {
    let err = Broker::start_with(ferry_tests::BrokerOptions {
        storage: ferry_tests::Storage::Url("nosuchengine://x".to_string()),
        ..Default::default()
    })
    .expect_err("a broker with a bogus storage engine must not start");
    let text = format!("{err:#}");
    assert!(text.contains("did not become ready"), "{text}");
    assert!(
        text.contains("nosuchengine"),
        "the log tail is in the error: {text}"
    );
}
