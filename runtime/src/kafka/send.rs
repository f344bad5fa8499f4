//! librdkafka topic handles kept per topic, and producing one record through one.
//!
//! rdkafka's `BaseProducer::send` makes a C string of the topic name and has librdkafka look
//! the topic up (and release it) for every record. A source task sends runs of records to a
//! few topics, so [`TopicHandles`] keeps one `rd_kafka_topic_t` per topic, made on first use
//! and destroyed with the output, and [`TopicHandles::produce`] hands librdkafka the handle
//! (`RD_KAFKA_VTYPE_RKT`) instead of the name. Everything else is what `send` passes:
//! the payload and key copied by librdkafka (`RD_KAFKA_MSG_F_COPY`), the record's sequence
//! number as the opaque that [`AckContext`](super::deliveries::AckContext) reads back
//! (rdkafka's `usize` opaque is the pointer value itself). Records with headers are not
//! produced here: rdkafka keeps the headers' native handle to itself, so they go through
//! `send`. A sink's consumer holds handles too, to tell a message's topic by its handle
//! (`KafkaInput`).

use std::ffi::{c_void, CString};
use std::ptr;

use rdkafka::bindings as rdsys;
use rdkafka::error::RDKafkaErrorCode;
use rdkafka::types::RDKafkaRespErr;

/// A topic handle, released on drop.
struct TopicHandle(*mut rdsys::rd_kafka_topic_t);

#[allow(unsafe_code)]
// SAFETY: librdkafka's topic handles are thread-safe (reference-counted, internally locked);
// this one is only used with the client it was made from.
unsafe impl Send for TopicHandle {}

impl Drop for TopicHandle {
    #[allow(unsafe_code)]
    fn drop(&mut self) {
        // SAFETY: made by `rd_kafka_topic_new` and released exactly once, here.
        unsafe { rdsys::rd_kafka_topic_destroy(self.0) }
    }
}

/// One record without headers to produce, borrowed.
pub struct Produce<'a> {
    pub topic: &'a str,
    pub partition: Option<i32>,
    pub timestamp: Option<i64>,
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    pub seq: u64,
}

/// Why a record was not accepted.
#[derive(Debug)]
pub enum ProduceError {
    /// librdkafka refused it.
    Refused(RDKafkaErrorCode),
    /// The topic name cannot be a C string or librdkafka cannot make a handle for it.
    Topic(String),
}

/// The topic handles of one client (a producer, or a consumer naming its messages' topics).
/// Must be dropped before the client (librdkafka waits for topic handles when the client is
/// destroyed).
#[derive(Default)]
pub struct TopicHandles {
    handles: Vec<(Box<str>, TopicHandle)>,
    /// Index of the handle used last: records come in runs of one topic.
    last: usize,
}

impl TopicHandles {
    /// The handle of `topic` on client `rk` (rdkafka's `native_ptr()`), made on first use and
    /// held until `self` is dropped: while held, no other topic can have its address.
    #[allow(unsafe_code)]
    pub fn get(
        &mut self,
        rk: *mut rdsys::rd_kafka_t,
        topic: &str,
    ) -> Result<*mut rdsys::rd_kafka_topic_t, ProduceError> {
        if let Some((name, h)) = self.handles.get(self.last) {
            if **name == *topic {
                return Ok(h.0);
            }
        }
        if let Some(i) = self.handles.iter().position(|(name, _)| **name == *topic) {
            self.last = i;
            return Ok(self.handles[i].1 .0);
        }
        let name = CString::new(topic)
            .map_err(|_| ProduceError::Topic(format!("topic name {topic:?} contains a NUL")))?;
        // SAFETY: `rk` is a live producer handle and `name` a valid C string; a null
        // configuration takes the producer's default topic configuration.
        let h = unsafe { rdsys::rd_kafka_topic_new(rk, name.as_ptr(), ptr::null_mut()) };
        if h.is_null() {
            return Err(ProduceError::Topic(format!(
                "librdkafka refused topic name {topic:?}"
            )));
        }
        self.handles.push((topic.into(), TopicHandle(h)));
        self.last = self.handles.len() - 1;
        Ok(h)
    }

    /// Enqueue `record` on the producer `rk` (rdkafka's `native_ptr()`), whose delivery
    /// opaque is a `usize`.
    #[allow(unsafe_code)]
    pub fn produce(
        &mut self,
        rk: *mut rdsys::rd_kafka_t,
        record: Produce<'_>,
    ) -> Result<(), ProduceError> {
        fn bytes(b: Option<&[u8]>) -> (*mut c_void, usize) {
            b.map_or((ptr::null_mut(), 0), |b| {
                (b.as_ptr() as *mut c_void, b.len())
            })
        }
        let rkt = self.get(rk, record.topic)?;
        let (value_ptr, value_len) = bytes(record.value);
        let (key_ptr, key_len) = bytes(record.key);
        use rdsys::rd_kafka_vtype_t::*;
        // SAFETY: the argument list is what `BaseProducer::send` passes, with the topic
        // handle (alive as long as `self`) in place of the name; librdkafka copies the key
        // and value before returning (`MSG_F_COPY`).
        let err = unsafe {
            rdsys::rd_kafka_producev(
                rk,
                RD_KAFKA_VTYPE_RKT,
                rkt,
                RD_KAFKA_VTYPE_PARTITION,
                record.partition.unwrap_or(-1),
                RD_KAFKA_VTYPE_MSGFLAGS,
                rdsys::RD_KAFKA_MSG_F_COPY,
                RD_KAFKA_VTYPE_VALUE,
                value_ptr,
                value_len,
                RD_KAFKA_VTYPE_KEY,
                key_ptr,
                key_len,
                RD_KAFKA_VTYPE_OPAQUE,
                record.seq as usize as *mut c_void,
                RD_KAFKA_VTYPE_TIMESTAMP,
                record.timestamp.unwrap_or(0),
                RD_KAFKA_VTYPE_END,
            )
        };
        if err == RDKafkaRespErr::RD_KAFKA_RESP_ERR_NO_ERROR {
            Ok(())
        } else {
            Err(ProduceError::Refused(err.into()))
        }
    }
}
