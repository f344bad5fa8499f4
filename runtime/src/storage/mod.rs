//! Where the worker keeps state: source offsets in standalone mode live in a local file.

mod offset_file;

pub use offset_file::FileOffsetStore;
