//! HDFS through the pure-Rust `hdfs-native` client (Hadoop RPC to the NameNode, data transfer
//! to the DataNodes; no JVM).
//!
//! The write-ahead log of a partition is kept open for appending while the partition is
//! assigned: the HDFS lease on it fences a zombie task. A new owner calls
//! [`Storage::fence`] first, which recovers the lease (bounded wait) so that the zombie's next
//! log append fails and it can never move a file into place.

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use hdfs_native::{Client, ClientBuilder, HdfsError, WriteOptions};
use tokio::runtime::Runtime;

use super::{OutputFile, Storage, StorageError, StorageResult};

/// How long [`Storage::fence`] waits for HDFS to recover a lease.
const LEASE_RECOVERY_TIMEOUT: Duration = Duration::from_secs(60);
/// Data files are sent to the DataNode in chunks of this size.
const CHUNK: usize = 1 << 20;

/// A store on HDFS: `hdfs://host:port[/root]`.
pub struct HdfsStorage {
    rt: Arc<Runtime>,
    client: Client,
    root: String,
    logs: Mutex<HashMap<String, hdfs_native::file::FileWriter>>,
}

/// A missing file, as the client reports it (its own error or the NameNode's exception).
fn not_found(e: &HdfsError) -> bool {
    match e {
        HdfsError::FileNotFound(_) => true,
        HdfsError::RPCError(class, _) => class.contains("FileNotFoundException"),
        _ => false,
    }
}

fn err(op: &str, path: &str, e: HdfsError) -> StorageError {
    StorageError::Hdfs(format!("{op} {path}: {e}"))
}

impl HdfsStorage {
    /// Connect to the NameNode of `url`.
    pub fn connect(url: &str, user: Option<&str>) -> StorageResult<Self> {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("hdfs-io")
            .enable_all()
            .build()
            .map_err(|e| StorageError::io("start runtime for", url, e))?;
        let rt = Arc::new(rt);
        let parsed = url
            .strip_prefix("hdfs://")
            .ok_or_else(|| StorageError::BadUrl(url.to_owned()))?;
        let (authority, root) = match parsed.find('/') {
            Some(i) => (&parsed[..i], &parsed[i..]),
            None => (parsed, "/"),
        };
        let mut builder = ClientBuilder::new()
            .with_url(format!("hdfs://{authority}"))
            .with_io_runtime(rt.handle().clone());
        if let Some(u) = user {
            builder = builder.with_user(u);
        }
        let client = builder.build().map_err(|e| err("connect", url, e))?;
        Ok(HdfsStorage {
            rt,
            client,
            root: root.trim_end_matches('/').to_owned(),
            logs: Mutex::new(HashMap::new()),
        })
    }

    fn abs(&self, path: &str) -> String {
        format!("{}/{}", self.root, path.trim_start_matches('/'))
    }

    fn rel(&self, abs: &str) -> String {
        abs.strip_prefix(&self.root)
            .unwrap_or(abs)
            .trim_start_matches('/')
            .to_owned()
    }

    fn mkdirs_parent(&self, abs: &str) -> StorageResult<()> {
        if let Some((dir, _)) = abs.rsplit_once('/') {
            if !dir.is_empty() {
                self.rt
                    .block_on(self.client.mkdirs(dir, 0o755, true))
                    .map_err(|e| err("mkdirs", dir, e))?;
            }
        }
        Ok(())
    }

    /// Close the log writer of `path` if this store holds one.
    fn release_log(&self, path: &str) {
        let writer = self.logs.lock().ok().and_then(|mut m| m.remove(path));
        if let Some(mut w) = writer {
            let _ = self.rt.block_on(w.close());
        }
    }

    fn open_for_append(&self, abs: &str) -> StorageResult<hdfs_native::file::FileWriter> {
        self.mkdirs_parent(abs)?;
        let exists = self.exists_abs(abs)?;
        let result = if exists {
            self.rt.block_on(self.client.append(abs))
        } else {
            self.rt
                .block_on(self.client.create(abs, WriteOptions::default()))
        };
        match result {
            Ok(w) => Ok(w),
            Err(HdfsError::AlreadyExists(msg)) if exists => {
                // Another writer holds the lease: take it over, then append.
                self.recover_lease(abs)?;
                let _ = msg;
                self.rt
                    .block_on(self.client.append(abs))
                    .map_err(|e| err("append to", abs, e))
            }
            Err(e) => Err(err("open for append", abs, e)),
        }
    }

    fn exists_abs(&self, abs: &str) -> StorageResult<bool> {
        match self.rt.block_on(self.client.get_file_info(abs)) {
            Ok(_) => Ok(true),
            Err(e) if not_found(&e) => Ok(false),
            Err(e) => Err(err("stat", abs, e)),
        }
    }

    fn recover_lease(&self, abs: &str) -> StorageResult<()> {
        let deadline = Instant::now() + LEASE_RECOVERY_TIMEOUT;
        loop {
            match self.rt.block_on(self.client.recover_lease(abs)) {
                Ok(true) => return Ok(()),
                Ok(false) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(500));
                }
                Ok(false) => {
                    return Err(StorageError::Hdfs(format!(
                        "could not recover the lease on {abs} within {} s",
                        LEASE_RECOVERY_TIMEOUT.as_secs()
                    )))
                }
                Err(e) if not_found(&e) => return Ok(()),
                Err(e) => return Err(err("recover lease of", abs, e)),
            }
        }
    }
}

