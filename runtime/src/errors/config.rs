//! The `errors.*` keys of a connector config (Kafka's `ConnectorConfig` / `SinkConnectorConfig`).

use std::collections::BTreeMap;
use std::time::Duration;

/// How a connector handles bad records.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorConfig {
    /// `errors.retry.timeout`: `None` retries forever (-1), zero never retries.
    pub retry_timeout: Option<Duration>,
    /// `errors.retry.delay.max.ms`.
    pub retry_delay_max: Duration,
    /// `errors.tolerance=all`.
    pub tolerate_all: bool,
    /// `errors.log.enable`.
    pub log_enable: bool,
    /// `errors.log.include.messages`.
    pub log_include_messages: bool,
    /// `errors.deadletterqueue.topic.name`, if set.
    pub dlq_topic: Option<String>,
    /// `errors.deadletterqueue.topic.replication.factor`.
    pub dlq_replication_factor: i32,
    /// `errors.deadletterqueue.context.headers.enable`.
    pub dlq_context_headers: bool,
}

fn flag(config: &BTreeMap<String, String>, key: &str) -> bool {
    config
        .get(key)
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
}

fn long(config: &BTreeMap<String, String>, key: &str, default: i64) -> i64 {
    config
        .get(key)
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(default)
}

impl ErrorConfig {
    /// Read the keys (already validated by the framework ConfigDef).
    pub fn from_connector(config: &BTreeMap<String, String>) -> ErrorConfig {
        let retry = long(config, "errors.retry.timeout", 0);
        ErrorConfig {
            retry_timeout: (retry >= 0).then(|| Duration::from_millis(retry as u64)),
            retry_delay_max: Duration::from_millis(
                long(config, "errors.retry.delay.max.ms", 60_000).max(0) as u64,
            ),
            tolerate_all: config
                .get("errors.tolerance")
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("all")),
            log_enable: flag(config, "errors.log.enable"),
            log_include_messages: flag(config, "errors.log.include.messages"),
            dlq_topic: config
                .get("errors.deadletterqueue.topic.name")
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty()),
            dlq_replication_factor: long(
                config,
                "errors.deadletterqueue.topic.replication.factor",
                3,
            ) as i32,
            dlq_context_headers: flag(config, "errors.deadletterqueue.context.headers.enable"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_kafkas() {
        let c = ErrorConfig::from_connector(&BTreeMap::new());
        assert_eq!(c.retry_timeout, Some(Duration::ZERO));
        assert_eq!(c.retry_delay_max, Duration::from_secs(60));
        assert!(!c.tolerate_all && !c.log_enable && c.dlq_topic.is_none());
        let all: BTreeMap<String, String> = [
            ("errors.tolerance", "all"),
            ("errors.retry.timeout", "-1"),
            ("errors.deadletterqueue.topic.name", " dlq "),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        let c = ErrorConfig::from_connector(&all);
        assert!(c.tolerate_all);
        assert_eq!(c.retry_timeout, None);
        assert_eq!(c.dlq_topic.as_deref(), Some("dlq"));
    }
}
