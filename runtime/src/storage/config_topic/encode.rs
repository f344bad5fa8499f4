//! Writing the config topic's records byte for byte as Kafka Connect does: JSON values as a
//! schemaless JsonConverter writes them (compact, fields in Kafka's schema order, Jackson's
//! string escapes). Keys are built with the prefixes of [`super::records`].

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::{ConfigMap, RestartRequest, SessionKey};
use crate::config::TargetState;
use crate::storage::json::write_string as push_json_string;

/// `connector-<name>`: `{"properties":{...}}`.
pub(super) fn encode_properties(config: &ConfigMap) -> Vec<u8> {
    let mut out = String::from("{\"properties\":{");
    for (i, (k, v)) in config.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_json_string(&mut out, k);
        out.push(':');
        push_json_string(&mut out, v);
    }
    out.push_str("}}");
    out.into_bytes()
}

/// `target-state-<name>`: `state` is PAUSED for STOPPED (older workers do not know STOPPED).
pub(super) fn encode_target_state(state: TargetState) -> Vec<u8> {
    let old = match state {
        TargetState::Stopped => TargetState::Paused,
        s => s,
    };
    format!(
        "{{\"state\":\"{}\",\"state.v2\":\"{}\"}}",
        old.name(),
        state.name()
    )
    .into_bytes()
}

/// `logger-cluster-<namespace>`: `{"level":"DEBUG"}`.
pub(super) fn encode_logger_level(level: &str) -> Vec<u8> {
    let mut out = String::from("{\"level\":");
    push_json_string(&mut out, level);
    out.push('}');
    out.into_bytes()
}

/// `commit-<name>`: `{"tasks":N}`.
pub(super) fn encode_commit(tasks: usize) -> Vec<u8> {
    format!("{{\"tasks\":{tasks}}}").into_bytes()
}

/// `session-key`: `{"key":"<base64>","algorithm":"..","creation-timestamp":ms}`.
pub(super) fn encode_session_key(key: &SessionKey) -> Vec<u8> {
    let mut out = String::from("{\"key\":");
    push_json_string(&mut out, &STANDARD.encode(&key.key));
    out.push_str(",\"algorithm\":");
    push_json_string(&mut out, &key.algorithm);
    out.push_str(&format!(
        ",\"creation-timestamp\":{}}}",
        key.creation_timestamp_ms
    ));
    out.into_bytes()
}

/// `restart-connector-<name>`: `{"include-tasks":bool,"only-failed":bool}`.
pub(super) fn encode_restart(request: &RestartRequest) -> Vec<u8> {
    format!(
        "{{\"include-tasks\":{},\"only-failed\":{}}}",
        request.include_tasks, request.only_failed
    )
    .into_bytes()
}
