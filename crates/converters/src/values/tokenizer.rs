//! The tokenizer of `Values.Parser`: splits text at the delimiters `: , { } [ ] "` (unless
//! escaped with a backslash), with one token of lookahead, marks and rewinds.

/// Java's `String.trim()`: strips characters up to U+0020 at both ends.
pub(crate) fn java_trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= ' ')
}

/// Java's `Utils.isBlank`.
pub(crate) fn is_blank(s: &str) -> bool {
    java_trim(s).is_empty()
}

pub(crate) struct Tokenizer<'a> {
    original: &'a str,
    pos: usize,
    /// A token read ahead by `can_consume`/`is_next` (the position is past it).
    next_token: Option<&'a str>,
}

impl<'a> Tokenizer<'a> {
    pub(crate) fn new(original: &'a str) -> Self {
        Tokenizer {
            original,
            pos: 0,
            next_token: None,
        }
    }

    pub(crate) fn original(&self) -> &'a str {
        self.original
    }

    #[cfg(test)]
    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// The position of the next token.
    pub(crate) fn mark(&self) -> usize {
        self.pos - self.next_token.map_or(0, str::len)
    }

    pub(crate) fn rewind_to(&mut self, position: usize) {
        self.pos = position;
        self.next_token = None;
    }

    pub(crate) fn has_next(&self) -> bool {
        self.next_token.is_some() || self.pos < self.original.len()
    }

    pub(crate) fn next(&mut self) -> &'a str {
        match self.next_token.take() {
            Some(t) => t,
            None => self.consume_next_token(),
        }
    }

    /// The text of the next `n` tokens, or `None` (position unchanged) if there are fewer.
    pub(crate) fn next_n(&mut self, n: usize) -> Option<&'a str> {
        let start = self.mark();
        for _ in 0..n {
            if !self.has_next() {
                self.rewind_to(start);
                return None;
            }
            self.next();
        }
        Some(&self.original[start..self.pos])
    }

    fn consume_next_token(&mut self) -> &'a str {
        let bytes = self.original.as_bytes();
        let start = self.pos;
        let mut escaped = false;
        while let Some(&c) = bytes.get(self.pos) {
            match c {
                b'\\' => escaped = !escaped,
                b':' | b',' | b'{' | b'}' | b'[' | b']' | b'"' if !escaped => {
                    if start < self.pos {
                        return &self.original[start..self.pos];
                    }
                    self.pos += 1;
                    return &self.original[start..self.pos];
                }
                _ => escaped = false,
            }
            self.pos += 1;
        }
        &self.original[start..self.pos]
    }

    /// Consumes the next token if, trimmed, it is `expected` (skipping blank tokens first).
    pub(crate) fn can_consume(&mut self, expected: &str) -> bool {
        if self.is_next(expected) {
            self.next_token = None;
            true
        } else {
            false
        }
    }

    fn is_next(&mut self, expected: &str) -> bool {
        let mut token = match self.next_token {
            Some(t) => t,
            None if !self.has_next() => return false,
            None => self.consume_next_token(),
        };
        while is_blank(token) && self.pos < self.original.len() {
            token = self.consume_next_token();
        }
        self.next_token = Some(token);
        java_trim(token) == expected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ValuesTest.assertParsed`: the tokens, with marks and rewinds along the way.
    fn assert_tokens(input: &str, expected: &[&str]) {
        let mut t = Tokenizer::new(input);
        for token in expected {
            assert!(t.has_next());
            let position = t.mark();
            assert_eq!(t.next(), *token);
            assert_eq!(t.position(), position + token.len());
            t.rewind_to(position);
            assert_eq!(t.next(), *token);
        }
        assert!(!t.has_next(), "{input}");
        for fresh in [true, false] {
            let mut t = Tokenizer::new(input);
            if !fresh {
                t.rewind_to(0);
            }
            for token in expected.iter().filter(|t| !is_blank(t)) {
                let position = t.mark();
                assert!(t.can_consume(java_trim(token)), "{input}: {token}");
                t.rewind_to(position);
                assert!(t.can_consume(java_trim(token)));
            }
        }
    }

    #[test]
    fn tokens_like_values_parser() {
        for plain in [
            "  ",
            "simple",
            "simple string",
            "simple \n\t\u{8}string",
            "'simple' string",
            "si\\mple",
            "si\\\\mple",
        ] {
            assert_tokens(plain, &[plain]);
        }
        for escaped in [
            "si\\\"mple",
            "si\\{mple",
            "si\\}mple",
            "si\\]mple",
            "si\\[mple",
            "si\\:mple",
            "si\\,mple",
        ] {
            assert_tokens(escaped, &[escaped]);
        }
        for d in [":", ",", "{", "}", "[", "]", "\""] {
            assert_tokens(&format!("a{d}b"), &["a", d, "b"]);
            assert_tokens(&format!("{d}b"), &[d, "b"]);
            assert_tokens(d, &[d]);
        }
        assert_tokens("\"simple\" string", &["\"", "simple", "\"", " string"]);
        assert_tokens("a{bc}d", &["a", "{", "bc", "}", "d"]);
        assert_tokens("a { b c } d", &["a ", "{", " b c ", "}", " d"]);
    }

    #[test]
    fn next_n_consumes_or_rewinds() {
        let mut t = Tokenizer::new("a:b:c:d:e:f:g:h");
        assert_eq!(t.next_n(5), Some("a:b:c"));
        assert_eq!(t.next(), ":");
        assert_eq!(t.next(), "d");
        assert_eq!(t.next(), ":");
        assert_eq!(t.next_n(8), None);
        assert_eq!(t.next(), "e");
    }
}
