//! Kafka's `Struct` primitive types as Connect's group protocol uses them: INT16/INT32/INT64
//! big-endian, STRING (INT16 length + UTF-8), BYTES / NULLABLE_BYTES (INT32 length, −1 = null),
//! ARRAY (INT32 count, −1 = null when nullable).

use bytes::BufMut;

use crate::error::WireError;

/// Reads primitives from a byte slice, naming the field in errors.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }

    /// Whether any byte is left (Kafka's `buffer.hasRemaining()`, used by schemas that tolerate
    /// missing trailing fields).
    pub(crate) fn has_remaining(&self) -> bool {
        !self.buf.is_empty()
    }

    fn take(&mut self, field: &'static str, n: usize) -> Result<&'a [u8], WireError> {
        if self.buf.len() < n {
            return Err(WireError::Truncated {
                field,
                needed: n,
                remaining: self.buf.len(),
            });
        }
        let (head, tail) = self.buf.split_at(n);
        self.buf = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self, field: &'static str) -> Result<[u8; N], WireError> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(field, N)?);
        Ok(out)
    }

    pub(crate) fn i16(&mut self, field: &'static str) -> Result<i16, WireError> {
        Ok(i16::from_be_bytes(self.array(field)?))
    }

    pub(crate) fn i32(&mut self, field: &'static str) -> Result<i32, WireError> {
        Ok(i32::from_be_bytes(self.array(field)?))
    }

    pub(crate) fn i64(&mut self, field: &'static str) -> Result<i64, WireError> {
        Ok(i64::from_be_bytes(self.array(field)?))
    }

    pub(crate) fn string(&mut self, field: &'static str) -> Result<String, WireError> {
        let len = self.i16(field)?;
        let len = usize::try_from(len).map_err(|_| WireError::NegativeLength {
            field,
            length: i32::from(len),
        })?;
        let bytes = self.take(field, len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| WireError::InvalidUtf8 { field })
    }

    pub(crate) fn nullable_bytes(
        &mut self,
        field: &'static str,
    ) -> Result<Option<&'a [u8]>, WireError> {
        let len = self.i32(field)?;
        if len < 0 {
            return Ok(None);
        }
        // A non-negative i32 always fits in usize on the platforms we build for.
        let len =
            usize::try_from(len).map_err(|_| WireError::NegativeLength { field, length: len })?;
        self.take(field, len).map(Some)
    }

    /// An ARRAY's element count; `None` for a null array (count −1) when `nullable`.
    pub(crate) fn array_len(
        &mut self,
        field: &'static str,
        nullable: bool,
    ) -> Result<Option<usize>, WireError> {
        let count = self.i32(field)?;
        if count < 0 {
            if nullable {
                return Ok(None);
            }
            return Err(WireError::NegativeLength {
                field,
                length: count,
            });
        }
        usize::try_from(count)
            .map(Some)
            .map_err(|_| WireError::NegativeLength {
                field,
                length: count,
            })
    }
}

/// Writes primitives into a growing buffer.
#[derive(Debug, Default)]
pub(crate) struct Writer {
    buf: Vec<u8>,
}

impl Writer {
    pub(crate) fn new() -> Self {
        Writer::default()
    }

    pub(crate) fn into_bytes(self) -> bytes::Bytes {
        bytes::Bytes::from(self.buf)
    }

    pub(crate) fn i16(&mut self, v: i16) {
        self.buf.put_i16(v);
    }

    pub(crate) fn i32(&mut self, v: i32) {
        self.buf.put_i32(v);
    }

    pub(crate) fn i64(&mut self, v: i64) {
        self.buf.put_i64(v);
    }

    pub(crate) fn string(&mut self, field: &'static str, s: &str) -> Result<(), WireError> {
        let len = i16::try_from(s.len()).map_err(|_| WireError::StringTooLong {
            field,
            length: s.len(),
        })?;
        self.buf.put_i16(len);
        self.buf.put_slice(s.as_bytes());
        Ok(())
    }

    /// NULLABLE_BYTES. Lengths above `i32::MAX` cannot occur for the payloads written here
    /// (an assignment is bounded by the number of tasks); they are clamped defensively.
    pub(crate) fn nullable_bytes(&mut self, bytes: Option<&[u8]>) {
        match bytes {
            None => self.buf.put_i32(-1),
            Some(b) => {
                self.buf.put_i32(i32::try_from(b.len()).unwrap_or(i32::MAX));
                self.buf.put_slice(b);
            }
        }
    }

    pub(crate) fn array_len(&mut self, len: usize) {
        self.buf.put_i32(i32::try_from(len).unwrap_or(i32::MAX));
    }
}
