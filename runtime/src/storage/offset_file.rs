//! The standalone offsets file (`offset.storage.file.filename`).
//!
//! Format (Ferry's own; Kafka writes a Java-serialized `HashMap<byte[],byte[]>`, see
//! docs/compatibility.md): one JSON document
//!
//! ```json
//! {"version":1,"offsets":[{"key":["<connector>",{<partition>}],"value":{<offset>}}]}
//! ```
//!
//! The `key` is exactly the key Kafka Connect writes to its offsets topic. The file is rewritten
//! whole on every flush, atomically: a temporary file in the same directory is written and
//! fsynced, then renamed over the old one, and the directory is fsynced. After a crash the file
//! holds either the previous flush or the new one, never a mix.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use serde_json::{json, Value};
use tracing::warn;

use crate::task::OffsetStore;

/// Offsets of every connector, keyed by connector and canonical partition JSON text.
type Offsets = BTreeMap<(String, String), String>;

/// A file-backed [`OffsetStore`].
pub struct FileOffsetStore {
    path: PathBuf,
    offsets: Mutex<Offsets>,
}

/// Partition and offset text in one canonical form (parsed and re-serialized), so that the same
/// object always gives the same key.
fn canonical(json_text: &str) -> String {
    serde_json::from_str::<Value>(json_text)
        .map(|v| v.to_string())
        .unwrap_or_else(|_| json_text.to_owned())
}

impl FileOffsetStore {
    /// Open the store, reading `path` if it exists. A missing or empty file is an empty store;
    /// a file that is not Ferry's format is an error (nothing is overwritten).
    pub fn open(path: impl Into<PathBuf>) -> Result<FileOffsetStore, String> {
        let path = path.into();
        let offsets = match std::fs::read(&path) {
            Ok(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => Offsets::new(),
            Ok(bytes) => parse(&bytes)
                .map_err(|e| format!("Cannot read the offsets file {}: {e}", path.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Offsets::new(),
            Err(e) => {
                return Err(format!(
                    "Cannot read the offsets file {}: {e}",
                    path.display()
                ))
            }
        };
        Ok(FileOffsetStore {
            path,
            offsets: Mutex::new(offsets),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    fn save(&self, offsets: &Offsets) -> Result<(), String> {
        let entries: Vec<Value> = offsets
            .iter()
            .map(|((connector, partition), offset)| {
                let partition: Value = serde_json::from_str(partition).unwrap_or(Value::Null);
                let offset: Value = serde_json::from_str(offset).unwrap_or(Value::Null);
                json!({"key": [connector, partition], "value": offset})
            })
            .collect();
        let doc = json!({"version": 1, "offsets": entries});
        write_atomically(&self.path, doc.to_string().as_bytes())
            .map_err(|e| format!("Cannot write the offsets file {}: {e}", self.path.display()))
    }
}

fn parse(bytes: &[u8]) -> Result<Offsets, String> {
    let doc: Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if doc.get("version").and_then(Value::as_i64) != Some(1) {
        return Err("not a Ferry offsets file (expected \"version\": 1)".into());
    }
    let mut out = Offsets::new();
    for entry in doc
        .get("offsets")
        .and_then(Value::as_array)
        .ok_or("no \"offsets\" array")?
    {
        let key = entry.get("key").and_then(Value::as_array);
        match key.map(|k| k.as_slice()) {
            Some([Value::String(connector), partition @ Value::Object(_)]) => {
                let value = entry.get("value").cloned().unwrap_or(Value::Null);
                if !value.is_null() {
                    out.insert(
                        (connector.clone(), partition.to_string()),
                        value.to_string(),
                    );
                }
            }
            _ => warn!(entry = %entry, "Ignoring a malformed offsets file entry"),
        }
    }
    Ok(out)
}

/// Write `bytes` to `path` so that a crash leaves either the old or the new content.
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp"));
    {
        let mut f = File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    File::open(dir)?.sync_all()
}

impl OffsetStore for FileOffsetStore {
    fn get(&self, connector: &str, partitions: &[String]) -> Vec<Option<String>> {
        let Ok(offsets) = self.offsets.lock() else {
            return vec![None; partitions.len()];
        };
        partitions
            .iter()
            .map(|p| offsets.get(&(connector.to_owned(), canonical(p))).cloned())
            .collect()
    }

    fn put(&self, connector: &str, updates: &[(String, Option<String>)]) -> Result<(), String> {
        let mut offsets = self
            .offsets
            .lock()
            .map_err(|_| "offset store poisoned".to_owned())?;
        let mut next = offsets.clone();
        for (partition, offset) in updates {
            let key = (connector.to_owned(), canonical(partition));
            match offset {
                Some(o) => next.insert(key, canonical(o)),
                None => next.remove(&key),
            };
        }
        self.save(&next)?;
        *offsets = next;
        Ok(())
    }

    fn list(&self, connector: &str) -> Vec<(String, String)> {
        let Ok(offsets) = self.offsets.lock() else {
            return Vec::new();
        };
        offsets
            .iter()
            .filter(|((c, _), _)| c == connector)
            .map(|((_, p), o)| (p.clone(), o.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_through_the_file_in_kafkas_key_format() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("connect.offsets");
        let store = FileOffsetStore::open(&path).unwrap();
        store
            .put(
                "local-file-source",
                &[(
                    r#"{"filename":"/tmp/test.txt"}"#.into(),
                    Some(r#"{"position":28}"#.into()),
                )],
            )
            .unwrap();
        store
            .put(
                "other",
                &[(r#"{"a": 1}"#.into(), Some(r#"{"b":2}"#.into()))],
            )
            .unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(r#"{"key":["local-file-source",{"filename":"/tmp/test.txt"}],"value":{"position":28}}"#), "{text}");
        let reopened = FileOffsetStore::open(&path).unwrap();
        assert_eq!(
            reopened.get(
                "local-file-source",
                &[r#"{"filename": "/tmp/test.txt"}"#.into(), "{}".into()]
            ),
            vec![Some(r#"{"position":28}"#.into()), None]
        );
        reopened
            .put("other", &[(r#"{"a":1}"#.into(), None)])
            .unwrap();
        assert!(FileOffsetStore::open(&path)
            .unwrap()
            .list("other")
            .is_empty());
        assert_eq!(
            FileOffsetStore::open(&path)
                .unwrap()
                .list("local-file-source")
                .len(),
            1
        );
    }

    #[test]
    fn missing_and_empty_files_are_empty_stores_and_garbage_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        assert!(FileOffsetStore::open(dir.path().join("none"))
            .unwrap()
            .list("x")
            .is_empty());
        std::fs::write(dir.path().join("empty"), "").unwrap();
        assert!(FileOffsetStore::open(dir.path().join("empty")).is_ok());
        std::fs::write(dir.path().join("java"), [0xac, 0xed, 0x00, 0x05]).unwrap();
        let err = FileOffsetStore::open(dir.path().join("java"))
            .err()
            .unwrap();
        assert!(err.starts_with("Cannot read the offsets file"), "{err}");
    }
}
