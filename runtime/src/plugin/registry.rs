//! Every loaded class, found by Kafka's aliases, kept in step with `plugin.path` while the
//! worker runs.
//!
//! The registry is *live*: readers take the current [`Snapshot`] (an immutable index behind an
//! `RwLock<Arc<_>>`, swapped whole when something changes), so a lookup never waits for a
//! library being loaded and never sees a half-updated index. Lookups hand out
//! `Arc<PluginClass>`, and a class holds its library: a running connector or task keeps the
//! version it was started with, whatever happens to its file afterwards (libraries are never
//! unloaded).
//!
//! Changes are found by [`PluginRegistry::rescan`]: candidate files are compared with what was
//! loaded by (device, inode, size, mtime). [`PluginRegistry::watch`] runs it on inotify events
//! (the `notify` crate) and every few seconds as a fallback, and loads a new or changed file
//! only once it has stopped changing for [`SETTLE`] (a file being copied in is not loaded
//! half-written; if a writer stalls longer than that, the ELF structure check refuses the
//! truncated file and the next change to it is tried again).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::{Duration, Instant, SystemTime};

use ferry_plugin_abi::LogCallback;
use serde::Serialize;
use tracing::{info, warn};

use super::discovery::{candidate_files, candidate_files_quiet};
use super::library::{load_library_classes, PluginClass};
use super::transform::{transform_aliases, TransformClass};
use super::version::{compare_versions, VersionRequirement};

/// How long a new or changed file must stay unchanged (size, mtime, inode) before it is loaded.
pub const SETTLE: Duration = Duration::from_millis(200);
/// How often `plugin.path` is rescanned when no file-system event arrives (the fallback for
/// file systems without inotify, e.g. NFS).
pub const RESCAN_INTERVAL: Duration = Duration::from_secs(3);

/// The connector config key that selects a version (KIP-891).
pub const PLUGIN_VERSION_CONFIG: &str = "connector.plugin.version";

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
    classes: Vec<Arc<PluginClass>>,
    /// Full names and unambiguous aliases → indices into `classes`, newest version first.
    by_name: HashMap<String, Vec<usize>>,
    rejected: Vec<RejectedFile>,
    /// Names (and aliases) of classes whose file was removed → that file.
    removed: HashMap<String, (String, PathBuf)>,
    /// Transformations and predicates (ABI 1.1), first file wins.
    transforms: Vec<Arc<TransformClass>>,
    /// Their full names and unambiguous aliases → indices into `transforms`.
    transform_names: HashMap<String, usize>,
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
    fn index_transforms(&mut self, files: impl Iterator<Item = Vec<Arc<TransformClass>>>) {
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

/// What loading one file gave.
#[derive(Debug, Clone, Default)]
struct Loaded {
    classes: Vec<Arc<PluginClass>>,
    transforms: Vec<Arc<TransformClass>>,
}

/// What is known about one candidate file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Fingerprint {
    dev: u64,
    ino: u64,
    len: u64,
    mtime: Option<SystemTime>,
}

impl Fingerprint {
    fn of(path: &Path) -> Option<Fingerprint> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        Some(Fingerprint {
            dev: m.dev(),
            ino: m.ino(),
            len: m.len(),
            mtime: m.modified().ok(),
        })
    }
}

/// What loading one file gave: its classes, or why it was refused.
type Outcome = Result<Loaded, String>;

#[derive(Debug)]
struct FileState {
    fingerprint: Fingerprint,
    outcome: Outcome,
}

#[derive(Debug, Default)]
struct Files {
    /// Candidate files in `plugin.path` order, as last seen.
    order: Vec<PathBuf>,
    loaded: HashMap<PathBuf, FileState>,
    /// New or changed files waiting to stop changing: fingerprint and when it was first seen.
    pending: HashMap<PathBuf, (Fingerprint, Instant)>,
    removed: HashMap<String, (String, PathBuf)>,
}

/// The classes of every library loaded from `plugin.path`.
pub struct PluginRegistry {
    plugin_path: Vec<String>,
    log: LogCallback,
    current: RwLock<Arc<Snapshot>>,
    files: Mutex<Files>,
}

impl std::fmt::Debug for PluginRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PluginRegistry")
            .field("plugin_path", &self.plugin_path)
            .field("current", &self.snapshot())
            .finish()
    }
}

/// What one rescan changed.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    pub added: Vec<PathBuf>,
    pub replaced: Vec<PathBuf>,
    pub removed: Vec<PathBuf>,
    /// New or changed files not loaded yet because they are still changing.
    pub pending: Vec<PathBuf>,
}

impl Changes {
    /// Nothing was loaded or dropped.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.replaced.is_empty() && self.removed.is_empty()
    }
}

