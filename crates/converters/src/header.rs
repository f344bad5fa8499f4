//! `org.apache.kafka.connect.storage.SimpleHeaderConverter`, the default header converter.

use ferry_data::{SchemaRef, Value};

use crate::{schemas, values, ConvertError, HeaderConverter};

/// Kafka's `SimpleHeaderConverter`: writes `Values.convertToString(value)` as UTF-8 and reads
/// headers back with `Values.parseString`, inferring a schema (`"42"` is an INT8, `"[1,2]"` an
/// array of INT8, `"hello"` a STRING).
#[derive(Debug, Clone, Default)]
pub struct SimpleHeaderConverter;

impl HeaderConverter for SimpleHeaderConverter {
    fn from_connect_header(
        &self,
        _topic: &str,
        _key: &str,
        _schema: Option<&SchemaRef>,
        value: &Value,
    ) -> Result<Option<Vec<u8>>, ConvertError> {
        Ok(values::convert_to_string(value).map(String::into_bytes))
    }

    fn to_connect_header(
        &self,
        _topic: &str,
        _key: &str,
        bytes: Option<&[u8]>,
    ) -> Result<(Option<SchemaRef>, Value), ConvertError> {
        let Some(bytes) = bytes else {
            return Ok((None, Value::Null));
        };
        // Java decodes with replacement of malformed input, and falls back to the raw bytes
        // when parsing fails outright.
        let text = String::from_utf8_lossy(bytes);
        Ok(values::parse_string(&text)
            .unwrap_or_else(|_| (Some(schemas::BYTES.clone()), Value::Bytes(bytes.to_vec()))))
    }
}

#[cfg(test)]
mod tests {
    use ferry_data::{Schema, Type};

    use super::*;

    fn round_trip(
        schema: Option<&SchemaRef>,
        value: &Value,
    ) -> (Option<Vec<u8>>, (Option<SchemaRef>, Value)) {
        let c = SimpleHeaderConverter;
        let bytes = c
            .from_connect_header("topic", "header", schema, value)
            .unwrap();
        let back = c
            .to_connect_header("topic", "header", bytes.as_deref())
            .unwrap();
        (bytes, back)
    }

    /// `SimpleHeaderConverterTest.assertRoundTrip`: the value and schema come back, twice.
    fn assert_round_trip(schema: &SchemaRef, value: Value) {
        let (bytes, (back_schema, back)) = round_trip(Some(schema), &value);
        assert!(bytes.is_some());
        assert_eq!(back, value);
        assert_eq!(back_schema.as_ref(), Some(schema));
        let (_, again) = round_trip(back_schema.as_ref(), &back);
        assert_eq!(again, (Some(schema.clone()), value));
    }

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::Map(
            entries
                .iter()
                .map(|(k, v)| (Value::from(*k), v.clone()))
                .collect(),
        )
    }

    #[test]
    fn simple_header_converter_test_vectors() {
        let string = Schema::primitive(Type::String);
        assert_eq!(
            round_trip(Some(&string), &Value::Null),
            (None, (None, Value::Null))
        );
        assert_round_trip(&string, "simple".into());
        assert_round_trip(&string, "".into());
        assert_round_trip(&string, "three\"blind\\\"mice".into());
        assert_round_trip(
            &string,
            "string with delimiters: <>?,./\\=+-!@#$%^&*(){}[]|;':".into(),
        );

        let string_map = Schema::map(string.clone(), string.clone()).build();
        let expected = map(&[("foo", "123".into()), ("bar", "baz".into())]);
        assert_round_trip(&string_map, expected.clone());
        for text in [
            "{\"foo\":\"123\",\"bar\":\"baz\"}",
            "{ \"foo\" : \"123\", \n\"bar\" : \"baz\" } ",
        ] {
            let (_, (schema, value)) = round_trip(Some(&string), &text.into());
            assert_eq!(
                (schema, value),
                (Some(string_map.clone()), expected.clone()),
                "{text}"
            );
        }

        let short_map = Schema::map(string.clone(), Schema::primitive(Type::Int16)).build();
        let shorts = map(&[
            ("foo", Value::Int16(12345)),
            ("bar", Value::Int16(0)),
            ("baz", Value::Int16(-4321)),
        ]);
        assert_round_trip(&short_map, shorts.clone());
        for text in [
            "{\"foo\":12345,\"bar\":0,\"baz\":-4321}",
            " { \"foo\" :  12345 , \"bar\" : 0,  \"baz\" : -4321 }  ",
        ] {
            assert_eq!(
                round_trip(Some(&string), &text.into()).1,
                (Some(short_map.clone()), shorts.clone())
            );
        }

        let int_map = Schema::map(string.clone(), Schema::primitive(Type::Int32)).build();
        let ints = map(&[
            ("foo", Value::Int32(1234567890)),
            ("bar", Value::Int32(0)),
            ("baz", Value::Int32(-987654321)),
        ]);
        assert_round_trip(&int_map, ints.clone());
        let text = "{\"foo\":1234567890,\"bar\":0,\"baz\":-987654321}";
        assert_eq!(
            round_trip(Some(&string), &text.into()).1,
            (Some(int_map), ints)
        );

        assert_round_trip(
            &Schema::array(string.clone()).build(),
            Value::Array(vec!["foo".into(), "bar".into()]),
        );
        let int_list = Value::Array(vec![Value::Int32(1234567890), Value::Int32(-987654321)]);
        assert_round_trip(
            &Schema::array(Schema::primitive(Type::Int32)).build(),
            int_list,
        );
    }

    #[test]
    fn mixed_and_empty_collections_lose_their_value_schema() {
        let mixed = map(&[("foo", "bar".into()), ("baz", Value::Int16(3456))]);
        let (_, (schema, value)) = round_trip(None, &mixed);
        let schema = schema.unwrap();
        assert_eq!(
            (schema.ty, schema.key_schema.as_ref().map(|k| k.ty)),
            (Type::Map, Some(Type::String))
        );
        assert!(schema.value_schema.is_none());
        assert_eq!(value, mixed);

        let list = Value::Array(vec!["foo".into(), Value::Int16(13344)]);
        let (_, (schema, value)) = round_trip(None, &list);
        assert_eq!(
            schema.as_ref().map(|s| (s.ty, s.value_schema.is_none())),
            Some((Type::Array, true))
        );
        assert_eq!(value, list);

        let (_, (schema, value)) = round_trip(None, &Value::Map(vec![]));
        let schema = schema.unwrap();
        assert!(schema.key_schema.is_none() && schema.value_schema.is_none());
        assert_eq!(value, Value::Map(vec![]));
        let (_, (schema, value)) = round_trip(None, &Value::Array(vec![]));
        assert_eq!(
            (schema.unwrap().ty, value),
            (Type::Array, Value::Array(vec![]))
        );
    }

    #[test]
    fn too_deep_falls_back_to_bytes_and_bad_utf8_is_replaced() {
        let c = SimpleHeaderConverter;
        let deep = "[".repeat(5000);
        let (schema, value) = c
            .to_connect_header("t", "h", Some(deep.as_bytes()))
            .unwrap();
        assert_eq!(schema.as_deref(), Some(&*Schema::primitive(Type::Bytes)));
        assert_eq!(value, Value::Bytes(deep.into_bytes()));
        let (_, value) = c.to_connect_header("t", "h", Some(&[b'a', 0xff])).unwrap();
        assert_eq!(value, Value::from("a\u{fffd}"));
    }
}
