use abi_stable::std_types::RStr;
use abi_stable::StableAbi;

/// A log level, as `tracing` orders them: 1 = ERROR ... 5 = TRACE, 0 = off.
#[repr(transparent)]
#[derive(StableAbi, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LogLevel(pub u8);

impl LogLevel {
    pub const OFF: LogLevel = LogLevel(0);
    pub const ERROR: LogLevel = LogLevel(1);
    pub const WARN: LogLevel = LogLevel(2);
    pub const INFO: LogLevel = LogLevel(3);
    pub const DEBUG: LogLevel = LogLevel(4);
    pub const TRACE: LogLevel = LogLevel(5);
}

/// Functions the worker hands to a library so that the plugin's log events reach the worker's
/// `tracing` output. Called on the thread that logs, so the worker's span (connector, task)
/// is still current.
#[repr(C)]
#[derive(StableAbi, Clone, Copy)]
pub struct LogCallback {
    /// Emit one event: level, target (module path), message with its fields rendered.
    pub log: extern "C" fn(LogLevel, RStr<'_>, RStr<'_>),
    /// The most verbose level the worker wants for `target`; lets the plugin skip formatting.
    pub max_level: extern "C" fn(RStr<'_>) -> LogLevel,
}
