//! One TCP connection to a broker speaking the Kafka protocol through `kafka-protocol`: size
//! framing, request headers, correlation ids, and API version negotiation (ApiVersions).

use std::collections::BTreeMap;
use std::time::Duration;

use bytes::{Buf, BufMut, Bytes, BytesMut};
use kafka_protocol::messages::{
    ApiKey, ApiVersionsRequest, ApiVersionsResponse, FindCoordinatorRequest,
    FindCoordinatorResponse, HeartbeatRequest, HeartbeatResponse, JoinGroupRequest,
    JoinGroupResponse, LeaveGroupRequest, LeaveGroupResponse, RequestHeader, ResponseHeader,
    SyncGroupRequest, SyncGroupResponse,
};
use kafka_protocol::protocol::{Decodable, Encodable, HeaderVersion, StrBytes};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tracing::{debug, trace};

use crate::error::GroupError;

/// The API versions this client speaks, capped at versions verified against nisshi (JoinGroup
/// v5, SyncGroup v3) and their non-flexible siblings.
const SUPPORTED: &[(ApiKey, i16, i16)] = &[
    (ApiKey::FindCoordinator, 0, 3),
    (ApiKey::JoinGroup, 0, 5),
    (ApiKey::SyncGroup, 0, 3),
    (ApiKey::Heartbeat, 0, 3),
    (ApiKey::LeaveGroup, 0, 3),
];

/// Largest response accepted (a JoinGroup response carries every member's metadata).
const MAX_RESPONSE: usize = 100 * 1024 * 1024;

/// A request this client sends, with its response type (`kafka-protocol`'s own `Request` trait
/// needs the crate's `broker` feature).
pub(crate) trait Rpc: Encodable + HeaderVersion {
    /// The API key.
    const KEY: ApiKey;
    /// The API name for messages.
    const NAME: &'static str;
    /// The response.
    type Response: Decodable + HeaderVersion;
}

macro_rules! rpc {
    ($req:ty, $resp:ty, $key:ident) => {
        impl Rpc for $req {
            const KEY: ApiKey = ApiKey::$key;
            const NAME: &'static str = stringify!($key);
            type Response = $resp;
        }
    };
}

rpc!(ApiVersionsRequest, ApiVersionsResponse, ApiVersions);
rpc!(
    FindCoordinatorRequest,
    FindCoordinatorResponse,
    FindCoordinator
);
rpc!(JoinGroupRequest, JoinGroupResponse, JoinGroup);
rpc!(SyncGroupRequest, SyncGroupResponse, SyncGroup);
rpc!(HeartbeatRequest, HeartbeatResponse, Heartbeat);
rpc!(LeaveGroupRequest, LeaveGroupResponse, LeaveGroup);

/// A connection with negotiated API versions.
#[derive(Debug)]
pub(crate) struct Connection {
    addr: String,
    stream: TcpStream,
    client_id: String,
    next_correlation: i32,
    versions: BTreeMap<i16, i16>,
}

impl Connection {
    /// Connects to `addr` (`host:port`) and negotiates API versions.
    pub(crate) async fn connect(
        addr: &str,
        client_id: &str,
        timeout: Duration,
    ) -> Result<Self, GroupError> {
        let stream = tokio::time::timeout(timeout, TcpStream::connect(addr))
            .await
            .map_err(|_| GroupError::Timeout {
                what: format!("connecting to {addr}"),
                timeout,
            })?
            .map_err(|source| GroupError::Io {
                broker: addr.to_string(),
                source,
            })?;
        let _ = stream.set_nodelay(true);
        let mut conn = Connection {
            addr: addr.to_string(),
            stream,
            client_id: client_id.to_string(),
            next_correlation: 0,
            versions: BTreeMap::new(),
        };
        conn.negotiate(timeout).await?;
        Ok(conn)
    }

    /// The broker address.
    pub(crate) fn addr(&self) -> &str {
        &self.addr
    }

