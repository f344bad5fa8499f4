//! LEB128 varints and zigzag signed integers.

use crate::error::CodecError;

#[inline(always)]
pub(crate) fn put_u64(out: &mut impl Sink, mut v: u64) {
    while v >= 0x80 {
        out.push_byte((v as u8) | 0x80);
        v >>= 7;
    }
    out.push_byte(v as u8);
}

#[inline(always)]
pub(crate) fn put_i64(out: &mut impl Sink, v: i64) {
    put_u64(out, ((v << 1) ^ (v >> 63)) as u64);
}

/// Bytes appended by the encoders: `Vec<u8>` and abi_stable's `RVec<u8>`.
pub(crate) trait Sink {
    fn push_byte(&mut self, b: u8);
    fn push_slice(&mut self, s: &[u8]);
}

impl Sink for Vec<u8> {
    #[inline(always)]
    fn push_byte(&mut self, b: u8) {
        self.push(b);
    }
    #[inline(always)]
    fn push_slice(&mut self, s: &[u8]) {
        self.extend_from_slice(s);
    }
}

impl Sink for ferry_plugin_abi::abi_stable::std_types::RVec<u8> {
    #[inline(always)]
    fn push_byte(&mut self, b: u8) {
        self.push(b);
    }
    #[inline(always)]
    fn push_slice(&mut self, s: &[u8]) {
        self.extend_from_copy_slice(s);
    }
}

/// The cursor ran past the end of its bytes (or read an over-long varint): becomes
/// [`CodecError::Truncated`] through `?`. Zero-sized, so that the cursor's results come back in
/// registers instead of through memory as a `Result<_, CodecError>` would (callgrind, boundary
/// benchmark: 5% fewer instructions for the value view).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Truncated;

impl From<Truncated> for CodecError {
    #[inline(always)]
    fn from(_: Truncated) -> Self {
        CodecError::Truncated
    }
}

/// A cursor over encoded bytes.
pub(crate) struct Cursor<'a> {
    pub(crate) buf: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Cursor<'a> {
    #[inline]
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Cursor { buf, pos: 0 }
    }

    pub(crate) fn at_end(&self) -> bool {
        self.pos >= self.buf.len()
    }

    /// The bytes from the cursor on.
    #[inline(always)]
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    #[inline(always)]
    pub(crate) fn byte(&mut self) -> Result<u8, Truncated> {
        let b = *self.buf.get(self.pos).ok_or(Truncated)?;
        self.pos += 1;
        Ok(b)
    }

    #[inline(always)]
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], Truncated> {
        let end = self.pos.checked_add(n).ok_or(Truncated)?;
        let s = self.buf.get(self.pos..end).ok_or(Truncated)?;
        self.pos = end;
        Ok(s)
    }

    #[inline(always)]
    pub(crate) fn u64(&mut self) -> Result<u64, Truncated> {
        if let Some(&b) = self.buf.get(self.pos) {
            if b < 0x80 {
                self.pos += 1;
                return Ok(u64::from(b));
            }
        }
        self.u64_multi_byte()
    }

    /// A varint of more than one byte (or a truncated one): out of line, so that the one-byte
    /// case above inlines into every reader.
    #[inline(never)]
    fn u64_multi_byte(&mut self) -> Result<u64, Truncated> {
        // Up to 8 bytes (56 bits: timestamps, ids) at once when 8 bytes are left: the first
        // byte without its high bit ends the varint; the 7-bit groups are then packed pairwise.
        if let Some(word) = self.rest().first_chunk::<8>() {
            let word = u64::from_le_bytes(*word);
            let ends = !word & 0x8080_8080_8080_8080;
            if ends != 0 {
                let bits = ends.trailing_zeros() + 1; // 8 per byte, through the last one
                let x = word & (u64::MAX >> (64 - bits)) & 0x7f7f_7f7f_7f7f_7f7f;
                let x = (x & 0x007f_007f_007f_007f) | ((x & 0x7f00_7f00_7f00_7f00) >> 1);
                let x = (x & 0x0000_3fff_0000_3fff) | ((x & 0x3fff_0000_3fff_0000) >> 2);
                let x = (x & 0x0000_0000_0fff_ffff) | ((x & 0x0fff_ffff_0000_0000) >> 4);
                self.pos += bits as usize / 8;
                return Ok(x);
            }
        }
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            if shift >= 64 {
                return Err(Truncated);
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
        }
    }

    #[inline(always)]
    pub(crate) fn i64(&mut self) -> Result<i64, Truncated> {
        let u = self.u64()?;
        Ok(((u >> 1) as i64) ^ -((u & 1) as i64))
    }

    #[inline(always)]
    pub(crate) fn len(&mut self) -> Result<usize, Truncated> {
        usize::try_from(self.u64()?).map_err(|_| Truncated)
    }

    /// A length-prefixed string, checked for UTF-8.
    #[inline]
    pub(crate) fn str(&mut self) -> Result<&'a str, CodecError> {
        let n = self.len()?;
        std::str::from_utf8(self.take(n)?).map_err(|_| CodecError::BadUtf8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zigzag_round_trips_extremes() {
        for v in [0, 1, -1, 63, -64, 64, i64::MAX, i64::MIN, 300, -300] {
            let mut out = Vec::new();
            put_i64(&mut out, v);
            assert_eq!(Cursor::new(&out).i64().unwrap(), v);
        }
        let mut out = Vec::new();
        put_u64(&mut out, 300);
        assert_eq!(out, [0xac, 0x02]);
    }

    /// The 8-byte fast path and the byte loop agree, for every length, with and without bytes
    /// after the varint, and on overlong and truncated encodings.
    #[test]
    fn multi_byte_varints_read_the_same_with_or_without_8_bytes_left() {
        let mut values: Vec<u64> = (0..64).map(|s| 1u64 << s).collect();
        values.extend((1..64).map(|s| (1u64 << s) - 1));
        values.extend([u64::MAX, 0x0123_4567_89ab_cdef, 1_700_000_000_000 << 1]);
        for v in values {
            let mut out = Vec::new();
            put_u64(&mut out, v);
            for tail in [0, 1, 7, 8, 12] {
                let mut bytes = out.clone();
                bytes.extend(std::iter::repeat_n(0xff, tail));
                let mut c = Cursor::new(&bytes);
                assert_eq!(c.u64().unwrap(), v, "{v:#x} with {tail} bytes after");
                assert_eq!(c.pos, out.len());
            }
        }
        // Overlong (a zero group at the end) is accepted as its value, as before.
        let mut c = Cursor::new(&[0x81, 0x80, 0x00, 0, 0, 0, 0, 0, 0]);
        assert_eq!(c.u64().unwrap(), 1);
        assert_eq!(c.pos, 3);
        // Eight continuation bytes then the end of the buffer: truncated.
        assert_eq!(Cursor::new(&[0x80; 8]).u64(), Err(Truncated));
        assert_eq!(Cursor::new(&[0xff; 11]).u64(), Err(Truncated));
    }
}
