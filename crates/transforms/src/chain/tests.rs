use super::*;
use crate::smt::testutil::props;
use ferry_data::Value;

fn chain(pairs: &[(&str, &str)]) -> Result<TransformationChain, String> {
    TransformationChain::from_config(&props(pairs)).map_err(|e| e.to_string())
}

fn record(topic: &str) -> ConnectRecord {
    let mut r = ConnectRecord::new(topic);
    r.value = Value::Map(vec![(Value::from("other_field"), Value::Int32(1))]);
    r.key = Value::Map(vec![(Value::from("other_field"), Value::Int32(2))]);
    r
}

#[test]
fn docs_example() {
    let c = chain(&[
        ("transforms", "Filter,Extract"),
        (
            "transforms.Filter.type",
            "org.apache.kafka.connect.transforms.Filter",
        ),
        ("transforms.Filter.predicate", "IsFoo"),
        (
            "transforms.Extract.type",
            "org.apache.kafka.connect.transforms.ExtractField$Key",
        ),
        ("transforms.Extract.field", "other_field"),
        ("transforms.Extract.predicate", "IsBar"),
        ("transforms.Extract.negate", "true"),
        ("predicates", "IsFoo,IsBar"),
        (
            "predicates.IsFoo.type",
            "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
        ),
        ("predicates.IsFoo.pattern", "foo"),
        (
            "predicates.IsBar.type",
            "org.apache.kafka.connect.transforms.predicates.TopicNameMatches",
        ),
        ("predicates.IsBar.pattern", "bar"),
    ])
    .unwrap();
    assert_eq!(c.len(), 2);
    assert_eq!(c.apply(record("foo")).unwrap(), None);
    let bar = c.apply(record("bar")).unwrap().unwrap();
    assert_eq!(bar, record("bar"));
    let baz = c.apply(record("baz")).unwrap().unwrap();
    assert_eq!(baz.key, Value::Int32(2));
}

#[test]
fn empty_and_aliases() {
    assert!(chain(&[]).unwrap().is_empty());
    assert!(chain(&[("transforms", "")]).unwrap().is_empty());
    let c = chain(&[
        ("transforms", "r"),
        ("transforms.r.type", "RegexRouter"),
        ("transforms.r.regex", "a"),
        ("transforms.r.replacement", "b"),
    ])
    .unwrap();
    assert_eq!(
        c.apply(ConnectRecord::new("a")).unwrap().unwrap().topic,
        "b"
    );
    assert_eq!(
        c.stages().next(),
        Some(("r", "org.apache.kafka.connect.transforms.RegexRouter"))
    );
}

#[test]
fn config_errors() {
    assert_eq!(
        chain(&[("transforms", "a,a")]).unwrap_err(),
        "Invalid value [a, a] for configuration transforms: Duplicate alias provided."
    );
    assert_eq!(
        chain(&[("transforms", "a")]).unwrap_err(),
        "Invalid value null for configuration transforms.a.type: Not a Transformation"
    );
    assert_eq!(
        chain(&[("transforms", "a"), ("transforms.a.type", "com.example.Nope")]).unwrap_err(),
        "Invalid value com.example.Nope for configuration transforms.a.type: Class com.example.Nope could not be found."
    );
    assert_eq!(
        chain(&[("transforms", "a"), ("transforms.a.type", "Filter"), ("transforms.a.negate", "true")]).unwrap_err(),
        "Config 'transforms.a.negate' was provided but there is no config 'transforms.a.predicate' defining a predicate to be negated."
    );
    assert_eq!(
        chain(&[
            ("transforms", "a"),
            ("transforms.a.type", "Filter"),
            ("transforms.a.predicate", "p")
        ])
        .unwrap_err(),
        "Unknown configuration 'predicates.p.type'"
    );
    assert_eq!(
        chain(&[("transforms", "a"), ("transforms.a.type", "HasHeaderKey")]).unwrap_err(),
        "Class class org.apache.kafka.connect.transforms.predicates.HasHeaderKey does not implement the Transformation interface"
    );
    assert_eq!(
        chain(&[("transforms", "a"), ("transforms.a.type", "org.apache.kafka.connect.transforms.ExtractField")]).unwrap_err(),
        "This class is abstract and cannot be created. Did you mean org.apache.kafka.connect.transforms.ExtractField$Key, org.apache.kafka.connect.transforms.ExtractField$Value?"
    );
    assert_eq!(
        chain(&[
            ("transforms", "a"),
            (
                "transforms.a.type",
                "org.apache.kafka.connect.transforms.Cast$Value"
            )
        ])
        .unwrap_err(),
        "Missing required configuration \"transforms.a.spec\" which has no default value."
    );
    assert_eq!(
        chain(&[
            ("transforms", "a"),
            ("transforms.a.type", "ValueToKey"),
            ("transforms.a.fields", "")
        ])
        .unwrap_err(),
        "Invalid value [] for configuration fields: Empty list"
    );
    assert_eq!(
        chain(&[("transforms", "a"), ("transforms.a.type", "InsertField$Value")]).unwrap_err(),
        "Invalid value InsertField$Value for configuration transforms.a.type: Class InsertField$Value could not be found."
    );
    assert_eq!(
        chain(&[
            ("transforms", "a"),
            (
                "transforms.a.type",
                "org.apache.kafka.connect.transforms.InsertField$Value"
            )
        ])
        .unwrap_err(),
        "No field insertion configured"
    );
}

