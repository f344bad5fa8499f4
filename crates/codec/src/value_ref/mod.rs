//! A borrowed, lazily decoded view of an encoded value (`docs/abi.md` §12): strings and bytes
//! borrow from the batch arena, containers read their items when iterated, nothing allocates.

mod containers;
mod struct_ref;
mod walk;

#[cfg(test)]
mod tests;

use ferry_data::{SchemaRef, Value};

pub use containers::{ArrayRef, DecimalRef, Entries, Items, MapRef};
pub use struct_ref::{Fields, StructRef};

use crate::error::CodecError;
use crate::value::STRUCT;
use crate::varint::Cursor;

/// A Connect value read in place from encoded bytes, the borrowed counterpart of
/// [`Value`](ferry_data::Value): the same variants, with `&str`/`&[u8]` instead of owned
/// strings and views instead of vectors.
///
/// [`ValueRef::decode`] checks the whole encoding once (it fails exactly when
/// [`decode_value`](crate::decode_value) fails) without allocating; after that, accessors and
/// iterators cannot fail. Arrays, maps and structs are read when iterated or indexed, so a
/// reader pays only for what it touches. [`ValueRef::to_value`] builds the owned value.
///
/// ```
/// use ferry_codec::{encode_value, ValueRef};
/// use ferry_data::{Schema, Struct, Type, Value};
///
/// let schema = Schema::struct_builder()
///     .field("id", Schema::primitive(Type::Int64))
///     .field("tags", Schema::array(Schema::primitive(Type::String)).build())
///     .build();
/// let value = Struct::new(schema.clone())?
///     .with("id", Value::Int64(7))?
///     .with("tags", Value::Array(vec![Value::String("a".into()), Value::String("bc".into())]))?;
/// let mut bytes = Vec::new();
/// encode_value(&mut bytes, &Value::Struct(value));
///
/// let view = ValueRef::decode(&bytes, Some(&schema))?;
/// assert_eq!(view.field("id").and_then(|v| v.as_i64()), Some(7));
/// let tags = view.field("tags").and_then(|v| v.as_array()).expect("an array");
/// assert_eq!(tags.iter().filter_map(|t| t.as_str()).collect::<Vec<_>>(), ["a", "bc"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum ValueRef<'a> {
    Null,
    Int8(i8),
    Int16(i16),
    Int32(i32),
    Int64(i64),
    Float32(f32),
    Float64(f64),
    Boolean(bool),
    String(&'a str),
    Bytes(&'a [u8]),
    Array(ArrayRef<'a>),
    Map(MapRef<'a>),
    Struct(StructRef<'a>),
    /// `org.apache.kafka.connect.data.Decimal`.
    Decimal(DecimalRef<'a>),
    /// `org.apache.kafka.connect.data.Date`: days since 1970-01-01.
    Date(i32),
    /// `org.apache.kafka.connect.data.Time`: milliseconds since midnight.
    Time(i32),
    /// `org.apache.kafka.connect.data.Timestamp`: milliseconds since the epoch.
    Timestamp(i64),
}

impl<'a> ValueRef<'a> {
    /// View the value encoded at the start of `bytes`; `schema` is the value's schema (structs
    /// need it for their field names). Checks the whole encoding first, so that reading the
    /// view cannot fail; trailing bytes are ignored, as by [`decode_value`](crate::decode_value).
    pub fn decode(bytes: &'a [u8], schema: Option<&'a SchemaRef>) -> Result<Self, CodecError> {
        if let (Some(&STRUCT), Some(schema)) = (bytes.first(), schema) {
            // The usual record value: check it field by field, noting where fields start.
            return walk::check_struct(bytes, schema).map(ValueRef::Struct);
        }
        walk::check(&mut Cursor::new(bytes), schema, 0)?;
        // Cannot fail on bytes `check` accepted.
        walk::read_head(&mut Cursor::new(bytes), schema).ok_or(CodecError::Truncated)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, ValueRef::Null)
    }

    /// A short description of the value's kind, for error messages (as
    /// [`Value::kind_name`](ferry_data::Value::kind_name)).
    pub fn kind_name(&self) -> &'static str {
        match self {
            ValueRef::Null => "null",
            ValueRef::Int8(_) => "int8",
            ValueRef::Int16(_) => "int16",
            ValueRef::Int32(_) => "int32",
            ValueRef::Int64(_) => "int64",
            ValueRef::Float32(_) => "float32",
            ValueRef::Float64(_) => "float64",
            ValueRef::Boolean(_) => "boolean",
            ValueRef::String(_) => "string",
            ValueRef::Bytes(_) => "bytes",
            ValueRef::Array(_) => "array",
            ValueRef::Map(_) => "map",
            ValueRef::Struct(_) => "struct",
            ValueRef::Decimal(_) => "decimal",
            ValueRef::Date(_) => "date",
            ValueRef::Time(_) => "time",
            ValueRef::Timestamp(_) => "timestamp",
        }
    }

    #[inline]
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            ValueRef::Boolean(b) => Some(b),
            _ => None,
        }
    }

    /// An int8, int16, int32 or int64 value, widened. Logical types (date, time, timestamp)
    /// are not integers here: match their variants.
    #[inline]
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            ValueRef::Int8(v) => Some(i64::from(v)),
            ValueRef::Int16(v) => Some(i64::from(v)),
            ValueRef::Int32(v) => Some(i64::from(v)),
            ValueRef::Int64(v) => Some(v),
            _ => None,
        }
    }

    /// A float32 or float64 value, widened.
    #[inline]
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            ValueRef::Float32(v) => Some(f64::from(v)),
            ValueRef::Float64(v) => Some(v),
            _ => None,
        }
    }

    /// A string value, borrowed from the batch.
    #[inline]
    pub fn as_str(&self) -> Option<&'a str> {
        match *self {
            ValueRef::String(s) => Some(s),
            _ => None,
        }
    }

    /// A bytes value, borrowed from the batch.
    #[inline]
    pub fn as_bytes(&self) -> Option<&'a [u8]> {
        match *self {
            ValueRef::Bytes(b) => Some(b),
            _ => None,
        }
    }

    #[inline]
    pub fn as_array(&self) -> Option<ArrayRef<'a>> {
        match *self {
            ValueRef::Array(a) => Some(a),
            _ => None,
        }
    }

    #[inline]
    pub fn as_map(&self) -> Option<MapRef<'a>> {
        match *self {
            ValueRef::Map(m) => Some(m),
            _ => None,
        }
    }

    #[inline]
    pub fn as_struct(&self) -> Option<StructRef<'a>> {
        match *self {
            ValueRef::Struct(s) => Some(s),
            _ => None,
        }
    }

    #[inline]
    pub fn as_decimal(&self) -> Option<DecimalRef<'a>> {
        match *self {
            ValueRef::Decimal(d) => Some(d),
            _ => None,
        }
    }

    /// The field `name` of a struct value (`None` if this is not a struct or has no such
    /// field; a null field is `Some(ValueRef::Null)`).
    #[inline]
    pub fn field(&self, name: &str) -> Option<ValueRef<'a>> {
        self.as_struct()?.field(name)
    }

    /// The owned value, equal to what [`decode_value`](crate::decode_value) returns for the
    /// same bytes.
    pub fn to_value(&self) -> Value {
        match *self {
            ValueRef::Null => Value::Null,
            ValueRef::Int8(v) => Value::Int8(v),
            ValueRef::Int16(v) => Value::Int16(v),
            ValueRef::Int32(v) => Value::Int32(v),
            ValueRef::Int64(v) => Value::Int64(v),
            ValueRef::Float32(v) => Value::Float32(v),
            ValueRef::Float64(v) => Value::Float64(v),
            ValueRef::Boolean(v) => Value::Boolean(v),
            ValueRef::String(s) => Value::String(s.to_owned()),
            ValueRef::Bytes(b) => Value::Bytes(b.to_vec()),
            ValueRef::Array(a) => Value::Array(a.iter().map(|v| v.to_value()).collect()),
            ValueRef::Map(m) => Value::Map(
                m.iter()
                    .map(|(k, v)| (k.to_value(), v.to_value()))
                    .collect(),
            ),
            ValueRef::Struct(s) => Value::Struct(s.to_struct()),
            ValueRef::Decimal(d) => Value::Decimal(d.to_bigint(), d.scale()),
            ValueRef::Date(v) => Value::Date(v),
            ValueRef::Time(v) => Value::Time(v),
            ValueRef::Timestamp(v) => Value::Timestamp(v),
        }
    }
}
