//! The issue 6 baseline (`scripts/bench-hdfs.sh`) and its timer.
//!
//! `raw-hdfs-writer write FORMAT TOPIC BOOTSTRAP N STORE_URL FLUSH`
//!   Consumes N records from TOPIC (rdkafka `BaseConsumer`, Ferry's sink-consumer settings including
//!   fetch.queue.backoff.ms=10, a
//!   fresh group, earliest), deserialises each value (serde derive, typed) as a JsonConverter envelope of the Models
//!   record (`{"schema":…,"payload":{"model_id":i32,"model_name":str,"model_base_price":i32,
//!   "brand_id":i32}}`), and every FLUSH records writes one file with the same library Ferry's
//!   HDFS sink uses (FORMAT `parquet`: the `parquet` crate's `SerializedFileWriter`, SNAPPY,
//!   row groups of 64Ki rows; FORMAT `avro`: `apache-avro`'s `Writer`, snappy codec — Ferry's
//!   sink has its own Avro container writer) to
//!   `topics/TOPIC/partition=0/TOPIC+0+START+END.{parquet,avro}` as Ferry names them: written to a
//!   temp file under `topics/+tmp/`, then renamed. STORE_URL: `hdfs://host:port[/root]`
//!   (hdfs-native, the sink's client) or `file:///dir`. Prints
//!   `records=N bytes=… files=… elapsed_s=… records_per_s=… mb_per_s=… cpu_s=… peak_rss_kb=…`.
//!
//! `raw-hdfs-writer measure STORE_URL PATH TIMEOUT_S LOG -- CMD ARGS...`
//!   Spawns CMD (stdout/stderr to LOG), polls every 10 ms until PATH exists in the store, then
//!   reads the child's CPU time and VmHWM, sends SIGTERM and prints
//!   `elapsed_s=… cpu_s=… peak_rss_kb=… bytes=…` (bytes = total size of the files in PATH's
//!   directory).

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use apache_avro::types::Value as AvroValue;
use bytes::Bytes;
use ferry_bench_baseline::{consumer_config, die, proc_stats, secs, self_stats, usage};
use hdfs_native::{Client, ClientBuilder, WriteOptions};
use parquet::basic::Compression;
use parquet::column::writer::ColumnWriter;
use parquet::data_type::ByteArray;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;
use rdkafka::consumer::{BaseConsumer, Consumer};
use rdkafka::Message;

/// The JsonConverter envelope, deserialised straight into typed fields (the `schema` member is
/// skipped by serde without building it).
#[derive(serde::Deserialize)]
struct Envelope {
    payload: Payload,
}

#[derive(serde::Deserialize)]
struct Payload {
    model_id: i32,
    model_name: String,
    model_base_price: i32,
    brand_id: i32,
}

const USAGE: &str = "raw-hdfs-writer write parquet|avro TOPIC BOOTSTRAP N STORE_URL FLUSH | measure STORE_URL PATH TIMEOUT_S LOG -- CMD ARGS...";
const ROW_GROUP_ROWS: usize = 64 * 1024;
const CHUNK: usize = 1 << 20;

enum Store {
    Hdfs {
        rt: tokio::runtime::Runtime,
        client: Client,
        root: String,
    },
    Local(std::path::PathBuf),
}

impl Store {
    fn open(url: &str) -> Store {
        if let Some(dir) = url.strip_prefix("file://") {
            return Store::Local(dir.into());
        }
        let rest = url
            .strip_prefix("hdfs://")
            .unwrap_or_else(|| die(format!("bad store URL {url}")));
        let (auth, root) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap_or_else(|e| die(format!("runtime: {e}")));
        let client = ClientBuilder::new()
            .with_url(format!("hdfs://{auth}"))
            .with_io_runtime(rt.handle().clone())
            .build()
            .unwrap_or_else(|e| die(format!("connect {url}: {e}")));
        Store::Hdfs {
            rt,
            client,
            root: root.trim_end_matches('/').to_owned(),
        }
    }

    fn abs(&self, rel: &str) -> String {
        match self {
            Store::Hdfs { root, .. } => format!("{root}/{rel}"),
            Store::Local(d) => d.join(rel).to_string_lossy().into_owned(),
        }
    }

    fn mkdirs(&self, dir: &str) {
        match self {
            Store::Hdfs { rt, client, .. } => rt
                .block_on(client.mkdirs(dir, 0o755, true))
                .unwrap_or_else(|e| die(format!("mkdirs {dir}: {e}"))),
            Store::Local(_) => {
                std::fs::create_dir_all(dir).unwrap_or_else(|e| die(format!("{dir}: {e}")))
            }
        }
    }

