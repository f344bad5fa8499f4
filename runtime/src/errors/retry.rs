//! The retry loop of Kafka's `RetryWithToleranceOperator`: retriable failures are retried with
//! an exponential backoff (300 ms doubling, capped by `errors.retry.delay.max.ms`) until
//! `errors.retry.timeout` has passed since the first attempt, or until the task is asked to
//! stop (Kafka's `triggerStop()`): the backoff then ends at once and the last failure is the
//! outcome, as when the timeout has passed.

use std::time::{Duration, Instant};

use ferry_transforms::{ConnectRecord, TransformError};
use tracing::debug;

use super::config::ErrorConfig;
use crate::task::StopSignal;

/// Kafka's `RETRIES_DELAY_MIN_MS`.
const DELAY_MIN: Duration = Duration::from_millis(300);

/// `errors.retry.timeout` and `errors.retry.delay.max.ms` of a connector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// `None` retries forever (-1); zero never retries.
    pub timeout: Option<Duration>,
    /// The longest wait between two attempts.
    pub delay_max: Duration,
}

impl RetryPolicy {
    /// The policy of a connector's error config.
    pub fn new(config: &ErrorConfig) -> RetryPolicy {
        RetryPolicy {
            timeout: config.retry_timeout,
            delay_max: config.retry_delay_max,
        }
    }

    /// The wait before attempt `attempt + 1` (0-based), `None` when the timeout has passed.
    pub fn delay(&self, attempt: u32, elapsed: Duration) -> Option<Duration> {
        if self.timeout.is_some_and(|t| elapsed >= t) {
            return None;
        }
        let mut delay = DELAY_MIN.saturating_mul(1u32 << attempt.min(20));
        delay = delay.min(self.delay_max);
        if let Some(t) = self.timeout {
            delay = delay.min(t.saturating_sub(elapsed));
        }
        Some(delay)
    }

    /// Run `op`, retrying while it fails with an error `retriable` accepts and the policy allows.
    /// Nothing ends the backoff early: a task's retries go through [`StoppableRetry`].
    pub fn run<T, E>(
        &self,
        op: impl FnMut() -> Result<T, E>,
        retriable: impl Fn(&E) -> bool,
    ) -> Result<T, E> {
        self.run_until(None, op, retriable)
    }

    /// This policy, ending its retries when `stop` is raised.
    pub fn until_stopped(self, stop: StopSignal) -> StoppableRetry {
        StoppableRetry { policy: self, stop }
    }

    /// [`run`](Self::run); with a `stop` signal, its raising ends a backoff at once and makes the
    /// last failure the outcome, with no further attempt (Kafka's `execAndRetry` once
    /// `stopping`).
    fn run_until<T, E>(
        &self,
        stop: Option<&StopSignal>,
        mut op: impl FnMut() -> Result<T, E>,
        retriable: impl Fn(&E) -> bool,
    ) -> Result<T, E> {
        let start = Instant::now();
        let mut attempt = 0u32;
        loop {
            let e = match op() {
                Err(e) if retriable(&e) => e,
                other => return other,
            };
            let Some(delay) = self.delay(attempt, start.elapsed()) else {
                return Err(e);
            };
            attempt += 1;
            debug!(
                attempt,
                delay_ms = delay.as_millis() as u64,
                "Retriable failure; retrying"
            );
            if backoff(stop, delay) {
                debug!("The task is stopping; its last failure ends the retries");
                return Err(e);
            }
        }
    }
}

/// Sleep `delay`, cut short when `stop` is raised. `true` when the task is stopping.
fn backoff(stop: Option<&StopSignal>, delay: Duration) -> bool {
    match stop {
        Some(stop) => stop.wait_timeout(delay),
        None => {
            std::thread::sleep(delay);
            false
        }
    }
}

/// A [`RetryPolicy`] bound to its task's [`StopSignal`]: a stop request ends the retries, even
/// with `errors.retry.timeout=-1`.
#[derive(Debug, Clone)]
pub struct StoppableRetry {
    pub policy: RetryPolicy,
    pub stop: StopSignal,
}

impl StoppableRetry {
    /// Run `op` like [`RetryPolicy::run`] until the task is asked to stop; then the last
    /// failure is returned without another attempt.
    pub fn run<T, E>(
        &self,
        op: impl FnMut() -> Result<T, E>,
        retriable: impl Fn(&E) -> bool,
    ) -> Result<T, E> {
        self.policy.run_until(Some(&self.stop), op, retriable)
    }
}

impl ferry_transforms::Retry for StoppableRetry {
    fn retry(
        &self,
        op: &mut dyn FnMut() -> Result<Option<ConnectRecord>, TransformError>,
    ) -> Result<Option<ConnectRecord>, TransformError> {
        self.run(op, TransformError::is_retriable)
    }
}