fn describe(loaded: &Loaded) -> String {
    loaded
        .classes
        .iter()
        .map(|c| format!("{} {} (version {})", c.kind.as_str(), c.class, c.version))
        .chain(
            loaded
                .transforms
                .iter()
                .map(|c| format!("{} {} (version {})", c.kind.as_str(), c.class, c.version)),
        )
        .collect::<Vec<_>>()
        .join(", ")
}

/// Load `paths` on up to `available_parallelism` threads (copying and checking files is
/// parallel; glibc serialises the `dlopen`s themselves).
fn load_all(paths: &[PathBuf], log: LogCallback) -> Vec<Outcome> {
    let load = |p: &PathBuf| {
        load_library_classes(p, log)
            .map(|c| Loaded {
                classes: c.connectors.into_iter().map(Arc::new).collect(),
                transforms: c.transforms.into_iter().map(Arc::new).collect(),
            })
            .map_err(|e| e.to_string())
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(paths.len())
        .min(8);
    if threads <= 1 {
        return paths.iter().map(load).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<Outcome>>> = paths.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(p) = paths.get(i) else { break };
                let r = load(p);
                if let Ok(mut slot) = results[i].lock() {
                    *slot = Some(r);
                }
            });
        }
    });
    results
        .into_iter()
        .map(|m| {
            m.into_inner()
                .ok()
                .flatten()
                .unwrap_or_else(|| Err("loading it panicked".into()))
        })
        .collect()
}

impl PluginRegistry {
    /// A registry for `plugin_path` with nothing loaded yet.
    pub fn new(plugin_path: &[String], log: LogCallback) -> PluginRegistry {
        PluginRegistry {
            plugin_path: plugin_path.to_vec(),
            log,
            current: RwLock::new(Arc::new(Snapshot::default())),
            files: Mutex::new(Files::default()),
        }
    }

    /// Load every candidate file of `plugin_path` now (start-up: files present are taken as
    /// complete). See [`PluginRegistry::watch`] to follow changes afterwards.
    pub fn scan(plugin_path: &[String], log: LogCallback) -> PluginRegistry {
        let registry = PluginRegistry::new(plugin_path, log);
        registry.reconcile(None, true);
        registry
    }

    /// The current state. Cheap; hold it only as long as needed.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.current.read() {
            Ok(s) => s.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// The newest version of the class named by a full class name or an alias.
    pub fn find(&self, name: &str) -> Option<Arc<PluginClass>> {
        self.snapshot().find(name)
    }

    /// See [`Snapshot::find_version`].
    pub fn find_version(
        &self,
        name: &str,
        requirement: Option<&str>,
    ) -> Result<Arc<PluginClass>, FindError> {
        self.snapshot().find_version(name, requirement)
    }

    /// See [`Snapshot::for_config`].
    pub fn for_config(
        &self,
        config: &BTreeMap<String, String>,
    ) -> Result<Arc<PluginClass>, FindError> {
        self.snapshot().for_config(config)
    }

    /// Every loaded class (every version), in load order.
    pub fn classes(&self) -> Vec<Arc<PluginClass>> {
        self.snapshot().classes.clone()
    }

    /// Files that could not be loaded, and why.
    pub fn rejected(&self) -> Vec<RejectedFile> {
        self.snapshot().rejected.clone()
    }

    /// The directories and files this registry loads from.
    pub fn plugin_path(&self) -> &[String] {
        &self.plugin_path
    }

    /// Bring the registry in step with `plugin.path` now: load new and changed files without
    /// waiting for them to settle, drop removed ones.
    pub fn rescan(&self) -> Changes {
        self.reconcile(None, false)
    }

