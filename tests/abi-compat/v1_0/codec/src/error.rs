use thiserror::Error;

/// A batch that does not follow the wire format, or a value that cannot be encoded.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CodecError {
    #[error("encoded data ends early")]
    Truncated,
    #[error("unknown value tag {0:#04x}")]
    BadTag(u8),
    #[error("unknown schema type {0}")]
    BadSchemaType(u8),
    #[error("string is not UTF-8")]
    BadUtf8,
    #[error("a struct value needs a struct schema")]
    StructWithoutSchema,
    #[error("struct has {found} values but its schema has {expected} fields")]
    StructArity { expected: usize, found: usize },
    #[error("schema index {0} is not in the batch's schema table")]
    NoSuchSchema(u32),
    #[error("topic index {0} is not in the batch's topic table")]
    NoSuchTopic(u32),
    #[error("span is outside the batch arena")]
    BadSpan,
    #[error("batch encoding version {0} is not supported (this side reads version {1})")]
    Version(u32, u32),
    #[error("batch arena exceeds 4 GiB")]
    TooLarge,
}
