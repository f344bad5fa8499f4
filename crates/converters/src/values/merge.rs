//! `Values.SchemaMerger` and the alignment of parsed array elements and map entries to their
//! common schema (`Values.convertTo` for the values the parser produces).

use ferry_data::{Schema, SchemaRef, Type, Value};

use super::Unparsable;
use crate::schemas::{LogicalName, MILLIS_PER_DAY};

/// Finds the common schema of a sequence of parsed values (nulls ignored).
#[derive(Default)]
pub(crate) struct SchemaMerger {
    common: Option<SchemaRef>,
    incompatible: bool,
}

impl SchemaMerger {
    pub(crate) fn merge(&mut self, latest: Option<&SchemaRef>) {
        let Some(latest) = latest else { return };
        if self.incompatible {
            return;
        }
        self.common = match &self.common {
            None => Some(latest.clone()),
            Some(previous) => merge_schemas(previous, latest),
        };
        self.incompatible = self.common.is_none();
    }

    pub(crate) fn common(&self) -> Option<&SchemaRef> {
        self.common.as_ref()
    }
}

/// `Values.mergeSchemas`: numeric types widen (integers to larger integers, to floats); equal
/// types keep the later schema; anything else has no common schema.
fn merge_schemas(previous: &SchemaRef, latest: &SchemaRef) -> Option<SchemaRef> {
    use Type::*;
    let (p, n) = (previous.ty, latest.ty);
    if p != n {
        let rank = |ty: Type| match ty {
            Int8 => Some(0),
            Int16 => Some(1),
            Int32 => Some(2),
            Int64 => Some(3),
            Float32 => Some(4),
            Float64 => Some(5),
            _ => None,
        };
        let (pr, nr) = (rank(p)?, rank(n)?);
        return Some(if nr > pr {
            latest.clone()
        } else {
            previous.clone()
        });
    }
    if previous.optional == latest.optional {
        return Some(if previous.optional {
            previous.clone()
        } else {
            latest.clone()
        });
    }
    (previous == latest).then(|| previous.clone())
}

/// `Values.convertTo(schema, null, value)` for a parsed value and a merged schema.
pub(crate) fn convert_to(schema: &Schema, value: Value) -> Result<Value, Unparsable> {
    if value.is_null() {
        return if schema.optional {
            Ok(Value::Null)
        } else {
            Err(Unparsable::Data)
        };
    }
    if let Some(logical) = LogicalName::of(schema) {
        return convert_logical(logical, value);
    }
    let converted = match (schema.ty, &value) {
        (Type::Int8, _) => Value::Int8(as_long(&value)? as i8),
        (Type::Int16, _) => Value::Int16(as_long(&value)? as i16),
        (Type::Int32, _) => Value::Int32(as_long(&value)? as i32),
        (Type::Int64, _) => Value::Int64(as_long(&value)?),
        (Type::Float32, Value::Float32(_)) => value,
        (Type::Float32, _) => Value::Float32(as_double(&value)? as f32),
        (Type::Float64, _) => Value::Float64(as_double(&value)?),
        (Type::Boolean, Value::Boolean(_))
        | (Type::String, Value::String(_))
        | (Type::Bytes, Value::Bytes(_))
        | (Type::Array, Value::Array(_))
        | (Type::Map, Value::Map(_)) => value,
        _ => return Err(Unparsable::Data),
    };
    Ok(converted)
}

/// Dates, times and timestamps are kept as instants (Java holds them all as `java.util.Date`)
/// and re-expressed in the target type when exact; numbers become days or milliseconds.
fn convert_logical(logical: LogicalName, value: Value) -> Result<Value, Unparsable> {
    let millis = match value {
        Value::Date(days) => Some(i64::from(days) * MILLIS_PER_DAY),
        Value::Time(ms) => Some(i64::from(ms)),
        Value::Timestamp(ms) => Some(ms),
        _ => None,
    };
    let converted = match (logical, millis) {
        (LogicalName::Decimal, _) => {
            return matches!(value, Value::Decimal(..))
                .then_some(value)
                .ok_or(Unparsable::Data)
        }
        (LogicalName::Date, Some(ms)) if ms % MILLIS_PER_DAY == 0 => {
            Value::Date(int(ms / MILLIS_PER_DAY)?)
        }
        (LogicalName::Date, None) => Value::Date(as_long(&value)? as i32),
        (LogicalName::Time, Some(ms)) => Value::Time(int(ms)?),
        (LogicalName::Time, None) => {
            let ms = as_long(&value)? as i32;
            if !(0..=MILLIS_PER_DAY).contains(&i64::from(ms)) {
                return Err(Unparsable::Data);
            }
            Value::Time(ms)
        }
        (LogicalName::Timestamp, Some(ms)) => Value::Timestamp(ms),
        (LogicalName::Timestamp, None) => Value::Timestamp(as_long(&value)?),
        (LogicalName::Date, Some(_)) => return Err(Unparsable::Data),
    };
    Ok(converted)
}

