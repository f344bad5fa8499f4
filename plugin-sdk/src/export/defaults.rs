//! Whether a task kept the SDK's default `commit_record`, so that the shim can stop calling a
//! method that does nothing: the default body records its own type when it runs, and an
//! override of a type never runs that type's default body.

use std::any::TypeId;
use std::cell::Cell;

thread_local! {
    static COMMIT_RECORD_DEFAULT: Cell<Option<TypeId>> = const { Cell::new(None) };
}

/// Called by the default [`SourceTask::commit_record`](crate::SourceTask::commit_record) of
/// `T`.
pub(crate) fn commit_record_default_ran<T: ?Sized + 'static>() {
    COMMIT_RECORD_DEFAULT.with(|c| c.set(Some(TypeId::of::<T>())));
}

/// Run `f` (a call of `T::commit_record`); also returns whether it was `T`'s default body.
pub(crate) fn is_commit_record_default<T: ?Sized + 'static, R>(f: impl FnOnce() -> R) -> (R, bool) {
    COMMIT_RECORD_DEFAULT.with(|c| c.set(None));
    let result = f();
    let default = COMMIT_RECORD_DEFAULT.with(|c| c.take()) == Some(TypeId::of::<T>());
    (result, default)
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use crate::prelude::*;
    use crate::testkit::SourceHarness;

    static COUNTED: AtomicUsize = AtomicUsize::new(0);
    static WRAPPED: AtomicUsize = AtomicUsize::new(0);

    fn poll_three(out: &mut SourceRecords<'_>) -> Result<()> {
        for i in 0..3 {
            let mut parts = RecordParts::new("t", None, &Value::Null);
            parts.source_partition = Some(r#"{"f":"x"}"#);
            let offset = format!(r#"{{"i":{i}}}"#);
            parts.source_offset = Some(&offset);
            out.push_parts(&parts)?;
        }
        Ok(())
    }

    /// Keeps the default `commit_record`.
    #[derive(Default)]
    struct Plain;

    impl SourceTask for Plain {
        fn start(&mut self, _: &ConfigMap, _: SourceTaskContext) -> Result<()> {
            Ok(())
        }
        fn poll(&mut self, out: &mut SourceRecords<'_>) -> Result<()> {
            poll_three(out)
        }
    }

    /// Overrides `commit_record`.
    #[derive(Default)]
    struct Counting;

    impl SourceTask for Counting {
        fn start(&mut self, _: &ConfigMap, _: SourceTaskContext) -> Result<()> {
            Ok(())
        }
        fn poll(&mut self, out: &mut SourceRecords<'_>) -> Result<()> {
            poll_three(out)
        }
        fn commit_record(&mut self, record: &CommittedRecord<'_>) -> Result<()> {
            assert!(record.source_offset_json().is_some());
            COUNTED.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }

    /// Overrides `commit_record` and delegates to a task that keeps the default.
    #[derive(Default)]
    struct Wrapper(Plain);

    impl SourceTask for Wrapper {
        fn start(&mut self, c: &ConfigMap, ctx: SourceTaskContext) -> Result<()> {
            self.0.start(c, ctx)
        }
        fn poll(&mut self, out: &mut SourceRecords<'_>) -> Result<()> {
            self.0.poll(out)
        }
        fn commit_record(&mut self, record: &CommittedRecord<'_>) -> Result<()> {
            WRAPPED.fetch_add(1, Ordering::SeqCst);
            self.0.commit_record(record)
        }
    }

    macro_rules! connector {
        ($name:ident, $task:ty) => {
            #[derive(Default)]
            struct $name;
            impl SourceConnector for $name {
                type Task = $task;
                const CLASS: &'static str = stringify!($name);
                const TASK_CLASS: &'static str = stringify!($task);
                const VERSION: &'static str = "1";
                fn config_def() -> ConfigDef {
                    ConfigDef::new()
                }
                fn start(&mut self, _: &ConfigMap, _: ConnectorContext) -> Result<()> {
                    Ok(())
                }
                fn task_configs(&mut self, _: usize) -> Result<Vec<ConfigMap>> {
                    Ok(vec![ConfigMap::new()])
                }
            }
        };
    }
    connector!(PlainSource, Plain);
    connector!(CountingSource, Counting);
    connector!(WrapperSource, Wrapper);

    fn poll_twice<C: SourceConnector>() -> Result<()> {
        let harness = SourceHarness::<C>::new(&[("name", "x")])?;
        let mut task = harness.start_task(&ConfigMap::new())?;
        assert_eq!(task.poll()?.len(), 3);
        assert_eq!(task.poll()?.len(), 3);
        let committed = harness.committed_offsets();
        assert_eq!(committed.len(), 1, "{committed:?}");
        task.stop()
    }

    /// Once the SDK knows the task keeps the default, it flags the records it polls so that the
    /// worker does not hand them back; a task that overrides it never gets the flag.
    #[test]
    fn records_of_a_default_task_are_flagged_after_the_first_commit() -> Result<()> {
        use ferry_plugin_abi::RECORD_FLAG_NO_COMMIT_RECORD as FLAG;
        let harness = SourceHarness::<PlainSource>::new(&[("name", "x")])?;
        let mut task = harness.start_task(&ConfigMap::new())?;
        task.poll()?;
        assert_eq!(
            task.polled_flags(),
            vec![0; 3],
            "not known before the first call"
        );
        task.poll()?;
        assert_eq!(task.polled_flags(), vec![FLAG; 3]);
        task.stop()?;
        let harness = SourceHarness::<OverridingSource>::new(&[("name", "x")])?;
        let mut task = harness.start_task(&ConfigMap::new())?;
        task.poll()?;
        task.poll()?;
        assert_eq!(task.polled_flags(), vec![0; 3]);
        task.stop()
    }

    /// Overrides `commit_record` with a body that does nothing.
    #[derive(Default)]
    struct Overriding;

    impl SourceTask for Overriding {
        fn start(&mut self, _: &ConfigMap, _: SourceTaskContext) -> Result<()> {
            Ok(())
        }
        fn poll(&mut self, out: &mut SourceRecords<'_>) -> Result<()> {
            poll_three(out)
        }
        fn commit_record(&mut self, _: &CommittedRecord<'_>) -> Result<()> {
            Ok(())
        }
    }
    connector!(OverridingSource, Overriding);

    #[test]
    fn commit_record_reaches_every_override_and_stops_at_the_default() -> Result<()> {
        poll_twice::<PlainSource>()?;
        poll_twice::<CountingSource>()?;
        assert_eq!(COUNTED.load(Ordering::SeqCst), 6);
        // The wrapper overrides it, although the task it delegates to does not.
        poll_twice::<WrapperSource>()?;
        assert_eq!(WRAPPED.load(Ordering::SeqCst), 6);
        Ok(())
    }

    #[test]
    fn the_default_marks_only_its_own_type() {
        let ((), default) = super::is_commit_record_default::<Counting, _>(|| {
            super::commit_record_default_ran::<Plain>()
        });
        assert!(!default);
        let ((), default) =
            super::is_commit_record_default::<Plain, _>(super::commit_record_default_ran::<Plain>);
        assert!(default);
    }
}
