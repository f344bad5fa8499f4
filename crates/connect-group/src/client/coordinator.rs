//! The group coordinator: finding it (FindCoordinator) and the classic group RPCs (JoinGroup,
//! SyncGroup, Heartbeat, LeaveGroup) with `protocol_type = "connect"`.

use bytes::Bytes;
use kafka_protocol::messages::join_group_request::JoinGroupRequestProtocol;
use kafka_protocol::messages::leave_group_request::MemberIdentity;
use kafka_protocol::messages::sync_group_request::SyncGroupRequestAssignment;
use kafka_protocol::messages::{
    FindCoordinatorRequest, GroupId, HeartbeatRequest, JoinGroupRequest, LeaveGroupRequest,
    SyncGroupRequest,
};
use kafka_protocol::protocol::StrBytes;
use tracing::{debug, warn};

use super::config::{millis_i32, GroupConfig};
use super::connection::{error_name, Connection};
use crate::error::GroupError;
use crate::protocol::PROTOCOL_TYPE;

/// Kafka error codes the member reacts to.
pub(crate) mod codes {
    pub(crate) const NONE: i16 = 0;
    pub(crate) const COORDINATOR_LOAD_IN_PROGRESS: i16 = 14;
    pub(crate) const COORDINATOR_NOT_AVAILABLE: i16 = 15;
    pub(crate) const NOT_COORDINATOR: i16 = 16;
    pub(crate) const ILLEGAL_GENERATION: i16 = 22;
    pub(crate) const UNKNOWN_MEMBER_ID: i16 = 25;
    pub(crate) const REBALANCE_IN_PROGRESS: i16 = 27;
    pub(crate) const MEMBER_ID_REQUIRED: i16 = 79;

    /// Errors after which the coordinator must be looked up again.
    pub(crate) fn is_coordinator_error(code: i16) -> bool {
        matches!(
            code,
            COORDINATOR_LOAD_IN_PROGRESS | COORDINATOR_NOT_AVAILABLE | NOT_COORDINATOR
        )
    }
}

/// What JoinGroup answered.
#[derive(Debug, Clone)]
pub(crate) struct JoinResult {
    pub(crate) error_code: i16,
    pub(crate) generation_id: i32,
    pub(crate) protocol_name: Option<String>,
    pub(crate) leader: String,
    pub(crate) member_id: String,
    /// (member id, metadata) of every member; only the leader receives them.
    pub(crate) members: Vec<(String, Bytes)>,
}

/// A connection to the group's coordinator.
#[derive(Debug)]
pub(crate) struct Coordinator {
    conn: Connection,
    group_id: GroupId,
}

fn s(value: &str) -> StrBytes {
    StrBytes::from_string(value.to_string())
}

fn broker_error(api: &'static str, code: i16) -> GroupError {
    GroupError::Broker {
        api,
        code,
        name: error_name(code),
    }
}

impl Coordinator {
    /// Asks the bootstrap servers, in order, for the group's coordinator and connects to it.
    pub(crate) async fn find(config: &GroupConfig) -> Result<Self, GroupError> {
        let mut last_error = GroupError::Config {
            key: "bootstrap.servers".into(),
            value: String::new(),
            message: "no bootstrap server".into(),
        };
        for server in &config.bootstrap_servers {
            match Self::find_via(config, server).await {
                Ok(c) => return Ok(c),
                Err(e) => {
                    debug!(%server, error = %e, "Coordinator lookup failed.");
                    last_error = e;
                }
            }
        }
        Err(last_error)
    }

    async fn find_via(config: &GroupConfig, server: &str) -> Result<Self, GroupError> {
        let client_id = config.effective_client_id();
        let mut conn = Connection::connect(server, client_id, config.request_timeout).await?;
        let version = conn.version_of::<FindCoordinatorRequest>()?;
        let request = FindCoordinatorRequest::default()
            .with_key(s(&config.group_id))
            .with_key_type(0);
        let response = conn.send(request, version, config.request_timeout).await?;
        if response.error_code != codes::NONE {
            return Err(broker_error("FindCoordinator", response.error_code));
        }
        let addr = format!("{}:{}", response.host.as_str(), response.port);
        debug!(coordinator = %addr, node = response.node_id.0, "Found the group coordinator.");
        let conn = if addr == conn.addr() {
            conn
        } else {
            Connection::connect(&addr, client_id, config.request_timeout).await?
        };
        Ok(Coordinator {
            conn,
            group_id: GroupId(s(&config.group_id)),
        })
    }

