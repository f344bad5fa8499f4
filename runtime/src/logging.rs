//! Worker logging: the global `tracing` subscriber (fmt to stderr, text or JSON) behind a
//! reloadable [`EnvFilter`], and [`Loggers`], the registry of logger levels that backs Kafka
//! Connect's `/admin/loggers` endpoints (`RT/runtime/Loggers.java`).
//!
//! **Logger names.** Kafka's loggers are log4j names (Java packages such as
//! `org.apache.kafka.connect`); Ferry's are `tracing` targets (`ferry_runtime::task`,
//! `ferry::plugin`, ...). A logger name is used verbatim as a target directive
//! `<name>=<level>`, so it covers every target that *starts with* the name, exactly as
//! [`EnvFilter`] matches targets. The root logger is `root` (case-insensitive) and maps to the
//! filter's default level. Names that cannot be written as a target directive (containing `,`,
//! `=` or `[`, or not starting with a letter, digit, `_`, `-` or `:`) are rejected with
//! [`LoggingError::InvalidLoggerName`].
//!
//! **Initial levels.** `FERRY_LOG`, else `RUST_LOG`, else `info`, in `EnvFilter` syntax; bare
//! log4j level names (`WARN`, `FATAL`, ...) are accepted too. The root level is the spec's bare
//! level if it has one and INFO otherwise (so `RUST_LOG=ferry_runtime=debug` keeps other logs at
//! INFO). `target=level` directives become known loggers with `last_modified: null`; span and
//! field directives are kept in the filter but not listed.
//!
//! **Levels.** log4j's names, case-insensitive: `OFF`, `FATAL`, `ERROR`, `WARN`, `INFO`,
//! `DEBUG`, `TRACE`, `ALL`. `FATAL` filters like `ERROR` and `ALL` like `TRACE`, but each is
//! reported back under the name it was set with, as log4j does.

use std::collections::BTreeMap;
use std::fmt;
use std::io::IsTerminal as _;
use std::str::FromStr as _;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use thiserror::Error;
use tracing_subscriber::filter::{Directive, EnvFilter, LevelFilter};
use tracing_subscriber::layer::SubscriberExt as _;
use tracing_subscriber::util::SubscriberInitExt as _;
use tracing_subscriber::{reload, Layer as _};

/// The name of the root logger (compared case-insensitively, as log4j does).
pub const ROOT_LOGGER: &str = "root";
/// The environment variable with the initial filter; wins over [`RUST_LOG_ENV`].
pub const FERRY_LOG_ENV: &str = "FERRY_LOG";
/// The conventional `tracing` environment variable, read when [`FERRY_LOG_ENV`] is unset.
pub const RUST_LOG_ENV: &str = "RUST_LOG";

/// A log4j level, as `/admin/loggers` accepts and reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LogLevel {
    /// `OFF`: nothing.
    Off,
    /// `FATAL`: filters like [`LogLevel::Error`] (tracing has no fatal level).
    Fatal,
    /// `ERROR`.
    Error,
    /// `WARN`.
    Warn,
    /// `INFO`.
    Info,
    /// `DEBUG`.
    Debug,
    /// `TRACE`.
    Trace,
    /// `ALL`: filters like [`LogLevel::Trace`].
    All,
}

impl LogLevel {
    /// Parses a log4j level name, ignoring ASCII case (`Level.toLevel(name.toUpperCase())`).
    pub fn parse(text: &str) -> Option<LogLevel> {
        const LEVELS: [LogLevel; 8] = [
            LogLevel::Off,
            LogLevel::Fatal,
            LogLevel::Error,
            LogLevel::Warn,
            LogLevel::Info,
            LogLevel::Debug,
            LogLevel::Trace,
            LogLevel::All,
        ];
        LEVELS
            .into_iter()
            .find(|level| level.as_str().eq_ignore_ascii_case(text))
    }

