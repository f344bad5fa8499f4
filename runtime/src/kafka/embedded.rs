//! The embedded broker for trying Ferry out without Kafka: librdkafka's mock cluster, in
//! memory only. The mock cluster is not `Send`, so one thread owns it; [`EmbeddedBroker`] is a
//! cloneable handle that asks that thread to create topics (the mock cluster has no
//! CreateTopics API).

use std::sync::mpsc::{channel, Sender};

use rdkafka::mocking::MockCluster;
use rdkafka::producer::DefaultProducerContext;

type Request = (String, i32, Sender<Result<(), String>>);

/// A handle on the in-process Kafka-protocol broker, reachable by other clients over TCP.
/// Lives as long as the process.
#[derive(Clone)]
pub struct EmbeddedBroker {
    bootstrap: String,
    requests: Sender<Request>,
}

impl std::fmt::Debug for EmbeddedBroker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmbeddedBroker")
            .field("bootstrap", &self.bootstrap)
            .finish()
    }
}

impl EmbeddedBroker {
    pub fn start() -> Result<EmbeddedBroker, String> {
        let (requests, inbox) = channel::<Request>();
        let (ready_tx, ready) = channel();
        std::thread::Builder::new()
            .name("ferry-embedded-broker".into())
            .spawn(move || {
                let cluster: MockCluster<'static, DefaultProducerContext> =
                    match MockCluster::new(1) {
                        Ok(c) => c,
                        Err(e) => {
                            let _ = ready_tx
                                .send(Err(format!("Cannot start the embedded broker: {e}")));
                            return;
                        }
                    };
                let _ = ready_tx.send(Ok(cluster.bootstrap_servers()));
                for (topic, partitions, reply) in inbox {
                    let result = match cluster.create_topic(&topic, partitions.max(1), 1) {
                        Err(rdkafka::error::KafkaError::MockCluster(
                            rdkafka::types::RDKafkaErrorCode::TopicAlreadyExists,
                        )) => Ok(()),
                        other => other.map_err(|e| format!("Failed to create topic {topic}: {e}")),
                    };
                    let _ = reply.send(result);
                }
            })
            .map_err(|e| format!("Cannot start the embedded broker thread: {e}"))?;
        let bootstrap = ready
            .recv()
            .map_err(|_| "The embedded broker thread died".to_owned())??;
        Ok(EmbeddedBroker {
            bootstrap,
            requests,
        })
    }

    /// `host:port` for `bootstrap.servers`.
    pub fn bootstrap_servers(&self) -> String {
        self.bootstrap.clone()
    }

    /// Create `topic` (creating an existing one is not an error).
    pub fn create_topic(&self, topic: &str, partitions: i32) -> Result<(), String> {
        let (tx, rx) = channel();
        self.requests
            .send((topic.to_owned(), partitions, tx))
            .map_err(|_| "The embedded broker has stopped".to_owned())?;
        rx.recv()
            .map_err(|_| "The embedded broker has stopped".to_owned())?
    }
}
