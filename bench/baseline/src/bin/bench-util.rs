//! Helpers of `scripts/bench.sh`:
//!
//! ```text
//! bench-util create-topic TOPIC BOOTSTRAP PARTITIONS
//! bench-util end-offset TOPIC BOOTSTRAP                 prints the sum of the high watermarks
//! bench-util measure CONDITION [--idle SECS] [--timeout SECS] [--log FILE] -- CMD ARGS...
//!     CONDITION: --offset TOPIC BOOTSTRAP N   the topic's end offsets add up to at least N
//!                --file PATH BYTES            PATH is at least BYTES long
//!                --http URL                   GET URL answers 200 (plain http://host:port/path)
//! ```
//!
//! `measure` starts CMD (stdout and stderr to --log, default /dev/null), polls CONDITION (every
//! 10 ms; --http every 1 ms), and when it holds reads CMD's CPU seconds (user + system, all
//! threads) and VmHWM/VmRSS from /proc. With --idle it then waits SECS more and reads VmRSS
//! again. Then it stops CMD with SIGTERM (SIGKILL after 30 s) and prints one line:
//! `elapsed_s=… [near_s=…] cpu_s=… peak_rss_kb=… rss_kb=… [idle_rss_kb=…] exit=…`,
//! where elapsed_s runs from just before the spawn until CONDITION was first seen, and near_s
//! (--file only) is when the file first came within 256 KiB (one FileStreamSink buffer) of BYTES.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use ferry_bench_baseline::{base_config, die, proc_stats, secs, usage};
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::types::RDKafkaErrorCode;

const USAGE: &str = "bench-util create-topic TOPIC BOOTSTRAP PARTITIONS | end-offset TOPIC BOOTSTRAP | measure (--offset TOPIC BOOTSTRAP N | --file PATH BYTES | --http URL) [--idle SECS] [--timeout SECS] [--log FILE] -- CMD ARGS...";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("create-topic") => match &args[1..] {
            [topic, bootstrap, partitions] => create_topic(topic, bootstrap, partitions),
            _ => usage(USAGE),
        },
        Some("end-offset") => match &args[1..] {
            [topic, bootstrap] => {
                let c = watermark_client(bootstrap);
                println!("{}", end_offset(&c, topic).unwrap_or_else(|e| die(e)));
            }
            _ => usage(USAGE),
        },
        Some("measure") => measure(&args[1..]),
        _ => usage(USAGE),
    }
}

fn create_topic(topic: &str, bootstrap: &str, partitions: &str) {
    let partitions: i32 = partitions
        .parse()
        .unwrap_or_else(|_| die("PARTITIONS must be a number"));
    let admin: AdminClient<DefaultClientContext> = base_config(bootstrap)
        .create()
        .unwrap_or_else(|e| die(format!("admin client: {e}")));
    let opts = AdminOptions::new().operation_timeout(Some(Duration::from_secs(10)));
    let results = futures::executor::block_on(admin.create_topics(
        &[NewTopic::new(topic, partitions, TopicReplication::Fixed(1))],
        &opts,
    ))
    .unwrap_or_else(|e| die(format!("create topic {topic}: {e}")));
    for r in results {
        match r {
            Ok(_) | Err((_, RDKafkaErrorCode::TopicAlreadyExists)) => {}
            Err((t, code)) => die(format!("create topic {t}: {code}")),
        }
    }
}

fn watermark_client(bootstrap: &str) -> BaseConsumer {
    base_config(bootstrap)
        .set("client.id", "bench-util")
        .create()
        .unwrap_or_else(|e| die(format!("consumer: {e}")))
}

/// Sum of the high watermarks of `topic`'s partitions; 0 while the topic does not exist.
fn end_offset(c: &BaseConsumer, topic: &str) -> Result<i64, String> {
    let timeout = Duration::from_secs(5);
    let md = c
        .fetch_metadata(Some(topic), timeout)
        .map_err(|e| format!("metadata of {topic}: {e}"))?;
    let Some(t) = md.topics().iter().find(|t| t.name() == topic) else {
        return Ok(0);
    };
    if t.error().is_some() {
        return Ok(0);
    }
    let mut sum = 0;
    for p in t.partitions() {
        let (_, high) = c
            .fetch_watermarks(topic, p.id(), timeout)
            .map_err(|e| format!("watermarks of {topic}-{}: {e}", p.id()))?;
        sum += high.max(0);
    }
    Ok(sum)
}

enum Condition {
    Offset {
        client: BaseConsumer,
        topic: String,
        n: i64,
    },
    File {
        path: String,
        bytes: u64,
    },
    Http {
        addr: String,
        path: String,
    },
}

impl Condition {
    fn poll_interval(&self) -> Duration {
        match self {
            Condition::Http { .. } => Duration::from_millis(1),
            _ => Duration::from_millis(10),
        }
    }

