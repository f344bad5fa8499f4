//! Maps a method and path to an [`Endpoint`]: Kafka Connect's resource table
//! (`RootResource`, `ConnectorsResource`, `ConnectorPluginsResource`, `LoggingResource`).
//!
//! An unknown path is a 404 and a known path with another method a 405 (with `Allow`), both
//! with Jersey's messages. `HEAD` is served like `GET` (hyper drops the body), as Jersey does.

use hyper::Method;

use super::error::RestError;
use super::url::path_segments;

/// Which resources a listener serves (Kafka: `listeners` vs `admin.listeners`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resources {
    /// `/`, `/health`, `/connectors...`, `/connector-plugins...`.
    pub connect: bool,
    /// `/admin/loggers...`.
    pub admin: bool,
}

impl Resources {
    /// Everything (no separate admin listener).
    pub const ALL: Resources = Resources {
        connect: true,
        admin: true,
    };
    /// A regular listener when admin endpoints are served elsewhere or disabled.
    pub const CONNECT: Resources = Resources {
        connect: true,
        admin: false,
    };
    /// An `admin.listeners` listener.
    pub const ADMIN: Resources = Resources {
        connect: false,
        admin: true,
    };
}

/// One operation of the REST API, with its decoded path parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Endpoint {
    ServerInfo,
    Health,
    ListConnectors,
    CreateConnector,
    GetConnector(String),
    DeleteConnector(String),
    GetConfig(String),
    PutConfig(String),
    PatchConfig(String),
    GetStatus(String),
    RestartConnector(String),
    Pause(String),
    Resume(String),
    Stop(String),
    GetTasks(String),
    /// Internal: a follower hands the task configs its connector generated to the leader.
    PutTasks(String),
    /// Internal: exactly-once zombie fencing (not supported).
    Fence(String),
    GetTasksConfig(String),
    GetTaskStatus(String, u32),
    RestartTask(String, u32),
    GetTopics(String),
    ResetTopics(String),
    GetOffsets(String),
    AlterOffsets(String),
    ResetOffsets(String),
    ListPlugins,
    /// Ferry extension: plugin files that could not be loaded, and why.
    ListPluginFailures,
    GetPluginConfig(String),
    ValidateConfig(String),
    ListLoggers,
    GetLogger(String),
    SetLogger(String),
}

/// Resolves a request to its endpoint: 404 for an unknown path (or one the listener does not
/// serve), 405 for a known path with an unsupported method.
pub fn resolve(method: &Method, path: &str, resources: Resources) -> Result<Endpoint, RestError> {
    let segments = path_segments(path);
    let is_admin = segments.first().is_some_and(|s| s == "admin");
    let served = if is_admin {
        resources.admin
    } else {
        resources.connect
    };
    let candidates = if served {
        candidates(segments)
    } else {
        Vec::new()
    };
    if candidates.is_empty() {
        return Err(RestError::unknown_path());
    }
    let wanted = if method == Method::HEAD {
        &Method::GET
    } else {
        method
    };
    let allowed: Vec<Method> = candidates.iter().map(|(m, _)| m.clone()).collect();
    candidates
        .into_iter()
        .find(|(candidate, _)| candidate == wanted)
        .map(|(_, endpoint)| endpoint)
        .ok_or_else(|| RestError::method_not_allowed(allowed.iter().map(Method::as_str)))
}