    /// The log4j name: `OFF`, `FATAL`, `ERROR`, `WARN`, `INFO`, `DEBUG`, `TRACE` or `ALL`.
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Off => "OFF",
            LogLevel::Fatal => "FATAL",
            LogLevel::Error => "ERROR",
            LogLevel::Warn => "WARN",
            LogLevel::Info => "INFO",
            LogLevel::Debug => "DEBUG",
            LogLevel::Trace => "TRACE",
            LogLevel::All => "ALL",
        }
    }

    /// The `tracing` filter level this level enables.
    pub fn level_filter(self) -> LevelFilter {
        match self {
            LogLevel::Off => LevelFilter::OFF,
            LogLevel::Fatal | LogLevel::Error => LevelFilter::ERROR,
            LogLevel::Warn => LevelFilter::WARN,
            LogLevel::Info => LevelFilter::INFO,
            LogLevel::Debug => LevelFilter::DEBUG,
            LogLevel::Trace | LogLevel::All => LevelFilter::TRACE,
        }
    }

    /// The log4j level named like a `tracing` filter level.
    fn from_level_filter(filter: LevelFilter) -> LogLevel {
        match filter {
            LevelFilter::OFF => LogLevel::Off,
            LevelFilter::ERROR => LogLevel::Error,
            LevelFilter::WARN => LogLevel::Warn,
            LevelFilter::INFO => LogLevel::Info,
            LevelFilter::DEBUG => LogLevel::Debug,
            _ => LogLevel::Trace,
        }
    }

    /// A level in an environment filter spec: a log4j name, else a `tracing` level (`warn`,
    /// `0`..`5`).
    fn parse_env(text: &str) -> Option<LogLevel> {
        LogLevel::parse(text).or_else(|| {
            LevelFilter::from_str(text)
                .ok()
                .filter(|_| !text.is_empty())
                .map(LogLevel::from_level_filter)
        })
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Kafka's `LoggerLevel` entity: `{"level":"INFO","last_modified":1700000000000|null}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggerLevel {
    /// The explicit level, else the effective (inherited) one.
    pub level: String,
    /// Epoch milliseconds of the last change through [`Loggers::set_level`]; `None` until then.
    pub last_modified: Option<u64>,
}

/// A logging setup failure.
#[derive(Debug, Error)]
pub enum LoggingError {
    /// The logger name cannot be expressed as a `tracing` target directive.
    #[error(
        "Logger name '{0}' cannot be used as a tracing target: it must start with a letter, digit, \
         '_', '-' or ':' and must not contain ',', '=' or '['"
    )]
    InvalidLoggerName(String),
    /// The live filter could not be replaced (the subscriber is gone).
    #[error("Failed to apply the new log filter: {0}")]
    Reload(String),
    /// The global subscriber could not be installed (one already exists).
    #[error("Failed to install the global tracing subscriber: {0}")]
    Init(String),
}

/// Applies a rebuilt filter to the live subscriber.
type ApplyFilter = Box<dyn Fn(EnvFilter) -> Result<(), LoggingError> + Send + Sync>;

/// The logger levels of this worker and the hook that pushes them into the live filter.
pub struct Loggers {
    state: Mutex<Registry>,
    apply: ApplyFilter,
}

impl fmt::Debug for Loggers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Loggers")
            .field("filter", &self.filter_spec())
            .finish_non_exhaustive()
    }
}

impl Loggers {
    /// Loggers initialised from `spec` (see the module docs) that record changes without
    /// driving any subscriber: for tests and for workers whose subscriber was installed
    /// elsewhere.
    pub fn detached(spec: &str) -> Loggers {
        Loggers {
            state: Mutex::new(Registry::from_spec(spec)),
            apply: Box::new(|_| Ok(())),
        }
    }

