//! `org.apache.kafka.connect.storage.StringConverter`.

use ferry_data::{SchemaRef, Value};

use crate::{config, schemas, ConvertError, Converter, ConverterConfig, Passthrough};

/// The `converter.encoding` key.
const ENCODING_CONFIG: &str = "converter.encoding";

/// Kafka's `StringConverter`: writes `value.toString()` as UTF-8 (the schema is ignored, so a
/// struct becomes `Struct{a=1,b=x}`), reads bytes as an optional string.
///
/// Only the UTF-8 encoding is supported; `converter.encoding` may name it (`UTF-8`, `UTF8`,
/// any case) and anything else is rejected when the converter is created.
#[derive(Debug, Clone, Default)]
pub struct StringConverter;

impl StringConverter {
    /// A converter from its configuration (`converter.encoding`).
    pub fn new(config: &ConverterConfig) -> Result<Self, ConvertError> {
        if let Some(encoding) = config.get(ENCODING_CONFIG) {
            let name = encoding.trim();
            if !(name.eq_ignore_ascii_case("UTF-8") || name.eq_ignore_ascii_case("UTF8")) {
                return Err(config::invalid(
                    ENCODING_CONFIG,
                    encoding,
                    "only the UTF-8 encoding is supported",
                ));
            }
        }
        Ok(StringConverter)
    }
}

impl Converter for StringConverter {
    fn from_connect(
        &self,
        _topic: &str,
        _schema: Option<&SchemaRef>,
        value: &Value,
    ) -> Result<Option<Vec<u8>>, ConvertError> {
        Ok(match value {
            Value::Null => None,
            Value::String(s) => Some(s.as_bytes().to_vec()),
            other => Some(other.to_java_string().into_bytes()),
        })
    }

    fn to_connect(
        &self,
        _topic: &str,
        bytes: Option<&[u8]>,
    ) -> Result<(Option<SchemaRef>, Value), ConvertError> {
        let value = match bytes {
            None => Value::Null,
            // Java's `new String(bytes, UTF_8)` replaces malformed input; so does this.
            Some(b) => Value::String(String::from_utf8_lossy(b).into_owned()),
        };
        Ok((Some(schemas::OPTIONAL_STRING.clone()), value))
    }

    fn passthrough(&self) -> Passthrough {
        Passthrough::Strings
    }
}

crate::header_converter_via_converter!(StringConverter);

#[cfg(test)]
mod tests {
    use ferry_data::{Schema, Struct, Type};

    use super::*;
    use crate::HeaderConverter;

    fn converter() -> StringConverter {
        StringConverter::new(&ConverterConfig::new()).unwrap()
    }

    /// What the worker's fast paths do instead of calling the converter.
    #[test]
    fn passes_strings_through_whatever_the_schema() {
        let c = converter();
        assert_eq!(c.passthrough(), Passthrough::Strings);
        for schema in [
            None,
            Some(Schema::primitive(Type::String)),
            Some(Schema::primitive(Type::Int32)),
        ] {
            let bytes = c.from_connect("t", schema.as_ref(), &"é x".into()).unwrap();
            assert_eq!(bytes.unwrap(), "é x".as_bytes());
        }
        assert_eq!(
            c.to_connect("t", Some("é".as_bytes())).unwrap(),
            (
                Some(schemas::OPTIONAL_STRING.clone()),
                Value::String("é".into())
            )
        );
    }

    #[test]
    fn writes_to_string_of_any_value() {
        let c = converter();
        let string = Schema::primitive(Type::String);
        assert_eq!(
            c.from_connect("t", Some(&string), &"a string".into())
                .unwrap()
                .unwrap(),
            b"a string"
        );
        assert_eq!(
            c.from_connect("t", None, &Value::Boolean(true))
                .unwrap()
                .unwrap(),
            b"true"
        );
        assert_eq!(
            c.from_connect("t", None, &Value::Float64(1.0e7))
                .unwrap()
                .unwrap(),
            b"1.0E7"
        );
        assert_eq!(
            c.from_connect("t", Some(&string), &Value::Null).unwrap(),
            None
        );
        let schema = Schema::struct_builder()
            .field("a", Schema::primitive(Type::Int32))
            .field("b", Schema::optional_primitive(Type::String))
            .build();
        let s = Struct::new(schema.clone()).unwrap().with("a", 1).unwrap();
        assert_eq!(
            c.from_connect("t", Some(&schema), &Value::Struct(s))
                .unwrap()
                .unwrap(),
            b"Struct{a=1}"
        );
    }

    #[test]
    fn reads_optional_strings() {
        let c = converter();
        let (schema, value) = c.to_connect("t", Some(b"a string")).unwrap();
        assert_eq!(
            schema.as_deref(),
            Some(&*Schema::optional_primitive(Type::String))
        );
        assert_eq!(value, Value::from("a string"));
        assert_eq!(c.to_connect("t", None).unwrap().1, Value::Null);
        assert_eq!(
            c.to_connect("t", Some(&[0x66, 0xff])).unwrap().1,
            Value::from("f\u{fffd}")
        );
    }

    #[test]
    fn headers_delegate() {
        let c = converter();
        assert_eq!(
            c.from_connect_header("t", "h", None, &Value::Boolean(true))
                .unwrap()
                .unwrap(),
            b"true"
        );
        assert_eq!(
            c.to_connect_header("t", "h", Some(b"x")).unwrap().1,
            Value::from("x")
        );
    }

    #[test]
    fn only_utf8_is_accepted() {
        let mut config = ConverterConfig::new();
        config.insert(ENCODING_CONFIG.into(), "utf8".into());
        assert!(StringConverter::new(&config).is_ok());
        config.insert(ENCODING_CONFIG.into(), "UTF-16".into());
        assert_eq!(
            StringConverter::new(&config).unwrap_err().to_string(),
            "Invalid value UTF-16 for configuration converter.encoding: only the UTF-8 encoding is supported"
        );
    }
}
