//! The task thread and its handle.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ferry_plugin_abi::StopHandleBox;
use tracing::{info_span, warn};

use super::status::TaskId;

/// What the worker holds of a running task.
pub struct TaskHandle {
    pub id: TaskId,
    stop: StopSignal,
    thread: Option<JoinHandle<()>>,
}

/// The state behind a [`StopSignal`].
#[derive(Default)]
struct StopState {
    /// Read without locking by the task loops.
    flag: AtomicBool,
    /// The same flag under a lock, for [`StopSignal::wait_timeout`] to sleep on.
    stopped: Mutex<bool>,
    woken: Condvar,
    plugin_stop: Mutex<Option<StopHandleBox>>,
}

/// Shared between a task thread and its handle: the stop flag, a wait that ends when it is set,
/// and the plugin's stop handle.
#[derive(Clone, Default)]
pub struct StopSignal {
    state: Arc<StopState>,
}

impl std::fmt::Debug for StopSignal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StopSignal")
            .field("stopped", &self.is_stopped())
            .finish()
    }
}

impl StopSignal {
    /// A signal not yet raised.
    pub fn new() -> StopSignal {
        StopSignal::default()
    }

    pub fn is_stopped(&self) -> bool {
        self.state.flag.load(Ordering::Acquire)
    }

    /// Raise the signal: wakes every [`wait_timeout`](Self::wait_timeout) and the plugin's
    /// `poll`. Idempotent.
    pub fn request_stop(&self) {
        self.state.flag.store(true, Ordering::Release);
        {
            let mut stopped = self
                .state
                .stopped
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            *stopped = true;
        }
        self.state.woken.notify_all();
        self.wake_plugin();
    }

    /// Sleep for `timeout`, or less if the signal is raised meanwhile. `true` when it is raised.
    pub fn wait_timeout(&self, timeout: Duration) -> bool {
        let stopped = self
            .state
            .stopped
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let (stopped, _) = self
            .state
            .woken
            .wait_timeout_while(stopped, timeout, |stopped| !*stopped)
            .unwrap_or_else(PoisonError::into_inner);
        *stopped
    }

    /// Register the plugin's stop handle (source tasks), so a stop request reaches `poll`.
    pub fn set_plugin_handle(&self, handle: StopHandleBox) {
        if let Ok(mut h) = self.state.plugin_stop.lock() {
            *h = Some(handle);
        }
        if self.is_stopped() {
            self.wake_plugin();
        }
    }

    fn wake_plugin(&self) {
        if let Ok(h) = self.state.plugin_stop.lock() {
            if let Some(h) = h.as_ref() {
                h.request_stop();
            }
        }
    }
}

/// Start `body` on a thread named `ferry-<connector>-<task>`, inside a span carrying the
/// connector and task ids (plugin logs inherit it).
pub fn spawn_task(
    id: TaskId,
    body: impl FnOnce(StopSignal) + Send + 'static,
) -> std::io::Result<TaskHandle> {
    spawn_task_with(id, StopSignal::new(), body)
}

/// [`spawn_task`] with a signal made beforehand, for what is built before the thread starts
/// and must see the stop too (the retry loops of the task's error handler).
pub fn spawn_task_with(
    id: TaskId,
    stop: StopSignal,
    body: impl FnOnce(StopSignal) + Send + 'static,
) -> std::io::Result<TaskHandle> {
    let signal = stop.clone();
    let span_id = id.clone();
    let thread = std::thread::Builder::new()
        .name(format!("ferry-{}-{}", id.connector, id.task))
        .spawn(move || {
            let span = info_span!("task", connector = %span_id.connector, task = span_id.task);
            let _entered = span.enter();
            body(signal);
        })?;
    Ok(TaskHandle {
        id,
        stop,
        thread: Some(thread),
    })
}

impl TaskHandle {
    /// Ask the task to stop; returns at once.
    pub fn request_stop(&self) {
        self.stop.request_stop();
    }

    /// Wait until `deadline` for the thread to finish. `false` if it is still running; the
    /// thread is then abandoned (Kafka's behaviour after `task.shutdown.graceful.timeout.ms`).
    pub fn join_until(mut self, deadline: Instant) -> bool {
        let Some(thread) = self.thread.take() else {
            return true;
        };
        while !thread.is_finished() {
            if Instant::now() >= deadline {
                warn!(task = %self.id, "Task did not stop in time and is abandoned");
                return false;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = thread.join();
        true
    }

    pub fn is_finished(&self) -> bool {
        self.thread.as_ref().is_none_or(|t| t.is_finished())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_ends_when_stop_is_requested() {
        let stop = StopSignal::new();
        let waiter = {
            let stop = stop.clone();
            std::thread::spawn(move || stop.wait_timeout(Duration::from_secs(3600)))
        };
        stop.request_stop();
        assert!(waiter.join().expect("waiter"), "the wait saw the stop");
        assert!(stop.is_stopped());
        // Once raised, a wait returns at once.
        assert!(stop.wait_timeout(Duration::from_secs(3600)));
    }

    #[test]
    fn a_wait_without_stop_times_out() {
        let stop = StopSignal::new();
        assert!(!stop.wait_timeout(Duration::from_millis(1)));
        assert!(!stop.is_stopped());
    }

    #[test]
    fn the_handle_stops_the_signal_it_was_spawned_with() {
        let stop = StopSignal::new();
        let id = TaskId {
            connector: "c".into(),
            task: 0,
        };
        let handle = spawn_task_with(id, stop.clone(), |s| {
            s.wait_timeout(Duration::from_secs(3600));
        })
        .expect("spawn");
        handle.request_stop();
        assert!(stop.is_stopped());
        assert!(handle.join_until(Instant::now() + Duration::from_secs(3600)));
    }
}
