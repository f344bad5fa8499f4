//! Connect data to JSON from a borrowed view of the plugin's batch encoding ([`ValueRef`]),
//! without building the owned [`Value`](ferry_data::Value) first.
//!
//! Only the common shapes are written here: structs, arrays and scalars with a schema. For
//! anything else (schemaless values, maps, decimals, nulls that need a default or an error) the
//! view answers `None` and the caller converts the owned value with [`Encoder::value`], so the
//! output and the errors are exactly the owned path's.

use ferry_codec::ValueRef;
use ferry_data::{Schema, Type};

use super::encode::{same_struct_schema, Encoder};
use super::write;
use crate::schemas::{LogicalName, MILLIS_PER_DAY};

impl Encoder {
    /// Writes `value` as [`Encoder::value`] writes its owned counterpart, or answers `None`
    /// (with `out` partly written) when the owned path must do it.
    pub(crate) fn value_ref(
        &self,
        out: &mut Vec<u8>,
        schema: &Schema,
        value: ValueRef<'_>,
    ) -> Option<()> {
        if value.is_null() {
            let default_applies = self.replace_null_with_default
                && schema.default.as_ref().is_some_and(|d| !d.is_null());
            if !schema.optional || default_applies {
                return None;
            }
            out.extend_from_slice(b"null");
            return Some(());
        }
        if let Some(logical) = LogicalName::of(schema) {
            match (logical, value) {
                (LogicalName::Date, ValueRef::Date(days)) => write::int(out, i64::from(days)),
                (LogicalName::Time, ValueRef::Time(ms))
                    if (0..=MILLIS_PER_DAY).contains(&i64::from(ms)) =>
                {
                    write::int(out, i64::from(ms))
                }
                (LogicalName::Timestamp, ValueRef::Timestamp(ms)) => write::int(out, ms),
                _ => return None,
            }
            return Some(());
        }
        match (schema.ty, value) {
            (Type::Int8, ValueRef::Int8(v)) => write::int(out, i64::from(v)),
            (Type::Int16, ValueRef::Int16(v)) => write::int(out, i64::from(v)),
            (Type::Int32, ValueRef::Int32(v)) => write::int(out, i64::from(v)),
            (Type::Int64, ValueRef::Int64(v)) => write::int(out, v),
            (Type::Float32, ValueRef::Float32(v)) => write::float(out, v),
            (Type::Float64, ValueRef::Float64(v)) => write::double(out, v),
            (Type::Boolean, ValueRef::Boolean(v)) => {
                out.extend_from_slice(if v { b"true" } else { b"false" })
            }
            (Type::String, ValueRef::String(s)) => write::string(out, s),
            (Type::Bytes, ValueRef::Bytes(b)) => write::base64(out, b),
            (Type::Array, ValueRef::Array(items)) => {
                let items_schema = schema.value_schema.as_deref()?;
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    self.value_ref(out, items_schema, item)?;
                }
                out.push(b']');
            }
            (Type::Struct, ValueRef::Struct(s)) => {
                if !same_struct_schema(s.schema(), schema) {
                    return None;
                }
                out.push(b'{');
                for (i, (field, v)) in s.fields().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write::string(out, &field.name);
                    out.push(b':');
                    self.value_ref(out, &field.schema, v)?;
                }
                out.push(b'}');
            }
            _ => return None,
        }
        Some(())
    }
}
