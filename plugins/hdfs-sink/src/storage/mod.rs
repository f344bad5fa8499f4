//! Where files go: a local directory (`file:///path`) or HDFS (`hdfs://host:port[/path]`).
//!
//! Paths given to a [`Storage`] are relative to the store's root (`topics/t/partition=0/…`);
//! each backend joins them to its root.

mod hdfs;
mod local;

use std::io::Write;

pub use hdfs::HdfsStorage;
pub use local::LocalStorage;

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("{op} {path}: {source}")]
    Io {
        op: &'static str,
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("unsupported store URL '{0}': use file:///path or hdfs://host:port[/path]")]
    BadUrl(String),
    #[error("HDFS: {0}")]
    Hdfs(String),
}

impl StorageError {
    pub(crate) fn io(op: &'static str, path: &str, source: std::io::Error) -> Self {
        StorageError::Io {
            op,
            path: path.to_owned(),
            source,
        }
    }
}

pub type StorageResult<T> = Result<T, StorageError>;

/// A file being written. Dropping it without [`OutputFile::close`] abandons it (its content
/// may be incomplete).
pub trait OutputFile: Write + Send {
    /// Flush, make durable and close.
    fn close(self: Box<Self>) -> StorageResult<()>;
    /// Bytes written so far.
    fn written(&self) -> u64;
}

/// A file system, as the sink needs it.
pub trait Storage: Send {
    /// Create (or overwrite) a file, creating parent directories.
    fn create(&self, path: &str) -> StorageResult<Box<dyn OutputFile>>;
    /// Rename `from` to `to` (creating `to`'s parent directories); `to` must not exist.
    fn rename(&self, from: &str, to: &str) -> StorageResult<()>;
    /// Rename `from` to `to`, replacing `to` if it exists.
    fn replace(&self, from: &str, to: &str) -> StorageResult<()>;
    /// Delete a file; a missing file is not an error.
    fn delete(&self, path: &str) -> StorageResult<()>;
    fn exists(&self, path: &str) -> StorageResult<bool>;
    /// Paths of the files under `dir` (relative to the root, like `dir`), recursively or not;
    /// a missing directory has no files.
    fn list_files(&self, dir: &str, recursive: bool) -> StorageResult<Vec<String>>;
    /// The whole content of a file, `None` when it does not exist.
    fn read(&self, path: &str) -> StorageResult<Option<Vec<u8>>>;
    /// Append `data` to a file (creating it) and make it durable before returning. A store
    /// may keep the file open for the next append (HDFS keeps its lease).
    fn append(&self, path: &str, data: &[u8]) -> StorageResult<()>;
    /// Take `path` over from any other writer (HDFS: recover its lease, so that a zombie
    /// task's next append fails). Called before a write-ahead log is read.
    fn fence(&self, path: &str) -> StorageResult<()> {
        let _ = path;
        Ok(())
    }
    /// Close anything kept open for `path` (the partition was closed).
    fn release(&self, path: &str) {
        let _ = path;
    }
}

/// Open the store named by `url`.
pub fn open(url: &str, user: Option<&str>) -> StorageResult<Box<dyn Storage>> {
    if url.starts_with("hdfs://") {
        return Ok(Box::new(HdfsStorage::connect(url, user)?));
    }
    if let Some(path) = url.strip_prefix("file://") {
        if !path.starts_with('/') {
            return Err(StorageError::BadUrl(url.to_owned()));
        }
        return Ok(Box::new(LocalStorage::new(path)));
    }
    if url.starts_with('/') {
        return Ok(Box::new(LocalStorage::new(url)));
    }
    Err(StorageError::BadUrl(url.to_owned()))
}

/// `a/b` + `c` = `a/b/c`, ignoring empty parts.
pub fn join(parts: &[&str]) -> String {
    parts
        .iter()
        .flat_map(|p| p.split('/'))
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("/")
}

/// The last component of a path.
pub fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}
