//! `schema.compatibility`: when a record's schema differs from the open files' schema, either
//! commit the files and start new ones with the record's schema, or project the record to the
//! files' schema (Kafka's `SchemaProjector`).
//!
//! - `NONE`: any difference starts new files.
//! - `BACKWARD`/`FULL`: a newer record schema (higher version) starts new files; an older one
//!   is projected to the newer file schema (fields it lacks take their defaults).
//! - `FORWARD`: an older record schema starts new files; a newer one is projected to the older
//!   file schema (its extra fields are dropped).
//!
//! Better than Confluent's: schemas without versions (e.g. from JsonConverter) do not fail the
//! task ("Schema version required for BACKWARD compatibility"): they start new files like
//! `NONE`; and a record that cannot be projected starts new files instead of failing.

use ferry_plugin_sdk::prelude::*;

/// The `schema.compatibility` modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compatibility {
    None,
    Backward,
    Forward,
    Full,
}

/// What to do with a record whose schema differs from the files'.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Commit the open files; the record starts new ones with its own schema.
    Rotate,
    /// Write this value (the record's, projected to the files' schema).
    Project(Value),
}

impl Compatibility {
    pub fn from_name(name: &str) -> Result<Compatibility> {
        match name.to_ascii_uppercase().as_str() {
            "NONE" => Ok(Compatibility::None),
            "BACKWARD" => Ok(Compatibility::Backward),
            "FORWARD" => Ok(Compatibility::Forward),
            "FULL" => Ok(Compatibility::Full),
            other => Err(ConnectError::config(format!(
                "Invalid value {other} for configuration schema.compatibility"
            ))),
        }
    }

    /// Decide for a record with schema `record` and value `value` while the files have
    /// `current` (the schemas differ).
    pub fn decide(self, record: &Schema, value: &Value, current: &Schema) -> Decision {
        let (Some(rv), Some(cv)) = (record.version, current.version) else {
            return Decision::Rotate;
        };
        let newer_wins = match self {
            Compatibility::None => return Decision::Rotate,
            Compatibility::Backward | Compatibility::Full => rv > cv,
            Compatibility::Forward => rv < cv,
        };
        if newer_wins {
            return Decision::Rotate;
        }
        match project(value, record, current) {
            Ok(v) => Decision::Project(v),
            Err(_) => Decision::Rotate,
        }
    }
}

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Int8(n) => Some(i64::from(*n)),
        Value::Int16(n) => Some(i64::from(*n)),
        Value::Int32(n) => Some(i64::from(*n)),
        Value::Int64(n) => Some(*n),
        _ => None,
    }
}

/// Kafka's `SchemaProjector.project`: `value` (of `source`) as a value of `target`.
pub fn project(
    value: &Value,
    source: &Schema,
    target: &Schema,
) -> std::result::Result<Value, String> {
    if value.is_null() {
        return match (&target.default, target.optional) {
            (Some(d), _) => Ok(d.clone()),
            (None, true) => Ok(Value::Null),
            (None, false) => Err("null for a required field".into()),
        };
    }
    if source.name != target.name && (source.logical().is_some() || target.logical().is_some()) {
        return Err("logical types differ".into());
    }
    match (value, target.ty) {
        (Value::Struct(s), Type::Struct) => {
            let mut values = Vec::with_capacity(target.fields.len());
            for tf in &target.fields {
                let v = match source.field(&tf.name) {
                    Some(sf) => {
                        let v = s.values().get(sf.index).cloned().unwrap_or(Value::Null);
                        project(&v, &sf.schema, &tf.schema)?
                    }
                    None => match (&tf.schema.default, tf.schema.optional) {
                        (Some(d), _) => d.clone(),
                        (None, true) => Value::Null,
                        (None, false) => return Err(format!("field {} has no default", tf.name)),
                    },
                };
                values.push(v);
            }
            Ok(Value::Struct(Struct::from_values_unchecked(
                std::sync::Arc::new(target.clone()),
                values,
            )))
        }
        (Value::Array(items), Type::Array) => {
            let (Some(si), Some(ti)) = (
                source.value_schema.as_deref(),
                target.value_schema.as_deref(),
            ) else {
                return Err("array without item schema".into());
            };
            items
                .iter()
                .map(|v| project(v, si, ti))
                .collect::<std::result::Result<_, _>>()
                .map(Value::Array)
        }
        (_, ty) if Some(ty) == value.connect_type() => Ok(value.clone()),
        (v, Type::Int16) => as_i64(v)
            .filter(|_| matches!(v, Value::Int8(_)))
            .map(|n| Value::Int16(n as i16))
            .ok_or_else(|| "cannot promote".into()),
        (v, Type::Int32) => as_i64(v)
            .filter(|_| matches!(v, Value::Int8(_) | Value::Int16(_)))
            .map(|n| Value::Int32(n as i32))
            .ok_or_else(|| "cannot promote".into()),
        (v, Type::Int64) => as_i64(v)
            .map(Value::Int64)
            .ok_or_else(|| "cannot promote".into()),
        (v, Type::Float32) => as_i64(v)
            .map(|n| Value::Float32(n as f32))
            .ok_or_else(|| "cannot promote".into()),
        (Value::Float32(f), Type::Float64) => Ok(Value::Float64(f64::from(*f))),
        (v, Type::Float64) => as_i64(v)
            .map(|n| Value::Float64(n as f64))
            .ok_or_else(|| "cannot promote".into()),
        _ => Err(format!("{} does not project to {}", source.ty, target.ty)),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn v1() -> SchemaRef {
        Schema::struct_builder()
            .name("r")
            .version(1)
            .field("a", Schema::primitive(Type::Int32))
            .build()
    }

    fn v2() -> SchemaRef {
        Schema::struct_builder()
            .name("r")
            .version(2)
            .field("a", Schema::primitive(Type::Int64))
            .field("b", Schema::optional_primitive(Type::String))
            .build()
    }

    fn rec(s: &SchemaRef) -> Value {
        Value::Struct(Struct::new(s.clone()).unwrap().with("a", 7).unwrap())
    }

    #[test]
    fn backward_projects_older_records_and_rotates_on_newer_ones() {
        let b = Compatibility::Backward;
        let old = Value::Struct(Struct::new(v1()).unwrap().with("a", 7).unwrap());
        let Decision::Project(Value::Struct(p)) = b.decide(&v1(), &old, &v2()) else {
            panic!()
        };
        assert_eq!(p.values(), &[Value::Int64(7), Value::Null]);
        let new = Value::Struct(Struct::new(v2()).unwrap().with("a", 7i64).unwrap());
        assert_eq!(b.decide(&v2(), &new, &v1()), Decision::Rotate);
    }

    #[test]
    fn forward_drops_new_fields_and_unversioned_schemas_rotate() {
        let new = Value::Struct(Struct::new(v2()).unwrap().with("a", 7i64).unwrap());
        // INT64 does not narrow to INT32: cannot project, so rotate rather than fail.
        assert_eq!(
            Compatibility::Forward.decide(&v2(), &new, &v1()),
            Decision::Rotate
        );
        let unversioned = Schema::struct_builder()
            .name("r")
            .field("a", Schema::primitive(Type::Int32))
            .build();
        assert_eq!(
            Compatibility::Full.decide(&unversioned, &rec(&v1()), &v1()),
            Decision::Rotate
        );
        assert_eq!(
            Compatibility::None.decide(&v1(), &rec(&v1()), &v2()),
            Decision::Rotate
        );
    }
}
