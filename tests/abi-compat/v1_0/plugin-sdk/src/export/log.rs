//! Routes the plugin's `tracing` events to the worker. A plugin library has its own copy of
//! `tracing` (its own global dispatcher), so the SDK installs a subscriber that forwards each
//! event through the worker's [`LogCallback`], on the calling thread, where the worker's
//! connector and task span is current.

use std::fmt::Write as _;

use ferry_plugin_abi::{LogCallback, LogLevel};
use tracing::field::{Field, Visit};
use tracing::span;
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

pub(crate) fn install(callback: LogCallback) {
    // A second call (or a test binary with its own subscriber) keeps the existing one.
    let _ = tracing::subscriber::set_global_default(HostSubscriber { callback });
}

fn level(l: &Level) -> LogLevel {
    match *l {
        Level::ERROR => LogLevel::ERROR,
        Level::WARN => LogLevel::WARN,
        Level::INFO => LogLevel::INFO,
        Level::DEBUG => LogLevel::DEBUG,
        Level::TRACE => LogLevel::TRACE,
    }
}

struct HostSubscriber {
    callback: LogCallback,
}

#[derive(Default)]
struct Message {
    message: String,
    fields: String,
}

impl Visit for Message {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.fields, " {}={:?}", field.name(), value);
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.fields, " {}={:?}", field.name(), value);
        }
    }
}

impl Subscriber for HostSubscriber {
    fn register_callsite(&self, _: &'static Metadata<'static>) -> Interest {
        // Levels can change at run time (`PUT /admin/loggers`), so ask every time.
        Interest::sometimes()
    }

    fn enabled(&self, meta: &Metadata<'_>) -> bool {
        level(meta.level()) <= (self.callback.max_level)(meta.target().into())
    }

    fn new_span(&self, _: &span::Attributes<'_>) -> span::Id {
        span::Id::from_u64(1)
    }

    fn record(&self, _: &span::Id, _: &span::Record<'_>) {}

    fn record_follows_from(&self, _: &span::Id, _: &span::Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut m = Message::default();
        event.record(&mut m);
        m.message.push_str(&m.fields);
        let meta = event.metadata();
        (self.callback.log)(
            level(meta.level()),
            meta.target().into(),
            m.message.as_str().into(),
        );
    }

    fn enter(&self, _: &span::Id) {}

    fn exit(&self, _: &span::Id) {}
}
