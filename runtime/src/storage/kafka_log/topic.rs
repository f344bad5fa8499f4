//! Creating an internal topic, or checking an existing one (Kafka's
//! `KafkaTopicBasedBackingStore#topicInitializer` and `TopicAdmin#verifyTopicCleanupPolicyOnlyCompact`).

use std::collections::BTreeSet;
use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, ResourceSpecifier, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::types::RDKafkaErrorCode;
use tracing::{debug, info, warn};

use super::TopicSpec;
use crate::kafka::{admin_config, ClientSettings};
use crate::storage::StorageError;

/// How long an admin request may take.
const ADMIN_TIMEOUT: Duration = Duration::from_secs(30);

/// The worker property naming the topic and what it keeps, for messages.
fn describe_role(role: &str) -> (&'static str, &'static str) {
    match role {
        "config" => ("config.storage.topic", "connector configurations"),
        "status" => ("status.storage.topic", "connector and task statuses"),
        _ => ("offset.storage.topic", "source connector offsets"),
    }
}

/// Creates the topic if it is missing; checks the cleanup policy of an existing one.
pub(super) fn ensure_topic(clients: &ClientSettings, spec: &TopicSpec) -> Result<(), StorageError> {
    let name = spec.topic.name.as_str();
    if let Some(embedded) = &clients.embedded {
        return embedded
            .create_topic(name, spec.topic.partitions)
            .map_err(StorageError::Kafka);
    }
    let admin: AdminClient<DefaultClientContext> = admin_config(clients)
        .create()
        .map_err(|e| StorageError::Kafka(format!("Cannot create the admin client: {e}")))?;
    let mut new = NewTopic::new(
        name,
        spec.topic.partitions,
        TopicReplication::Fixed(i32::from(spec.topic.replication_factor)),
    );
    // The spec's settings first, so that the cleanup policy always wins.
    for (k, v) in &spec.topic.settings {
        if k != "cleanup.policy" {
            new = new.set(k, v);
        }
    }
    new = new.set("cleanup.policy", "compact");
    let opts = AdminOptions::new()
        .operation_timeout(Some(ADMIN_TIMEOUT))
        .request_timeout(Some(ADMIN_TIMEOUT));
    let results = futures::executor::block_on(admin.create_topics([&new], &opts))
        .map_err(|e| StorageError::Kafka(format!("Unable to create topic '{name}': {e}")))?;
    match results.into_iter().next() {
        Some(Ok(_)) | None => {
            info!(
                topic = name,
                partitions = spec.topic.partitions,
                role = spec.role,
                "Created internal topic"
            );
            Ok(())
        }
        Some(Err((_, RDKafkaErrorCode::TopicAlreadyExists))) => {
            debug!(
                topic = name,
                "Internal topic exists; checking its cleanup policy"
            );
            verify_compact(&admin, spec)
        }
        Some(Err((_, code))) => Err(StorageError::Kafka(format!(
            "Unable to create topic '{name}': {code}"
        ))),
    }
}

fn verify_compact(
    admin: &AdminClient<DefaultClientContext>,
    spec: &TopicSpec,
) -> Result<(), StorageError> {
    let name = spec.topic.name.as_str();
    let opts = AdminOptions::new().request_timeout(Some(ADMIN_TIMEOUT));
    let described = futures::executor::block_on(
        admin.describe_configs([&ResourceSpecifier::Topic(name)], &opts),
    );
    let reported = match described {
        Ok(results) => match results.into_iter().next() {
            Some(Ok(resource)) => resource
                .entries
                .into_iter()
                .find(|e| e.name == "cleanup.policy")
                .and_then(|e| e.value),
            Some(Err(code)) => {
                warn!(topic = name, error = %code, "Cannot describe the configs of the internal topic");
                None
            }
            None => None,
        },
        Err(e) => {
            warn!(topic = name, error = %e, "Cannot describe the configs of the internal topic");
            None
        }
    };
    check_cleanup_policy(spec, reported.as_deref())
}

/// Kafka's rule: a reported policy must be exactly `compact`; nothing reported is accepted with
/// a warning (an old broker, a missing permission, or a broker that reports only the configs set
/// at creation).
pub(super) fn check_cleanup_policy(
    spec: &TopicSpec,
    reported: Option<&str>,
) -> Result<(), StorageError> {
    let name = spec.topic.name.as_str();
    let policies: BTreeSet<String> = reported
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_lowercase)
        .collect();
    if policies.is_empty() {
        warn!(
            topic = name,
            "Cannot verify that the cleanup policy of the internal topic is 'compact': the broker \
             did not report it (an older broker, a missing permission to describe topic configs, \
             or a broker that reports only the configs set at creation)"
        );
        return Ok(());
    }
    if policies.len() == 1 && policies.contains("compact") {
        return Ok(());
    }
    let (property, purpose) = describe_role(spec.role);
    let found = policies.into_iter().collect::<Vec<_>>().join(",");
    Err(StorageError::Topic(format!(
        "Topic '{name}' supplied via the '{property}' property is required to have \
         'cleanup.policy=compact' to guarantee consistency and durability of {purpose}, but found \
         the topic currently has 'cleanup.policy={found}'. Continuing would likely result in \
         eventually losing {purpose} and problems restarting this Connect cluster in the future. \
         Change the '{property}' property in the Connect worker configurations to use a topic \
         with 'cleanup.policy=compact'."
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::worker::InternalTopic;

    fn spec(role: &'static str) -> TopicSpec {
        TopicSpec {
            topic: InternalTopic {
                name: "connect-status".into(),
                partitions: 5,
                replication_factor: 1,
                settings: Default::default(),
            },
            role,
        }
    }

    #[test]
    fn only_compact_is_accepted_and_nothing_reported_is_a_warning() {
        assert!(check_cleanup_policy(&spec("status"), Some("compact")).is_ok());
        assert!(check_cleanup_policy(&spec("status"), Some(" Compact ")).is_ok());
        assert!(check_cleanup_policy(&spec("status"), None).is_ok());
        assert!(check_cleanup_policy(&spec("status"), Some("")).is_ok());
        assert!(check_cleanup_policy(&spec("status"), Some("compact,delete")).is_err());
    }

    #[test]
    fn the_refusal_is_kafkas_message() {
        let err = check_cleanup_policy(&spec("status"), Some("delete"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "Topic 'connect-status' supplied via the 'status.storage.topic' property is required \
             to have 'cleanup.policy=compact' to guarantee consistency and durability of \
             connector and task statuses, but found the topic currently has \
             'cleanup.policy=delete'. Continuing would likely result in eventually losing \
             connector and task statuses and problems restarting this Connect cluster in the \
             future. Change the 'status.storage.topic' property in the Connect worker \
             configurations to use a topic with 'cleanup.policy=compact'."
        );
        let err = check_cleanup_policy(&spec("offset"), Some("delete"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("'offset.storage.topic'") && err.contains("source connector offsets"));
    }
}
