//! Opening one plugin library and checking that the worker can use it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use ferry_configdef::ConfigDef;
use ferry_plugin_abi::abi_stable::library::{lib_header_from_path, LibraryError};
use ferry_plugin_abi::{LibraryInfo, LogCallback, PluginMod_Ref, ABI_MAJOR, ABI_MINOR};
use thiserror::Error;

use super::elf::{check_elf_file, ElfProblem};

/// Why a file was not loaded.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum LoadError {
    #[error("cannot be opened as a shared library (truncated, corrupt or not built for this platform): {0}")]
    Open(String),
    #[error("is not a shared library (it has no ELF header)")]
    NotElf,
    #[error("is built for another platform: {0}")]
    OtherPlatform(String),
    #[error("is truncated or corrupt: {0}")]
    Corrupt(String),
    #[error("is not a Ferry plugin (it has no Ferry root module)")]
    NotAPlugin,
    #[error("is built for Ferry plugin ABI {found}, this worker supports {supported}")]
    IncompatibleAbi { found: String, supported: String },
    #[error("is built with an incompatible abi_stable or type layout: {0}")]
    Layout(String),
    #[error("was built with panic=abort; plugins must unwind so that a panic fails only its task (set panic = \"unwind\" in the plugin's Cargo profile)")]
    NoUnwind,
    #[error("failed to initialise: {0}")]
    Init(String),
    #[error("exports no connector classes")]
    Empty,
    #[error("exports class {class} with a malformed config definition: {reason}")]
    BadDescriptor { class: String, reason: String },
}

fn supported() -> String {
    format!("{ABI_MAJOR}.0 to {ABI_MAJOR}.{ABI_MINOR}")
}

fn classify(err: LibraryError) -> LoadError {
    match err {
        LibraryError::OpenError { err, .. } => LoadError::Open(err.to_string()),
        LibraryError::GetSymbolError { .. } => LoadError::NotAPlugin,
        LibraryError::IncompatibleVersionNumber { actual_version, .. } => {
            LoadError::IncompatibleAbi {
                found: format!("{}.x", actual_version.major),
                supported: supported(),
            }
        }
        LibraryError::RootModule { err, .. } => LoadError::Init(err.to_string()),
        other => LoadError::Layout(other.to_string()),
    }
}

/// The kind of a connector class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PluginKind {
    Source,
    Sink,
}

impl PluginKind {
    /// Kafka's lower-case type name.
    pub fn as_str(self) -> &'static str {
        match self {
            PluginKind::Source => "source",
            PluginKind::Sink => "sink",
        }
    }
}

/// A connector class exported by a loaded library.
#[derive(Debug)]
pub struct PluginClass {
    pub class: String,
    pub kind: PluginKind,
    pub version: String,
    pub task_class: String,
    pub config_def: ConfigDef,
    pub library: Arc<LoadedLibrary>,
}

/// A library that passed every check. Never unloaded.
pub struct LoadedLibrary {
    pub path: PathBuf,
    pub module: PluginMod_Ref,
    pub info: LibraryInfo,
}

impl std::fmt::Debug for LoadedLibrary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedLibrary")
            .field("path", &self.path)
            .field("info", &self.info)
            .finish()
    }
}

/// Check what a library says about itself against this worker.
pub fn check_library_info(info: &LibraryInfo) -> Result<(), LoadError> {
    if info.abi_major != ABI_MAJOR || info.abi_minor > ABI_MINOR {
        return Err(LoadError::IncompatibleAbi {
            found: format!("{}.{}", info.abi_major, info.abi_minor),
            supported: supported(),
        });
    }
    if !info.panic_unwind {
        return Err(LoadError::NoUnwind);
    }
    Ok(())
}

/// Open `path` and return its classes. The library is leaked on success and on failure after
/// it was opened (abi_stable never unloads, and a half-used library must not be unloaded).
pub fn load_library(path: &Path, log: LogCallback) -> Result<Vec<PluginClass>, LoadError> {
    check_elf_file(path).map_err(|p| match p {
        ElfProblem::NotElf => LoadError::NotElf,
        ElfProblem::OtherPlatform(d) => LoadError::OtherPlatform(d),
        ElfProblem::Truncated(d) => LoadError::Corrupt(d),
    })?;
    let header = lib_header_from_path(path).map_err(classify)?;
    let module = header
        .init_root_module::<PluginMod_Ref>()
        .map_err(classify)?;
    let info = (module.library_info())();
    check_library_info(&info)?;
    (module.init_logging())(log);
    let descriptors = (module.plugins())();
    if descriptors.is_empty() {
        return Err(LoadError::Empty);
    }
    let library = Arc::new(LoadedLibrary {
        path: path.to_path_buf(),
        module,
        info,
    });
    descriptors
        .into_iter()
        .map(|d| {
            let kind = match d.kind {
                ferry_plugin_abi::PluginKind::SOURCE => PluginKind::Source,
                ferry_plugin_abi::PluginKind::SINK => PluginKind::Sink,
                other => {
                    return Err(LoadError::BadDescriptor {
                        class: d.class.to_string(),
                        reason: format!("unknown plugin kind {}", other.0),
                    })
                }
            };
            let config_def = serde_json::from_str(d.config_def.as_str()).map_err(|e| {
                LoadError::BadDescriptor {
                    class: d.class.to_string(),
                    reason: e.to_string(),
                }
            })?;
            Ok(PluginClass {
                class: d.class.to_string(),
                kind,
                version: d.version.to_string(),
                task_class: d.task_class.to_string(),
                config_def,
                library: library.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(major: u16, minor: u16, unwind: bool) -> LibraryInfo {
        LibraryInfo {
            abi_major: major,
            abi_minor: minor,
            panic_unwind: unwind,
            sdk_version: "0.1.0".into(),
        }
    }

    #[test]
    fn version_rules() {
        assert!(check_library_info(&info(ABI_MAJOR, ABI_MINOR, true)).is_ok());
        let newer = check_library_info(&info(ABI_MAJOR, ABI_MINOR + 1, true)).unwrap_err();
        assert_eq!(
            newer.to_string(),
            format!("is built for Ferry plugin ABI {ABI_MAJOR}.{}, this worker supports {ABI_MAJOR}.0 to {ABI_MAJOR}.{ABI_MINOR}", ABI_MINOR + 1)
        );
        assert!(matches!(
            check_library_info(&info(ABI_MAJOR + 1, 0, true)),
            Err(LoadError::IncompatibleAbi { .. })
        ));
        assert_eq!(
            check_library_info(&info(ABI_MAJOR, 0, false)),
            Err(LoadError::NoUnwind)
        );
    }
}
