//! Independent Kafka clients for tests, through Python: confluent-kafka (librdkafka) and
//! kafka-python live in the venv `scripts/test.sh` creates at `$FERRY_CACHE/venv`. Use them to
//! check what Ferry writes, and to feed what Ferry reads, with a client the project did not
//! write.
//!
//! Bytes cross the process boundary as base64 inside JSON (stdin for requests, stdout for
//! results); a script's stderr is part of every error.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context as _};
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde::Deserialize;
use serde_json::json;

use crate::cache_dir;

/// How much longer than the operation's own timeout a helper script may take before it is
/// killed (interpreter start-up, client set-up, a slow machine).
const SCRIPT_GRACE: Duration = Duration::from_secs(60);

/// The venv's Python: `$FERRY_PYTHON`, else `$FERRY_CACHE/venv/bin/python`. The error says to
/// run `scripts/test.sh` when it is missing.
pub fn python_binary() -> anyhow::Result<PathBuf> {
    const HINT: &str = "create the test venv (confluent-kafka, kafka-python) with \
                        `scripts/test.sh setup` (or just `scripts/test.sh venv`)";
    if let Some(path) = std::env::var_os("FERRY_PYTHON").filter(|v| !v.is_empty()) {
        let path = PathBuf::from(path);
        if path.is_file() {
            return Ok(path);
        }
        bail!("FERRY_PYTHON={} does not exist: {HINT}", path.display());
    }
    let path = cache_dir().join("venv").join("bin").join("python");
    if path.is_file() {
        return Ok(path);
    }
    bail!(
        "the test venv's python {} does not exist (and FERRY_PYTHON is not set): {HINT}",
        path.display()
    )
}

/// Runs `script` (Python source) with `python -c script args...` and returns its stdout. Fails
/// with the exit status and stderr when the script fails, and kills it after 120 s.
pub fn run_python(script: &str, args: &[&str]) -> anyhow::Result<String> {
    run_python_with_input(script, args, b"", Duration::from_secs(120))
}

/// Like [`run_python`], with `stdin` as the script's standard input and a time limit.
pub fn run_python_with_input(
    script: &str,
    args: &[&str],
    stdin: &[u8],
    timeout: Duration,
) -> anyhow::Result<String> {
    let python = python_binary()?;
    let mut child = Command::new(&python)
        .arg("-c")
        .arg(script)
        .args(args)
        .env("PYTHONUNBUFFERED", "1")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("spawning {}", python.display()))?;

    let mut child_stdin = child.stdin.take().ok_or_else(|| anyhow!("no stdin pipe"))?;
    let input = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        // A script that does not read its input closes the pipe: not an error.
        let _ = child_stdin.write_all(&input);
    });
    let mut stdout_pipe = child
        .stdout
        .take()
        .ok_or_else(|| anyhow!("no stdout pipe"))?;
    let stdout_reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stdout_pipe.read_to_end(&mut out);
        out
    });
    let mut stderr_pipe = child
        .stderr
        .take()
        .ok_or_else(|| anyhow!("no stderr pipe"))?;
    let stderr_reader = std::thread::spawn(move || {
        let mut out = Vec::new();
        let _ = stderr_pipe.read_to_end(&mut out);
        out
    });

    let deadline = Instant::now() + crate::scaled(timeout);
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break Some(status);
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let _ = writer.join();
    let stdout = stdout_reader.join().unwrap_or_default();
    let stderr = stderr_reader.join().unwrap_or_default();
    let stdout = String::from_utf8_lossy(&stdout).into_owned();
    let stderr = String::from_utf8_lossy(&stderr);
    match status {
        None => bail!(
            "python script killed after {:?}\n--- stderr ---\n{}\n--- stdout ---\n{}",
            crate::scaled(timeout),
            stderr.trim_end(),
            stdout.trim_end()
        ),
        Some(status) if !status.success() => bail!(
            "python script failed ({status})\n--- stderr ---\n{}\n--- stdout ---\n{}",
            stderr.trim_end(),
            stdout.trim_end()
        ),
        Some(_) => Ok(stdout),
    }
}

