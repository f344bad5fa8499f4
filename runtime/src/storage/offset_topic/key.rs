//! Offset topic records in Kafka Connect's format: the key is the JsonConverter
//! (`schemas.enable=false`) serialization of `[connector, partition]`, the value the offset's.

use serde_json::{Map, Value};

use crate::storage::json::to_java_json;

/// The record key for `partition` (JSON object text) of `connector`, with the partition's keys
/// in the order given: `["my-conn",{"filename":"/tmp/x"}]`.
pub(super) fn encode_key(connector: &str, partition: &str) -> Result<Vec<u8>, String> {
    let partition: Value = serde_json::from_str(partition)
        .map_err(|e| format!("Invalid source partition {partition}: {e}"))?;
    if !partition.is_object() {
        return Err(format!(
            "A source partition must be a JSON object: {partition}"
        ));
    }
    let key = Value::Array(vec![Value::String(connector.to_owned()), partition]);
    Ok(to_java_json(&key).into_bytes())
}

/// The offset JSON text, compact (`None` for a tombstone is the caller's business).
pub(super) fn encode_value(offset: &str) -> Result<Vec<u8>, String> {
    let offset: Value =
        serde_json::from_str(offset).map_err(|e| format!("Invalid source offset {offset}: {e}"))?;
    Ok(to_java_json(&offset).into_bytes())
}

/// Kafka's `OffsetUtils#processPartitionKey`: a key must be a 2-element JSON array of a string
/// (the connector) and an object (the partition). Returns the connector and the partition.
pub(super) fn parse_key(key: &[u8]) -> Result<(String, Value), String> {
    let key: Value = serde_json::from_slice(key).map_err(|e| e.to_string())?;
    match key {
        Value::Array(parts) => match <[Value; 2]>::try_from(parts) {
            Ok([Value::String(connector), partition @ Value::Object(_)]) => {
                Ok((connector, partition))
            }
            Ok(_) => Err("expected a connector name and a partition object".into()),
            Err(parts) => Err(format!("expected 2 elements, found {}", parts.len())),
        },
        _ => Err("not a JSON array".into()),
    }
}

/// The partition with every object's keys sorted: equal maps give equal text, whatever order
/// a writer used (Java compares partitions as maps).
pub(super) fn lookup_form(value: &Value) -> String {
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut entries: Vec<(&String, &Value)> = m.iter().collect();
                entries.sort_by(|a, b| a.0.cmp(b.0));
                Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| (k.clone(), sorted(v)))
                        .collect::<Map<String, Value>>(),
                )
            }
            Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(value).to_string()
}

/// [`lookup_form`] of partition text; text that is not JSON is used as is.
pub(super) fn lookup_form_of(partition: &str) -> String {
    serde_json::from_str::<Value>(partition)
        .map(|v| lookup_form(&v))
        .unwrap_or_else(|_| partition.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_kafkas_compact_json_in_the_partitions_order() {
        let key = encode_key("my-conn", r#"{ "filename" : "/tmp/x" }"#).unwrap();
        assert_eq!(key, br#"["my-conn",{"filename":"/tmp/x"}]"#);
        let key = encode_key("c", r#"{"z":1,"a":"\u00e9\n\u001f","m":null}"#).unwrap();
        assert_eq!(
            String::from_utf8(key).unwrap(),
            "[\"c\",{\"z\":1,\"a\":\"\u{e9}\\n\\u001F\",\"m\":null}]"
        );
        assert!(encode_key("c", "[1]").is_err());
        assert!(encode_key("c", "{").is_err());
        assert_eq!(
            encode_value(r#"{ "position" : 28 }"#).unwrap(),
            br#"{"position":28}"#
        );
    }

    #[test]
    fn keys_parse_back_and_malformed_keys_are_refused() {
        let (connector, partition) = parse_key(br#"["my-conn",{"b":1,"a":2}]"#).unwrap();
        assert_eq!(connector, "my-conn");
        assert_eq!(partition.to_string(), r#"{"b":1,"a":2}"#);
        assert_eq!(lookup_form(&partition), r#"{"a":2,"b":1}"#);
        assert_eq!(lookup_form_of(r#"{"a":2, "b":1}"#), r#"{"a":2,"b":1}"#);
        for bad in [
            &b"not json"[..],
            br#"{"a":1}"#,
            br#"["c"]"#,
            br#"["c",{},1]"#,
            br#"[1,{}]"#,
            br#"["c","p"]"#,
        ] {
            assert!(parse_key(bad).is_err(), "{}", String::from_utf8_lossy(bad));
        }
    }
}
