//! LEB128 varints and zigzag signed integers.

use crate::error::CodecError;

pub(crate) fn put_u64(out: &mut impl Sink, mut v: u64) {
    while v >= 0x80 {
        out.push_byte((v as u8) | 0x80);
        v >>= 7;
    }
    out.push_byte(v as u8);
}

pub(crate) fn put_i64(out: &mut impl Sink, v: i64) {
    put_u64(out, ((v << 1) ^ (v >> 63)) as u64);
}

/// Bytes appended by the encoders: `Vec<u8>` and abi_stable's `RVec<u8>`.
pub(crate) trait Sink {
    fn push_byte(&mut self, b: u8);
    fn push_slice(&mut self, s: &[u8]);
}

impl Sink for Vec<u8> {
    fn push_byte(&mut self, b: u8) {
        self.push(b);
    }
    fn push_slice(&mut self, s: &[u8]) {
        self.extend_from_slice(s);
    }
}

impl Sink for ferry_plugin_abi::abi_stable::std_types::RVec<u8> {
    fn push_byte(&mut self, b: u8) {
        self.push(b);
    }
    fn push_slice(&mut self, s: &[u8]) {
        self.extend_from_copy_slice(s);
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

    #[inline(always)]
    pub(crate) fn byte(&mut self) -> Result<u8, CodecError> {
        let b = *self.buf.get(self.pos).ok_or(CodecError::Truncated)?;
        self.pos += 1;
        Ok(b)
    }

    #[inline(always)]
    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], CodecError> {
        let end = self.pos.checked_add(n).ok_or(CodecError::Truncated)?;
        let s = self.buf.get(self.pos..end).ok_or(CodecError::Truncated)?;
        self.pos = end;
        Ok(s)
    }

    #[inline(always)]
    pub(crate) fn u64(&mut self) -> Result<u64, CodecError> {
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
    fn u64_multi_byte(&mut self) -> Result<u64, CodecError> {
        let mut v = 0u64;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            if shift >= 64 {
                return Err(CodecError::Truncated);
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
        }
    }

    #[inline]
    pub(crate) fn i64(&mut self) -> Result<i64, CodecError> {
        let u = self.u64()?;
        Ok(((u >> 1) as i64) ^ -((u & 1) as i64))
    }

    #[inline]
    pub(crate) fn len(&mut self) -> Result<usize, CodecError> {
        usize::try_from(self.u64()?).map_err(|_| CodecError::Truncated)
    }

    #[inline(always)]
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
}