/// Runs a helper script that reads one JSON request on stdin and prints one JSON result as the
/// last line of its stdout.
fn run_json<T: for<'de> Deserialize<'de>>(
    what: &str,
    script: &str,
    request: &serde_json::Value,
    timeout: Duration,
) -> anyhow::Result<T> {
    let full_script = format!("{PRELUDE}\n{script}");
    let stdout = run_python_with_input(
        &full_script,
        &[],
        request.to_string().as_bytes(),
        timeout + SCRIPT_GRACE,
    )
    .with_context(|| format!("{what} (python helper)"))?;
    let last = stdout
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    serde_json::from_str(last).with_context(|| format!("{what}: unexpected output {stdout:?}"))
}

const PRELUDE: &str = r#"
import base64, json, sys, time, uuid
def b64d(v):
    return None if v is None else base64.b64decode(v)
def b64e(v):
    return None if v is None else base64.b64encode(v).decode('ascii')
req = json.load(sys.stdin)
"#;

/// A record's (key, value) for [`produce`]; `None` is a null key or value.
pub type KeyValue = (Option<Vec<u8>>, Option<Vec<u8>>);

/// One record to produce with [`produce_records`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProduceRecord {
    /// A fixed partition; `None` lets the client's partitioner choose (by key).
    pub partition: Option<i32>,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
    /// Create time in ms since the epoch; `None` for the client's "now".
    pub timestamp_ms: Option<i64>,
}

impl ProduceRecord {
    pub fn new(key: Option<&[u8]>, value: Option<&[u8]>) -> Self {
        Self {
            key: key.map(<[u8]>::to_vec),
            value: value.map(<[u8]>::to_vec),
            ..Self::default()
        }
    }

    pub fn partition(mut self, partition: i32) -> Self {
        self.partition = Some(partition);
        self
    }

    pub fn header(mut self, key: &str, value: Option<&[u8]>) -> Self {
        self.headers
            .push((key.to_string(), value.map(<[u8]>::to_vec)));
        self
    }

    pub fn timestamp_ms(mut self, timestamp_ms: i64) -> Self {
        self.timestamp_ms = Some(timestamp_ms);
        self
    }
}

/// A record read back by [`consume_all`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumedRecord {
    pub topic: String,
    pub partition: i32,
    pub offset: i64,
    /// The record's timestamp (create or log-append time) in ms, if it has one.
    pub timestamp_ms: Option<i64>,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
}

impl ConsumedRecord {
    /// The key as UTF-8 (lossy), for assertions on text keys.
    pub fn key_str(&self) -> Option<String> {
        self.key
            .as_deref()
            .map(|k| String::from_utf8_lossy(k).into_owned())
    }

    /// The value as UTF-8 (lossy), for assertions on text values.
    pub fn value_str(&self) -> Option<String> {
        self.value
            .as_deref()
            .map(|v| String::from_utf8_lossy(v).into_owned())
    }

    /// The value parsed as JSON.
    pub fn value_json(&self) -> anyhow::Result<serde_json::Value> {
        let value = self.value.as_deref().ok_or_else(|| anyhow!("null value"))?;
        Ok(serde_json::from_slice(value)?)
    }

    /// The value of the last header named `key`.
    pub fn header(&self, key: &str) -> Option<Option<&[u8]>> {
        self.headers
            .iter()
            .rev()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_deref())
    }
}

fn b64(v: Option<&[u8]>) -> serde_json::Value {
    v.map_or(serde_json::Value::Null, |v| json!(B64.encode(v)))
}

fn unb64(v: Option<String>) -> anyhow::Result<Option<Vec<u8>>> {
    v.map(|s| B64.decode(s).context("bad base64 from python"))
        .transpose()
}

const PRODUCE: &str = r#"
from confluent_kafka import Producer
timeout = req['timeout_ms'] / 1000.0
p = Producer({
    'bootstrap.servers': req['bootstrap'],
    'acks': 'all',
    'max.in.flight.requests.per.connection': 1,
    'linger.ms': 5,
    'message.timeout.ms': int(req['timeout_ms']),
})
results = [None] * len(req['records'])
errors = []
def on_delivery(i):
    def cb(err, msg):
        if err is not None:
            errors.append('record %d: %s' % (i, err))
        else:
            results[i] = [msg.partition(), msg.offset()]
    return cb
