//! Heartbeat timing (Kafka's `Heartbeat`): when the next heartbeat is due, and whether the
//! session has expired locally because no heartbeat succeeded for `session.timeout.ms`.

use std::time::Duration;

use tokio::time::Instant;

/// Heartbeat bookkeeping of one member.
#[derive(Debug, Clone)]
pub(crate) struct Heartbeat {
    interval: Duration,
    session_timeout: Duration,
    last_sent: Instant,
    last_success: Instant,
}

impl Heartbeat {
    pub(crate) fn new(interval: Duration, session_timeout: Duration) -> Self {
        let now = Instant::now();
        Heartbeat {
            interval,
            session_timeout,
            last_sent: now,
            last_success: now,
        }
    }

    /// A completed join (or a successful heartbeat) restarts both clocks.
    pub(crate) fn reset(&mut self, now: Instant) {
        self.last_sent = now;
        self.last_success = now;
    }

    pub(crate) fn sent(&mut self, now: Instant) {
        self.last_sent = now;
    }

    pub(crate) fn succeeded(&mut self, now: Instant) {
        self.last_success = now;
    }

    /// When the next heartbeat is due.
    pub(crate) fn next_due(&self) -> Instant {
        self.last_sent + self.interval
    }

    /// Whether no heartbeat succeeded for the session timeout.
    pub(crate) fn session_expired(&self, now: Instant) -> bool {
        now.duration_since(self.last_success) > self.session_timeout
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn due_and_expiry() {
        let mut hb = Heartbeat::new(Duration::from_secs(3), Duration::from_secs(10));
        let start = Instant::now();
        assert_eq!(hb.next_due(), start + Duration::from_secs(3));
        tokio::time::advance(Duration::from_secs(4)).await;
        hb.sent(Instant::now());
        assert_eq!(hb.next_due(), start + Duration::from_secs(7));
        assert!(!hb.session_expired(Instant::now()));
        tokio::time::advance(Duration::from_secs(7)).await;
        assert!(hb.session_expired(Instant::now()));
        hb.succeeded(Instant::now());
        assert!(!hb.session_expired(Instant::now()));
        hb.reset(Instant::now());
        assert_eq!(hb.next_due(), Instant::now() + Duration::from_secs(3));
    }
}
