//! Ferry's record wire format (`docs/abi.md`): Connect values and schemas encoded into the
//! arena of an ABI batch, and read back lazily.
//!
//! Both sides of the boundary use this crate: the worker encodes sink batches and decodes source
//! batches; the SDK does the reverse. A sink that only forwards bytes reads
//! [`RecordView::value_bytes`] and never decodes a value; one that reads fields without owning
//! them uses [`RecordView::value_ref`], a borrowed view that allocates nothing.
//!
//! **Architecture Invariant:** the format is frozen per [`ferry_plugin_abi::ENCODING_VERSION`];
//! the golden tests in `tests/golden.rs` fail on any change.

mod error;
mod reader;
mod schema;
mod short;
mod value;
mod value_ref;
mod varint;
mod writer;

pub use error::CodecError;
pub use reader::{BatchReader, RawValue, RecordView, SchemaCache};
pub use schema::{decode_schema, encode_schema};
pub use value::{decode_value, encode_value};
pub use value_ref::{ArrayRef, DecimalRef, Entries, Fields, Items, MapRef, StructRef, ValueRef};
pub use writer::{BatchWriter, EncodeRecord, Header, Payload, WriterState};
