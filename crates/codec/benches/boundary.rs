//! What a 1000-record batch costs at the plugin boundary, per record (`BENCHMARKS.md`, "Plugin
//! boundary").
//!
//! The plugin side is a real SDK plugin: connectors and tasks written against
//! `ferry_plugin_sdk`'s traits and exported with `export_plugin!`. The host side takes the
//! library header that macro emits, initialises the root module through abi_stable's checks
//! (`LibHeader::init_root_module`, as `runtime/src/plugin/library.rs` does after `dlopen`), creates
//! tasks with `new_sink_task`/`new_source_task` and calls them through the `SinkTaskObj_TO` /
//! `SourceTaskObj_TO` trait objects, as `runtime/src/task` does. Only the `dlopen` is missing:
//! the calls still go through abi_stable's vtables and the SDK's shims (panic guard, batch
//! reader/writer), so a crossing costs what it costs between the worker and a `.so`.
//!
//! Cases (1000 records per batch, buffers reused across iterations as the worker reuses them):
//! - `a_passthrough_sink`: 100-byte raw values, encoded as the worker's Kafka input encodes
//!   them under the ByteArrayConverter (`Payload::Bytes` with an optional BYTES schema); the task
//!   reads only `value_bytes()` of each record and sums the lengths.
//! - `b_struct_sink`: a 7-field struct value with a nested struct and an array; the task reads
//!   all 7 fields of every value by name (the nested struct's 3 fields and every array item
//!   too) and sums them, once through the owned `value()` decode (`put_decode`) and once through
//!   the borrowed view `value_ref()` (`put_view`). Both must report the same sum.
//! - `c_struct_source`: the task pushes 1000 `SourceRecord`s with such a struct value and a
//!   source partition/offset into the host's `BatchBuf` in `poll`; the host reads them back with
//!   `BatchReader`, decoding every value. `ack_commit` is the way back: the host encodes the
//!   acknowledgements of those records and calls `commit_records`, as the worker does after Kafka
//!   acknowledged them.
//!
//! Before criterion runs, an allocation audit prints how many heap allocations each measured
//! routine makes per batch in steady state (a counting global allocator, armed only during the
//! audit).
//!
//! Run: `scripts/bench-abi.sh`, or `cargo bench -p ferry-codec --bench boundary`.

// The counting allocator below is the only unsafe code: `GlobalAlloc` is an unsafe trait. It
// forwards every call unchanged to the system allocator (Rust's default).
#![allow(unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use criterion::{criterion_group, Criterion, Throughput};
use ferry_codec::{BatchReader, BatchWriter, EncodeRecord, Payload, SchemaCache, WriterState};
use ferry_data::{logical, Schema, SchemaRef, Struct, Type, Value};
use ferry_plugin_abi::abi_stable::sabi_trait::TD_Opaque;
use ferry_plugin_abi::abi_stable::std_types::{RStr, RString};
use ferry_plugin_abi::{
    BatchBuf, FfiError, LogCallback, LogLevel, PluginMod_Ref, SinkContextObj, SinkContextObj_TO,
    SinkTaskBox, SourceContextObj, SourceContextObj_TO, SourceTaskBox, TimestampType, ABI_MAJOR,
};
use num_bigint::BigInt;

/// Records per batch.
const BATCH: usize = 1000;
/// Size of a pass-through value.
const VALUE_LEN: usize = 100;
const TOPIC: &str = "bench-topic";

// ---------------------------------------------------------------------------------------------
// Allocation counting

static COUNTING: AtomicBool = AtomicBool::new(false);
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

struct CountingAlloc;

// SAFETY: every method forwards its arguments unchanged to `System`, which upholds the
// `GlobalAlloc` contract; the counter has no effect on the memory returned.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: CountingAlloc = CountingAlloc;

