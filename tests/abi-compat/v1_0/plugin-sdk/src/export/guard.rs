//! Panic containment: every entry point runs inside [`guard`], so a panic becomes an error
//! value and never unwinds into the worker.

use std::any::Any;
use std::cell::RefCell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

use ferry_plugin_abi::abi_stable::std_types::RResult;
use ferry_plugin_abi::{ErrorKind, FfiError};

use crate::error::Result;

thread_local! {
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Remember where the last panic on this thread happened, so the error can say so. Chains to
/// the previous hook, which prints the usual message.
pub(crate) fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
            LAST_PANIC.with(|p| *p.borrow_mut() = location);
            previous(info);
        }));
    });
}

fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}

/// The error value for a caught panic in `what` (e.g. `FileStreamSinkTask.put`).
pub(crate) fn panic_error(what: &str, payload: &(dyn Any + Send)) -> FfiError {
    let message = format!("{what} panicked: {}", panic_message(payload));
    let location = LAST_PANIC.with(|p| p.borrow_mut().take());
    let trace = match location {
        Some(l) => format!("{message}\n\tat {l}"),
        None => message.clone(),
    };
    FfiError {
        kind: ErrorKind::PANIC,
        retriable: false,
        message: message.into(),
        trace: trace.into(),
    }
}

/// Run `f`, turning errors and panics into [`FfiError`] values.
pub(crate) fn guard<T>(
    what: &dyn Fn() -> String,
    f: impl FnOnce() -> Result<T>,
) -> RResult<T, FfiError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(v)) => RResult::ROk(v),
        Ok(Err(e)) => RResult::RErr(e.into_ffi()),
        Err(payload) => RResult::RErr(panic_error(&what(), payload.as_ref())),
    }
}

/// Run `f` where no error can be returned (a stop handle, a destructor): a panic is swallowed
/// after being reported by the panic hook.
pub(crate) fn guard_infallible(f: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(f));
}
