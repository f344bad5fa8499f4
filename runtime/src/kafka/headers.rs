//! Whether a consumed message has headers, without asking librdkafka to parse them.
//!
//! `rd_kafka_message_headers` parses a message's header bytes on every call: for a record of
//! format v2 without headers those bytes are the header count `0`, so it allocates a parse
//! buffer, reads the count, frees the buffer and returns "no headers" without remembering it:
//! about a third of a sink task's time per record when records have no headers. librdkafka has
//! no public way to tell first, so this reads the length of the unparsed header bytes from its
//! message struct (`rd_kafka_msg_t.rkm_u.consumer.binhdrs.len`). That struct is private, so:
//!
//! - the offsets are those of the librdkafka version rdkafka-sys bundles (checked with
//!   `offsetof` against its headers when it was last upgraded), used only when the library
//!   reports exactly that version on a 64-bit target;
//! - on every message, the private fields around the one read must agree with what the public
//!   accessors return (timestamp and its type, broker id, a consumed message); the first
//!   disagreement turns the shortcut off for good and `rd_kafka_message_headers` is asked, as
//!   without it.
//!
//! A length of at most one byte means no headers (one byte is the count `0`; a nonzero count
//! in one byte is malformed, which librdkafka also reports as no headers).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use rdkafka::bindings as rdsys;
use tracing::debug;

use super::message::{Msg, MsgHeaders};

/// `rd_kafka_version()` of the librdkafka whose layout is below: 2.12.1.
const LAYOUT_VERSION: i32 = 0x020c_01ff;

/// Byte offsets in `rd_kafka_msg_t` (librdkafka 2.12.1, LP64), from `offsetof`.
mod offsets {
    pub const FLAGS: usize = 88;
    pub const TSTYPE: usize = 92;
    pub const TIMESTAMP: usize = 96;
    pub const HEADERS: usize = 104;
    pub const BROKER_ID: usize = 116;
    pub const BINHDRS_LEN: usize = 120;
}

/// `RD_KAFKA_MSG_F_PRODUCER`: set on messages a producer made.
const MSG_F_PRODUCER: i32 = 0x40000;

/// The peek, or `None` when it must not be used (another librdkafka, another layout).
#[derive(Debug)]
pub struct HeaderPeek {
    usable: AtomicBool,
}

impl HeaderPeek {
    /// A peek that is usable when the linked librdkafka is the one whose layout it knows.
    pub fn new() -> HeaderPeek {
        static MATCHES: OnceLock<bool> = OnceLock::new();
        let matches = *MATCHES.get_or_init(|| {
            let (version, text) = rdkafka::util::get_rdkafka_version();
            let matches = version == LAYOUT_VERSION && cfg!(target_pointer_width = "64");
            if !matches {
                debug!(version = %text, "Consumed messages' headers are parsed by librdkafka for every message");
            }
            matches
        });
        HeaderPeek {
            usable: AtomicBool::new(matches),
        }
    }

    /// The message's headers, parsed by librdkafka only when it has any.
    pub fn headers<'m>(&self, msg: Msg<'m>) -> Option<MsgHeaders<'m>> {
        match self.has_headers(msg) {
            Some(false) => None,
            Some(true) | None => msg.headers(),
        }
    }

    /// Whether the message has headers; `None` when that cannot be told without parsing.
    pub fn has_headers(&self, msg: Msg<'_>) -> Option<bool> {
        if !self.usable.load(Ordering::Relaxed) {
            return None;
        }
        let found = peek(msg);
        if found.is_none() {
            debug!("librdkafka's message layout is not the expected one: headers are parsed for every message");
            self.usable.store(false, Ordering::Relaxed);
        }
        found
    }
}

impl Default for HeaderPeek {
    fn default() -> Self {
        HeaderPeek::new()
    }
}