#[test]
fn classes_are_resolved_before_values() {
    assert_eq!(
        chain(&[
            ("transforms", "a,b"),
            ("transforms.a.type", "ValueToKey"),
            ("transforms.b.type", "Nope")
        ])
        .unwrap_err(),
        "Invalid value Nope for configuration transforms.b.type: Class Nope could not be found."
    );
    assert_eq!(
        chain(&[("predicates", "p")]).unwrap_err(),
        "Invalid value null for configuration predicates.p.type: Not a Predicate"
    );
}

#[test]
fn failures_name_the_stage() {
    let c = chain(&[
        ("transforms", "x"),
        (
            "transforms.x.type",
            "org.apache.kafka.connect.transforms.ExtractField$Value",
        ),
        ("transforms.x.field", "f"),
    ])
    .unwrap();
    let mut r = ConnectRecord::new("t");
    r.value = Value::Int32(1);
    let e = c.apply(r).unwrap_err();
    assert_eq!(e.alias, "x");
    assert_eq!(
        e.class,
        "org.apache.kafka.connect.transforms.ExtractField$Value"
    );
    assert_eq!(
        e.source.to_string(),
        "Only Map objects supported in absence of schema for [field extraction], found: java.lang.Integer"
    );
}

#[test]
fn validate_reports_per_alias_keys() {
    let result = validate(&props(&[
        ("transforms", "c,bad"),
        (
            "transforms.c.type",
            "org.apache.kafka.connect.transforms.Cast$Value",
        ),
        ("transforms.c.spec", "a:bytes"),
        ("transforms.bad.type", "Nope"),
        ("transforms.bad.negate", "true"),
        ("predicates", "p"),
        ("predicates.p.type", "HasHeaderKey"),
    ]));
    let find = |name: &str| {
        result
            .iter()
            .find(|(k, _)| k.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let (k, v) = find("transforms.c.type");
    assert_eq!(k.group.as_deref(), Some("Transforms: c"));
    assert_eq!(k.display_name, "Transformation type for c");
    assert_eq!(
        v.value.as_deref(),
        Some("org.apache.kafka.connect.transforms.Cast$Value")
    );
    assert!(v.errors.is_empty());
    assert!(v
        .recommended_values
        .contains(&"org.apache.kafka.connect.transforms.Filter".to_owned()));
    let (k, v) = find("transforms.c.spec");
    assert_eq!(k.group.as_deref(), Some("Transforms: c"));
    assert_eq!(v.errors, ["Cast transformation does not support casting to BYTES; supported types are [INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING]"]);
    let (_, v) = find("transforms.c.negate");
    assert_eq!(v.value.as_deref(), Some("false"));
    let (_, v) = find("transforms.bad.type");
    assert_eq!(
        v.errors,
        [
            "Invalid value Nope for configuration transforms.bad.type: Class Nope could not be found.",
            "Config 'transforms.bad.negate' was provided but there is no config 'transforms.bad.predicate' defining a predicate to be negated."
        ]
    );
    assert!(!result
        .iter()
        .any(|(k, _)| k.name == "transforms.bad.negate"));
    let (k, v) = find("predicates.p.name");
    assert_eq!(k.group.as_deref(), Some("Predicates: p"));
    assert_eq!(
        v.errors,
        ["Missing required configuration \"predicates.p.name\" which has no default value."]
    );
    let (k, _) = find("predicates.p.type");
    assert_eq!(k.display_name, "Predicate type for p");
}

#[test]
fn validate_runs_kafkas_extra_validators() {
    let result = validate(&props(&[
        ("transforms", "k,a"),
        ("transforms.k.type", "ValueToKey"),
        (
            "transforms.a.type",
            "org.apache.kafka.connect.transforms.Cast",
        ),
    ]));
    let (_, v) = result
        .iter()
        .find(|(k, _)| k.name == "transforms.k.fields")
        .unwrap();
    assert_eq!(
        v.errors,
        [
            "Missing required configuration \"transforms.k.fields\" which has no default value.",
            "Invalid value null for configuration fields: Empty list"
        ]
    );
    let (k, _) = result
        .iter()
        .find(|(k, _)| k.name == "transforms.k.replace.null.with.default")
        .unwrap();
    assert_eq!(k.order_in_group, 4);
    let (_, v) = result
        .iter()
        .find(|(k, _)| k.name == "transforms.a.type")
        .unwrap();
    assert_eq!(
        v.errors,
        ["This class is abstract and cannot be created. Did you mean org.apache.kafka.connect.transforms.Cast$Key, org.apache.kafka.connect.transforms.Cast$Value?"]
    );
    assert!(!result.iter().any(|(k, _)| k.name == "transforms.a.spec"));
}

#[test]
fn chain_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<TransformationChain>();
}
