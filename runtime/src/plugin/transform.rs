//! Third-party transformations and predicates (ABI 1.1): the classes a library exports, the
//! host-side wrappers that call them one record at a time through the batch encoding, and the
//! [`ExternalPlugins`] hook through which the transformation chain finds them.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use ferry_codec::{BatchReader, BatchWriter, EncodeRecord, Payload, SchemaCache, WriterState};
use ferry_configdef::{ConfigDef, ConfigError};
use ferry_plugin_abi::{BatchBuf, ErrorKind, FfiError, PredicateBox, TransformationBox};
use ferry_transforms::{
    ConnectRecord, ExternalPlugin, ExternalPlugins, Header, Predicate, TransformError,
    Transformation,
};
use tracing::warn;

use super::library::LoadedLibrary;
use super::registry::PluginRegistry;

/// A transformation or predicate class exported by a loaded library.
#[derive(Debug)]
pub struct TransformClass {
    pub class: String,
    pub kind: ferry_transforms::PluginKind,
    pub version: String,
    pub config_def: ConfigDef,
    pub library: Arc<LoadedLibrary>,
}

impl TransformClass {
    /// As the transformation chain sees it.
    pub fn describe(&self) -> ExternalPlugin {
        ExternalPlugin {
            class: self.class.clone(),
            kind: self.kind,
            version: self.version.clone(),
            config_def: self.config_def.clone(),
        }
    }
}

/// Kafka's aliases of a transformation or predicate class: the simple name, and the simple
/// name without the `Transformation` / `Predicate` suffix (`PluginUtils.prunedName`).
pub fn transform_aliases(class: &str, kind: ferry_transforms::PluginKind) -> Vec<String> {
    let simple = class.rsplit('.').next().unwrap_or(class);
    let mut out = Vec::new();
    if simple != class {
        out.push(simple.to_owned());
    }
    let suffix = match kind {
        ferry_transforms::PluginKind::Transformation => "Transformation",
        ferry_transforms::PluginKind::Predicate => "Predicate",
    };
    if let Some(stripped) = simple.strip_suffix(suffix).filter(|s| !s.is_empty()) {
        out.push(stripped.to_owned());
    }
    out
}

/// An error from the plugin as the chain reports it: retriable ones are Kafka's
/// `RetriableException`, a panic keeps its location line.
fn transform_error(e: FfiError) -> TransformError {
    let message = e.message.as_str();
    let trace = e.trace.as_str();
    let text = if trace.is_empty() {
        message.to_owned()
    } else if trace.starts_with(message) {
        trace.to_owned()
    } else {
        format!("{message}\n{trace}")
    };
    if e.retriable {
        return TransformError::Retriable(text);
    }
    match e.kind {
        ErrorKind::CONFIG => TransformError::Config(text),
        ErrorKind::DATA => TransformError::Data(text),
        _ => TransformError::Connect(text),
    }
}

/// Buffers reused for every call of one object: the one-record input batch, the output batch,
/// and the output's schema table cache.
#[derive(Default)]
struct Buffers {
    input: BatchBuf,
    input_state: WriterState,
    output: BatchBuf,
    schemas: SchemaCache,
}

impl Buffers {
    fn encode(&mut self, record: &ConnectRecord) -> Result<(), TransformError> {
        self.input.clear();
        self.output.clear();
        let headers: Vec<ferry_codec::Header> = record
            .headers
            .iter()
            .map(|h| ferry_codec::Header {
                key: h.key.clone(),
                schema: h.schema.clone(),
                value: h.value.clone(),
            })
            .collect();
        let mut rec = EncodeRecord::new(&record.topic);
        rec.partition = record.kafka_partition.unwrap_or(-1);
        rec.offset = record.kafka_offset.unwrap_or(-1);
        rec.timestamp = record.timestamp.unwrap_or(ferry_plugin_abi::NO_TIMESTAMP);
        rec.key = Payload::Value(record.key_schema.as_ref(), &record.key);
        rec.value = Payload::Value(record.value_schema.as_ref(), &record.value);
        rec.headers = &headers;
        BatchWriter::new(&mut self.input, &mut self.input_state)
            .push(&rec)
            .map_err(|e| TransformError::Data(e.to_string()))
    }

