//! Retry and tolerance per stage, and reporting (Kafka's `RetryWithToleranceOperator`,
//! `LogReporter`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tracing::error;

use super::config::ErrorConfig;
use super::dlq::DeadLetterQueue;
use super::retry::{RetryPolicy, StoppableRetry};
use crate::task::{StopSignal, TaskError, TaskId};

/// Kafka's `Stage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    TaskPoll,
    TaskPut,
    Transformation,
    KeyConverter,
    ValueConverter,
    HeaderConverter,
    KafkaProduce,
    KafkaConsume,
}

impl Stage {
    /// The enum name Kafka logs and writes into `__connect.errors.stage`.
    pub fn name(self) -> &'static str {
        match self {
            Stage::TaskPoll => "TASK_POLL",
            Stage::TaskPut => "TASK_PUT",
            Stage::Transformation => "TRANSFORMATION",
            Stage::KeyConverter => "KEY_CONVERTER",
            Stage::ValueConverter => "VALUE_CONVERTER",
            Stage::HeaderConverter => "HEADER_CONVERTER",
            Stage::KafkaProduce => "KAFKA_PRODUCE",
            Stage::KafkaConsume => "KAFKA_CONSUME",
        }
    }

    /// Transformations and converters tolerate any error; other stages only retriable ones.
    fn tolerates_everything(self) -> bool {
        matches!(
            self,
            Stage::Transformation
                | Stage::KeyConverter
                | Stage::ValueConverter
                | Stage::HeaderConverter
        )
    }
}

/// What failed.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub stage: Stage,
    /// The executing class, e.g. `org.apache.kafka.connect.json.JsonConverter`.
    pub class: String,
    /// The exception class Kafka would report, e.g. `org.apache.kafka.connect.errors.DataException`.
    pub exception_class: String,
    pub message: String,
    pub retriable: bool,
}

/// The record being processed: the raw consumed record of a sink, or a source record.
#[derive(Debug, Clone, Default)]
pub struct RecordContext<'a> {
    pub topic: &'a str,
    pub partition: Option<i32>,
    pub offset: Option<i64>,
    pub timestamp: Option<i64>,
    /// `CreateTime`, `LogAppendTime` or empty.
    pub timestamp_type: &'a str,
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    pub headers: Vec<(String, Option<Vec<u8>>)>,
    /// A source record has no consumed coordinates; it is described instead.
    pub source_description: Option<String>,
}

/// Handles the failures of one task.
pub struct ErrorHandler {
    config: ErrorConfig,
    task: TaskId,
    dlq: Option<DeadLetterQueue>,
    tolerated: Arc<AtomicU64>,
    /// The task's stop signal: it ends the retries (Kafka's `triggerStop()`).
    stop: StopSignal,
}

impl ErrorHandler {
    pub fn new(
        config: ErrorConfig,
        task: TaskId,
        dlq: Option<DeadLetterQueue>,
        stop: StopSignal,
    ) -> ErrorHandler {
        ErrorHandler {
            config,
            task,
            dlq,
            tolerated: Arc::default(),
            stop,
        }
    }

    /// How many records this task skipped, when it runs with `errors.tolerance=all`.
    pub fn tolerated(&self) -> Option<Arc<AtomicU64>> {
        self.config.tolerate_all.then(|| self.tolerated.clone())
    }

    /// Run `op`, retrying retriable failures until `errors.retry.timeout` (backoff 300 ms
    /// doubling, capped by `errors.retry.delay.max.ms`) or until the task is asked to stop;
    /// the last failure is then the outcome.
    pub fn retry<T>(&self, op: impl FnMut() -> Result<T, Failure>) -> Result<T, Failure> {
        self.retry_policy().run(op, |f| f.retriable)
    }

    /// The connector's `errors.retry.timeout` / `errors.retry.delay.max.ms` policy, ended by
    /// the task's stop (the transformation chain applies it to third-party stages).
    pub fn retry_policy(&self) -> StoppableRetry {
        RetryPolicy::new(&self.config).until_stopped(self.stop.clone())
    }

