//! The task thread and its handle.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use ferry_plugin_abi::StopHandleBox;
use tracing::{info_span, warn};

use super::status::TaskId;

/// What the worker holds of a running task.
pub struct TaskHandle {
    pub id: TaskId,
    stop: Arc<AtomicBool>,
    plugin_stop: Arc<std::sync::Mutex<Option<StopHandleBox>>>,
    thread: Option<JoinHandle<()>>,
}

/// Shared between a task thread and its handle: the stop flag and the plugin's stop handle.
#[derive(Clone)]
pub struct StopSignal {
    flag: Arc<AtomicBool>,
    plugin_stop: Arc<std::sync::Mutex<Option<StopHandleBox>>>,
}

impl StopSignal {
    pub fn is_stopped(&self) -> bool {
        self.flag.load(Ordering::Acquire)
    }

    /// Register the plugin's stop handle (source tasks), so a stop request reaches `poll`.
    pub fn set_plugin_handle(&self, handle: StopHandleBox) {
        if let Ok(mut h) = self.plugin_stop.lock() {
            *h = Some(handle);
        }
        if self.is_stopped() {
            self.wake_plugin();
        }
    }

    fn wake_plugin(&self) {
        if let Ok(h) = self.plugin_stop.lock() {
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
    let stop = Arc::new(AtomicBool::new(false));
    let plugin_stop = Arc::new(std::sync::Mutex::new(None));
    let signal = StopSignal {
        flag: stop.clone(),
        plugin_stop: plugin_stop.clone(),
    };
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
        plugin_stop,
        thread: Some(thread),
    })
}

impl TaskHandle {
    /// Ask the task to stop; returns at once.
    pub fn request_stop(&self) {
        self.stop.store(true, Ordering::Release);
        StopSignal {
            flag: self.stop.clone(),
            plugin_stop: self.plugin_stop.clone(),
        }
        .wake_plugin();
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
