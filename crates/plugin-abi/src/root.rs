#![allow(non_camel_case_types)] // `PluginMod_Ref` is abi_stable's naming convention.

use abi_stable::library::RootModule;
use abi_stable::sabi_types::VersionStrings;
use abi_stable::std_types::{RResult, RStr, RString, RVec};
use abi_stable::{declare_root_module_statics, StableAbi};

use crate::error::FfiError;
use crate::log::LogCallback;
use crate::objects::{ConnectorBox, PredicateBox, SinkTaskBox, SourceTaskBox, TransformationBox};

/// What a library says about itself before anything else is called.
#[repr(C)]
#[derive(StableAbi, Clone, Debug)]
pub struct LibraryInfo {
    /// [`crate::ABI_MAJOR`] of the ABI the library was built against.
    pub abi_major: u16,
    /// [`crate::ABI_MINOR`] of the ABI the library was built against.
    pub abi_minor: u16,
    /// `cfg!(panic = "unwind")` in the library: without unwinding, a panic cannot be caught and
    /// would abort the worker, so such libraries are refused.
    pub panic_unwind: bool,
    /// Version of `plugin-sdk` the library was built with.
    pub sdk_version: RString,
}

/// The kind of plugin a class is. An open set of constants.
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PluginKind(pub u8);

impl PluginKind {
    pub const SOURCE: PluginKind = PluginKind(1);
    pub const SINK: PluginKind = PluginKind(2);
    /// A transformation (ABI 1.1): created with `new_transformation`; `task_class` is empty.
    pub const TRANSFORMATION: PluginKind = PluginKind(3);
    /// A predicate (ABI 1.1): created with `new_predicate`; `task_class` is empty.
    pub const PREDICATE: PluginKind = PluginKind(4);
}

/// One class a library exports.
#[repr(C)]
#[derive(StableAbi, Clone, Debug)]
pub struct PluginDescriptor {
    /// Fully qualified class name, e.g. `org.apache.kafka.connect.file.FileStreamSinkConnector`.
    pub class: RString,
    pub kind: PluginKind,
    /// The connector's version string.
    pub version: RString,
    /// The class's ConfigDef as JSON (`docs/abi.md` gives the shape).
    pub config_def: RString,
    /// Class name of its task, as Kafka reports it in `task.class`.
    pub task_class: RString,
}

/// The root module every Ferry plugin library exports. A prefix type: new fields are appended
/// at the end with `#[sabi(missing_field(option))]`, so their accessors return `None` on a
/// library of an older minor (whose layout the worker checks against [`v1_0::PluginMod`]).
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = PluginMod_Ref)))]
pub struct PluginMod {
    pub library_info: extern "C" fn() -> LibraryInfo,
    pub plugins: extern "C" fn() -> RVec<PluginDescriptor>,
    /// Route the library's `tracing` events to the worker. Called once after loading.
    pub init_logging: extern "C" fn(LogCallback),
    pub new_connector: extern "C" fn(RStr<'_>) -> RResult<ConnectorBox, FfiError>,
    pub new_source_task: extern "C" fn(RStr<'_>) -> RResult<SourceTaskBox, FfiError>,
    #[sabi(last_prefix_field)]
    pub new_sink_task: extern "C" fn(RStr<'_>) -> RResult<SinkTaskBox, FfiError>,
    /// ABI 1.1: a transformation by class name (`None` from a 1.0 library).
    #[sabi(missing_field(option))]
    pub new_transformation: extern "C" fn(RStr<'_>) -> RResult<TransformationBox, FfiError>,
    /// ABI 1.1: a predicate by class name (`None` from a 1.0 library).
    #[sabi(missing_field(option))]
    pub new_predicate: extern "C" fn(RStr<'_>) -> RResult<PredicateBox, FfiError>,
}

impl RootModule for PluginMod_Ref {
    declare_root_module_statics! {PluginMod_Ref}
    const BASE_NAME: &'static str = "ferry_plugin";
    const NAME: &'static str = "ferry_plugin";
    /// Only the major matters to abi_stable's own check; Ferry checks the minor itself from
    /// [`LibraryInfo`]. Keep the major equal to [`crate::ABI_MAJOR`].
    const VERSION_STRINGS: VersionStrings = VersionStrings::new("1.0.0");
}

/// The root module exactly as ABI 1.0 defined it (same name, fields and attributes), kept for
/// its type layout only: abi_stable's layout check refuses a library whose prefix type has
/// fewer fields than the worker's, so the worker checks a library that fails against
/// [`PluginMod`] against this one, and accepts it when the library says it is ABI 1.0
/// (`runtime/src/plugin/library.rs`). Never change it.
pub mod v1_0 {
    use abi_stable::std_types::{RResult, RStr, RVec};
    use abi_stable::StableAbi;

    use super::{LibraryInfo, PluginDescriptor};
    use crate::error::FfiError;
    use crate::log::LogCallback;
    use crate::objects::{ConnectorBox, SinkTaskBox, SourceTaskBox};

    /// ABI 1.0's root module.
    #[repr(C)]
    #[derive(StableAbi)]
    #[sabi(kind(Prefix(prefix_ref = PluginMod_Ref)))]
    #[sabi(missing_field(panic))]
    pub struct PluginMod {
        pub library_info: extern "C" fn() -> LibraryInfo,
        pub plugins: extern "C" fn() -> RVec<PluginDescriptor>,
        pub init_logging: extern "C" fn(LogCallback),
        pub new_connector: extern "C" fn(RStr<'_>) -> RResult<ConnectorBox, FfiError>,
        pub new_source_task: extern "C" fn(RStr<'_>) -> RResult<SourceTaskBox, FfiError>,
        #[sabi(last_prefix_field)]
        pub new_sink_task: extern "C" fn(RStr<'_>) -> RResult<SinkTaskBox, FfiError>,
    }
}