    /// (condition holds, progress for messages, "near" for files)
    fn check(&self) -> (bool, String, bool) {
        match self {
            Condition::Offset { client, topic, n } => match end_offset(client, topic) {
                Ok(o) => (o >= *n, format!("{topic} end offset {o}"), false),
                Err(e) => (false, e, false),
            },
            Condition::File { path, bytes } => {
                let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
                (
                    len >= *bytes,
                    format!("{path} has {len} bytes"),
                    len + 256 * 1024 >= *bytes,
                )
            }
            Condition::Http { addr, path } => match http_get(addr, path) {
                Ok(status) => (status == 200, format!("status {status}"), false),
                Err(e) => (false, e.to_string(), false),
            },
        }
    }
}

fn http_get(addr: &str, path: &str) -> std::io::Result<u16> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(2)))?;
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )?;
    let mut buf = [0u8; 64];
    let mut got = 0;
    while got < 12 {
        let n = s.read(&mut buf[got..])?;
        if n == 0 {
            break;
        }
        got += n;
    }
    let head = String::from_utf8_lossy(&buf[..got]);
    Ok(head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0))
}

fn measure(args: &[String]) {
    let Some(sep) = args.iter().position(|a| a == "--") else {
        usage(USAGE)
    };
    let (opts, cmd) = (&args[..sep], &args[sep + 1..]);
    if cmd.is_empty() {
        usage(USAGE);
    }
    let mut condition = None;
    let mut idle = None;
    let mut timeout = Duration::from_secs(600);
    let mut log = "/dev/null".to_owned();
    let mut i = 0;
    let num = |s: &String| -> f64 {
        s.parse()
            .unwrap_or_else(|_| die(format!("not a number: {s}")))
    };
    while i < opts.len() {
        match (opts[i].as_str(), &opts[i + 1..]) {
            ("--offset", [topic, bootstrap, n, ..]) => {
                condition = Some(Condition::Offset {
                    client: watermark_client(bootstrap),
                    topic: topic.clone(),
                    n: num(n) as i64,
                });
                i += 4;
            }
            ("--file", [path, bytes, ..]) => {
                condition = Some(Condition::File {
                    path: path.clone(),
                    bytes: num(bytes) as u64,
                });
                i += 3;
            }
            ("--http", [url, ..]) => {
                let rest = url
                    .strip_prefix("http://")
                    .unwrap_or_else(|| die("only http:// URLs"));
                let (addr, path) = match rest.find('/') {
                    Some(j) => (&rest[..j], &rest[j..]),
                    None => (rest, "/"),
                };
                condition = Some(Condition::Http {
                    addr: addr.to_owned(),
                    path: path.to_owned(),
                });
                i += 2;
            }
            ("--idle", [s, ..]) => {
                idle = Some(Duration::from_secs_f64(num(s)));
                i += 2;
            }
            ("--timeout", [s, ..]) => {
                timeout = Duration::from_secs_f64(num(s));
                i += 2;
            }
            ("--log", [f, ..]) => {
                log = f.clone();
                i += 2;
            }
            _ => usage(USAGE),
        }
    }
    let Some(condition) = condition else {
        usage(USAGE)
    };
    let out = std::fs::File::create(&log).unwrap_or_else(|e| die(format!("{log}: {e}")));
    let err = out
        .try_clone()
        .unwrap_or_else(|e| die(format!("{log}: {e}")));

    let start = Instant::now();
    let mut child = Command::new(&cmd[0])
        .args(&cmd[1..])
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .unwrap_or_else(|e| die(format!("cannot start {}: {e}", cmd[0])));
    let pid = child.id().to_string();
    let mut near = None;
    let elapsed = loop {
        let (done, progress, is_near) = condition.check();
        if is_near && near.is_none() {
            near = Some(start.elapsed());
        }
        if done {
            break start.elapsed();
        }
        if let Ok(Some(status)) = child.try_wait() {
            die(format!(
                "{} exited ({status}) before the condition held: {progress}; see {log}",
                cmd[0]
            ));
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            die(format!(
                "timed out after {timeout:?}: {progress}; see {log}"
            ));
        }
        std::thread::sleep(condition.poll_interval());
    };
    let stats = proc_stats(&pid).unwrap_or_default();
    let idle_rss = idle.map(|d| {
        std::thread::sleep(d);
        proc_stats(&pid).unwrap_or_default().rss_kb
    });
    // SAFETY: kill has no memory-safety preconditions; pid is our own child, not yet reaped.
    unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) };
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s.to_string(),
            Ok(None) if Instant::now() > deadline => {
                let _ = child.kill();
                let _ = child.wait();
                break "killed".to_owned();
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => break e.to_string(),
        }
    };
    let mut line = format!("elapsed_s={:.4}", secs(elapsed));
    if let Some(n) = near {
        line += &format!(" near_s={:.4}", secs(n));
    }
    line += &format!(" {}", stats.fields());
    if let Some(r) = idle_rss {
        line += &format!(" idle_rss_kb={r}");
    }
    line += &format!(" exit={}", status.replace(' ', "_"));
    println!("{line}");
}
