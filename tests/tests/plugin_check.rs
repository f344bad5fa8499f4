//! `ferry plugin check PATH.so`: what a loadable file exports, exactly why another is refused,
//! and the exit status. Runs the release `ferry` binary.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod plugin_common;

use std::path::Path;
use std::process::Command;

use ferry_plugin_abi::{ABI_MAJOR, ABI_MINOR};
use ferry_tests::{ferry_binary, plugin_so};

fn check(path: &Path) -> (bool, String) {
    let out = Command::new(ferry_binary().unwrap())
        .args(["plugin", "check"])
        .arg(path)
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn a_good_plugin_prints_classes_versions_types_abi_and_keys() {
    let so = plugin_common::example_v1();
    let (ok, text) = check(&so);
    assert!(ok, "{text}");
    let first = format!("{}: ok: plugin ABI {ABI_MAJOR}.{ABI_MINOR} (this worker supports {ABI_MAJOR}.0 to {ABI_MAJOR}.{ABI_MINOR}), built with plugin-sdk ", so.display());
    assert!(text.starts_with(&first), "{text}");
    for expected in [
        "2 connector class(es):".to_owned(),
        "  com.example.CounterSourceConnector (type source, version 1.0.0)".into(),
        "    task class: com.example.CounterSourceTask".into(),
        "      topic (STRING, required, importance HIGH): The topic to write the counts to.".into(),
        "      max.count (LONG, default: 9223372036854775807, importance MEDIUM): Stop counting after this number.".into(),
        "  com.example.LineSinkConnector (type sink, version 1.0.0)".into(),
    ] {
        assert!(text.lines().any(|l| l == expected), "missing {expected:?} in\n{text}");
    }
}

#[test]
fn refusals_say_exactly_why_and_exit_non_zero() {
    let dir = tempfile::tempdir().unwrap();
    let text_file = dir.path().join("notes.so");
    std::fs::write(&text_file, b"hello").unwrap();
    let (ok, text) = check(&text_file);
    assert!(!ok);
    assert_eq!(
        text.trim(),
        format!(
            "{0}: refused: {0} is not a shared library (it has no ELF header)",
            text_file.display()
        )
    );

    let sink = std::fs::read(plugin_so("ferry_file_sink").unwrap()).unwrap();
    let truncated = dir.path().join("truncated.so");
    std::fs::write(&truncated, &sink[..sink.len() / 3]).unwrap();
    let (ok, text) = check(&truncated);
    assert!(!ok);
    assert!(
        text.contains("refused:") && text.contains("is truncated or corrupt: "),
        "{text}"
    );

    // A newer ABI minor than this worker: the message says which versions would work.
    let future = plugin_so("ferry_test_future_abi").unwrap();
    let (ok, text) = check(&future);
    assert!(!ok);
    assert!(
        text.contains(&format!(
            "is built for Ferry plugin ABI {ABI_MAJOR}.999, this worker supports {ABI_MAJOR}.0 to {ABI_MAJOR}.{ABI_MINOR}"
        )),
        "{text}"
    );

    let (ok, text) = check(&dir.path().join("missing.so"));
    assert!(!ok);
    assert!(
        text.contains("refused:") && text.contains("No such file"),
        "{text}"
    );
}
