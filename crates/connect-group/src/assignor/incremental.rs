//! The incremental cooperative assignor (KIP-415, Kafka's `IncrementalCooperativeAssignor`), as
//! a pure function of the previous round's [`AssignorState`] and this round's [`RoundInput`].
//!
//! Per round: `deleted = previous − configured`, `duplicated` = work reported by more than one
//! member, `lost = previous − active − deleted`, `created = configured − previous − active`.
//! Deleted and duplicated work is revoked; lost work waits up to `scheduled.rebalance.max.delay.ms`
//! for its worker to come back, then goes to the workers that joined empty meanwhile (or is
//! treated as new); when no delay is active, over-allocated workers lose their excess
//! (load-balancing revocations, postponed with an exponential backoff when two rounds in a row
//! revoke); new work goes round-robin to the least loaded workers.

use std::collections::{BTreeMap, BTreeSet};

use tracing::debug;

use super::load::{assign_connectors, assign_tasks, load_balancing_revocations, WorkerLoad};
use super::{AssignorState, ClusterAssignment, RoundInput, WorkSet};
use crate::ids::ConnectorsAndTasks;

/// Kafka's `ExponentialBackoff(maxDelay == 0 ? 0 : 1, 40, maxDelay, 0).backoff(attempts)`:
/// 40 ms, 1.6 s, 64 s, … capped at `max_delay`.
pub(crate) fn revoking_backoff(max_delay: i32, attempts: u32) -> i32 {
    let max = f64::from(max_delay.max(0));
    let initial = if max_delay == 0 {
        0.0
    } else {
        1.0_f64.min(max)
    };
    let exp_max = if max > initial {
        (max / initial.max(1.0)).ln() / 40f64.ln()
    } else {
        0.0
    };
    if exp_max == 0.0 {
        return initial as i32;
    }
    let exp = f64::from(attempts).min(exp_max);
    let value = (initial * 40f64.powf(exp)).floor();
    value.min(max) as i32
}

impl AssignorState {
    /// One round of assignment; mutates the state into the next round's.
    pub(crate) fn run_round(
        &mut self,
        max_delay: i32,
        input: &RoundInput<'_>,
    ) -> ClusterAssignment {
        if self.previous_generation_id != input.last_completed_generation {
            debug!(
                previous_generation = self.previous_generation_id,
                last_completed_generation = input.last_completed_generation,
                "Clearing the view of previous assignments due to a generation mismatch."
            );
            self.previous_assignment = WorkSet::default();
        }
        let members = input.members;
        let configured = WorkSet::configured(input.snapshot);
        let active = WorkSet::union(members.values());

        // A revocation of the previous round that did not take effect: start over from what runs.
        if !self.previous_revocation.is_empty() {
            if self.previous_revocation.intersects(&active) {
                self.previous_assignment = active.clone();
            }
            self.previous_revocation = WorkSet::default();
        }

        let deleted = self.previous_assignment.minus(&[&configured]);
        let duplicated = WorkSet::duplicated(members.values());
        let lost = self.previous_assignment.minus(&[&active, &deleted]);
        let created = configured.minus(&[&self.previous_assignment, &active]);
        debug!(%deleted, %duplicated, %lost, %created, "Derived assignment sets.");

        let deleted_cat = deleted.to_cat();
        let current: BTreeMap<String, ConnectorsAndTasks> = members
            .iter()
            .map(|(m, work)| {
                let mut work = work.clone();
                work.remove_all(&deleted_cat);
                (m.clone(), work)
            })
            .collect();

        let mut to_revoke: BTreeMap<String, ConnectorsAndTasks> = BTreeMap::new();
        let deleted_to_revoke = deleted.per_member(members);
        let duplicated_to_revoke = duplicated.per_member(members);
        add_all(&mut to_revoke, &deleted_to_revoke);
        add_all(&mut to_revoke, &duplicated_to_revoke);

        let mut next: Vec<WorkerLoad> =
            members.iter().map(|(m, w)| WorkerLoad::new(m, w)).collect();
        remove_all(&mut next, &deleted_to_revoke);
        remove_all(&mut next, &duplicated_to_revoke);

        let mut lost_to_reassign = ConnectorsAndTasks::default();
        self.handle_lost_assignments(
            max_delay,
            input.now_ms,
            &lost,
            &mut lost_to_reassign,
            &mut next,
        );

        if self.delay == 0 {
            let balancing = load_balancing_revocations(&configured.to_cat(), &next);
            if self.revoked_in_previous && !balancing.is_empty() {
                self.num_successive_revoking_rebalances += 1;
                self.delay = revoking_backoff(max_delay, self.num_successive_revoking_rebalances);
                if self.delay != 0 {
                    self.scheduled_rebalance =
                        Some(input.now_ms + u64::try_from(self.delay).unwrap_or(0));
                    debug!(
                        delay = self.delay,
                        "Skipping revocations of consecutive revoking rebalance."
                    );
                } else {
                    add_all(&mut to_revoke, &balancing);
                    remove_all(&mut next, &balancing);
                }
            } else if !balancing.is_empty() {
                add_all(&mut to_revoke, &balancing);
                remove_all(&mut next, &balancing);
                self.revoked_in_previous = true;
            } else if self.revoked_in_previous {
                self.revoked_in_previous = false;
                self.num_successive_revoking_rebalances = 0;
            }
        } else {
            debug!(
                delay = self.delay,
                "Delayed rebalance is active; no revocations."
            );
            self.revoked_in_previous = false;
        }

        let mut to_assign = created.to_cat();
        to_assign.add_all(&lost_to_reassign);
        assign_connectors(&mut next, &to_assign.connectors);
        assign_tasks(&mut next, &to_assign.tasks);

        let next: BTreeMap<String, ConnectorsAndTasks> = next
            .into_iter()
            .map(|w| (w.worker, ConnectorsAndTasks::new(w.connectors, w.tasks)))
            .collect();
        let newly_assigned = diff(&next, &current);
        let all_assigned = diff(&next, &to_revoke);

        self.previous_assignment = WorkSet::union(next.values());
        for revoked in to_revoke.values() {
            self.previous_assignment.remove(revoked);
            self.previous_revocation.add(revoked);
        }
        self.previous_assignment.add(&lost.to_cat());
        self.previous_generation_id = input.current_generation;
        self.previous_members = members.keys().cloned().collect();

        ClusterAssignment {
            newly_assigned,
            revoked: to_revoke,
            all_assigned,
            delay_ms: self.delay,
        }
    }