    /// The record the plugin appended, if any.
    fn decode(&mut self) -> Result<Option<ConnectRecord>, TransformError> {
        let data = |e: ferry_codec::CodecError| TransformError::Data(e.to_string());
        let reader =
            BatchReader::new(self.output.as_batch_ref(), &mut self.schemas).map_err(data)?;
        let Some(view) = reader.get(0) else {
            return Ok(None);
        };
        if reader.len() > 1 {
            return Err(TransformError::Connect(format!(
                "the transformation returned {} records for one",
                reader.len()
            )));
        }
        Ok(Some(ConnectRecord {
            topic: view.topic().map_err(data)?.to_owned(),
            kafka_partition: view.partition(),
            kafka_offset: view.offset(),
            key_schema: view.key_schema().map_err(data)?.cloned(),
            key: view.key().map_err(data)?,
            value_schema: view.value_schema().map_err(data)?.cloned(),
            value: view.value().map_err(data)?,
            timestamp: view.timestamp(),
            headers: view
                .headers()
                .map_err(data)?
                .into_iter()
                .map(|h| Header::new(h.key, h.schema, h.value))
                .collect(),
        }))
    }
}

struct TransformState {
    object: TransformationBox,
    buffers: Buffers,
}

/// A plugin's transformation in the chain. Called from the task thread only; the lock is
/// never contended.
pub struct HostTransformation {
    class: String,
    state: Mutex<TransformState>,
}

impl Transformation for HostTransformation {
    fn apply(&self, record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let mut state = self
            .state
            .lock()
            .map_err(|_| TransformError::Connect(format!("{} is poisoned", self.class)))?;
        let TransformState { object, buffers } = &mut *state;
        buffers.encode(&record)?;
        object
            .apply(buffers.input.as_batch_ref(), &mut buffers.output)
            .into_result()
            .map_err(transform_error)?;
        buffers.decode()
    }
}

impl Drop for HostTransformation {
    fn drop(&mut self) {
        if let Ok(state) = self.state.get_mut() {
            if let Err(e) = state.object.close().into_result() {
                warn!(class = %self.class, error = %e.message, "Closing the transformation failed");
            }
        }
    }
}

struct PredicateState {
    object: PredicateBox,
    buffers: Buffers,
}

/// A plugin's predicate in the chain.
pub struct HostPredicate {
    class: String,
    state: Mutex<PredicateState>,
}

impl Predicate for HostPredicate {
    fn test(&self, record: &ConnectRecord) -> bool {
        self.try_test(record).unwrap_or(false)
    }

    fn try_test(&self, record: &ConnectRecord) -> Result<bool, TransformError> {
        let mut state = self
            .state
            .lock()
            .map_err(|_| TransformError::Connect(format!("{} is poisoned", self.class)))?;
        let PredicateState { object, buffers } = &mut *state;
        buffers.encode(record)?;
        object
            .test(buffers.input.as_batch_ref())
            .into_result()
            .map_err(transform_error)
    }
}

impl Drop for HostPredicate {
    fn drop(&mut self) {
        if let Ok(state) = self.state.get_mut() {
            if let Err(e) = state.object.close().into_result() {
                warn!(class = %self.class, error = %e.message, "Closing the predicate failed");
            }
        }
    }
}

fn config_error(class: &str, what: &str, e: FfiError) -> ConfigError {
    ConfigError::Other(format!("{what} {class} failed: {}", e.message))
}

fn config_json(config: &BTreeMap<String, String>) -> Result<String, ConfigError> {
    serde_json::to_string(config).map_err(|e| ConfigError::Other(e.to_string()))
}

fn not_found(class: &str) -> ConfigError {
    ConfigError::Other(format!("Class {class} could not be found."))
}

impl ExternalPlugins for PluginRegistry {
    fn find(&self, name: &str) -> Option<ExternalPlugin> {
        self.snapshot().find_transform(name).map(|c| c.describe())
    }

    fn list(&self) -> Vec<ExternalPlugin> {
        self.snapshot()
            .transform_classes()
            .iter()
            .map(|c| c.describe())
            .collect()
    }