    /// JoinGroup with the given protocols (name, metadata), most preferred first.
    pub(crate) async fn join_group(
        &mut self,
        config: &GroupConfig,
        member_id: &str,
        protocols: Vec<(&'static str, Bytes)>,
    ) -> Result<JoinResult, GroupError> {
        let version = self.conn.version_of::<JoinGroupRequest>()?;
        let protocols = protocols
            .into_iter()
            .map(|(name, metadata)| {
                JoinGroupRequestProtocol::default()
                    .with_name(StrBytes::from_static_str(name))
                    .with_metadata(metadata)
            })
            .collect();
        let request = JoinGroupRequest::default()
            .with_group_id(self.group_id.clone())
            .with_session_timeout_ms(millis_i32(config.session_timeout))
            .with_rebalance_timeout_ms(millis_i32(config.rebalance_timeout))
            .with_member_id(s(member_id))
            .with_protocol_type(StrBytes::from_static_str(PROTOCOL_TYPE))
            .with_protocols(protocols);
        let r = self
            .conn
            .send(request, version, config.join_timeout())
            .await?;
        Ok(JoinResult {
            error_code: r.error_code,
            generation_id: r.generation_id,
            protocol_name: r.protocol_name.map(|p| p.as_str().to_string()),
            leader: r.leader.as_str().to_string(),
            member_id: r.member_id.as_str().to_string(),
            members: r
                .members
                .into_iter()
                .map(|m| (m.member_id.as_str().to_string(), m.metadata))
                .collect(),
        })
    }

    /// SyncGroup: the leader sends every member's assignment, followers send none. Returns the
    /// error code and this member's assignment bytes.
    pub(crate) async fn sync_group(
        &mut self,
        config: &GroupConfig,
        generation: i32,
        member_id: &str,
        assignments: Vec<(String, Bytes)>,
    ) -> Result<(i16, Bytes), GroupError> {
        let version = self.conn.version_of::<SyncGroupRequest>()?;
        let assignments = assignments
            .into_iter()
            .map(|(m, a)| {
                SyncGroupRequestAssignment::default()
                    .with_member_id(s(&m))
                    .with_assignment(a)
            })
            .collect();
        let request = SyncGroupRequest::default()
            .with_group_id(self.group_id.clone())
            .with_generation_id(generation)
            .with_member_id(s(member_id))
            .with_assignments(assignments);
        let r = self
            .conn
            .send(request, version, config.join_timeout())
            .await?;
        Ok((r.error_code, r.assignment))
    }

    /// Heartbeat; returns the error code.
    pub(crate) async fn heartbeat(
        &mut self,
        config: &GroupConfig,
        generation: i32,
        member_id: &str,
    ) -> Result<i16, GroupError> {
        let version = self.conn.version_of::<HeartbeatRequest>()?;
        let request = HeartbeatRequest::default()
            .with_group_id(self.group_id.clone())
            .with_generation_id(generation)
            .with_member_id(s(member_id));
        let r = self
            .conn
            .send(request, version, config.request_timeout)
            .await?;
        Ok(r.error_code)
    }

    /// LeaveGroup for `member_id`; errors are logged, not returned (the broker evicts the member
    /// after the session timeout anyway).
    pub(crate) async fn leave_group(&mut self, config: &GroupConfig, member_id: &str) {
        let result = async {
            let version = self.conn.version_of::<LeaveGroupRequest>()?;
            let mut request = LeaveGroupRequest::default().with_group_id(self.group_id.clone());
            if version >= 3 {
                request = request
                    .with_members(vec![MemberIdentity::default().with_member_id(s(member_id))]);
            } else {
                request = request.with_member_id(s(member_id));
            }
            let r = self
                .conn
                .send(request, version, config.request_timeout)
                .await?;
            let code = r
                .members
                .first()
                .map_or(r.error_code, |m| m.error_code.max(r.error_code));
            if code != codes::NONE {
                return Err(broker_error("LeaveGroup", code));
            }
            Ok(())
        }
        .await;
        match result {
            Ok(()) => debug!(member_id, "Left the group."),
            Err(e) => warn!(member_id, error = %e, "LeaveGroup failed."),
        }
    }
}
