//! Kafka Connect's data model in Rust: [`Schema`], [`Value`], [`Struct`] and the logical types
//! Decimal, Date, Time and Timestamp.
//!
//! Values render with Java's `toString()` rules ([`Value::to_java_string`]) because the
//! FileStream sink writes `String.valueOf(value)` and users diff those files.
//!
//! **Architecture Invariant:** this crate knows nothing about plugins, Kafka or the wire format.

mod error;
mod java;
mod schema;
mod value;

pub use error::DataError;
pub use java::{java_date_string, java_decimal_string, java_double_string, java_float_string};
pub use schema::{logical, Field, Schema, SchemaBuilder, SchemaRef, Type};
pub use value::{Struct, Value};