    fn new_transformation(
        &self,
        class: &str,
        config: &BTreeMap<String, String>,
    ) -> Result<Box<dyn Transformation>, ConfigError> {
        let (class, object) = self.instantiate(
            class,
            config,
            |found| {
                let new = found.library.module.new_transformation()?;
                Some(new(found.class.as_str().into()).into_result())
            },
            |object, json| object.configure(json.into()).into_result(),
        )?;
        Ok(Box::new(HostTransformation {
            class,
            state: Mutex::new(TransformState {
                object,
                buffers: Buffers::default(),
            }),
        }))
    }

    fn new_predicate(
        &self,
        class: &str,
        config: &BTreeMap<String, String>,
    ) -> Result<Box<dyn Predicate>, ConfigError> {
        let (class, object) = self.instantiate(
            class,
            config,
            |found| {
                let new = found.library.module.new_predicate()?;
                Some(new(found.class.as_str().into()).into_result())
            },
            |object, json| object.configure(json.into()).into_result(),
        )?;
        Ok(Box::new(HostPredicate {
            class,
            state: Mutex::new(PredicateState {
                object,
                buffers: Buffers::default(),
            }),
        }))
    }
}

impl PluginRegistry {
    /// Finds `class`, creates its plugin object with `create` (`None`: the library does not
    /// export that kind) and configures it with `configure`; returns the full class name too.
    fn instantiate<O>(
        &self,
        class: &str,
        config: &BTreeMap<String, String>,
        create: impl FnOnce(&TransformClass) -> Option<Result<O, FfiError>>,
        configure: impl FnOnce(&mut O, &str) -> Result<(), FfiError>,
    ) -> Result<(String, O), ConfigError> {
        let found = self
            .snapshot()
            .find_transform(class)
            .ok_or_else(|| not_found(class))?;
        let mut object = create(&found)
            .ok_or_else(|| not_found(class))?
            .map_err(|e| config_error(class, "Creating", e))?;
        configure(&mut object, &config_json(config)?)
            .map_err(|e| config_error(class, "Configuring", e))?;
        Ok((found.class.clone(), object))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_transforms::PluginKind;

    #[test]
    fn aliases_follow_kafka() {
        assert_eq!(
            transform_aliases("com.x.UpperTransformation", PluginKind::Transformation),
            vec!["UpperTransformation".to_owned(), "Upper".to_owned()]
        );
        assert_eq!(
            transform_aliases("com.x.IsBigPredicate", PluginKind::Predicate),
            vec!["IsBigPredicate".to_owned(), "IsBig".to_owned()]
        );
        assert_eq!(
            transform_aliases("Plain", PluginKind::Predicate),
            Vec::<String>::new()
        );
    }

    #[test]
    fn plugin_errors_map_to_kafka_exceptions() {
        let mut e = FfiError::new(ErrorKind::GENERIC, "later");
        e.retriable = true;
        assert_eq!(
            transform_error(e),
            TransformError::Retriable("later".into())
        );
        let mut e = FfiError::new(ErrorKind::PANIC, "X.apply panicked: boom");
        e.trace = "X.apply panicked: boom\n\tat src/lib.rs:1:2".into();
        assert_eq!(
            transform_error(e),
            TransformError::Connect("X.apply panicked: boom\n\tat src/lib.rs:1:2".into())
        );
        let e = FfiError::new(ErrorKind::DATA, "bad");
        assert_eq!(
            transform_error(e).java_class(),
            "org.apache.kafka.connect.errors.DataException"
        );
    }

    #[test]
    fn buffers_round_trip_a_record() {
        let mut b = Buffers::default();
        let mut r = ConnectRecord::new("t");
        r.kafka_partition = Some(1);
        r.kafka_offset = Some(5);
        r.timestamp = Some(9);
        r.value = ferry_data::Value::from("v");
        r.headers = vec![Header::new("h", None, ferry_data::Value::Int32(1))];
        b.encode(&r).unwrap();
        std::mem::swap(&mut b.input, &mut b.output);
        assert_eq!(b.decode().unwrap(), Some(r));
        b.output.clear();
        assert_eq!(b.decode().unwrap(), None);
    }
}