/// Reads the private fields of a consumed message; `None` when they do not agree with the
/// public accessors (or the message is not a plain consumed message).
#[allow(unsafe_code)]
fn peek(msg: Msg<'_>) -> Option<bool> {
    let ptr = msg.as_ptr();
    let mut tstype: rdsys::rd_kafka_timestamp_type_t =
        rdsys::rd_kafka_timestamp_type_t::RD_KAFKA_TIMESTAMP_NOT_AVAILABLE;
    // SAFETY: `ptr` is the live message `msg` borrows. The public accessors take it as
    // librdkafka returned it.
    let (timestamp, broker_id) = unsafe {
        (
            rdsys::rd_kafka_message_timestamp(ptr, &mut tstype),
            rdsys::rd_kafka_message_broker_id(ptr),
        )
    };
    // SAFETY: a consumed message is the first member of librdkafka's `rd_kafka_msg_t` (176
    // bytes in the version `HeaderPeek::new` checked), embedded in the op that stays alive
    // while `msg` does, so reads within its first 124 bytes stay in that allocation. Fields
    // are read unaligned-safe and as plain integers; no pointer is followed.
    let at = |offset: usize| unsafe { ptr.cast::<u8>().add(offset) };
    let (flags, raw_tstype, raw_timestamp, parsed, raw_broker_id, len) = unsafe {
        (
            at(offsets::FLAGS).cast::<i32>().read_unaligned(),
            at(offsets::TSTYPE).cast::<i32>().read_unaligned(),
            at(offsets::TIMESTAMP).cast::<i64>().read_unaligned(),
            at(offsets::HEADERS).cast::<usize>().read_unaligned(),
            at(offsets::BROKER_ID).cast::<i32>().read_unaligned(),
            at(offsets::BINHDRS_LEN).cast::<i32>().read_unaligned(),
        )
    };
    let agrees = raw_timestamp == timestamp
        && raw_tstype == tstype as i32
        && raw_broker_id == broker_id
        && flags & MSG_F_PRODUCER == 0;
    // Headers already parsed (and kept) means there are some.
    agrees.then_some(parsed != 0 || len > 1)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use rdkafka::consumer::{BaseConsumer, Consumer};
    use rdkafka::message::{Header, Headers, Message, OwnedHeaders};
    use rdkafka::mocking::MockCluster;
    use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};
    use rdkafka::ClientConfig;

    use super::*;

    /// Against librdkafka's mock broker: messages with and without headers (and with an empty
    /// header value) are told apart, and the peek is in use with the bundled librdkafka.
    #[test]
    fn tells_messages_with_headers_from_messages_without() {
        let cluster: MockCluster<'static, DefaultProducerContext> = MockCluster::new(1).unwrap();
        cluster.create_topic("t", 1, 1).unwrap();
        let bootstrap = cluster.bootstrap_servers();
        let producer: ThreadedProducer<DefaultProducerContext> = ClientConfig::new()
            .set("bootstrap.servers", &bootstrap)
            .create()
            .unwrap();
        let with = OwnedHeaders::new().insert(Header {
            key: "k",
            value: Some("v"),
        });
        let empty = OwnedHeaders::new().insert(Header::<&str> {
            key: "",
            value: None,
        });
        for (i, headers) in [None, Some(with), None, Some(empty)]
            .into_iter()
            .enumerate()
        {
            let key = i.to_string();
            let mut record = BaseRecord::<str, str>::to("t").key(&key).payload("x");
            if let Some(h) = headers {
                record = record.headers(h);
            }
            producer.send(record).map_err(|(e, _)| e).unwrap();
        }
        producer.flush(Duration::from_secs(10)).unwrap();

        let consumer: BaseConsumer = ClientConfig::new()
            .set("bootstrap.servers", &bootstrap)
            .set("group.id", "g")
            .set("auto.offset.reset", "earliest")
            .create()
            .unwrap();
        consumer.subscribe(&["t"]).unwrap();
        let peek = HeaderPeek::new();
        let mut seen = Vec::new();
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        while seen.len() < 4 && std::time::Instant::now() < deadline {
            let Some(msg) = consumer.poll(Duration::from_millis(100)) else {
                continue;
            };
            let msg = msg.unwrap();
            let fast = peek.has_headers(Msg::of(&msg));
            let count = peek.headers(Msg::of(&msg)).map(|h| h.iter().count());
            assert_eq!(count, msg.headers().map(|h| h.iter().count()));
            seen.push((fast, count));
        }
        assert_eq!(
            seen,
            [
                (Some(false), None),
                (Some(true), Some(1)),
                (Some(false), None),
                (Some(true), Some(1)),
            ]
        );
    }
}
