//! Sorted sets of connectors and tasks, for the set algebra of the incremental assignor (Kafka
//! computes its derived sets as `TreeSet`s).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use super::ConfigSnapshot;
use crate::ids::{ConnectorTaskId, ConnectorsAndTasks};

/// A sorted set of connectors and tasks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct WorkSet {
    pub(crate) connectors: BTreeSet<String>,
    pub(crate) tasks: BTreeSet<ConnectorTaskId>,
}

impl WorkSet {
    pub(crate) fn configured(snapshot: &ConfigSnapshot) -> Self {
        let mut set = WorkSet::default();
        for connector in snapshot.connectors.keys() {
            set.connectors.insert(connector.clone());
            set.tasks.extend(snapshot.tasks(connector));
        }
        set
    }

    pub(crate) fn union<'a>(all: impl IntoIterator<Item = &'a ConnectorsAndTasks>) -> Self {
        let mut set = WorkSet::default();
        for work in all {
            set.add(work);
        }
        set
    }

    /// Work reported by more than one member.
    pub(crate) fn duplicated<'a>(all: impl IntoIterator<Item = &'a ConnectorsAndTasks>) -> Self {
        let mut connectors: BTreeMap<&str, usize> = BTreeMap::new();
        let mut tasks: BTreeMap<&ConnectorTaskId, usize> = BTreeMap::new();
        for work in all {
            for c in &work.connectors {
                *connectors.entry(c).or_default() += 1;
            }
            for t in &work.tasks {
                *tasks.entry(t).or_default() += 1;
            }
        }
        WorkSet {
            connectors: connectors
                .into_iter()
                .filter(|(_, n)| *n > 1)
                .map(|(c, _)| c.to_string())
                .collect(),
            tasks: tasks
                .into_iter()
                .filter(|(_, n)| *n > 1)
                .map(|(t, _)| t.clone())
                .collect(),
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.connectors.is_empty() && self.tasks.is_empty()
    }

    pub(crate) fn intersects(&self, other: &WorkSet) -> bool {
        self.connectors.iter().any(|c| other.connectors.contains(c))
            || self.tasks.iter().any(|t| other.tasks.contains(t))
    }

    /// `self` minus every set of `others`.
    pub(crate) fn minus(&self, others: &[&WorkSet]) -> WorkSet {
        let mut out = self.clone();
        for other in others {
            out.connectors.retain(|c| !other.connectors.contains(c));
            out.tasks.retain(|t| !other.tasks.contains(t));
        }
        out
    }

    pub(crate) fn add(&mut self, work: &ConnectorsAndTasks) {
        self.connectors.extend(work.connectors.iter().cloned());
        self.tasks.extend(work.tasks.iter().cloned());
    }

    pub(crate) fn remove(&mut self, work: &ConnectorsAndTasks) {
        for c in &work.connectors {
            self.connectors.remove(c);
        }
        for t in &work.tasks {
            self.tasks.remove(t);
        }
    }

    /// For every member, the part of its work that is in `self`.
    pub(crate) fn per_member(
        &self,
        members: &BTreeMap<String, ConnectorsAndTasks>,
    ) -> BTreeMap<String, ConnectorsAndTasks> {
        members
            .iter()
            .map(|(m, work)| {
                let connectors = work
                    .connectors
                    .iter()
                    .filter(|c| self.connectors.contains(*c))
                    .cloned()
                    .collect();
                let tasks = work
                    .tasks
                    .iter()
                    .filter(|t| self.tasks.contains(*t))
                    .cloned()
                    .collect();
                (m.clone(), ConnectorsAndTasks::new(connectors, tasks))
            })
            .collect()
    }

    pub(crate) fn to_cat(&self) -> ConnectorsAndTasks {
        ConnectorsAndTasks::new(
            self.connectors.iter().cloned().collect(),
            self.tasks.iter().cloned().collect(),
        )
    }
}

impl fmt::Display for WorkSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tasks: Vec<String> = self.tasks.iter().map(ToString::to_string).collect();
        write!(
            f,
            "{{ connectorIds={:?}, taskIds={:?} }}",
            self.connectors, tasks
        )
    }
}
