//! The framework's own connector-level keys (Kafka's `ConnectorConfig`, `SinkConnectorConfig` and
//! `SourceConnectorConfig` definitions): names, types, defaults, validators, groups, order,
//! widths, display names and documentation as in Kafka, so that
//! `GET /connector-plugins/{plugin}/config` and the validate endpoint list them as Kafka does.
//!
//! Deviations: the converter keys (`CLASS`) carry no validator, because plugin classes are
//! resolved by the runtime rather than by a class loader (Kafka's `ConcreteSubClassValidator` and
//! `InstantiableClassValidator`); `topics.regex` is checked with the Rust `regex` crate rather
//! than `java.util.regex`.

use ferry_configdef::{ConfigDef, ConfigKey, ConfigType, Importance, Validator, Width};
use ConfigType::{Boolean, Class, Int, List, Long, Short, String as Str};
use Importance::{High, Low, Medium};
use KeyDefault::{Null, Required, Value};

mod docs;
mod sink_rules;
#[cfg(test)]
mod tests;

pub use sink_rules::{add_sink_topic_errors, validate_sink_topics};

/// Group of the basic keys (`ConnectorConfig.COMMON_GROUP`).
pub const COMMON_GROUP: &str = "Common";
/// Group of `transforms`.
pub const TRANSFORMS_GROUP: &str = "Transforms";
/// Group of `predicates`.
pub const PREDICATES_GROUP: &str = "Predicates";
/// Group of the `errors.*` keys.
pub const ERROR_GROUP: &str = "Error Handling";
/// Group of `topic.creation.groups` (source connectors).
pub const TOPIC_CREATION_GROUP: &str = "Topic Creation";
/// Group of the exactly-once keys (source connectors).
pub const EXACTLY_ONCE_SUPPORT_GROUP: &str = "Exactly Once Support";
/// Group of `offsets.storage.topic` (`SourceConnectorConfig.OFFSETS_TOPIC_GROUP`; Kafka spells
/// it this way).
pub const OFFSETS_TOPIC_GROUP: &str = "offsets.topic";

/// `name`.
pub const NAME_CONFIG: &str = "name";
/// `connector.class`.
pub const CONNECTOR_CLASS_CONFIG: &str = "connector.class";
/// `tasks.max`.
pub const TASKS_MAX_CONFIG: &str = "tasks.max";
/// `topics` (sink connectors).
pub const TOPICS_CONFIG: &str = "topics";
/// `topics.regex` (sink connectors).
pub const TOPICS_REGEX_CONFIG: &str = "topics.regex";
/// `errors.deadletterqueue.topic.name` (sink connectors).
pub const DLQ_TOPIC_NAME_CONFIG: &str = "errors.deadletterqueue.topic.name";