impl ferry_transforms::Retry for RetryPolicy {
    fn retry(
        &self,
        op: &mut dyn FnMut() -> Result<Option<ConnectRecord>, TransformError>,
    ) -> Result<Option<ConnectRecord>, TransformError> {
        self.run(op, TransformError::is_retriable)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(timeout: Option<u64>, max: u64) -> RetryPolicy {
        RetryPolicy {
            timeout: timeout.map(Duration::from_millis),
            delay_max: Duration::from_millis(max),
        }
    }

    /// Always fails, counting the calls.
    fn fails(calls: &mut u32) -> Result<(), &'static str> {
        *calls += 1;
        Err("x")
    }

    /// Fails with a retriable error twice, then succeeds with the number of calls.
    fn fails_twice(calls: &mut u32) -> Result<u32, TransformError> {
        *calls += 1;
        if *calls < 3 {
            Err(TransformError::Retriable("later".into()))
        } else {
            Ok(*calls)
        }
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let p = policy(None, 1000);
        let delays: Vec<u64> = (0..4)
            .map(|a| p.delay(a, Duration::ZERO).unwrap().as_millis() as u64)
            .collect();
        assert_eq!(delays, vec![300, 600, 1000, 1000]);
        let p = policy(Some(500), 60_000);
        assert_eq!(
            p.delay(1, Duration::from_millis(400)),
            Some(Duration::from_millis(100))
        );
        assert_eq!(p.delay(0, Duration::from_millis(500)), None);
    }

    #[test]
    fn zero_timeout_never_retries() {
        let p = policy(Some(0), 60_000);
        let mut calls = 0;
        let r: Result<(), &str> = p.run(|| fails(&mut calls), |_| true);
        assert_eq!((r, calls), (Err("x"), 1));
    }

    #[test]
    fn retriable_failures_are_retried_until_success() {
        let p = policy(None, 1);
        let mut calls = 0;
        let r = p.run(|| fails_twice(&mut calls), TransformError::is_retriable);
        assert_eq!(r, Ok(3));
        let mut calls = 0;
        let r: Result<(), TransformError> = p.run(
            || {
                calls += 1;
                Err(TransformError::data("bad"))
            },
            TransformError::is_retriable,
        );
        assert!(r.is_err());
        assert_eq!(calls, 1, "only retriable failures are retried");
    }

    #[test]
    fn an_endless_retry_ends_when_the_task_is_stopped() {
        use std::sync::atomic::{AtomicU32, Ordering};
        use std::sync::{mpsc, Arc};

        let stop = StopSignal::new();
        let retry = policy(None, 3_600_000).until_stopped(stop.clone());
        let calls = Arc::new(AtomicU32::new(0));
        let (first_tx, first_rx) = mpsc::channel();
        let worker = {
            let calls = calls.clone();
            std::thread::spawn(move || {
                let r: Result<(), TransformError> = retry.run(
                    || {
                        let n = calls.fetch_add(1, Ordering::SeqCst) + 1;
                        let _ = first_tx.send(());
                        Err(TransformError::Retriable(format!("attempt {n}")))
                    },
                    TransformError::is_retriable,
                );
                r
            })
        };
        first_rx.recv().expect("a first attempt");
        stop.request_stop();
        let r = worker.join().expect("the retry loop ends");
        let calls = calls.load(Ordering::SeqCst);
        // The outcome is the last attempt's failure, as when the timeout has passed.
        assert_eq!(
            r,
            Err(TransformError::Retriable(format!("attempt {calls}")))
        );
    }

    #[test]
    fn a_stopped_task_makes_no_further_attempt() {
        let stop = StopSignal::new();
        stop.request_stop();
        let retry = policy(None, 3_600_000).until_stopped(stop);
        let mut calls = 0;
        // Kafka's `execAndRetry`: the attempt under way still runs; its failure is the outcome.
        let r: Result<(), &str> = retry.run(|| fails(&mut calls), |_| true);
        assert_eq!((r, calls), (Err("x"), 1));
        // Through the transformation chain's trait too.
        let r = ferry_transforms::Retry::retry(&retry, &mut || {
            Err(TransformError::Retriable("later".into()))
        });
        assert_eq!(r, Err(TransformError::Retriable("later".into())));
    }

    #[test]
    fn a_finite_retry_with_a_stop_signal_behaves_as_before() {
        let retry = policy(Some(0), 60_000).until_stopped(StopSignal::new());
        let mut calls = 0;
        let r: Result<(), &str> = retry.run(|| fails(&mut calls), |_| true);
        assert_eq!((r, calls), (Err("x"), 1), "a zero timeout never retries");

        let retry = policy(Some(60_000), 1).until_stopped(StopSignal::new());
        let mut calls = 0;
        let r = retry.run(|| fails_twice(&mut calls), TransformError::is_retriable);
        assert_eq!(r, Ok(3));

        // A timeout that passes ends the retries with the last failure.
        let retry = policy(Some(5), 1).until_stopped(StopSignal::new());
        let mut calls = 0;
        let r: Result<(), String> = retry.run(
            || {
                calls += 1;
                Err(format!("attempt {calls}"))
            },
            |_| true,
        );
        assert_eq!(r, Err(format!("attempt {calls}")));
        assert!(calls >= 1);
    }
}
