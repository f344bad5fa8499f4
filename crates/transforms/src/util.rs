//! Helpers shared by the transformations: the key/value side a `$Key`/`$Value` variant works on,
//! Kafka's `Requirements` and `SchemaUtil`, schemaless-map access and the schema cache.

use std::sync::{Mutex, PoisonError};

use ferry_data::{Schema, SchemaRef, Struct, Type, Value};

use crate::error::TransformError;
use crate::record::ConnectRecord;

/// Which part of the record a `$Key` / `$Value` transformation operates on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Key,
    Value,
}

impl Side {
    /// `operatingSchema(record)`.
    pub(crate) fn schema(self, record: &ConnectRecord) -> Option<&SchemaRef> {
        match self {
            Side::Key => record.key_schema.as_ref(),
            Side::Value => record.value_schema.as_ref(),
        }
    }

    /// `operatingValue(record)`.
    pub(crate) fn value(self, record: &ConnectRecord) -> &Value {
        match self {
            Side::Key => &record.key,
            Side::Value => &record.value,
        }
    }

    /// Takes the schema and value out of the record (leaving null).
    pub(crate) fn take(self, record: &mut ConnectRecord) -> (Option<SchemaRef>, Value) {
        match self {
            Side::Key => (
                record.key_schema.take(),
                std::mem::replace(&mut record.key, Value::Null),
            ),
            Side::Value => (
                record.value_schema.take(),
                std::mem::replace(&mut record.value, Value::Null),
            ),
        }
    }

    /// `newRecord(record, updatedSchema, updatedValue)`.
    pub(crate) fn set(self, record: &mut ConnectRecord, schema: Option<SchemaRef>, value: Value) {
        match self {
            Side::Key => {
                record.key_schema = schema;
                record.key = value;
            }
            Side::Value => {
                record.value_schema = schema;
                record.value = value;
            }
        }
    }
}

/// The Java class Kafka Connect would hold for a value (for messages such as
/// `found: java.lang.String`).
pub(crate) fn java_class_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Int8(_) => "java.lang.Byte",
        Value::Int16(_) => "java.lang.Short",
        Value::Int32(_) => "java.lang.Integer",
        Value::Int64(_) => "java.lang.Long",
        Value::Float32(_) => "java.lang.Float",
        Value::Float64(_) => "java.lang.Double",
        Value::Boolean(_) => "java.lang.Boolean",
        Value::String(_) => "java.lang.String",
        Value::Bytes(_) => "[B",
        Value::Array(_) => "java.util.ArrayList",
        Value::Map(_) => "java.util.HashMap",
        Value::Struct(_) => "org.apache.kafka.connect.data.Struct",
        Value::Decimal(..) => "java.math.BigDecimal",
        Value::Date(_) | Value::Time(_) | Value::Timestamp(_) => "java.util.Date",
    }
}

/// Java's `value.getClass()` as printed by string concatenation: `class java.lang.String`.
pub(crate) fn java_class(value: &Value) -> String {
    format!("class {}", java_class_name(value))
}

/// `Requirements.requireStruct`.
pub(crate) fn require_struct<'a>(
    value: &'a Value,
    purpose: &str,
) -> Result<&'a Struct, TransformError> {
    match value {
        Value::Struct(s) => Ok(s),
        other => Err(TransformError::data(format!(
            "Only Struct objects supported for [{purpose}], found: {}",
            java_class_name(other)
        ))),
    }
}

/// `Requirements.requireStructOrNull`.
pub(crate) fn require_struct_or_null<'a>(
    value: &'a Value,
    purpose: &str,
) -> Result<Option<&'a Struct>, TransformError> {
    match value {
        Value::Null => Ok(None),
        other => require_struct(other, purpose).map(Some),
    }
}

/// A schemaless map: entries in insertion order.
pub(crate) type Entries = Vec<(Value, Value)>;