    /// Write `data` to the temp path `tmp`, then rename it to `fin`.
    fn put(&self, tmp: &str, fin: &str, data: &[u8]) {
        let (tmp, fin) = (self.abs(tmp), self.abs(fin));
        for p in [&tmp, &fin] {
            if let Some((dir, _)) = p.rsplit_once('/') {
                self.mkdirs(dir);
            }
        }
        match self {
            Store::Hdfs { rt, client, .. } => rt.block_on(async {
                let mut w = client
                    .create(&tmp, WriteOptions::default().overwrite(true))
                    .await
                    .unwrap_or_else(|e| die(format!("create {tmp}: {e}")));
                for chunk in data.chunks(CHUNK) {
                    w.write_bytes(Bytes::copy_from_slice(chunk))
                        .await
                        .unwrap_or_else(|e| die(format!("write {tmp}: {e}")));
                }
                w.close()
                    .await
                    .unwrap_or_else(|e| die(format!("close {tmp}: {e}")));
                client
                    .rename(&tmp, &fin, false)
                    .await
                    .unwrap_or_else(|e| die(format!("rename {tmp}: {e}")));
            }),
            Store::Local(_) => {
                let mut f =
                    std::fs::File::create(&tmp).unwrap_or_else(|e| die(format!("{tmp}: {e}")));
                f.write_all(data)
                    .unwrap_or_else(|e| die(format!("{tmp}: {e}")));
                f.sync_data().ok();
                drop(f);
                std::fs::rename(&tmp, &fin).unwrap_or_else(|e| die(format!("rename {tmp}: {e}")));
            }
        }
    }

    /// (exists, total bytes of the files in its directory)
    fn probe(&self, rel: &str) -> (bool, u64) {
        let abs = self.abs(rel);
        let dir = abs.rsplit_once('/').map_or("/", |(d, _)| d).to_owned();
        match self {
            Store::Hdfs { rt, client, .. } => rt.block_on(async {
                if client.get_file_info(&abs).await.is_err() {
                    return (false, 0);
                }
                let total = client
                    .list_status(&dir, false)
                    .await
                    .map(|v| v.iter().map(|s| s.length as u64).sum())
                    .unwrap_or(0);
                (true, total)
            }),
            Store::Local(_) => {
                if std::fs::metadata(&abs).is_err() {
                    return (false, 0);
                }
                let total = std::fs::read_dir(&dir)
                    .map(|it| {
                        it.filter_map(|e| e.ok()?.metadata().ok())
                            .map(|m| m.len())
                            .sum()
                    })
                    .unwrap_or(0);
                (true, total)
            }
        }
    }
}

struct Rows {
    id: Vec<i32>,
    name: Vec<ByteArray>,
    names: Vec<String>,
    price: Vec<i32>,
    brand: Vec<i32>,
}

const PARQUET_SCHEMA: &str = "message Models {
  required int32 model_id;
  required binary model_name (STRING);
  required int32 model_base_price;
  required int32 brand_id;
}";

const AVRO_SCHEMA: &str = r#"{"type":"record","name":"Models","fields":[
  {"name":"model_id","type":"int"},{"name":"model_name","type":"string"},
  {"name":"model_base_price","type":"int"},{"name":"brand_id","type":"int"}]}"#;

fn encode_parquet(rows: &Rows) -> Vec<u8> {
    let schema = Arc::new(parse_message_type(PARQUET_SCHEMA).unwrap_or_else(|e| die(e)));
    let props = Arc::new(
        WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build(),
    );
    let mut w = SerializedFileWriter::new(Vec::with_capacity(4 << 20), schema, props)
        .unwrap_or_else(|e| die(format!("parquet: {e}")));
    let n = rows.id.len();
    let mut start = 0;
    while start < n {
        let end = (start + ROW_GROUP_ROWS).min(n);
        let mut rg = w
            .next_row_group()
            .unwrap_or_else(|e| die(format!("parquet: {e}")));
        let mut col = 0;
        while let Some(mut cw) = rg
            .next_column()
            .unwrap_or_else(|e| die(format!("parquet: {e}")))
        {
            let r = match (cw.untyped(), col) {
                (ColumnWriter::Int32ColumnWriter(c), 0) => {
                    c.write_batch(&rows.id[start..end], None, None)
                }
                (ColumnWriter::ByteArrayColumnWriter(c), 1) => {
                    c.write_batch(&rows.name[start..end], None, None)
                }
                (ColumnWriter::Int32ColumnWriter(c), 2) => {
                    c.write_batch(&rows.price[start..end], None, None)
                }
                (ColumnWriter::Int32ColumnWriter(c), 3) => {
                    c.write_batch(&rows.brand[start..end], None, None)
                }
                _ => die("unexpected parquet column"),
            };
            r.unwrap_or_else(|e| die(format!("parquet: {e}")));
            cw.close().unwrap_or_else(|e| die(format!("parquet: {e}")));
            col += 1;
        }
        rg.close().unwrap_or_else(|e| die(format!("parquet: {e}")));
        start = end;
    }
    w.into_inner()
        .unwrap_or_else(|e| die(format!("parquet: {e}")))
}

fn encode_avro(rows: &Rows, schema: &apache_avro::Schema) -> Vec<u8> {
    let mut w = apache_avro::Writer::with_codec(
        schema,
        Vec::with_capacity(4 << 20),
        apache_avro::Codec::Snappy,
    );
    for i in 0..rows.id.len() {
        w.append(AvroValue::Record(vec![
            ("model_id".into(), AvroValue::Int(rows.id[i])),
            (
                "model_name".into(),
                AvroValue::String(rows.names[i].clone()),
            ),
            ("model_base_price".into(), AvroValue::Int(rows.price[i])),
            ("brand_id".into(), AvroValue::Int(rows.brand[i])),
        ]))
        .unwrap_or_else(|e| die(format!("avro: {e}")));
    }
    w.into_inner().unwrap_or_else(|e| die(format!("avro: {e}")))
}

