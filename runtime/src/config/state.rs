//! The target state of a connector (`RT/runtime/TargetState.java`) and the `initial_state`
//! names of `CreateConnectorRequest.InitialState`.

use std::fmt;

/// What the herder should make a connector (and its tasks) do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TargetState {
    /// Running (`initial_state` name `RUNNING`).
    Started,
    /// Paused: tasks stay assigned but do not process records.
    Paused,
    /// Stopped: connector shut down and its tasks removed (KIP-875).
    Stopped,
}

impl TargetState {
    /// Parses an `initial_state` value (`RUNNING`, `PAUSED` or `STOPPED`), ignoring ASCII case
    /// as `InitialState.forValue` does (`toUpperCase(Locale.ROOT)`).
    pub fn from_initial_state(value: &str) -> Option<TargetState> {
        match value.to_ascii_uppercase().as_str() {
            "RUNNING" => Some(TargetState::Started),
            "PAUSED" => Some(TargetState::Paused),
            "STOPPED" => Some(TargetState::Stopped),
            _ => None,
        }
    }

    /// The `initial_state` name of this state: `RUNNING`, `PAUSED` or `STOPPED`.
    pub fn initial_state_name(self) -> &'static str {
        match self {
            TargetState::Started => "RUNNING",
            TargetState::Paused => "PAUSED",
            TargetState::Stopped => "STOPPED",
        }
    }

    /// The Java enum constant name (`STARTED`, `PAUSED`, `STOPPED`), as written to the config
    /// topic's target-state records.
    pub fn name(self) -> &'static str {
        match self {
            TargetState::Started => "STARTED",
            TargetState::Paused => "PAUSED",
            TargetState::Stopped => "STOPPED",
        }
    }
}

impl fmt::Display for TargetState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initial_state_names_round_trip_case_insensitively() {
        for (text, state) in [
            ("RUNNING", TargetState::Started),
            ("running", TargetState::Started),
            ("Paused", TargetState::Paused),
            ("sToPpEd", TargetState::Stopped),
        ] {
            assert_eq!(TargetState::from_initial_state(text), Some(state), "{text}");
            assert_eq!(
                TargetState::from_initial_state(state.initial_state_name()),
                Some(state)
            );
        }
        for bad in ["", "STARTED", "run", " RUNNING", "RUNNING "] {
            assert_eq!(TargetState::from_initial_state(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn java_names() {
        assert_eq!(TargetState::Started.to_string(), "STARTED");
        assert_eq!(TargetState::Paused.name(), "PAUSED");
        assert_eq!(TargetState::Stopped.name(), "STOPPED");
    }
}
