//! The worker's implementations of the context objects plugins call back into.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use ferry_plugin_abi::abi_stable::std_types::{RStr, RString};
use ferry_plugin_abi::{ConnectorContextObj, FfiError, SinkContextObj, SourceContextObj};

use super::offsets::OffsetStore;

/// Kafka's `ConnectorContext`: reconfiguration requests and raised errors, picked up by the
/// herder.
#[derive(Default, Clone)]
pub struct HostConnectorContext {
    pub reconfigure: Arc<AtomicBool>,
    pub error: Arc<Mutex<Option<String>>>,
}

impl ConnectorContextObj for HostConnectorContext {
    fn request_task_reconfiguration(&self) {
        self.reconfigure.store(true, Ordering::Release);
    }

    fn raise_error(&self, error: FfiError) {
        if let Ok(mut e) = self.error.lock() {
            *e = Some(error.message.to_string());
        }
    }
}

/// Kafka's `OffsetStorageReader` for one connector.
pub struct HostSourceContext {
    pub connector: String,
    pub store: Arc<dyn OffsetStore>,
}

impl SourceContextObj for HostSourceContext {
    fn offsets(&self, partitions: RStr<'_>) -> RString {
        let parsed: Vec<serde_json::Value> =
            serde_json::from_str(partitions.as_str()).unwrap_or_default();
        let keys: Vec<String> = parsed.iter().map(|p| p.to_string()).collect();
        let found = self.store.get(&self.connector, &keys);
        let values: Vec<serde_json::Value> = found
            .into_iter()
            .map(|o| {
                o.and_then(|o| serde_json::from_str(&o).ok())
                    .unwrap_or(serde_json::Value::Null)
            })
            .collect();
        serde_json::Value::Array(values).to_string().into()
    }
}

/// What a sink task asked for during its last call, applied by the runner afterwards.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SinkRequests {
    pub resets: Vec<(String, i32, i64)>,
    pub pause: Vec<(String, i32)>,
    pub resume: Vec<(String, i32)>,
    pub commit: bool,
    pub timeout_ms: Option<i64>,
    pub errant: Vec<(u32, String)>,
}

/// Kafka's `SinkTaskContext`.
#[derive(Default, Clone)]
pub struct HostSinkContext {
    pub requests: Arc<Mutex<SinkRequests>>,
    pub assignment: Arc<Mutex<Vec<(String, i32)>>>,
}

fn partitions(raw: RStr<'_>) -> Vec<(String, i32)> {
    #[derive(serde::Deserialize)]
    struct Tp {
        topic: String,
        partition: i32,
    }
    serde_json::from_str::<Vec<Tp>>(raw.as_str())
        .unwrap_or_default()
        .into_iter()
        .map(|t| (t.topic, t.partition))
        .collect()
}

impl HostSinkContext {
    fn with(&self, f: impl FnOnce(&mut SinkRequests)) {
        if let Ok(mut r) = self.requests.lock() {
            f(&mut r);
        }
    }

    /// Take the requests made so far.
    pub fn take(&self) -> SinkRequests {
        self.requests
            .lock()
            .map(|mut r| std::mem::take(&mut *r))
            .unwrap_or_default()
    }
}

impl SinkContextObj for HostSinkContext {
    fn assignment(&self) -> RString {
        let a = self
            .assignment
            .lock()
            .map(|a| a.clone())
            .unwrap_or_default();
        let v: Vec<_> = a
            .iter()
            .map(|(t, p)| serde_json::json!({"topic": t, "partition": p}))
            .collect();
        serde_json::Value::Array(v).to_string().into()
    }

    fn reset_offsets(&self, offsets: RStr<'_>) {
        #[derive(serde::Deserialize)]
        struct Tpo {
            topic: String,
            partition: i32,
            offset: i64,
        }
        let parsed: Vec<Tpo> = serde_json::from_str(offsets.as_str()).unwrap_or_default();
        self.with(|r| {
            r.resets
                .extend(parsed.into_iter().map(|t| (t.topic, t.partition, t.offset)))
        });
    }

    fn pause(&self, p: RStr<'_>) {
        let p = partitions(p);
        self.with(|r| r.pause.extend(p));
    }

    fn resume(&self, p: RStr<'_>) {
        let p = partitions(p);
        self.with(|r| r.resume.extend(p));
    }

    fn request_commit(&self) {
        self.with(|r| r.commit = true);
    }

    fn timeout(&self, ms: i64) {
        self.with(|r| r.timeout_ms = Some(ms));
    }

    fn report_errant(&self, index: u32, error: FfiError) {
        self.with(|r| r.errant.push((index, error.message.to_string())));
    }
}
