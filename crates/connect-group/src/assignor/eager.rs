//! The `default` (eager) protocol's assignor (`EagerAssignor`): nothing is sticky.

use std::collections::BTreeMap;

use super::ConfigSnapshot;
use crate::ids::ConnectorsAndTasks;

/// Sorts connectors and members; walks one circular iterator over the members, handing out
/// every connector in name order, then every task (connectors in name order, tasks in id
/// order). Every member gets an entry, possibly empty.
pub fn assign_eager(
    snapshot: &ConfigSnapshot,
    members: &[String],
) -> BTreeMap<String, ConnectorsAndTasks> {
    let mut sorted: Vec<&String> = members.iter().collect();
    sorted.sort();
    sorted.dedup();
    let mut result: BTreeMap<String, ConnectorsAndTasks> = sorted
        .iter()
        .map(|m| ((*m).clone(), ConnectorsAndTasks::default()))
        .collect();
    if sorted.is_empty() {
        return result;
    }
    let mut next = sorted.iter().cycle();
    for connector in snapshot.connectors.keys() {
        if let Some(member) = next.next() {
            result
                .entry((*member).clone())
                .or_default()
                .connectors
                .push(connector.clone());
        }
    }
    for connector in snapshot.connectors.keys() {
        for task in snapshot.tasks(connector) {
            if let Some(member) = next.next() {
                result
                    .entry((*member).clone())
                    .or_default()
                    .tasks
                    .push(task);
            }
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::ConnectorTaskId;

    #[test]
    fn round_robin_connectors_then_tasks() {
        let snapshot = ConfigSnapshot::new(3)
            .with_connector("b", 2)
            .with_connector("a", 1);
        let members = vec!["w2".to_string(), "w1".to_string()];
        let result = assign_eager(&snapshot, &members);
        assert_eq!(result["w1"].connectors, vec!["a"]);
        assert_eq!(result["w2"].connectors, vec!["b"]);
        // The iterator continues where the connectors stopped: a-0 → w1, b-0 → w2, b-1 → w1.
        assert_eq!(
            result["w1"].tasks,
            vec![ConnectorTaskId::new("a", 0), ConnectorTaskId::new("b", 1)]
        );
        assert_eq!(result["w2"].tasks, vec![ConnectorTaskId::new("b", 0)]);
    }

    #[test]
    fn every_member_gets_an_entry() {
        let result = assign_eager(&ConfigSnapshot::new(0), &["x".to_string()]);
        assert_eq!(result["x"], ConnectorsAndTasks::default());
    }
}
