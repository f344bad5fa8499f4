//! A real Kafka-protocol broker for tests: a `nisshi` process on a free 127.0.0.1 port.
//!
//! ```no_run
//! let broker = ferry_tests::Broker::start()?; // sqlite storage in a temp dir
//! let bootstrap = broker.bootstrap(); // "127.0.0.1:PORT"
//! # anyhow::Ok(())
//! ```
//!
//! The process is killed when the [`Broker`] is dropped. Its stdout and stderr go to
//! `broker.log` in the broker's temp dir; the tail of that log is in every start-up error and is
//! printed to stderr when a test panics while the broker is alive (set `FERRY_KEEP_TEMP=1` to keep
//! the directory afterwards).

use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context as _};

use crate::{cache_dir, free_port, wait_until_ok};

/// The nisshi version `scripts/test.sh` installs and the harness is written against.
pub const NISSHI_VERSION: &str = "0.8.1";

/// How long a broker may take to answer Kafka requests after it was spawned (it takes
/// milliseconds; this is generous for a loaded CI machine).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(30);

/// Environment variables nisshi reads as defaults for its options: never inherit them.
const NISSHI_ENV: &[&str] = &[
    "CLUSTER_ID",
    "LISTENER_URL",
    "ADVERTISED_LISTENER_URL",
    "STORAGE_ENGINE",
    "SCHEMA_REGISTRY",
    "GROUP_INITIAL_REBALANCE_DELAY",
    "GROUP_POLL_INTERVAL",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
];

/// Where the broker keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// `sqlite://broker.db` in the broker's temp dir: durable across [`Broker::restart`], and
    /// one of the engines with compaction. The default.
    Sqlite,
    /// `memory://nisshi/`: fastest, lost on restart.
    Memory,
    /// Any storage URL nisshi accepts (e.g. `postgres://...`), passed as is.
    Url(String),
}

/// Options for [`Broker::start_with`].
#[derive(Debug, Clone)]
pub struct BrokerOptions {
    pub storage: Storage,
    /// `--group-initial-rebalance-delay`; `0s` by default so that tests need not wait for the
    /// first rebalance of a group.
    pub group_initial_rebalance_delay: String,
    /// More command-line arguments for `nisshi broker`.
    pub extra_args: Vec<String>,
    /// `RUST_LOG` for the broker; default `$FERRY_NISSHI_LOG`, else `warn` (`info` logs every
    /// storage span: tens of MB per second).
    pub log_filter: Option<String>,
}

impl Default for BrokerOptions {
    fn default() -> Self {
        Self {
            storage: Storage::Sqlite,
            group_initial_rebalance_delay: "0s".to_string(),
            extra_args: Vec::new(),
            log_filter: None,
        }
    }
}

/// A running nisshi broker; killed on drop.
#[derive(Debug)]
pub struct Broker {
    child: Option<Child>,
    binary: PathBuf,
    port: u16,
    dir: Option<tempfile::TempDir>,
    dir_path: PathBuf,
    log_path: PathBuf,
    options: BrokerOptions,
}

impl Broker {
    /// Starts a broker with sqlite storage in a fresh temp dir.
    pub fn start() -> anyhow::Result<Self> {
        Self::start_with(BrokerOptions::default())
    }

    /// Starts a broker that keeps everything in memory.
    pub fn start_memory() -> anyhow::Result<Self> {
        Self::start_with(BrokerOptions {
            storage: Storage::Memory,
            ..BrokerOptions::default()
        })
    }

