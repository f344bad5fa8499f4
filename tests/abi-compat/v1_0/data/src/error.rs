use thiserror::Error;

/// A value that does not fit its schema, or a schema that is not what an operation needs.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum DataError {
    #[error("{0} is not a valid field name")]
    NoSuchField(String),
    #[error("Not a struct schema: {0}")]
    NotAStruct(String),
    #[error("Invalid value: null used for required field: \"{field}\", schema type: {ty}")]
    NullForRequired { field: String, ty: String },
    #[error("Invalid Java object for schema with type {ty}: {found}{location}")]
    WrongType {
        ty: String,
        found: String,
        location: String,
    },
    #[error("Struct schemas do not match.")]
    SchemaMismatch,
    #[error("{0}")]
    Other(String),
}
