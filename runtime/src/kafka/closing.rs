//! Sink consumers that are leaving their group in the background.
//!
//! Closing an rdkafka consumer waits for its LeaveGroup answer. While the connector's group is
//! rebalancing (its other tasks stop on other workers at the same moment) librdkafka queues the
//! LeaveGroup behind the in-flight JoinGroup and the close takes seconds. A stopping sink task
//! first closes its partitions in the task and commits their offsets, so nothing is left to
//! wait for: the consumer is handed to a thread of its own and the task is stopped at once.
//! A worker that shuts down waits for these threads (bounded), so its members leave their
//! groups rather than linger until the session timeout.

use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tracing::{debug, warn};

/// The consumers of stopped sink tasks that are still closing.
#[derive(Default)]
pub struct ClosingConsumers {
    threads: Mutex<Vec<JoinHandle<()>>>,
}

impl ClosingConsumers {
    /// Drops `consumer` (closing it) on a thread of its own.
    pub fn close<T: Send + 'static>(&self, name: &str, consumer: T) {
        let spawned = std::thread::Builder::new()
            .name(format!("ferry-close-{name}"))
            .spawn(move || drop(consumer));
        match (spawned, self.threads.lock()) {
            (Ok(handle), Ok(mut threads)) => {
                threads.retain(|t| !t.is_finished());
                threads.push(handle);
            }
            (Ok(_), Err(_)) => {}
            // The consumer was dropped with the closure: it closed on this thread instead.
            (Err(e), _) => warn!(error = %e, "Cannot start a thread to close a consumer"),
        }
    }

    /// Waits at most `timeout` for every consumer still closing.
    pub fn wait(&self, timeout: Duration) {
        let deadline = Instant::now() + timeout;
        let threads = match self.threads.lock() {
            Ok(mut threads) => std::mem::take(&mut *threads),
            Err(_) => return,
        };
        for t in threads {
            while !t.is_finished() && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            if t.is_finished() {
                let _ = t.join();
            } else {
                debug!("A consumer is still leaving its group; not waiting any longer");
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{mpsc, Arc};

    /// Closes (drops) only when released.
    struct Gated(Option<mpsc::Receiver<()>>, Arc<AtomicBool>);
    impl Drop for Gated {
        fn drop(&mut self) {
            if let Some(rx) = self.0.take() {
                let _ = rx.recv();
            }
            self.1.store(true, Ordering::SeqCst);
        }
    }

    fn gated() -> (Gated, mpsc::Sender<()>, Arc<AtomicBool>) {
        let (tx, rx) = mpsc::channel();
        let done = Arc::new(AtomicBool::new(false));
        (Gated(Some(rx), done.clone()), tx, done)
    }

    #[test]
    fn closes_in_the_background_and_waits_on_request() {
        let closing = ClosingConsumers::default();
        let (consumer, release, done) = gated();
        // Returns while the consumer is still closing (it would block here otherwise).
        closing.close("t", consumer);
        assert!(!done.load(Ordering::SeqCst));
        release.send(()).unwrap();
        closing.wait(Duration::from_secs(60));
        assert!(done.load(Ordering::SeqCst));
    }

    #[test]
    fn waiting_is_bounded() {
        let closing = ClosingConsumers::default();
        let (consumer, release, done) = gated();
        closing.close("t", consumer);
        closing.wait(Duration::from_millis(20));
        assert!(!done.load(Ordering::SeqCst));
        release.send(()).unwrap();
    }
}