    fn reconcile(&self, settle: Option<Duration>, initial: bool) -> Changes {
        let Ok(mut files) = self.files.lock() else {
            return Changes::default();
        };
        let candidates = if initial {
            candidate_files(&self.plugin_path)
        } else {
            candidate_files_quiet(&self.plugin_path)
        };
        let mut seen = HashSet::new();
        let order: Vec<PathBuf> = candidates
            .into_iter()
            .filter(|p| seen.insert(p.clone()))
            .collect();
        let now = Instant::now();
        let mut changes = Changes::default();
        let mut to_load = Vec::new();
        let mut prints = Vec::new();
        for path in &order {
            let Some(fp) = Fingerprint::of(path) else {
                continue;
            };
            if files.loaded.get(path).is_some_and(|s| s.fingerprint == fp) {
                files.pending.remove(path);
                continue;
            }
            let ready = match settle {
                None => true,
                Some(settle) => match files.pending.get(path) {
                    Some((pfp, since)) if *pfp == fp => now.duration_since(*since) >= settle,
                    _ => {
                        files.pending.insert(path.clone(), (fp, now));
                        false
                    }
                },
            };
            if ready {
                files.pending.remove(path);
                to_load.push(path.clone());
                prints.push(fp);
            } else {
                changes.pending.push(path.clone());
            }
        }
        let current: HashSet<&PathBuf> = order.iter().collect();
        let gone: Vec<PathBuf> = files
            .loaded
            .keys()
            .filter(|p| !current.contains(p))
            .cloned()
            .collect();
        files.pending.retain(|p, _| current.contains(p));
        if to_load.is_empty() && gone.is_empty() && !initial {
            return changes;
        }

        let outcomes = load_all(&to_load, self.log);
        let mut dropped: Vec<(PathBuf, Vec<Arc<PluginClass>>)> = Vec::new();
        for ((path, fp), outcome) in to_load.into_iter().zip(prints).zip(outcomes) {
            let previous = files.loaded.insert(
                path.clone(),
                FileState {
                    fingerprint: fp,
                    outcome: outcome.clone(),
                },
            );
            match (&previous, &outcome) {
                (None, _) => changes.added.push(path.clone()),
                (Some(_), _) => changes.replaced.push(path.clone()),
            }
            if let Some(FileState {
                outcome: Ok(old), ..
            }) = previous
            {
                if !initial {
                    match &outcome {
                        Ok(new) => {
                            info!(path = %path.display(), "Plugin file replaced: new connectors and restarted tasks use {}; running tasks keep {} until they restart", describe(new), describe(&old))
                        }
                        Err(_) => {
                            warn!(path = %path.display(), "Plugin file replaced by one that cannot be loaded; {} are no longer available to new connectors (running ones keep them)", describe(&old))
                        }
                    }
                }
                dropped.push((path.clone(), old.classes));
            } else if let (false, Ok(new)) = (initial, &outcome) {
                info!(path = %path.display(), "Plugin file added: {}", describe(new));
            }
        }
        for path in gone {
            if let Some(state) = files.loaded.remove(&path) {
                if let Ok(old) = state.outcome {
                    warn!(path = %path.display(), "Plugin file removed: {} are no longer available to new connectors; running connectors and tasks keep them", describe(&old));
                    dropped.push((path.clone(), old.classes));
                }
            }
            changes.removed.push(path);
        }
        files.order = order;
        let snapshot = self.build(&mut files, dropped);
        match self.current.write() {
            Ok(mut c) => *c = Arc::new(snapshot),
            Err(poisoned) => *poisoned.into_inner() = Arc::new(snapshot),
        }
        changes
    }

