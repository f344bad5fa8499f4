//! Java `.properties` parsing with the exact rules of `java.util.Properties.load`.
//!
//! * Natural lines end at `\n`, `\r` or `\r\n`. Leading spaces, tabs and form feeds are skipped.
//! * A line whose first non-blank character is `#` or `!` is a comment (a comment never continues).
//! * A line ending in an odd number of backslashes continues on the next line; the backslash
//!   is dropped, and so is the leading whitespace of the continuation line.
//! * The key ends at the first unescaped `=`, `:` or whitespace; whitespace and at most one
//!   `=`/`:` after it are skipped, and the rest of the line (trailing blanks included) is the value.
//! * Escapes in keys and values: `\t \n \r \f`, `\uXXXX` (UTF-16 units; surrogate pairs are
//!   combined), and `\x` for any other `x` is `x` itself (so `\\`, `\=`, `\:`, `\ `, `\#`).
//! * A later occurrence of a key overrides an earlier one.
//!
//! Two results are offered: [`parse`] gives a `BTreeMap` (sorted, what the rest of Ferry uses)
//! and [`parse_ordered`] keeps first-appearance order (with the last value) for callers that
//! want to echo a file back in its own order. Java's `Properties` itself is unordered.
//!
//! Deviations, all for inputs Java cannot represent or decodes badly: a lone UTF-16 surrogate
//! from `\uD800`-style escapes becomes U+FFFD (a Rust `String` cannot hold it), and
//! [`decode_bytes`]/[`load_file`] read UTF-8 (stripping a BOM) with an ISO-8859-1 fallback,
//! whereas `Properties.load(InputStream)` always decodes ISO-8859-1.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[cfg(test)]
mod tests;

/// Why a `.properties` text could not be parsed or read.
#[derive(Debug, thiserror::Error)]
pub enum PropertiesError {
    /// A `\u` escape not followed by four hexadecimal digits (Java's message, with the line of
    /// the logical line's first natural line).
    #[error("line {line}: Malformed \\uxxxx encoding.")]
    MalformedUnicodeEscape {
        /// 1-based number of the natural line on which the offending logical line starts.
        line: usize,
    },
    /// The file could not be read.
    #[error("could not read properties file '{}': {source}", path.display())]
    Io {
        /// The file that was being read.
        path: PathBuf,
        /// The underlying I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Parses `.properties` text into a sorted map; later keys override earlier ones.
pub fn parse(input: &str) -> Result<BTreeMap<String, String>, PropertiesError> {
    Ok(parse_ordered(input)?.into_iter().collect())
}

/// Parses `.properties` text into `(key, value)` pairs in order of each key's first appearance;
/// a repeated key keeps its first position and takes the last value.
pub fn parse_ordered(input: &str) -> Result<Vec<(String, String)>, PropertiesError> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    for line in logical_lines(input) {
        let (key, value) = split_line(&line.text);
        let key = unescape(key, line.number)?;
        let value = unescape(value, line.number)?;
        match index.get(&key) {
            Some(&at) => out[at].1 = value,
            None => {
                index.insert(key.clone(), out.len());
                out.push((key, value));
            }
        }
    }
    Ok(out)
}

/// Decodes the bytes of a properties file: UTF-8 (a leading BOM is dropped) when valid, else
/// ISO-8859-1, which is what Java's `Properties.load(InputStream)` assumes.
pub fn decode_bytes(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Cow::Borrowed(text),
        Err(_) => Cow::Owned(bytes.iter().map(|&b| char::from(b)).collect()),
    }
}

/// Reads and parses a properties file (see [`decode_bytes`] for the encoding).
pub fn load_file(path: &Path) -> Result<BTreeMap<String, String>, PropertiesError> {
    let bytes = std::fs::read(path).map_err(|source| PropertiesError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse(&decode_bytes(&bytes))
}

/// One logical line (natural lines joined by continuations), comments and blanks removed.
struct LogicalLine {
    text: Vec<char>,
    /// 1-based number of the natural line on which this logical line starts.
    number: usize,
}

fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\x0c')
}

