//! Splits a byte stream into lines, tracking the byte position after each terminator.

use std::borrow::Cow;
use std::io::{self, Read};

const CHUNK: usize = 64 * 1024;

/// Lines end at `\n`, `\r` or `\r\n`, as in Kafka's task. A `\r` at the end of the data read so
/// far waits for the next byte; a last line without a terminator is not emitted until it has one.
pub(crate) struct LineReader<R> {
    inner: R,
    /// Zeroed once and grown only for a line longer than it: the data read is
    /// `buf[start..end]`.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Byte position (in the stream) of `buf[start]`.
    position: u64,
}

impl<R: Read> LineReader<R> {
    pub(crate) fn new(inner: R, position: u64) -> Self {
        LineReader {
            inner,
            buf: vec![0; CHUNK],
            start: 0,
            end: 0,
            position,
        }
    }

    /// The next complete line (malformed UTF-8 replaced, as Java's decoder does) and the byte
    /// position after its terminator; `None` when no whole line is available yet.
    pub(crate) fn next_line(&mut self) -> io::Result<Option<(Cow<'_, str>, u64)>> {
        loop {
            if let Some((len, term)) = find_line(&self.buf[self.start..self.end]) {
                let start = self.start;
                self.start += len + term;
                self.position += (len + term) as u64;
                let bytes = &self.buf[start..start + len];
                // A SIMD check first: the standard library's goes about a byte at a time over
                // lines of this length; `from_utf8_lossy` only for malformed text.
                let line = match simdutf8::basic::from_utf8(bytes) {
                    Ok(line) => Cow::Borrowed(line),
                    Err(_) => String::from_utf8_lossy(bytes),
                };
                return Ok(Some((line, self.position)));
            }
            if !self.fill()? {
                return Ok(None);
            }
        }
    }

    /// Read more bytes; `false` when none are available now.
    fn fill(&mut self) -> io::Result<bool> {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == self.buf.len() {
            // A line longer than the buffer: grow it.
            self.buf.resize(self.buf.len() * 2, 0);
        }
        let n = loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(n) => break n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        };
        self.end += n;
        Ok(n > 0)
    }
}

/// Length of the first complete line in `data` and of its terminator.
fn find_line(data: &[u8]) -> Option<(usize, usize)> {
    let i = memchr::memchr2(b'\n', b'\r', data)?;
    if data[i] == b'\n' {
        return Some((i, 1));
    }
    match data.get(i + 1) {
        Some(b'\n') => Some((i, 2)),
        Some(_) => Some((i, 1)),
        None => None, // a trailing '\r' may be the first half of "\r\n"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(input: &[u8]) -> Vec<(String, u64)> {
        let mut r = LineReader::new(input, 0);
        let mut out = Vec::new();
        while let Some((line, position)) = r.next_line().unwrap() {
            out.push((line.into_owned(), position));
        }
        out
    }

    #[test]
    fn splits_on_every_terminator_and_counts_bytes() {
        assert_eq!(
            lines(b"a\nbb\r\nc\rd"),
            vec![("a".into(), 2), ("bb".into(), 6), ("c".into(), 8)]
        );
        assert_eq!(
            lines("é\nx\n".as_bytes()),
            vec![("é".into(), 3), ("x".into(), 5)]
        );
    }

    #[test]
    fn malformed_utf8_is_replaced() {
        assert_eq!(
            lines(b"a\xffb\nok\n"),
            vec![("a\u{fffd}b".into(), 4), ("ok".into(), 7)]
        );
    }

    #[test]
    fn trailing_cr_waits_for_the_next_byte() {
        assert_eq!(lines(b"a\r"), vec![]);
        assert_eq!(lines(b"\n\n"), vec![("".into(), 1), ("".into(), 2)]);
    }

    #[test]
    fn long_lines_span_chunks() {
        let long = "x".repeat(200_000);
        let input = format!("{long}\nend\n");
        let got = lines(input.as_bytes());
        assert_eq!(got[0].0.len(), 200_000);
        assert_eq!(got[1], ("end".into(), 200_005));
    }
}
