//! A source task's output: each record converted to bytes (transformed first, once transforms
//! are configured) and produced with rdkafka. Delivery reports come back on rdkafka's thread
//! through a channel. Records dropped or tolerated on the way are acknowledged at once, so
//! their source offsets still commit.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use ferry_codec::{BatchReader, RawValue, RecordView, SchemaCache, ValueRef};
use ferry_converters::{Converter, Passthrough};
use ferry_data::{SchemaRef, Type, Value};
use ferry_plugin_abi::BatchBuf;
use rdkafka::error::{KafkaError, RDKafkaErrorCode};
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{BaseProducer, BaseRecord, Producer};
use rdkafka::ClientConfig;

use super::convert::Converters;
use super::deliveries::AckContext;
use super::send::{Produce, ProduceError, TopicHandles};
use super::topics::TopicCreator;
use crate::errors::{ErrorHandler, Failure, RecordContext, Stage};
use crate::task::{Ack, SourceOutput, TaskError};
use ferry_transforms::{ConnectRecord, TransformationChain};

/// A record ready to produce: borrowed from the plugin's batch where nothing changed it.
struct Outgoing<'a> {
    topic: Cow<'a, str>,
    partition: Option<i32>,
    timestamp: Option<i64>,
    key: Option<Cow<'a, [u8]>>,
    value: Option<Cow<'a, [u8]>>,
    headers: Vec<(String, Option<Vec<u8>>)>,
}

/// A key or value on its way to bytes: bytes the converter passes through as they are
/// (lifetime `'v`, the batch), data to convert (`'x`), or a value the converter reads in
/// place from the batch encoding.
enum Data<'v, 'x> {
    Raw(&'v [u8]),
    Value(Option<&'x SchemaRef>, &'x Value),
    View(Option<&'x SchemaRef>, ValueRef<'v>),
}

/// The bytes `passthrough` writes for a raw string or bytes value with `schema`, exactly as the
/// converter would; `None` when the converter must run.
fn passed_through<'v>(
    passthrough: Passthrough,
    schema: Option<&SchemaRef>,
    raw: Option<RawValue<'v>>,
) -> Option<&'v [u8]> {
    match (passthrough, raw?) {
        (Passthrough::Strings, RawValue::String(s)) => Some(s),
        // ByteArrayConverter refuses a schema other than BYTES, even for bytes.
        (Passthrough::Bytes, RawValue::Bytes(b)) if schema.is_none_or(|s| s.ty == Type::Bytes) => {
            Some(b)
        }
        _ => None,
    }
}

/// Delivery-report events served per [`SourceOutput::drain_acks`] at most, so that a steady
/// stream of acknowledgements cannot keep the task from polling its plugin.
const MAX_EVENTS_PER_DRAIN: usize = 64;

/// A [`SourceOutput`] over a Kafka producer.
pub struct KafkaOutput {
    /// Declared before `producer`: dropped first, as librdkafka needs.
    handles: TopicHandles,
    /// Polled by the task thread itself (delivery reports are served in `drain_acks`, while
    /// waiting for queue space, and in `flush`): no polling thread per task.
    producer: BaseProducer<AckContext>,
    converters: Converters,
    topics: TopicCreator,
    cache: SchemaCache,
    errors: ErrorHandler,
    chain: TransformationChain,
    /// Records that will not reach Kafka (tolerated failures), acknowledged without a send.
    dropped: Vec<Ack>,
    /// The topic of those acknowledgements (none).
    no_topic: Arc<str>,
    /// Renders a record that failed conversion for the dead letter queue (schemaless JSON).
    dlq_render: Option<Box<dyn Converter>>,
}

fn malformed(e: ferry_codec::CodecError) -> TaskError {
    TaskError::worker(format!("Malformed record from the plugin: {e}"))
}

fn data_failure(stage: Stage, class: &str, e: impl std::fmt::Display) -> Failure {
    Failure {
        stage,
        class: class.to_owned(),
        exception_class: "org.apache.kafka.connect.errors.DataException".into(),
        message: e.to_string(),
        retriable: false,
    }
}

fn describe(view: &RecordView<'_>, topic: &str, value: &Value) -> String {
    format!(
        "SourceRecord{{sourcePartition={}, sourceOffset={}}} ConnectRecord{{topic='{topic}', kafkaPartition={}, value={}}}",
        view.source_partition().ok().flatten().unwrap_or("null"),
        view.source_offset().ok().flatten().unwrap_or("null"),
        view.partition().map_or("null".into(), |p| p.to_string()),
        value.to_java_string()
    )
}

