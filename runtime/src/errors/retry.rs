//! The retry loop of Kafka's `RetryWithToleranceOperator`: retriable failures are retried with
//! an exponential backoff (300 ms doubling, capped by `errors.retry.delay.max.ms`) until
//! `errors.retry.timeout` has passed since the first attempt.

use std::time::{Duration, Instant};

use ferry_transforms::{ConnectRecord, TransformError};
use tracing::debug;

use super::config::ErrorConfig;

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
    pub fn run<T, E>(
        &self,
        mut op: impl FnMut() -> Result<T, E>,
        retriable: impl Fn(&E) -> bool,
    ) -> Result<T, E> {
        let start = Instant::now();
        let mut attempt = 0u32;
        loop {
            match op() {
                Err(e) if retriable(&e) => match self.delay(attempt, start.elapsed()) {
                    Some(delay) => {
                        attempt += 1;
                        debug!(
                            attempt,
                            delay_ms = delay.as_millis() as u64,
                            "Retriable failure; retrying"
                        );
                        std::thread::sleep(delay);
                    }
                    None => return Err(e),
                },
                other => return other,
            }
        }
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
        let r: Result<(), &str> = p.run(
            || {
                calls += 1;
                Err("x")
            },
            |_| true,
        );
        assert_eq!((r, calls), (Err("x"), 1));
    }

    #[test]
    fn retriable_failures_are_retried_until_success() {
        let p = policy(None, 1);
        let mut calls = 0;
        let r = p.run(
            || {
                calls += 1;
                if calls < 3 {
                    Err(TransformError::Retriable("later".into()))
                } else {
                    Ok(calls)
                }
            },
            TransformError::is_retriable,
        );
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
}
