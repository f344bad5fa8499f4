use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use ferry_configdef::{ConfigKey, ConfigType};
use ferry_data::Value;

use super::*;
use crate::smt::testutil::props;
use crate::{validate_with, TransformationChain};

/// Appends `suffix` to string values; fails retriably while `failures` is above zero.
struct Suffix {
    suffix: String,
    failures: Arc<AtomicU32>,
}

impl Transformation for Suffix {
    fn apply(&self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        if self.failures.load(Ordering::SeqCst) > 0 {
            self.failures.fetch_sub(1, Ordering::SeqCst);
            return Err(TransformError::Retriable("not yet".into()));
        }
        if let Value::String(s) = &record.value {
            record.value = Value::String(format!("{s}{}", self.suffix));
        }
        Ok(Some(record))
    }
}

struct TopicIs(String);

impl Predicate for TopicIs {
    fn test(&self, record: &ConnectRecord) -> bool {
        record.topic == self.0
    }
    fn try_test(&self, record: &ConnectRecord) -> Result<bool, TransformError> {
        if record.topic == "broken" {
            return Err(TransformError::Connect("cannot tell".into()));
        }
        Ok(self.test(record))
    }
}

#[derive(Default)]
struct Fake {
    failures: Arc<AtomicU32>,
}

const SUFFIX: &str = "com.example.Suffix";
const TOPIC_IS: &str = "com.example.TopicIs";

impl ExternalPlugins for Fake {
    fn find(&self, name: &str) -> Option<ExternalPlugin> {
        self.list()
            .into_iter()
            .find(|p| p.class == name || p.class.ends_with(&format!(".{name}")))
    }
    fn list(&self) -> Vec<ExternalPlugin> {
        vec![
            ExternalPlugin {
                class: SUFFIX.into(),
                kind: PluginKind::Transformation,
                version: "2.0".into(),
                config_def: ConfigDef::new()
                    .define(ConfigKey::new("suffix", ConfigType::String).doc("appended")),
            },
            ExternalPlugin {
                class: TOPIC_IS.into(),
                kind: PluginKind::Predicate,
                version: "2.0".into(),
                config_def: ConfigDef::new().define(ConfigKey::new("topic", ConfigType::String)),
            },
        ]
    }
    fn new_transformation(
        &self,
        class: &str,
        config: &BTreeMap<String, String>,
    ) -> Result<Box<dyn Transformation>, ConfigError> {
        assert_eq!(class, SUFFIX);
        Ok(Box::new(Suffix {
            suffix: config.get("suffix").cloned().unwrap_or_default(),
            failures: self.failures.clone(),
        }))
    }
    fn new_predicate(
        &self,
        class: &str,
        config: &BTreeMap<String, String>,
    ) -> Result<Box<dyn Predicate>, ConfigError> {
        assert_eq!(class, TOPIC_IS);
        Ok(Box::new(TopicIs(
            config.get("topic").cloned().unwrap_or_default(),
        )))
    }
}

/// Retries up to `max` times, counting attempts.
struct UpTo {
    max: u32,
    attempts: AtomicU32,
}

impl Retry for UpTo {
    fn retry(
        &self,
        op: &mut dyn FnMut() -> Result<Option<ConnectRecord>, TransformError>,
    ) -> Result<Option<ConnectRecord>, TransformError> {
        let mut tries = 0;
        loop {
            self.attempts.fetch_add(1, Ordering::SeqCst);
            match op() {
                Err(e) if e.is_retriable() && tries < self.max => tries += 1,
                other => return other,
            }
        }
    }
}

fn config() -> BTreeMap<String, String> {
    props(&[
        ("transforms", "s,route"),
        ("transforms.s.type", "Suffix"),
        ("transforms.s.suffix", "!"),
        ("transforms.s.predicate", "isA"),
        ("transforms.route.type", "RegexRouter"),
        ("transforms.route.regex", "(.*)"),
        ("transforms.route.replacement", "$1-out"),
        ("predicates", "isA"),
        ("predicates.isA.type", TOPIC_IS),
        ("predicates.isA.topic", "a"),
    ])
}

fn record(topic: &str) -> ConnectRecord {
    let mut r = ConnectRecord::new(topic);
    r.value = Value::from("x");
    r
}

#[test]
fn third_party_stages_run_with_built_ins() {
    let fake = Fake::default();
    let chain = TransformationChain::from_config_with(&config(), &fake).unwrap();
    let stages: Vec<(&str, &str)> = chain.stages().collect();
    assert_eq!(
        stages,
        vec![
            ("s", SUFFIX),
            ("route", "org.apache.kafka.connect.transforms.RegexRouter")
        ]
    );
    let a = chain.apply(record("a")).unwrap().unwrap();
    assert_eq!((a.topic.as_str(), a.value), ("a-out", Value::from("x!")));
    let b = chain.apply(record("b")).unwrap().unwrap();
    assert_eq!(b.value, Value::from("x"), "the predicate does not hold");
    let e = chain.apply(record("broken")).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!("Transformation 's' ({SUFFIX}) failed: cannot tell")
    );
    // Without the hook the class is unknown, with Kafka's message.
    let e = TransformationChain::from_config(&config()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Invalid value Suffix for configuration transforms.s.type: Class Suffix could not be found."
    );
}

#[test]
fn retriable_failures_are_retried_by_the_policy() {
    let fake = Fake::default();
    fake.failures.store(2, Ordering::SeqCst);
    let retry = Arc::new(UpTo {
        max: 5,
        attempts: AtomicU32::new(0),
    });
    let chain = TransformationChain::from_config_with(&config(), &fake)
        .unwrap()
        .with_retry(retry.clone());
    let a = chain.apply(record("a")).unwrap().unwrap();
    assert_eq!(a.value, Value::from("x!"));
    assert_eq!(retry.attempts.load(Ordering::SeqCst), 3);

    // No policy: the first failure is the stage's error, marked retriable.
    fake.failures.store(1, Ordering::SeqCst);
    let chain = TransformationChain::from_config_with(&config(), &fake).unwrap();
    let e = chain.apply(record("a")).unwrap_err();
    assert!(e.source.is_retriable());
    assert_eq!(
        e.source.java_class(),
        "org.apache.kafka.connect.errors.RetriableException"
    );
}

#[test]
fn validation_covers_third_party_keys() {
    let fake = Fake::default();
    let mut cfg = config();
    cfg.insert("predicates.isA.type".into(), SUFFIX.into());
    let values = validate_with(&cfg, &fake);
    let names: Vec<&str> = values.iter().map(|(k, _)| k.name.as_str()).collect();
    assert!(names.contains(&"transforms.s.suffix"), "{names:?}");
    let (_, ty) = values
        .iter()
        .find(|(k, _)| k.name == "transforms.s.type")
        .unwrap();
    assert!(ty.errors.is_empty(), "{:?}", ty.errors);
    assert!(ty.recommended_values.contains(&SUFFIX.to_owned()));
    let (_, p) = values
        .iter()
        .find(|(k, _)| k.name == "predicates.isA.type")
        .unwrap();
    assert_eq!(
        p.errors,
        vec![format!(
            "Class class {SUFFIX} does not implement the Predicate interface"
        )]
    );
}
