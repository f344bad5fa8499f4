//! A sink connector's offsets: the committed offsets of its consumer group, read, altered and
//! reset while the connector is stopped (the group has no members then).

use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer};
use rdkafka::topic_partition_list::{Offset, TopicPartitionList};
use rdkafka::types::RDKafkaErrorCode;
use regex::Regex;

use super::client::{admin_config, consumer_config, ClientSettings};
use super::consumer::Subscription;
use crate::task::Tp;

const TIMEOUT: Duration = Duration::from_secs(30);

fn group_consumer(settings: &ClientSettings, group: &str) -> Result<BaseConsumer, String> {
    consumer_config(settings, group, "ferry-offsets-admin", &Default::default())
        .create()
        .map_err(|e| format!("Cannot create a consumer for group {group}: {e}"))
}

/// Every partition of the topics a subscription covers.
fn partitions(consumer: &BaseConsumer, subscription: &Subscription) -> Result<Vec<Tp>, String> {
    let metadata = consumer
        .fetch_metadata(None, TIMEOUT)
        .map_err(|e| format!("Cannot read cluster metadata: {e}"))?;
    let matches: Box<dyn Fn(&str) -> bool> = match subscription {
        Subscription::Topics(t) => {
            let t = t.clone();
            Box::new(move |name| t.iter().any(|x| x == name))
        }
        Subscription::Regex(re) => {
            let re = Regex::new(&format!("^(?:{re})$"))
                .map_err(|e| format!("Invalid topics.regex: {e}"))?;
            Box::new(move |name| re.is_match(name))
        }
    };
    Ok(metadata
        .topics()
        .iter()
        .filter(|t| matches(t.name()))
        .flat_map(|t| {
            t.partitions()
                .iter()
                .map(move |p| (t.name().to_owned(), p.id()))
        })
        .collect())
}

/// Committed offsets of `group` for the subscription's partitions (those with a commit).
pub fn committed(
    settings: &ClientSettings,
    group: &str,
    subscription: &Subscription,
) -> Result<Vec<(Tp, i64)>, String> {
    let consumer = group_consumer(settings, group)?;
    let mut tpl = TopicPartitionList::new();
    for (t, p) in partitions(&consumer, subscription)? {
        tpl.add_partition(&t, p);
    }
    if tpl.count() == 0 {
        return Ok(Vec::new());
    }
    let committed = consumer
        .committed_offsets(tpl, TIMEOUT)
        .map_err(|e| format!("Cannot read the offsets of group {group}: {e}"))?;
    let mut out: Vec<(Tp, i64)> = committed
        .elements()
        .iter()
        .filter_map(|e| match e.offset() {
            Offset::Offset(o) => Some(((e.topic().to_owned(), e.partition()), o)),
            _ => None,
        })
        .collect();
    out.sort();
    Ok(out)
}

/// Commit `offsets` for `group` (the group must have no members).
pub fn alter(settings: &ClientSettings, group: &str, offsets: &[(Tp, i64)]) -> Result<(), String> {
    if offsets.is_empty() {
        return Ok(());
    }
    let consumer = group_consumer(settings, group)?;
    let mut tpl = TopicPartitionList::new();
    for ((t, p), o) in offsets {
        tpl.add_partition_offset(t, *p, Offset::Offset(*o))
            .map_err(|e| e.to_string())?;
    }
    consumer
        .commit(&tpl, CommitMode::Sync)
        .map_err(|e| format!("Cannot commit offsets for group {group}: {e}"))
}

/// Delete `group` and with it every committed offset; a group that does not exist is fine.
pub fn delete(settings: &ClientSettings, group: &str) -> Result<(), String> {
    let admin: AdminClient<DefaultClientContext> = admin_config(settings)
        .create()
        .map_err(|e| format!("Cannot create the admin client: {e}"))?;
    let opts = AdminOptions::new().operation_timeout(Some(TIMEOUT));
    let results = futures::executor::block_on(admin.delete_groups(&[group], &opts))
        .map_err(|e| format!("Cannot delete group {group}: {e}"))?;
    for r in results {
        match r {
            Ok(_) | Err((_, RDKafkaErrorCode::GroupIdNotFound)) => {}
            Err((_, RDKafkaErrorCode::NonEmptyGroup)) => {
                return Err(format!("group {group} still has members"))
            }
            Err((_, code)) => return Err(format!("Cannot delete group {group}: {code}")),
        }
    }
    Ok(())
}
