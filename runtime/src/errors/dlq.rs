//! The dead letter queue: a failed record's original bytes, with the error in
//! `__connect.errors.*` headers (Kafka's `DeadLetterQueueReporter`).

use std::collections::BTreeMap;
use std::time::Duration;

use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{BaseRecord, DefaultProducerContext, Producer, ThreadedProducer};

use super::config::ErrorConfig;
use super::handler::{Failure, RecordContext};
use crate::kafka::{producer_config, ClientSettings, TopicCreator};
use crate::task::TaskId;

/// Produces failed records to the connector's dead letter queue topic.
pub struct DeadLetterQueue {
    producer: ThreadedProducer<DefaultProducerContext>,
    topic: String,
    context_headers: bool,
    topics: TopicCreator,
}

impl DeadLetterQueue {
    /// The DLQ of a task, if its connector config names a DLQ topic.
    pub fn new(
        config: &ErrorConfig,
        task: &TaskId,
        clients: &ClientSettings,
    ) -> Result<Option<DeadLetterQueue>, String> {
        let Some(topic) = config.dlq_topic.clone() else {
            return Ok(None);
        };
        let client_id = format!("connector-dlq-producer-{}-{}", task.connector, task.task);
        let producer = producer_config(clients, &client_id, &BTreeMap::new())
            .create()
            .map_err(|e| format!("Cannot create the dead letter queue producer: {e}"))?;
        let creation: BTreeMap<String, String> = [
            (
                "topic.creation.default.partitions".to_owned(),
                "1".to_owned(),
            ),
            (
                "topic.creation.default.replication.factor".to_owned(),
                config.dlq_replication_factor.to_string(),
            ),
        ]
        .into();
        let topics = TopicCreator::new(clients, &creation, std::sync::Arc::new(|_: &str| {}))?;
        Ok(Some(DeadLetterQueue {
            producer,
            topic,
            context_headers: config.dlq_context_headers,
            topics,
        }))
    }

    /// Send `record` with the failure's context; waits for the broker's acknowledgement so a
    /// tolerated record is never lost.
    pub fn send(
        &mut self,
        task: &TaskId,
        f: &Failure,
        r: &RecordContext<'_>,
    ) -> Result<(), String> {
        self.topics.ensure(&self.topic)?;
        let mut headers = OwnedHeaders::new();
        for (k, v) in &r.headers {
            headers = headers.insert(Header {
                key: k,
                value: v.as_deref(),
            });
        }
        if self.context_headers {
            let partition = r.partition.map(|p| p.to_string());
            let offset = r.offset.map(|o| o.to_string());
            let task_id = task.task.to_string();
            let context: [(&str, Option<&str>); 10] = [
                ("__connect.errors.topic", Some(r.topic)),
                ("__connect.errors.partition", partition.as_deref()),
                ("__connect.errors.offset", offset.as_deref()),
                ("__connect.errors.connector.name", Some(&task.connector)),
                ("__connect.errors.task.id", Some(&task_id)),
                ("__connect.errors.stage", Some(f.stage.name())),
                ("__connect.errors.class.name", Some(&f.class)),
                (
                    "__connect.errors.exception.class.name",
                    Some(&f.exception_class),
                ),
                ("__connect.errors.exception.message", Some(&f.message)),
                ("__connect.errors.exception.stacktrace", Some(&f.message)),
            ];
            for (k, v) in context {
                if let Some(v) = v {
                    headers = headers.insert(Header {
                        key: k,
                        value: Some(v.as_bytes()),
                    });
                }
            }
        }
        let mut record: BaseRecord<'_, [u8], [u8]> = BaseRecord::to(&self.topic).headers(headers);
        if let Some(k) = r.key {
            record = record.key(k);
        }
        if let Some(v) = r.value {
            record = record.payload(v);
        }
        if let Some(ts) = r.timestamp {
            record = record.timestamp(ts);
        }
        self.producer.send(record).map_err(|(e, _)| {
            format!(
                "Failed to send a record to the dead letter queue {}: {e}",
                self.topic
            )
        })?;
        self.producer.flush(Duration::from_secs(30)).map_err(|e| {
            format!(
                "Failed to write to the dead letter queue {}: {e}",
                self.topic
            )
        })
    }
}
