//! Ferry worker processes for integration tests: the real `ferry` binary, started with real
//! config files, stopped with SIGTERM or killed with SIGKILL.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{bail, Context as _};

use crate::{ferry_binary, free_port, wait_until};

/// A `ferry standalone` process.
pub struct WorkerProcess {
    child: Option<Child>,
    dir: PathBuf,
    log: PathBuf,
    port: u16,
    args: Vec<String>,
    starts: usize,
    /// The log line that says the worker started.
    ready_marker: &'static str,
}

/// Write a `.properties` file.
pub fn write_properties(path: &Path, pairs: &[(&str, &str)]) -> anyhow::Result<()> {
    let text: String = pairs.iter().map(|(k, v)| format!("{k}={v}\n")).collect();
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

impl WorkerProcess {
    /// Write `worker.properties` in `dir` (bootstrap, a free REST port, the offsets file, plus
    /// `extra`; no `plugin.path`, so the plugins built next to the binary are used) and start `ferry standalone` with the given
    /// connector files. Returns once the worker logs that it started.
    pub fn standalone(
        dir: &Path,
        bootstrap: &str,
        extra: &[(&str, &str)],
        connector_files: &[PathBuf],
    ) -> anyhow::Result<WorkerProcess> {
        let port = free_port()?;
        let listeners = format!("http://127.0.0.1:{port}");
        let offsets = dir.join("connect.offsets").display().to_string();
        let mut pairs: Vec<(&str, &str)> = vec![
            ("bootstrap.servers", bootstrap),
            ("listeners", &listeners),
            ("offset.storage.file.filename", &offsets),
            ("offset.flush.interval.ms", "500"),
        ];
        pairs.extend_from_slice(extra);
        let worker_file = dir.join("worker.properties");
        write_properties(&worker_file, &pairs)?;
        let mut args = vec!["standalone".to_owned(), worker_file.display().to_string()];
        args.extend(connector_files.iter().map(|p| p.display().to_string()));
        let mut w = WorkerProcess {
            child: None,
            dir: dir.to_path_buf(),
            log: dir.join("worker-0.log"),
            port,
            args,
            starts: 0,
            ready_marker: "Ferry standalone worker started",
        };
        w.start()?;
        Ok(w)
    }

    /// Write `worker.properties` in `dir` for a distributed worker of cluster `group_id`
    /// (bootstrap, a free REST port kept across restarts, the three internal topics named after
    /// the group, replication factor 1, plus `extra`) and start `ferry distributed`. Returns once
    /// the worker logs that it started.
    pub fn distributed(
        dir: &Path,
        bootstrap: &str,
        group_id: &str,
        extra: &[(&str, &str)],
    ) -> anyhow::Result<WorkerProcess> {
        let port = free_port()?;
        let listeners = format!("http://127.0.0.1:{port}");
        let config_topic = format!("{group_id}-configs");
        let offset_topic = format!("{group_id}-offsets");
        let status_topic = format!("{group_id}-status");
        let mut pairs: Vec<(&str, &str)> = vec![
            ("bootstrap.servers", bootstrap),
            ("group.id", group_id),
            ("listeners", &listeners),
            ("rest.advertised.host.name", "127.0.0.1"),
            ("config.storage.topic", &config_topic),
            ("offset.storage.topic", &offset_topic),
            ("status.storage.topic", &status_topic),
            ("config.storage.replication.factor", "1"),
            ("offset.storage.replication.factor", "1"),
            ("status.storage.replication.factor", "1"),
            ("offset.flush.interval.ms", "500"),
        ];
        pairs.extend_from_slice(extra);
        std::fs::create_dir_all(dir)?;
        let worker_file = dir.join("worker.properties");
        write_properties(&worker_file, &pairs)?;
        let mut w = WorkerProcess {
            child: None,
            dir: dir.to_path_buf(),
            log: dir.join("worker-0.log"),
            port,
            args: vec!["distributed".to_owned(), worker_file.display().to_string()],
            starts: 0,
            ready_marker: "Ferry distributed worker started",
        };
        w.start()?;
        Ok(w)
    }

    /// The worker id Kafka Connect shows in statuses: `127.0.0.1:PORT`.
    pub fn worker_id(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    fn start(&mut self) -> anyhow::Result<()> {
        self.log = self.dir.join(format!("worker-{}.log", self.starts));
        self.starts += 1;
        let log = File::create(&self.log)?;
        let child = Command::new(ferry_binary()?)
            .args(&self.args)
            .env(
                "RUST_LOG",
                std::env::var("FERRY_TEST_LOG").unwrap_or_else(|_| "info".into()),
            )
            .stdout(Stdio::from(log.try_clone()?))
            .stderr(Stdio::from(log))
            .spawn()
            .context("starting ferry")?;
        self.child = Some(child);
        let started = wait_until(Duration::from_secs(60), || {
            self.log_text().contains(self.ready_marker) || self.exited()
        });
        if started.is_err() || self.exited() {
            bail!("ferry did not start; its log:\n{}", self.log_text());
        }
        Ok(())
    }

    fn exited(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(Some(_))))
    }

    /// The REST base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The current process's log.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Every log of every start, concatenated.
    pub fn all_logs(&self) -> String {
        (0..self.starts)
            .map(|i| {
                std::fs::read_to_string(self.dir.join(format!("worker-{i}.log")))
                    .unwrap_or_default()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// SIGKILL: no shutdown at all, as a crash.
    pub fn kill9(&mut self) -> anyhow::Result<()> {
        if let Some(mut c) = self.child.take() {
            c.kill()?;
            c.wait()?;
        }
        Ok(())
    }

    /// SIGTERM and wait for a clean exit; returns the exit status code.
    pub fn stop(&mut self) -> anyhow::Result<Option<i32>> {
        let Some(mut c) = self.child.take() else {
            return Ok(None);
        };
        let status = Command::new("kill")
            .args(["-TERM", &c.id().to_string()])
            .status()?;
        if !status.success() {
            bail!("kill -TERM failed");
        }
        for _ in 0..600 {
            if let Some(s) = c.try_wait()? {
                return Ok(s.code());
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        c.kill()?;
        bail!(
            "ferry did not stop within 60 s of SIGTERM; log:\n{}",
            self.log_text()
        )
    }

    /// Start again with the same files (after `kill9` or `stop`).
    pub fn restart(&mut self) -> anyhow::Result<()> {
        self.start()
    }
}

impl Drop for WorkerProcess {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        if std::thread::panicking() {
            eprintln!("--- ferry log ---\n{}", self.all_logs());
        }
    }
}