    async fn negotiate(&mut self, timeout: Duration) -> Result<(), GroupError> {
        // ApiVersions v0 is answered by every broker generation.
        let response = self.send(ApiVersionsRequest::default(), 0, timeout).await?;
        if response.error_code != 0 {
            return Err(GroupError::Broker {
                api: "ApiVersions",
                code: response.error_code,
                name: error_name(response.error_code),
            });
        }
        for (key, ours_min, ours_max) in SUPPORTED {
            let theirs = response.api_keys.iter().find(|k| k.api_key == *key as i16);
            if let Some(theirs) = theirs {
                let max = theirs.max_version.min(*ours_max);
                if max >= theirs.min_version.max(*ours_min) {
                    self.versions.insert(*key as i16, max);
                }
            }
        }
        debug!(broker = %self.addr, versions = ?self.versions, "Negotiated API versions.");
        Ok(())
    }

    /// The version to use for `R`, or an error when the broker supports none we speak.
    pub(crate) fn version_of<R: Rpc>(&self) -> Result<i16, GroupError> {
        self.versions
            .get(&(R::KEY as i16))
            .copied()
            .ok_or(GroupError::UnsupportedApi { api: R::NAME })
    }

    /// Sends `request` at `version` and waits up to `timeout` for its response. After an error
    /// or a timeout the connection must be dropped (a late response would be out of order).
    pub(crate) async fn send<R: Rpc>(
        &mut self,
        request: R,
        version: i16,
        timeout: Duration,
    ) -> Result<R::Response, GroupError> {
        let api = R::NAME;
        let correlation_id = self.next_correlation;
        self.next_correlation = self.next_correlation.wrapping_add(1);
        let header = RequestHeader::default()
            .with_request_api_key(R::KEY as i16)
            .with_request_api_version(version)
            .with_correlation_id(correlation_id)
            .with_client_id(Some(StrBytes::from_string(self.client_id.clone())));
        let mut body = BytesMut::new();
        header
            .encode(&mut body, R::header_version(version))
            .map_err(codec(api))?;
        request.encode(&mut body, version).map_err(codec(api))?;
        let mut frame = BytesMut::with_capacity(body.len() + 4);
        frame.put_u32(u32::try_from(body.len()).unwrap_or(u32::MAX));
        frame.put_slice(&body);
        trace!(broker = %self.addr, api, version, correlation_id, "Sending request.");

        let io = async {
            self.stream.write_all(&frame).await?;
            let len = self.stream.read_u32().await? as usize;
            if len > MAX_RESPONSE {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("response of {len} bytes is too large"),
                ));
            }
            let mut buf = vec![0u8; len];
            self.stream.read_exact(&mut buf).await?;
            Ok(Bytes::from(buf))
        };
        let mut buf = tokio::time::timeout(timeout, io)
            .await
            .map_err(|_| GroupError::Timeout {
                what: format!("{api} to {}", self.addr),
                timeout,
            })?
            .map_err(|source| GroupError::Io {
                broker: self.addr.clone(),
                source,
            })?;
        let header = ResponseHeader::decode(&mut buf, R::Response::header_version(version))
            .map_err(codec(api))?;
        if header.correlation_id != correlation_id {
            return Err(GroupError::Protocol {
                broker: self.addr.clone(),
                message: format!(
                    "{api} response has correlation id {} instead of {correlation_id}",
                    header.correlation_id
                ),
            });
        }
        let response = R::Response::decode(&mut buf, version).map_err(codec(api))?;
        if buf.has_remaining() {
            trace!(
                api,
                remaining = buf.remaining(),
                "Ignoring trailing response bytes."
            );
        }
        Ok(response)
    }
}

/// `kafka-protocol` reports codec errors as `anyhow::Error`; only their text is kept.
fn codec<E: std::fmt::Display>(api: &'static str) -> impl FnOnce(E) -> GroupError {
    move |e| GroupError::Codec {
        api,
        message: e.to_string(),
    }
}

/// Kafka's name of an error code (e.g. `REBALANCE_IN_PROGRESS`).
pub(crate) fn error_name(code: i16) -> String {
    use kafka_protocol::error::ParseResponseErrorCode;
    match code.err() {
        Some(e) => format!("{e:?}"),
        None => "NONE".to_string(),
    }
}
