use abi_stable::std_types::{RSlice, RVec};
use abi_stable::StableAbi;

/// A byte range in a batch's arena. `len == u32::MAX` means null.
#[repr(C)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Span {
    pub off: u32,
    pub len: u32,
}

impl Span {
    pub const NULL: Span = Span {
        off: 0,
        len: u32::MAX,
    };

    #[inline]
    pub fn is_null(self) -> bool {
        self.len == u32::MAX
    }

    /// The bytes of this span in `arena`, `None` for null or out-of-range spans.
    #[inline]
    pub fn get(self, arena: &[u8]) -> Option<&[u8]> {
        if self.is_null() {
            return None;
        }
        let start = self.off as usize;
        arena.get(start..start.checked_add(self.len as usize)?)
    }
}

/// Schema index meaning "no schema".
pub const NO_SCHEMA: u32 = u32::MAX;
/// Timestamp meaning "none" (the producer assigns one).
pub const NO_TIMESTAMP: i64 = i64::MIN;

/// A bit of [`RecordHeader::_reserved`]`[0]` on a polled source record: the task keeps Kafka's
/// default `commitRecord`, which does nothing, so the worker need not pass the record to
/// `commit_records` once Kafka acknowledged it. Advisory: a worker that ignores it (all before
/// it existed) passes the record anyway, which is always correct; older plugins write zero.
pub const RECORD_FLAG_NO_COMMIT_RECORD: u8 = 1;

/// Kafka's timestamp type.
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimestampType(pub u8);

impl TimestampType {
    pub const NONE: TimestampType = TimestampType(0);
    pub const CREATE_TIME: TimestampType = TimestampType(1);
    pub const LOG_APPEND_TIME: TimestampType = TimestampType(2);
}

/// Fixed-size metadata of one record. 80 bytes, no pointers: everything variable-length is a
/// [`Span`] into the arena or an index into a table.
#[repr(C)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordHeader {
    /// Kafka offset (sink records, acknowledged source records); -1 otherwise.
    pub offset: i64,
    /// Milliseconds since the epoch, or [`NO_TIMESTAMP`].
    pub timestamp: i64,
    /// Kafka partition; -1 lets the producer choose.
    pub partition: i32,
    /// Index into the batch's topic table.
    pub topic: u32,
    /// Index into the batch's schema table, or [`NO_SCHEMA`].
    pub key_schema: u32,
    /// Index into the batch's schema table, or [`NO_SCHEMA`].
    pub value_schema: u32,
    pub timestamp_type: TimestampType,
    /// `[0]`: flags ([`RECORD_FLAG_NO_COMMIT_RECORD`]); the rest is written as zero.
    pub _reserved: [u8; 3],
    pub _reserved2: u32,
    /// Encoded key value (`docs/abi.md`), or null.
    pub key: Span,
    /// Encoded value, or null (a tombstone).
    pub value: Span,
    /// Encoded headers, or null for none.
    pub headers: Span,
    /// Source partition as JSON object text (source records).
    pub source_partition: Span,
    /// Source offset as JSON object text (source records).
    pub source_offset: Span,
}

impl Default for RecordHeader {
    fn default() -> Self {
        RecordHeader {
            offset: -1,
            timestamp: NO_TIMESTAMP,
            partition: -1,
            topic: 0,
            key_schema: NO_SCHEMA,
            value_schema: NO_SCHEMA,
            timestamp_type: TimestampType::NONE,
            _reserved: [0; 3],
            _reserved2: 0,
            key: Span::NULL,
            value: Span::NULL,
            headers: Span::NULL,
            source_partition: Span::NULL,
            source_offset: Span::NULL,
        }
    }
}

/// A batch the worker lends to a plugin for one call (sink `put`, source `commit_records`).
#[repr(C)]
#[derive(StableAbi, Clone, Copy)]
pub struct BatchRef<'a> {
    /// [`crate::ENCODING_VERSION`] of the values in `arena`.
    pub encoding: u32,
    pub records: RSlice<'a, RecordHeader>,
    /// Topic names: spans into `arena` holding UTF-8.
    pub topics: RSlice<'a, Span>,
    /// The schema table: encoded schemas back to back; record headers index it.
    pub schemas: RSlice<'a, u8>,
    pub arena: RSlice<'a, u8>,
}

/// A batch buffer the worker owns and a source task fills in `poll`. The worker clears and
/// reuses it, so a steady-state poll allocates nothing. `RVec` carries its allocator, so the
/// plugin may grow it.
#[repr(C)]
#[derive(StableAbi, Default)]
pub struct BatchBuf {
    pub encoding: u32,
    pub records: RVec<RecordHeader>,
    pub topics: RVec<Span>,
    pub schemas: RVec<u8>,
    pub arena: RVec<u8>,
}

impl BatchBuf {
    pub fn new() -> BatchBuf {
        BatchBuf {
            encoding: crate::ENCODING_VERSION,
            ..BatchBuf::default()
        }
    }

    /// Empty the buffer, keeping its capacity.
    pub fn clear(&mut self) {
        self.encoding = crate::ENCODING_VERSION;
        self.records.clear();
        self.topics.clear();
        self.schemas.clear();
        self.arena.clear();
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Borrow as a [`BatchRef`].
    pub fn as_batch_ref(&self) -> BatchRef<'_> {
        BatchRef {
            encoding: self.encoding,
            records: self.records.as_rslice(),
            topics: self.topics.as_rslice(),
            schemas: self.schemas.as_rslice(),
            arena: self.arena.as_rslice(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_header_is_80_bytes() {
        assert_eq!(std::mem::size_of::<RecordHeader>(), 80);
        assert_eq!(std::mem::align_of::<RecordHeader>(), 8);
    }

    #[test]
    fn span_get_checks_bounds() {
        let arena = b"hello";
        assert_eq!(Span { off: 1, len: 3 }.get(arena), Some(&b"ell"[..]));
        assert_eq!(Span { off: 4, len: 3 }.get(arena), None);
        assert_eq!(Span::NULL.get(arena), None);
    }
}
