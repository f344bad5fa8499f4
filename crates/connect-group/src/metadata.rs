//! Connect member metadata, the bytes each worker sends with every protocol in JoinGroup
//! (`ConnectProtocol#serializeMetadata`, `IncrementalCooperativeConnectProtocol#serializeMetadata`).
//!
//! ```text
//! Version      => INT16   (0 default, 1 compatible, 2 sessioned)
//! Url          => STRING  (the worker's advertised REST URL)
//! ConfigOffset => INT64   (how far the worker has read the config topic)
//! Allocation   => NULLABLE_BYTES (V1+: the worker's current assignment, serialized as a full
//!                                 assignment with the same header version; null if none yet)
//! ```

use bytes::Bytes;

use crate::assignment::Assignment;
use crate::error::WireError;
use crate::protocol::ConnectProtocol;
use crate::wire::{Reader, Writer};

/// What a worker tells the group about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerMetadata {
    /// The wire version read (0, 1, 2 …); ignored when encoding (the protocol decides).
    pub version: i16,
    /// The worker's advertised REST URL.
    pub url: String,
    /// The config topic offset the worker has read up to.
    pub config_offset: i64,
    /// The worker's current assignment (V1+), `None` before its first assignment.
    pub assignment: Option<Assignment>,
}

impl WorkerMetadata {
    /// Metadata without an assignment.
    pub fn new(url: impl Into<String>, config_offset: i64) -> Self {
        WorkerMetadata {
            version: 0,
            url: url.into(),
            config_offset,
            assignment: None,
        }
    }

    /// Serializes for `protocol`: V0 for `default`, else header 1/2 with the embedded
    /// assignment re-headed with the same version.
    pub fn encode(&self, protocol: ConnectProtocol) -> Result<Bytes, WireError> {
        let version = protocol.version();
        let mut w = Writer::new();
        w.i16(version);
        w.string("url", &self.url)?;
        w.i64(self.config_offset);
        if protocol.is_cooperative() {
            let allocation = match &self.assignment {
                Some(a) => {
                    let mut a = a.clone();
                    a.version = version;
                    Some(a.encode()?)
                }
                None => None,
            };
            w.nullable_bytes(allocation.as_deref());
        }
        Ok(w.into_bytes())
    }

    /// Parses any version ≥ 0 with the V1 layout; a missing (V0) or null allocation reads as
    /// `None`.
    pub fn decode(buf: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(buf);
        let version = r.i16("version")?;
        if version < 0 {
            return Err(WireError::UnsupportedVersion(version));
        }
        let url = r.string("url")?;
        let config_offset = r.i64("config-offset")?;
        let assignment = if r.has_remaining() {
            match r.nullable_bytes("allocation")? {
                Some(bytes) => Some(Assignment::decode(bytes)?),
                None => None,
            }
        } else {
            None
        };
        Ok(WorkerMetadata {
            version,
            url,
            config_offset,
            assignment,
        })
    }
}

#[cfg(test)]
#[path = "metadata_tests.rs"]
mod tests;
