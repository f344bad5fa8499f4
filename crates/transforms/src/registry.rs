//! The built-in transformations and predicates: class names, aliases, ConfigDefs, constructors.

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError};

use crate::config::Check;
use crate::predicates::{has_header_key, record_is_tombstone, topic_name_matches};
use crate::smt::{
    cast, drop_headers, extract_field, filter, flatten, header_from, hoist_field, insert_field,
    insert_header, mask_field, regex_router, replace_field, set_schema_metadata,
    timestamp_converter, timestamp_router, value_to_key,
};
use crate::util::Side;
use crate::{Predicate, Transformation};

/// What a plugin is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PluginKind {
    /// A `Transformation`.
    Transformation,
    /// A `Predicate`.
    Predicate,
}

impl PluginKind {
    /// The REST `type`: `transformation` or `predicate`.
    pub fn as_str(self) -> &'static str {
        match self {
            PluginKind::Transformation => "transformation",
            PluginKind::Predicate => "predicate",
        }
    }
}

/// One built-in plugin for `GET /connector-plugins?connectorsOnly=false`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransformPlugin {
    /// Kafka's class name, e.g. `org.apache.kafka.connect.transforms.Cast$Value`.
    pub class: &'static str,
    /// `transformation` or `predicate`.
    pub kind: PluginKind,
    /// The version ([`crate::VERSION`]).
    pub version: &'static str,
}

type Props = BTreeMap<String, String>;
pub(crate) type MakeTransform = fn(&Props) -> Result<Box<dyn Transformation>, ConfigError>;
pub(crate) type MakePredicate = fn(&Props) -> Result<Box<dyn Predicate>, ConfigError>;

/// How to build a plugin.
#[derive(Clone, Copy)]
pub(crate) enum Maker {
    Transform(MakeTransform),
    Predicate(MakePredicate),
}

/// A built-in plugin.
#[derive(Clone, Copy)]
pub(crate) struct Entry {
    pub(crate) class: &'static str,
    pub(crate) def: fn() -> ConfigDef,
    pub(crate) checks: &'static [(&'static str, Check)],
    pub(crate) maker: Maker,
}

impl Entry {
    pub(crate) fn kind(&self) -> PluginKind {
        match self.maker {
            Maker::Transform(_) => PluginKind::Transformation,
            Maker::Predicate(_) => PluginKind::Predicate,
        }
    }
}

const T: &str = "org.apache.kafka.connect.transforms.";

macro_rules! t {
    ($class:expr, $module:ident, $checks:expr, $make:expr) => {
        Entry {
            class: $class,
            def: $module::config_def,
            checks: $checks,
            maker: Maker::Transform($make),
        }
    };
}

fn boxed<X: Transformation + 'static>(
    r: Result<X, ConfigError>,
) -> Result<Box<dyn Transformation>, ConfigError> {
    r.map(|x| Box::new(x) as Box<dyn Transformation>)
}

fn boxed_p<X: Predicate + 'static>(
    r: Result<X, ConfigError>,
) -> Result<Box<dyn Predicate>, ConfigError> {
    r.map(|x| Box::new(x) as Box<dyn Predicate>)
}

