//! [`TransformHarness`] and [`PredicateHarness`]: run a transformation or predicate through the
//! ABI objects and batches the worker uses.

use ferry_codec::WriterState;
use ferry_plugin_abi::abi_stable::sabi_trait::TD_Opaque;
use ferry_plugin_abi::{
    BatchBuf, FfiError, PredicateBox, PredicateObj_TO, TransformationBox, TransformationObj_TO,
};

use super::{check_valid, config_map, from_ffi};
use crate::error::{ConnectError, Result};
use crate::export::transform_shims::{read_one, write_one, PredicateShim, TransformationShim};
use crate::transform::{ConnectRecord, Predicate, Transformation};

/// `from_ffi`, keeping the retriable flag.
fn error(e: FfiError) -> ConnectError {
    if e.retriable {
        ConnectError::retriable(e.message.as_str())
    } else {
        from_ffi(e)
    }
}

fn batch_of(record: &ConnectRecord) -> Result<BatchBuf> {
    let mut buf = BatchBuf::new();
    write_one(record, &mut buf, &mut WriterState::default())?;
    Ok(buf)
}

/// A configured transformation, called as the worker calls it.
pub struct TransformHarness<T: Transformation> {
    object: TransformationBox,
    schemas: ferry_codec::SchemaCache,
    _marker: std::marker::PhantomData<T>,
}

impl<T: Transformation> TransformHarness<T> {
    /// Validate `config` with the ConfigDef and configure a new instance.
    pub fn new(config: &[(&str, &str)]) -> Result<Self> {
        let config = config_map(config);
        check_valid(&T::config_def().validate(&config))?;
        let mut object =
            TransformationObj_TO::from_value(TransformationShim::<T>::default(), TD_Opaque);
        let json = serde_json::to_string(&config)?;
        object
            .configure(json.as_str().into())
            .into_result()
            .map_err(error)?;
        Ok(TransformHarness {
            object,
            schemas: ferry_codec::SchemaCache::default(),
            _marker: std::marker::PhantomData,
        })
    }

    /// Apply to one record; `Ok(None)` = dropped. Errors keep their retriable flag.
    pub fn apply(&mut self, record: &ConnectRecord) -> Result<Option<ConnectRecord>> {
        let input = batch_of(record)?;
        let mut out = BatchBuf::new();
        self.object
            .apply(input.as_batch_ref(), &mut out)
            .into_result()
            .map_err(error)?;
        if out.is_empty() {
            return Ok(None);
        }
        read_one(out.as_batch_ref(), &mut self.schemas).map(Some)
    }

    /// Call `close`.
    pub fn close(mut self) -> Result<()> {
        self.object.close().into_result().map_err(error)
    }
}

/// A configured predicate, called as the worker calls it.
pub struct PredicateHarness<P: Predicate> {
    object: PredicateBox,
    _marker: std::marker::PhantomData<P>,
}

impl<P: Predicate> PredicateHarness<P> {
    /// Validate `config` with the ConfigDef and configure a new instance.
    pub fn new(config: &[(&str, &str)]) -> Result<Self> {
        let config = config_map(config);
        check_valid(&P::config_def().validate(&config))?;
        let mut object = PredicateObj_TO::from_value(PredicateShim::<P>::default(), TD_Opaque);
        let json = serde_json::to_string(&config)?;
        object
            .configure(json.as_str().into())
            .into_result()
            .map_err(error)?;
        Ok(PredicateHarness {
            object,
            _marker: std::marker::PhantomData,
        })
    }

    /// Test one record.
    pub fn test(&mut self, record: &ConnectRecord) -> Result<bool> {
        let input = batch_of(record)?;
        self.object
            .test(input.as_batch_ref())
            .into_result()
            .map_err(error)
    }

    /// Call `close`.
    pub fn close(mut self) -> Result<()> {
        self.object.close().into_result().map_err(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{ConfigDef, ConfigKey, ConfigMap, ConfigType};
    use crate::data::{Schema, Type, Value};

    #[derive(Default)]
    struct Suffix(String, u32);

    impl Transformation for Suffix {
        const CLASS: &'static str = "test.Suffix";
        const VERSION: &'static str = "1";
        fn config_def() -> ConfigDef {
            ConfigDef::new().define(ConfigKey::new("suffix", ConfigType::String))
        }
        fn configure(&mut self, config: &ConfigMap) -> Result<()> {
            self.0 = config.get("suffix").cloned().unwrap_or_default();
            Ok(())
        }
        fn apply(&mut self, record: ConnectRecord) -> Result<Option<ConnectRecord>> {
            self.1 += 1;
            match &record.value {
                Value::Null => Ok(None),
                Value::String(s) if s == "retry" && self.1 < 4 => {
                    Err(ConnectError::retriable("not yet"))
                }
                Value::String(s) if s == "boom" => panic!("boom"),
                Value::String(s) => {
                    let v = Value::String(format!("{s}{}", self.0));
                    let schema = record.value_schema.clone();
                    Ok(Some(record.with_value(schema, v)))
                }
                _ => Err(ConnectError::data("not a string")),
            }
        }
    }

    #[derive(Default)]
    struct IsTopicA;

    impl Predicate for IsTopicA {
        const CLASS: &'static str = "test.IsTopicA";
        const VERSION: &'static str = "1";
        fn config_def() -> ConfigDef {
            ConfigDef::new()
        }
        fn configure(&mut self, _: &ConfigMap) -> Result<()> {
            Ok(())
        }
        fn test(&mut self, record: &ConnectRecord) -> Result<bool> {
            Ok(record.topic == "a")
        }
    }

    fn record(value: Value) -> ConnectRecord {
        let mut r =
            ConnectRecord::new("a").with_value(Some(Schema::primitive(Type::String)), value);
        r.kafka_partition = Some(2);
        r.kafka_offset = Some(7);
        r.timestamp = Some(1000);
        r
    }

    #[test]
    fn a_transformation_crosses_the_abi() {
        let mut h = TransformHarness::<Suffix>::new(&[("suffix", "!")]).unwrap();
        let out = h.apply(&record(Value::from("x"))).unwrap().unwrap();
        assert_eq!(out, record(Value::from("x!")));
        assert_eq!(h.apply(&ConnectRecord::new("a")).unwrap(), None, "dropped");
        let e = h.apply(&record(Value::from("retry"))).unwrap_err();
        assert!(e.is_retriable(), "{e}");
        assert_eq!(
            h.apply(&record(Value::from("retry")))
                .unwrap()
                .unwrap()
                .value,
            Value::from("retry!")
        );
        let e = h.apply(&record(Value::Int32(1))).unwrap_err();
        assert!(!e.is_retriable());
        let e = h.apply(&record(Value::from("boom"))).unwrap_err();
        assert!(
            e.message().contains("test.Suffix.apply panicked: boom"),
            "{e}"
        );
        h.close().unwrap();
    }

    #[test]
    fn a_predicate_crosses_the_abi() {
        let mut p = PredicateHarness::<IsTopicA>::new(&[]).unwrap();
        assert!(p.test(&ConnectRecord::new("a")).unwrap());
        assert!(!p.test(&ConnectRecord::new("b")).unwrap());
        p.close().unwrap();
    }
}