/// `Requirements.requireMap`.
pub(crate) fn require_map<'a>(
    value: &'a Value,
    purpose: &str,
) -> Result<&'a Entries, TransformError> {
    match value {
        Value::Map(entries) => Ok(entries),
        other => Err(TransformError::data(format!(
            "Only Map objects supported in absence of schema for [{purpose}], found: {}",
            java_class_name(other)
        ))),
    }
}

/// `Requirements.requireMapOrNull`.
pub(crate) fn require_map_or_null<'a>(
    value: &'a Value,
    purpose: &str,
) -> Result<Option<&'a Entries>, TransformError> {
    match value {
        Value::Null => Ok(None),
        other => require_map(other, purpose).map(Some),
    }
}

/// `Requirements.requireSchema`.
pub(crate) fn require_schema<'a>(
    schema: Option<&'a SchemaRef>,
    purpose: &str,
) -> Result<&'a SchemaRef, TransformError> {
    schema.ok_or_else(|| TransformError::data(format!("Schema required for [{purpose}]")))
}

/// `map.get(name)` on a schemaless map (`None` when absent).
pub(crate) fn map_get<'a>(entries: &'a Entries, name: &str) -> Option<&'a Value> {
    entries
        .iter()
        .find(|(k, _)| matches!(k, Value::String(s) if s == name))
        .map(|(_, v)| v)
}

/// `map.put(name, value)`: replaces in place or appends.
pub(crate) fn map_put(entries: &mut Entries, name: &str, value: Value) {
    match entries
        .iter_mut()
        .find(|(k, _)| matches!(k, Value::String(s) if s == name))
    {
        Some(entry) => entry.1 = value,
        None => entries.push((Value::String(name.to_owned()), value)),
    }
}

/// `map.remove(name)`.
pub(crate) fn map_remove(entries: &mut Entries, name: &str) {
    entries.retain(|(k, _)| !matches!(k, Value::String(s) if s == name));
}

/// `SchemaUtil.copySchemaBasics(source, builder)`: `target` with the name, version, doc and
/// parameters of `source`.
pub(crate) fn copy_schema_basics(source: &Schema, mut target: Schema) -> Schema {
    target.name = source.name.clone();
    target.version = source.version;
    target.doc = source.doc.clone();
    target.parameters = source.parameters.clone();
    target
}

/// An empty STRUCT schema with the basics of `source`.
pub(crate) fn struct_like(source: &Schema) -> Schema {
    copy_schema_basics(source, Schema::of(Type::Struct))
}

/// Appends a field to a STRUCT schema under construction.
pub(crate) fn push_field(schema: &mut Schema, name: &str, field_schema: SchemaRef) {
    let index = schema.fields.len();
    schema.fields.push(ferry_data::Field {
        name: name.to_owned(),
        index,
        schema: field_schema,
    });
}

/// A field's value: `Struct.get` (default substituted) or `Struct.getWithoutDefault`.
pub(crate) fn field_value(
    s: &Struct,
    name: &str,
    replace_null_with_default: bool,
) -> Result<Value, TransformError> {
    let v = if replace_null_with_default {
        s.get(name)?
    } else {
        s.get_without_default(name)?
    };
    Ok(v.clone())
}

/// `new Struct(schema)` followed by `put` of every value in field order, with `Struct.put`'s
/// validation (`values` must have one entry per field).
pub(crate) fn new_struct(schema: &SchemaRef, values: Vec<Value>) -> Result<Struct, TransformError> {
    for (field, value) in schema.fields.iter().zip(&values) {
        value.validate(&field.schema, Some(&field.name))?;
    }
    Ok(Struct::from_values_unchecked(schema.clone(), values))
}

/// A struct under construction with Kafka's `Struct.put` semantics: each put is validated
/// against its field's schema; fields never put stay null.
#[derive(Debug)]
pub(crate) struct StructWriter {
    schema: SchemaRef,
    values: Vec<Value>,
}

