//! The HDFS sink's outside world: Avro and Parquet files read back with Python's `fastavro` and
//! `pyarrow` (readers the project did not write), and a real HDFS ([`HdfsCluster`]: NameNode + DataNode from the
//! Hadoop 2.7.3 jars, with Hadoop's own `FsShell` as the verifier).

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde_json::Value;

use crate::run_python;

const READ_AVRO: &str = r#"
import json, sys
import fastavro
out = []
for path in sys.argv[1:]:
    with open(path, "rb") as f:
        r = fastavro.reader(f)
        out.append({"schema": r.writer_schema, "codec": r.codec, "records": list(r)})
print(json.dumps(out, default=str))
"#;

/// One Avro object container file as fastavro reads it.
#[derive(Debug, Clone)]
pub struct AvroFile {
    pub path: PathBuf,
    /// The writer schema (parsed by fastavro).
    pub schema: Value,
    pub codec: String,
    /// The records, as JSON (logical types rendered with `str`).
    pub records: Vec<Value>,
}

/// Read Avro files with fastavro.
pub fn read_avro_files(paths: &[PathBuf]) -> anyhow::Result<Vec<AvroFile>> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let args: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_python(READ_AVRO, &args).context("reading Avro files with fastavro")?;
    let files: Vec<Value> = serde_json::from_str(out.trim()).context("fastavro output")?;
    Ok(paths
        .iter()
        .zip(files)
        .map(|(path, f)| AvroFile {
            path: path.clone(),
            schema: f["schema"].clone(),
            codec: f["codec"].as_str().unwrap_or_default().to_owned(),
            records: f["records"].as_array().cloned().unwrap_or_default(),
        })
        .collect())
}

const READ_PARQUET: &str = r#"
import json, sys
import pyarrow.parquet as pq
out = []
for path in sys.argv[1:]:
    f = pq.ParquetFile(path)
    md = f.metadata
    codec = md.row_group(0).column(0).compression if md.num_row_groups else ""
    out.append({"schema": str(f.schema), "codec": codec, "records": f.read().to_pylist()})
print(json.dumps(out, default=str))
"#;

/// One Parquet file as pyarrow reads it.
#[derive(Debug, Clone)]
pub struct ParquetFile {
    pub path: PathBuf,
    /// The Parquet schema as pyarrow prints it (`required int64 id;` …).
    pub schema: String,
    /// Compression of the first column chunk (`SNAPPY`).
    pub codec: String,
    /// The rows, as JSON objects (decimals and timestamps rendered with `str`).
    pub records: Vec<Value>,
}

/// Read Parquet files with pyarrow.
pub fn read_parquet_files(paths: &[PathBuf]) -> anyhow::Result<Vec<ParquetFile>> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    let args: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_python(READ_PARQUET, &args).context("reading Parquet files with pyarrow")?;
    let files: Vec<Value> = serde_json::from_str(out.trim()).context("pyarrow output")?;
    Ok(paths
        .iter()
        .zip(files)
        .map(|(path, f)| ParquetFile {
            path: path.clone(),
            schema: f["schema"].as_str().unwrap_or_default().to_owned(),
            codec: f["codec"].as_str().unwrap_or_default().to_owned(),
            records: f["records"].as_array().cloned().unwrap_or_default(),
        })
        .collect())
}

/// Every file below `dir` (recursively), as paths relative to `dir`, sorted.
pub fn list_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(rel) = p.strip_prefix(dir) {
                out.push(rel.display().to_string());
            }
        }
    }
    out.sort();
    out
}

// ---------------------------------------------------------------------------------------------
// A real HDFS: NameNode + DataNode from the Hadoop 2.7.3 jars (test-services.md section 4)
// ---------------------------------------------------------------------------------------------

use std::fs::File;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::bail;

use crate::{cache_dir, free_port, wait_until};