/// Java's `Properties.LineReader.readLine` (JDK 9 and later), including its quirks: a `#` or
/// `!` starts a comment whenever the logical line is still empty (also right after a
/// continuation of a line holding only `\`), and a line ending in a continuation backslash
/// right before the end of input is still returned, even when that leaves it empty (Java then
/// stores the key `""`).
fn logical_lines(input: &str) -> Vec<LogicalLine> {
    let chars: Vec<char> = input.chars().collect();
    let line_of = natural_line_numbers(&chars);
    let mut lines = Vec::new();
    let mut buf: Vec<char> = Vec::new();
    let mut start = 1;
    let mut i = 0;
    let mut skip_blank = true;
    let mut appended_begin = false;
    let mut preceding_backslash = false;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        let eol = c == '\n' || c == '\r';
        if skip_blank {
            if is_blank(c) || (eol && !appended_begin) {
                continue;
            }
            skip_blank = false;
            appended_begin = false;
        }
        if buf.is_empty() && (c == '#' || c == '!') {
            // A comment runs up to and including the next line break.
            while let Some(&d) = chars.get(i) {
                i += 1;
                if d == '\n' || d == '\r' {
                    break;
                }
            }
            skip_blank = true;
            continue;
        }
        if !eol {
            if buf.is_empty() {
                start = line_of[i - 1];
            }
            buf.push(c);
            preceding_backslash = c == '\\' && !preceding_backslash;
            continue;
        }
        if buf.is_empty() {
            skip_blank = true;
            continue;
        }
        // Java checks for the end of input right after the line-break character, before it
        // would consume the `\n` of a `\r\n` continuation.
        let at_end = i >= chars.len();
        if preceding_backslash {
            buf.pop();
            preceding_backslash = false;
            if !at_end {
                skip_blank = true;
                appended_begin = true;
                if c == '\r' && chars.get(i) == Some(&'\n') {
                    i += 1;
                }
                continue;
            }
        }
        lines.push(LogicalLine {
            text: std::mem::take(&mut buf),
            number: start,
        });
        skip_blank = true;
    }
    if !buf.is_empty() {
        if preceding_backslash {
            buf.pop();
        }
        lines.push(LogicalLine {
            text: buf,
            number: start,
        });
    }
    lines
}

/// The 1-based natural line number of every character (`\r\n`, `\r` and `\n` end a line).
fn natural_line_numbers(chars: &[char]) -> Vec<usize> {
    let mut line = 1;
    let mut out = Vec::with_capacity(chars.len());
    for (idx, &c) in chars.iter().enumerate() {
        out.push(line);
        if c == '\n' || (c == '\r' && chars.get(idx + 1) != Some(&'\n')) {
            line += 1;
        }
    }
    out
}

/// Splits a logical line into its raw (still escaped) key and value, as `Properties.load0`.
fn split_line(line: &[char]) -> (&[char], &[char]) {
    let mut key_len = 0;
    let mut value_start = line.len();
    let mut has_sep = false;
    let mut preceding_backslash = false;
    while key_len < line.len() {
        let c = line[key_len];
        if !preceding_backslash && (c == '=' || c == ':') {
            value_start = key_len + 1;
            has_sep = true;
            break;
        }
        if !preceding_backslash && is_blank(c) {
            value_start = key_len + 1;
            break;
        }
        preceding_backslash = c == '\\' && !preceding_backslash;
        key_len += 1;
    }
    while value_start < line.len() {
        let c = line[value_start];
        if !is_blank(c) {
            if !has_sep && (c == '=' || c == ':') {
                has_sep = true;
            } else {
                break;
            }
        }
        value_start += 1;
    }
    (&line[..key_len], &line[value_start..])
}

/// Resolves escapes (`Properties.loadConvert`); `line` is only used for error messages.
fn unescape(raw: &[char], line: usize) -> Result<String, PropertiesError> {
    let mut units: Vec<u16> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let c = raw[i];
        i += 1;
        if c != '\\' {
            let mut tmp = [0u16; 2];
            units.extend_from_slice(c.encode_utf16(&mut tmp));
            continue;
        }
        // A lone trailing backslash cannot reach here from `logical_lines`; drop it if it does.
        let Some(&escaped) = raw.get(i) else { break };
        i += 1;
        let resolved = match escaped {
            'u' => {
                let digits = raw
                    .get(i..i + 4)
                    .ok_or(PropertiesError::MalformedUnicodeEscape { line })?;
                i += 4;
                let mut unit: u16 = 0;
                for d in digits {
                    let v = d
                        .to_digit(16)
                        .ok_or(PropertiesError::MalformedUnicodeEscape { line })?;
                    unit = (unit << 4) | v as u16;
                }
                units.push(unit);
                continue;
            }
            't' => '\t',
            'r' => '\r',
            'n' => '\n',
            'f' => '\x0c',
            other => other,
        };
        let mut tmp = [0u16; 2];
        units.extend_from_slice(resolved.encode_utf16(&mut tmp));
    }
    Ok(String::from_utf16_lossy(&units))
}
