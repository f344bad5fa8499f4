//! The root module's functions, generic over the registry the macro generates.

use ferry_plugin_abi::abi_stable::prefix_type::PrefixTypeTrait;
use ferry_plugin_abi::abi_stable::sabi_trait::TD_Opaque;
use ferry_plugin_abi::abi_stable::std_types::{RResult, RStr, RVec};
use ferry_plugin_abi::{
    ConnectorBox, ConnectorObj_TO, ErrorKind, FfiError, LibraryInfo, LogCallback, PluginDescriptor,
    PluginKind, PluginMod, PluginMod_Ref, PredicateBox, PredicateObj_TO, SinkTaskBox,
    SinkTaskObj_TO, SourceTaskBox, SourceTaskObj_TO, TransformationBox, TransformationObj_TO,
    ABI_MAJOR,
};

use super::guard::guard;
use super::shims::{SinkConnectorShim, SinkTaskShim, SourceConnectorShim, SourceTaskShim};
use super::transform_shims::{PredicateShim, TransformationShim};
use crate::error::{ConnectError, Result};
use crate::sink::SinkConnector;
use crate::source::SourceConnector;
use crate::transform::{Predicate, Transformation};

/// One exported class.
#[doc(hidden)]
pub struct Entry {
    class: &'static str,
    descriptor: fn() -> Result<PluginDescriptor>,
    connector: Option<fn() -> ConnectorBox>,
    source_task: Option<fn() -> SourceTaskBox>,
    sink_task: Option<fn() -> SinkTaskBox>,
    transformation: Option<fn() -> TransformationBox>,
    predicate: Option<fn() -> PredicateBox>,
}

fn describe<D: serde::Serialize>(
    class: &str,
    kind: PluginKind,
    version: &str,
    task: &str,
    def: &D,
) -> Result<PluginDescriptor> {
    Ok(PluginDescriptor {
        class: class.into(),
        kind,
        version: version.into(),
        config_def: serde_json::to_string(def)?.into(),
        task_class: task.into(),
    })
}

impl Entry {
    /// A source connector class.
    pub fn sources<C: SourceConnector>() -> Entry {
        Entry {
            class: C::CLASS,
            descriptor: || {
                describe(
                    C::CLASS,
                    PluginKind::SOURCE,
                    C::VERSION,
                    C::TASK_CLASS,
                    &C::config_def(),
                )
            },
            connector: Some(|| {
                ConnectorObj_TO::from_value(SourceConnectorShim::<C>::default(), TD_Opaque)
            }),
            source_task: Some(|| {
                SourceTaskObj_TO::from_value(SourceTaskShim::<C>::default(), TD_Opaque)
            }),
            sink_task: None,
            transformation: None,
            predicate: None,
        }
    }

    /// A sink connector class.
    pub fn sinks<C: SinkConnector>() -> Entry {
        Entry {
            class: C::CLASS,
            descriptor: || {
                describe(
                    C::CLASS,
                    PluginKind::SINK,
                    C::VERSION,
                    C::TASK_CLASS,
                    &C::config_def(),
                )
            },
            connector: Some(|| {
                ConnectorObj_TO::from_value(SinkConnectorShim::<C>::default(), TD_Opaque)
            }),
            source_task: None,
            sink_task: Some(|| SinkTaskObj_TO::from_value(SinkTaskShim::<C>::default(), TD_Opaque)),
            transformation: None,
            predicate: None,
        }
    }

    /// A transformation class (ABI 1.1).
    pub fn transformations<T: Transformation>() -> Entry {
        Entry {
            class: T::CLASS,
            descriptor: || {
                describe(
                    T::CLASS,
                    PluginKind::TRANSFORMATION,
                    T::VERSION,
                    "",
                    &T::config_def(),
                )
            },
            connector: None,
            source_task: None,
            sink_task: None,
            transformation: Some(|| {
                TransformationObj_TO::from_value(TransformationShim::<T>::default(), TD_Opaque)
            }),
            predicate: None,
        }
    }

    /// A predicate class (ABI 1.1).
    pub fn predicates<P: Predicate>() -> Entry {
        Entry {
            class: P::CLASS,
            descriptor: || {
                describe(
                    P::CLASS,
                    PluginKind::PREDICATE,
                    P::VERSION,
                    "",
                    &P::config_def(),
                )
            },
            connector: None,
            source_task: None,
            sink_task: None,
            transformation: None,
            predicate: Some(|| {
                PredicateObj_TO::from_value(PredicateShim::<P>::default(), TD_Opaque)
            }),
        }
    }
}

