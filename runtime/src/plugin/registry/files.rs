//! The files on `plugin.path` as last seen, and bringing the registry in step with them.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use ferry_plugin_abi::LogCallback;
use tracing::{info, warn};

use super::super::discovery::{candidate_files, candidate_files_quiet};
use super::super::library::{load_library_classes, PluginClass};
use super::super::transform::TransformClass;
use super::super::version::compare_versions;
use super::{aliases, Changes, PluginRegistry, RejectedFile, Snapshot};

/// What loading one file gave.
#[derive(Debug, Clone, Default)]
pub(super) struct Loaded {
    pub(super) classes: Vec<Arc<PluginClass>>,
    pub(super) transforms: Vec<Arc<TransformClass>>,
}

/// What is known about one candidate file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Fingerprint {
    pub(super) dev: u64,
    pub(super) ino: u64,
    pub(super) len: u64,
    pub(super) mtime: Option<SystemTime>,
}

impl Fingerprint {
    pub(super) fn of(path: &Path) -> Option<Fingerprint> {
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
pub(super) type Outcome = Result<Loaded, String>;

#[derive(Debug)]
pub(super) struct FileState {
    pub(super) fingerprint: Fingerprint,
    pub(super) outcome: Outcome,
}

#[derive(Debug, Default)]
pub(super) struct Files {
    /// Candidate files in `plugin.path` order, as last seen.
    pub(super) order: Vec<PathBuf>,
    pub(super) loaded: HashMap<PathBuf, FileState>,
    /// New or changed files waiting to stop changing: fingerprint and when it was first seen.
    pub(super) pending: HashMap<PathBuf, (Fingerprint, Instant)>,
    pub(super) removed: HashMap<String, (String, PathBuf)>,
}

pub(super) fn describe(loaded: &Loaded) -> String {
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
pub(super) fn load_all(paths: &[PathBuf], log: LogCallback) -> Vec<Outcome> {
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
    pub(super) fn reconcile(&self, settle: Option<Duration>, initial: bool) -> Changes {
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
    pub(super) fn build(
        &self,
        files: &mut Files,
        dropped: Vec<(PathBuf, Vec<Arc<PluginClass>>)>,
    ) -> Snapshot {
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
}
