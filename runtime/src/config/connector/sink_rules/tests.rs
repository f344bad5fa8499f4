//! Vectors for the sink rules between keys.

use std::collections::BTreeMap;

use super::super::sink_connector_def;
use super::*;

fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn sink_topic_rules() {
    let ok: &[&[(&str, &str)]] = &[
        &[("topics", "a")],
        &[("topics", "a,b"), ("topics.regex", " ")],
        &[("topics.regex", "a.*")],
        &[("topics", ""), ("topics.regex", "x")],
        &[
            ("topics", "a"),
            ("errors.deadletterqueue.topic.name", "dlq"),
        ],
        &[
            ("topics.regex", "a.*"),
            ("errors.deadletterqueue.topic.name", "dlq"),
        ],
        &[
            ("topics.regex", "dl"),
            ("errors.deadletterqueue.topic.name", "dlq"),
        ],
        &[("topics", "a"), ("errors.deadletterqueue.topic.name", "  ")],
    ];
    for case in ok {
        assert_eq!(validate_sink_topics(&props(case)), Ok(()), "{case:?}");
    }
    let bad: &[(&[(&str, &str)], &str)] = &[
        (&[], "Invalid value null for configuration topics: Must configure one of topics or topics.regex"),
        (&[("topics", " "), ("topics.regex", "")], "Invalid value   for configuration topics: Must configure one of topics or topics.regex"),
        (&[("topics", "a"), ("topics.regex", "b")], "Invalid value a for configuration topics: topics and topics.regex are mutually exclusive options, but both are set."),
        (&[("topics", "a, dlq,a"), ("errors.deadletterqueue.topic.name", " dlq ")],
         "Invalid value a, dlq,a for configuration topics: The DLQ topic 'dlq' may not be included in the list of topics ('topics=[a, dlq]') consumed by the connector"),
        (&[("topics.regex", "d.*"), ("errors.deadletterqueue.topic.name", "dlq")],
         "Invalid value d.* for configuration topics.regex: The DLQ topic 'dlq' may not be matched by the regex for the topics ('topics.regex=d.*') consumed by the connector"),
    ];
    for (case, message) in bad {
        let err = validate_sink_topics(&props(case)).expect_err(message);
        assert_eq!(err.to_string(), *message);
    }
    // An uncompilable regex is the definition's error, not a DLQ match.
    assert_eq!(
        validate_sink_topics(&props(&[
            ("topics.regex", "("),
            ("errors.deadletterqueue.topic.name", "(")
        ])),
        Ok(())
    );
}

#[test]
fn sink_topic_errors_join_validation_results() {
    let p = props(&[
        ("name", "n"),
        ("connector.class", "C"),
        ("topics", "a"),
        ("topics.regex", "b"),
    ]);
    let mut values = sink_connector_def().validate(&p);
    let count = values.len();
    add_sink_topic_errors(&p, &mut values);
    assert_eq!(values.len(), count);
    let message = "topics and topics.regex are mutually exclusive options, but both are set.";
    for name in ["topics", "topics.regex"] {
        let value = values.iter().find(|v| v.name == name).expect(name);
        assert_eq!(value.errors, [message]);
    }
    let mut fresh = Vec::new();
    add_sink_topic_errors(&props(&[]), &mut fresh);
    assert_eq!(fresh.len(), 2);
    assert_eq!(
        (fresh[0].name.as_str(), fresh[0].value.as_deref()),
        ("topics", None)
    );
    assert_eq!(
        fresh[1].errors,
        ["Must configure one of topics or topics.regex"]
    );
}

#[test]
fn topic_list_drops_blanks_and_duplicates() {
    assert_eq!(topic_list("a, b,,a ,c"), ["a", "b", "c"]);
    assert!(topic_list("").is_empty());
}
