//! `org.apache.kafka.connect.converters.ByteArrayConverter`.

use ferry_data::{SchemaRef, Type, Value};

use crate::error::java_class;
use crate::{schemas, ConvertError, Converter, Passthrough};

/// Kafka's `ByteArrayConverter`: passes bytes through unchanged. The schema, if any, must be
/// BYTES and the value must be bytes; reading yields an optional BYTES schema.
#[derive(Debug, Clone, Default)]
pub struct ByteArrayConverter;

impl Converter for ByteArrayConverter {
    fn from_connect(
        &self,
        _topic: &str,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> Result<Option<Vec<u8>>, ConvertError> {
        if let Some(schema) = schema.filter(|s| s.ty != Type::Bytes) {
            return Err(ConvertError::data(format!(
                "Invalid schema type for ByteArrayConverter: {}",
                schema.ty
            )));
        }
        match value {
            Value::Null => Ok(None),
            Value::Bytes(bytes) => Ok(Some(bytes.clone())),
            other => Err(ConvertError::data(format!(
                "ByteArrayConverter is not compatible with objects of type {}",
                java_class(other)
            ))),
        }
    }

    fn to_connect(
        &self,
        _topic: &str,
        bytes: Option<&[u8]>,
    ) -> Result<(Option<SchemaRef>, Value), ConvertError> {
        let value = bytes.map_or(Value::Null, |b| Value::Bytes(b.to_vec()));
        Ok((Some(schemas::OPTIONAL_BYTES.clone()), value))
    }

    fn passthrough(&self) -> Passthrough {
        Passthrough::Bytes
    }
}

crate::header_converter_via_converter!(ByteArrayConverter);

#[cfg(test)]
mod tests {
    use ferry_data::{logical, Schema};
    use num_bigint::BigInt;

    use super::*;

    const SAMPLE: &[u8] = b"sample string";

    /// What the worker's fast paths do instead of calling the converter.
    #[test]
    fn passes_bytes_with_no_or_a_bytes_schema_through() {
        let c = ByteArrayConverter;
        assert_eq!(c.passthrough(), Passthrough::Bytes);
        for schema in [None, Some(Schema::optional_primitive(Type::Bytes))] {
            let bytes = c.from_connect("t", schema.as_ref(), &Value::Bytes(SAMPLE.to_vec()));
            assert_eq!(bytes.unwrap().unwrap(), SAMPLE);
        }
        let string = Schema::primitive(Type::String);
        assert!(c
            .from_connect("t", Some(&string), &Value::Bytes(SAMPLE.to_vec()))
            .is_err());
        assert!(c
            .from_connect("t", None, &Value::String("s".into()))
            .is_err());
        assert_eq!(
            c.to_connect("t", Some(SAMPLE)).unwrap(),
            (
                Some(schemas::OPTIONAL_BYTES.clone()),
                Value::Bytes(SAMPLE.to_vec())
            )
        );
    }

    #[test]
    fn passes_bytes_through() {
        let c = ByteArrayConverter;
        let bytes = Schema::primitive(Type::Bytes);
        let value = Value::Bytes(SAMPLE.to_vec());
        assert_eq!(
            c.from_connect("t", Some(&bytes), &value).unwrap().unwrap(),
            SAMPLE
        );
        assert_eq!(c.from_connect("t", None, &value).unwrap().unwrap(), SAMPLE);
        assert_eq!(
            c.from_connect("t", Some(&bytes), &Value::Null).unwrap(),
            None
        );
        let (schema, value) = c.to_connect("t", Some(SAMPLE)).unwrap();
        assert_eq!(
            schema.as_deref(),
            Some(&*Schema::optional_primitive(Type::Bytes))
        );
        assert_eq!(value, Value::Bytes(SAMPLE.to_vec()));
        assert_eq!(c.to_connect("t", None).unwrap().1, Value::Null);
    }

    #[test]
    fn rejects_other_schemas_and_values() {
        let c = ByteArrayConverter;
        let int32 = Schema::primitive(Type::Int32);
        assert_eq!(
            c.from_connect("t", Some(&int32), &Value::Bytes(vec![]))
                .unwrap_err()
                .to_string(),
            "Invalid schema type for ByteArrayConverter: INT32"
        );
        assert_eq!(
            c.from_connect("t", None, &Value::Int32(12))
                .unwrap_err()
                .to_string(),
            "ByteArrayConverter is not compatible with objects of type class java.lang.Integer"
        );
        let decimal = logical::decimal(2).build();
        let err = c.from_connect("t", Some(&decimal), &Value::Decimal(BigInt::from(1), 2));
        assert_eq!(
            err.unwrap_err().to_string(),
            "ByteArrayConverter is not compatible with objects of type class java.math.BigDecimal"
        );
    }
}