/// The classes of one library; implemented by [`export_plugin!`](crate::export_plugin).
#[doc(hidden)]
pub trait Registry: 'static {
    /// The ABI minor this library claims (tests override it to build incompatible plugins).
    const ABI_MINOR: u16;
    fn entries() -> &'static [Entry];
}

fn find<R: Registry>(class: RStr<'_>) -> Result<&'static Entry> {
    R::entries()
        .iter()
        .find(|e| e.class == class.as_str())
        .ok_or_else(|| {
            ConnectError::new(format!(
                "class {} is not exported by this library",
                class.as_str()
            ))
        })
}

fn unknown_class(e: FfiError) -> FfiError {
    FfiError {
        kind: ErrorKind::UNKNOWN_CLASS,
        ..e
    }
}

extern "C" fn library_info<R: Registry>() -> LibraryInfo {
    LibraryInfo {
        abi_major: ABI_MAJOR,
        abi_minor: R::ABI_MINOR,
        panic_unwind: cfg!(panic = "unwind"),
        sdk_version: env!("CARGO_PKG_VERSION").into(),
    }
}

extern "C" fn plugins<R: Registry>() -> RVec<PluginDescriptor> {
    // A class whose descriptor cannot be built (its config def panics) is left out; the worker
    // then reports that the library exports fewer classes than expected.
    R::entries()
        .iter()
        .filter_map(|e| {
            guard(&|| format!("{}.config", e.class), e.descriptor)
                .into_result()
                .ok()
        })
        .collect()
}

extern "C" fn init_logging(callback: LogCallback) {
    super::guard::install_panic_hook();
    super::log::install(callback);
}

extern "C" fn new_connector<R: Registry>(class: RStr<'_>) -> RResult<ConnectorBox, FfiError> {
    // Only a class this library does not export is UNKNOWN_CLASS; a constructor that fails
    // or panics is reported as such.
    let entry = match find::<R>(class) {
        Ok(e) => e,
        Err(e) => return RResult::RErr(unknown_class(e.into_ffi())),
    };
    guard(&|| format!("{class}.<new>"), || {
        let make = entry
            .connector
            .ok_or_else(|| ConnectError::new(format!("{class} is not a connector")))?;
        Ok(make())
    })
}

extern "C" fn new_source_task<R: Registry>(class: RStr<'_>) -> RResult<SourceTaskBox, FfiError> {
    guard(&|| format!("{class}.<new task>"), || {
        let entry = find::<R>(class)?;
        let make = entry
            .source_task
            .ok_or_else(|| ConnectError::new(format!("{class} is not a source connector")))?;
        Ok(make())
    })
}

extern "C" fn new_sink_task<R: Registry>(class: RStr<'_>) -> RResult<SinkTaskBox, FfiError> {
    guard(&|| format!("{class}.<new task>"), || {
        let entry = find::<R>(class)?;
        let make = entry
            .sink_task
            .ok_or_else(|| ConnectError::new(format!("{class} is not a sink connector")))?;
        Ok(make())
    })
}

extern "C" fn new_transformation<R: Registry>(
    class: RStr<'_>,
) -> RResult<TransformationBox, FfiError> {
    let entry = match find::<R>(class) {
        Ok(e) => e,
        Err(e) => return RResult::RErr(unknown_class(e.into_ffi())),
    };
    guard(&|| format!("{class}.<new>"), || {
        let make = entry
            .transformation
            .ok_or_else(|| ConnectError::new(format!("{class} is not a transformation")))?;
        Ok(make())
    })
}

extern "C" fn new_predicate<R: Registry>(class: RStr<'_>) -> RResult<PredicateBox, FfiError> {
    let entry = match find::<R>(class) {
        Ok(e) => e,
        Err(e) => return RResult::RErr(unknown_class(e.into_ffi())),
    };
    guard(&|| format!("{class}.<new>"), || {
        let make = entry
            .predicate
            .ok_or_else(|| ConnectError::new(format!("{class} is not a predicate")))?;
        Ok(make())
    })
}

/// The root module of a library whose classes are `R`'s.
#[doc(hidden)]
pub fn root_module<R: Registry>() -> PluginMod_Ref {
    PluginMod {
        library_info: library_info::<R>,
        plugins: plugins::<R>,
        init_logging,
        new_connector: new_connector::<R>,
        new_source_task: new_source_task::<R>,
        new_sink_task: new_sink_task::<R>,
        new_transformation: new_transformation::<R>,
        new_predicate: new_predicate::<R>,
    }
    .leak_into_prefix()
}
