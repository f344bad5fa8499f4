//! `raw-pg-producer PG_CONN TABLE TOPIC BOOTSTRAP [KEY=VALUE...]`: the issue 5 baseline. Reads every
//! row of TABLE (PostgreSQL, `SELECT * FROM TABLE`) with a plain tokio-postgres streaming query
//! (`query_raw`: one portal, rows decoded as they arrive), serialises each row as a schemaless JSON
//! object (`{"column":value,...}` in column order, as Ferry's JsonConverter with
//! schemas.enable=false writes a JDBC source's Struct), and produces it with the producer settings
//! of a Ferry source task (no key). Waits for every delivery report, then prints
//! `records=N elapsed_s=… records_per_s=… cpu_s=… peak_rss_kb=… rss_kb=… value_bytes=…`.
//! PG_CONN is a tokio-postgres connection string, e.g. `host=127.0.0.1 user=postgres dbname=test`.
//! Supported column types: int2/int4/int8, text/varchar/bpchar, bool, float4/float8.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use ferry_bench_baseline::{apply_extra, die, producer_config, secs, self_stats, usage};
use futures::StreamExt;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::producer::{BaseProducer, BaseRecord, DeliveryResult, Producer, ProducerContext};
use rdkafka::util::Timeout;
use rdkafka::ClientContext;
use serde_json::{Map, Value};
use tokio_postgres::types::Type;
use tokio_postgres::{NoTls, Row};

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

fn column_value(row: &Row, i: usize, ty: &Type) -> Value {
    match *ty {
        Type::INT2 => row
            .get::<_, Option<i16>>(i)
            .map_or(Value::Null, Value::from),
        Type::INT4 => row
            .get::<_, Option<i32>>(i)
            .map_or(Value::Null, Value::from),
        Type::INT8 => row
            .get::<_, Option<i64>>(i)
            .map_or(Value::Null, Value::from),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => row
            .get::<_, Option<String>>(i)
            .map_or(Value::Null, Value::from),
        Type::BOOL => row
            .get::<_, Option<bool>>(i)
            .map_or(Value::Null, Value::from),
        Type::FLOAT4 => row
            .get::<_, Option<f32>>(i)
            .map_or(Value::Null, Value::from),
        Type::FLOAT8 => row
            .get::<_, Option<f64>>(i)
            .map_or(Value::Null, Value::from),
        ref other => die(format!("column {i}: unsupported type {other}")),
    }
}

fn main() {
    let start = Instant::now();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [conn, table, topic, bootstrap, extra @ ..] = args.as_slice() else {
        usage("raw-pg-producer PG_CONN TABLE TOPIC BOOTSTRAP [KEY=VALUE...]")
    };
    let mut config = producer_config(bootstrap);
    apply_extra(&mut config, extra);
    let producer: BaseProducer<Counts> = config
        .create_with_context(Counts::default())
        .unwrap_or_else(|e| die(format!("cannot create the producer: {e}")));

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| die(format!("tokio runtime: {e}")));
    let (sent, value_bytes) = rt.block_on(async {
        let (client, connection) = tokio_postgres::connect(conn, NoTls)
            .await
            .unwrap_or_else(|e| die(format!("connect {conn}: {e}")));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                eprintln!("postgres connection: {e}");
            }
        });
        let sql = format!("SELECT * FROM {table}");
        let stream = client
            .query_raw(sql.as_str(), std::iter::empty::<i32>())
            .await
            .unwrap_or_else(|e| die(format!("{sql}: {e}")));
        futures::pin_mut!(stream);
        let mut buf: Vec<u8> = Vec::with_capacity(256);
        let mut names: Vec<String> = Vec::new();
        let mut types: Vec<Type> = Vec::new();
        let (mut sent, mut value_bytes) = (0u64, 0u64);
        while let Some(row) = stream.next().await {
            let row = row.unwrap_or_else(|e| die(format!("row: {e}")));
            if names.is_empty() {
                for c in row.columns() {
                    names.push(c.name().to_owned());
                    types.push(c.type_().clone());
                }
            }
            let mut obj = Map::with_capacity(names.len());
            for (i, (name, ty)) in names.iter().zip(&types).enumerate() {
                obj.insert(name.clone(), column_value(&row, i, ty));
            }
            buf.clear();
            serde_json::to_writer(&mut buf, &Value::Object(obj))
                .unwrap_or_else(|e| die(format!("json: {e}")));
            value_bytes += buf.len() as u64;
            let mut record: BaseRecord<'_, [u8], [u8]> = BaseRecord::to(topic).payload(&buf[..]);
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
        (sent, value_bytes)
    });
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
        "records={sent} elapsed_s={:.3} records_per_s={:.0} {} value_bytes={value_bytes}",
        secs(elapsed),
        sent as f64 / secs(elapsed),
        stats.fields()
    );
}
