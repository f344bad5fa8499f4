//! Every loaded class, found by Kafka's aliases.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ferry_plugin_abi::LogCallback;
use tracing::{info, warn};

use super::discovery::candidate_files;
use super::library::{load_library, PluginClass};

/// A file on `plugin.path` that was not loaded, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedFile {
    pub path: PathBuf,
    pub reason: String,
}

/// Kafka's aliases of a class name: the simple name, and the simple name without the
/// `Connector` suffix (`org.x.FileStreamSinkConnector` gives `FileStreamSinkConnector` and
/// `FileStreamSink`).
pub fn aliases(class: &str) -> Vec<String> {
    let simple = class.rsplit('.').next().unwrap_or(class);
    let mut out = Vec::new();
    if simple != class {
        out.push(simple.to_owned());
    }
    if let Some(stripped) = simple.strip_suffix("Connector").filter(|s| !s.is_empty()) {
        out.push(stripped.to_owned());
    }
    out
}

/// The classes of every library loaded from `plugin.path`.
#[derive(Debug, Default)]
pub struct PluginRegistry {
    classes: Vec<Arc<PluginClass>>,
    by_name: HashMap<String, usize>,
    rejected: Vec<RejectedFile>,
}

impl PluginRegistry {
    /// Load every candidate file of `plugin_path`.
    pub fn scan(plugin_path: &[String], log: LogCallback) -> PluginRegistry {
        let mut registry = PluginRegistry::default();
        for path in candidate_files(plugin_path) {
            registry.load(&path, log);
        }
        registry.index_aliases();
        registry
    }

    fn reject(&mut self, path: &Path, reason: String) {
        warn!(path = %path.display(), "Skipping plugin file {}: {reason}", path.display());
        self.rejected.push(RejectedFile {
            path: path.to_path_buf(),
            reason,
        });
    }

    fn load(&mut self, path: &Path, log: LogCallback) {
        let classes = match load_library(path, log) {
            Ok(c) => c,
            Err(e) => return self.reject(path, e.to_string()),
        };
        if let Some(dup) = classes.iter().find(|c| self.by_name.contains_key(&c.class)) {
            let first = &self.classes[self.by_name[&dup.class]].library.path;
            let reason = format!(
                "exports connector class {} which is already loaded from {}",
                dup.class,
                first.display()
            );
            return self.reject(path, reason);
        }
        for class in classes {
            info!(path = %path.display(), class = %class.class, version = %class.version, kind = class.kind.as_str(), "Loaded plugin class");
            self.by_name.insert(class.class.clone(), self.classes.len());
            self.classes.push(Arc::new(class));
        }
    }

    /// Register aliases that are unambiguous (Kafka drops an alias two classes share).
    fn index_aliases(&mut self) {
        let mut counts: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in self.classes.iter().enumerate() {
            for a in aliases(&c.class) {
                counts.entry(a).or_default().push(i);
            }
        }
        for (alias, owners) in counts {
            if owners.len() == 1 && !self.by_name.contains_key(&alias) {
                self.by_name.insert(alias, owners[0]);
            } else if owners.len() > 1 {
                warn!(alias = %alias, "Alias is ambiguous and will not be used; use a full class name");
            }
        }
    }

    /// The class named by a full class name or an alias.
    pub fn find(&self, name: &str) -> Option<&Arc<PluginClass>> {
        self.by_name.get(name.trim()).map(|i| &self.classes[*i])
    }

    /// Every loaded class, in load order.
    pub fn classes(&self) -> &[Arc<PluginClass>] {
        &self.classes
    }

    /// Files that were not loaded.
    pub fn rejected(&self) -> &[RejectedFile] {
        &self.rejected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_follow_kafka() {
        assert_eq!(
            aliases("org.apache.kafka.connect.file.FileStreamSinkConnector"),
            vec![
                "FileStreamSinkConnector".to_owned(),
                "FileStreamSink".to_owned()
            ]
        );
        assert_eq!(aliases("Plain"), Vec::<String>::new());
        assert_eq!(aliases("a.Connector"), vec!["Connector".to_owned()]);
    }
}
