//! Source partition and offset documents, and `alterOffsets` validation with Kafka's messages.

use ferry_plugin_sdk::prelude::*;

pub(crate) const FILENAME_FIELD: &str = "filename";
pub(crate) const POSITION_FIELD: &str = "position";

pub(crate) fn partition(filename: &str) -> JsonMap {
    let mut p = JsonMap::new();
    p.insert(FILENAME_FIELD.into(), filename.into());
    p
}

/// The offset document `{"position":<position>}` as JSON text in `out`, written without
/// `fmt` or a map (this runs for every line).
pub(crate) fn offset_json(out: &mut String, position: u64) {
    const PREFIX: &str = "{\"position\":";
    if !out.starts_with(PREFIX) {
        out.clear();
        out.push_str(PREFIX);
    }
    out.truncate(PREFIX.len());
    out.push_str(itoa::Buffer::new().format(position));
    out.push('}');
}

/// Kafka's `FileStreamSourceConnector.alterOffsets`.
pub(crate) fn check_alter(
    config: &ConfigMap,
    offsets: &[(JsonMap, Option<JsonMap>)],
) -> Result<bool> {
    if config.get(crate::FILE).is_none_or(|f| f.is_empty()) {
        return Err(ConnectError::new(
            "Offsets cannot be modified if the 'file' configuration is unspecified. This is because stdin is used for input and offsets are not tracked.",
        ));
    }
    for (partition, offset) in offsets {
        let Some(offset) = offset else { continue };
        let Some(position) = offset.get(POSITION_FIELD) else {
            return Err(ConnectError::new(
                "Offset objects should either be null or contain the key 'position'",
            ));
        };
        let Some(position) = position.as_i64() else {
            return Err(ConnectError::new(
                "The value for the 'position' key in the offset is expected to be a Long value",
            ));
        };
        if position < 0 {
            return Err(ConnectError::new(
                "The value for the 'position' key in the offset should be a non-negative value",
            ));
        }
        if !partition.contains_key(FILENAME_FIELD) {
            return Err(ConnectError::new(
                "Partition objects should contain the key 'filename'",
            ));
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn cfg() -> ConfigMap {
        [
            ("file".to_owned(), "/tmp/x".to_owned()),
            ("topic".to_owned(), "t".to_owned()),
        ]
        .into()
    }

    fn map(v: serde_json::Value) -> JsonMap {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn offset_json_is_the_offset_document() {
        assert_eq!(POSITION_FIELD, "position", "offset_json spells it out");
        let mut out = String::from("stale");
        for position in [0, 7, 10, 4_294_967_296, u64::MAX] {
            offset_json(&mut out, position);
            let mut doc = JsonMap::new();
            doc.insert(POSITION_FIELD.into(), position.into());
            assert_eq!(out, serde_json::to_string(&doc).unwrap());
        }
    }

    #[test]
    fn accepts_long_positions_and_resets() {
        let p = map(json!({"filename": "/tmp/x"}));
        assert!(check_alter(&cfg(), &[(p.clone(), Some(map(json!({"position": 10}))))]).unwrap());
        assert!(check_alter(&cfg(), &[(map(json!({"other": 1})), None)]).unwrap());
    }

    #[test]
    fn rejects_what_kafka_rejects() {
        let p = map(json!({"filename": "/tmp/x"}));
        let msg = |o: serde_json::Value| {
            check_alter(&cfg(), &[(p.clone(), Some(map(o)))])
                .unwrap_err()
                .to_string()
        };
        assert_eq!(
            msg(json!({"position": "10"})),
            "The value for the 'position' key in the offset is expected to be a Long value"
        );
        assert_eq!(
            msg(json!({"position": 2.5})),
            "The value for the 'position' key in the offset is expected to be a Long value"
        );
        assert_eq!(
            msg(json!({"position": -420})),
            "The value for the 'position' key in the offset should be a non-negative value"
        );
        assert_eq!(
            msg(json!({"pos": 1})),
            "Offset objects should either be null or contain the key 'position'"
        );
        let e = check_alter(
            &cfg(),
            &[(map(json!({"f": 1})), Some(map(json!({"position": 1}))))],
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "Partition objects should contain the key 'filename'"
        );
        let mut stdin = cfg();
        stdin.remove("file");
        assert!(check_alter(&stdin, &[])
            .unwrap_err()
            .to_string()
            .starts_with("Offsets cannot be modified"));
    }
}