impl KafkaOutput {
    pub fn new(
        config: &ClientConfig,
        converters: Converters,
        topics: TopicCreator,
        errors: ErrorHandler,
        chain: TransformationChain,
    ) -> Result<KafkaOutput, String> {
        let producer = config
            .create_with_context(AckContext::default())
            .map_err(|e| format!("Cannot create the producer: {e}"))?;
        let schemaless = [("schemas.enable".to_owned(), "false".to_owned())].into();
        let dlq_render = ferry_converters::converter(
            "org.apache.kafka.connect.json.JsonConverter",
            ferry_converters::ConverterTarget::Value,
            &schemaless,
        )
        .ok();
        Ok(KafkaOutput {
            handles: TopicHandles::default(),
            producer,
            converters,
            topics,
            cache: SchemaCache::default(),
            errors,
            chain,
            dropped: Vec::new(),
            no_topic: Arc::from(""),
            dlq_render,
        })
    }

    /// Turn one plugin record (for `topic`, its topic) into bytes, through the transformation chain. `Ok(None)`: the
    /// record was dropped by a transformation, or failed and was tolerated.
    fn prepare<'v>(
        &mut self,
        view: &RecordView<'v>,
        topic: &'v str,
    ) -> Result<Option<Outgoing<'v>>, TaskError> {
        if self.chain.is_empty() {
            return self.convert_view(view, topic);
        }
        let record = ConnectRecord {
            topic: topic.to_owned(),
            kafka_partition: view.partition(),
            kafka_offset: None,
            key_schema: view.key_schema().map_err(malformed)?.cloned(),
            key: view.key().map_err(malformed)?,
            value_schema: view.value_schema().map_err(malformed)?.cloned(),
            value: view.value().map_err(malformed)?,
            timestamp: view.timestamp(),
            headers: view
                .headers()
                .map_err(malformed)?
                .into_iter()
                .map(|h| ferry_transforms::Header {
                    key: h.key,
                    schema: h.schema,
                    value: h.value,
                })
                .collect(),
        };
        let topic = record.topic.clone();
        match self.chain.apply(record) {
            Ok(Some(r)) => self.convert_record(view, r),
            Ok(None) => Ok(None),
            Err(e) => {
                let failure = Failure {
                    stage: Stage::Transformation,
                    class: e.class.clone(),
                    exception_class: e.source.java_class().to_owned(),
                    message: e.source.to_string(),
                    retriable: false,
                };
                let value = view.value().unwrap_or(Value::Null);
                self.tolerate(failure, view, &topic, &value).map(|()| None)
            }
        }
    }

    /// Convert an untransformed record straight from the batch: keys and values the converters
    /// pass through are produced from the batch, without a copy or a `Value`.
    fn convert_view<'v>(
        &mut self,
        view: &RecordView<'v>,
        topic: &'v str,
    ) -> Result<Option<Outgoing<'v>>, TaskError> {
        // The topic exists: `send_batch` ensured it when the run of records for it began.
        let (key_schema, value_schema) = (
            view.key_schema().map_err(malformed)?,
            view.value_schema().map_err(malformed)?,
        );
        let key = if key_schema.is_none() && view.header().key.is_null() {
            // A null key without a schema is never converted.
            None
        } else {
            let decoded_key;
            let key =
                match passed_through(self.converters.key_passthrough, key_schema, view.key_raw()) {
                    Some(raw) => Data::Raw(raw),
                    None => {
                        decoded_key = view.key().map_err(malformed)?;
                        Data::Value(key_schema, &decoded_key)
                    }
                };
            let Some(key) = self.converted(Stage::KeyConverter, view, topic, key)? else {
                return Ok(None);
            };
            key
        };
        let value = match passed_through(
            self.converters.value_passthrough,
            value_schema,
            view.value_raw(),
        ) {
            Some(raw) => Data::Raw(raw),
            // The value converter reads the batch encoding in place.
            None => Data::View(value_schema, view.value_ref().map_err(malformed)?),
        };
        let Some(value) = self.converted(Stage::ValueConverter, view, topic, value)? else {
            return Ok(None);
        };
        let mut headers = Vec::new();
        if !view.header().headers.is_null() {
            for h in view.headers().map_err(malformed)? {
                match self.header_bytes(view, topic, &h.key, h.schema.as_ref(), &h.value)? {
                    Some(bytes) => headers.push((h.key, bytes)),
                    None => return Ok(None),
                }
            }
        }
        Ok(Some(Outgoing {
            topic: Cow::Borrowed(topic),
            partition: view.partition(),
            timestamp: view.timestamp(),
            key,
            value,
            headers,
        }))
    }

    /// A key or value as bytes (`None` inside for null). `Ok(None)`: the conversion failed and
    /// the failure was tolerated.
    #[allow(clippy::type_complexity)]
    fn converted<'v>(
        &mut self,
        stage: Stage,
        view: &RecordView<'_>,
        topic: &str,
        data: Data<'v, '_>,
    ) -> Result<Option<Option<Cow<'v, [u8]>>>, TaskError> {
        let (schema, value) = match data {
            Data::Raw(raw) => return Ok(Some(Some(Cow::Borrowed(raw)))),
            Data::Value(schema, value) => (schema, value),
            Data::View(schema, value) => {
                let class = &self.converters.value_class;
                return match self.converters.value.from_connect_ref(topic, schema, value) {
                    Ok(bytes) => Ok(Some(bytes.map(Cow::Owned))),
                    Err(e) => {
                        let failure = data_failure(stage, class, e);
                        // The owned value, only to report the failure.
                        let decoded = value.to_value();
                        self.tolerate(failure, view, topic, &decoded).map(|()| None)
                    }
                };
            }
        };
        let (converter, class) = match stage {
            Stage::KeyConverter => {
                // A null key without a schema is never converted.
                if value.is_null() && schema.is_none() {
                    return Ok(Some(None));
                }
                (&self.converters.key, &self.converters.key_class)
            }
            _ => (&self.converters.value, &self.converters.value_class),
        };
        match converter.from_connect(topic, schema, value) {
            Ok(bytes) => Ok(Some(bytes.map(Cow::Owned))),
            Err(e) => {
                let failure = data_failure(stage, class, e);
                self.tolerate(failure, view, topic, value).map(|()| None)
            }
        }
    }

    /// One header's value as bytes; `Ok(None)`: the conversion failed and was tolerated.
    fn header_bytes(
        &mut self,
        view: &RecordView<'_>,
        topic: &str,
        key: &str,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> Result<Option<Option<Vec<u8>>>, TaskError> {
        match self
            .converters
            .header
            .from_connect_header(topic, key, schema, value)
        {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) => {
                let failure = data_failure(
                    Stage::HeaderConverter,
                    &self.converters.header_class.clone(),
                    e,
                );
                self.tolerate(failure, view, topic, value).map(|()| None)
            }
        }
    }

    /// Convert a transformed record to bytes.
    fn convert_record(
        &mut self,
        view: &RecordView<'_>,
        r: ConnectRecord,
    ) -> Result<Option<Outgoing<'static>>, TaskError> {
        self.topics.ensure(&r.topic).map_err(TaskError::worker)?;
        let key = match self.converted(
            Stage::KeyConverter,
            view,
            &r.topic,
            Data::Value(r.key_schema.as_ref(), &r.key),
        )? {
            Some(bytes) => bytes,
            None => return Ok(None),
        };
        let value = match self.converted(
            Stage::ValueConverter,
            view,
            &r.topic,
            Data::Value(r.value_schema.as_ref(), &r.value),
        )? {
            Some(bytes) => bytes,
            None => return Ok(None),
        };
        let mut headers = Vec::new();
        for h in &r.headers {
            match self.header_bytes(view, &r.topic, &h.key, h.schema.as_ref(), &h.value)? {
                Some(bytes) => headers.push((h.key.clone(), bytes)),
                None => return Ok(None),
            }
        }
        Ok(Some(Outgoing {
            topic: Cow::Owned(r.topic),
            partition: r.kafka_partition,
            timestamp: r.timestamp,
            key,
            value,
            headers,
        }))
    }

    /// Report a failed record; `Ok(None)` when it is tolerated.
    fn tolerate(
        &mut self,
        failure: Failure,
        view: &RecordView<'_>,
        topic: &str,
        value: &Value,
    ) -> Result<(), TaskError> {
        let rendered = self
            .dlq_render
            .as_ref()
            .and_then(|c| c.from_connect(topic, None, value).ok().flatten());
        let context = RecordContext {
            topic,
            partition: view.partition(),
            offset: None,
            timestamp: view.timestamp(),
            timestamp_type: "",
            key: None,
            value: rendered.as_deref(),
            headers: Vec::new(),
            source_description: Some(describe(view, topic, value)),
        };
        self.errors.handle(failure, &context)
    }

    fn send_batch(
        &mut self,
        batch: &BatchBuf,
        first_seq: u64,
        cache: &mut SchemaCache,
    ) -> Result<(), TaskError> {
        let reader = BatchReader::new(batch.as_batch_ref(), cache)
            .map_err(|e| TaskError::worker(format!("Malformed batch from the plugin: {e}")))?;
        // Records come in runs of one topic: its name is checked once per run.
        let mut last_topic: Option<(u32, &str)> = None;
        for (i, view) in reader.iter().enumerate() {
            let seq = first_seq + i as u64;
            let topic = match last_topic {
                Some((index, topic)) if index == view.header().topic => topic,
                _ => {
                    let topic = view.topic().map_err(malformed)?;
                    last_topic = Some((view.header().topic, topic));
                    if self.chain.is_empty() {
                        // Transformed records may change topic: `convert_record` ensures theirs.
                        self.topics.ensure(topic).map_err(TaskError::worker)?;
                    }
                    topic
                }
            };
            match self.prepare(&view, topic)? {
                Some(out) => self.send_one(seq, &out)?,
                None => self.dropped.push(Ack {
                    seq,
                    topic: self.no_topic.clone(),
                    partition: -1,
                    offset: -1,
                }),
            }
        }
        Ok(())
    }

    /// Enqueue one record, waiting while librdkafka's queue is full (backpressure).
    fn send_one(&mut self, seq: u64, out: &Outgoing<'_>) -> Result<(), TaskError> {
        if !out.headers.is_empty() {
            return self.send_with_headers(seq, out);
        }
        let rk = self.producer.client().native_ptr();
        let record = || Produce {
            topic: &out.topic,
            partition: out.partition,
            timestamp: out.timestamp,
            key: out.key.as_deref(),
            value: out.value.as_deref(),
            seq,
        };
        loop {
            let e = match self.handles.produce(rk, record()) {
                Ok(()) => return Ok(()),
                Err(ProduceError::Refused(RDKafkaErrorCode::QueueFull)) => {
                    // Serving delivery reports is what frees queue space.
                    self.producer.poll(Duration::from_millis(1));
                    continue;
                }
                Err(ProduceError::Refused(code)) => KafkaError::MessageProduction(code).to_string(),
                Err(ProduceError::Topic(e)) => e,
            };
            return Err(send_failed(&out.topic, e));
        }
    }

    /// [`send_one`](Self::send_one) for a record with headers, through rdkafka's `send`, which
    /// hands the headers to librdkafka.
    fn send_with_headers(&self, seq: u64, out: &Outgoing<'_>) -> Result<(), TaskError> {
        let mut record: BaseRecord<'_, [u8], [u8], usize> =
            BaseRecord::with_opaque_to(&out.topic, seq as usize);
        if let Some(k) = out.key.as_deref() {
            record = record.key(k);
        }
        if let Some(v) = out.value.as_deref() {
            record = record.payload(v);
        }
        if let Some(p) = out.partition {
            record = record.partition(p);
        }
        if let Some(ts) = out.timestamp {
            record = record.timestamp(ts);
        }
        let headers = out.headers.iter().fold(OwnedHeaders::new(), |h, (k, v)| {
            h.insert(Header {
                key: k,
                value: v.as_deref(),
            })
        });
        record = record.headers(headers);
        loop {
            match self.producer.send(record) {
                Ok(()) => return Ok(()),
                Err((KafkaError::MessageProduction(RDKafkaErrorCode::QueueFull), back)) => {
                    record = back;
                    self.producer.poll(Duration::from_millis(1));
                }
                Err((e, _)) => return Err(send_failed(&out.topic, e)),
            }
        }
    }
}

