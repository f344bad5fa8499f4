//! The worker's end of the plugin log bridge: events arrive on the thread that logged them,
//! inside the worker's connector/task span.

use ferry_plugin_abi::abi_stable::std_types::RStr;
use ferry_plugin_abi::{LogCallback, LogLevel};
use tracing::level_filters::LevelFilter;

extern "C" fn log(level: LogLevel, target: RStr<'_>, message: RStr<'_>) {
    let target = target.as_str();
    let message = message.as_str();
    match level {
        LogLevel::ERROR => {
            tracing::error!(target: "ferry::plugin", plugin_target = target, "{message}")
        }
        LogLevel::WARN => {
            tracing::warn!(target: "ferry::plugin", plugin_target = target, "{message}")
        }
        LogLevel::INFO => {
            tracing::info!(target: "ferry::plugin", plugin_target = target, "{message}")
        }
        LogLevel::DEBUG => {
            tracing::debug!(target: "ferry::plugin", plugin_target = target, "{message}")
        }
        _ => tracing::trace!(target: "ferry::plugin", plugin_target = target, "{message}"),
    }
}

extern "C" fn max_level(_target: RStr<'_>) -> LogLevel {
    match LevelFilter::current() {
        LevelFilter::OFF => LogLevel::OFF,
        LevelFilter::ERROR => LogLevel::ERROR,
        LevelFilter::WARN => LogLevel::WARN,
        LevelFilter::INFO => LogLevel::INFO,
        LevelFilter::DEBUG => LogLevel::DEBUG,
        _ => LogLevel::TRACE,
    }
}

/// The callback handed to every library.
pub fn host_log_callback() -> LogCallback {
    LogCallback { log, max_level }
}