/// Heap allocations (including reallocations) per call of `f`, averaged over `runs` calls made
/// after `f` ran once to grow its buffers.
fn allocations_per_call(runs: u64, mut f: impl FnMut()) -> f64 {
    f();
    ALLOCATIONS.store(0, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    for _ in 0..runs {
        f();
    }
    COUNTING.store(false, Ordering::Relaxed);
    ALLOCATIONS.load(Ordering::Relaxed) as f64 / runs as f64
}

// ---------------------------------------------------------------------------------------------
// Test data

fn address_schema() -> SchemaRef {
    Schema::struct_builder()
        .name("bench.Address")
        .field("street", Schema::primitive(Type::String))
        .field("city", Schema::primitive(Type::String))
        .field("zip", Schema::primitive(Type::String))
        .build()
}

/// id int64, name string, price Decimal(2), created Timestamp, tags array<string>,
/// address struct{street, city, zip}, active boolean.
fn order_schema() -> SchemaRef {
    Schema::struct_builder()
        .name("bench.Order")
        .field("id", Schema::primitive(Type::Int64))
        .field("name", Schema::primitive(Type::String))
        .field("price", logical::decimal(2).build())
        .field("created", logical::timestamp().build())
        .field(
            "tags",
            Schema::array(Schema::primitive(Type::String)).build(),
        )
        .field("address", address_schema())
        .field("active", Schema::primitive(Type::Boolean))
        .build()
}

fn order(schema: &SchemaRef, i: usize) -> Value {
    let address_schema = schema
        .field("address")
        .map(|f| f.schema.clone())
        .expect("order schema has an address");
    let address = Struct::new(address_schema)
        .and_then(|s| s.with("street", format!("{} Main Street", 100 + i % 900)))
        .and_then(|s| s.with("city", ["Springfield", "Shelbyville", "Ogdenville"][i % 3]))
        .and_then(|s| s.with("zip", format!("{:05}", 10_000 + i)))
        .expect("valid address");
    let tags: Vec<Value> = ["new", "sale", "gift"][..1 + i % 3]
        .iter()
        .map(|t| Value::String((*t).to_owned()))
        .collect();
    let row = Struct::new(schema.clone())
        .and_then(|s| s.with("id", Value::Int64(1_000_000 + i as i64)))
        .and_then(|s| s.with("name", format!("Order number {i:06}")))
        .and_then(|s| {
            s.with(
                "price",
                Value::Decimal(BigInt::from(1999 + i as i64 * 7), 2),
            )
        })
        .and_then(|s| {
            s.with(
                "created",
                Value::Timestamp(1_700_000_000_000 + i as i64 * 1000),
            )
        })
        .and_then(|s| s.with("tags", Value::Array(tags)))
        .and_then(|s| s.with("address", Value::Struct(address)))
        .and_then(|s| s.with("active", Value::Boolean(i % 5 != 0)))
        .expect("valid order");
    Value::Struct(row)
}

/// What the struct sinks compute per record, touching every field: id + name length + unscaled
/// price + created + the tags' lengths + the address fields' lengths + active. Read from an owned
/// struct by field name, as a plugin holding `value()` would.
fn checksum_owned(order: &Struct) -> ferry_plugin_sdk::Result<u64> {
    let text = |s: &Struct, name: &str| -> ferry_plugin_sdk::Result<u64> {
        match s.get(name)? {
            Value::String(v) => Ok(v.len() as u64),
            _ => Err(ferry_plugin_sdk::ConnectError::new("not a string")),
        }
    };
    let mut sum = 0u64;
    if let Value::Int64(id) = order.get("id")? {
        sum = sum.wrapping_add(*id as u64);
    }
    sum = sum.wrapping_add(text(order, "name")?);
    if let Value::Decimal(unscaled, _) = order.get("price")? {
        sum = sum.wrapping_add(i64::try_from(unscaled).unwrap_or(0) as u64);
    }
    if let Value::Timestamp(ts) = order.get("created")? {
        sum = sum.wrapping_add(*ts as u64);
    }
    if let Value::Array(tags) = order.get("tags")? {
        for tag in tags {
            if let Value::String(t) = tag {
                sum = sum.wrapping_add(t.len() as u64);
            }
        }
    }
    if let Value::Struct(address) = order.get("address")? {
        for name in ["street", "city", "zip"] {
            sum = sum.wrapping_add(text(address, name)?);
        }
    }
    if let Value::Boolean(active) = order.get("active")? {
        sum = sum.wrapping_add(u64::from(*active));
    }
    Ok(sum)
}

/// The same sum read from the borrowed view, by field name, as a plugin using `value_ref()`
/// would.
fn checksum_view(order: ferry_plugin_sdk::ValueRef<'_>) -> Option<u64> {
    use ferry_plugin_sdk::ValueRef;
    let text = |v: ValueRef<'_>, name: &str| Some(v.field(name)?.as_str()?.len() as u64);
    let mut sum = order.field("id")?.as_i64()? as u64;
    sum = sum.wrapping_add(text(order, "name")?);
    let price = order.field("price")?.as_decimal()?.unscaled_i64()?;
    sum = sum.wrapping_add(price as u64);
    let ValueRef::Timestamp(created) = order.field("created")? else {
        return None;
    };
    sum = sum.wrapping_add(created as u64);
    for tag in order.field("tags")?.as_array()? {
        sum = sum.wrapping_add(tag.as_str()?.len() as u64);
    }
    let address = order.field("address")?;
    for name in ["street", "city", "zip"] {
        sum = sum.wrapping_add(text(address, name)?);
    }
    Some(sum.wrapping_add(u64::from(order.field("active")?.as_bool()?)))
}

// ---------------------------------------------------------------------------------------------
// The plugin: written against the SDK only, exactly as a connector crate would be.

mod plugin {
    use std::hint::black_box;
    use std::sync::atomic::{AtomicU64, Ordering};

    use ferry_plugin_sdk::prelude::*;

    /// What the sink tasks computed in their last `put` (so the work cannot be optimised away
    /// and the host can check it).
    pub static SINK_RESULT: AtomicU64 = AtomicU64::new(0);

    pub const BYTES_SINK: &str = "bench.PassThroughSinkConnector";
    pub const STRUCT_SINK: &str = "bench.DecodingSinkConnector";
    pub const VIEW_SINK: &str = "bench.ViewSinkConnector";
    pub const STRUCT_SOURCE: &str = "bench.OrderSourceConnector";

    macro_rules! sink_connector {
        ($name:ident, $task:ident, $class:expr, $task_class:expr) => {
            #[derive(Default)]
            pub struct $name;

            impl SinkConnector for $name {
                type Task = $task;
                const CLASS: &'static str = $class;
                const TASK_CLASS: &'static str = $task_class;
                const VERSION: &'static str = "1.0";
                fn config_def() -> ConfigDef {
                    ConfigDef::new()
                }
                fn start(&mut self, _: &ConfigMap, _: ConnectorContext) -> Result<()> {
                    Ok(())
                }
                fn task_configs(&mut self, _: usize) -> Result<Vec<ConfigMap>> {
                    Ok(vec![ConfigMap::new()])
                }
            }
        };
    }

    sink_connector!(
        PassThroughSink,
        PassThroughTask,
        BYTES_SINK,
        "bench.PassThroughSinkTask"
    );
    sink_connector!(
        DecodingSink,
        DecodingTask,
        STRUCT_SINK,
        "bench.DecodingSinkTask"
    );
    sink_connector!(ViewSink, ViewTask, VIEW_SINK, "bench.ViewSinkTask");

    /// A sink that forwards bytes: reads only `value_bytes()`.
    #[derive(Default)]
    pub struct PassThroughTask;

    impl SinkTask for PassThroughTask {
        fn start(&mut self, _: &ConfigMap, _: SinkTaskContext) -> Result<()> {
            Ok(())
        }

        fn put(&mut self, records: SinkRecords<'_>) -> Result<()> {
            let mut total = 0u64;
            for r in records.iter() {
                total += r.value_bytes().map_or(0, |b| b.len() as u64);
            }
            SINK_RESULT.store(total, Ordering::Relaxed);
            Ok(())
        }
    }

    /// A sink that decodes every value into an owned `Value` with `value()` and reads all 7
    /// fields by name (strings, the nested struct's fields and the array's items by length).
    #[derive(Default)]
    pub struct DecodingTask;

    impl SinkTask for DecodingTask {
        fn start(&mut self, _: &ConfigMap, _: SinkTaskContext) -> Result<()> {
            Ok(())
        }

        fn put(&mut self, records: SinkRecords<'_>) -> Result<()> {
            let mut sum = 0u64;
            for r in records.iter() {
                let value = r.value()?;
                let Value::Struct(order) = &value else {
                    return Err(ConnectError::new("not a struct"));
                };
                sum = sum.wrapping_add(super::checksum_owned(order)?);
                black_box(&value);
            }
            SINK_RESULT.store(sum, Ordering::Relaxed);
            Ok(())
        }
    }

    /// The same task reading the borrowed view, `value_ref()`, instead.
    #[derive(Default)]
    pub struct ViewTask;

    impl SinkTask for ViewTask {
        fn start(&mut self, _: &ConfigMap, _: SinkTaskContext) -> Result<()> {
            Ok(())
        }

        fn put(&mut self, records: SinkRecords<'_>) -> Result<()> {
            let mut sum = 0u64;
            for r in records.iter() {
                let order = r.value_ref()?;
                sum = sum.wrapping_add(
                    super::checksum_view(order)
                        .ok_or_else(|| ConnectError::new("unexpected order"))?,
                );
            }
            SINK_RESULT.store(sum, Ordering::Relaxed);
            Ok(())
        }
    }

    #[derive(Default)]
    pub struct OrderSource;

    impl SourceConnector for OrderSource {
        type Task = OrderTask;
        const CLASS: &'static str = STRUCT_SOURCE;
        const TASK_CLASS: &'static str = "bench.OrderSourceTask";
        const VERSION: &'static str = "1.0";
        fn config_def() -> ConfigDef {
            ConfigDef::new()
        }
        fn start(&mut self, _: &ConfigMap, _: ConnectorContext) -> Result<()> {
            Ok(())
        }
        fn task_configs(&mut self, _: usize) -> Result<Vec<ConfigMap>> {
            Ok(vec![ConfigMap::new()])
        }
    }

    /// A source whose `poll` pushes the same 1000 records every time. The config key `owned`
    /// (`"true"`) makes it push a fresh clone of each record (what building a `SourceRecord`
    /// from scratch roughly costs) instead of pushing by reference.
    #[derive(Default)]
    pub struct OrderTask {
        records: Vec<SourceRecord>,
        owned: bool,
    }

    impl SourceTask for OrderTask {
        fn start(&mut self, config: &ConfigMap, _: SourceTaskContext) -> Result<()> {
            self.owned = config.get("owned").is_some_and(|v| v == "true");
            let schema = super::order_schema();
            self.records = (0..super::BATCH)
                .map(|i| {
                    let mut partition = JsonMap::new();
                    partition.insert("table".into(), "orders".into());
                    let mut offset = JsonMap::new();
                    offset.insert("id".into(), (1_000_000 + i as i64).into());
                    offset.insert("ts".into(), (1_700_000_000_000 + i as i64 * 1000).into());
                    SourceRecord::new(super::TOPIC, Some(schema.clone()), super::order(&schema, i))
                        .with_source(partition, offset)
                })
                .collect();
            Ok(())
        }

        fn poll(&mut self, out: &mut SourceRecords<'_>) -> Result<()> {
            for r in &self.records {
                if self.owned {
                    out.push(r.clone())?;
                } else {
                    out.push_ref(r)?;
                }
            }
            Ok(())
        }
    }

    ferry_plugin_sdk::export_plugin! {
        sources: [OrderSource],
        sinks: [PassThroughSink, DecodingSink, ViewSink],
    }
}

// ---------------------------------------------------------------------------------------------
// The host: what the worker does, minus `dlopen`.

extern "C" fn log_nothing(_: LogLevel, _: RStr<'_>, _: RStr<'_>) {}

extern "C" fn log_level_off(_: RStr<'_>) -> LogLevel {
    LogLevel::OFF
}

/// The worker's side of the sink task context; the bench tasks never call it.
struct NullSinkContext;

impl SinkContextObj for NullSinkContext {
    fn assignment(&self) -> RString {
        "[]".into()
    }
    fn reset_offsets(&self, _: RStr<'_>) {}
    fn pause(&self, _: RStr<'_>) {}
    fn resume(&self, _: RStr<'_>) {}
    fn request_commit(&self) {}
    fn timeout(&self, _: i64) {}
    fn report_errant(&self, _: u32, _: FfiError) {}
}

/// The worker's side of the source task context: no committed offsets.
struct NullSourceContext;

impl SourceContextObj for NullSourceContext {
    fn offsets(&self, partitions: RStr<'_>) -> RString {
        let n = serde_json::from_str::<Vec<serde_json::Value>>(partitions.as_str())
            .map_or(0, |p| p.len());
        serde_json::to_string(&vec![serde_json::Value::Null; n])
            .unwrap_or_else(|_| "[]".into())
            .into()
    }
}

/// Initialise the root module as the loader does after `dlopen`: abi_stable's version and
/// layout checks, then Ferry's `library_info` checks, then the log bridge.
fn load_module() -> PluginMod_Ref {
    let module = plugin::__FERRY_LIB_HEADER
        .init_root_module::<PluginMod_Ref>()
        .expect("root module passes abi_stable's checks");
    let info = (module.library_info())();
    assert_eq!(info.abi_major, ABI_MAJOR);
    assert!(info.panic_unwind, "bench must be built with panic=unwind");
    (module.init_logging())(LogCallback {
        log: log_nothing,
        max_level: log_level_off,
    });
    module
}

fn sink_task(module: &PluginMod_Ref, class: &str) -> SinkTaskBox {
    let mut task = (module.new_sink_task())(class.into())
        .into_result()
        .expect("sink task created");
    task.start(
        "{}".into(),
        SinkContextObj_TO::from_value(NullSinkContext, TD_Opaque),
    )
    .into_result()
    .expect("sink task started");
    let partitions = format!(r#"[{{"topic":"{TOPIC}","partition":0}}]"#);
    task.open(partitions.as_str().into())
        .into_result()
        .expect("partitions opened");
    task
}

fn source_task(module: &PluginMod_Ref, config: &str) -> SourceTaskBox {
    let mut task = (module.new_source_task())(plugin::STRUCT_SOURCE.into())
        .into_result()
        .expect("source task created");
    task.start(
        config.into(),
        SourceContextObj_TO::from_value(NullSourceContext, TD_Opaque),
    )
    .into_result()
    .expect("source task started");
    task
}

/// The host encoding a sink batch: what the worker's Kafka input does after conversion.
fn encode_sink_batch<'v>(
    buf: &mut BatchBuf,
    state: &mut WriterState,
    values: impl Iterator<Item = Payload<'v>>,
) {
    buf.clear();
    let mut w = BatchWriter::new(buf, state);
    for (i, value) in values.enumerate() {
        let mut rec = EncodeRecord::new(TOPIC);
        rec.partition = 0;
        rec.offset = i as i64;
        rec.timestamp = 1_700_000_000_000 + i as i64;
        rec.timestamp_type = TimestampType::CREATE_TIME;
        rec.value = value;
        w.push(&rec).expect("record encodes");
    }
}

fn put(task: &mut SinkTaskBox, buf: &BatchBuf) {
    task.put(buf.as_batch_ref())
        .into_result()
        .expect("put succeeds");
}

fn sink_result() -> u64 {
    plugin::SINK_RESULT.load(Ordering::Relaxed)
}

/// The host reading a polled batch: topic, source partition/offset text and the decoded value
/// of every record. Returns the number of struct fields seen.
fn read_source_batch(buf: &BatchBuf, cache: &mut SchemaCache) -> u64 {
    let reader = BatchReader::new(buf.as_batch_ref(), cache).expect("batch opens");
    let mut fields = 0u64;
    for view in reader.iter() {
        let topic = view.topic().expect("topic");
        let partition = view.source_partition().expect("source partition");
        let offset = view.source_offset().expect("source offset");
        let value = view.value().expect("value decodes");
        if let Value::Struct(s) = &value {
            fields += s.values().len() as u64;
        }
        black_box((topic, partition, offset, &value));
    }
    fields
}

/// The host's acknowledgement batch for `commit_records`, as `runtime/src/task/source.rs` builds
/// it: topic, partition, Kafka offset and the source partition/offset text of each record.
fn encode_acks(buf: &mut BatchBuf, state: &mut WriterState, sources: &[(String, String)]) {
    buf.clear();
    let mut w = BatchWriter::new(buf, state);
    for (i, (partition, offset)) in sources.iter().enumerate() {
        let mut rec = EncodeRecord::new(TOPIC);
        rec.partition = 0;
        rec.offset = i as i64;
        rec.source_partition = Some(partition.as_bytes());
        rec.source_offset = Some(offset.as_bytes());
        w.push(&rec).expect("ack encodes");
    }
}

/// The source partition/offset text of every record of a polled batch.
fn source_texts(buf: &BatchBuf) -> Vec<(String, String)> {
    let mut cache = SchemaCache::default();
    let reader = BatchReader::new(buf.as_batch_ref(), &mut cache).expect("batch opens");
    reader
        .iter()
        .map(|v| {
            let text = |t: Option<&str>| t.expect("source records carry both").to_owned();
            (
                text(v.source_partition().expect("utf-8")),
                text(v.source_offset().expect("utf-8")),
            )
        })
        .collect()
}

fn commit_records(task: &mut SourceTaskBox, acks: &BatchBuf) {
    task.commit_records(acks.as_batch_ref())
        .into_result()
        .expect("commit_records succeeds");
}

fn poll(task: &mut SourceTaskBox, buf: &mut BatchBuf) {
    buf.clear();
    task.poll(buf).into_result().expect("poll succeeds");
}

// ---------------------------------------------------------------------------------------------
// Fixtures shared by the audit and the benchmarks

struct Fixture {
    module: PluginMod_Ref,
    /// 1000 distinct 100-byte values, back to back (as fetched from Kafka).
    raw: Vec<u8>,
    /// The schema the worker's Kafka input gives raw values (`runtime/src/kafka/consumer.rs`).
    bytes_schema: SchemaRef,
    schema: SchemaRef,
    orders: Vec<Value>,
}

impl Fixture {
    fn new() -> Fixture {
        let schema = order_schema();
        Fixture {
            module: load_module(),
            raw: (0..BATCH * VALUE_LEN).map(|i| (i % 251) as u8).collect(),
            bytes_schema: Schema::optional_primitive(Type::Bytes),
            orders: (0..BATCH).map(|i| order(&schema, i)).collect(),
            schema,
        }
    }

    fn raw_values(&self) -> impl Iterator<Item = Payload<'_>> {
        self.raw
            .chunks_exact(VALUE_LEN)
            .map(|v| Payload::Bytes(Some(&self.bytes_schema), v))
    }

    /// The sum the struct sinks must report for a batch of `orders`.
    fn order_checksum(&self) -> u64 {
        self.orders.iter().fold(0u64, |sum, v| match v {
            Value::Struct(s) => sum.wrapping_add(checksum_owned(s).expect("an order")),
            _ => unreachable!("orders are structs"),
        })
    }

    fn order_values(&self) -> impl Iterator<Item = Payload<'_>> {
        self.orders
            .iter()
            .map(|v| Payload::Value(Some(&self.schema), v))
    }
}

/// Check every case computes what it should, and print allocations per batch in steady state.
fn audit(fx: &Fixture) {
    let per_record = |a: f64| a / BATCH as f64;
    let mut buf = BatchBuf::new();
    let mut state = WriterState::default();
    println!("allocation audit (steady state, heap allocations per 1000-record batch):");

    // (a)
    let mut task = sink_task(&fx.module, plugin::BYTES_SINK);
    encode_sink_batch(&mut buf, &mut state, fx.raw_values());
    put(&mut task, &buf);
    assert_eq!(sink_result(), (BATCH * VALUE_LEN) as u64);
    let enc = allocations_per_call(10, || {
        encode_sink_batch(&mut buf, &mut state, fx.raw_values())
    });
    let crossing = allocations_per_call(10, || put(&mut task, &buf));
    println!(
        "  a_passthrough_sink host_encode: {enc} ({} per record)",
        per_record(enc)
    );
    println!(
        "  a_passthrough_sink put_read:    {crossing} ({} per record)",
        per_record(crossing)
    );

    // (b)
    let mut task = sink_task(&fx.module, plugin::STRUCT_SINK);
    let mut view_task = sink_task(&fx.module, plugin::VIEW_SINK);
    encode_sink_batch(&mut buf, &mut state, fx.order_values());
    let expected = fx.order_checksum();
    put(&mut task, &buf);
    assert_eq!(sink_result(), expected);
    put(&mut view_task, &buf);
    assert_eq!(sink_result(), expected);
    let enc = allocations_per_call(10, || {
        encode_sink_batch(&mut buf, &mut state, fx.order_values())
    });
    let crossing = allocations_per_call(10, || put(&mut task, &buf));
    let viewing = allocations_per_call(10, || put(&mut view_task, &buf));
    println!(
        "  b_struct_sink host_encode:      {enc} ({} per record)",
        per_record(enc)
    );
    println!(
        "  b_struct_sink put_decode:       {crossing} ({} per record)",
        per_record(crossing)
    );
    println!(
        "  b_struct_sink put_view:         {viewing} ({} per record)",
        per_record(viewing)
    );

    // (c)
    let mut task = source_task(&fx.module, "{}");
    let mut cache = SchemaCache::default();
    poll(&mut task, &mut buf);
    assert_eq!(buf.len(), BATCH);
    assert_eq!(read_source_batch(&buf, &mut cache), (BATCH * 7) as u64);
    let view = BatchReader::new(buf.as_batch_ref(), &mut cache).expect("batch opens");
    let first = view.get(0).expect("one record");
    assert_eq!(
        first.source_partition().expect("utf-8"),
        Some(r#"{"table":"orders"}"#)
    );
    assert_eq!(
        first.source_offset().expect("utf-8"),
        Some(r#"{"id":1000000,"ts":1700000000000}"#)
    );
    let polled = allocations_per_call(10, || poll(&mut task, &mut buf));
    let read = allocations_per_call(10, || {
        black_box(read_source_batch(&buf, &mut cache));
    });
    let sources = source_texts(&buf);
    let mut acks = BatchBuf::new();
    let mut ack_state = WriterState::default();
    let acked = allocations_per_call(10, || {
        encode_acks(&mut acks, &mut ack_state, &sources);
        commit_records(&mut task, &acks);
    });
    println!(
        "  c_struct_source poll:           {polled} ({} per record)",
        per_record(polled)
    );
    println!(
        "  c_struct_source host_read:      {read} ({} per record)",
        per_record(read)
    );
    println!(
        "  c_struct_source ack_commit:     {acked} ({} per record)",
        per_record(acked)
    );
    println!();
}

// ---------------------------------------------------------------------------------------------
// Benchmarks

/// The measured routines: (group, name). Each returns something derived from its work, for
/// `black_box`.
const CASES: [(&str, &str); 13] = [
    ("a_passthrough_sink", "host_encode"),
    ("a_passthrough_sink", "put_read"),
    ("a_passthrough_sink", "encode_put_read"),
    ("b_struct_sink", "host_encode"),
    ("b_struct_sink", "put_decode"),
    ("b_struct_sink", "encode_put_decode"),
    ("b_struct_sink", "put_view"),
    ("b_struct_sink", "encode_put_view"),
    ("c_struct_source", "poll"),
    ("c_struct_source", "host_read"),
    ("c_struct_source", "poll_read"),
    ("c_struct_source", "ack_commit"),
    ("c_struct_source", "poll_owned_read"),
];

/// One 1000-record batch of the case `group/name`, with its own buffers and task, prepared
/// (input batches encoded once) so that every call does the same work.
fn routine<'a>(fx: &'a Fixture, group: &str, name: &str) -> Box<dyn FnMut() -> u64 + 'a> {
    let mut buf = BatchBuf::new();
    let mut state = WriterState::default();
    let sink = |class| sink_task(&fx.module, class);
    match (group, name) {
        ("a_passthrough_sink", "host_encode") => Box::new(move || {
            encode_sink_batch(&mut buf, &mut state, fx.raw_values());
            buf.len() as u64
        }),
        ("a_passthrough_sink", "put_read") => {
            let mut task = sink(plugin::BYTES_SINK);
            encode_sink_batch(&mut buf, &mut state, fx.raw_values());
            Box::new(move || {
                put(&mut task, &buf);
                sink_result()
            })
        }
        ("a_passthrough_sink", "encode_put_read") => {
            let mut task = sink(plugin::BYTES_SINK);
            Box::new(move || {
                encode_sink_batch(&mut buf, &mut state, fx.raw_values());
                put(&mut task, &buf);
                sink_result()
            })
        }
        ("b_struct_sink", "host_encode") => Box::new(move || {
            encode_sink_batch(&mut buf, &mut state, fx.order_values());
            buf.len() as u64
        }),
        ("b_struct_sink", "put_decode" | "put_view") => {
            let class = if name == "put_view" {
                plugin::VIEW_SINK
            } else {
                plugin::STRUCT_SINK
            };
            let mut task = sink(class);
            encode_sink_batch(&mut buf, &mut state, fx.order_values());
            Box::new(move || {
                put(&mut task, &buf);
                sink_result()
            })
        }
        ("b_struct_sink", "encode_put_decode" | "encode_put_view") => {
            let class = if name == "encode_put_view" {
                plugin::VIEW_SINK
            } else {
                plugin::STRUCT_SINK
            };
            let mut task = sink(class);
            Box::new(move || {
                encode_sink_batch(&mut buf, &mut state, fx.order_values());
                put(&mut task, &buf);
                sink_result()
            })
        }
        ("c_struct_source", "poll") => {
            let mut task = source_task(&fx.module, "{}");
            Box::new(move || {
                poll(&mut task, &mut buf);
                buf.len() as u64
            })
        }
        ("c_struct_source", "host_read") => {
            let mut task = source_task(&fx.module, "{}");
            let mut cache = SchemaCache::default();
            poll(&mut task, &mut buf);
            Box::new(move || read_source_batch(&buf, &mut cache))
        }
        ("c_struct_source", "poll_read" | "poll_owned_read") => {
            let config = if name == "poll_owned_read" {
                r#"{"owned":"true"}"#
            } else {
                "{}"
            };
            let mut task = source_task(&fx.module, config);
            let mut cache = SchemaCache::default();
            Box::new(move || {
                poll(&mut task, &mut buf);
                read_source_batch(&buf, &mut cache)
            })
        }
        ("c_struct_source", "ack_commit") => {
            let mut task = source_task(&fx.module, "{}");
            poll(&mut task, &mut buf);
            let sources = source_texts(&buf);
            Box::new(move || {
                encode_acks(&mut buf, &mut state, &sources);
                commit_records(&mut task, &buf);
                buf.len() as u64
            })
        }
        _ => unreachable!("unknown case {group}/{name}"),
    }
}

fn boundary(c: &mut Criterion) {
    let fx = Fixture::new();
    audit(&fx);
    for group_name in ["a_passthrough_sink", "b_struct_sink", "c_struct_source"] {
        let mut group = c.benchmark_group(group_name);
        group.throughput(Throughput::Elements(BATCH as u64));
        for (_, name) in CASES.iter().filter(|(g, _)| *g == group_name) {
            let mut run = routine(&fx, group_name, name);
            group.bench_function(*name, |b| b.iter(|| black_box(run())));
        }
        group.finish();
    }
}

/// The calls an instruction count covers (`scripts/callgrind-abi.sh` collects inside this
/// function only, so set-up and the warm-up call are not counted).
#[inline(never)]
fn measured(run: &mut dyn FnMut() -> u64, iterations: u64) {
    for _ in 0..iterations {
        black_box(run());
    }
}

/// `BOUNDARY_ITERATIONS=N boundary [--exact] [FILTER…]`: instead of criterion, call each case
/// whose `group/name` contains a FILTER (equals one, with `--exact`) N times after one warm-up
/// call, for instruction counts (`valgrind --tool=callgrind`) that do not depend on the
/// machine's load.
fn fixed_iterations(iterations: u64) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let exact = args.iter().any(|a| a == "--exact");
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let fx = Fixture::new();
    for (group, name) in CASES {
        let id = format!("{group}/{name}");
        let selected = filters.is_empty()
            || filters.iter().any(|f| {
                if exact {
                    id == **f
                } else {
                    id.contains(f.as_str())
                }
            });
        if !selected {
            continue;
        }
        let mut run = routine(&fx, group, name);
        black_box(run());
        measured(&mut run, iterations);
        println!("{id}: {iterations} x {BATCH} records");
    }
}

fn config() -> Criterion {
    // Short by default so that the whole run fits in about two minutes on two shared cores;
    // command-line flags (`--warm-up-time`, `--measurement-time`) override these.
    Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = boundary
}

fn main() {
    match std::env::var("BOUNDARY_ITERATIONS").map(|n| n.parse::<u64>()) {
        Ok(Ok(n)) => fixed_iterations(n),
        Ok(Err(e)) => panic!("BOUNDARY_ITERATIONS: {e}"),
        Err(_) => {
            benches();
            Criterion::default().configure_from_args().final_summary();
        }
    }
}
