//! Test helpers.

use std::collections::BTreeMap;

use ferry_data::{SchemaRef, Value};

use crate::record::ConnectRecord;

/// A property map.
pub(crate) fn props(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A source-like record on `topic` partition 0 with the given value.
pub(crate) fn value_record(schema: Option<SchemaRef>, value: Value) -> ConnectRecord {
    let mut r = ConnectRecord::new("topic");
    r.kafka_partition = Some(0);
    r.value_schema = schema;
    r.value = value;
    r
}

/// A record with the given key.
pub(crate) fn key_record(schema: Option<SchemaRef>, key: Value) -> ConnectRecord {
    let mut r = ConnectRecord::new("topic");
    r.kafka_partition = Some(0);
    r.key_schema = schema;
    r.key = key;
    r
}

/// A schemaless map with string keys.
pub(crate) fn map(entries: &[(&str, Value)]) -> Value {
    Value::Map(
        entries
            .iter()
            .map(|(k, v)| (Value::from(*k), v.clone()))
            .collect(),
    )
}