    /// Loggers initialised from `spec` that push every change into the [`EnvFilter`] behind
    /// `handle` (the caller builds the subscriber, e.g. with [`Loggers::filter`] as the initial
    /// filter).
    pub fn with_reload_handle<S: 'static>(
        spec: &str,
        handle: reload::Handle<EnvFilter, S>,
    ) -> Loggers {
        Loggers {
            state: Mutex::new(Registry::from_spec(spec)),
            apply: Box::new(move |filter| {
                handle
                    .reload(filter)
                    .map_err(|error| LoggingError::Reload(error.to_string()))
            }),
        }
    }

    /// The current filter in `EnvFilter` syntax, e.g. `info,ferry_runtime::task=debug`.
    pub fn filter_spec(&self) -> String {
        self.lock().filter_spec()
    }

    /// The current filter.
    pub fn filter(&self) -> EnvFilter {
        self.lock().filter()
    }

    /// `GET /admin/loggers`: the loggers with an explicitly set level, plus `root`, by name.
    pub fn all_levels(&self) -> BTreeMap<String, LoggerLevel> {
        let state = self.lock();
        let mut levels: BTreeMap<String, LoggerLevel> = state
            .loggers
            .iter()
            .filter_map(|(name, entry)| {
                let level = entry.level?;
                Some((name.clone(), entry.describe(level)))
            })
            .collect();
        levels.insert(
            ROOT_LOGGER.to_owned(),
            state.root.describe(state.root_level()),
        );
        levels
    }

    /// `GET /admin/loggers/{name}`: the explicit or effective level of a known logger; `None`
    /// for a name no level was ever set for.
    pub fn level(&self, name: &str) -> Option<LoggerLevel> {
        let state = self.lock();
        if name.eq_ignore_ascii_case(ROOT_LOGGER) {
            return Some(state.root.describe(state.root_level()));
        }
        let entry = state.loggers.get(name)?;
        Some(entry.describe(state.effective_level(name)))
    }

    /// `PUT /admin/loggers/{namespace}`: sets the level of `namespace` and of every known
    /// logger whose name starts with it (`root`: of every logger), and returns their names,
    /// sorted. Loggers already at `level` keep their `last_modified`.
    pub fn set_level(&self, namespace: &str, level: LogLevel) -> Result<Vec<String>, LoggingError> {
        let is_root = namespace.eq_ignore_ascii_case(ROOT_LOGGER);
        if !is_root {
            validate_logger_name(namespace)?;
        }
        let mut state = self.lock();
        let mut next = state.clone();
        let now = now_millis();
        let targets: Vec<String> = if is_root {
            next.loggers.keys().cloned().collect()
        } else {
            next.loggers.entry(namespace.to_owned()).or_default();
            next.loggers
                .keys()
                .filter(|name| name.starts_with(namespace))
                .cloned()
                .collect()
        };
        let mut changed = false;
        let effective: Vec<LogLevel> = targets.iter().map(|n| state.effective_level(n)).collect();
        for (name, current) in targets.iter().zip(effective) {
            if current != level {
                if let Some(entry) = next.loggers.get_mut(name) {
                    entry.set(level, now);
                    changed = true;
                }
            }
        }
        let mut affected = targets;
        if is_root {
            if state.root_level() != level {
                next.root.set(level, now);
                changed = true;
            }
            affected.push(ROOT_LOGGER.to_owned());
        }
        if changed {
            (self.apply)(next.filter())?;
            tracing::info!(namespace, %level, "Set log level of namespace and children.");
        }
        *state = next;
        affected.sort();
        Ok(affected)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Registry> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Installs the global subscriber (fmt to stderr; JSON lines when `json`) with the initial
/// filter from the environment, and returns the [`Loggers`] that drive it. If a global
/// subscriber already exists, it is left alone and the returned loggers are
/// [detached](Loggers::detached).
pub fn init_logging(json: bool) -> Arc<Loggers> {
    match try_init_logging(json) {
        Ok(loggers) => loggers,
        Err(error) => {
            tracing::warn!(%error, "Logging was already initialised; log levels set through the REST API will not take effect.");
            Arc::new(Loggers::detached(&env_filter_spec()))
        }
    }
}

/// Like [`init_logging`], but fails if a global subscriber is already installed.
pub fn try_init_logging(json: bool) -> Result<Arc<Loggers>, LoggingError> {
    let spec = env_filter_spec();
    let initial = Registry::from_spec(&spec);
    let (filter_layer, handle) = reload::Layer::new(initial.filter());
    let ansi = std::io::stderr().is_terminal();
    let fmt_layer = if json {
        tracing_subscriber::fmt::layer()
            .json()
            .with_writer(std::io::stderr)
            .boxed()
    } else {
        tracing_subscriber::fmt::layer()
            .with_ansi(ansi)
            .with_writer(std::io::stderr)
            .boxed()
    };
    tracing_subscriber::registry()
        .with(filter_layer)
        .with(fmt_layer)
        .try_init()
        .map_err(|error| LoggingError::Init(error.to_string()))?;
    Ok(Arc::new(Loggers::with_reload_handle(&spec, handle)))
}

/// The initial filter spec: `FERRY_LOG`, else `RUST_LOG`, else `info`.
pub fn env_filter_spec() -> String {
    choose_spec(
        std::env::var(FERRY_LOG_ENV).ok(),
        std::env::var(RUST_LOG_ENV).ok(),
    )
}

/// The first non-blank of `ferry_log` and `rust_log`, else `info`.
fn choose_spec(ferry_log: Option<String>, rust_log: Option<String>) -> String {
    [ferry_log, rust_log]
        .into_iter()
        .flatten()
        .find(|value| !value.trim().is_empty())
        .unwrap_or_else(|| "info".to_owned())
}

/// Checks that `name` is usable as the target of an `EnvFilter` directive.
/// Refuses names the filter cannot hold (empty, `,`, `=`, `[`, surrounding spaces).
pub fn validate_logger_name(name: &str) -> Result<(), LoggingError> {
    let invalid = || LoggingError::InvalidLoggerName(name.to_owned());
    if name.is_empty() || name.contains([',', '=', '[']) || name.trim() != name {
        return Err(invalid());
    }
    let text = format!("{name}={}", LevelFilter::INFO);
    let directive = Directive::from_str(&text).map_err(|_| invalid())?;
    if directive.to_string() == text {
        Ok(())
    } else {
        Err(invalid())
    }
}

fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| {
            u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX)
        })
}

