//! `org.apache.kafka.connect.converters.{Double,Float,Integer,Long,Short,Boolean}Converter`:
//! Kafka's primitive serializers (big-endian two's complement and IEEE 754).

use ferry_data::{SchemaRef, Type, Value};

use crate::error::java_class;
use crate::{schemas, ConvertError, Converter};

/// Which of Kafka's number converters a [`NumberConverter`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NumberKind {
    /// `DoubleConverter`: FLOAT64, 8 bytes.
    Double,
    /// `FloatConverter`: FLOAT32, 4 bytes.
    Float,
    /// `IntegerConverter`: INT32, 4 bytes.
    Integer,
    /// `LongConverter`: INT64, 8 bytes.
    Long,
    /// `ShortConverter`: INT16, 2 bytes.
    Short,
}

impl NumberKind {
    /// The name Kafka uses in its messages (`double`, `integer`, ...).
    fn type_name(self) -> &'static str {
        match self {
            NumberKind::Double => "double",
            NumberKind::Float => "float",
            NumberKind::Integer => "integer",
            NumberKind::Long => "long",
            NumberKind::Short => "short",
        }
    }

    /// Kafka's `<X>Deserializer` size check message.
    fn size_error(self) -> &'static str {
        match self {
            NumberKind::Double => "Size of data received by Deserializer is not 8",
            NumberKind::Float => "Size of data received by Deserializer is not 4",
            NumberKind::Integer => "Size of data received by IntegerDeserializer is not 4",
            NumberKind::Long => "Size of data received by LongDeserializer is not 8",
            NumberKind::Short => "Size of data received by ShortDeserializer is not 2",
        }
    }

    fn schema(self) -> SchemaRef {
        match self {
            NumberKind::Double => schemas::OPTIONAL_FLOAT64.clone(),
            NumberKind::Float => schemas::OPTIONAL_FLOAT32.clone(),
            NumberKind::Integer => schemas::OPTIONAL_INT32.clone(),
            NumberKind::Long => schemas::OPTIONAL_INT64.clone(),
            NumberKind::Short => schemas::OPTIONAL_INT16.clone(),
        }
    }
}

/// Kafka's `NumberConverter` family. The schema is ignored when writing, but the value must be
/// exactly the converter's Java type; reading yields the type's optional schema.
#[derive(Debug, Clone)]
pub struct NumberConverter {
    kind: NumberKind,
}

impl NumberConverter {
    /// A converter for one number type.
    pub fn new(kind: NumberKind) -> Self {
        NumberConverter { kind }
    }
}

impl Converter for NumberConverter {
    fn from_connect(
        &self,
        _topic: &str,
        _schema: Option<&SchemaRef>,
        value: &Value,
    ) -> Result<Option<Vec<u8>>, ConvertError> {
        let bytes = match (self.kind, value) {
            (_, Value::Null) => return Ok(None),
            // `Double.doubleToLongBits` folds every NaN into the canonical one.
            (NumberKind::Double, Value::Float64(v)) if v.is_nan() => {
                f64::NAN.to_be_bytes().to_vec()
            }
            (NumberKind::Double, Value::Float64(v)) => v.to_be_bytes().to_vec(),
            (NumberKind::Float, Value::Float32(v)) => v.to_be_bytes().to_vec(),
            (NumberKind::Integer, Value::Int32(v)) => v.to_be_bytes().to_vec(),
            (NumberKind::Long, Value::Int64(v)) => v.to_be_bytes().to_vec(),
            (NumberKind::Short, Value::Int16(v)) => v.to_be_bytes().to_vec(),
            (kind, other) => {
                return Err(ConvertError::data(format!(
                    "Failed to serialize to {} (was {})",
                    kind.type_name(),
                    java_class(other)
                )))
            }
        };
        Ok(Some(bytes))
    }

