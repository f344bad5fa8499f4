//! Vectors for listeners, the advertised address and the worker id.

use std::collections::BTreeMap;

use crate::config::worker::{Mode, WorkerConfig};

use super::*;

fn config(pairs: &[(&str, &str)]) -> Result<WorkerConfig, ConfigError> {
    let mut p: BTreeMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    p.insert("offset.storage.file.filename".into(), "/tmp/o".into());
    WorkerConfig::from_properties(&p, Mode::Standalone)
}

fn listener(host: &str, port: u16) -> Listener {
    Listener {
        host: host.to_owned(),
        port,
    }
}

#[test]
fn listeners_parse_like_kafka() {
    for (text, want) in [
        ("http://:8083", listener("", 8083)),
        ("HTTP://myhost:8084", listener("myhost", 8084)),
        ("http://0.0.0.0:0", listener("0.0.0.0", 0)),
        ("http://[::1]:8083", listener("::1", 8083)),
        ("http://127.0.0.1:80", listener("127.0.0.1", 80)),
        (
            "http://my-host.example.com:65535",
            listener("my-host.example.com", 65535),
        ),
    ] {
        assert_eq!(
            Listener::parse("listeners", text).expect(text),
            want,
            "{text}"
        );
    }
    let format = "Listener doesn't have the right format (protocol://hostname:port).";
    for (text, reason) in [
        (
            "https://:8443",
            "HTTPS listeners are not supported by Ferry; use http://hostname:port",
        ),
        (
            "ftp://host:21",
            "Listener protocol must be \"http\" (Ferry does not support \"https\").",
        ),
        ("localhost:8083", format),
        ("http://:", format),
        ("http://host", format),
        ("http://ho st:1", format),
        ("http://a/b:1", format),
        ("http://:80a", format),
        (
            "http://:99999",
            "Listener port must be between 0 and 65535.",
        ),
        ("http://:-1", "Listener port must be between 0 and 65535."),
    ] {
        let err = Listener::parse("listeners", text).expect_err(text);
        assert_eq!(
            err.to_string(),
            format!("Invalid value {text} for configuration listeners: {reason}")
        );
    }
}

#[test]
fn listener_rendering() {
    assert_eq!(listener("", 8083).bind_address(), "0.0.0.0:8083");
    assert_eq!(listener("::1", 8083).bind_address(), "[::1]:8083");
    assert_eq!(listener("h", 1).bind_address(), "h:1");
    assert_eq!(listener("::1", 8083).to_string(), "http://[::1]:8083");
    assert_eq!(listener("", 8083).to_string(), "http://:8083");
}

#[test]
fn listener_lists() {
    let rest = config(&[("listeners", "http://a:1, http://b:2")])
        .expect("valid")
        .rest;
    assert_eq!(rest.listeners, [listener("a", 1), listener("b", 2)]);
    for (value, message) in [
        ("", "Invalid value for listeners, at least one URL is expected, ex: http://localhost:8080,https://localhost:8443."),
        ("http://:1,,http://:2", "Empty URL found when parsing listeners list."),
        ("https://:8443", "Invalid value https://:8443 for configuration listeners: HTTPS listeners are not supported by Ferry; use http://hostname:port"),
    ] {
        let err = config(&[("listeners", value)]).expect_err(value);
        assert_eq!(err.to_string(), message);
    }
    let disabled = config(&[("admin.listeners", "")]).expect("valid").rest;
    assert_eq!(disabled.admin_listeners, Some(vec![]));
    let err = config(&[("admin.listeners", "http://:1, ")]).expect_err("blank");
    assert_eq!(
        err.to_string(),
        "Empty URL found when parsing admin.listeners list."
    );
}

#[test]
fn advertised_settings() {
    let rest = config(&[
        ("rest.advertised.host.name", "connect-1"),
        ("rest.advertised.port", "9999"),
        ("rest.advertised.listener", "HTTP"),
        ("access.control.allow.origin", "*"),
        ("access.control.allow.methods", "GET,POST"),
        ("response.http.headers.config", "add X-Frame-Options: DENY"),
    ])
    .expect("valid")
    .rest;
    assert_eq!(rest.advertised_host_name.as_deref(), Some("connect-1"));
    assert_eq!(rest.advertised_port, Some(9999));
    assert_eq!(rest.access_control_allow_origin, "*");
    assert_eq!(rest.access_control_allow_methods, "GET,POST");
    assert_eq!(rest.response_http_headers, "add X-Frame-Options: DENY");
    assert_eq!(
        rest.advertised_url("10.0.0.1", Some(1)),
        "http://connect-1:9999/"
    );
    for (key, value, reason) in [
        (
            "rest.advertised.listener",
            "https",
            "Ferry supports only the \"http\" listener",
        ),
        (
            "rest.advertised.port",
            "70000",
            "Value must be between 0 and 65535",
        ),
        (
            "rest.advertised.port",
            "-1",
            "Value must be between 0 and 65535",
        ),
    ] {
        let err = config(&[(key, value)]).expect_err(value);
        assert_eq!(
            err.to_string(),
            format!("Invalid value {value} for configuration {key}: {reason}")
        );
    }
}

#[test]
fn worker_ids() {
    let id = |pairs: &[(&str, &str)], local: &str, bound: Option<u16>| {
        config(pairs)
            .expect("valid")
            .rest
            .worker_id_for(local, bound)
    };
    assert_eq!(id(&[], "10.0.0.5", None), "10.0.0.5:8083");
    assert_eq!(config(&[]).expect("valid").worker_id(), "localhost:8083");
    assert_eq!(
        id(
            &[("listeners", "http://myhost:8084,http://other:1")],
            "x",
            None
        ),
        "myhost:8084"
    );
    assert_eq!(
        id(
            &[
                ("rest.advertised.host.name", "adv"),
                ("rest.advertised.port", "1234")
            ],
            "x",
            Some(5)
        ),
        "adv:1234"
    );
    assert_eq!(
        id(&[("rest.advertised.host.name", "")], "x", None),
        "x:8083"
    );
    assert_eq!(
        id(&[("listeners", "http://:0")], "x", Some(41234)),
        "x:41234"
    );
    assert_eq!(id(&[("listeners", "http://:0")], "x", None), "x:0");
    assert_eq!(
        id(&[("listeners", "http://[::1]:8083")], "x", None),
        "[::1]:8083"
    );
    assert_eq!(
        id(&[("rest.advertised.host.name", "[fe80::1]")], "x", None),
        "[fe80::1]:8083"
    );
    let rest = config(&[]).expect("valid").rest;
    assert_eq!(
        rest.advertised_url("localhost", None),
        "http://localhost:8083/"
    );
    assert_eq!(rest.advertised_host_port("h", None), ("h".to_owned(), 8083));
}