/// Every built-in, sorted by class name within each kind.
pub(crate) fn entries() -> [Entry; 29] {
    [
        t!(
            "org.apache.kafka.connect.transforms.Cast$Key",
            cast,
            cast::CHECKS,
            |p| boxed(cast::Cast::configure(Side::Key, p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.Cast$Value",
            cast,
            cast::CHECKS,
            |p| boxed(cast::Cast::configure(Side::Value, p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.DropHeaders",
            drop_headers,
            drop_headers::CHECKS,
            |p| boxed(drop_headers::DropHeaders::configure(p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.ExtractField$Key",
            extract_field,
            &[],
            |p| boxed(extract_field::ExtractField::configure(Side::Key, p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.ExtractField$Value",
            extract_field,
            &[],
            |p| boxed(extract_field::ExtractField::configure(Side::Value, p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.Filter",
            filter,
            &[],
            |_| boxed(Ok(filter::Filter))
        ),
        t!(
            "org.apache.kafka.connect.transforms.Flatten$Key",
            flatten,
            &[],
            |p| boxed(flatten::Flatten::configure(Side::Key, p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.Flatten$Value",
            flatten,
            &[],
            |p| boxed(flatten::Flatten::configure(Side::Value, p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.HeaderFrom$Key",
            header_from,
            header_from::CHECKS,
            |p| boxed(header_from::HeaderFrom::configure(Side::Key, p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.HeaderFrom$Value",
            header_from,
            header_from::CHECKS,
            |p| boxed(header_from::HeaderFrom::configure(Side::Value, p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.HoistField$Key",
            hoist_field,
            &[],
            |p| boxed(hoist_field::HoistField::configure(Side::Key, p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.HoistField$Value",
            hoist_field,
            &[],
            |p| boxed(hoist_field::HoistField::configure(Side::Value, p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.InsertField$Key",
            insert_field,
            &[],
            |p| boxed(insert_field::InsertField::configure(Side::Key, p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.InsertField$Value",
            insert_field,
            &[],
            |p| boxed(insert_field::InsertField::configure(Side::Value, p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.InsertHeader",
            insert_header,
            &[],
            |p| boxed(insert_header::InsertHeader::configure(p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.MaskField$Key",
            mask_field,
            mask_field::CHECKS,
            |p| boxed(mask_field::MaskField::configure(Side::Key, p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.MaskField$Value",
            mask_field,
            mask_field::CHECKS,
            |p| boxed(mask_field::MaskField::configure(Side::Value, p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.RegexRouter",
            regex_router,
            &[],
            |p| boxed(regex_router::RegexRouter::configure(p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.ReplaceField$Key",
            replace_field,
            replace_field::CHECKS,
            |p| boxed(replace_field::ReplaceField::configure(Side::Key, p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.ReplaceField$Value",
            replace_field,
            replace_field::CHECKS,
            |p| boxed(replace_field::ReplaceField::configure(Side::Value, p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.SetSchemaMetadata$Key",
            set_schema_metadata,
            &[],
            |p| boxed(set_schema_metadata::SetSchemaMetadata::configure(
                Side::Key,
                p
            ))
        ),
        t!(
            "org.apache.kafka.connect.transforms.SetSchemaMetadata$Value",
            set_schema_metadata,
            &[],
            |p| boxed(set_schema_metadata::SetSchemaMetadata::configure(
                Side::Value,
                p
            ))
        ),
        t!(
            "org.apache.kafka.connect.transforms.TimestampConverter$Key",
            timestamp_converter,
            &[],
            |p| boxed(timestamp_converter::TimestampConverter::configure(
                Side::Key,
                p
            ))
        ),
        t!(
            "org.apache.kafka.connect.transforms.TimestampConverter$Value",
            timestamp_converter,
            &[],
            |p| boxed(timestamp_converter::TimestampConverter::configure(
                Side::Value,
                p
            ))
        ),
        t!(
            "org.apache.kafka.connect.transforms.TimestampRouter",
            timestamp_router,
            &[],
            |p| boxed(timestamp_router::TimestampRouter::configure(p))
        ),
        t!(
            "org.apache.kafka.connect.transforms.ValueToKey",
            value_to_key,
            value_to_key::CHECKS,
            |p| boxed(value_to_key::ValueToKey::configure(p))
        ),
        Entry {
            class: "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
            def: has_header_key::config_def,
            checks: &[],
            maker: Maker::Predicate(|p| boxed_p(has_header_key::HasHeaderKey::configure(p))),
        },
        Entry {
            class: "org.apache.kafka.connect.transforms.predicates.RecordIsTombstone",
            def: record_is_tombstone::config_def,
            checks: &[],
            maker: Maker::Predicate(|_| boxed_p(Ok(record_is_tombstone::RecordIsTombstone))),
        },
        Entry {
            class: "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
            def: topic_name_matches::config_def,
            checks: &[],
            maker: Maker::Predicate(|p| {
                boxed_p(topic_name_matches::TopicNameMatches::configure(p))
            }),
        },
    ]
}

/// The abstract classes of the `$Key`/`$Value` families (Kafka: "This class is abstract and
/// cannot be created. Did you mean ...?").
const ABSTRACT: [&str; 10] = [
    "Cast",
    "ExtractField",
    "Flatten",
    "HeaderFrom",
    "HoistField",
    "InsertField",
    "MaskField",
    "ReplaceField",
    "SetSchemaMetadata",
    "TimestampConverter",
];

/// What a class name resolves to.
pub(crate) enum Lookup {
    /// A built-in.
    Found(Entry),
    /// An abstract base class (the message to report).
    Abstract(String),
    /// No such class.
    Unknown,
}

/// Resolves a class name or alias (the simple name of a class that is not a nested
/// `$Key`/`$Value` class, as Kafka's `PluginUtils.computeAliases` yields; the nested classes'
/// simple names `Key`/`Value` are ambiguous and dropped).
pub(crate) fn lookup(name: &str) -> Lookup {
    let name = name.trim();
    for e in entries() {
        let simple = e.class.rsplit('.').next().unwrap_or(e.class);
        if e.class == name || (!simple.contains('$') && simple == name) {
            return Lookup::Found(e);
        }
    }
    for base in ABSTRACT {
        if name == format!("{T}{base}") {
            return Lookup::Abstract(format!(
                "This class is abstract and cannot be created. Did you mean {T}{base}$Key, {T}{base}$Value?"
            ));
        }
    }
    Lookup::Unknown
}

/// `(class, "transformation" | "predicate", version)` for every built-in, `$Key`/`$Value`
/// variants listed separately, transformations then predicates, each sorted by class name.
pub fn plugins() -> Vec<TransformPlugin> {
    entries()
        .iter()
        .map(|e| TransformPlugin {
            class: e.class,
            kind: e.kind(),
            version: crate::VERSION,
        })
        .collect()
}

/// The ConfigDef of a built-in transformation or predicate, by class name or alias (for
/// `GET /connector-plugins/{class}/config`).
pub fn config_def(class: &str) -> Option<ConfigDef> {
    match lookup(class) {
        Lookup::Found(e) => Some((e.def)()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugins_are_kafkas() {
        let all = plugins();
        assert_eq!(all.len(), 29);
        assert_eq!(
            all.iter()
                .filter(|p| p.kind == PluginKind::Predicate)
                .count(),
            3
        );
        let classes: Vec<&str> = all
            .iter()
            .filter(|p| p.kind == PluginKind::Transformation)
            .map(|p| p.class)
            .collect();
        let mut sorted = classes.clone();
        sorted.sort();
        assert_eq!(classes, sorted);
        assert!(classes.contains(&"org.apache.kafka.connect.transforms.Cast$Value"));
        assert_eq!(PluginKind::Predicate.as_str(), "predicate");
    }

    #[test]
    fn aliases_and_config_defs() {
        assert!(config_def("RegexRouter").is_some());
        assert!(config_def("TopicNameMatches").is_some());
        assert!(config_def("org.apache.kafka.connect.transforms.Cast$Key")
            .unwrap()
            .contains("spec"));
        assert!(config_def("Value").is_none());
        assert!(config_def("Cast$Value").is_none());
        assert!(config_def("nope").is_none());
        match lookup("org.apache.kafka.connect.transforms.Cast") {
            Lookup::Abstract(m) => assert_eq!(
                m,
                "This class is abstract and cannot be created. Did you mean org.apache.kafka.connect.transforms.Cast$Key, org.apache.kafka.connect.transforms.Cast$Value?"
            ),
            _ => panic!(),
        }
    }
}
