//! How a task thread ends (Kafka's `WorkerTask#doRun`): a failure of its work after it was asked
//! to stop is logged at WARN and the task ends as stopped (UNASSIGNED), as Kafka's does; a
//! failure while it runs, or one closing or stopping the plugin task, fails it (FAILED, with the
//! error as its trace).

use tracing::{error, info, warn};

use super::error::TaskError;
use super::status::{State, StatusListener, TaskId};

/// Report the end of task `id`: `work` is the outcome of its loop, `shutdown` that of closing
/// and stopping the plugin task, `stopping` whether it was asked to stop. `kind` names the task
/// in the log ("Source", "Sink").
pub(super) fn report_end(
    listener: &dyn StatusListener,
    id: &TaskId,
    kind: &str,
    work: Result<(), TaskError>,
    shutdown: Result<(), TaskError>,
    stopping: bool,
) {
    let work = match work {
        Err(e) if stopping => {
            warn!(error = %e, "After being scheduled for shutdown, task threw an uncaught exception.");
            Ok(())
        }
        other => other,
    };
    match work.and(shutdown) {
        Ok(()) => {
            info!("{kind} task stopped");
            listener.on_task_state(id, State::Unassigned, None);
        }
        Err(e) => {
            error!(error = %e, "Task failed");
            listener.on_task_state(id, State::Failed, Some(e.to_string()));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[derive(Default)]
    struct Last(Mutex<Option<(State, Option<String>)>>);

    impl StatusListener for Last {
        fn on_task_state(&self, _: &TaskId, state: State, trace: Option<String>) {
            if let Ok(mut last) = self.0.lock() {
                *last = Some((state, trace));
            }
        }
    }

    fn end(
        work: Result<(), TaskError>,
        shutdown: Result<(), TaskError>,
        stopping: bool,
    ) -> (State, Option<String>) {
        let last = Last::default();
        let id = TaskId {
            connector: "c".into(),
            task: 0,
        };
        report_end(&last, &id, "Sink", work, shutdown, stopping);
        let reported = last.0.lock().expect("lock").take();
        reported.expect("a state")
    }

    fn failed(m: &str) -> Result<(), TaskError> {
        Err(TaskError::worker(m))
    }

    #[test]
    fn a_failure_while_running_fails_the_task() {
        assert_eq!(
            end(failed("boom"), Ok(()), false),
            (State::Failed, Some("boom".into()))
        );
        assert_eq!(end(Ok(()), Ok(()), true), (State::Unassigned, None));
    }

    #[test]
    fn a_failure_of_the_work_after_a_stop_request_ends_it_as_stopped() {
        let tolerance = "Tolerance exceeded in error handler";
        assert_eq!(
            end(failed(tolerance), Ok(()), true),
            (State::Unassigned, None)
        );
    }

    #[test]
    fn a_failure_to_stop_the_plugin_task_still_fails_it() {
        assert_eq!(
            end(failed("work"), failed("Stopping the task failed: x"), true),
            (State::Failed, Some("Stopping the task failed: x".into()))
        );
        assert_eq!(
            end(failed("work"), failed("stop"), false),
            (State::Failed, Some("work".into())),
            "while running, the work's failure is the trace"
        );
    }
}
