use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

/// Set when the worker asks a task to stop. Kafka calls `SourceTask.stop()` from another thread
/// while `poll()` blocks; in Ferry the task checks this token (or sleeps on it) instead, and its
/// own `stop` runs on the task thread once `poll` has returned.
#[derive(Debug, Clone, Default)]
pub struct StopToken {
    inner: Arc<(Mutex<bool>, Condvar)>,
}

impl StopToken {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a stop was requested.
    pub fn is_stopped(&self) -> bool {
        self.inner.0.lock().map(|g| *g).unwrap_or(true)
    }

    /// Request a stop and wake every sleeper.
    pub fn stop(&self) {
        if let Ok(mut g) = self.inner.0.lock() {
            *g = true;
        }
        self.inner.1.notify_all();
    }

    /// Sleep for `d` or until a stop is requested. Returns `true` if stopped.
    pub fn sleep(&self, d: Duration) -> bool {
        let deadline = Instant::now() + d;
        let Ok(mut stopped) = self.inner.0.lock() else {
            return true;
        };
        while !*stopped {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            match self.inner.1.wait_timeout(stopped, deadline - now) {
                Ok((g, _)) => stopped = g,
                Err(_) => return true,
            }
        }
        *stopped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_wakes_a_sleeper() {
        let token = StopToken::new();
        let t2 = token.clone();
        let h = std::thread::spawn(move || t2.sleep(Duration::from_secs(600)));
        token.stop();
        assert!(h.join().unwrap());
        assert!(token.is_stopped());
    }

    #[test]
    fn sleep_returns_false_when_not_stopped() {
        assert!(!StopToken::new().sleep(Duration::from_millis(1)));
    }
}
