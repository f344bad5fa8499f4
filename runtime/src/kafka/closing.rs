//! Sink consumers that are leaving their group in the background.
//!
//! Closing an rdkafka consumer waits for its LeaveGroup answer. While the connector's group is
//! rebalancing (its other tasks stop on other workers at the same moment) librdkafka queues the
//! LeaveGroup behind the in-flight JoinGroup and the close takes seconds. A stopping sink task
//! first closes its partitions in the task and commits their offsets, so nothing is left to
//! wait for: the consumer is handed to a thread of its own and the task is stopped at once.
//! A worker that shuts down waits for these threads (bounded), so its members leave their
//! groups rather than linger until the session timeout.

use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use tracing::{debug, warn};

/// The closing threads and how many of them have not finished dropping their consumer.
#[derive(Default)]
struct State {
    threads: Vec<JoinHandle<()>>,
    closing: usize,
}

#[derive(Default)]
struct Shared {
    state: Mutex<State>,
    /// Notified each time a consumer has closed.
    closed: Condvar,
}

impl Shared {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // Nothing panics while holding the lock; a poisoned lock holds consistent data.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The consumers of stopped sink tasks that are still closing.
#[derive(Default)]
pub struct ClosingConsumers {
    shared: Arc<Shared>,
}

impl ClosingConsumers {
    /// Drops `consumer` (closing it) on a thread of its own.
    pub fn close<T: Send + 'static>(&self, name: &str, consumer: T) {
        let shared = self.shared.clone();
        // Counted before the thread starts, so that a `wait` right after sees it.
        self.shared.state().closing += 1;
        let spawned = std::thread::Builder::new()
            .name(format!("ferry-close-{name}"))
            .spawn(move || {
                drop(consumer);
                shared.state().closing -= 1;
                shared.closed.notify_all();
            });
        let mut state = self.shared.state();
        match spawned {
            Ok(handle) => {
                state.threads.retain(|t| !t.is_finished());
                state.threads.push(handle);
            }
            Err(e) => {
                // The consumer was dropped with the closure: it closed on this thread instead.
                state.closing -= 1;
                warn!(error = %e, "Cannot start a thread to close a consumer");
            }
        }
    }

    /// Waits at most `timeout` for every consumer still closing.
    pub fn wait(&self, timeout: Duration) {
        let state = self.shared.state();
        let (mut state, result) = self
            .shared
            .closed
            .wait_timeout_while(state, timeout, |s| s.closing > 0)
            .unwrap_or_else(PoisonError::into_inner);
        if result.timed_out() {
            debug!(
                closing = state.closing,
                "A consumer is still leaving its group; not waiting any longer"
            );
        }
        let (done, running): (Vec<_>, Vec<_>) = std::mem::take(&mut state.threads)
            .into_iter()
            .partition(|t| t.is_finished());
        state.threads = running;
        drop(state);
        for t in done {
            let _ = t.join();
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