/// The default of a key in the tables below.
#[derive(Clone, Copy)]
enum KeyDefault {
    /// No default: required.
    Required,
    /// A `null` default.
    Null,
    /// A raw default value.
    Value(&'static str),
}

/// One row of a definition table, with the arguments of Kafka's `ConfigDef.define` call.
struct Spec {
    name: &'static str,
    ty: ConfigType,
    default: KeyDefault,
    importance: Importance,
    group: &'static str,
    order: i32,
    width: Width,
    display: &'static str,
    doc: &'static str,
}

#[allow(clippy::too_many_arguments)]
const fn spec(
    name: &'static str,
    ty: ConfigType,
    default: KeyDefault,
    importance: Importance,
    group: &'static str,
    order: i32,
    width: Width,
    display: &'static str,
    doc: &'static str,
) -> Spec {
    Spec {
        name,
        ty,
        default,
        importance,
        group,
        order,
        width,
        display,
        doc,
    }
}

/// `ConnectorConfig.configDef()`.
#[rustfmt::skip]
const COMMON_KEYS: &[Spec] = &[
    spec(NAME_CONFIG, Str, Required, High, COMMON_GROUP, 1, Width::Medium, "Connector name", docs::NAME_DOC),
    spec(CONNECTOR_CLASS_CONFIG, Str, Required, High, COMMON_GROUP, 2, Width::Long, "Connector class", docs::CONNECTOR_CLASS_DOC),
    spec(TASKS_MAX_CONFIG, Int, Value("1"), High, COMMON_GROUP, 3, Width::Short, "Tasks max", docs::TASKS_MAX_DOC),
    spec("tasks.max.enforce", Boolean, Value("true"), Low, COMMON_GROUP, 4, Width::Short, "Enforce tasks max", docs::TASKS_MAX_ENFORCE_DOC),
    spec("key.converter", Class, Null, Low, COMMON_GROUP, 5, Width::Short, "Key converter class", docs::KEY_CONVERTER_CLASS_DOC),
    spec("value.converter", Class, Null, Low, COMMON_GROUP, 6, Width::Short, "Value converter class", docs::VALUE_CONVERTER_CLASS_DOC),
    spec("header.converter", Class, Null, Low, COMMON_GROUP, 7, Width::Short, "Header converter class", docs::HEADER_CONVERTER_CLASS_DOC),
    spec("transforms", List, Value(""), Low, TRANSFORMS_GROUP, 8, Width::Long, "Transforms", docs::TRANSFORMS_DOC),
    spec("predicates", List, Value(""), Low, PREDICATES_GROUP, 9, Width::Long, "Predicates", docs::PREDICATES_DOC),
    spec("config.action.reload", Str, Value("restart"), Low, COMMON_GROUP, 10, Width::Medium, "Reload Action", docs::CONFIG_RELOAD_ACTION_DOC),
    spec("errors.retry.timeout", Long, Value("0"), Medium, ERROR_GROUP, 1, Width::Medium, "Retry Timeout for Errors", docs::ERRORS_RETRY_TIMEOUT_DOC),
    spec("errors.retry.delay.max.ms", Long, Value("60000"), Medium, ERROR_GROUP, 2, Width::Medium, "Maximum Delay Between Retries for Errors", docs::ERRORS_RETRY_MAX_DELAY_DOC),
    spec("errors.tolerance", Str, Value("none"), Medium, ERROR_GROUP, 3, Width::Short, "Error Tolerance", docs::ERRORS_TOLERANCE_DOC),
    spec("errors.log.enable", Boolean, Value("false"), Medium, ERROR_GROUP, 4, Width::Short, "Log Errors", docs::ERRORS_LOG_ENABLE_DOC),
    spec("errors.log.include.messages", Boolean, Value("false"), Medium, ERROR_GROUP, 5, Width::Short, "Log Error Details", docs::ERRORS_LOG_INCLUDE_MESSAGES_DOC),
];

/// `SinkConnectorConfig.configDef()`, after the common keys.
#[rustfmt::skip]
const SINK_KEYS: &[Spec] = &[
    spec(TOPICS_CONFIG, List, Value(""), High, COMMON_GROUP, 4, Width::Long, "Topics", docs::TOPICS_DOC),
    spec(TOPICS_REGEX_CONFIG, Str, Value(""), High, COMMON_GROUP, 4, Width::Long, "Topics regex", docs::TOPICS_REGEX_DOC),
    spec(DLQ_TOPIC_NAME_CONFIG, Str, Value(""), Medium, ERROR_GROUP, 6, Width::Medium, "Dead Letter Queue Topic Name", docs::DLQ_TOPIC_NAME_DOC),
    spec("errors.deadletterqueue.topic.replication.factor", Short, Value("3"), Medium, ERROR_GROUP, 7, Width::Medium, "Dead Letter Queue Topic Replication Factor", docs::DLQ_TOPIC_REPLICATION_FACTOR_CONFIG_DOC),
    spec("errors.deadletterqueue.context.headers.enable", Boolean, Value("false"), Medium, ERROR_GROUP, 8, Width::Medium, "Enable Error Context Headers", docs::DLQ_CONTEXT_HEADERS_ENABLE_DOC),
];

/// `SourceConnectorConfig.configDef()`, after the common keys.
#[rustfmt::skip]
const SOURCE_KEYS: &[Spec] = &[
    spec("topic.creation.groups", List, Value(""), Low, TOPIC_CREATION_GROUP, 1, Width::Long, "Topic Creation Groups", docs::TOPIC_CREATION_GROUPS_DOC),
    spec("exactly.once.support", Str, Value("requested"), Medium, EXACTLY_ONCE_SUPPORT_GROUP, 2, Width::Short, "Exactly once support", docs::EXACTLY_ONCE_SUPPORT_DOC),
    spec("transaction.boundary", Str, Value("poll"), Medium, EXACTLY_ONCE_SUPPORT_GROUP, 3, Width::Short, "Transaction Boundary", docs::TRANSACTION_BOUNDARY_DOC),
    spec("transaction.boundary.interval.ms", Long, Null, Low, EXACTLY_ONCE_SUPPORT_GROUP, 4, Width::Short, "Transaction boundary interval", docs::TRANSACTION_BOUNDARY_INTERVAL_DOC),
    spec("offsets.storage.topic", Str, Null, Low, OFFSETS_TOPIC_GROUP, 1, Width::Long, "Offsets topic", docs::OFFSETS_TOPIC_DOC),
];

/// The validator Kafka attaches to `name` in the tables above, if any.
fn validator_for(name: &str) -> Option<Validator> {
    let unique = |description: &str| {
        Validator::composite(vec![
            Validator::NonNull,
            Validator::UniqueAliases {
                description: description.to_owned(),
            },
        ])
    };
    Some(match name {
        NAME_CONFIG => Validator::NonEmptyStringWithoutControlChars,
        TASKS_MAX_CONFIG => Validator::at_least(1),
        "transforms" => unique("unique transformation aliases"),
        "predicates" => unique("unique predicate aliases"),
        "config.action.reload" => Validator::valid_string(&["none", "restart"]),
        "errors.tolerance" => Validator::valid_string(&["none", "all"]),
        TOPICS_REGEX_CONFIG => Validator::ValidRegex,
        "topic.creation.groups" => unique("unique topic creation groups"),
        "exactly.once.support" => {
            Validator::case_insensitive_valid_string(&["requested", "required"])
        }
        "transaction.boundary" => {
            Validator::case_insensitive_valid_string(&["poll", "interval", "connector"])
        }
        "transaction.boundary.interval.ms" => Validator::optional(Validator::at_least(0)),
        "offsets.storage.topic" => Validator::NonEmptyString,
        _ => return None,
    })
}

/// Appends the rows of `table` to `def`.
fn define_all(table: &[Spec], mut def: ConfigDef) -> ConfigDef {
    for row in table {
        let mut key = ConfigKey::new(row.name, row.ty)
            .importance(row.importance)
            .doc(row.doc)
            .group(row.group, row.order)
            .width(row.width)
            .display_name(row.display);
        key = match row.default {
            Required => key.required(),
            Null => key.default_null(),
            Value(raw) => key.default_value(raw),
        };
        if let Some(validator) = validator_for(row.name) {
            key = key.validator(validator);
        }
        def = def.define(key);
    }
    def
}

/// Keys common to every connector (`ConnectorConfig.configDef()`), in Kafka's order.
pub fn common_connector_def() -> ConfigDef {
    define_all(COMMON_KEYS, ConfigDef::new())
}

/// Keys of every sink connector (`SinkConnectorConfig.configDef()`): the common keys, then
/// `topics`, `topics.regex` and the dead letter queue keys. The rules between keys are checked
/// by [`validate_sink_topics`] / [`add_sink_topic_errors`].
pub fn sink_connector_def() -> ConfigDef {
    define_all(SINK_KEYS, common_connector_def())
}

/// Keys of every source connector (`SourceConnectorConfig.configDef()`): the common keys, then
/// `topic.creation.groups`, the exactly-once keys and `offsets.storage.topic`. The per-group
/// `topic.creation.<group>.*` keys depend on the configuration and are not included.
pub fn source_connector_def() -> ConfigDef {
    define_all(SOURCE_KEYS, common_connector_def())
}
