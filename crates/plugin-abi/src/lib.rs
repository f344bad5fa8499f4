//! Ferry's plugin ABI: the only types that cross between the `ferry` worker and a connector
//! shared library.
//!
//! **API Boundary, frozen.** Everything here is `#[repr(C)]` and checked by `abi_stable` at load
//! time. Rules for evolving it (see `docs/abi.md`):
//! - the root module [`PluginMod`] is a prefix type: fields are only appended, after the last one;
//! - trait-object methods are only appended, with a default body;
//! - [`ABI_MINOR`] goes up with every addition, [`ABI_MAJOR`] (and `VERSION_STRINGS`) with any
//!   breaking change;
//! - record values are encoded as described in `docs/abi.md`, versioned by [`ENCODING_VERSION`].
//!
//! **Architecture Invariant:** this crate depends on `abi_stable` only. It knows nothing about the
//! Connect data model, tokio, rdkafka or REST, and plugin authors never see its types (the SDK
//! wraps them).

// abi_stable's derive and sabi_trait macros expand to unsafe code; this crate is the one place
// where that is expected. Hand-written unsafe code stays out of it, but for the one call that
// opens a root module whose layout `load.rs` checked itself.
#![allow(unsafe_code, non_local_definitions)]

mod batch;
mod error;
mod load;
mod log;
mod objects;
mod root;

pub use abi_stable;
pub use batch::{
    BatchBuf, BatchRef, RecordHeader, Span, TimestampType, NO_SCHEMA, NO_TIMESTAMP,
    RECORD_FLAG_NO_COMMIT_RECORD,
};
pub use error::{ErrorKind, FfiError};
pub use load::{init_root_module, CheckedRoot, RootError};
pub use log::{LogCallback, LogLevel};
pub use objects::{
    ConnectorBox, ConnectorContextBox, ConnectorContextObj, ConnectorContextObj_TO, ConnectorObj,
    ConnectorObj_TO, PredicateBox, PredicateObj, PredicateObj_TO, SinkContextBox, SinkContextObj,
    SinkContextObj_TO, SinkTaskBox, SinkTaskObj, SinkTaskObj_TO, SourceContextBox,
    SourceContextObj, SourceContextObj_TO, SourceTaskBox, SourceTaskObj, SourceTaskObj_TO,
    StopHandleBox, StopHandleObj, StopHandleObj_TO, TransformationBox, TransformationObj,
    TransformationObj_TO,
};
pub use root::{v1_0, LibraryInfo, PluginDescriptor, PluginKind, PluginMod, PluginMod_Ref};

/// Major version of this ABI. A plugin with another major is refused.
pub const ABI_MAJOR: u16 = 1;
/// Minor version of this ABI. A plugin built for a higher minor than the worker's is refused;
/// lower minors load (prefix types give them `None` for fields they lack).
pub const ABI_MINOR: u16 = 1;
/// Version of the record value encoding inside batch arenas.
pub const ENCODING_VERSION: u32 = 1;