/// The directory of the 25 Hadoop jars: `$FERRY_HADOOP_JARS`, else
/// `$FERRY_CACHE/hadoop-jars`. The error says how to fetch them.
pub fn hadoop_jars() -> anyhow::Result<PathBuf> {
    const HINT: &str = "fetch them with `scripts/test.sh hadoop-jars`";
    let dir = std::env::var_os("FERRY_HADOOP_JARS")
        .filter(|v| !v.is_empty())
        .map_or_else(|| cache_dir().join("hadoop-jars"), PathBuf::from);
    if !dir.join("hadoop-hdfs-2.7.3.jar").is_file() {
        bail!("no Hadoop jars in {}: {HINT}", dir.display());
    }
    Ok(dir)
}

fn site(props: &[(&str, String)]) -> String {
    let mut s = String::from("<?xml version=\"1.0\"?>\n<configuration>\n");
    for (k, v) in props {
        s.push_str(&format!(
            "  <property><name>{k}</name><value>{v}</value></property>\n"
        ));
    }
    s.push_str("</configuration>\n");
    s
}

/// A NameNode and a DataNode on free loopback ports, with their own data directory; killed on
/// drop.
pub struct HdfsCluster {
    dir: tempfile::TempDir,
    classpath: String,
    port: u16,
    namenode: Option<Child>,
    datanode: Option<Child>,
}

