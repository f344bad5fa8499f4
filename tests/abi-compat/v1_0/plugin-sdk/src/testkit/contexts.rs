//! The worker's side of the context objects, as the testkit plays it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use ferry_plugin_abi::abi_stable::std_types::{RStr, RString};
use ferry_plugin_abi::{ConnectorContextObj, FfiError, SinkContextObj, SourceContextObj};

use crate::record::JsonMap;

#[derive(Default)]
pub(crate) struct TestConnectorContext {
    pub(crate) reconfigurations: Arc<Mutex<usize>>,
}

impl ConnectorContextObj for TestConnectorContext {
    fn request_task_reconfiguration(&self) {
        if let Ok(mut n) = self.reconfigurations.lock() {
            *n += 1;
        }
    }

    fn raise_error(&self, _error: FfiError) {}
}

/// Committed source offsets, keyed by the partition's JSON text.
pub(crate) type OffsetStore = Arc<Mutex<BTreeMap<String, JsonMap>>>;

pub(crate) struct TestSourceContext {
    pub(crate) offsets: OffsetStore,
}

impl SourceContextObj for TestSourceContext {
    fn offsets(&self, partitions: RStr<'_>) -> RString {
        let parts: Vec<JsonMap> = serde_json::from_str(partitions.as_str()).unwrap_or_default();
        let store = self.offsets.lock().map(|s| s.clone()).unwrap_or_default();
        let answer: Vec<Option<&JsonMap>> = parts
            .iter()
            .map(|p| serde_json::to_string(p).ok().and_then(|k| store.get(&k)))
            .collect();
        serde_json::to_string(&answer)
            .unwrap_or_else(|_| "[]".into())
            .into()
    }
}

/// What a sink task asked of its context.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SinkRequests {
    /// `reset_offsets` calls, as `(topic, partition, offset)`.
    pub resets: Vec<(String, i32, i64)>,
    pub paused: Vec<(String, i32)>,
    pub resumed: Vec<(String, i32)>,
    pub commit_requests: usize,
    pub timeouts: Vec<i64>,
    /// Errant records: index in the batch and message.
    pub errant: Vec<(u32, String)>,
    pub(crate) assignment: Vec<(String, i32)>,
}

pub(crate) struct TestSinkContext {
    pub(crate) requests: Arc<Mutex<SinkRequests>>,
}

fn tps(raw: RStr<'_>) -> Vec<(String, i32)> {
    crate::export::json::parse_partitions(raw.as_str())
        .unwrap_or_default()
        .into_iter()
        .map(|tp| (tp.topic, tp.partition))
        .collect()
}

impl TestSinkContext {
    fn with(&self, f: impl FnOnce(&mut SinkRequests)) {
        if let Ok(mut r) = self.requests.lock() {
            f(&mut r);
        }
    }
}

impl SinkContextObj for TestSinkContext {
    fn assignment(&self) -> RString {
        let a = self
            .requests
            .lock()
            .map(|r| r.assignment.clone())
            .unwrap_or_default();
        let v: Vec<_> = a
            .iter()
            .map(|(t, p)| serde_json::json!({"topic": t, "partition": p}))
            .collect();
        serde_json::Value::Array(v).to_string().into()
    }

    fn reset_offsets(&self, offsets: RStr<'_>) {
        let parsed = crate::export::json::parse_committed(offsets.as_str()).unwrap_or_default();
        self.with(|r| {
            r.resets.extend(
                parsed
                    .into_iter()
                    .map(|(tp, o)| (tp.topic, tp.partition, o)),
            )
        });
    }

    fn pause(&self, partitions: RStr<'_>) {
        let p = tps(partitions);
        self.with(|r| r.paused.extend(p));
    }

    fn resume(&self, partitions: RStr<'_>) {
        let p = tps(partitions);
        self.with(|r| r.resumed.extend(p));
    }

    fn request_commit(&self) {
        self.with(|r| r.commit_requests += 1);
    }

    fn timeout(&self, ms: i64) {
        self.with(|r| r.timeouts.push(ms));
    }

    fn report_errant(&self, index: u32, error: FfiError) {
        self.with(|r| r.errant.push((index, error.message.to_string())));
    }
}