    /// A new snapshot from the file states, in `plugin.path` order.
    fn build(&self, files: &mut Files, dropped: Vec<(PathBuf, Vec<Arc<PluginClass>>)>) -> Snapshot {
        let previous = self.snapshot();
        let mut snap = Snapshot::default();
        let mut exact: HashMap<(String, String), usize> = HashMap::new();
        let mut transforms: Vec<Vec<Arc<TransformClass>>> = Vec::new();
        for path in &files.order {
            let Some(state) = files.loaded.get(path) else {
                continue;
            };
            let classes = match &state.outcome {
                Err(reason) => {
                    snap.rejected.push(RejectedFile {
                        path: path.clone(),
                        reason: reason.clone(),
                    });
                    continue;
                }
                Ok(l) => l,
            };
            let (classes, file_transforms) = (&classes.classes, &classes.transforms);
            if let Some(dup) = classes
                .iter()
                .find(|c| exact.contains_key(&(c.class.clone(), c.version.clone())))
            {
                let first = &snap.classes[exact[&(dup.class.clone(), dup.version.clone())]]
                    .library
                    .path;
                let reason = if snap.classes.iter().filter(|c| c.class == dup.class).count() > 1 {
                    format!(
                        "exports connector class {} version {} which is already loaded from {}",
                        dup.class,
                        dup.version,
                        first.display()
                    )
                } else {
                    format!(
                        "exports connector class {} which is already loaded from {}",
                        dup.class,
                        first.display()
                    )
                };
                snap.rejected.push(RejectedFile {
                    path: path.clone(),
                    reason,
                });
                continue;
            }
            for t in file_transforms {
                if previous
                    .transforms
                    .iter()
                    .all(|p| !Arc::ptr_eq(&p.library, &t.library))
                {
                    info!(path = %path.display(), class = %t.class, version = %t.version, kind = t.kind.as_str(), "Loaded plugin class");
                }
            }
            transforms.push(file_transforms.clone());
            for c in classes {
                if previous
                    .classes
                    .iter()
                    .all(|p| !Arc::ptr_eq(&p.library, &c.library))
                {
                    info!(path = %path.display(), class = %c.class, version = %c.version, kind = c.kind.as_str(), "Loaded plugin class");
                }
                exact.insert((c.class.clone(), c.version.clone()), snap.classes.len());
                snap.classes.push(c.clone());
            }
        }
        // Names: full class names, then aliases shared by no other class (Kafka drops an alias
        // two classes share). Versions of one class share their names.
        let mut names: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, c) in snap.classes.iter().enumerate() {
            names.entry(c.class.clone()).or_default().push(i);
        }
        let mut alias_owners: HashMap<String, HashSet<String>> = HashMap::new();
        for c in &snap.classes {
            for a in aliases(&c.class) {
                alias_owners.entry(a).or_default().insert(c.class.clone());
            }
        }
        let mut ambiguous = Vec::new();
        for (alias, owners) in alias_owners {
            if names.contains_key(&alias) {
                continue;
            }
            if owners.len() == 1 {
                let class = owners.into_iter().next().unwrap_or_default();
                let indices = names.get(&class).cloned().unwrap_or_default();
                names.insert(alias, indices);
            } else {
                ambiguous.push(alias);
            }
        }
        for indices in names.values_mut() {
            indices.sort_by(|a, b| {
                compare_versions(&snap.classes[*b].version, &snap.classes[*a].version)
            });
        }
        snap.by_name = names;
        snap.index_transforms(transforms.into_iter());
        for alias in ambiguous {
            if previous.by_name.contains_key(&alias) || previous.classes.is_empty() {
                warn!(alias = %alias, "Alias is ambiguous and will not be used; use a full class name");
            }
        }
        // Classes whose file went away (and that no other file provides) answer with a clear
        // message instead of "not found".
        for (path, old) in dropped {
            for c in old {
                if snap.by_name.contains_key(&c.class) {
                    continue;
                }
                for name in std::iter::once(c.class.clone()).chain(aliases(&c.class)) {
                    files.removed.insert(name, (c.class.clone(), path.clone()));
                }
            }
        }
        files
            .removed
            .retain(|name, _| !snap.by_name.contains_key(name));
        snap.removed = files.removed.clone();
        for r in &snap.rejected {
            if !previous.rejected.contains(r) {
                warn!(path = %r.path.display(), "Skipping plugin file {}: {}", r.path.display(), r.reason);
            }
        }
        snap
    }

    /// Follow changes to `plugin.path` on a background thread: inotify events (through
    /// `notify`) and a rescan every [`RESCAN_INTERVAL`]. New and changed files are loaded once
    /// unchanged for [`SETTLE`]. The thread ends when the registry is dropped.
    pub fn watch(self: &Arc<Self>) -> std::io::Result<()> {
        use notify::{RecursiveMode, Watcher};
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let watcher = notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
            if event.is_ok() {
                let _ = tx.send(());
            }
        });
        let watcher = match watcher {
            Ok(mut w) => {
                for entry in self
                    .plugin_path
                    .iter()
                    .map(|p| p.trim())
                    .filter(|p| !p.is_empty())
                {
                    let path = Path::new(entry);
                    let (target, mode) = if path.is_dir() {
                        (path, RecursiveMode::Recursive)
                    } else {
                        (path.parent().unwrap_or(path), RecursiveMode::NonRecursive)
                    };
                    if let Err(e) = w.watch(target, mode) {
                        warn!(path = %target.display(), error = %e, "Cannot watch plugin directory; changes are picked up by the periodic rescan only");
                    }
                }
                Some(w)
            }
            Err(e) => {
                warn!(error = %e, "Cannot watch plugin.path for changes; falling back to a rescan every {RESCAN_INTERVAL:?}");
                None
            }
        };
        let weak: Weak<PluginRegistry> = Arc::downgrade(self);
        std::thread::Builder::new()
            .name("plugin-watch".into())
            .spawn(move || {
                let _watcher = watcher;
                let mut pending = false;
                loop {
                    let timeout = if pending { SETTLE / 2 } else { RESCAN_INTERVAL };
                    match rx.recv_timeout(timeout) {
                        Ok(()) => {
                            // Let a burst of events (a file being written) arrive, then look once.
                            std::thread::sleep(Duration::from_millis(20));
                            while rx.try_recv().is_ok() {}
                        }
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
                        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                            std::thread::sleep(timeout);
                        }
                    }
                    let Some(registry) = weak.upgrade() else {
                        break;
                    };
                    pending = !registry.reconcile(Some(SETTLE), false).pending.is_empty();
                }
            })?;
        Ok(())
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

    #[test]
    fn removed_message_names_the_file() {
        let e = FindError::Removed {
            class: "a.B".into(),
            path: "/p/x.so".into(),
        };
        assert!(e
            .to_string()
            .contains("its plugin file /p/x.so was removed"));
    }
}
