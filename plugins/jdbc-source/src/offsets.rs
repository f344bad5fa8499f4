//! Source partitions and offsets, byte-compatible with Confluent's connector
//! (`OffsetProtocols`, `TimestampIncrementingOffset`).

use ferry_plugin_sdk::JsonMap;
use serde_json::Value as Json;

use crate::settings::Mode;
use crate::tables::TableId;
use crate::temporal::Instant;

pub const PROTOCOL: &str = "protocol";
pub const TABLE: &str = "table";
pub const QUERY: &str = "query";
pub const INCREMENTING: &str = "incrementing";
pub const TIMESTAMP: &str = "timestamp";
pub const TIMESTAMP_NANOS: &str = "timestamp_nanos";

/// Where rows come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Table(TableId),
    Query(String),
}

/// The source partition of `origin` in `mode`: `{"protocol":"1","table":fqn}` for the
/// incremental modes, `{"table":name}` for bulk, `{"query":"query"}` for a query.
pub fn partition(origin: &Origin, mode: Mode) -> JsonMap {
    let mut m = JsonMap::new();
    match origin {
        Origin::Query(_) => {
            m.insert(QUERY.into(), QUERY.into());
        }
        Origin::Table(t) if mode == Mode::Bulk => {
            m.insert(TABLE.into(), t.name.clone().into());
        }
        Origin::Table(t) => {
            m.insert(PROTOCOL.into(), "1".into());
            m.insert(TABLE.into(), t.fqn().into());
        }
    }
    m
}

/// Partitions to look committed offsets up under, newest protocol first (V1, then V0).
pub fn lookup_partitions(origin: &Origin, mode: Mode) -> Vec<JsonMap> {
    let mut out = vec![partition(origin, mode)];
    if let (Origin::Table(t), true) = (origin, mode != Mode::Bulk) {
        let mut v0 = JsonMap::new();
        v0.insert(TABLE.into(), t.name.clone().into());
        out.push(v0);
    }
    out
}

/// How far a table has been read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Offset {
    pub incrementing: Option<i64>,
    pub timestamp: Option<Instant>,
}

impl Offset {
    /// Only the present parts, as `TimestampIncrementingOffset.toMap`.
    pub fn to_map(self) -> JsonMap {
        let mut m = JsonMap::new();
        if let Some(i) = self.incrementing {
            m.insert(INCREMENTING.into(), i.into());
        }
        if let Some(t) = self.timestamp {
            m.insert(TIMESTAMP.into(), t.millis().into());
            m.insert(TIMESTAMP_NANOS.into(), i64::from(t.nanos).into());
        }
        m
    }

    /// Read a stored offset; unknown or malformed parts are absent.
    pub fn from_map(m: &JsonMap) -> Offset {
        let incrementing = m.get(INCREMENTING).and_then(as_i64);
        let timestamp = m.get(TIMESTAMP).and_then(as_i64).map(|ms| {
            let mut t = Instant::from_millis(ms);
            if let Some(n) = m.get(TIMESTAMP_NANOS).and_then(as_i64) {
                t.nanos = n.clamp(0, 999_999_999) as u32;
            }
            t
        });
        Offset {
            incrementing,
            timestamp,
        }
    }

    /// The last incrementing value, `-1` when none (Confluent's default).
    pub fn incrementing_or_default(self) -> i64 {
        self.incrementing.unwrap_or(-1)
    }

    /// The last timestamp, the epoch when none.
    pub fn timestamp_or_default(self) -> Instant {
        self.timestamp.unwrap_or_default()
    }
}

fn as_i64(v: &Json) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_match_confluent() {
        let t = Origin::Table(TableId::bare("Models"));
        let p = serde_json::to_string(&partition(&t, Mode::Incrementing)).unwrap_or_default();
        assert_eq!(p, r#"{"protocol":"1","table":"Models"}"#);
        let b = serde_json::to_string(&partition(&t, Mode::Bulk)).unwrap_or_default();
        assert_eq!(b, r#"{"table":"Models"}"#);
        let o = Offset {
            incrementing: Some(17),
            timestamp: None,
        };
        assert_eq!(
            serde_json::to_string(&o.to_map()).unwrap_or_default(),
            r#"{"incrementing":17}"#
        );
        let ts = Offset {
            incrementing: Some(3),
            timestamp: Some(Instant {
                secs: 1,
                nanos: 5_000_123,
            }),
        };
        let s = serde_json::to_string(&ts.to_map()).unwrap_or_default();
        assert_eq!(
            s,
            r#"{"incrementing":3,"timestamp":1005,"timestamp_nanos":5000123}"#
        );
        assert_eq!(Offset::from_map(&ts.to_map()), ts);
    }
}
