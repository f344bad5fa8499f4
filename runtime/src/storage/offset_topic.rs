//! Source offsets in `offset.storage.topic` (Kafka's `KafkaOffsetBackingStore`): keys
//! `["<connector>",{partition}]`, values `{offset}` JSON or a tombstone.

mod key;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tracing::warn;

use super::{KafkaLog, LogRecord, StorageError, TopicSpec};
use crate::kafka::ClientSettings;
use crate::task::OffsetStore;

/// How long `get` and `list` wait to read the topic to its end before answering from what was
/// read.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Partition (lookup form) -> (partition as written, offset).
type Partitions = BTreeMap<String, (String, String)>;

/// Offsets by connector, as read from the topic.
type Offsets = BTreeMap<String, Partitions>;

/// An [`OffsetStore`] backed by an offsets topic.
pub struct KafkaOffsetStore {
    log: KafkaLog,
    offsets: Arc<Mutex<Offsets>>,
}

/// Applies one record of the offsets topic.
fn apply(offsets: &Mutex<Offsets>, record: LogRecord<'_>) {
    let Some(raw_key) = record.key else {
        warn!(
            partition = record.partition,
            offset = record.offset,
            "Ignoring an offset record without a key"
        );
        return;
    };
    let (connector, partition) = match key::parse_key(raw_key) {
        Ok(parsed) => parsed,
        Err(e) => {
            warn!(key = %String::from_utf8_lossy(raw_key), error = %e, "Ignoring an offset record with a malformed key");
            return;
        }
    };
    let Ok(mut offsets) = offsets.lock() else {
        return;
    };
    let lookup = key::lookup_form(&partition);
    match record.value {
        None => {
            if let Some(parts) = offsets.get_mut(&connector) {
                parts.remove(&lookup);
                if parts.is_empty() {
                    offsets.remove(&connector);
                }
            }
        }
        Some(value) => match serde_json::from_slice::<serde_json::Value>(value) {
            Ok(serde_json::Value::Null) => {
                if let Some(parts) = offsets.get_mut(&connector) {
                    parts.remove(&lookup);
                }
            }
            Ok(v) => {
                offsets
                    .entry(connector)
                    .or_default()
                    .insert(lookup, (partition.to_string(), v.to_string()));
            }
            Err(e) => {
                warn!(connector = %connector, error = %e, "Ignoring an offset that is not JSON")
            }
        },
    }
}

impl KafkaOffsetStore {
    /// Opens (creating if missing) the topic and reads it to the end.
    pub fn open(
        clients: &ClientSettings,
        spec: TopicSpec,
    ) -> Result<KafkaOffsetStore, StorageError> {
        let offsets = Arc::new(Mutex::new(Offsets::new()));
        let sink = offsets.clone();
        let log = KafkaLog::start(clients, spec, Box::new(move |r| apply(&sink, r)))?;
        Ok(KafkaOffsetStore { log, offsets })
    }

    /// The topic's name.
    pub fn topic(&self) -> &str {
        self.log.topic()
    }

    pub fn stop(&self) {
        self.log.stop();
    }

    fn catch_up(&self) {
        if let Err(e) = self.log.read_to_end(READ_TIMEOUT) {
            warn!(topic = %self.log.topic(), error = %e, "Answering with the offsets read so far");
        }
    }
}

impl OffsetStore for KafkaOffsetStore {
    fn get(&self, connector: &str, partitions: &[String]) -> Vec<Option<String>> {
        self.catch_up();
        let Ok(offsets) = self.offsets.lock() else {
            return vec![None; partitions.len()];
        };
        let parts = offsets.get(connector);
        partitions
            .iter()
            .map(|p| {
                parts
                    .and_then(|parts| parts.get(&key::lookup_form_of(p)))
                    .map(|(_, offset)| offset.clone())
            })
            .collect()
    }

    fn put(&self, connector: &str, offsets: &[(String, Option<String>)]) -> Result<(), String> {
        let mut records = Vec::with_capacity(offsets.len());
        for (partition, offset) in offsets {
            let value = offset.as_deref().map(key::encode_value).transpose()?;
            records.push((key::encode_key(connector, partition)?, value));
        }
        let borrowed: Vec<(&[u8], Option<&[u8]>)> = records
            .iter()
            .map(|(k, v)| (k.as_slice(), v.as_deref()))
            .collect();
        self.log.send_batch(&borrowed).map_err(|e| e.to_string())
    }

    fn list(&self, connector: &str) -> Vec<(String, String)> {
        self.catch_up();
        let Ok(offsets) = self.offsets.lock() else {
            return Vec::new();
        };
        offsets
            .get(connector)
            .map(|parts| parts.values().cloned().collect())
            .unwrap_or_default()
    }
}

/// Kafka's `ConnectorOffsetBackingStore`: a connector with its own `offsets.storage.topic`
/// writes there and reads from it first, falling back to the worker's topic.
pub struct CombinedOffsetStore {
    pub primary: Arc<dyn OffsetStore>,
    pub fallback: Arc<dyn OffsetStore>,
}

impl OffsetStore for CombinedOffsetStore {
    fn get(&self, connector: &str, partitions: &[String]) -> Vec<Option<String>> {
        let primary = self.primary.get(connector, partitions);
        let fallback = self.fallback.get(connector, partitions);
        primary
            .into_iter()
            .zip(fallback)
            .map(|(p, f)| p.or(f))
            .collect()
    }
    fn put(&self, connector: &str, offsets: &[(String, Option<String>)]) -> Result<(), String> {
        self.primary.put(connector, offsets)
    }
    fn list(&self, connector: &str) -> Vec<(String, String)> {
        let mut all: std::collections::BTreeMap<String, String> =
            self.fallback.list(connector).into_iter().collect();
        all.extend(self.primary.list(connector));
        all.into_iter().collect()
    }
}

/// The offsets topics of connectors with their own `offsets.storage.topic`: each opened once
/// (created like the worker's offsets topic: same partitions, replication factor and settings)
/// and shared. The worker's own topic gives the worker's store.
pub struct ConnectorOffsetTopics {
    clients: ClientSettings,
    worker_spec: TopicSpec,
    worker_store: Arc<dyn OffsetStore>,
    opened: Mutex<BTreeMap<String, Arc<dyn OffsetStore>>>,
}

impl ConnectorOffsetTopics {
    /// `worker_spec` is the worker's offsets topic and `worker_store` its store.
    pub fn new(
        clients: ClientSettings,
        worker_spec: TopicSpec,
        worker_store: Arc<dyn OffsetStore>,
    ) -> ConnectorOffsetTopics {
        ConnectorOffsetTopics {
            clients,
            worker_spec,
            worker_store,
            opened: Mutex::new(BTreeMap::new()),
        }
    }

    /// The store of `topic`, opened on first use.
    pub fn store(&self, topic: &str) -> Result<Arc<dyn OffsetStore>, String> {
        if topic == self.worker_spec.topic.name {
            return Ok(self.worker_store.clone());
        }
        let mut opened = self
            .opened
            .lock()
            .map_err(|_| "offset topics poisoned".to_owned())?;
        if let Some(store) = opened.get(topic) {
            return Ok(store.clone());
        }
        let mut spec = self.worker_spec.clone();
        spec.topic.name = topic.to_owned();
        let store: Arc<dyn OffsetStore> =
            Arc::new(KafkaOffsetStore::open(&self.clients, spec).map_err(|e| e.to_string())?);
        opened.insert(topic.to_owned(), store.clone());
        Ok(store)
    }
}
