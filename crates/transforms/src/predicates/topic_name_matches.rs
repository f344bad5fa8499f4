//! `org.apache.kafka.connect.transforms.predicates.TopicNameMatches`.

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, Validator};

use crate::config::{self, Getters};
use crate::record::ConnectRecord;
use crate::smt::regex_router::JavaRegex;
use crate::Predicate;

/// `TopicNameMatches.CONFIG_DEF`.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new().define(
        ConfigKey::new("pattern", ConfigType::String)
            .validator(Validator::composite(vec![
                Validator::NonEmptyString,
                Validator::ValidRegex,
            ]))
            .importance(Importance::Medium)
            .doc("A Java regular expression for matching against the name of a record's topic."),
    )
}

/// True for records whose topic matches the pattern in full.
#[derive(Debug)]
pub(crate) struct TopicNameMatches {
    pattern: JavaRegex,
}

impl TopicNameMatches {
    /// `configure(props)`.
    pub(crate) fn configure(
        props: &BTreeMap<String, String>,
    ) -> Result<TopicNameMatches, ConfigError> {
        let cfg = config::parse(&config_def(), &[], "", props)?;
        let value = cfg.req_string("pattern")?;
        let pattern = JavaRegex::new(&value).map_err(|e| {
            ConfigError::invalid(
                "pattern",
                &value,
                format!("entry must be a Java-compatible regular expression: {e}"),
            )
        })?;
        Ok(TopicNameMatches { pattern })
    }
}

impl Predicate for TopicNameMatches {
    fn test(&self, record: &ConnectRecord) -> bool {
        self.pattern.matches(&record.topic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smt::testutil::props;

    #[test]
    fn whole_topic_match() {
        let p = TopicNameMatches::configure(&props(&[("pattern", "my-prefix-.*")])).unwrap();
        assert!(p.test(&ConnectRecord::new("my-prefix-foo")));
        assert!(!p.test(&ConnectRecord::new("x-my-prefix-foo")));
        let p = TopicNameMatches::configure(&props(&[("pattern", "foo")])).unwrap();
        assert!(!p.test(&ConnectRecord::new("foobar")));
    }

    #[test]
    fn config_errors() {
        let e = |pairs: &[(&str, &str)]| {
            TopicNameMatches::configure(&props(pairs))
                .unwrap_err()
                .to_string()
        };
        assert!(e(&[]).contains("Missing required configuration \"pattern\""));
        assert!(e(&[("pattern", "")]).contains("String must be non-empty"));
        assert!(e(&[("pattern", "[")]).contains("Invalid regex"));
    }
}
