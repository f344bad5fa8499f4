//! `raw-producer FILE TOPIC BOOTSTRAP [KEY=VALUE...]`: produces every line of FILE (without its terminator) as
//! the value of one record, no key, with the producer settings of a Ferry source task, waits
//! for every delivery report, then prints
//! `records=N elapsed_s=… records_per_s=… cpu_s=… peak_rss_kb=… rss_kb=…`
//! measured at that moment (from the start of `main`, before the client is torn down).
//! KEY=VALUE arguments are extra librdkafka settings, for experiments (the benchmark passes none).

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ferry_bench_baseline::{apply_extra, die, producer_config, secs, self_stats, usage};
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{BaseProducer, BaseRecord, DeliveryResult, Producer, ProducerContext};
use rdkafka::util::Timeout;
use rdkafka::ClientContext;

#[derive(Default)]
struct Counts {
    delivered: AtomicU64,
    failed: AtomicU64,
}

impl ClientContext for Counts {}

impl ProducerContext for Counts {
    type DeliveryOpaque = ();
    fn delivery(&self, result: &DeliveryResult<'_>, _: ()) {
        match result {
            Ok(_) => self.delivered.fetch_add(1, Ordering::Relaxed),
            Err((e, _)) => {
                eprintln!("delivery failed: {e}");
                self.failed.fetch_add(1, Ordering::Relaxed)
            }
        };
    }
}

fn main() {
    let start = Instant::now();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [file, topic, bootstrap, extra @ ..] = args.as_slice() else {
        usage("raw-producer FILE TOPIC BOOTSTRAP [KEY=VALUE...]")
    };
    let mut config = producer_config(bootstrap);
    apply_extra(&mut config, extra);
    let producer: BaseProducer<Counts> = config
        .create_with_context(Counts::default())
        .unwrap_or_else(|e| die(format!("cannot create the producer: {e}")));
    let mut reader = BufReader::with_capacity(
        64 * 1024,
        File::open(file).unwrap_or_else(|e| die(format!("{file}: {e}"))),
    );
    let mut line = Vec::with_capacity(256);
    let mut sent = 0u64;
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => die(format!("{file}: {e}")),
        }
        while matches!(line.last(), Some(b'\n' | b'\r')) {
            line.pop();
        }
        let mut record: BaseRecord<'_, [u8], [u8]> = BaseRecord::to(topic).payload(&line[..]);
        loop {
            match producer.send(record) {
                Ok(()) => break,
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                    record = back;
                    producer.poll(Duration::from_millis(1));
                }
                Err((e, _)) => die(format!("send: {e}")),
            }
        }
        sent += 1;
        if sent % 1024 == 0 {
            producer.poll(Duration::ZERO); // serve delivery callbacks
        }
    }
    producer
        .flush(Timeout::Never)
        .unwrap_or_else(|e| die(format!("flush: {e}")));
    let elapsed = start.elapsed();
    let stats = self_stats();
    let ctx = producer.context();
    let (delivered, failed) = (
        ctx.delivered.load(Ordering::Relaxed),
        ctx.failed.load(Ordering::Relaxed),
    );
    if delivered != sent || failed != 0 {
        die(format!(
            "sent {sent}, delivered {delivered}, failed {failed}"
        ));
    }
    println!(
        "records={sent} elapsed_s={:.3} records_per_s={:.0} {}",
        secs(elapsed),
        sent as f64 / secs(elapsed),
        stats.fields()
    );
}
