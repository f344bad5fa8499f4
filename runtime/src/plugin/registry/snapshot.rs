//! One immutable state of the registry ([`Snapshot`]) and how names find classes in it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use super::super::library::PluginClass;
use super::super::transform::{transform_aliases, TransformClass};
use super::super::version::VersionRequirement;
use super::PLUGIN_VERSION_CONFIG;

/// A file on `plugin.path` that was not loaded, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedFile {
    pub path: PathBuf,
    pub reason: String,
}

/// Why a lookup found no class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindError {
    /// No class of that name or alias was ever loaded (callers use Kafka's message).
    NotFound,
    /// The class was loaded from a file that has since been removed from `plugin.path`.
    Removed { class: String, path: PathBuf },
    /// `connector.plugin.version` matches none of the loaded versions.
    NoMatchingVersion {
        class: String,
        requirement: String,
        available: Vec<String>,
    },
    /// `connector.plugin.version` is not a version or a version range.
    BadRequirement { requirement: String, reason: String },
}

impl std::fmt::Display for FindError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FindError::NotFound => write!(f, "no such connector class"),
            FindError::Removed { class, path } => write!(
                f,
                "Connector class {class} is no longer available: its plugin file {} was removed from plugin.path (connectors already running keep using it until they are deleted)",
                path.display()
            ),
            FindError::NoMatchingVersion {
                class,
                requirement,
                available,
            } => write!(
                f,
                "Connector class {class} has no version matching {PLUGIN_VERSION_CONFIG}={requirement}; available versions: {}",
                available.join(", ")
            ),
            FindError::BadRequirement {
                requirement,
                reason,
            } => write!(
                f,
                "Invalid value {requirement} for configuration {PLUGIN_VERSION_CONFIG}: {reason}"
            ),
        }
    }
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

/// One immutable state of the registry.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub(super) classes: Vec<Arc<PluginClass>>,
    /// Full names and unambiguous aliases → indices into `classes`, newest version first.
    pub(super) by_name: HashMap<String, Vec<usize>>,
    pub(super) rejected: Vec<RejectedFile>,
    /// Names (and aliases) of classes whose file was removed → that file.
    pub(super) removed: HashMap<String, (String, PathBuf)>,
    /// Transformations and predicates (ABI 1.1), first file wins.
    pub(super) transforms: Vec<Arc<TransformClass>>,
    /// Their full names and unambiguous aliases → indices into `transforms`.
    pub(super) transform_names: HashMap<String, usize>,
}

impl Snapshot {
    /// The newest version of the class named by a full class name or an alias.
    pub fn find(&self, name: &str) -> Option<Arc<PluginClass>> {
        self.by_name
            .get(name.trim())
            .and_then(|v| v.first())
            .map(|i| self.classes[*i].clone())
    }

    /// The class named by `name` whose version satisfies `requirement` (the value of
    /// `connector.plugin.version`; unset or `latest` for the newest).
    pub fn find_version(
        &self,
        name: &str,
        requirement: Option<&str>,
    ) -> Result<Arc<PluginClass>, FindError> {
        let req =
            VersionRequirement::parse(requirement).map_err(|reason| FindError::BadRequirement {
                requirement: requirement.unwrap_or_default().to_owned(),
                reason,
            })?;
        let Some(candidates) = self.by_name.get(name.trim()) else {
            return Err(match self.removed.get(name.trim()) {
                Some((class, path)) => FindError::Removed {
                    class: class.clone(),
                    path: path.clone(),
                },
                None => FindError::NotFound,
            });
        };
        candidates
            .iter()
            .map(|i| &self.classes[*i])
            .find(|c| req.matches(&c.version))
            .cloned()
            .ok_or_else(|| FindError::NoMatchingVersion {
                class: self.classes[candidates[0]].class.clone(),
                requirement: requirement.unwrap_or_default().trim().to_owned(),
                available: candidates
                    .iter()
                    .map(|i| self.classes[*i].version.clone())
                    .collect(),
            })
    }

    /// The class a connector config selects: `connector.class` and `connector.plugin.version`.
    pub fn for_config(
        &self,
        config: &BTreeMap<String, String>,
    ) -> Result<Arc<PluginClass>, FindError> {
        let name = config
            .get("connector.class")
            .map(String::as_str)
            .unwrap_or("");
        self.find_version(name, config.get(PLUGIN_VERSION_CONFIG).map(String::as_str))
    }

    /// Every loaded class (every version), in load order.
    pub fn classes(&self) -> &[Arc<PluginClass>] {
        &self.classes
    }

    /// Files that were not loaded.
    pub fn rejected(&self) -> &[RejectedFile] {
        &self.rejected
    }

    /// The transformation or predicate named by a full class name or an alias.
    pub fn find_transform(&self, name: &str) -> Option<Arc<TransformClass>> {
        self.transform_names
            .get(name.trim())
            .map(|i| self.transforms[*i].clone())
    }

    /// Every loaded transformation and predicate, in load order.
    pub fn transform_classes(&self) -> &[Arc<TransformClass>] {
        &self.transforms
    }

    /// Index the transformations and predicates of `files`, in order: full names, then the
    /// aliases no other class shares.
    pub(super) fn index_transforms(
        &mut self,
        files: impl Iterator<Item = Vec<Arc<TransformClass>>>,
    ) {
        for classes in files {
            for c in classes {
                if self.transform_names.contains_key(&c.class) {
                    continue;
                }
                self.transform_names
                    .insert(c.class.clone(), self.transforms.len());
                self.transforms.push(c);
            }
        }
        let mut owners: HashMap<String, HashSet<usize>> = HashMap::new();
        for (i, c) in self.transforms.iter().enumerate() {
            for a in transform_aliases(&c.class, c.kind) {
                owners.entry(a).or_default().insert(i);
            }
        }
        for (alias, owners) in owners {
            if owners.len() == 1 && !self.transform_names.contains_key(&alias) {
                if let Some(i) = owners.into_iter().next() {
                    self.transform_names.insert(alias, i);
                }
            }
        }
    }
}