fn int(v: i64) -> Result<i32, Unparsable> {
    i32::try_from(v).map_err(|_| Unparsable::Data)
}

/// `Number.longValue()`.
fn as_long(value: &Value) -> Result<i64, Unparsable> {
    Ok(match value {
        Value::Int8(v) => i64::from(*v),
        Value::Int16(v) => i64::from(*v),
        Value::Int32(v) => i64::from(*v),
        Value::Int64(v) => *v,
        Value::Float32(v) => *v as i64,
        Value::Float64(v) => *v as i64,
        _ => return Err(Unparsable::Data),
    })
}

/// `Number.doubleValue()`.
fn as_double(value: &Value) -> Result<f64, Unparsable> {
    Ok(match value {
        Value::Float32(v) => f64::from(*v),
        Value::Float64(v) => *v,
        other => as_long(other)? as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schemas;

    fn merged(types: &[&SchemaRef]) -> Option<SchemaRef> {
        let mut merger = SchemaMerger::default();
        for t in types {
            merger.merge(Some(t));
        }
        merger.merge(None);
        merger.common().cloned()
    }

    #[test]
    fn numbers_widen() {
        use schemas::*;
        assert_eq!(merged(&[&INT8, &INT16, &INT8]), Some(INT16.clone()));
        assert_eq!(merged(&[&INT32, &FLOAT32, &INT64]), Some(FLOAT32.clone()));
        assert_eq!(merged(&[&FLOAT64, &FLOAT32]), Some(FLOAT64.clone()));
        assert_eq!(merged(&[&INT8, &STRING]), None);
        assert_eq!(merged(&[&INT8, &STRING, &INT8]), None);
        assert_eq!(merged(&[&STRING, &STRING]), Some(STRING.clone()));
        assert_eq!(merged(&[&DATE, &TIME]), Some(TIME.clone()));
        assert_eq!(merged(&[&DATE, &TIMESTAMP]), Some(TIMESTAMP.clone()));
        assert_eq!(merged(&[&INT8, &DATE]), Some(DATE.clone()));
        assert_eq!(merged(&[]), None);
    }

    #[test]
    fn conversions_follow_java_casts() {
        use schemas::*;
        assert_eq!(convert_to(&INT16, Value::Int8(5)).unwrap(), Value::Int16(5));
        assert_eq!(
            convert_to(&FLOAT32, Value::Int64(1 << 40)).unwrap(),
            Value::Float32(1_099_511_627_776.0)
        );
        assert_eq!(convert_to(&INT32, Value::Date(1)), Err(Unparsable::Data));
        assert_eq!(convert_to(&INT8, Value::Null), Err(Unparsable::Data));
        assert_eq!(convert_to(&DATE, Value::Int8(5)).unwrap(), Value::Date(5));
        assert_eq!(
            convert_to(&TIMESTAMP, Value::Date(1)).unwrap(),
            Value::Timestamp(MILLIS_PER_DAY)
        );
        assert_eq!(convert_to(&TIME, Value::Int32(-1)), Err(Unparsable::Data));
        assert_eq!(convert_to(&DATE, Value::Time(5)), Err(Unparsable::Data));
        assert_eq!(
            convert_to(&STRING, Value::from("x")).unwrap(),
            Value::from("x")
        );
        assert_eq!(
            convert_to(&BOOLEAN, Value::from("x")),
            Err(Unparsable::Data)
        );
    }
}
