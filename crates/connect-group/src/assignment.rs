//! Connect assignments as the leader sends them in SyncGroup (`ConnectProtocol.Assignment`,
//! `ExtendedAssignment`), byte for byte as Kafka's `Struct` serialization writes them.
//!
//! ```text
//! Version        => INT16   (0 eager, 1 compatible, 2 sessioned)
//! Error          => INT16   (0 NO_ERROR, 1 CONFIG_MISMATCH)
//! Leader         => STRING
//! LeaderUrl      => STRING
//! ConfigOffset   => INT64
//! Assignment     => [Connector => STRING, Tasks => [INT32]]   (nullable from V1; −1 = connector)
//! Revoked        => [Connector => STRING, Tasks => [INT32]]   (V1+, nullable)
//! ScheduledDelay => INT32                                     (V1+)
//! ```
//!
//! Readers accept every version ≥ 0 with the V1 layout, tolerating missing trailing fields
//! (`Assignment`/`Revoked` default to null, `ScheduledDelay` to 0), as
//! `IncrementalCooperativeConnectProtocol.deserializeAssignment` does.

use bytes::Bytes;

use crate::error::WireError;
use crate::ids::{ConnectorTaskId, ConnectorsAndTasks, CONNECTOR_TASK};
use crate::wire::{Reader, Writer};

/// A member's assignment for one generation. With the cooperative protocols `connectors` and
/// `tasks` are the *newly* assigned work; the worker keeps what it runs minus `revoked_*`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// The wire version (header) this assignment is written with: 0, 1 or 2.
    pub version: i16,
    /// [`Assignment::NO_ERROR`] or [`Assignment::CONFIG_MISMATCH`].
    pub error: i16,
    /// The leader's member id.
    pub leader: String,
    /// The leader's REST URL (where requests are forwarded).
    pub leader_url: String,
    /// The config topic offset the assignment was computed at.
    pub config_offset: i64,
    /// Connector instances to run.
    pub connectors: Vec<String>,
    /// Tasks to run.
    pub tasks: Vec<ConnectorTaskId>,
    /// Connector instances to stop now (V1+).
    pub revoked_connectors: Vec<String>,
    /// Tasks to stop now (V1+).
    pub revoked_tasks: Vec<ConnectorTaskId>,
    /// Milliseconds until the leader wants a follow-up rebalance; 0 = none (V1+).
    pub delay_ms: i32,
}

impl Assignment {
    /// No error.
    pub const NO_ERROR: i16 = 0;
    /// The leader could not compute an assignment because its config is behind a member's:
    /// read the config topic to the end and rejoin.
    pub const CONFIG_MISMATCH: i16 = 1;

    /// An error-free assignment with nothing assigned or revoked.
    pub fn empty(version: i16, leader: &str, leader_url: &str, config_offset: i64) -> Self {
        Assignment {
            version,
            error: Self::NO_ERROR,
            leader: leader.to_string(),
            leader_url: leader_url.to_string(),
            config_offset,
            connectors: Vec::new(),
            tasks: Vec::new(),
            revoked_connectors: Vec::new(),
            revoked_tasks: Vec::new(),
            delay_ms: 0,
        }
    }

    /// Whether the assignment carries an error (Kafka's `failed()`).
    pub fn failed(&self) -> bool {
        self.error != Self::NO_ERROR
    }

    /// The assigned connectors and tasks.
    pub fn assigned(&self) -> ConnectorsAndTasks {
        ConnectorsAndTasks::new(self.connectors.clone(), self.tasks.clone())
    }

    /// The revoked connectors and tasks.
    pub fn revoked(&self) -> ConnectorsAndTasks {
        ConnectorsAndTasks::new(self.revoked_connectors.clone(), self.revoked_tasks.clone())
    }

    /// Serializes with the layout of `self.version` (V0 for 0, else V1 with header `version`).
    pub fn encode(&self) -> Result<Bytes, WireError> {
        let mut w = Writer::new();
        w.i16(self.version);
        w.i16(self.error);
        w.string("leader", &self.leader)?;
        w.string("leader-url", &self.leader_url)?;
        w.i64(self.config_offset);
        write_entries(&mut w, &self.connectors, &self.tasks)?;
        if self.version >= 1 {
            write_entries(&mut w, &self.revoked_connectors, &self.revoked_tasks)?;
            w.i32(self.delay_ms);
        }
        Ok(w.into_bytes())
    }

    /// Parses any version ≥ 0 with the tolerant V1 layout.
    pub fn decode(buf: &[u8]) -> Result<Self, WireError> {
        let mut r = Reader::new(buf);
        let version = r.i16("version")?;
        if version < 0 {
            return Err(WireError::UnsupportedVersion(version));
        }
        let error = r.i16("error")?;
        let leader = r.string("leader")?;
        let leader_url = r.string("leader-url")?;
        let config_offset = r.i64("config-offset")?;
        let (connectors, tasks) = read_entries(&mut r, "assignment")?;
        let (revoked_connectors, revoked_tasks) = read_entries(&mut r, "revoked")?;
        let delay_ms = if r.has_remaining() {
            r.i32("delay")?
        } else {
            0
        };
        Ok(Assignment {
            version,
            error,
            leader,
            leader_url,
            config_offset,
            connectors,
            tasks,
            revoked_connectors,
            revoked_tasks,
            delay_ms,
        })
    }
}

/// Groups by connector in first-appearance order: connectors (each with −1) first, then the
/// tasks appended to their connector's entry (Kafka's `asMap()`/`revokedAsMap()`).
fn group_entries(connectors: &[String], tasks: &[ConnectorTaskId]) -> Vec<(String, Vec<i32>)> {
    let mut entries: Vec<(String, Vec<i32>)> = Vec::new();
    for c in connectors {
        if !entries.iter().any(|(name, _)| name == c) {
            entries.push((c.clone(), vec![CONNECTOR_TASK]));
        }
    }
    for t in tasks {
        match entries.iter_mut().find(|(name, _)| *name == t.connector) {
            Some((_, ids)) => ids.push(t.task),
            None => entries.push((t.connector.clone(), vec![t.task])),
        }
    }
    entries
}

fn write_entries(
    w: &mut Writer,
    connectors: &[String],
    tasks: &[ConnectorTaskId],
) -> Result<(), WireError> {
    let entries = group_entries(connectors, tasks);
    w.array_len(entries.len());
    for (connector, ids) in entries {
        w.string("connector", &connector)?;
        w.array_len(ids.len());
        for id in ids {
            w.i32(id);
        }
    }
    Ok(())
}

type Entries = (Vec<String>, Vec<ConnectorTaskId>);

/// A nullable array of connector entries; missing (end of buffer) or null reads as empty.
fn read_entries(r: &mut Reader<'_>, field: &'static str) -> Result<Entries, WireError> {
    let mut connectors = Vec::new();
    let mut tasks = Vec::new();
    if !r.has_remaining() {
        return Ok((connectors, tasks));
    }
    let Some(count) = r.array_len(field, true)? else {
        return Ok((connectors, tasks));
    };
    for _ in 0..count {
        let connector = r.string("connector")?;
        let n = r.array_len("tasks", false)?.unwrap_or(0);
        for _ in 0..n {
            let id = r.i32("tasks")?;
            if id == CONNECTOR_TASK {
                connectors.push(connector.clone());
            } else {
                tasks.push(ConnectorTaskId::new(connector.clone(), id));
            }
        }
    }
    Ok((connectors, tasks))
}

#[cfg(test)]
#[path = "assignment_tests.rs"]
mod tests;