fn write(args: &[String]) {
    let start = Instant::now();
    let [format, topic, bootstrap, n, url, flush] = args else {
        usage(USAGE)
    };
    let n: u64 = n.parse().unwrap_or_else(|_| usage(USAGE));
    let flush: usize = flush.parse().unwrap_or_else(|_| usage(USAGE));
    let ext = match format.as_str() {
        "parquet" => "parquet",
        "avro" => "avro",
        _ => usage(USAGE),
    };
    let avro_schema = apache_avro::Schema::parse_str(AVRO_SCHEMA).unwrap_or_else(|e| die(e));
    let store = Store::open(url);
    let group = format!("raw-hdfs-writer-{}", std::process::id());
    // Ferry's sink consumer also sets fetch.queue.backoff.ms=10 (runtime/src/kafka/client.rs).
    let consumer: BaseConsumer = consumer_config(bootstrap, &group)
        .set("fetch.queue.backoff.ms", "10")
        .create()
        .unwrap_or_else(|e| die(format!("consumer: {e}")));
    consumer
        .subscribe(&[topic.as_str()])
        .unwrap_or_else(|e| die(format!("subscribe: {e}")));
    let mut rows = Rows {
        id: vec![],
        name: vec![],
        names: vec![],
        price: vec![],
        brand: vec![],
    };
    let (mut seen, mut first_offset, mut bytes, mut files) = (0u64, 0i64, 0u64, 0u64);
    let mut emit = |rows: &mut Rows, first: i64| {
        let data = if ext == "parquet" {
            encode_parquet(rows)
        } else {
            encode_avro(rows, &avro_schema)
        };
        let last = first + rows.id.len() as i64 - 1;
        let name = format!("{topic}+0+{first:010}+{last:010}.{ext}");
        store.put(
            &format!("topics/+tmp/{topic}/{name}_tmp"),
            &format!("topics/{topic}/partition=0/{name}"),
            &data,
        );
        bytes += data.len() as u64;
        files += 1;
        rows.id.clear();
        rows.name.clear();
        rows.names.clear();
        rows.price.clear();
        rows.brand.clear();
    };
    while seen < n {
        let Some(m) = consumer.poll(Duration::from_millis(100)) else {
            continue;
        };
        let m = m.unwrap_or_else(|e| die(format!("poll: {e}")));
        if rows.id.is_empty() {
            first_offset = m.offset();
        }
        let Envelope { payload: p } = serde_json::from_slice(m.payload().unwrap_or_default())
            .unwrap_or_else(|e| die(format!("json: {e}")));
        rows.id.push(p.model_id);
        if ext == "parquet" {
            rows.name.push(ByteArray::from(p.model_name.into_bytes()));
        } else {
            rows.names.push(p.model_name);
        }
        rows.price.push(p.model_base_price);
        rows.brand.push(p.brand_id);
        seen += 1;
        if rows.id.len() == flush {
            emit(&mut rows, first_offset);
        }
    }
    if !rows.id.is_empty() {
        emit(&mut rows, first_offset);
    }
    let elapsed = start.elapsed();
    let stats = self_stats();
    println!(
        "records={seen} bytes={bytes} files={files} elapsed_s={:.3} records_per_s={:.0} mb_per_s={:.2} {}",
        secs(elapsed),
        seen as f64 / secs(elapsed),
        bytes as f64 / 1e6 / secs(elapsed),
        stats.fields()
    );
}

fn measure(args: &[String]) {
    let Some(sep) = args.iter().position(|a| a == "--") else {
        usage(USAGE)
    };
    let (opts, cmd) = (&args[..sep], &args[sep + 1..]);
    let [url, path, timeout, log] = opts else {
        usage(USAGE)
    };
    if cmd.is_empty() {
        usage(USAGE)
    }
    let timeout = Duration::from_secs_f64(timeout.parse().unwrap_or_else(|_| usage(USAGE)));
    let store = Store::open(url);
    let out = std::fs::File::create(log).unwrap_or_else(|e| die(format!("{log}: {e}")));
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
    let (elapsed, total) = loop {
        let (done, total) = store.probe(path);
        if done {
            break (start.elapsed(), total);
        }
        if let Ok(Some(status)) = child.try_wait() {
            die(format!("{} exited early: {status}", cmd[0]));
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            die(format!("timed out after {timeout:?} waiting for {path}"));
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let stats = proc_stats(&pid).unwrap_or_default();
    // SAFETY: kill has no memory-safety preconditions.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().ok();
    println!(
        "elapsed_s={:.4} {} bytes={total} exit={:?}",
        secs(elapsed),
        stats.fields(),
        status.map(|s| s.to_string().replace(' ', "_"))
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("write") => write(&args[1..]),
        Some("measure") => measure(&args[1..]),
        _ => usage(USAGE),
    }
}
