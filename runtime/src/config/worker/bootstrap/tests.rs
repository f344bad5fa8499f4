//! Vectors for `bootstrap.servers`, end to end through [`WorkerConfig::from_properties`].

use std::collections::BTreeMap;

use crate::config::worker::{Mode, WorkerConfig};

use super::*;

fn standalone(raw: &str) -> Result<WorkerConfig, ConfigError> {
    let props = BTreeMap::from([
        (
            "offset.storage.file.filename".to_owned(),
            "/tmp/o".to_owned(),
        ),
        ("bootstrap.servers".to_owned(), raw.to_owned()),
    ]);
    WorkerConfig::from_properties(&props, Mode::Standalone)
}

fn standalone_err(raw: &str) -> String {
    standalone(raw).expect_err("should fail").to_string()
}

#[test]
fn unset_means_embedded() {
    let props = BTreeMap::from([(
        "offset.storage.file.filename".to_owned(),
        "/tmp/o".to_owned(),
    )]);
    let config = WorkerConfig::from_properties(&props, Mode::Standalone).expect("valid");
    assert_eq!(config.bootstrap, Bootstrap::Embedded);
}

#[test]
fn bootstrap_servers() {
    let servers = |v: &[&str]| Bootstrap::Servers(v.iter().map(|s| s.to_string()).collect());
    for (raw, want) in [
        ("embedded", Bootstrap::Embedded),
        (" embedded ", Bootstrap::Embedded),
        ("embedded,", Bootstrap::Embedded),
        ("localhost:9092", servers(&["localhost:9092"])),
        (
            "a:1 , b.example.com:2",
            servers(&["a:1", "b.example.com:2"]),
        ),
        ("a:1,,b:2,", servers(&["a:1", "b:2"])),
        (
            "PLAINTEXT://broker:9092",
            servers(&["PLAINTEXT://broker:9092"]),
        ),
        (
            "[::1]:9092,fe80::1%eth0:9093",
            servers(&["[::1]:9092", "fe80::1%eth0:9093"]),
        ),
    ] {
        let config = standalone(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        assert_eq!(config.bootstrap, want, "{raw}");
    }
    let allowed = "expected 'embedded' or a comma-separated list of host:port pairs";
    for (raw, message) in [
        ("", format!("Invalid value  for configuration bootstrap.servers: no broker address given; {allowed}")),
        ("localhost", format!("Invalid value localhost for configuration bootstrap.servers: invalid url 'localhost'; {allowed}")),
        ("a:1,b:99999", format!("Invalid value a:1,b:99999 for configuration bootstrap.servers: port out of range in 'b:99999'; {allowed}")),
        ("embedded,a:1", format!("Invalid value embedded,a:1 for configuration bootstrap.servers: 'embedded' cannot be combined with broker addresses; {allowed}")),
        (":9092", format!("Invalid value :9092 for configuration bootstrap.servers: invalid url ':9092'; {allowed}")),
        ("a:-1", format!("Invalid value a:-1 for configuration bootstrap.servers: invalid url 'a:-1'; {allowed}")),
        ("a b:1", format!("Invalid value a b:1 for configuration bootstrap.servers: invalid url 'a b:1'; {allowed}")),
        ("EMBEDDED", format!("Invalid value EMBEDDED for configuration bootstrap.servers: invalid url 'EMBEDDED'; {allowed}")),
    ] {
        assert_eq!(standalone_err(raw), message, "{raw}");
    }
}
