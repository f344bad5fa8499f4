//! A pull parser over JSON text, accepting what Kafka's Jackson `ObjectMapper` accepts (leading
//! zeros in numbers included) and keeping numbers as their exact source text.

use std::borrow::Cow;

use crate::ConvertError;

/// Deepest nesting accepted, as Jackson's default `StreamReadConstraints`.
const MAX_DEPTH: usize = 1000;

/// One JSON token: a scalar, or the start of an array or object.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Token<'a> {
    Null,
    Bool(bool),
    /// A number's exact text (`-0012.50e3`).
    Number(&'a str),
    String(Cow<'a, str>),
    ArrayStart,
    ObjectStart,
}

impl Token<'_> {
    /// Jackson's `JsonNodeType` name, for messages.
    pub(crate) fn node_type(&self) -> &'static str {
        match self {
            Token::Null => "NULL",
            Token::Bool(_) => "BOOLEAN",
            Token::Number(_) => "NUMBER",
            Token::String(_) => "STRING",
            Token::ArrayStart => "ARRAY",
            Token::ObjectStart => "OBJECT",
        }
    }
}

/// Whether a number's text is integral in Jackson's sense (no fraction, no exponent).
pub(crate) fn is_integral(number: &str) -> bool {
    !number.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
}

/// Reads JSON tokens from text. Containers are walked with [`Reader::array_next`] and
/// [`Reader::object_next_key`] after their start token.
pub(crate) struct Reader<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        let pos = if text.starts_with('\u{feff}') { 3 } else { 0 };
        Reader {
            text,
            pos,
            depth: 0,
        }
    }

    /// Validates UTF-8 and reads the bytes.
    pub(crate) fn from_bytes(bytes: &'a [u8]) -> Result<Self, ConvertError> {
        std::str::from_utf8(bytes).map(Reader::new).map_err(|e| {
            ConvertError::Json(format!("Invalid UTF-8 byte at offset {}", e.valid_up_to()))
        })
    }

    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The next non-whitespace byte, without consuming it.
    pub(crate) fn peek(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.bytes().get(self.pos) {
            self.pos += 1;
        }
        self.bytes().get(self.pos).copied()
    }

    /// The byte right after the last token, whitespace included.
    pub(crate) fn byte_after(&self) -> Option<u8> {
        self.bytes().get(self.pos).copied()
    }

    pub(crate) fn error(&self, message: &str) -> ConvertError {
        ConvertError::Json(format!("{message} at offset {}", self.pos))
    }

    fn unexpected(&self, expected: &str) -> ConvertError {
        match self.text[self.pos..].chars().next() {
            Some(c) => self.error(&format!("Unexpected character {c:?}: expected {expected}")),
            None => self.error(&format!("Unexpected end of input: expected {expected}")),
        }
    }

    /// Reads the next token; container starts are consumed and must then be walked.
    pub(crate) fn next_token(&mut self) -> Result<Token<'a>, ConvertError> {
        let token = match self.peek() {
            Some(b'{') | Some(b'[') => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.error(&format!(
                        "Document nesting depth exceeds the maximum allowed ({MAX_DEPTH})"
                    )));
                }
                let start = self.bytes()[self.pos];
                self.pos += 1;
                return Ok(if start == b'{' {
                    Token::ObjectStart
                } else {
                    Token::ArrayStart
                });
            }
            Some(b'"') => Token::String(self.string()?),
            Some(b'-' | b'0'..=b'9') => Token::Number(self.number()?),
            Some(b't') => self.literal("true", Token::Bool(true))?,
            Some(b'f') => self.literal("false", Token::Bool(false))?,
            Some(b'n') => self.literal("null", Token::Null)?,
            _ => return Err(self.unexpected("a JSON value")),
        };
        Ok(token)
    }

    fn literal(&mut self, word: &str, token: Token<'a>) -> Result<Token<'a>, ConvertError> {
        let end = self.pos + word.len();
        let follows_word = self
            .bytes()
            .get(end)
            .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b >= 0x80);
        if self.text.get(self.pos..end) != Some(word) || follows_word {
            return Err(self.error("Unrecognized token: expected 'true', 'false' or 'null'"));
        }
        self.pos = end;
        Ok(token)
    }

    fn digits(&mut self) -> Result<(), ConvertError> {
        let start = self.pos;
        while self.bytes().get(self.pos).is_some_and(u8::is_ascii_digit) {
            self.pos += 1;
        }
        if self.pos == start {
            return Err(self.unexpected("a digit"));
        }
        Ok(())
    }

    fn number(&mut self) -> Result<&'a str, ConvertError> {
        let start = self.pos;
        if self.bytes()[self.pos] == b'-' {
            self.pos += 1;
        }
        self.digits()?;
        if self.bytes().get(self.pos) == Some(&b'.') {
            self.pos += 1;
            self.digits()?;
        }
        if let Some(b'e' | b'E') = self.bytes().get(self.pos) {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.bytes().get(self.pos) {
                self.pos += 1;
            }
            self.digits()?;
        }
        Ok(&self.text[start..self.pos])
    }

    fn string(&mut self) -> Result<Cow<'a, str>, ConvertError> {
        self.pos += 1;
        let mut owned: Option<String> = None;
        let mut run_start = self.pos;
        loop {
            match self.bytes().get(self.pos) {
                Some(b'"') => {
                    let run = &self.text[run_start..self.pos];
                    self.pos += 1;
                    return Ok(match owned {
                        None => Cow::Borrowed(run),
                        Some(mut s) => {
                            s.push_str(run);
                            Cow::Owned(s)
                        }
                    });
                }
                Some(b'\\') => {
                    let s = owned.get_or_insert_with(String::new);
                    s.push_str(&self.text[run_start..self.pos]);
                    self.escape(s)?;
                    run_start = self.pos;
                }
                Some(&b) if b < 0x20 => {
                    return Err(self.error("Illegal unquoted control character in string"))
                }
                Some(_) => self.pos += 1,
                None => return Err(self.error("Unexpected end of input in string")),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), ConvertError> {
        let Some(&code) = self.bytes().get(self.pos + 1) else {
            return Err(self.error("Unexpected end of input in string"));
        };
        self.pos += 2;
        let c = match code {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                let code_point = if (0xd800..0xdc00).contains(&unit) {
                    if self.text.get(self.pos..self.pos + 2) != Some("\\u") {
                        return Err(self.error("Unpaired surrogate in string escape"));
                    }
                    self.pos += 2;
                    let low = self.hex4()?;
                    if !(0xdc00..0xe000).contains(&low) {
                        return Err(self.error("Unpaired surrogate in string escape"));
                    }
                    0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
                } else {
                    unit
                };
                char::from_u32(code_point)
                    .ok_or_else(|| self.error("Unpaired surrogate in string escape"))?
            }
            _ => return Err(self.error("Unrecognized character escape")),
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Result<u32, ConvertError> {
        let hex = self
            .text
            .get(self.pos..self.pos + 4)
            .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
        let value = hex.and_then(|h| u32::from_str_radix(h, 16).ok());
        let value = value.ok_or_else(|| self.error("Illegal \\u escape: expected 4 hex digits"))?;
        self.pos += 4;
        Ok(value)
    }

    /// Inside an array: whether another element follows (consuming the `,`), or `false` after
    /// consuming the closing `]`. `first` must start `true` for each array.
    pub(crate) fn array_next(&mut self, first: &mut bool) -> Result<bool, ConvertError> {
        let was_first = std::mem::replace(first, false);
        match self.peek() {
            Some(b']') => {
                self.pos += 1;
                self.depth -= 1;
                Ok(false)
            }
            _ if was_first => Ok(true),
            Some(b',') => {
                self.pos += 1;
                Ok(true)
            }
            _ => Err(self.unexpected("',' or ']'")),
        }
    }

    /// Inside an object: the next member's key (consuming it and the `:`), or `None` after
    /// consuming the closing `}`. `first` must start `true` for each object.
    pub(crate) fn object_next_key(
        &mut self,
        first: &mut bool,
    ) -> Result<Option<Cow<'a, str>>, ConvertError> {
        let was_first = std::mem::replace(first, false);
        match self.peek() {
            Some(b'}') => {
                self.pos += 1;
                self.depth -= 1;
                return Ok(None);
            }
            Some(b',') if !was_first => self.pos += 1,
            _ if !was_first => return Err(self.unexpected("',' or '}'")),
            _ => {}
        }
        if self.peek() != Some(b'"') {
            return Err(self.unexpected("a double-quoted field name"));
        }
        let key = self.string()?;
        if self.peek() != Some(b':') {
            return Err(self.unexpected("':'"));
        }
        self.pos += 1;
        Ok(Some(key))
    }

    /// Skips the rest of a value whose first token has been read.
    pub(crate) fn skip_rest(&mut self, token: &Token<'_>) -> Result<(), ConvertError> {
        // Open containers, innermost last: `true` for an array. Iterative, so that skipping
        // deep input uses no stack.
        let mut open = match token {
            Token::ArrayStart => vec![true],
            Token::ObjectStart => vec![false],
            _ => return Ok(()),
        };
        let mut first = true;
        while let Some(&array) = open.last() {
            let more = if array {
                self.array_next(&mut first)?
            } else {
                self.object_next_key(&mut first)?.is_some()
            };
            if !more {
                open.pop();
                continue;
            }
            match self.next_token()? {
                Token::ArrayStart => open.push(true),
                Token::ObjectStart => open.push(false),
                _ => continue,
            }
            first = true;
        }
        Ok(())
    }

    /// Skips (and validates) one value.
    pub(crate) fn skip_value(&mut self) -> Result<(), ConvertError> {
        let token = self.next_token()?;
        self.skip_rest(&token)
    }

    /// The input from the next token on.
    pub(crate) fn rest(&mut self) -> &'a str {
        self.peek();
        &self.text[self.pos..]
    }

    /// Skips `len` bytes of [`Reader::rest`], which must be one complete value.
    pub(crate) fn skip_known_value(&mut self, len: usize) {
        self.pos = (self.pos + len).min(self.text.len());
    }

    /// The position of the next token, for [`Reader::since`].
    pub(crate) fn mark(&mut self) -> usize {
        self.peek();
        self.pos
    }

    /// The text read since `mark`.
    pub(crate) fn since(&self, mark: usize) -> &'a str {
        &self.text[mark..self.pos]
    }

    /// Skips one value and returns its text.
    pub(crate) fn value_span(&mut self) -> Result<&'a str, ConvertError> {
        let start = self.mark();
        self.skip_value()?;
        Ok(self.since(start))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Result<Vec<Token<'_>>, ConvertError> {
        fn walk<'a>(r: &mut Reader<'a>, out: &mut Vec<Token<'a>>) -> Result<(), ConvertError> {
            let token = r.next_token()?;
            out.push(token.clone());
            let mut first = true;
            match token {
                Token::ArrayStart => {
                    while r.array_next(&mut first)? {
                        walk(r, out)?;
                    }
                }
                Token::ObjectStart => {
                    while let Some(key) = r.object_next_key(&mut first)? {
                        out.push(Token::String(key));
                        walk(r, out)?;
                    }
                }
                _ => {}
            }
            Ok(())
        }
        let mut r = Reader::new(text);
        let mut out = Vec::new();
        walk(&mut r, &mut out)?;
        Ok(out)
    }

    #[test]
    fn reads_values() {
        use Token::*;
        assert_eq!(
            tokens(r#" { "a" : [1, -0012.5e+3, true, null], "b\n": "x\u00e9\ud83d\ude00" } "#)
                .unwrap(),
            vec![
                ObjectStart,
                String("a".into()),
                ArrayStart,
                Number("1"),
                Number("-0012.5e+3"),
                Bool(true),
                Null,
                String("b\n".into()),
                String("xé😀".into()),
            ]
        );
        assert_eq!(tokens("[]").unwrap(), vec![ArrayStart]);
        assert_eq!(tokens("{}").unwrap(), vec![ObjectStart]);
        assert_eq!(tokens("\u{feff}7").unwrap(), vec![Number("7")]);
        assert!(matches!(
            &tokens(r#""plain""#).unwrap()[0],
            String(Cow::Borrowed("plain"))
        ));
        assert_eq!(
            tokens(r#""\"\\\/\b\f\r\t""#).unwrap(),
            vec![String("\"\\/\u{8}\u{c}\r\t".into())]
        );
    }

    #[test]
    fn rejects_malformed_json() {
        for bad in [
            "",
            "[1,]",
            "[1 2]",
            "{\"a\" 1}",
            "{\"a\":1,}",
            "{a:1}",
            "'x'",
            "01.",
            ".5",
            "+1",
            "1e",
            "-",
            "NaN",
            "tru",
            "truex",
            "\"abc",
            "\"a\u{1}\"",
            "\"\\x\"",
            "\"\\ud800\"",
            "\"\\u12\"",
            "[",
            "{\"a\":1",
            "[1}",
            "nul",
        ] {
            assert!(tokens(bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(1001) + &"]".repeat(1001);
        let err = tokens(&deep).unwrap_err().to_string();
        assert!(err.contains("nesting depth"), "{err}");
        assert!(tokens(&("[".repeat(1000) + &"]".repeat(1000))).is_ok());
    }

    #[test]
    fn spans_and_integrality() {
        let mut r = Reader::new(r#"{"schema": {"type":"int32"} , "payload":1}"#);
        assert_eq!(r.next_token().unwrap(), Token::ObjectStart);
        let mut first = true;
        assert_eq!(r.object_next_key(&mut first).unwrap().unwrap(), "schema");
        assert_eq!(r.value_span().unwrap(), r#"{"type":"int32"}"#);
        assert!(is_integral("-0012"));
        assert!(!is_integral("1e5"));
        assert!(!is_integral("1.0"));
        assert!(Reader::from_bytes(&[b'"', 0xff, b'"']).is_err());
    }
}
