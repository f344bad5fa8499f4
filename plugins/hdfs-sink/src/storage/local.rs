//! The local file system (`file:///path`): renames are atomic, appends are `fsync`ed.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, ErrorKind, Write};
use std::path::{Path, PathBuf};

use super::{OutputFile, Storage, StorageError, StorageResult};

/// A store rooted at a local directory.
#[derive(Debug, Clone)]
pub struct LocalStorage {
    root: PathBuf,
}

impl LocalStorage {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        LocalStorage { root: root.into() }
    }

    fn abs(&self, path: &str) -> PathBuf {
        self.root.join(path.trim_start_matches('/'))
    }

    fn mkdirs_for(&self, path: &str, file: &Path) -> StorageResult<()> {
        match file.parent() {
            Some(dir) => {
                fs::create_dir_all(dir).map_err(|e| StorageError::io("mkdirs for", path, e))
            }
            None => Ok(()),
        }
    }
}

struct LocalFile {
    out: BufWriter<File>,
    written: u64,
}

impl Write for LocalFile {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.written += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

impl OutputFile for LocalFile {
    fn close(self: Box<Self>) -> StorageResult<()> {
        let file = self
            .out
            .into_inner()
            .map_err(|e| StorageError::io("flush", "temp file", e.into_error()))?;
        file.sync_all()
            .map_err(|e| StorageError::io("sync", "temp file", e))
    }
    fn written(&self) -> u64 {
        self.written
    }
}

fn sync_dir(dir: Option<&Path>) {
    // Best effort: make a rename durable (not supported everywhere).
    if let Some(d) = dir {
        if let Ok(f) = File::open(d) {
            let _ = f.sync_all();
        }
    }
}

impl Storage for LocalStorage {
    fn create(&self, path: &str) -> StorageResult<Box<dyn OutputFile>> {
        let abs = self.abs(path);
        self.mkdirs_for(path, &abs)?;
        let file = File::create(&abs).map_err(|e| StorageError::io("create", path, e))?;
        Ok(Box::new(LocalFile {
            out: BufWriter::with_capacity(256 * 1024, file),
            written: 0,
        }))
    }

    fn rename(&self, from: &str, to: &str) -> StorageResult<()> {
        let dst = self.abs(to);
        if dst.exists() {
            return Err(StorageError::io(
                "rename to",
                to,
                io::Error::new(ErrorKind::AlreadyExists, "target exists"),
            ));
        }
        self.replace(from, to)
    }

    fn replace(&self, from: &str, to: &str) -> StorageResult<()> {
        let dst = self.abs(to);
        self.mkdirs_for(to, &dst)?;
        fs::rename(self.abs(from), &dst).map_err(|e| StorageError::io("rename", from, e))?;
        sync_dir(dst.parent());
        Ok(())
    }

    fn delete(&self, path: &str) -> StorageResult<()> {
        match fs::remove_file(self.abs(path)) {
            Err(e) if e.kind() != ErrorKind::NotFound => Err(StorageError::io("delete", path, e)),
            _ => Ok(()),
        }
    }

    fn exists(&self, path: &str) -> StorageResult<bool> {
        Ok(self.abs(path).exists())
    }

    fn list_files(&self, dir: &str, recursive: bool) -> StorageResult<Vec<String>> {
        let mut out = Vec::new();
        let mut stack = vec![dir.trim_matches('/').to_owned()];
        while let Some(d) = stack.pop() {
            let entries = match fs::read_dir(self.abs(&d)) {
                Ok(e) => e,
                Err(e) if e.kind() == ErrorKind::NotFound => continue,
                Err(e) => return Err(StorageError::io("list", &d, e)),
            };
            for entry in entries {
                let entry = entry.map_err(|e| StorageError::io("list", &d, e))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let rel = super::join(&[&d, &name]);
                let is_dir = entry.file_type().map(|t| t.is_dir()).unwrap_or(false);
                if is_dir {
                    if recursive {
                        stack.push(rel);
                    }
                } else {
                    out.push(rel);
                }
            }
        }
        out.sort();
        Ok(out)
    }

    fn read(&self, path: &str) -> StorageResult<Option<Vec<u8>>> {
        match fs::read(self.abs(path)) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StorageError::io("read", path, e)),
        }
    }

    fn append(&self, path: &str, data: &[u8]) -> StorageResult<()> {
        let abs = self.abs(path);
        self.mkdirs_for(path, &abs)?;
        let mut f = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&abs)
            .map_err(|e| StorageError::io("open for append", path, e))?;
        f.write_all(data)
            .and_then(|()| f.sync_all())
            .map_err(|e| StorageError::io("append", path, e))?;
        sync_dir(abs.parent());
        Ok(())
    }
}
