//! Error handling of the record paths: Kafka's `errors.*` connector keys, retry and tolerance
//! per stage (`RetryWithToleranceOperator`), the error log and the dead letter queue.
//!
//! Beyond Kafka: the dead letter queue works for source connectors too, and each task counts
//! the errors it tolerated.

mod config;
mod dlq;
mod handler;
mod retry;

pub use config::ErrorConfig;
pub use dlq::DeadLetterQueue;
pub use handler::{ErrorHandler, Failure, RecordContext, Stage};
pub use retry::{RetryPolicy, StoppableRetry};