    /// Kafka's `handleLostAssignments`: decides whether lost work is reassigned now (into
    /// `to_reassign`, or straight onto candidate workers in `next`) or waits for a scheduled
    /// rebalance.
    pub(crate) fn handle_lost_assignments(
        &mut self,
        max_delay: i32,
        now: u64,
        lost: &WorkSet,
        to_reassign: &mut ConnectorsAndTasks,
        next: &mut [WorkerLoad],
    ) {
        if lost.is_empty() && !self.revoked_in_previous {
            self.reset_delay();
            return;
        }
        let active: BTreeSet<&str> = next.iter().map(|w| w.worker.as_str()).collect();
        let all_previous_present = self
            .previous_members
            .iter()
            .all(|m| active.contains(m.as_str()));
        if self.scheduled_rebalance.is_none() && all_previous_present {
            debug!("No worker departed; reassigning lost work as new.");
            to_reassign.add_all(&lost.to_cat());
            return;
        }
        if max_delay == 0 {
            debug!("scheduled.rebalance.max.delay.ms = 0; reassigning lost work immediately.");
            to_reassign.add_all(&lost.to_cat());
            return;
        }
        match self.scheduled_rebalance {
            Some(deadline) if now >= deadline => {
                let candidates: Vec<usize> = self
                    .candidate_workers
                    .iter()
                    .filter_map(|c| next.iter().position(|w| &w.worker == c))
                    .collect();
                if candidates.is_empty() {
                    debug!("Delay expired; no candidate worker, lost work treated as new.");
                    to_reassign.add_all(&lost.to_cat());
                } else {
                    debug!(
                        ?candidates,
                        "Delay expired; assigning lost work to candidates."
                    );
                    for (i, connector) in lost.connectors.iter().enumerate() {
                        next[candidates[i % candidates.len()]]
                            .connectors
                            .push(connector.clone());
                    }
                    for (i, task) in lost.tasks.iter().enumerate() {
                        next[candidates[i % candidates.len()]]
                            .tasks
                            .push(task.clone());
                    }
                }
                self.reset_delay();
                self.revoked_in_previous = false;
            }
            scheduled => {
                for w in next.iter().filter(|w| w.is_empty()) {
                    if !self.candidate_workers.contains(&w.worker) {
                        self.candidate_workers.push(w.worker.clone());
                    }
                }
                self.delay = match scheduled {
                    Some(deadline) => {
                        let remaining = deadline.saturating_sub(now);
                        i32::try_from(remaining).unwrap_or(i32::MAX).min(max_delay)
                    }
                    None => max_delay,
                };
                self.scheduled_rebalance = Some(now + u64::try_from(self.delay).unwrap_or(0));
                debug!(
                    delay = self.delay,
                    "Reassignment of lost work is postponed."
                );
            }
        }
    }

    fn reset_delay(&mut self) {
        self.candidate_workers.clear();
        self.scheduled_rebalance = None;
        self.delay = 0;
    }
}

fn add_all(
    base: &mut BTreeMap<String, ConnectorsAndTasks>,
    more: &BTreeMap<String, ConnectorsAndTasks>,
) {
    for (worker, work) in more {
        base.entry(worker.clone()).or_default().add_all(work);
    }
}

fn remove_all(loads: &mut [WorkerLoad], remove: &BTreeMap<String, ConnectorsAndTasks>) {
    for load in loads {
        if let Some(r) = remove.get(&load.worker) {
            load.remove_all(r);
        }
    }
}

/// Per worker: `base` minus what `subtract` holds for the same worker.
fn diff(
    base: &BTreeMap<String, ConnectorsAndTasks>,
    subtract: &BTreeMap<String, ConnectorsAndTasks>,
) -> BTreeMap<String, ConnectorsAndTasks> {
    base.iter()
        .map(|(worker, work)| {
            let mut work = work.clone();
            if let Some(s) = subtract.get(worker) {
                work.remove_all(s);
            }
            (worker.clone(), work)
        })
        .collect()
}

#[cfg(test)]
#[path = "incremental_tests.rs"]
mod tests;