/// The endpoints a path offers, by method; empty for an unknown path.
fn candidates(segments: Vec<String>) -> Vec<(Method, Endpoint)> {
    use Endpoint as E;
    let refs: Vec<&str> = segments.iter().map(String::as_str).collect();
    let name = |index: usize| segments[index].clone();
    match refs.as_slice() {
        [] => vec![(Method::GET, E::ServerInfo)],
        ["health"] => vec![(Method::GET, E::Health)],
        ["connectors"] => vec![
            (Method::GET, E::ListConnectors),
            (Method::POST, E::CreateConnector),
        ],
        ["connectors", _] => vec![
            (Method::GET, E::GetConnector(name(1))),
            (Method::DELETE, E::DeleteConnector(name(1))),
        ],
        ["connectors", _, "config"] => vec![
            (Method::GET, E::GetConfig(name(1))),
            (Method::PUT, E::PutConfig(name(1))),
            (Method::PATCH, E::PatchConfig(name(1))),
        ],
        ["connectors", _, "status"] => vec![(Method::GET, E::GetStatus(name(1)))],
        ["connectors", _, "restart"] => vec![(Method::POST, E::RestartConnector(name(1)))],
        ["connectors", _, "pause"] => vec![(Method::PUT, E::Pause(name(1)))],
        ["connectors", _, "resume"] => vec![(Method::PUT, E::Resume(name(1)))],
        ["connectors", _, "stop"] => vec![(Method::PUT, E::Stop(name(1)))],
        ["connectors", _, "tasks"] => vec![
            (Method::GET, E::GetTasks(name(1))),
            (Method::POST, E::PutTasks(name(1))),
        ],
        ["connectors", _, "fence"] => vec![(Method::PUT, E::Fence(name(1)))],
        ["connectors", _, "tasks-config"] => vec![(Method::GET, E::GetTasksConfig(name(1)))],
        ["connectors", _, "topics"] => vec![(Method::GET, E::GetTopics(name(1)))],
        ["connectors", _, "topics", "reset"] => vec![(Method::PUT, E::ResetTopics(name(1)))],
        ["connectors", _, "offsets"] => vec![
            (Method::GET, E::GetOffsets(name(1))),
            (Method::PATCH, E::AlterOffsets(name(1))),
            (Method::DELETE, E::ResetOffsets(name(1))),
        ],
        ["connectors", _, "tasks", task, action] => match (task.parse::<u32>(), *action) {
            (Ok(task), "status") => vec![(Method::GET, E::GetTaskStatus(name(1), task))],
            (Ok(task), "restart") => vec![(Method::POST, E::RestartTask(name(1), task))],
            _ => Vec::new(),
        },
        ["connector-plugins"] => vec![(Method::GET, E::ListPlugins)],
        ["connector-plugins", "failures"] => vec![(Method::GET, E::ListPluginFailures)],
        ["connector-plugins", _, "config"] => vec![(Method::GET, E::GetPluginConfig(name(1)))],
        ["connector-plugins", _, "config", "validate"] => {
            vec![(Method::PUT, E::ValidateConfig(name(1)))]
        }
        ["admin", "loggers"] => vec![(Method::GET, E::ListLoggers)],
        ["admin", "loggers", _] => vec![
            (Method::GET, E::GetLogger(name(2))),
            (Method::PUT, E::SetLogger(name(2))),
        ],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use hyper::StatusCode;

    use super::*;

    fn ok(method: Method, path: &str) -> Endpoint {
        resolve(&method, path, Resources::ALL).unwrap()
    }

    #[test]
    fn resolves_every_resource() {
        let n = || "my conn".to_owned();
        let table = [
            (Method::GET, "/", Endpoint::ServerInfo),
            (Method::GET, "/health", Endpoint::Health),
            (Method::GET, "/connectors", Endpoint::ListConnectors),
            (Method::POST, "/connectors/", Endpoint::CreateConnector),
            (
                Method::GET,
                "/connectors/my%20conn",
                Endpoint::GetConnector(n()),
            ),
            (
                Method::DELETE,
                "/connectors/my%20conn/",
                Endpoint::DeleteConnector(n()),
            ),
            (
                Method::PATCH,
                "/connectors/my%20conn/config",
                Endpoint::PatchConfig(n()),
            ),
            (
                Method::GET,
                "/connectors/my%20conn/tasks/3/status",
                Endpoint::GetTaskStatus(n(), 3),
            ),
            (
                Method::POST,
                "/connectors/my%20conn/tasks",
                Endpoint::PutTasks(n()),
            ),
            (
                Method::PUT,
                "/connectors/my%20conn/fence",
                Endpoint::Fence(n()),
            ),
            (
                Method::POST,
                "/connectors/my%20conn/tasks/0/restart",
                Endpoint::RestartTask(n(), 0),
            ),
            (
                Method::PUT,
                "/connectors/my%20conn/topics/reset",
                Endpoint::ResetTopics(n()),
            ),
            (
                Method::DELETE,
                "/connectors/my%20conn/offsets",
                Endpoint::ResetOffsets(n()),
            ),
            (
                Method::PUT,
                "/connector-plugins/P/config/validate",
                Endpoint::ValidateConfig("P".into()),
            ),
            (
                Method::PUT,
                "/admin/loggers/a.b",
                Endpoint::SetLogger("a.b".into()),
            ),
            (Method::HEAD, "/connectors", Endpoint::ListConnectors),
        ];
        for (method, path, expected) in table {
            assert_eq!(ok(method.clone(), path), expected, "{method} {path}");
        }
    }

    #[test]
    fn unknown_paths_and_methods() {
        for path in [
            "/nope",
            "/connectors/x/tasks/abc/status",
            "/connectors/x/y/z",
            "/admin",
        ] {
            let error = resolve(&Method::GET, path, Resources::ALL).unwrap_err();
            assert_eq!(error.status(), StatusCode::NOT_FOUND, "{path}");
        }
        let error = resolve(&Method::POST, "/connectors/x/config", Resources::ALL).unwrap_err();
        assert_eq!(error.status(), StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(error.allow(), Some("GET, PUT, PATCH"));
    }

    #[test]
    fn listeners_serve_their_resources_only() {
        let admin = resolve(&Method::GET, "/admin/loggers", Resources::CONNECT).unwrap_err();
        assert_eq!(admin.status(), StatusCode::NOT_FOUND);
        let root = resolve(&Method::GET, "/", Resources::ADMIN).unwrap_err();
        assert_eq!(root.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            resolve(&Method::GET, "/admin/loggers/", Resources::ADMIN).unwrap(),
            Endpoint::ListLoggers
        );
    }
}
