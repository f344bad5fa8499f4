//! Plugin discovery and loading: every `.so` on `plugin.path` is opened on its own, checked
//! (abi_stable layout, Ferry ABI version, unwinding panics) and its classes registered under
//! Kafka's aliases. A file that cannot be used is skipped with one WARN naming it and why.
//! The registry follows `plugin.path` while the worker runs (files added, replaced, removed),
//! and holds several versions of a class side by side (KIP-891's `connector.plugin.version`).
//! Libraries of ABI 1.1 may also export transformations and predicates, which the registry
//! offers to the transformation chain (`ferry_transforms::ExternalPlugins`).
//!
//! **Architecture Invariant:** a loaded library is never unloaded; objects from it may live
//! as long as the process.

mod discovery;
mod elf;
mod library;
mod logging;
mod registry;
mod transform;
mod version;

pub use discovery::candidate_files;
pub use library::{
    load_library, load_library_classes, LibraryClasses, LoadError, LoadedLibrary, PluginClass,
    PluginKind,
};
pub use logging::host_log_callback;
pub use registry::{
    aliases, Changes, FindError, PluginRegistry, RejectedFile, Snapshot, PLUGIN_VERSION_CONFIG,
    RESCAN_INTERVAL, SETTLE,
};
pub use transform::{transform_aliases, HostPredicate, HostTransformation, TransformClass};
pub use version::{compare_versions, VersionRequirement};
