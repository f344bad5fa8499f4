//! Opening one plugin library and checking that the worker can use it.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ferry_configdef::ConfigDef;
use ferry_plugin_abi::abi_stable::library::{lib_header_from_path, LibraryError};
use ferry_plugin_abi::RootError;
use ferry_plugin_abi::{LibraryInfo, LogCallback, PluginMod_Ref, ABI_MAJOR, ABI_MINOR};
use thiserror::Error;

use super::elf::{check_elf_file, ElfProblem};
use super::transform::TransformClass;

/// Why a file was not loaded.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum LoadError {
    #[error("cannot be opened as a shared library (truncated, corrupt or not built for this platform): {0}")]
    Open(String),
    #[error("cannot be read: {0}")]
    Unreadable(String),
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
    #[error("exports no connector, transformation or predicate classes")]
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

/// A private copy of a plugin file, removed when dropped. Libraries are loaded from a copy
/// with a name used once (see [`load_library`]).
struct PrivateCopy(PathBuf);

/// ELF header fields that locate the section headers (`e_shoff`; `e_shnum`, `e_shstrndx`).
const E_SHOFF: u64 = 40;
const E_SHNUM: u64 = 60;

impl PrivateCopy {
    /// Copy the first `image` bytes of `path` (everything `dlopen` maps; not the debug
    /// information after it, which is most of a release plugin) and clear the section header
    /// fields of the copy's ELF header, which would point past its end.
    fn of(path: &Path, image: u64) -> std::io::Result<PrivateCopy> {
        use std::io::Read as _;
        use std::os::unix::fs::FileExt as _;
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "plugin.so".into());
        let copy = std::env::temp_dir().join(format!(
            "ferry-{}-{}-{name}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let from = std::fs::File::open(path)?;
        // create_new: never follow or reuse whatever is already at that name in /tmp.
        let mut to = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&copy)?;
        let guard = PrivateCopy(copy);
        // copy_file_range on Linux: the bytes never pass through user space.
        std::io::copy(&mut from.take(image), &mut to)?;
        to.write_all_at(&[0; 8], E_SHOFF)?;
        to.write_all_at(&[0; 4], E_SHNUM)?;
        Ok(guard)
    }
}

impl Drop for PrivateCopy {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The classes of one library: connectors, and (ABI 1.1) transformations and predicates.
#[derive(Debug, Default)]
pub struct LibraryClasses {
    pub connectors: Vec<PluginClass>,
    pub transforms: Vec<TransformClass>,
}

/// Open `path` and return its connector classes (see [`load_library_classes`] for all).
pub fn load_library(path: &Path, log: LogCallback) -> Result<Vec<PluginClass>, LoadError> {
    load_library_classes(path, log).map(|c| c.connectors)
}

/// Open `path` and return its classes. The library is leaked on success and on failure after
/// it was opened (abi_stable never unloads, and a half-used library must not be unloaded).
///
/// The file is copied to a private file with a name used once, checked and opened from there,
/// and the copy is deleted once opened (the mapping stays). This is what makes replacing a
/// plugin work: `dlopen` returns the library already loaded under the same path (or the same
/// inode) instead of reading the new file, and an operator's `cp new.so plugins/x.so`
/// truncates and rewrites the file in place, which would pull the code out from under running
/// tasks (SIGBUS) if it were mapped from there.
///
/// Only the part of the file that is mapped is copied (the ELF image, a few megabytes; the
/// debug information after it is most of a release plugin's size), which keeps start-up with
/// many plugins fast. The ELF structure check runs on the original (a half-written file is
/// refused) and again on the copy (so is a file that changed while it was copied).
pub fn load_library_classes(path: &Path, log: LogCallback) -> Result<LibraryClasses, LoadError> {
    std::fs::File::open(path).map_err(|e| LoadError::Unreadable(e.to_string()))?;
    let image = check_elf_file(path).map_err(elf_error)?;
    let copy = PrivateCopy::of(path, image)
        .map_err(|e| LoadError::Unreadable(format!("copying it failed: {e}")))?;
    load_from(path, &copy.0, log)
}

fn elf_error(p: ElfProblem) -> LoadError {
    match p {
        ElfProblem::NotElf => LoadError::NotElf,
        ElfProblem::OtherPlatform(d) => LoadError::OtherPlatform(d),
        ElfProblem::Truncated(d) => LoadError::Corrupt(d),
    }
}

fn load_from(path: &Path, copy: &Path, log: LogCallback) -> Result<LibraryClasses, LoadError> {
    check_elf_file(copy).map_err(elf_error)?;
    let private = copy.display().to_string();
    let public = path.display().to_string();
    let header = lib_header_from_path(copy)
        .map_err(classify)
        .map_err(|e| match e {
            LoadError::Open(m) => {
                let m = m.replace(&private, &public);
                if m.contains("failed to map segment") {
                    // Typically a noexec mount: the copy lives in the temporary directory.
                    LoadError::Open(format!(
                        "{m} (plugins are loaded from a private copy in {}; if that file system is mounted noexec, set TMPDIR to a directory on one that is not)",
                        std::env::temp_dir().display()
                    ))
                } else {
                    LoadError::Open(m)
                }
            }
            other => other,
        })?;
    let root = ferry_plugin_abi::init_root_module(header).map_err(|e| match e {
        RootError::Layout(m) => LoadError::Layout(m),
        RootError::Library(e) => classify(e),
    })?;
    let module = root.module;
    let info = (module.library_info())();
    check_library_info(&info)?;
    if let Some(full) = root.only_v1_0 {
        // Only ABI 1.0's layout matched: fine for a 1.0 library, an error for a newer one.
        if info.abi_minor > 0 {
            return Err(LoadError::Layout(full));
        }
    }
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
    let mut seen = std::collections::HashSet::new();
    if let Some(d) = descriptors.iter().find(|d| !seen.insert(d.class.as_str())) {
        return Err(LoadError::BadDescriptor {
            class: d.class.to_string(),
            reason: "the class is exported twice".into(),
        });
    }
    let mut out = LibraryClasses::default();
    for d in descriptors {
        let config_def =
            serde_json::from_str(d.config_def.as_str()).map_err(|e| LoadError::BadDescriptor {
                class: d.class.to_string(),
                reason: e.to_string(),
            })?;
        let kind = match d.kind {
            ferry_plugin_abi::PluginKind::SOURCE => PluginKind::Source,
            ferry_plugin_abi::PluginKind::SINK => PluginKind::Sink,
            k @ (ferry_plugin_abi::PluginKind::TRANSFORMATION
            | ferry_plugin_abi::PluginKind::PREDICATE) => {
                out.transforms.push(TransformClass {
                    class: d.class.to_string(),
                    kind: if k == ferry_plugin_abi::PluginKind::PREDICATE {
                        ferry_transforms::PluginKind::Predicate
                    } else {
                        ferry_transforms::PluginKind::Transformation
                    },
                    version: d.version.to_string(),
                    config_def,
                    library: library.clone(),
                });
                continue;
            }
            other => {
                return Err(LoadError::BadDescriptor {
                    class: d.class.to_string(),
                    reason: format!("unknown plugin kind {}", other.0),
                })
            }
        };
        out.connectors.push(PluginClass {
            class: d.class.to_string(),
            kind,
            version: d.version.to_string(),
            task_class: d.task_class.to_string(),
            config_def,
            library: library.clone(),
        });
    }
    Ok(out)
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
