//! A consumed message as librdkafka hands it over, read in place.
//!
//! A sink task takes its messages from librdkafka in batches ([`super::fetch`]), as bare
//! `rd_kafka_message_t` pointers that rdkafka's `BorrowedMessage` cannot wrap (its
//! constructors are private to rdkafka), and now and then as a `BorrowedMessage` from the
//! consumer's own queue. [`Msg`] reads either the same way, with the accessors
//! `BorrowedMessage` has.

use std::borrow::Cow;
use std::ffi::{c_char, c_void, CStr};
use std::marker::PhantomData;
use std::ptr;

use rdkafka::bindings as rdsys;
use rdkafka::message::{BorrowedMessage, Timestamp};
use rdkafka::types::RDKafkaRespErr;

/// A consumed message, borrowed from librdkafka for `'a`.
#[derive(Clone, Copy)]
pub struct Msg<'a> {
    raw: &'a rdsys::rd_kafka_message_t,
}

/// One header of a consumed message.
pub struct MsgHeader<'a> {
    pub key: Cow<'a, str>,
    pub value: Option<&'a [u8]>,
}

/// A consumed message's parsed headers.
#[derive(Clone, Copy)]
pub struct MsgHeaders<'a> {
    hdrs: *const rdsys::rd_kafka_headers_t,
    _message: PhantomData<&'a ()>,
}

#[allow(unsafe_code)]
unsafe fn opt_slice<'a>(data: *const c_void, len: usize) -> Option<&'a [u8]> {
    if data.is_null() {
        None
    } else {
        // SAFETY (caller): `data` points at `len` bytes alive for `'a`.
        Some(unsafe { std::slice::from_raw_parts(data.cast::<u8>(), len) })
    }
}

impl<'a> Msg<'a> {
    /// The message `ptr` points at.
    ///
    /// # Safety
    /// `ptr` is null or a consumed message that is neither destroyed nor changed during `'a`.
    #[allow(unsafe_code)]
    pub unsafe fn from_ptr(ptr: *const rdsys::rd_kafka_message_t) -> Option<Msg<'a>> {
        // SAFETY (caller): valid for `'a` when not null.
        unsafe { ptr.as_ref() }.map(|raw| Msg { raw })
    }

    /// The message rdkafka handed out as `msg`.
    #[allow(unsafe_code)]
    pub fn of(msg: &'a BorrowedMessage<'_>) -> Msg<'a> {
        // SAFETY: a `BorrowedMessage` owns a live message, unchanged while borrowed.
        Msg {
            raw: unsafe { &*msg.ptr() },
        }
    }

    pub fn as_ptr(&self) -> *const rdsys::rd_kafka_message_t {
        self.raw
    }

    /// The error this "message" reports instead of a record, if it is one.
    pub fn error(&self) -> Option<RDKafkaRespErr> {
        (self.raw.err != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR).then_some(self.raw.err)
    }

    /// The handle of the message's topic (held by the message).
    pub fn topic_handle(&self) -> *mut rdsys::rd_kafka_topic_t {
        self.raw.rkt
    }

    /// The message's topic. Kafka's topic names are ASCII (`[a-zA-Z0-9._-]`).
    #[allow(unsafe_code)]
    pub fn topic(&self) -> &'a str {
        // SAFETY: the message holds its topic handle, whose name lives as long as the handle.
        let name = unsafe { CStr::from_ptr(rdsys::rd_kafka_topic_name(self.raw.rkt)) };
        name.to_str().unwrap_or_default()
    }

    pub fn partition(&self) -> i32 {
        self.raw.partition
    }

    pub fn offset(&self) -> i64 {
        self.raw.offset
    }

    #[allow(unsafe_code)]
    pub fn key(&self) -> Option<&'a [u8]> {
        // SAFETY: librdkafka's key pointer and length, alive with the message.
        unsafe { opt_slice(self.raw.key, self.raw.key_len) }
    }

    #[allow(unsafe_code)]
    pub fn payload(&self) -> Option<&'a [u8]> {
        // SAFETY: librdkafka's payload pointer and length, alive with the message.
        unsafe { opt_slice(self.raw.payload, self.raw.len) }
    }

    #[allow(unsafe_code)]
    pub fn timestamp(&self) -> Timestamp {
        use rdsys::rd_kafka_timestamp_type_t::*;
        let mut kind = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
        // SAFETY: a live message; librdkafka only reads it.
        let at = unsafe { rdsys::rd_kafka_message_timestamp(self.raw, &mut kind) };
        match kind {
            _ if at == -1 => Timestamp::NotAvailable,
            RD_KAFKA_TIMESTAMP_CREATE_TIME => Timestamp::CreateTime(at),
            RD_KAFKA_TIMESTAMP_LOG_APPEND_TIME => Timestamp::LogAppendTime(at),
            RD_KAFKA_TIMESTAMP_NOT_AVAILABLE => Timestamp::NotAvailable,
        }
    }

    /// The message's headers, parsed by librdkafka (see `HeaderPeek` to avoid asking for
    /// messages without any).
    #[allow(unsafe_code)]
    pub fn headers(&self) -> Option<MsgHeaders<'a>> {
        let mut hdrs = ptr::null_mut();
        // SAFETY: a live message owned by this thread; librdkafka parses its header bytes once
        // and keeps the result with the message, which outlives `'a`.
        let err = unsafe { rdsys::rd_kafka_message_headers(self.raw, &mut hdrs) };
        (err == RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR && !hdrs.is_null()).then_some(
            MsgHeaders {
                hdrs,
                _message: PhantomData,
            },
        )
    }
}

impl<'a> MsgHeaders<'a> {
    /// The headers in order (a key may repeat).
    pub fn iter(self) -> impl Iterator<Item = MsgHeader<'a>> {
        (0..).map_while(move |i| self.get(i))
    }

    #[allow(unsafe_code)]
    fn get(&self, idx: usize) -> Option<MsgHeader<'a>> {
        let mut name: *const c_char = ptr::null();
        let mut value: *const c_void = ptr::null();
        let mut size = 0usize;
        // SAFETY: `hdrs` belongs to a message alive for `'a`; librdkafka returns pointers into
        // it, or an error past the last header.
        let err = unsafe {
            rdsys::rd_kafka_header_get_all(self.hdrs, idx, &mut name, &mut value, &mut size)
        };
        if err != RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR || name.is_null() {
            return None;
        }
        // SAFETY: a NUL-terminated name and `size` value bytes (or null), alive for `'a`.
        let (key, value) = unsafe { (CStr::from_ptr(name), opt_slice(value, size)) };
        Some(MsgHeader {
            key: key.to_string_lossy(),
            value,
        })
    }
}