    fn to_connect(
        &self,
        _topic: &str,
        bytes: Option<&[u8]>,
    ) -> Result<(Option<SchemaRef>, Value), ConvertError> {
        let Some(bytes) = bytes else {
            return Ok((Some(self.kind.schema()), Value::Null));
        };
        let size_error = || {
            let (name, reason) = (self.kind.type_name(), self.kind.size_error());
            ConvertError::data(format!("Failed to deserialize {name}: {reason}"))
        };
        let value = match self.kind {
            NumberKind::Double => {
                Value::Float64(f64::from_be_bytes(array(bytes).ok_or_else(size_error)?))
            }
            NumberKind::Float => {
                Value::Float32(f32::from_be_bytes(array(bytes).ok_or_else(size_error)?))
            }
            NumberKind::Integer => {
                Value::Int32(i32::from_be_bytes(array(bytes).ok_or_else(size_error)?))
            }
            NumberKind::Long => {
                Value::Int64(i64::from_be_bytes(array(bytes).ok_or_else(size_error)?))
            }
            NumberKind::Short => {
                Value::Int16(i16::from_be_bytes(array(bytes).ok_or_else(size_error)?))
            }
        };
        Ok((Some(self.kind.schema()), value))
    }
}

fn array<const N: usize>(bytes: &[u8]) -> Option<[u8; N]> {
    bytes.try_into().ok()
}

/// Kafka's `BooleanConverter`: one byte, `0x01` for true and `0x00` for false. The schema, if
/// any, must be BOOLEAN.
#[derive(Debug, Clone, Default)]
pub struct BooleanConverter;

impl Converter for BooleanConverter {
    fn from_connect(
        &self,
        _topic: &str,
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> Result<Option<Vec<u8>>, ConvertError> {
        if let Some(schema) = schema.filter(|s| s.ty != Type::Boolean) {
            return Err(ConvertError::data(format!(
                "Invalid schema type for BooleanConverter: {}",
                schema.ty
            )));
        }
        match value {
            Value::Null => Ok(None),
            Value::Boolean(b) => Ok(Some(vec![u8::from(*b)])),
            other => Err(ConvertError::data(format!(
                "BooleanConverter is not compatible with objects of type {}",
                java_class(other)
            ))),
        }
    }

    fn to_connect(
        &self,
        _topic: &str,
        bytes: Option<&[u8]>,
    ) -> Result<(Option<SchemaRef>, Value), ConvertError> {
        let value = match bytes {
            None => Value::Null,
            Some([0]) => Value::Boolean(false),
            Some([1]) => Value::Boolean(true),
            Some([other]) => {
                return Err(ConvertError::data(format!(
                    "Failed to deserialize boolean: Unexpected byte received by BooleanDeserializer: {}",
                    *other as i8
                )))
            }
            Some(_) => {
                return Err(ConvertError::data(
                    "Failed to deserialize boolean: Size of data received by BooleanDeserializer is not 1",
                ))
            }
        };
        Ok((Some(schemas::OPTIONAL_BOOLEAN.clone()), value))
    }
}

crate::header_converter_via_converter!(NumberConverter, BooleanConverter);

#[cfg(test)]
mod tests {
    use ferry_data::Schema;

    use super::*;
    use crate::HeaderConverter;

    fn round_trip(kind: NumberKind, value: Value, expected: &[u8]) {
        let c = NumberConverter::new(kind);
        assert_eq!(
            c.from_connect("t", None, &value).unwrap().unwrap(),
            expected,
            "{kind:?}"
        );
        let (schema, back) = c.to_connect("t", Some(expected)).unwrap();
        assert_eq!(schema, Some(kind.schema()));
        assert!(schema.unwrap().optional);
        match (&back, &value) {
            (Value::Float64(a), Value::Float64(b)) if a.is_nan() => assert!(b.is_nan()),
            _ => assert_eq!(back, value),
        }
        assert_eq!(
            c.from_connect_header("t", "h", None, &value)
                .unwrap()
                .unwrap(),
            expected
        );
        assert_eq!(
            c.to_connect_header("t", "h", Some(expected)).unwrap().0,
            Some(kind.schema())
        );
    }