/// One logger: its explicit level (`None`: inherits) and when it was last changed.
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    level: Option<LogLevel>,
    last_modified: Option<u64>,
}

impl Entry {
    fn set(&mut self, level: LogLevel, now: u64) {
        self.level = Some(level);
        self.last_modified = Some(now);
    }

    fn describe(&self, effective: LogLevel) -> LoggerLevel {
        LoggerLevel {
            level: self.level.unwrap_or(effective).as_str().to_owned(),
            last_modified: self.last_modified,
        }
    }
}

/// The levels the filter is built from.
#[derive(Debug, Clone)]
struct Registry {
    root: Entry,
    loggers: BTreeMap<String, Entry>,
    /// Span/field directives from the environment, kept verbatim.
    passthrough: Vec<String>,
}

impl Registry {
    fn from_spec(spec: &str) -> Registry {
        let mut registry = Registry {
            root: Entry {
                level: Some(LogLevel::Info),
                last_modified: None,
            },
            loggers: BTreeMap::new(),
            passthrough: Vec::new(),
        };
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            if let Some(level) = LogLevel::parse_env(part) {
                registry.root.level = Some(level);
                continue;
            }
            let (target, level) = match part.split_once('=') {
                Some((target, level)) => (target, LogLevel::parse_env(level)),
                None => (part, Some(LogLevel::Trace)),
            };
            match level {
                Some(level) if validate_logger_name(target).is_ok() => {
                    registry.loggers.insert(
                        target.to_owned(),
                        Entry {
                            level: Some(level),
                            last_modified: None,
                        },
                    );
                }
                _ if Directive::from_str(part).is_ok() => {
                    registry.passthrough.push(part.to_owned())
                }
                _ => {} // EnvFilter ignores invalid directives too.
            }
        }
        registry
    }

    fn root_level(&self) -> LogLevel {
        self.root.level.unwrap_or(LogLevel::Info)
    }

    /// The level `name` gets from the filter: its own, else that of the longest logger name
    /// it starts with, else root's.
    fn effective_level(&self, name: &str) -> LogLevel {
        self.loggers
            .iter()
            .filter(|(other, entry)| name.starts_with(other.as_str()) && entry.level.is_some())
            .max_by_key(|(other, _)| other.len())
            .and_then(|(_, entry)| entry.level)
            .unwrap_or_else(|| self.root_level())
    }

    fn filter_spec(&self) -> String {
        let mut parts = vec![self.root_level().level_filter().to_string()];
        parts.extend(self.passthrough.iter().cloned());
        for (name, entry) in &self.loggers {
            if let Some(level) = entry.level {
                parts.push(format!("{name}={}", level.level_filter()));
            }
        }
        parts.join(",")
    }

    fn filter(&self) -> EnvFilter {
        EnvFilter::builder().parse_lossy(self.filter_spec())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing_subscriber::layer::SubscriberExt as _;

    use super::*;

    fn level(loggers: &Loggers, name: &str) -> (String, Option<u64>) {
        let level = loggers.level(name).unwrap();
        (level.level, level.last_modified)
    }

    #[test]
    fn levels_parse_case_insensitively() {
        assert_eq!(LogLevel::parse("debug"), Some(LogLevel::Debug));
        assert_eq!(LogLevel::parse("Fatal"), Some(LogLevel::Fatal));
        assert_eq!(LogLevel::parse("ALL"), Some(LogLevel::All));
        assert_eq!(LogLevel::parse("verbose"), None);
        assert_eq!(LogLevel::parse(""), None);
        assert_eq!(LogLevel::Fatal.level_filter(), LevelFilter::ERROR);
        assert_eq!(LogLevel::All.level_filter(), LevelFilter::TRACE);
        assert_eq!(LogLevel::Warn.to_string(), "WARN");
    }

    #[test]
    fn spec_sources_and_defaults() {
        assert_eq!(
            choose_spec(Some("debug".into()), Some("warn".into())),
            "debug"
        );
        assert_eq!(choose_spec(Some(" ".into()), Some("warn".into())), "warn");
        assert_eq!(choose_spec(None, None), "info");
    }

    #[test]
    fn spec_becomes_known_loggers() {
        let loggers =
            Loggers::detached("warn, ferry_runtime::task=debug,foo,h2[conn]=trace,x=loud");
        assert_eq!(
            loggers.filter_spec(),
            "warn,h2[conn]=trace,ferry_runtime::task=debug,foo=trace"
        );
        let all = loggers.all_levels();
        assert_eq!(
            all.keys().collect::<Vec<_>>(),
            ["ferry_runtime::task", "foo", "root"]
        );
        assert_eq!(
            all["root"],
            LoggerLevel {
                level: "WARN".into(),
                last_modified: None
            }
        );
        assert_eq!(all["foo"].level, "TRACE");

        let loggers = Loggers::detached("ferry=debug");
        assert_eq!(
            loggers.filter_spec(),
            "info,ferry=debug",
            "root defaults to INFO"
        );
        let loggers = Loggers::detached("FATAL");
        assert_eq!(level(&loggers, "Root"), ("FATAL".into(), None));
        assert_eq!(loggers.filter_spec(), "error");
        assert_eq!(Loggers::detached("2").filter_spec(), "warn");
    }

    #[test]
    fn set_level_covers_children_and_reports_them() {
        let loggers = Loggers::detached("info,a.b.c=error,a.bx=warn,z=debug");
        let affected = loggers.set_level("a.b.c", LogLevel::Debug).unwrap();
        assert_eq!(affected, ["a.b.c"]);
        assert_eq!(level(&loggers, "a.b.c").0, "DEBUG");
        assert!(level(&loggers, "a.b.c").1.is_some());

        // Children are matched by string prefix, as log4j's `startsWith` does: `a.b` covers
        // `a.bx` too.
        let affected = loggers.set_level("a.b", LogLevel::Trace).unwrap();
        assert_eq!(affected, ["a.b", "a.b.c", "a.bx"]);
        assert_eq!(level(&loggers, "a.bx").0, "TRACE");
        assert_eq!(level(&loggers, "z"), ("DEBUG".into(), None));
        assert_eq!(loggers.level("nothing"), None);
        assert_eq!(
            loggers.filter_spec(),
            "info,a.b=trace,a.b.c=trace,a.bx=trace,z=debug"
        );
    }

    #[test]
    fn identical_levels_do_not_touch_last_modified() {
        let loggers = Loggers::detached("info");
        assert_eq!(
            loggers.set_level("ferry", LogLevel::Info).unwrap(),
            ["ferry"]
        );
        assert_eq!(
            level(&loggers, "ferry"),
            ("INFO".into(), None),
            "inherits, unchanged"
        );
        assert!(
            !loggers.all_levels().contains_key("ferry"),
            "no explicit level"
        );

        loggers.set_level("ferry", LogLevel::Warn).unwrap();
        let first = level(&loggers, "ferry");
        std::thread::sleep(std::time::Duration::from_millis(5));
        loggers.set_level("ferry", LogLevel::Warn).unwrap();
        assert_eq!(level(&loggers, "ferry"), first);
        assert!(loggers.all_levels()["ferry"].last_modified.is_some());
    }

    #[test]
    fn root_sets_everything() {
        let loggers = Loggers::detached("info,a=debug,b=warn");
        let affected = loggers.set_level("ROOT", LogLevel::Error).unwrap();
        assert_eq!(affected, ["a", "b", "root"]);
        assert_eq!(loggers.filter_spec(), "error,a=error,b=error");
        assert!(level(&loggers, "root").1.is_some());
    }

    #[test]
    fn invalid_logger_names() {
        let loggers = Loggers::detached("info");
        for name in ["", "a,b", "a=b", "a[b]", " a", "{x}", ".a"] {
            let error = loggers.set_level(name, LogLevel::Debug).unwrap_err();
            assert!(
                matches!(error, LoggingError::InvalidLoggerName(_)),
                "{name:?}"
            );
        }
        for name in [
            "org.apache.kafka.connect",
            "ferry::task",
            "my logger",
            "a-b_c",
            "Root.x",
        ] {
            loggers.set_level(name, LogLevel::Debug).unwrap();
        }
    }

    /// Records the targets of the events that pass the filter.
    #[derive(Clone, Default)]
    struct Seen(Arc<Mutex<Vec<String>>>);

    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Seen {
        fn on_event(
            &self,
            event: &tracing::Event<'_>,
            _: tracing_subscriber::layer::Context<'_, S>,
        ) {
            self.0
                .lock()
                .unwrap()
                .push(event.metadata().target().to_owned());
        }
    }

    #[test]
    fn reload_handle_drives_the_live_filter() {
        let spec = "info";
        let (filter, handle) = reload::Layer::new(Registry::from_spec(spec).filter());
        let loggers = Loggers::with_reload_handle(spec, handle);
        let seen = Seen::default();
        let subscriber = tracing_subscriber::registry()
            .with(filter)
            .with(seen.clone());
        tracing::subscriber::with_default(subscriber, || {
            tracing::debug!(target: "ferry_logging_test::a", "hidden");
            loggers
                .set_level("ferry_logging_test", LogLevel::Debug)
                .unwrap();
            tracing::debug!(target: "ferry_logging_test::a", "shown");
            tracing::debug!(target: "other_logging_test", "hidden");
            loggers
                .set_level("ferry_logging_test", LogLevel::Off)
                .unwrap();
            tracing::error!(target: "ferry_logging_test::a", "hidden");
        });
        let seen: Vec<String> = seen
            .0
            .lock()
            .unwrap()
            .iter()
            .filter(|target| target.contains("logging_test"))
            .cloned()
            .collect();
        assert_eq!(seen, ["ferry_logging_test::a"]);
    }
}