impl StructWriter {
    /// `new Struct(schema)`.
    pub(crate) fn new(schema: &SchemaRef) -> StructWriter {
        StructWriter {
            schema: schema.clone(),
            values: vec![Value::Null; schema.fields.len()],
        }
    }

    /// `struct.put(name, value)`.
    pub(crate) fn put(&mut self, name: &str, value: Value) -> Result<(), TransformError> {
        let field = self
            .schema
            .field(name)
            .ok_or_else(|| ferry_data::DataError::NoSuchField(name.to_owned()))?;
        value.validate(&field.schema, Some(name))?;
        let index = field.index;
        self.values[index] = value;
        Ok(())
    }

    /// The finished struct.
    pub(crate) fn finish(self) -> Struct {
        Struct::from_values_unchecked(self.schema, self.values)
    }
}

/// Kafka's `SynchronizedCache<>(new LRUCache<>(16))` of schema translations. Lookups compare by
/// pointer first, then structurally (Kafka's `Schema.equals`), so a translated schema is built
/// once and the same `Arc` is shared by every record.
#[derive(Debug, Default)]
pub(crate) struct SchemaCache {
    entries: Mutex<Vec<(SchemaRef, SchemaRef)>>,
}

const CACHE_SIZE: usize = 16;

impl SchemaCache {
    /// The cached translation of `key`, or the result of `build` (then cached).
    pub(crate) fn get_or_try_insert<F>(
        &self,
        key: &SchemaRef,
        build: F,
    ) -> Result<SchemaRef, TransformError>
    where
        F: FnOnce() -> Result<SchemaRef, TransformError>,
    {
        {
            let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            let pos = entries
                .iter()
                .position(|(k, _)| SchemaRef::ptr_eq(k, key))
                .or_else(|| entries.iter().position(|(k, _)| k == key));
            if let Some(pos) = pos {
                let entry = entries.remove(pos);
                let value = entry.1.clone();
                entries.insert(0, entry);
                return Ok(value);
            }
        }
        let value = build()?;
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.insert(0, (key.clone(), value.clone()));
        entries.truncate(CACHE_SIZE);
        Ok(value)
    }
}

/// Java's `String.split(":")`-style split on one char: trailing empty strings are removed (an
/// input without the separator yields itself).
pub(crate) fn java_split(s: &str, sep: char) -> Vec<&str> {
    let mut parts: Vec<&str> = s.split(sep).collect();
    if parts.len() > 1 {
        while parts.last().is_some_and(|p| p.is_empty()) {
            parts.pop();
        }
    }
    parts
}

/// Java's `String.trim()`.
pub(crate) fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= '\u{20}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_split_drops_trailing_empties() {
        assert_eq!(java_split("a:b", ':'), ["a", "b"]);
        assert_eq!(java_split("a:", ':'), ["a"]);
        assert_eq!(java_split(":b", ':'), ["", "b"]);
        assert_eq!(java_split("", ':'), [""]);
        assert!(java_split(":", ':').is_empty());
        assert_eq!(java_split("a:b:c", ':'), ["a", "b", "c"]);
    }

    #[test]
    fn cache_shares_translations() {
        let cache = SchemaCache::default();
        let key = Schema::primitive(Type::Int32);
        let a = cache
            .get_or_try_insert(&key, || Ok(Schema::primitive(Type::String)))
            .unwrap();
        let same_shape = Schema::primitive(Type::Int32);
        let b = cache
            .get_or_try_insert(&same_shape, || panic!("must be cached"))
            .unwrap();
        assert!(SchemaRef::ptr_eq(&a, &b));
        for i in 0..20 {
            let k = Schema::builder(Type::Int32).version(i).build();
            cache
                .get_or_try_insert(&k, || Ok(Schema::primitive(Type::Int8)))
                .unwrap();
        }
        assert_eq!(cache.entries.lock().unwrap().len(), CACHE_SIZE);
    }
}