    /// Starts a broker with the given options and waits until it answers Kafka ApiVersions and
    /// Metadata requests and advertises the address it listens on.
    pub fn start_with(options: BrokerOptions) -> anyhow::Result<Self> {
        let binary = nisshi_binary()?;
        let dir = tempfile::Builder::new()
            .prefix("ferry-broker-")
            .tempdir()
            .context("creating the broker's temp dir")?;
        let dir_path = dir.path().to_path_buf();
        let mut broker = Self {
            child: None,
            binary,
            port: 0,
            dir: Some(dir),
            log_path: dir_path.join("broker.log"),
            dir_path,
            options,
        };
        // The free port may be taken by someone else before nisshi binds it: try a few.
        let mut last_err = None;
        for _ in 0..5 {
            broker.port = free_port()?;
            match broker.spawn_and_wait() {
                Ok(()) => return Ok(broker),
                Err(e) if broker.log_says_address_in_use() => last_err = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last_err.unwrap_or_else(|| anyhow!("could not start nisshi")))
    }

    /// `"127.0.0.1:PORT"`, for `bootstrap.servers`.
    pub fn bootstrap(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }

    /// The broker's temp dir (its sqlite database and log live here).
    pub fn dir(&self) -> &Path {
        &self.dir_path
    }

    /// The file the broker's stdout and stderr go to (appended to across restarts).
    pub fn log_path(&self) -> &Path {
        &self.log_path
    }

    /// The storage URL the broker was started with.
    pub fn storage_url(&self) -> String {
        match &self.options.storage {
            Storage::Sqlite => "sqlite://broker.db".to_string(),
            Storage::Memory => "memory://nisshi/".to_string(),
            Storage::Url(url) => url.clone(),
        }
    }

    /// The process id, while the broker runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// The last `lines` lines of the broker's log.
    pub fn log_tail(&self, lines: usize) -> String {
        tail(&self.log_path, lines)
    }

    /// Whether the broker process is still alive.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.as_mut().map(Child::try_wait), Some(Ok(None)))
    }

    /// Kills the broker at once (SIGKILL), as a crash would. Idempotent.
    pub fn kill(&mut self) -> anyhow::Result<()> {
        if let Some(mut child) = self.child.take() {
            // An error here means it already exited.
            let _ = child.kill();
            child.wait().context("waiting for the killed broker")?;
        }
        Ok(())
    }

