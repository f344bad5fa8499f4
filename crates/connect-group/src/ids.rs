//! The units of work a Connect cluster distributes: connector instances and their tasks.

use std::fmt;

/// Task id −1 in an assignment stands for the connector instance itself
/// (`ConnectProtocol.CONNECTOR_TASK`).
pub const CONNECTOR_TASK: i32 = -1;

/// A task of a connector (`ConnectorTaskId`); ordered by connector name, then task number.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnectorTaskId {
    /// The connector's name.
    pub connector: String,
    /// The task number, from 0.
    pub task: i32,
}

impl ConnectorTaskId {
    /// `connector`'s task number `task`.
    pub fn new(connector: impl Into<String>, task: i32) -> Self {
        ConnectorTaskId {
            connector: connector.into(),
            task,
        }
    }
}

impl fmt::Display for ConnectorTaskId {
    /// Kafka's rendering: `connector-task`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.connector, self.task)
    }
}

/// A collection of connectors and tasks, in order, without duplicates when built through
/// [`ConnectorsAndTasks::add_connector`] / [`ConnectorsAndTasks::add_task`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConnectorsAndTasks {
    /// Connector instances.
    pub connectors: Vec<String>,
    /// Tasks.
    pub tasks: Vec<ConnectorTaskId>,
}

impl ConnectorsAndTasks {
    /// The given connectors and tasks, as they are.
    pub fn new(connectors: Vec<String>, tasks: Vec<ConnectorTaskId>) -> Self {
        ConnectorsAndTasks { connectors, tasks }
    }

    /// Whether there is neither a connector nor a task.
    pub fn is_empty(&self) -> bool {
        self.connectors.is_empty() && self.tasks.is_empty()
    }

    /// Number of connectors plus number of tasks.
    pub fn len(&self) -> usize {
        self.connectors.len() + self.tasks.len()
    }

    /// Appends `connector` unless present.
    pub fn add_connector(&mut self, connector: &str) {
        if !self.connectors.iter().any(|c| c == connector) {
            self.connectors.push(connector.to_string());
        }
    }

    /// Appends `task` unless present.
    pub fn add_task(&mut self, task: &ConnectorTaskId) {
        if !self.tasks.contains(task) {
            self.tasks.push(task.clone());
        }
    }

    /// Appends everything of `other` that is not present yet.
    pub fn add_all(&mut self, other: &ConnectorsAndTasks) {
        for c in &other.connectors {
            self.add_connector(c);
        }
        for t in &other.tasks {
            self.add_task(t);
        }
    }

    /// Removes everything that is in `other`.
    pub fn remove_all(&mut self, other: &ConnectorsAndTasks) {
        self.connectors.retain(|c| !other.connectors.contains(c));
        self.tasks.retain(|t| !other.tasks.contains(t));
    }

    /// Whether `connector` is present.
    pub fn contains_connector(&self, connector: &str) -> bool {
        self.connectors.iter().any(|c| c == connector)
    }

    /// Whether `task` is present.
    pub fn contains_task(&self, task: &ConnectorTaskId) -> bool {
        self.tasks.contains(task)
    }
}
