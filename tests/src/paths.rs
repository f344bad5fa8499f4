//! Where the release build put the artefacts the integration tests load: plugin shared
//! libraries (`lib<crate>.so`) and the `ferry` worker binary.
//!
//! Integration tests run the *release* artefacts (`cargo build --release --workspace`, which
//! `scripts/test.sh` does before the tests), because plugins and the worker are built with the
//! release profile's `panic = "unwind"` and the tests should exercise what ships.

use std::path::{Path, PathBuf};

use anyhow::bail;

const BUILD_HINT: &str = "run `cargo build --release --workspace` (scripts/test.sh does it before \
                          the tests), or point FERRY_TARGET_DIR at the directory holding the \
                          release artefacts";

/// The workspace root (the directory with the top-level `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .map_or_else(|| manifest_dir.to_path_buf(), Path::to_path_buf)
}

/// The directory with the release artefacts: `$FERRY_TARGET_DIR` if set, else
/// `$CARGO_TARGET_DIR/release` (a relative `CARGO_TARGET_DIR` is taken relative to the workspace
/// root), else `<workspace>/target/release`. The directory may not exist yet.
pub fn target_dir() -> PathBuf {
    if let Some(dir) = non_empty_env("FERRY_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    if let Some(dir) = non_empty_env("CARGO_TARGET_DIR") {
        let dir = PathBuf::from(dir);
        let dir = if dir.is_absolute() {
            dir
        } else {
            workspace_root().join(dir)
        };
        return dir.join("release");
    }
    workspace_root().join("target").join("release")
}

/// The `ferry` worker binary of the release build; an error saying how to build it if missing.
pub fn ferry_binary() -> anyhow::Result<PathBuf> {
    let path = target_dir().join("ferry");
    if !path.is_file() {
        bail!(
            "the ferry binary is not at {}: {BUILD_HINT}",
            path.display()
        );
    }
    Ok(path)
}

/// The file name cargo gives a `cdylib` on Linux: `"ferry_file_sink"` and `"ferry-file-sink"`
/// become `"libferry_file_sink.so"`; a name already of the form `lib*.so` is kept.
pub fn plugin_file_name(lib_name: &str) -> String {
    if lib_name.starts_with("lib") && lib_name.ends_with(".so") {
        return lib_name.to_string();
    }
    let base = lib_name.replace('-', "_");
    let base = base.strip_prefix("lib").unwrap_or(&base);
    format!("lib{base}.so")
}

/// The shared library of a plugin crate in the release build, by its library base name
/// (`"ferry_file_sink"` -> `<target>/release/libferry_file_sink.so`); an error listing the
/// plugins that are there and saying how to build them if it is missing.
pub fn plugin_so(lib_name: &str) -> anyhow::Result<PathBuf> {
    let dir = target_dir();
    let path = dir.join(plugin_file_name(lib_name));
    if !path.is_file() {
        let present = built_plugins(&dir);
        bail!(
            "plugin library {} not found (built there: {}): {BUILD_HINT}",
            path.display(),
            if present.is_empty() {
                "none".to_string()
            } else {
                present.join(", ")
            }
        );
    }
    Ok(path)
}

fn built_plugins(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.starts_with("lib") && n.ends_with(".so"))
        .collect();
    names.sort();
    names
}

fn non_empty_env(name: &str) -> Option<std::ffi::OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_file_names() {
        assert_eq!(plugin_file_name("ferry_file_sink"), "libferry_file_sink.so");
        assert_eq!(plugin_file_name("ferry-file-sink"), "libferry_file_sink.so");
        assert_eq!(plugin_file_name("libferry_x"), "libferry_x.so");
        assert_eq!(plugin_file_name("libferry_x.so"), "libferry_x.so");
    }

    #[test]
    fn workspace_root_has_the_workspace_manifest() {
        let manifest = std::fs::read_to_string(workspace_root().join("Cargo.toml")).unwrap();
        assert!(manifest.contains("[workspace]"));
    }

    #[test]
    fn missing_plugin_error_says_how_to_build() {
        let err = plugin_so("ferry_no_such_plugin_for_sure").unwrap_err();
        assert!(format!("{err}").contains("cargo build --release"), "{err}");
    }
}
