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

mod files;
mod snapshot;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::Duration;

use ferry_plugin_abi::LogCallback;
use tracing::warn;

use super::library::PluginClass;
use files::Files;
pub use snapshot::{aliases, FindError, RejectedFile, Snapshot};

/// How long a new or changed file must stay unchanged (size, mtime, inode) before it is loaded.
pub const SETTLE: Duration = Duration::from_millis(200);
/// How often `plugin.path` is rescanned when no file-system event arrives (the fallback for
/// file systems without inotify, e.g. NFS).
pub const RESCAN_INTERVAL: Duration = Duration::from_secs(3);

/// The connector config key that selects a version (KIP-891).
pub const PLUGIN_VERSION_CONFIG: &str = "connector.plugin.version";

/// The classes of every library loaded from `plugin.path`.
pub struct PluginRegistry {
    pub(super) plugin_path: Vec<String>,
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