for i, r in enumerate(req['records']):
    kwargs = {'key': b64d(r['key']), 'value': b64d(r['value']), 'on_delivery': on_delivery(i)}
    if r['partition'] is not None:
        kwargs['partition'] = r['partition']
    if r['headers']:
        kwargs['headers'] = [(k, b64d(v)) for k, v in r['headers']]
    if r['timestamp_ms'] is not None:
        kwargs['timestamp'] = r['timestamp_ms']
    while True:
        try:
            p.produce(req['topic'], **kwargs)
            break
        except BufferError:
            p.poll(0.1)
    p.poll(0)
left = p.flush(timeout)
if left:
    errors.append('%d record(s) not delivered within %.1f s' % (left, timeout))
if errors:
    sys.stderr.write('\n'.join(errors) + '\n')
    sys.exit(1)
print(json.dumps(results))
"#;

/// Produces `records` (key, value) to `topic` with confluent-kafka (acks=all, in order) and
/// returns each record's (partition, offset).
pub fn produce(
    bootstrap: &str,
    topic: &str,
    records: &[KeyValue],
) -> anyhow::Result<Vec<(i32, i64)>> {
    let records: Vec<ProduceRecord> = records
        .iter()
        .map(|(k, v)| ProduceRecord::new(k.as_deref(), v.as_deref()))
        .collect();
    produce_records(bootstrap, topic, &records)
}

/// Produces records with partitions, headers and timestamps; returns each record's (partition,
/// offset). Fails if any record is not acknowledged within 60 s.
pub fn produce_records(
    bootstrap: &str,
    topic: &str,
    records: &[ProduceRecord],
) -> anyhow::Result<Vec<(i32, i64)>> {
    let timeout = crate::scaled(Duration::from_secs(60));
    let records: Vec<serde_json::Value> = records
        .iter()
        .map(|r| {
            json!({
                "partition": r.partition,
                "key": b64(r.key.as_deref()),
                "value": b64(r.value.as_deref()),
                "headers": r.headers.iter().map(|(k, v)| json!([k, b64(v.as_deref())])).collect::<Vec<_>>(),
                "timestamp_ms": r.timestamp_ms,
            })
        })
        .collect();
    let request = json!({
        "bootstrap": bootstrap,
        "topic": topic,
        "records": records,
        "timeout_ms": timeout.as_millis() as u64,
    });
    run_json(
        &format!("producing {} record(s) to {topic}", records.len()),
        PRODUCE,
        &request,
        timeout,
    )
}

const CONSUME: &str = r#"
from confluent_kafka import Consumer, TopicPartition, KafkaError, OFFSET_BEGINNING
topic = req['topic']
expected = req['expected']
deadline = time.monotonic() + req['timeout_ms'] / 1000.0
c = Consumer({
    'bootstrap.servers': req['bootstrap'],
    'group.id': 'ferry-tests-' + uuid.uuid4().hex,
    'enable.auto.commit': False,
    'enable.partition.eof': True,
    'auto.offset.reset': 'earliest',
    'isolation.level': req['isolation_level'],
})
parts, errors = None, []
while parts is None:
    md = c.list_topics(topic, timeout=5)
    t = md.topics.get(topic)
    if t is not None and t.error is None and t.partitions:
        parts = sorted(t.partitions)
    elif time.monotonic() > deadline:
        sys.stderr.write('topic %s not found: %s\n' % (topic, None if t is None else t.error))
        sys.exit(2)
    else:
        time.sleep(0.2)
c.assign([TopicPartition(topic, p, OFFSET_BEGINNING) for p in parts])
out, eof = [], set()
while True:
    if len(out) >= expected and eof >= set(parts):
        break
    if time.monotonic() > deadline:
        break
    msg = c.poll(0.2)
    if msg is None:
        continue
    if msg.error():
        if msg.error().code() == KafkaError._PARTITION_EOF:
            eof.add(msg.partition())
        else:
            errors.append(str(msg.error()))
        continue
    eof.discard(msg.partition())
    ts_type, ts = msg.timestamp()
    out.append({
        'topic': msg.topic(), 'partition': msg.partition(), 'offset': msg.offset(),
        'timestamp_ms': None if ts_type == 0 else ts,
        'key': b64e(msg.key()), 'value': b64e(msg.value()),
        'headers': [[k, b64e(v)] for k, v in (msg.headers() or [])],
    })
