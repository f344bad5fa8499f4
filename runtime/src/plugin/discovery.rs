use std::path::{Path, PathBuf};

use tracing::warn;

fn is_shared_library(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "so")
}

fn libraries_in(dir: &Path, out: &mut Vec<PathBuf>, loud: bool) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        if loud {
            warn!(path = %dir.display(), "Cannot read plugin directory, skipping it");
        }
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_file() && is_shared_library(&path) {
            out.push(path);
        }
    }
}

/// The `.so` files that `plugin.path` names: each entry is a `.so` file, or a directory whose
/// `.so` files are taken directly and from its immediate subdirectories (Kafka's layout of one
/// directory per plugin). Sorted within each entry, entries in the order given.
pub fn candidate_files(plugin_path: &[String]) -> Vec<PathBuf> {
    candidates(plugin_path, true)
}

/// [`candidate_files`] without the WARNs about missing entries (for periodic rescans).
pub fn candidate_files_quiet(plugin_path: &[String]) -> Vec<PathBuf> {
    candidates(plugin_path, false)
}

fn candidates(plugin_path: &[String], loud: bool) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in plugin_path
        .iter()
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
    {
        let path = Path::new(entry);
        if path.is_file() {
            out.push(path.to_path_buf());
        } else if path.is_dir() {
            libraries_in(path, &mut out, loud);
            let Ok(children) = std::fs::read_dir(path) else {
                continue;
            };
            let mut dirs: Vec<PathBuf> = children
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.is_dir())
                .collect();
            dirs.sort();
            for dir in dirs {
                libraries_in(&dir, &mut out, loud);
            }
        } else if loud {
            warn!(
                path = entry,
                "plugin.path entry does not exist, skipping it"
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_files_directly_and_one_level_down() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("a.so"), b"").unwrap();
        std::fs::write(root.join("notes.txt"), b"").unwrap();
        std::fs::create_dir_all(root.join("jdbc/deeper")).unwrap();
        std::fs::write(root.join("jdbc/b.so"), b"").unwrap();
        std::fs::write(root.join("jdbc/deeper/c.so"), b"").unwrap();
        let single = root.join("jdbc/b.so").display().to_string();
        let found = candidate_files(&[root.display().to_string(), single, "/nonexistent".into()]);
        assert_eq!(
            found,
            vec![
                root.join("a.so"),
                root.join("jdbc/b.so"),
                root.join("jdbc/b.so")
            ]
        );
    }
}