    fn log_line(&self, f: &Failure, r: &RecordContext<'_>) -> String {
        let mut line = format!(
            "Error encountered in task {}. Executing stage '{}' with class '{}'",
            self.task,
            f.stage.name(),
            f.class
        );
        if self.config.log_include_messages {
            if let Some(d) = &r.source_description {
                line.push_str(&format!(", where source record is = {d}"));
            } else {
                line.push_str(&format!(
                    ", where consumed record is {{topic='{}', partition={}, offset={}",
                    r.topic,
                    r.partition.unwrap_or(-1),
                    r.offset.unwrap_or(-1)
                ));
                if let (Some(ts), false) = (r.timestamp, r.timestamp_type.is_empty()) {
                    line.push_str(&format!(
                        ", timestamp={ts}, timestampType={}",
                        r.timestamp_type
                    ));
                }
                line.push('}');
            }
        }
        line.push('.');
        line
    }

    /// Whether failures are reported anywhere (error log or dead letter queue). Kafka enables
    /// the errant record reporter only then.
    pub fn is_reporting(&self) -> bool {
        self.config.log_enable || self.dlq.is_some()
    }

    /// A sink task reported a record as errant (Kafka's `ErrantRecordReporter`): report it like
    /// any failure; the task fails unless `errors.tolerance=all`.
    pub fn report_errant(&mut self, f: Failure, r: &RecordContext<'_>) -> Result<(), TaskError> {
        let tolerable = Failure {
            retriable: true,
            ..f
        };
        self.handle(tolerable, r)
    }

    /// A record failed after retries. Reports it (log, dead letter queue), then decides:
    /// `Ok(())` skips the record (tolerated), `Err` fails the task with a trace naming it.
    pub fn handle(&mut self, f: Failure, r: &RecordContext<'_>) -> Result<(), TaskError> {
        if self.config.log_enable {
            error!(stage = f.stage.name(), error = %f.message, "{}", self.log_line(&f, r));
        }
        let tolerable = f.stage.tolerates_everything() || f.retriable;
        let trace = format!(
            "{}: {}\n\tat stage {} with class {} on the record at topic '{}', partition {}, offset {}",
            f.exception_class,
            f.message,
            f.stage.name(),
            f.class,
            r.topic,
            r.partition.map_or("(none)".into(), |p| p.to_string()),
            r.offset.map_or("(none)".into(), |o| o.to_string())
        );
        if !tolerable {
            return Err(TaskError::worker(format!(
                "Unhandled exception in error handler\nCaused by: {trace}"
            )));
        }
        if let Some(dlq) = self.dlq.as_mut() {
            dlq.send(&self.task, &f, r).map_err(TaskError::worker)?;
        }
        if !self.config.tolerate_all {
            return Err(TaskError::worker(format!(
                "Tolerance exceeded in error handler\nCaused by: {trace}"
            )));
        }
        self.tolerated.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::sync::mpsc;

    use super::*;

    fn failure(attempt: u32) -> Failure {
        Failure {
            stage: Stage::TaskPut,
            class: "test.Sink".into(),
            exception_class: "org.apache.kafka.connect.errors.RetriableException".into(),
            message: format!("attempt {attempt}"),
            retriable: true,
        }
    }

    #[test]
    fn a_stop_ends_endless_retries_with_the_last_failure() {
        let config: BTreeMap<String, String> =
            [("errors.retry.timeout".to_owned(), "-1".to_owned())].into();
        let stop = StopSignal::new();
        let task = TaskId {
            connector: "c".into(),
            task: 0,
        };
        let mut handler = ErrorHandler::new(
            ErrorConfig::from_connector(&config),
            task,
            None,
            stop.clone(),
        );
        let (attempted, first_attempt) = mpsc::channel();
        let stopper = std::thread::spawn(move || {
            let _ = first_attempt.recv();
            stop.request_stop();
        });
        let mut calls = 0;
        let result: Result<(), Failure> = handler.retry(|| {
            calls += 1;
            let _ = attempted.send(());
            Err(failure(calls))
        });
        stopper.join().expect("stopper");
        let last = result.expect_err("a stopped retry fails");
        assert_eq!(last, failure(calls));
        // Then it is handled as after the timeout: with errors.tolerance=none the task fails.
        let record = RecordContext {
            topic: "t",
            ..Default::default()
        };
        let error = handler.handle(last, &record).expect_err("not tolerated");
        assert!(
            error
                .to_string()
                .starts_with("Tolerance exceeded in error handler"),
            "{error}"
        );
    }
}
