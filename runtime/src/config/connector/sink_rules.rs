//! The sink rules that span several keys (`SinkConnectorConfig.validate`): exactly one of
//! `topics` / `topics.regex` must be non-blank, and the dead letter queue topic may be neither
//! one of `topics` nor matched by `topics.regex`.

use std::collections::BTreeMap;

use ferry_configdef::{parse_value, ConfigError, ConfigType, ConfigValue, ParsedValue, Validator};

use super::{DLQ_TOPIC_NAME_CONFIG, TOPICS_CONFIG, TOPICS_REGEX_CONFIG};

#[cfg(test)]
mod tests;

/// Java's `Utils.isBlank`: absent, or only characters `<= ' '`.
fn is_blank(value: Option<&str>) -> bool {
    value.is_none_or(|s| s.trim_matches(|c: char| c <= ' ').is_empty())
}

/// Checks the sink rules and fails with the first problem as Kafka's
/// `SinkConnectorConfig.validate(props)` does, e.g.
/// `Invalid value null for configuration topics: Must configure one of topics or topics.regex`.
pub fn validate_sink_topics(props: &BTreeMap<String, String>) -> Result<(), ConfigError> {
    let mut values = Vec::new();
    add_sink_topic_errors(props, &mut values);
    match values.into_iter().find(ConfigValue::has_errors) {
        Some(value) => {
            let reason = value.errors.into_iter().next().unwrap_or_default();
            Err(ConfigError::invalid(
                value.name,
                value.value.unwrap_or_else(|| "null".to_owned()),
                reason,
            ))
        }
        None => Ok(()),
    }
}

/// Adds the sink-rule errors to validation results (`SinkConnectorConfig.validate(props,
/// validatedConfig)`): to the existing entry for the key, or to a new entry holding the raw
/// value. Messages are Kafka's:
///
/// * `topics and topics.regex are mutually exclusive options, but both are set.`
/// * `Must configure one of topics or topics.regex`
/// * `The DLQ topic '<t>' may not be included in the list of topics ('topics=[a, b]') consumed by the connector`
/// * `The DLQ topic '<t>' may not be matched by the regex for the topics ('topics.regex=<r>') consumed by the connector`
pub fn add_sink_topic_errors(props: &BTreeMap<String, String>, values: &mut Vec<ConfigValue>) {
    let topics = props.get(TOPICS_CONFIG).map(String::as_str);
    let regex = props.get(TOPICS_REGEX_CONFIG).map(String::as_str);
    let dlq = props
        .get(DLQ_TOPIC_NAME_CONFIG)
        .map_or("", |s| s.trim_matches(|c: char| c <= ' '));
    let (has_topics, has_regex) = (!is_blank(topics), !is_blank(regex));
    let mut add = |name: &str, raw: Option<&str>, message: &str| {
        let index = match values.iter().position(|v| v.name == name) {
            Some(index) => index,
            None => {
                let mut value = ConfigValue::new(name);
                value.value = raw.map(str::to_owned);
                values.push(value);
                values.len() - 1
            }
        };
        values[index].add_error(message);
    };
    if has_topics && has_regex {
        let message = "topics and topics.regex are mutually exclusive options, but both are set.";
        add(TOPICS_CONFIG, topics, message);
        add(TOPICS_REGEX_CONFIG, regex, message);
    }
    if !has_topics && !has_regex {
        let message = "Must configure one of topics or topics.regex";
        add(TOPICS_CONFIG, topics, message);
        add(TOPICS_REGEX_CONFIG, regex, message);
    }
    if dlq.is_empty() {
        return;
    }
    if let (true, Some(raw)) = (has_topics, topics) {
        let list = topic_list(raw);
        if list.iter().any(|t| t == dlq) {
            let message = format!(
                "The DLQ topic '{dlq}' may not be included in the list of topics ('{TOPICS_CONFIG}=[{}]') consumed by the connector",
                list.join(", ")
            );
            add(TOPICS_CONFIG, topics, &message);
        }
    }
    if let (true, Some(raw)) = (has_regex, regex) {
        if regex_matches(raw, dlq) {
            let message = format!(
                "The DLQ topic '{dlq}' may not be matched by the regex for the topics ('{TOPICS_REGEX_CONFIG}={raw}') consumed by the connector"
            );
            add(TOPICS_REGEX_CONFIG, regex, &message);
        }
    }
}

/// `SinkConnectorConfig.parseTopicsList`: the `topics` list without empty items or duplicates.
pub(super) fn topic_list(raw: &str) -> Vec<String> {
    let items = match parse_value(TOPICS_CONFIG, ConfigType::List, raw) {
        Ok(ParsedValue::List(items)) => items,
        _ => Vec::new(),
    };
    let mut out: Vec<String> = Vec::new();
    for item in items {
        if !item.is_empty() && !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Whether `regex` compiles and matches all of `topic` (Java's `Pattern.matcher(t).matches()`),
/// using the configdef crate's regex validators. An invalid regex matches nothing (its error is
/// reported on `topics.regex` by the definition's validator).
fn regex_matches(regex: &str, topic: &str) -> bool {
    let compiles = Validator::ValidRegex
        .ensure_valid(TOPICS_REGEX_CONFIG, &ParsedValue::String(regex.to_owned()))
        .is_ok();
    compiles
        && Validator::Regex {
            pattern: regex.to_owned(),
        }
        .ensure_valid(TOPICS_REGEX_CONFIG, &ParsedValue::String(topic.to_owned()))
        .is_ok()
}
