//! `raw-consumer TOPIC BOOTSTRAP COUNT OUTFILE [KEY=VALUE...]`: subscribes to TOPIC in a fresh consumer group
//! (from the earliest offset, with the consumer settings of a Ferry sink task), writes the value
//! of each of the first COUNT records followed by '\n' to OUTFILE (appending, through a
//! 256 KiB buffer as Ferry's FileStreamSink does), flushes, then prints
//! `records=N elapsed_s=… records_per_s=… cpu_s=… peak_rss_kb=… rss_kb=…`
//! measured at that moment (from the start of `main`, before the client is torn down).
//! KEY=VALUE arguments are extra librdkafka settings, for experiments (the benchmark passes none).
//! With RAW_CONSUMER_TRACE set, the time until the first record arrived goes to stderr.

use std::fs::OpenOptions;
use std::io::{BufWriter, Write};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use ferry_bench_baseline::{apply_extra, consumer_config, die, secs, self_stats, usage};
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::Message;

fn main() {
    let start = Instant::now();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [topic, bootstrap, count, outfile, extra @ ..] = args.as_slice() else {
        usage("raw-consumer TOPIC BOOTSTRAP COUNT OUTFILE [KEY=VALUE...]")
    };
    let count: u64 = count
        .parse()
        .unwrap_or_else(|_| die(format!("COUNT must be a number, not {count}")));
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let group = format!("raw-consumer-{}-{nanos}", std::process::id());
    let mut config = consumer_config(bootstrap, &group);
    apply_extra(&mut config, extra);
    let consumer: BaseConsumer = config
        .create()
        .unwrap_or_else(|e| die(format!("cannot create the consumer: {e}")));
    consumer
        .subscribe(&[topic])
        .unwrap_or_else(|e| die(format!("subscribe: {e}")));
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(outfile)
        .unwrap_or_else(|e| die(format!("{outfile}: {e}")));
    let mut out = BufWriter::with_capacity(256 * 1024, file);
    let mut n = 0u64;
    while n < count {
        match consumer.poll(Duration::from_millis(500)) {
            None => {}
            Some(Ok(m)) => {
                if n == 0 && std::env::var_os("RAW_CONSUMER_TRACE").is_some() {
                    eprintln!("first record after {:.3}s", secs(start.elapsed()));
                }
                out.write_all(m.payload().unwrap_or_default())
                    .and_then(|()| out.write_all(b"\n"))
                    .unwrap_or_else(|e| die(format!("{outfile}: {e}")));
                n += 1;
            }
            // Transient (e.g. partition EOF events are off by default); keep going.
            Some(Err(e)) => eprintln!("consumer: {e}"),
        }
    }
    out.flush()
        .unwrap_or_else(|e| die(format!("{outfile}: {e}")));
    let elapsed = start.elapsed();
    let stats = self_stats();
    println!(
        "records={n} elapsed_s={:.3} records_per_s={:.0} {}",
        secs(elapsed),
        n as f64 / secs(elapsed),
        stats.fields()
    );
}