fn send_failed(topic: &str, e: impl std::fmt::Display) -> TaskError {
    TaskError::worker(format!("Failed to send a record to topic {topic}: {e}"))
}

impl SourceOutput for KafkaOutput {
    fn send(&mut self, batch: &BatchBuf, first_seq: u64) -> Result<(), TaskError> {
        let mut cache = std::mem::take(&mut self.cache);
        let result = self.send_batch(batch, first_seq, &mut cache);
        self.cache = cache;
        result
    }

    fn drain_acks(&mut self, acks: &mut Vec<Ack>) -> Result<(), TaskError> {
        // Serve the delivery reports that arrived, one produce response per event, without
        // waiting.
        for _ in 0..MAX_EVENTS_PER_DRAIN {
            let seen = self.producer.context().received();
            self.producer.poll(Duration::ZERO);
            if self.producer.context().received() == seen {
                break;
            }
        }
        self.producer
            .context()
            .drain(acks)
            .map_err(TaskError::worker)?;
        acks.append(&mut self.dropped);
        Ok(())
    }

    /// rdkafka runs the delivery callbacks before `flush` returns, so the next
    /// [`drain_acks`](SourceOutput::drain_acks) sees every acknowledgement.
    fn flush(&mut self, timeout: Duration) -> Result<(), TaskError> {
        self.producer.flush(timeout).map_err(|e| {
            TaskError::worker(format!(
                "Failed to flush the producer within {timeout:?}: {e}"
            ))
        })
    }
}