    /// Stops the broker gracefully (SIGTERM), killing it if it has not exited after 10 s.
    pub fn stop(&mut self) -> anyhow::Result<()> {
        let Some(child) = self.child.as_mut() else {
            return Ok(());
        };
        if child.try_wait()?.is_none() {
            let _ = Command::new("kill")
                .args(["-TERM", &child.id().to_string()])
                .stderr(Stdio::null())
                .status();
            let deadline = Instant::now() + Duration::from_secs(10);
            while child.try_wait()?.is_none() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        self.kill()
    }

    /// Kills the broker and starts it again on the same port with the same storage (with
    /// [`Storage::Sqlite`] the data survives; with [`Storage::Memory`] it does not).
    pub fn restart(&mut self) -> anyhow::Result<()> {
        self.kill()?;
        // The old listener's port can stay busy for a moment: retry on "address in use".
        let deadline = Instant::now() + crate::scaled(STARTUP_TIMEOUT);
        loop {
            match self.spawn_and_wait() {
                Ok(()) => return Ok(()),
                Err(_) if self.log_says_address_in_use() && Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(200));
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn spawn_and_wait(&mut self) -> anyhow::Result<()> {
        self.kill()?;
        let url = format!("tcp://127.0.0.1:{}", self.port);
        let mut log = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log_path)
            .with_context(|| format!("opening {}", self.log_path.display()))?;
        let mut args: Vec<String> = vec![
            "broker".into(),
            "--listener-url".into(),
            url.clone(),
            "--advertised-listener-url".into(),
            url,
            // A relative sqlite URL resolves against the working directory, set below.
            // (`sqlite:///abs/path` does not work: nisshi drops the leading slash.)
            "--storage-engine".into(),
            self.storage_url(),
            "--group-initial-rebalance-delay".into(),
            self.options.group_initial_rebalance_delay.clone(),
        ];
        args.extend(self.options.extra_args.iter().cloned());
        writeln!(
            log,
            "==== ferry-tests: {} {}",
            self.binary.display(),
            args.join(" ")
        )?;
        let log_filter = self
            .options
            .log_filter
            .clone()
            .or_else(|| std::env::var("FERRY_NISSHI_LOG").ok())
            .unwrap_or_else(|| "warn".to_string());
        let mut command = Command::new(&self.binary);
        command
            .args(&args)
            .current_dir(&self.dir_path)
            .env("RUST_LOG", log_filter)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        for var in NISSHI_ENV {
            command.env_remove(var);
        }
        let child = command
            .spawn()
            .with_context(|| format!("spawning {}", self.binary.display()))?;
        self.child = Some(child);

        let addr = self.addr();
        let ready = wait_until_ok(STARTUP_TIMEOUT, || {
            if let Some(status) = self
                .child
                .as_mut()
                .map(Child::try_wait)
                .transpose()?
                .flatten()
            {
                // Not worth retrying: report at once.
                return Ok(Err(anyhow!("nisshi exited during start-up with {status}")));
            }
            probe(addr).map(Ok)
        });
        let result = match ready {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) | Err(e) => Err(e),
        };
        result.map_err(|e| {
            let _ = self.kill();
            e.context(format!(
                "nisshi broker on {} did not become ready; last lines of {}:\n{}",
                self.bootstrap(),
                self.log_path.display(),
                self.log_tail(30)
            ))
        })
    }

    fn log_says_address_in_use(&self) -> bool {
        std::fs::read_to_string(&self.log_path)
            .map(|log| {
                let last_run = log.rsplit("==== ferry-tests:").next().unwrap_or("");
                last_run.contains("Address already in use") || last_run.contains("AddrInUse")
            })
            .unwrap_or(false)
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.kill();
        if std::thread::panicking() {
            eprintln!(
                "---- ferry-tests: the test panicked; last lines of the broker log {} ----\n{}\n----",
                self.log_path.display(),
                self.log_tail(40)
            );
        }
        if std::env::var_os("FERRY_KEEP_TEMP").is_some_and(|v| !v.is_empty() && v != "0") {
            if let Some(dir) = self.dir.take() {
                let kept = dir.keep();
                eprintln!("ferry-tests: kept broker dir {}", kept.display());
            }
        }
    }
}

/// The nisshi binary: `$FERRY_NISSHI`, else `$FERRY_CACHE/nisshi/bin/nisshi`
/// (`~/.cache/ferry/...`), else `nisshi` on `PATH`. The error says how to install it.
pub fn nisshi_binary() -> anyhow::Result<PathBuf> {
    let install_hint = format!(
        "install it with `scripts/test.sh setup` (or just `scripts/test.sh nisshi`), which runs \
         `cargo install nisshi --version {NISSHI_VERSION} --locked --ignore-rust-version --root \
         {}` (about 10 minutes on 2 cores)",
        cache_dir().join("nisshi").display()
    );
    if let Some(path) = std::env::var_os("FERRY_NISSHI").filter(|v| !v.is_empty()) {
        let path = PathBuf::from(path);
        if path.is_file() {
            return Ok(path);
        }
        bail!(
            "FERRY_NISSHI={} does not exist: {install_hint}",
            path.display()
        );
    }
    let cached = cache_dir().join("nisshi").join("bin").join("nisshi");
    if cached.is_file() {
        return Ok(cached);
    }
    if let Some(path) = std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join("nisshi"))
        .find(|p| p.is_file())
    {
        return Ok(path);
    }
    bail!(
        "the nisshi broker was not found (FERRY_NISSHI is not set, {} does not exist, no nisshi \
         on PATH): {install_hint}",
        cached.display()
    )
}

