//! Connect's sub-protocols of the `connect` group protocol type (`ConnectProtocolCompatibility`).

use std::fmt;
use std::str::FromStr;

use crate::error::GroupError;

/// The protocol type Connect workers register in JoinGroup.
pub const PROTOCOL_TYPE: &str = "connect";

/// One of Connect's group sub-protocols. The `connect.protocol` worker setting picks the newest
/// one a worker offers; the broker selects one that every member offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConnectProtocol {
    /// `eager` (JoinGroup protocol `default`, wire version 0): stop everything before each
    /// rebalance, round-robin assignment.
    Eager,
    /// `compatible` (wire version 1): incremental cooperative rebalancing (KIP-415).
    Compatible,
    /// `sessioned` (wire version 2, the default): incremental cooperative plus KIP-507 session
    /// keys.
    Sessioned,
}

impl ConnectProtocol {
    /// The JoinGroup protocol name: `default`, `compatible` or `sessioned`.
    pub fn protocol_name(self) -> &'static str {
        match self {
            ConnectProtocol::Eager => "default",
            ConnectProtocol::Compatible => "compatible",
            ConnectProtocol::Sessioned => "sessioned",
        }
    }

    /// The wire version of metadata and assignments: 0, 1 or 2.
    pub fn version(self) -> i16 {
        match self {
            ConnectProtocol::Eager => 0,
            ConnectProtocol::Compatible => 1,
            ConnectProtocol::Sessioned => 2,
        }
    }

    /// The sub-protocol selected by the broker, from its JoinGroup protocol name.
    pub fn from_protocol_name(name: &str) -> Option<Self> {
        match name {
            "default" => Some(ConnectProtocol::Eager),
            "compatible" => Some(ConnectProtocol::Compatible),
            "sessioned" => Some(ConnectProtocol::Sessioned),
            _ => None,
        }
    }

    /// The protocols a worker configured with `self` offers in JoinGroup, most preferred first:
    /// `sessioned` → sessioned, compatible, default; `compatible` → compatible, default;
    /// `eager` → default.
    pub fn offered(self) -> &'static [ConnectProtocol] {
        match self {
            ConnectProtocol::Eager => &[ConnectProtocol::Eager],
            ConnectProtocol::Compatible => &[ConnectProtocol::Compatible, ConnectProtocol::Eager],
            ConnectProtocol::Sessioned => &[
                ConnectProtocol::Sessioned,
                ConnectProtocol::Compatible,
                ConnectProtocol::Eager,
            ],
        }
    }

    /// Whether assignments are incremental and cooperative (everything but `eager`).
    pub fn is_cooperative(self) -> bool {
        self != ConnectProtocol::Eager
    }
}

impl fmt::Display for ConnectProtocol {
    /// The `connect.protocol` setting value: `eager`, `compatible` or `sessioned`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConnectProtocol::Eager => "eager",
            ConnectProtocol::Compatible => "compatible",
            ConnectProtocol::Sessioned => "sessioned",
        })
    }
}

impl FromStr for ConnectProtocol {
    type Err = GroupError;

    /// Parses the `connect.protocol` setting, case-insensitively.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "eager" => Ok(ConnectProtocol::Eager),
            "compatible" => Ok(ConnectProtocol::Compatible),
            "sessioned" => Ok(ConnectProtocol::Sessioned),
            _ => Err(GroupError::Config {
                key: "connect.protocol".to_string(),
                value: s.to_string(),
                message: "must be one of eager, compatible, sessioned".to_string(),
            }),
        }
    }
}
