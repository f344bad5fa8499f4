//! The built-in transformations, one module each.

pub(crate) mod cast;
pub(crate) mod drop_headers;
pub(crate) mod extract_field;
pub(crate) mod filter;
pub(crate) mod flatten;
pub(crate) mod header_from;
pub(crate) mod hoist_field;
pub(crate) mod insert_field;
pub(crate) mod insert_header;
pub(crate) mod mask_field;
pub(crate) mod regex_router;
pub(crate) mod replace_field;
pub(crate) mod set_schema_metadata;
pub(crate) mod timestamp_converter;
pub(crate) mod timestamp_router;
pub(crate) mod value_to_key;

#[cfg(test)]
pub(crate) mod testutil;
