//! JSON text as Kafka's JsonConverter (Jackson) writes it, so that keys written by Ferry are the
//! same bytes as Kafka Connect's (compaction and partitioning work on key bytes).

use serde_json::Value;

/// Compact JSON with Jackson's string escapes: `"` and `\` escaped, `\b \t \n \f \r` short,
/// other control characters as `\u00XX` (upper-case hex), everything else (non-ASCII too) as
/// is. Object keys keep their order. Numbers are written as serde_json writes them.
pub(crate) fn to_java_json(value: &Value) -> String {
    let mut out = String::new();
    write(&mut out, value);
    out
}

fn write(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(out, v);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, v)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write(out, v);
            }
            out.push('}');
        }
    }
}

/// Appends `s` as a JSON string with Jackson's escapes (see [`to_java_json`]).
pub(crate) fn write_string(out: &mut String, s: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{0C}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => {
                let b = c as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[b >> 4]));
                out.push(char::from(HEX[b & 0xF]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_compact_json_with_jacksons_escapes_in_the_given_order() {
        let v: Value = serde_json::from_str(
            r#"["c",{"z":1,"a":"x\"\\\n\t\r\b\f\u0001\u001f/é€","n":null,"l":[true,false,-2.5]}]"#,
        )
        .unwrap();
        assert_eq!(
            to_java_json(&v),
            "[\"c\",{\"z\":1,\"a\":\"x\\\"\\\\\\n\\t\\r\\b\\f\\u0001\\u001F/é€\",\"n\":null,\"l\":[true,false,-2.5]}]"
        );
    }
}