c.close()
print(json.dumps({'records': out, 'errors': errors[-10:]}))
"#;

#[derive(Deserialize)]
struct RawRecord {
    topic: String,
    partition: i32,
    offset: i64,
    timestamp_ms: Option<i64>,
    key: Option<String>,
    value: Option<String>,
    headers: Vec<(String, Option<String>)>,
}

#[derive(Deserialize)]
struct ConsumeResult {
    records: Vec<RawRecord>,
    errors: Vec<String>,
}

/// Reads `topic` from the beginning of every partition with confluent-kafka (no consumer group
/// offsets are used or committed) until at least `expected_count` records arrived and every
/// partition was read to its end, then returns all records read, sorted by (partition, offset).
/// Waits up to `timeout` for the topic to exist and the records to arrive; fails, listing what
/// it did read, if fewer than `expected_count` arrived. Reads only committed records of
/// transactions (`isolation.level=read_committed`).
pub fn consume_all(
    bootstrap: &str,
    topic: &str,
    expected_count: usize,
    timeout: Duration,
) -> anyhow::Result<Vec<ConsumedRecord>> {
    consume_all_with_isolation(bootstrap, topic, expected_count, timeout, "read_committed")
}

/// [`consume_all`] with an explicit `isolation.level` (`read_committed` or
/// `read_uncommitted`).
pub fn consume_all_with_isolation(
    bootstrap: &str,
    topic: &str,
    expected_count: usize,
    timeout: Duration,
    isolation_level: &str,
) -> anyhow::Result<Vec<ConsumedRecord>> {
    let timeout = crate::scaled(timeout);
    let request = json!({
        "bootstrap": bootstrap,
        "topic": topic,
        "expected": expected_count,
        "timeout_ms": timeout.as_millis() as u64,
        "isolation_level": isolation_level,
    });
    let result: ConsumeResult = run_json(
        &format!("consuming {expected_count} record(s) from {topic}"),
        CONSUME,
        &request,
        timeout,
    )?;
    let mut records = result
        .records
        .into_iter()
        .map(|r| {
            Ok(ConsumedRecord {
                topic: r.topic,
                partition: r.partition,
                offset: r.offset,
                timestamp_ms: r.timestamp_ms,
                key: unb64(r.key)?,
                value: unb64(r.value)?,
                headers: r
                    .headers
                    .into_iter()
                    .map(|(k, v)| Ok((k, unb64(v)?)))
                    .collect::<anyhow::Result<_>>()?,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    records.sort_by_key(|r| (r.partition, r.offset));
    if records.len() < expected_count {
        let mut msg = format!(
            "expected at least {expected_count} record(s) in {topic} within {timeout:?}, read {}",
            records.len()
        );
        for r in records.iter().take(20) {
            msg.push_str(&format!(
                "\n  p{} @{} key={:?} value={:?}",
                r.partition,
                r.offset,
                r.key_str(),
                r.value_str()
            ));
        }
        if !result.errors.is_empty() {
            msg.push_str(&format!("\nclient errors: {:?}", result.errors));
        }
        bail!(msg);
    }
    Ok(records)
}

const CREATE_TOPIC: &str = r#"
from confluent_kafka.admin import AdminClient, NewTopic
a = AdminClient({'bootstrap.servers': req['bootstrap']})
t = NewTopic(req['name'], num_partitions=req['partitions'], replication_factor=1,
             config=req['config'])
timeout = req['timeout_ms'] / 1000.0
fs = a.create_topics([t], operation_timeout=timeout, request_timeout=timeout)
fs[req['name']].result(timeout=timeout)
print(json.dumps(True))
"#;

/// Creates `name` with `partitions` partitions, replication factor 1 and the given topic configs
/// (e.g. `&[("cleanup.policy", "compact")]`) through confluent-kafka's AdminClient. Fails if the
/// topic already exists.
pub fn create_topic(
    bootstrap: &str,
    name: &str,
    partitions: i32,
    config: &[(&str, &str)],
) -> anyhow::Result<()> {
    let timeout = crate::scaled(Duration::from_secs(30));
    let config: BTreeMap<&str, &str> = config.iter().copied().collect();
    let request = json!({
        "bootstrap": bootstrap,
        "name": name,
        "partitions": partitions,
        "config": config,
        "timeout_ms": timeout.as_millis() as u64,
    });
    let _: bool = run_json(
        &format!("creating topic {name}"),
        CREATE_TOPIC,
        &request,
        timeout,
    )?;
    Ok(())
}

const LIST_TOPICS: &str = r#"
from confluent_kafka.admin import AdminClient
a = AdminClient({'bootstrap.servers': req['bootstrap']})
md = a.list_topics(timeout=req['timeout_ms'] / 1000.0)
print(json.dumps({n: len(t.partitions) for n, t in md.topics.items() if t.error is None}))
"#;

/// The topics the broker reports, with their partition counts.
pub fn list_topics(bootstrap: &str) -> anyhow::Result<BTreeMap<String, usize>> {
    let timeout = crate::scaled(Duration::from_secs(30));
    let request = json!({"bootstrap": bootstrap, "timeout_ms": timeout.as_millis() as u64});
    run_json("listing topics", LIST_TOPICS, &request, timeout)
}

const DESCRIBE_CONFIGS: &str = r#"
from confluent_kafka.admin import AdminClient, ConfigResource
a = AdminClient({'bootstrap.servers': req['bootstrap']})
r = ConfigResource('topic', req['topic'])
timeout = req['timeout_ms'] / 1000.0
entries = a.describe_configs([r], request_timeout=timeout)[r].result(timeout=timeout)
print(json.dumps({k: e.value for k, e in entries.items()}))
"#;

/// The topic's configs as the broker describes them. nisshi returns only the configs set when
/// the topic was created.
pub fn describe_topic_configs(
    bootstrap: &str,
    topic: &str,
) -> anyhow::Result<BTreeMap<String, Option<String>>> {
    let timeout = crate::scaled(Duration::from_secs(30));
    let request = json!({
        "bootstrap": bootstrap,
        "topic": topic,
        "timeout_ms": timeout.as_millis() as u64,
    });
    run_json(
        &format!("describing configs of {topic}"),
        DESCRIBE_CONFIGS,
        &request,
        timeout,
    )
}

const COMMITTED: &str = r#"
from confluent_kafka import Consumer, TopicPartition
timeout = req['timeout_ms'] / 1000.0
c = Consumer({'bootstrap.servers': req['bootstrap'], 'group.id': req['group'],
              'enable.auto.commit': False})
md = c.list_topics(req['topic'], timeout=timeout)
t = md.topics.get(req['topic'])
if t is None or t.error is not None:
    sys.stderr.write('topic %s not found: %s\n' % (req['topic'], None if t is None else t.error))
    sys.exit(2)
tps = c.committed([TopicPartition(req['topic'], p) for p in sorted(t.partitions)], timeout=timeout)
c.close()
print(json.dumps({str(tp.partition): tp.offset for tp in tps if tp.offset >= 0}))
"#;

/// The offsets consumer group `group` has committed for `topic`, by partition (partitions
/// without a committed offset are left out). Does not join the group.
pub fn committed_offsets(
    bootstrap: &str,
    group: &str,
    topic: &str,
) -> anyhow::Result<BTreeMap<i32, i64>> {
    let timeout = crate::scaled(Duration::from_secs(30));
    let request = json!({
        "bootstrap": bootstrap,
        "group": group,
        "topic": topic,
        "timeout_ms": timeout.as_millis() as u64,
    });
    let raw: BTreeMap<String, i64> = run_json(
        &format!("reading offsets of group {group} for {topic}"),
        COMMITTED,
        &request,
        timeout,
    )?;
    raw.into_iter()
        .map(|(p, o)| Ok((p.parse::<i32>()?, o)))
        .collect()
}
