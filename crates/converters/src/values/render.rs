//! `Values.append`: the text form of a value.

use std::fmt::Write as _;

use base64::Engine as _;
use ferry_data::Value;

use super::temporal::format_millis;
use crate::schemas::MILLIS_PER_DAY;

/// Appends `value`; `embedded` values (inside arrays, maps, structs) have strings quoted.
pub(crate) fn append(out: &mut String, value: &Value, embedded: bool) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Int8(v) => push(out, v),
        Value::Int16(v) => push(out, v),
        Value::Int32(v) => push(out, v),
        Value::Int64(v) => push(out, v),
        Value::Float32(v) => out.push_str(&ferry_data::java_float_string(*v)),
        Value::Float64(v) => out.push_str(&ferry_data::java_double_string(*v)),
        Value::Decimal(unscaled, scale) => {
            out.push_str(&ferry_data::java_decimal_string(unscaled, *scale))
        }
        Value::Boolean(v) => push(out, v),
        Value::String(s) if embedded => {
            out.push('"');
            escape(out, s);
            out.push('"');
        }
        Value::String(s) => out.push_str(s),
        Value::Bytes(b) => {
            let encoded = base64::engine::general_purpose::STANDARD.encode(b);
            if embedded {
                out.push('"');
                out.push_str(&encoded);
                out.push('"');
            } else {
                out.push_str(&encoded);
            }
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                append(out, item, true);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                append(out, k, true);
                out.push(':');
                append(out, v, true);
            }
            out.push('}');
        }
        Value::Struct(s) => {
            out.push('{');
            for (i, (field, v)) in s.schema().fields.iter().zip(s.values()).enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push('"');
                escape(out, &field.name);
                out.push_str("\":");
                // `Struct.get(field)`: the field's default stands in for null.
                let v = match (v, &field.schema.default) {
                    (Value::Null, Some(default)) => default,
                    _ => v,
                };
                append(out, v, true);
            }
            out.push('}');
        }
        Value::Date(days) => out.push_str(&format_millis(i64::from(*days) * MILLIS_PER_DAY)),
        Value::Time(ms) => out.push_str(&format_millis(i64::from(*ms))),
        Value::Timestamp(ms) => out.push_str(&format_millis(*ms)),
    }
}

fn push(out: &mut String, v: impl std::fmt::Display) {
    // Writing to a `String` cannot fail.
    let _ = write!(out, "{v}");
}

/// `Values.escape`: backslashes doubled, then double quotes backslash-escaped.
fn escape(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use ferry_data::{Schema, Struct, Type};
    use num_bigint::BigInt;

    use super::*;

    fn text(value: &Value) -> String {
        let mut out = String::new();
        append(&mut out, value, false);
        out
    }

    #[test]
    fn renders_like_values_convert_to_string() {
        assert_eq!(
            text(&Value::from("three\"blind\\\"mice")),
            "three\"blind\\\"mice"
        );
        assert_eq!(
            text(&Value::Array(vec!["three\"blind\\\"mice".into()])),
            r#"["three\"blind\\\"mice"]"#
        );
        assert_eq!(text(&Value::Float32(1.0)), "1.0");
        assert_eq!(text(&Value::Float64(1.0e10)), "1.0E10");
        assert_eq!(text(&Value::Decimal(BigInt::from(156), 2)), "1.56");
        assert_eq!(
            text(&Value::Bytes(b"test-string".to_vec())),
            "dGVzdC1zdHJpbmc="
        );
        assert_eq!(
            text(&Value::Array(vec![Value::Bytes(vec![1]), Value::Null])),
            r#"["AQ==",null]"#
        );
        let map = Value::Map(vec![
            ("foo".into(), Value::Int16(12345)),
            ("bar".into(), Value::Int16(0)),
        ]);
        assert_eq!(text(&map), r#"{"foo":12345,"bar":0}"#);
        assert_eq!(text(&Value::Date(18_131)), "2019-08-23");
        assert_eq!(text(&Value::Time(52_494_346)), "14:34:54.346Z");
        assert_eq!(
            text(&Value::Timestamp(1_566_570_894_346)),
            "2019-08-23T14:34:54.346Z"
        );
        assert_eq!(text(&Value::Date(0)), "00:00:00.000Z");
    }

    #[test]
    fn structs_render_fields_with_defaults() {
        let schema = Schema::struct_builder()
            .field("a", Schema::primitive(Type::Int32))
            .field(
                "b",
                Schema::builder(Type::String)
                    .optional()
                    .default_value("d".into())
                    .build(),
            )
            .field("c", Schema::optional_primitive(Type::String))
            .build();
        let s = Struct::new(schema).unwrap().with("a", 1).unwrap();
        assert_eq!(text(&Value::Struct(s)), r#"{"a":1,"b":"d","c":null}"#);
    }
}
