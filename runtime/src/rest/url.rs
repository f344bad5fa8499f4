//! URL helpers: path segments, query parameters and percent-encoding.
//!
//! Path segments are split on `/` *before* decoding, so `%2F` in a connector name is part of
//! the name. Query parameters also decode `+` as a space (HTML form encoding, as Jersey does).

/// Splits a request path into decoded segments, ignoring one leading and one trailing `/`:
/// `/connectors/my%20conn/` is `["connectors", "my conn"]`, `/` is `[]`.
pub fn path_segments(path: &str) -> Vec<String> {
    let path = path.strip_prefix('/').unwrap_or(path);
    let path = path.strip_suffix('/').unwrap_or(path);
    if path.is_empty() {
        return Vec::new();
    }
    path.split('/')
        .map(|segment| percent_decode(segment, false))
        .collect()
}

/// Decoded query parameters in request order; a parameter may repeat (`expand=a&expand=b`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Parses the query string of a URI (`None`: no query).
    pub fn parse(query: Option<&str>) -> Query {
        let pairs = query
            .unwrap_or_default()
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(name, true), percent_decode(value, true))
            })
            .collect();
        Query { pairs }
    }

    /// Whether the parameter is present (with any value).
    pub fn contains(&self, name: &str) -> bool {
        self.pairs.iter().any(|(key, _)| key == name)
    }

    /// The first value of the parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Every value of the parameter, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.pairs
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// Every parameter, in request order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// A boolean parameter as JAX-RS converts it (`Boolean.valueOf`: `true` in any case is
    /// true, anything else false); `default` when absent or empty.
    pub fn flag(&self, name: &str, default: bool) -> bool {
        match self.get(name) {
            None | Some("") => default,
            Some(value) => value.eq_ignore_ascii_case("true"),
        }
    }
}

/// Decodes `%XX` escapes (and `+` as a space when `plus_is_space`); invalid escapes are kept
/// literally and invalid UTF-8 is replaced with U+FFFD.
pub fn percent_decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut index = 0;
    while index < bytes.len() {
        match bytes[index] {
            b'%' => {
                let escaped = bytes
                    .get(index + 1..index + 3)
                    .and_then(|hex| std::str::from_utf8(hex).ok())
                    .and_then(|hex| u8::from_str_radix(hex, 16).ok());
                match escaped {
                    Some(byte) => {
                        out.push(byte);
                        index += 3;
                        continue;
                    }
                    None => out.push(b'%'),
                }
            }
            b'+' if plus_is_space => out.push(b' '),
            byte => out.push(byte),
        }
        index += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Encodes a path segment: everything except RFC 3986 unreserved characters, sub-delimiters,
/// `:` and `@` becomes `%XX` (so `/` and spaces are escaped).
pub fn encode_path_segment(segment: &str) -> String {
    let mut out = String::with_capacity(segment.len());
    for byte in segment.bytes() {
        let keep = byte.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&byte);
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Encodes a query parameter name or value (unreserved characters kept).
pub fn percent_encode_query(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_ignore_one_leading_and_trailing_slash() {
        assert!(path_segments("/").is_empty());
        assert!(path_segments("").is_empty());
        assert_eq!(path_segments("/connectors/"), ["connectors"]);
        assert_eq!(
            path_segments("/connectors/a%20b/status"),
            ["connectors", "a b", "status"]
        );
        assert_eq!(path_segments("/connectors/a%2Fb"), ["connectors", "a/b"]);
        assert_eq!(path_segments("/connectors//x"), ["connectors", "", "x"]);
        assert_eq!(path_segments("/connectors/a+b"), ["connectors", "a+b"]);
    }

    #[test]
    fn decoding_is_lenient() {
        assert_eq!(percent_decode("100%", false), "100%");
        assert_eq!(percent_decode("%zz%4", false), "%zz%4");
        assert_eq!(percent_decode("caf%C3%A9", false), "café");
        assert_eq!(percent_decode("%FF", false), "\u{FFFD}");
        assert_eq!(percent_decode("a+b", true), "a b");
    }

    #[test]
    fn query_parameters_repeat_and_decode() {
        let query = Query::parse(Some("expand=status&expand=info&x&name=a%20b+c&&flag=TRUE"));
        assert_eq!(query.all("expand"), ["status", "info"]);
        assert!(query.contains("x"));
        assert_eq!(query.get("x"), Some(""));
        assert_eq!(query.get("name"), Some("a b c"));
        assert!(query.flag("flag", false));
        assert!(query.flag("missing", true));
        assert!(!query.flag("name", true));
        assert!(query.flag("x", true));
        assert_eq!(Query::parse(None), Query::default());
    }

    #[test]
    fn encoding_escapes_reserved_characters() {
        assert_eq!(encode_path_segment("my conn/1"), "my%20conn%2F1");
        assert_eq!(encode_path_segment("a-b_c.d~e:f@g"), "a-b_c.d~e:f@g");
        assert_eq!(encode_path_segment("é?#%"), "%C3%A9%3F%23%25");
    }
}
