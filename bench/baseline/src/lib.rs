//! Shared helpers of the baseline binaries: process statistics and client settings.
//!
//! Every binary prints one `key=value ...` line on stdout that `scripts/bench.sh` parses.

use std::time::Duration;

use rdkafka::ClientConfig;

/// CPU seconds (user + system, all threads) and memory of a process, read from `/proc`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcStats {
    pub cpu_s: f64,
    /// VmHWM: peak resident set size.
    pub peak_rss_kb: u64,
    /// VmRSS: current resident set size.
    pub rss_kb: u64,
}

impl ProcStats {
    pub fn fields(&self) -> String {
        format!(
            "cpu_s={:.3} peak_rss_kb={} rss_kb={}",
            self.cpu_s, self.peak_rss_kb, self.rss_kb
        )
    }
}

/// Statistics of `pid` ("self" for this process). `None` if the process is gone.
pub fn proc_stats(pid: &str) -> Option<ProcStats> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kb = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(0)
    };
    Some(ProcStats {
        cpu_s: ticks as f64 / hz,
        peak_rss_kb: kb("VmHWM:"),
        rss_kb: kb("VmRSS:"),
    })
}

/// This process's statistics, with CPU time from getrusage (finer than /proc's clock ticks).
pub fn self_stats() -> ProcStats {
    let mut s = proc_stats("self").unwrap_or_default();
    // SAFETY: getrusage writes into the struct we pass.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) } == 0 {
        let tv = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        s.cpu_s = tv(ru.ru_utime) + tv(ru.ru_stime);
    }
    s
}

/// Common settings of every client: as `runtime/src/kafka/client.rs` `base()`.
pub fn base_config(bootstrap: &str) -> ClientConfig {
    let mut c = ClientConfig::new();
    c.set("bootstrap.servers", bootstrap).set("log_level", "4");
    c
}

/// Exactly the producer settings Ferry forces on a source task's producer
/// (`runtime/src/kafka/client.rs` `producer_config`).
pub fn producer_config(bootstrap: &str) -> ClientConfig {
    let mut c = base_config(bootstrap);
    c.set("client.id", "raw-producer")
        .set("acks", "all")
        .set("enable.idempotence", "false")
        .set("max.in.flight.requests.per.connection", "1")
        .set("message.timeout.ms", "0")
        .set("linger.ms", "5")
        .set("allow.auto.create.topics", "false");
    c
}

/// The consumer settings Ferry forces on a sink task's consumer
/// (`runtime/src/kafka/client.rs` `consumer_config`), in a fresh group.
pub fn consumer_config(bootstrap: &str, group: &str) -> ClientConfig {
    let mut c = base_config(bootstrap);
    c.set("group.id", group)
        .set("client.id", "raw-consumer")
        .set("enable.auto.commit", "false")
        .set("enable.auto.offset.store", "false")
        .set("auto.offset.reset", "earliest")
        .set("fetch.queue.backoff.ms", "10")
        .set("partition.assignment.strategy", "range,roundrobin");
    c
}

/// Apply `KEY=VALUE` arguments (extra librdkafka settings, for experiments) to `config`.
pub fn apply_extra(config: &mut ClientConfig, extra: &[String]) {
    for kv in extra {
        match kv.split_once('=') {
            Some((k, v)) => {
                config.set(k, v);
            }
            None => die(format!("expected KEY=VALUE, got {kv}")),
        }
    }
}

pub fn die(msg: impl std::fmt::Display) -> ! {
    eprintln!("error: {msg}");
    std::process::exit(1)
}

pub fn usage(text: &str) -> ! {
    eprintln!("usage: {text}");
    std::process::exit(2)
}

pub fn secs(d: Duration) -> f64 {
    d.as_secs_f64()
}
