//! Transformations and predicates that are not built in: the [`ExternalPlugins`] hook through
//! which the host offers third-party classes (plugin libraries) to the chain, and the
//! [`Retry`] policy the chain applies to their retriable failures.

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError};

use crate::config::Check;
use crate::error::TransformError;
use crate::record::ConnectRecord;
use crate::registry::{self, Entry, Lookup, Maker, PluginKind};
use crate::{Predicate, Transformation};

/// A third-party transformation or predicate class.
#[derive(Debug, Clone, PartialEq)]
pub struct ExternalPlugin {
    /// Fully qualified class name.
    pub class: String,
    /// Transformation or predicate.
    pub kind: PluginKind,
    /// The class's version.
    pub version: String,
    /// Its configuration keys (unprefixed).
    pub config_def: ConfigDef,
}

/// Where third-party transformations and predicates come from (the worker's plugin registry).
/// Built-ins take precedence over a class of the same name.
pub trait ExternalPlugins: Send + Sync {
    /// The class named by a full class name or an alias.
    fn find(&self, name: &str) -> Option<ExternalPlugin>;
    /// Every class, transformations and predicates.
    fn list(&self) -> Vec<ExternalPlugin>;
    /// A new instance of `class`, configured with the alias's own keys (prefix removed).
    fn new_transformation(
        &self,
        class: &str,
        config: &BTreeMap<String, String>,
    ) -> Result<Box<dyn Transformation>, ConfigError>;
    /// A new instance of `class`, configured with the alias's own keys (prefix removed).
    fn new_predicate(
        &self,
        class: &str,
        config: &BTreeMap<String, String>,
    ) -> Result<Box<dyn Predicate>, ConfigError>;
}

/// No third-party classes.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoExternalPlugins;

impl ExternalPlugins for NoExternalPlugins {
    fn find(&self, _: &str) -> Option<ExternalPlugin> {
        None
    }
    fn list(&self) -> Vec<ExternalPlugin> {
        Vec::new()
    }
    fn new_transformation(
        &self,
        class: &str,
        _: &BTreeMap<String, String>,
    ) -> Result<Box<dyn Transformation>, ConfigError> {
        Err(ConfigError::Other(format!(
            "Class {class} could not be found."
        )))
    }
    fn new_predicate(
        &self,
        class: &str,
        _: &BTreeMap<String, String>,
    ) -> Result<Box<dyn Predicate>, ConfigError> {
        Err(ConfigError::Other(format!(
            "Class {class} could not be found."
        )))
    }
}

/// How a stage's retriable failures are retried (Kafka's `RetryWithToleranceOperator` for the
/// `TRANSFORMATION` stage): run `op` until it succeeds, fails for good, or the policy gives up
/// (then the last error).
pub trait Retry: Send + Sync {
    /// Run `op` with retries.
    fn retry(
        &self,
        op: &mut dyn FnMut() -> Result<Option<ConnectRecord>, TransformError>,
    ) -> Result<Option<ConnectRecord>, TransformError>;
}

/// A resolved class: built-in or third-party.
#[derive(Clone)]
pub(crate) enum Resolved {
    Builtin(Entry),
    External(ExternalPlugin),
}

impl Resolved {
    pub(crate) fn class(&self) -> &str {
        match self {
            Resolved::Builtin(e) => e.class,
            Resolved::External(p) => &p.class,
        }
    }

    pub(crate) fn kind(&self) -> PluginKind {
        match self {
            Resolved::Builtin(e) => e.kind(),
            Resolved::External(p) => p.kind,
        }
    }

    pub(crate) fn def(&self) -> ConfigDef {
        match self {
            Resolved::Builtin(e) => (e.def)(),
            Resolved::External(p) => p.config_def.clone(),
        }
    }

    pub(crate) fn checks(&self) -> &'static [(&'static str, Check)] {
        match self {
            Resolved::Builtin(e) => e.checks,
            Resolved::External(_) => &[],
        }
    }

    pub(crate) fn is_external(&self) -> bool {
        matches!(self, Resolved::External(_))
    }

    pub(crate) fn transformation(
        &self,
        props: &BTreeMap<String, String>,
        externals: &dyn ExternalPlugins,
    ) -> Result<Option<Box<dyn Transformation>>, ConfigError> {
        match self {
            Resolved::Builtin(Entry {
                maker: Maker::Transform(make),
                ..
            }) => make(props).map(Some),
            Resolved::External(p) if p.kind == PluginKind::Transformation => {
                externals.new_transformation(&p.class, props).map(Some)
            }
            _ => Ok(None),
        }
    }

    pub(crate) fn predicate(
        &self,
        props: &BTreeMap<String, String>,
        externals: &dyn ExternalPlugins,
    ) -> Result<Option<Box<dyn Predicate>>, ConfigError> {
        match self {
            Resolved::Builtin(Entry {
                maker: Maker::Predicate(make),
                ..
            }) => make(props).map(Some),
            Resolved::External(p) if p.kind == PluginKind::Predicate => {
                externals.new_predicate(&p.class, props).map(Some)
            }
            _ => Ok(None),
        }
    }
}

/// What a class name resolves to, built-ins first.
pub(crate) enum Found {
    Plugin(Resolved),
    /// An abstract base class (the message to report).
    Abstract(String),
    Unknown,
}

/// Resolves a class name or alias among the built-ins, then `externals`.
pub(crate) fn lookup(name: &str, externals: &dyn ExternalPlugins) -> Found {
    match registry::lookup(name) {
        Lookup::Found(e) => Found::Plugin(Resolved::Builtin(e)),
        Lookup::Abstract(m) => Found::Abstract(m),
        Lookup::Unknown => externals
            .find(name.trim())
            .map_or(Found::Unknown, |p| Found::Plugin(Resolved::External(p))),
    }
}

#[cfg(test)]
mod tests;
