//! Shared by the `plugin_*` tests: building plugins that live outside the workspace (the
//! out-of-tree example, the frozen old-ABI plugin) with cargo, offline, into one target
//! directory (`target/plugin-tests`), and small file helpers.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)] // test code

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Mutex;

use ferry_tests::workspace_root;

/// Builds run one at a time within a test binary (cargo locks the target directory across
/// binaries).
static BUILD: Mutex<()> = Mutex::new(());

/// Where the out-of-workspace plugins are built.
pub fn plugin_target_dir() -> PathBuf {
    workspace_root().join("target").join("plugin-tests")
}

/// `cargo build --release --offline` of the package at `manifest` (optionally one `-p`); the
/// `lib<name>.so` it produced.
pub fn cargo_build(manifest: &Path, package: Option<&str>, lib_name: &str) -> PathBuf {
    let _guard = BUILD.lock().unwrap_or_else(|p| p.into_inner());
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["build", "--release", "--offline", "--manifest-path"])
        .arg(manifest)
        .env("CARGO_TARGET_DIR", plugin_target_dir())
        // Not the workspace's settings: the example must build as a stranger's crate would.
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_TARGET_DIR");
    if let Some(p) = package {
        cmd.args(["-p", p]);
    }
    let out = cmd.output().expect("running cargo");
    assert!(
        out.status.success(),
        "cargo build of {} failed:\n{}",
        manifest.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let so = plugin_target_dir()
        .join("release")
        .join(format!("lib{lib_name}.so"));
    assert!(so.is_file(), "{} was not built", so.display());
    so
}

/// The out-of-tree example (`examples/out-of-tree-connector`), built as it is (version 1.0.0).
pub fn example_v1() -> PathBuf {
    let manifest = workspace_root().join("examples/out-of-tree-connector/Cargo.toml");
    cargo_build(&manifest, None, "counter_connector")
}

/// The same example with its crate version changed to 2.0.0 (a copy under the target
/// directory, so the library is `libcounter_connector_v2.so`): the same classes, a newer
/// version.
pub fn example_v2() -> PathBuf {
    let src = workspace_root().join("examples/out-of-tree-connector");
    let dst = plugin_target_dir().join("example-v2");
    std::fs::create_dir_all(dst.join("src")).unwrap();
    let manifest = std::fs::read_to_string(src.join("Cargo.toml"))
        .unwrap()
        .replace(
            "name = \"counter-connector\"",
            "name = \"counter-connector-v2\"",
        )
        .replace("version = \"1.0.0\"", "version = \"2.0.0\"")
        .replace(
            "path = \"../../plugin-sdk\"",
            &format!(
                "path = \"{}\"",
                workspace_root().join("plugin-sdk").display()
            ),
        );
    write_if_changed(&dst.join("Cargo.toml"), manifest.as_bytes());
    write_if_changed(
        &dst.join("Cargo.lock"),
        &std::fs::read(src.join("Cargo.lock")).unwrap(),
    );
    write_if_changed(
        &dst.join("src/lib.rs"),
        &std::fs::read(src.join("src/lib.rs")).unwrap(),
    );
    cargo_build(&dst.join("Cargo.toml"), None, "counter_connector_v2")
}

/// The plugin built against the frozen ABI 1.0 SDK (`tests/abi-compat/v1_0`).
pub fn abi_v1_0_plugin() -> PathBuf {
    let manifest = workspace_root().join("tests/abi-compat/v1_0/Cargo.toml");
    cargo_build(
        &manifest,
        Some("ferry-abi-v1-0-counter"),
        "ferry_abi_v1_0_counter",
    )
}

/// Write `bytes` unless already there, atomically (test binaries may run this concurrently
/// while another one's cargo reads the file).
fn write_if_changed(path: &Path, bytes: &[u8]) {
    if std::fs::read(path).ok().as_deref() != Some(bytes) {
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, bytes).unwrap();
        std::fs::rename(&tmp, path).unwrap();
    }
}

/// Copy `src` into `dir` as `name` the way an operator should: to a hidden temporary name in
/// the same directory, then rename into place (atomic).
pub fn install(src: &Path, dir: &Path, name: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let tmp = dir.join(format!(".{name}.partial"));
    std::fs::copy(src, &tmp).unwrap();
    let dst = dir.join(name);
    std::fs::rename(&tmp, &dst).unwrap();
    dst
}