    #[test]
    fn kafka_serializer_layouts() {
        round_trip(NumberKind::Short, Value::Int16(-2), &[0xff, 0xfe]);
        round_trip(NumberKind::Short, Value::Int16(i16::MAX), &[0x7f, 0xff]);
        round_trip(NumberKind::Integer, Value::Int32(1), &[0, 0, 0, 1]);
        round_trip(
            NumberKind::Integer,
            Value::Int32(i32::MIN),
            &[0x80, 0, 0, 0],
        );
        round_trip(
            NumberKind::Long,
            Value::Int64(258),
            &[0, 0, 0, 0, 0, 0, 1, 2],
        );
        round_trip(NumberKind::Float, Value::Float32(1.0), &[0x3f, 0x80, 0, 0]);
        round_trip(NumberKind::Float, Value::Float32(-0.0), &[0x80, 0, 0, 0]);
        round_trip(
            NumberKind::Double,
            Value::Float64(1.0),
            &[0x3f, 0xf0, 0, 0, 0, 0, 0, 0],
        );
        round_trip(
            NumberKind::Double,
            Value::Float64(f64::MIN_POSITIVE),
            &[0, 0x10, 0, 0, 0, 0, 0, 0],
        );
        let odd_nan = Value::Float64(f64::from_bits(0x7ff0_0000_0000_0001));
        round_trip(NumberKind::Double, odd_nan, &[0x7f, 0xf8, 0, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn nulls_and_errors() {
        let c = NumberConverter::new(NumberKind::Integer);
        assert_eq!(c.from_connect("t", None, &Value::Null).unwrap(), None);
        assert_eq!(
            c.to_connect("t", None).unwrap(),
            (Some(NumberKind::Integer.schema()), Value::Null)
        );
        assert_eq!(
            c.from_connect("t", None, &"not a valid number".into())
                .unwrap_err()
                .to_string(),
            "Failed to serialize to integer (was class java.lang.String)"
        );
        assert_eq!(
            c.from_connect("t", None, &Value::Int64(1))
                .unwrap_err()
                .to_string(),
            "Failed to serialize to integer (was class java.lang.Long)"
        );
        assert_eq!(
            c.to_connect("t", Some(&[0; 10])).unwrap_err().to_string(),
            "Failed to deserialize integer: Size of data received by IntegerDeserializer is not 4"
        );
        let d = NumberConverter::new(NumberKind::Double);
        assert_eq!(
            d.to_connect("t", Some(&[0; 10])).unwrap_err().to_string(),
            "Failed to deserialize double: Size of data received by Deserializer is not 8"
        );
    }

    #[test]
    fn booleans() {
        let c = BooleanConverter;
        let boolean = Schema::primitive(Type::Boolean);
        assert_eq!(
            c.from_connect("t", Some(&boolean), &Value::Boolean(true))
                .unwrap()
                .unwrap(),
            [1]
        );
        assert_eq!(
            c.from_connect("t", None, &Value::Boolean(false))
                .unwrap()
                .unwrap(),
            [0]
        );
        assert_eq!(
            c.from_connect("t", Some(&boolean), &Value::Null).unwrap(),
            None
        );
        let int32 = Schema::primitive(Type::Int32);
        assert_eq!(
            c.from_connect("t", Some(&int32), &Value::Boolean(false))
                .unwrap_err()
                .to_string(),
            "Invalid schema type for BooleanConverter: INT32"
        );
        assert_eq!(
            c.from_connect("t", Some(&boolean), &"true".into())
                .unwrap_err()
                .to_string(),
            "BooleanConverter is not compatible with objects of type class java.lang.String"
        );
        let (schema, value) = c.to_connect("t", Some(&[1])).unwrap();
        assert_eq!(
            schema.as_deref(),
            Some(&*Schema::optional_primitive(Type::Boolean))
        );
        assert_eq!(value, Value::Boolean(true));
        assert_eq!(c.to_connect("t", None).unwrap().1, Value::Null);
        assert_eq!(
            c.to_connect("t", Some(b"42")).unwrap_err().to_string(),
            "Failed to deserialize boolean: Size of data received by BooleanDeserializer is not 1"
        );
        assert_eq!(
            c.to_connect("t", Some(&[0xff])).unwrap_err().to_string(),
            "Failed to deserialize boolean: Unexpected byte received by BooleanDeserializer: -1"
        );
    }
}
