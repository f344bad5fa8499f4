//! The group member's settings: Kafka Connect's distributed worker keys that concern group
//! membership (section 2.2 of the reference), with Kafka's defaults.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use crate::error::GroupError;
use crate::protocol::ConnectProtocol;

/// Settings of a [`GroupMember`](crate::GroupMember).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupConfig {
    /// `bootstrap.servers`: `host:port` entries.
    pub bootstrap_servers: Vec<String>,
    /// `group.id`: the Connect cluster id.
    pub group_id: String,
    /// `client.id`; when empty, Kafka's `connect-N` (the broker prefixes member ids with it).
    pub client_id: String,
    /// `session.timeout.ms` (10 s): the broker evicts a member that does not heartbeat for this
    /// long.
    pub session_timeout: Duration,
    /// `heartbeat.interval.ms` (3 s).
    pub heartbeat_interval: Duration,
    /// `rebalance.timeout.ms` (60 s): how long members have to rejoin during a rebalance.
    pub rebalance_timeout: Duration,
    /// `request.timeout.ms` (40 s) for requests other than JoinGroup.
    pub request_timeout: Duration,
    /// `retry.backoff.ms` (100 ms) between failed attempts.
    pub retry_backoff: Duration,
    /// `connect.protocol` (`sessioned`).
    pub protocol: ConnectProtocol,
    /// `scheduled.rebalance.max.delay.ms` (5 min).
    pub scheduled_rebalance_max_delay: Duration,
}

impl GroupConfig {
    /// Kafka's defaults for everything but the bootstrap servers and the group id.
    pub fn new(bootstrap_servers: impl Into<String>, group_id: impl Into<String>) -> Self {
        GroupConfig {
            bootstrap_servers: split_list(&bootstrap_servers.into()),
            group_id: group_id.into(),
            client_id: String::new(),
            session_timeout: Duration::from_millis(10_000),
            heartbeat_interval: Duration::from_millis(3_000),
            rebalance_timeout: Duration::from_millis(60_000),
            request_timeout: Duration::from_millis(40_000),
            retry_backoff: Duration::from_millis(100),
            protocol: ConnectProtocol::Sessioned,
            scheduled_rebalance_max_delay: Duration::from_millis(300_000),
        }
    }

    /// Reads the keys above from a distributed worker's properties. `group.id` is required;
    /// `bootstrap.servers` defaults to `localhost:9092`.
    pub fn from_worker_properties(props: &HashMap<String, String>) -> Result<Self, GroupError> {
        let group_id = props
            .get("group.id")
            .map(|v| v.trim().to_string())
            .unwrap_or_default();
        if group_id.is_empty() {
            return Err(GroupError::Config {
                key: "group.id".into(),
                value: String::new(),
                message: "Missing required configuration \"group.id\" which has no default value."
                    .into(),
            });
        }
        let bootstrap = props
            .get("bootstrap.servers")
            .map_or("localhost:9092", String::as_str);
        let mut config = GroupConfig::new(bootstrap, group_id);
        if let Some(v) = props.get("client.id") {
            config.client_id = v.trim().to_string();
        }
        let ms = |key: &str, default: Duration| -> Result<Duration, GroupError> {
            match props.get(key) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse::<u32>()
                    .map(|n| Duration::from_millis(u64::from(n)))
                    .map_err(|_| GroupError::Config {
                        key: key.into(),
                        value: v.clone(),
                        message: "Not a non-negative number".into(),
                    }),
            }
        };
        config.session_timeout = ms("session.timeout.ms", config.session_timeout)?;
        config.heartbeat_interval = ms("heartbeat.interval.ms", config.heartbeat_interval)?;
        config.rebalance_timeout = ms("rebalance.timeout.ms", config.rebalance_timeout)?;
        config.request_timeout = ms("request.timeout.ms", config.request_timeout)?;
        config.retry_backoff = ms("retry.backoff.ms", config.retry_backoff)?;
        config.scheduled_rebalance_max_delay = ms(
            "scheduled.rebalance.max.delay.ms",
            config.scheduled_rebalance_max_delay,
        )?;
        if let Some(v) = props.get("connect.protocol") {
            config.protocol = v.parse()?;
        }
        Ok(config)
    }

    /// `client.id`; empty only if the config did not pass through [`GroupMember::join`]
    /// (which fills in Kafka's default `connect-N`).
    ///
    /// [`GroupMember::join`]: crate::GroupMember::join
    pub(crate) fn effective_client_id(&self) -> &str {
        if self.client_id.is_empty() {
            "connect"
        } else {
            &self.client_id
        }
    }

    /// Kafka's default client id for a worker whose `client.id` is empty: `connect-N`, N
    /// counting the members created by this process from 1.
    pub(crate) fn with_default_client_id(mut self) -> Self {
        static SEQUENCE: AtomicU32 = AtomicU32::new(1);
        if self.client_id.is_empty() {
            self.client_id = format!("connect-{}", SEQUENCE.fetch_add(1, Ordering::Relaxed));
        }
        self
    }

    /// JoinGroup may take the whole rebalance timeout; Kafka waits 5 s more.
    pub(crate) fn join_timeout(&self) -> Duration {
        (self.rebalance_timeout + Duration::from_secs(5)).max(self.request_timeout)
    }

    /// `scheduled.rebalance.max.delay.ms` as the assignor's `i32` milliseconds.
    pub(crate) fn max_delay_ms(&self) -> i32 {
        i32::try_from(self.scheduled_rebalance_max_delay.as_millis()).unwrap_or(i32::MAX)
    }
}

fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

pub(crate) fn millis_i32(d: Duration) -> i32 {
    i32::try_from(d.as_millis()).unwrap_or(i32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_worker_properties() {
        let mut props = HashMap::new();
        assert!(GroupConfig::from_worker_properties(&props).is_err());
        props.insert("group.id".to_string(), "connect-cluster".to_string());
        let c = GroupConfig::from_worker_properties(&props).unwrap();
        assert_eq!(c.bootstrap_servers, vec!["localhost:9092"]);
        assert_eq!(c.session_timeout, Duration::from_secs(10));
        assert_eq!(c.heartbeat_interval, Duration::from_secs(3));
        assert_eq!(c.rebalance_timeout, Duration::from_secs(60));
        assert_eq!(c.protocol, ConnectProtocol::Sessioned);
        assert_eq!(c.max_delay_ms(), 300_000);
        props.insert("bootstrap.servers".into(), "a:1, b:2".into());
        props.insert("connect.protocol".into(), "EAGER".into());
        props.insert("scheduled.rebalance.max.delay.ms".into(), "1000".into());
        let c = GroupConfig::from_worker_properties(&props).unwrap();
        assert_eq!(c.bootstrap_servers, vec!["a:1", "b:2"]);
        assert_eq!(c.protocol, ConnectProtocol::Eager);
        assert_eq!(c.max_delay_ms(), 1000);
        props.insert("session.timeout.ms".into(), "soon".into());
        assert!(GroupConfig::from_worker_properties(&props).is_err());
    }
}