fn tail(path: &Path, lines: usize) -> String {
    let mut text = String::new();
    if let Ok(mut f) = File::open(path) {
        let _ = f.read_to_string(&mut text);
    }
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

// ---------------------------------------------------------------------------------------------
// A minimal Kafka client for the readiness probe: ApiVersions v0, then a non-flexible Metadata
// request checking that the broker advertises the address it listens on.
// ---------------------------------------------------------------------------------------------

const API_METADATA: i16 = 3;
const API_VERSIONS: i16 = 18;

fn probe(addr: SocketAddr) -> anyhow::Result<()> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))
        .with_context(|| format!("connecting to {addr}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.set_write_timeout(Some(Duration::from_secs(5)))?;
    stream.set_nodelay(true)?;

    let mut body =
        round_trip(&mut stream, API_VERSIONS, 0, 1, &[]).context("Kafka ApiVersions request")?;
    let error = body.i16()?;
    if error != 0 {
        bail!("ApiVersions returned error code {error}");
    }
    let mut metadata_range = None;
    for _ in 0..body.array_len()? {
        let (key, min, max) = (body.i16()?, body.i16()?, body.i16()?);
        if key == API_METADATA {
            metadata_range = Some((min, max));
        }
    }
    let (min, max) = metadata_range.ok_or_else(|| anyhow!("broker does not offer Metadata"))?;
    // Versions 1..=8 share a simple, non-flexible layout.
    let Some(version) = (1..=8).find(|v| (min..=max).contains(v)) else {
        return Ok(()); // Only flexible versions offered: ApiVersions alone must do.
    };
    let mut request = Vec::new();
    request.extend_from_slice(&(-1i32).to_be_bytes()); // topics: null = all
    if version >= 4 {
        request.push(0); // allow_auto_topic_creation = false
    }
    if version >= 8 {
        request.extend_from_slice(&[0, 0]); // include_{cluster,topic}_authorized_operations
    }
    let mut body = round_trip(&mut stream, API_METADATA, version, 2, &request)
        .with_context(|| format!("Kafka Metadata v{version} request"))?;
    if version >= 3 {
        body.i32()?; // throttle_time_ms
    }
    let mut advertised = Vec::new();
    for _ in 0..body.array_len()? {
        let _node_id = body.i32()?;
        let host = body.string()?.unwrap_or_default();
        let port = body.i32()?;
        let _rack = body.string()?;
        advertised.push(format!("{host}:{port}"));
    }
    let expected = format!("127.0.0.1:{}", addr.port());
    if !advertised.contains(&expected) {
        bail!("broker advertises {advertised:?}, expected {expected}");
    }
    Ok(())
}

fn round_trip(
    stream: &mut TcpStream,
    api_key: i16,
    api_version: i16,
    correlation_id: i32,
    body: &[u8],
) -> anyhow::Result<Reader> {
    const CLIENT_ID: &[u8] = b"ferry-tests-probe";
    let mut message = Vec::with_capacity(32 + body.len());
    message.extend_from_slice(&api_key.to_be_bytes());
    message.extend_from_slice(&api_version.to_be_bytes());
    message.extend_from_slice(&correlation_id.to_be_bytes());
    message.extend_from_slice(&(CLIENT_ID.len() as i16).to_be_bytes());
    message.extend_from_slice(CLIENT_ID);
    message.extend_from_slice(body);
    let mut frame = (message.len() as i32).to_be_bytes().to_vec();
    frame.extend_from_slice(&message);
    stream.write_all(&frame)?;

    let mut size = [0u8; 4];
    stream.read_exact(&mut size)?;
    let size = i32::from_be_bytes(size);
    if !(4..=64 << 20).contains(&size) {
        bail!("implausible response size {size}");
    }
    let mut response = vec![0u8; size as usize];
    stream.read_exact(&mut response)?;
    let mut reader = Reader {
        buf: response,
        pos: 0,
    };
    let got = reader.i32()?;
    if got != correlation_id {
        bail!("correlation id {got} in response, expected {correlation_id}");
    }
    Ok(reader)
}

struct Reader {
    buf: Vec<u8>,
    pos: usize,
}

impl Reader {
    fn take<const N: usize>(&mut self) -> anyhow::Result<[u8; N]> {
        let bytes = self
            .buf
            .get(self.pos..self.pos + N)
            .ok_or_else(|| anyhow!("response too short"))?;
        self.pos += N;
        let mut out = [0u8; N];
        out.copy_from_slice(bytes);
        Ok(out)
    }

    fn i16(&mut self) -> anyhow::Result<i16> {
        Ok(i16::from_be_bytes(self.take()?))
    }

    fn i32(&mut self) -> anyhow::Result<i32> {
        Ok(i32::from_be_bytes(self.take()?))
    }

    fn array_len(&mut self) -> anyhow::Result<usize> {
        let n = self.i32()?;
        Ok(usize::try_from(n).unwrap_or(0))
    }

    fn string(&mut self) -> anyhow::Result<Option<String>> {
        let len = self.i16()?;
        let Ok(len) = usize::try_from(len) else {
            return Ok(None);
        };
        let bytes = self
            .buf
            .get(self.pos..self.pos + len)
            .ok_or_else(|| anyhow!("response too short"))?;
        self.pos += len;
        Ok(Some(String::from_utf8_lossy(bytes).into_owned()))
    }
}

/// For messages: a short description of a broker's state.
impl std::fmt::Display for Broker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = format!("nisshi on {} ({})", self.bootstrap(), self.storage_url());
        if let Some(pid) = self.pid() {
            let _ = write!(s, ", pid {pid}");
        }
        f.write_str(&s)
    }
}