struct HdfsFile {
    rt: Arc<Runtime>,
    writer: hdfs_native::file::FileWriter,
    buf: Vec<u8>,
    written: u64,
    path: String,
}

impl HdfsFile {
    fn send(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        self.rt
            .block_on(self.writer.write_bytes(chunk))
            .map_err(|e| io::Error::other(e.to_string()))?;
        Ok(())
    }
}

impl Write for HdfsFile {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(data);
        self.written += data.len() as u64;
        if self.buf.len() >= CHUNK {
            self.send()?;
        }
        Ok(data.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl OutputFile for HdfsFile {
    fn close(mut self: Box<Self>) -> StorageResult<()> {
        let path = self.path.clone();
        self.send()
            .map_err(|e| StorageError::io("write", &path, e))?;
        self.rt
            .block_on(self.writer.close())
            .map_err(|e| err("close", &path, e))
    }
    fn written(&self) -> u64 {
        self.written
    }
}

impl Storage for HdfsStorage {
    fn create(&self, path: &str) -> StorageResult<Box<dyn OutputFile>> {
        let abs = self.abs(path);
        let opts = WriteOptions::default().overwrite(true);
        let writer = self
            .rt
            .block_on(self.client.create(&abs, opts))
            .map_err(|e| err("create", &abs, e))?;
        Ok(Box::new(HdfsFile {
            rt: self.rt.clone(),
            writer,
            buf: Vec::with_capacity(CHUNK),
            written: 0,
            path: abs,
        }))
    }

    fn rename(&self, from: &str, to: &str) -> StorageResult<()> {
        let (src, dst) = (self.abs(from), self.abs(to));
        self.mkdirs_parent(&dst)?;
        self.rt
            .block_on(self.client.rename(&src, &dst, false))
            .map_err(|e| err("rename", &src, e))
    }

    fn replace(&self, from: &str, to: &str) -> StorageResult<()> {
        let (src, dst) = (self.abs(from), self.abs(to));
        self.release_log(&src);
        self.release_log(&dst);
        self.mkdirs_parent(&dst)?;
        self.rt
            .block_on(self.client.rename(&src, &dst, true))
            .map_err(|e| err("rename", &src, e))
    }

    fn delete(&self, path: &str) -> StorageResult<()> {
        let abs = self.abs(path);
        self.release_log(&abs);
        match self.rt.block_on(self.client.delete(&abs, false)) {
            Ok(_) => Ok(()),
            Err(e) if not_found(&e) => Ok(()),
            Err(e) => Err(err("delete", &abs, e)),
        }
    }

    fn exists(&self, path: &str) -> StorageResult<bool> {
        self.exists_abs(&self.abs(path))
    }

    fn list_files(&self, dir: &str, recursive: bool) -> StorageResult<Vec<String>> {
        let abs = self.abs(dir);
        match self.rt.block_on(self.client.list_status(&abs, recursive)) {
            Ok(statuses) => {
                let mut out: Vec<String> = statuses
                    .into_iter()
                    .filter(|s| !s.isdir)
                    .map(|s| self.rel(&s.path))
                    .collect();
                out.sort();
                Ok(out)
            }
            Err(e) if not_found(&e) => Ok(Vec::new()),
            Err(e) => Err(err("list", &abs, e)),
        }
    }

    fn read(&self, path: &str) -> StorageResult<Option<Vec<u8>>> {
        let abs = self.abs(path);
        let reader = match self.rt.block_on(self.client.read(&abs)) {
            Ok(r) => r,
            Err(e) if not_found(&e) => return Ok(None),
            Err(e) => return Err(err("open", &abs, e)),
        };
        let len = reader.file_length();
        let bytes = self
            .rt
            .block_on(reader.read_range(0, len))
            .map_err(|e| err("read", &abs, e))?;
        Ok(Some(bytes.to_vec()))
    }

    fn append(&self, path: &str, data: &[u8]) -> StorageResult<()> {
        let abs = self.abs(path);
        let mut logs = self
            .logs
            .lock()
            .map_err(|_| StorageError::Hdfs("log writers lock poisoned".into()))?;
        let writer = match logs.remove(&abs) {
            Some(w) => w,
            None => self.open_for_append(&abs)?,
        };
        let mut writer = writer;
        let result = self.rt.block_on(async {
            writer.write_bytes(Bytes::copy_from_slice(data)).await?;
            writer.hsync().await
        });
        match result {
            Ok(()) => {
                logs.insert(abs, writer);
                Ok(())
            }
            // Fenced (or the DataNode went away): drop the writer; the caller recovers.
            Err(e) => Err(err("append to", &abs, e)),
        }
    }

    fn fence(&self, path: &str) -> StorageResult<()> {
        let abs = self.abs(path);
        if self
            .logs
            .lock()
            .map(|m| m.contains_key(&abs))
            .unwrap_or(false)
        {
            return Ok(());
        }
        self.recover_lease(&abs)
    }

    fn release(&self, path: &str) {
        self.release_log(&self.abs(path));
    }
}

impl Drop for HdfsStorage {
    fn drop(&mut self) {
        let writers: Vec<_> = self
            .logs
            .lock()
            .map(|mut m| m.drain().map(|(_, w)| w).collect())
            .unwrap_or_default();
        for mut w in writers {
            let _ = self.rt.block_on(w.close());
        }
    }
}
