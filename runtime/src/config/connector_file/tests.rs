//! Vectors for connector-file parsing (forms, precedence, names, initial states, errors).

use super::*;

const PATH: &str = "/etc/ferry/conn.json";

fn parse_ok(text: &str) -> ConnectorFile {
    ConnectorFile::parse(text, PATH).unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

fn config(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn json_config_object() {
    let file = parse_ok(
        r#"{"name": "local-file-sink", "connector.class": "FileStreamSink", "tasks.max": "1"}"#,
    );
    assert_eq!(file.name, "local-file-sink");
    assert_eq!(file.format, ConnectorFileFormat::JsonConfig);
    assert_eq!(file.initial_state, None);
    assert_eq!(
        file.config,
        config(&[
            ("name", "local-file-sink"),
            ("connector.class", "FileStreamSink"),
            ("tasks.max", "1")
        ])
    );
}

#[test]
fn json_config_scalars_are_stringified_and_nulls_dropped() {
    let file = parse_ok(
        r#"{"name": "n", "tasks.max": 3, "errors.log.enable": true, "x": 1.5, "y": -7, "z": null}"#,
    );
    assert_eq!(
        file.config,
        config(&[
            ("name", "n"),
            ("tasks.max", "3"),
            ("errors.log.enable", "true"),
            ("x", "1.5"),
            ("y", "-7")
        ])
    );
    let numeric_name = parse_ok(r#"{"name": 42}"#);
    assert_eq!(numeric_name.name, "42");
}

#[test]
fn json_config_without_name_is_rejected_with_kafkas_message() {
    for text in [
        r#"{"connector.class": "X"}"#,
        r#"{}"#,
        r#"{"name": null, "a": "b"}"#,
    ] {
        let err = ConnectorFile::parse(text, PATH).expect_err(text);
        assert_eq!(
            err.to_string(),
            "Connector configuration at '/etc/ferry/conn.json' is missing the mandatory 'name' configuration"
        );
    }
}

#[test]
fn create_request_form() {
    let file = parse_ok(
        r#"{"name": "s", "config": {"connector.class": "FileStreamSource", "tasks.max": 2}, "initial_state": "paused", "extra": [1]}"#,
    );
    assert_eq!(file.format, ConnectorFileFormat::JsonCreateRequest);
    assert_eq!(file.name, "s");
    assert_eq!(file.initial_state, Some(TargetState::Paused));
    assert_eq!(
        file.config,
        config(&[
            ("connector.class", "FileStreamSource"),
            ("tasks.max", "2"),
            ("name", "s")
        ])
    );
    for (state, want) in [
        ("RUNNING", Some(TargetState::Started)),
        ("Stopped", Some(TargetState::Stopped)),
        ("PAUSED", Some(TargetState::Paused)),
    ] {
        let text = format!(r#"{{"name": "s", "config": {{}}, "initial_state": "{state}"}}"#);
        assert_eq!(parse_ok(&text).initial_state, want, "{state}");
    }
    let null_state = parse_ok(r#"{"name": "s", "config": {"name": "s"}, "initial_state": null}"#);
    assert_eq!(null_state.initial_state, None);
    assert_eq!(null_state.config, config(&[("name", "s")]));
}

#[test]
fn create_request_name_rules() {
    let mismatch = ConnectorFile::parse(r#"{"name": "a", "config": {"name": "b"}}"#, PATH)
        .expect_err("mismatch");
    assert_eq!(
        mismatch.to_string(),
        "Connector name configuration in 'config' doesn't match the one specified in 'name' at '/etc/ferry/conn.json'"
    );
    let only_in_config =
        ConnectorFile::parse(r#"{"config": {"name": "b"}}"#, PATH).expect_err("no name");
    assert!(matches!(
        only_in_config,
        ConnectorFileError::NameMismatch { .. }
    ));
    let none = ConnectorFile::parse(r#"{"config": {"a": "b"}}"#, PATH).expect_err("no name");
    assert!(matches!(none, ConnectorFileError::MissingName { .. }));
    // The non-scalar `tags` makes this a request rather than a config map; `config` is absent.
    let missing_config = parse_ok(r#"{"name": "solo", "initial_state": "STOPPED", "tags": {}}"#);
    assert_eq!(
        missing_config.format,
        ConnectorFileFormat::JsonCreateRequest
    );
    assert_eq!(missing_config.config, config(&[("name", "solo")]));
    assert_eq!(missing_config.initial_state, Some(TargetState::Stopped));
    // All scalars: form 1, even with a `config` key.
    let scalars = parse_ok(r#"{"name": "a", "config": "oops", "initial_state": null}"#);
    assert_eq!(scalars.format, ConnectorFileFormat::JsonConfig);
    assert_eq!(scalars.config, config(&[("name", "a"), ("config", "oops")]));
}

#[test]
fn invalid_initial_state_is_reported() {
    for state in [r#""STARTED""#, r#""""#, "1", r#"["RUNNING"]"#] {
        let text = format!(r#"{{"name": "s", "config": {{}}, "initial_state": {state}}}"#);
        let err = ConnectorFile::parse(&text, PATH).expect_err(&text);
        assert!(
            matches!(err, ConnectorFileError::InvalidInitialState { .. }),
            "{text}: {err}"
        );
        assert!(err.to_string().contains(state), "{err}");
    }
}

#[test]
fn form_one_wins_over_form_two() {
    // As in Kafka: an all-scalar object is a config map even if it looks like a request.
    let file = parse_ok(r#"{"name": "a", "initial_state": "PAUSED"}"#);
    assert_eq!(file.format, ConnectorFileFormat::JsonConfig);
    assert_eq!(file.initial_state, None);
    assert_eq!(
        file.config,
        config(&[("name", "a"), ("initial_state", "PAUSED")])
    );
}

#[test]
fn json_of_neither_shape_falls_back_to_properties() {
    // Kafka would then parse the JSON text as properties; so do we.
    for text in [
        r#"{"name": {"x": 1}}"#,
        r#"{"name": "a", "config": "oops", "x": [1]}"#,
        r#"["a"]"#,
        "42",
    ] {
        let err = ConnectorFile::parse(text, PATH).expect_err(text);
        assert!(
            matches!(err, ConnectorFileError::MissingName { .. }),
            "{text}: {err}"
        );
    }
    let nested = r#"{"name": "a", "config": {"k": {"deep": 1}}}"#;
    let err = ConnectorFile::parse(nested, PATH).expect_err(nested);
    assert!(matches!(err, ConnectorFileError::MissingName { .. }));
}

#[test]
fn only_the_first_json_value_is_read() {
    let file = parse_ok("{\"name\": \"first\"}\n{\"name\": \"second\"}");
    assert_eq!(file.name, "first");
    let trailing = parse_ok("{\"name\": \"x\"} trailing garbage");
    assert_eq!(trailing.name, "x");
}

#[test]
fn properties_form() {
    let text = "# comment\nname=local-file-source\nconnector.class=FileStreamSource\ntasks.max=1\n\
                file=/tmp/test.txt\ntopic=connect-test\n";
    let file = parse_ok(text);
    assert_eq!(file.format, ConnectorFileFormat::Properties);
    assert_eq!(file.name, "local-file-source");
    assert_eq!(file.config.len(), 5);
    assert_eq!(file.config["topic"], "connect-test");
    let empty_name = parse_ok("name=\n");
    assert_eq!(empty_name.name, "");
    for text in ["", "connector.class=X\n", "# name=x\n"] {
        let err = ConnectorFile::parse(text, "c.properties").expect_err(text);
        assert_eq!(
            err.to_string(),
            "Connector configuration at 'c.properties' is missing the mandatory 'name' configuration"
        );
    }
    let bad = ConnectorFile::parse("name=x\nbad=\\u12", "c.properties").expect_err("bad escape");
    assert!(matches!(bad, ConnectorFileError::Properties { .. }));
    assert!(bad.to_string().contains("line 2"), "{bad}");
}

#[test]
fn loads_files() {
    let dir = tempfile::tempdir().expect("tempdir");
    let json = dir.path().join("c.json");
    std::fs::write(&json, b"\xEF\xBB\xBF{\"name\": \"bom\"}").expect("write");
    assert_eq!(ConnectorFile::load(&json).expect("loads").name, "bom");
    let props = dir.path().join("c.properties");
    std::fs::write(&props, b"name=caf\xe9\n").expect("write");
    assert_eq!(
        ConnectorFile::load(&props).expect("loads").name,
        "caf\u{e9}"
    );
    let missing = dir.path().join("missing.json");
    let err = ConnectorFile::load(&missing).expect_err("missing");
    assert!(matches!(err, ConnectorFileError::Io { .. }));
    assert!(err.to_string().contains("missing.json"), "{err}");
}
