//! Creating the topics source connectors write to (KIP-158), through the admin API.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::types::RDKafkaErrorCode;
use regex::Regex;
use tracing::info;

use super::client::{admin_config, ClientSettings};

/// One `topic.creation.<group>` of a connector config.
#[derive(Debug)]
struct Group {
    include: Vec<Regex>,
    exclude: Vec<Regex>,
    partitions: i32,
    replication: i32,
    configs: Vec<(String, String)>,
}

impl Group {
    fn matches(&self, topic: &str) -> bool {
        self.include.iter().any(|r| r.is_match(topic))
            && !self.exclude.iter().any(|r| r.is_match(topic))
    }
}

fn regexes(list: Option<&String>) -> Result<Vec<Regex>, String> {
    list.map(|l| {
        l.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
    })
    .unwrap_or_default()
    .into_iter()
    .map(|r| {
        Regex::new(&format!("^(?:{r})$"))
            .map_err(|e| format!("Invalid topic creation regex {r}: {e}"))
    })
    .collect()
}

fn parse_groups(config: &BTreeMap<String, String>) -> Result<Vec<Group>, String> {
    let has_default = config.contains_key("topic.creation.default.partitions")
        || config.contains_key("topic.creation.default.replication.factor");
    if !has_default {
        return Ok(Vec::new());
    }
    let int = |key: &str, fallback: i32| -> Result<i32, String> {
        match config.get(key) {
            None => Ok(fallback),
            Some(v) => v.trim().parse().map_err(|_| {
                format!("Invalid value {v} for configuration {key}: Not a number of type INT")
            }),
        }
    };
    let default_partitions = int("topic.creation.default.partitions", -1)?;
    let default_replication = int("topic.creation.default.replication.factor", -1)?;
    let names: Vec<String> = config
        .get("topic.creation.groups")
        .map(|g| {
            g.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default();
    let mut groups = Vec::new();
    for name in names.iter().map(String::as_str).chain(["default"]) {
        let p = format!("topic.creation.{name}.");
        let reserved = ["include", "exclude", "partitions", "replication.factor"];
        let include = if name == "default" {
            regexes(Some(
                &config
                    .get(&format!("{p}include"))
                    .cloned()
                    .unwrap_or_else(|| ".*".into()),
            ))?
        } else {
            regexes(config.get(&format!("{p}include")))?
        };
        groups.push(Group {
            include,
            exclude: regexes(config.get(&format!("{p}exclude")))?,
            partitions: int(&format!("{p}partitions"), default_partitions)?,
            replication: int(&format!("{p}replication.factor"), default_replication)?,
            configs: config
                .iter()
                .filter_map(|(k, v)| {
                    k.strip_prefix(&p)
                        .filter(|k| !reserved.contains(k))
                        .map(|k| (k.to_owned(), v.clone()))
                })
                .collect(),
        });
    }
    Ok(groups)
}

/// Creates a source connector's topics the first time they are written to.
pub struct TopicCreator {
    admin: AdminClient<DefaultClientContext>,
    groups: Vec<Group>,
    known: HashSet<String>,
    /// The topic `ensure` last saw known (records come in runs for one topic): no hashing then.
    last: String,
    tracker: super::TopicTracker,
    embedded: Option<super::EmbeddedBroker>,
}

impl TopicCreator {
    pub fn new(
        settings: &ClientSettings,
        connector: &BTreeMap<String, String>,
        tracker: super::TopicTracker,
    ) -> Result<TopicCreator, String> {
        let admin = admin_config(settings)
            .create()
            .map_err(|e| format!("Cannot create the admin client: {e}"))?;
        Ok(TopicCreator {
            admin,
            groups: parse_groups(connector)?,
            known: HashSet::new(),
            last: String::new(),
            tracker,
            embedded: settings.embedded.clone(),
        })
    }

    /// Make sure `topic` exists: create it with the first matching `topic.creation` group, or
    /// with 1 partition when the connector has no topic creation settings.
    pub fn ensure(&mut self, topic: &str) -> Result<(), String> {
        if self.last == topic && !topic.is_empty() {
            return Ok(());
        }
        if self.known.contains(topic) {
            self.last.clear();
            self.last.push_str(topic);
            return Ok(());
        }
        let (partitions, replication, configs) = match self.groups.iter().find(|g| g.matches(topic))
        {
            Some(g) => (g.partitions, g.replication, g.configs.clone()),
            None => (1, -1, Vec::new()),
        };
        if let Some(embedded) = &self.embedded {
            embedded.create_topic(topic, partitions)?;
            self.known.insert(topic.to_owned());
            (self.tracker)(topic);
            return Ok(());
        }
        let mut result = self.create(topic, partitions, replication, &configs);
        // A replication factor the cluster cannot satisfy (e.g. Kafka's default 3 on one broker),
        // or -1 on brokers before KIP-464: fall back to the broker default, then to 1.
        for fallback in [-1, 1] {
            if matches!(result, Err(RDKafkaErrorCode::InvalidReplicationFactor))
                && replication != fallback
            {
                result = self.create(topic, partitions, fallback, &configs);
            }
        }
        match result {
            Ok(()) => info!(topic, partitions, "Created topic"),
            Err(RDKafkaErrorCode::TopicAlreadyExists) => {}
            Err(e) => return Err(format!("Failed to create topic {topic}: {e}")),
        }
        self.known.insert(topic.to_owned());
        (self.tracker)(topic);
        Ok(())
    }

    fn create(
        &self,
        topic: &str,
        partitions: i32,
        replication: i32,
        configs: &[(String, String)],
    ) -> Result<(), RDKafkaErrorCode> {
        let mut new = NewTopic::new(topic, partitions, TopicReplication::Fixed(replication));
        for (k, v) in configs {
            new = new.set(k, v);
        }
        let opts = AdminOptions::new().operation_timeout(Some(Duration::from_secs(30)));
        let results = futures::executor::block_on(self.admin.create_topics([&new], &opts))
            .map_err(|e| e.rdkafka_error_code().unwrap_or(RDKafkaErrorCode::Fail))?;
        match results.into_iter().next() {
            Some(Err((_, code))) => Err(code),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_follow_kip_158() {
        let config: BTreeMap<String, String> = [
            ("topic.creation.groups", "compacted"),
            ("topic.creation.default.partitions", "3"),
            ("topic.creation.default.replication.factor", "1"),
            ("topic.creation.compacted.include", "users-.*"),
            ("topic.creation.compacted.cleanup.policy", "compact"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let groups = parse_groups(&config).unwrap();
        let g = groups.iter().find(|g| g.matches("users-1")).unwrap();
        assert_eq!((g.partitions, g.replication), (3, 1));
        assert_eq!(
            g.configs,
            vec![("cleanup.policy".to_owned(), "compact".to_owned())]
        );
        let other = groups.iter().find(|g| g.matches("orders")).unwrap();
        assert!(other.configs.is_empty());
        assert!(parse_groups(&BTreeMap::new()).unwrap().is_empty());
    }
}
