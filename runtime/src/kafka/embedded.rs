//! The embedded broker for trying Ferry out without Kafka: librdkafka's mock cluster, in
//! memory only.

use rdkafka::mocking::MockCluster;
use rdkafka::producer::DefaultProducerContext;

/// An in-process Kafka-protocol broker that other clients can reach over TCP. Keeps data in
/// memory only; lives as long as the worker.
pub struct EmbeddedBroker {
    cluster: MockCluster<'static, DefaultProducerContext>,
}

impl EmbeddedBroker {
    pub fn start() -> Result<EmbeddedBroker, String> {
        let cluster = MockCluster::new(1).map_err(|e| format!("Cannot start the embedded broker: {e}"))?;
        Ok(EmbeddedBroker { cluster })
    }

    /// `host:port` for `bootstrap.servers`.
    pub fn bootstrap_servers(&self) -> String {
        self.cluster.bootstrap_servers()
    }
}