impl HdfsCluster {
    /// Format a fresh NameNode, start both servers and wait until the DataNode has sent its
    /// first block report.
    pub fn start() -> anyhow::Result<HdfsCluster> {
        let jars = hadoop_jars()?;
        if Command::new("java").arg("-version").output().is_err() {
            bail!("java not found on PATH (the HDFS tests need Java 11+)");
        }
        let dir = tempfile::tempdir()?;
        let conf = dir.path().join("conf");
        for app in ["hdfs", "datanode", "secondary"] {
            std::fs::create_dir_all(conf.join("webapps").join(app).join("WEB-INF"))?;
        }
        let port = free_port()?;
        let addr = |p: u16| format!("127.0.0.1:{p}");
        let fs = format!("hdfs://127.0.0.1:{port}");
        std::fs::write(
            conf.join("core-site.xml"),
            site(&[
                ("fs.defaultFS", fs.clone()),
                (
                    "hadoop.tmp.dir",
                    dir.path().join("data").display().to_string(),
                ),
            ]),
        )?;
        std::fs::write(
            conf.join("hdfs-site.xml"),
            site(&[
                ("dfs.replication", "1".into()),
                ("dfs.permissions.enabled", "false".into()),
                ("dfs.webhdfs.enabled", "false".into()),
                ("dfs.namenode.rpc-address", addr(port)),
                ("dfs.namenode.http-address", addr(free_port()?)),
                ("dfs.namenode.secondary.http-address", "127.0.0.1:0".into()),
                ("dfs.datanode.address", addr(free_port()?)),
                ("dfs.datanode.http.address", addr(free_port()?)),
                ("dfs.datanode.ipc.address", addr(free_port()?)),
                (
                    "dfs.namenode.datanode.registration.ip-hostname-check",
                    "false".into(),
                ),
                // Lease recovery of a zombie's file within seconds, not minutes.
                ("dfs.namenode.heartbeat.recheck-interval", "5000".into()),
            ]),
        )?;
        std::fs::write(
            conf.join("log4j.properties"),
            "log4j.rootLogger=INFO,console\n\
             log4j.appender.console=org.apache.log4j.ConsoleAppender\n\
             log4j.appender.console.target=System.err\n\
             log4j.appender.console.layout=org.apache.log4j.PatternLayout\n\
             log4j.appender.console.layout.ConversionPattern=%d{ISO8601} %p %c{2}: %m%n\n",
        )?;
        let mut classpath = conf.display().to_string();
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&jars)?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "jar"))
            .collect();
        entries.sort();
        for j in entries {
            classpath.push(':');
            classpath.push_str(&j.display().to_string());
        }
        let mut cluster = HdfsCluster {
            dir,
            classpath,
            port,
            namenode: None,
            datanode: None,
        };
        let format = cluster
            .java("org.apache.hadoop.hdfs.server.namenode.NameNode")
            .args(["-format", "-force", "-nonInteractive"])
            .output()?;
        if !format.status.success() {
            bail!(
                "formatting the NameNode failed:\n{}",
                String::from_utf8_lossy(&format.stderr)
            );
        }
        cluster.namenode = Some(cluster.spawn(
            "org.apache.hadoop.hdfs.server.namenode.NameNode",
            "namenode.log",
        )?);
        cluster.datanode = Some(cluster.spawn(
            "org.apache.hadoop.hdfs.server.datanode.DataNode",
            "datanode.log",
        )?);
        let ready = wait_until(Duration::from_secs(120), || {
            cluster
                .log("datanode.log")
                .contains("Successfully sent block report")
        });
        if ready.is_err() {
            bail!(
                "HDFS did not become ready in 120 s.\n--- namenode ---\n{}\n--- datanode ---\n{}",
                tail(&cluster.log("namenode.log"), 40),
                tail(&cluster.log("datanode.log"), 40)
            );
        }
        Ok(cluster)
    }

    fn java(&self, class: &str) -> Command {
        let mut c = Command::new("java");
        c.args(["-Xmx256m", "-cp", &self.classpath, class])
            .env("HADOOP_USER_NAME", "ferry")
            .stdin(Stdio::null());
        c
    }

    fn spawn(&self, class: &str, log: &str) -> anyhow::Result<Child> {
        let out = File::create(self.dir.path().join(log))?;
        Ok(self
            .java(class)
            .stdout(Stdio::from(out.try_clone()?))
            .stderr(Stdio::from(out))
            .spawn()?)
    }

    fn log(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }

    /// `hdfs://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("hdfs://127.0.0.1:{}", self.port)
    }

    /// Run Hadoop's `FsShell` with `args` (e.g. `["-ls", "-R", "/"]`); returns stdout.
    pub fn fs_shell(&self, args: &[&str]) -> anyhow::Result<Vec<u8>> {
        let url = self.url();
        let out = self
            .java("org.apache.hadoop.fs.FsShell")
            .args(["-fs", url.as_str()])
            .args(args)
            .output()?;
        if !out.status.success() {
            bail!(
                "FsShell {args:?} failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(out.stdout)
    }

    /// The files below `path` (FsShell `-ls -R`), absolute paths, sorted.
    pub fn ls_files(&self, path: &str) -> anyhow::Result<Vec<String>> {
        let out = match self.fs_shell(&["-ls", "-R", path]) {
            Ok(o) => o,
            Err(e) if e.to_string().contains("No such file or directory") => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut files: Vec<String> = String::from_utf8_lossy(&out)
            .lines()
            .filter(|l| l.starts_with('-'))
            .filter_map(|l| l.split_whitespace().nth(7).map(str::to_owned))
            .collect();
        files.sort();
        Ok(files)
    }

    /// A file's content (FsShell `-cat`).
    pub fn cat(&self, path: &str) -> anyhow::Result<Vec<u8>> {
        self.fs_shell(&["-cat", path])
    }

    /// Copy HDFS files into `local_dir` (FsShell `-get`); returns the local paths.
    pub fn get(&self, paths: &[String], local_dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        for p in paths {
            let name = p.rsplit('/').next().unwrap_or(p);
            let local = local_dir.join(name);
            std::fs::write(&local, self.cat(p)?)?;
            out.push(local);
        }
        Ok(out)
    }

    /// The servers' logs (for failure messages).
    pub fn logs(&self) -> String {
        format!(
            "--- namenode ---\n{}\n--- datanode ---\n{}",
            tail(&self.log("namenode.log"), 30),
            tail(&self.log("datanode.log"), 30)
        )
    }
}

fn tail(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

impl Drop for HdfsCluster {
    fn drop(&mut self) {
        for child in [self.datanode.take(), self.namenode.take()]
            .into_iter()
            .flatten()
        {
            let mut child = child;
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
