//! [`TransformationChain`]: a connector's `transforms` with their predicates (Kafka's
//! `TransformationChain` of `TransformationStage`s), and [`validate`] for the REST validation of
//! the per-alias keys (Kafka's `ConnectorConfig.enrich`).

use std::collections::BTreeMap;
use std::sync::Arc;

use ferry_configdef::{
    parse_value, ConfigDef, ConfigError, ConfigKey, ConfigType, ConfigValue, Importance,
    ParsedValue, Validator, Width,
};

use crate::config::{self, Check};
use crate::error::{ChainConfigError, ChainError, TransformError};
use crate::external::{self, ExternalPlugins, Found, NoExternalPlugins, Resolved, Retry};
use crate::record::ConnectRecord;
use crate::registry::{self, PluginKind};
use crate::{Predicate, Transformation};

const PREDICATE: &str = "predicate";
const NEGATE: &str = "negate";

struct Stage {
    alias: String,
    class: String,
    transformation: Box<dyn Transformation>,
    predicate: Option<Box<dyn Predicate>>,
    negate: bool,
    /// A third-party class (or predicate): its failures may be retriable.
    external: bool,
}

impl Stage {
    /// Kafka's `TransformationStage.apply`: the predicate, then the transformation.
    fn apply(&self, record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let applies = match &self.predicate {
            None => true,
            Some(p) => self.negate ^ p.try_test(&record)?,
        };
        if applies {
            self.transformation.apply(record)
        } else {
            Ok(Some(record))
        }
    }
}

/// The `transforms` + `predicates` of a connector config, in order (Kafka's
/// `TransformationChain`).
pub struct TransformationChain {
    stages: Vec<Stage>,
    retry: Option<Arc<dyn Retry>>,
}

impl std::fmt::Debug for TransformationChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let classes: Vec<&str> = self.stages.iter().map(|s| s.class.as_str()).collect();
        f.debug_struct("TransformationChain")
            .field("stages", &classes)
            .finish()
    }
}

/// The two alias kinds.
#[derive(Clone, Copy)]
struct AliasKind {
    config: &'static str,
    group: &'static str,
    kind: PluginKind,
    base: &'static str,
}

const TRANSFORMS: AliasKind = AliasKind {
    config: "transforms",
    group: "Transforms",
    kind: PluginKind::Transformation,
    base: "Transformation",
};
const PREDICATES: AliasKind = AliasKind {
    config: "predicates",
    group: "Predicates",
    kind: PluginKind::Predicate,
    base: "Predicate",
};

/// The aliases of `transforms` / `predicates` (`ConnectorConfig`'s alias validator: non-null,
/// no duplicates).
fn aliases(props: &BTreeMap<String, String>, kind: AliasKind) -> Result<Vec<String>, ConfigError> {
    let Some(raw) = props.get(kind.config) else {
        return Ok(Vec::new());
    };
    let value = parse_value(kind.config, ConfigType::List, raw)?;
    Validator::UniqueAliases {
        description: format!("unique {} aliases", kind.kind.as_str()),
    }
    .ensure_valid(kind.config, &value)?;
    Ok(match value {
        ParsedValue::List(items) => items,
        _ => Vec::new(),
    })
}

/// The aliases without duplicates, in order.
fn unique(list: &[String]) -> Vec<&String> {
    let mut out: Vec<&String> = Vec::new();
    for alias in list {
        if !out.contains(&alias) {
            out.push(alias);
        }
    }
    out
}

/// The de-duplicated aliases, leniently (for validation).
fn unique_aliases(props: &BTreeMap<String, String>, kind: AliasKind) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if let Some(Ok(ParsedValue::List(items))) = props
        .get(kind.config)
        .map(|raw| parse_value(kind.config, ConfigType::List, raw))
    {
        for item in items {
            if !out.contains(&item) {
                out.push(item);
            }
        }
    }
    out
}

/// The `<prefix>type` key of an alias.
fn type_key(kind: AliasKind, alias: &str) -> ConfigKey {
    let what = kind.kind.as_str();
    ConfigKey::new(format!("{}.{alias}.type", kind.config), ConfigType::Class)
        .importance(Importance::High)
        .doc(format!("Class for the '{alias}' {what}."))
        .group(format!("{}: {alias}", kind.group), 0)
        .width(Width::Long)
        .display_name(format!("{} type for {alias}", kind.base))
}

/// The type validator of an alias: the negate check (transforms only), then the class check.
/// `Ok(Some(entry))` when the class is a usable plugin of the right kind.
fn check_type(
    props: &BTreeMap<String, String>,
    kind: AliasKind,
    alias: &str,
    class: Option<&str>,
    externals: &dyn ExternalPlugins,
) -> Result<Option<Resolved>, ConfigError> {
    let prefix = format!("{}.{alias}.", kind.config);
    if kind.kind == PluginKind::Transformation {
        let negate = format!("{prefix}{NEGATE}");
        let predicate = format!("{prefix}{PREDICATE}");
        if props.contains_key(&negate) && !props.contains_key(&predicate) {
            return Err(ConfigError::Other(format!(
                "Config '{negate}' was provided but there is no config '{predicate}' defining a predicate to be negated."
            )));
        }
    }
    let Some(class) = class else { return Ok(None) };
    match external::lookup(class, externals) {
        Found::Plugin(entry) if entry.kind() == kind.kind => Ok(Some(entry)),
        Found::Plugin(entry) => Err(ConfigError::Other(format!(
            "Class class {} does not implement the {} interface",
            entry.class(),
            kind.base
        ))),
        Found::Abstract(message) => Err(ConfigError::Other(message)),
        Found::Unknown => Ok(None),
    }
}

/// The alias's class, as `EnrichablePlugin.populateConfigDef` resolves it with
/// `requireFullConfig=true` (before any value is validated): a missing type is `Not a
/// Transformation` / `Not a Predicate`, an unknown one `Class <c> could not be found.`.
fn resolve_class(
    props: &BTreeMap<String, String>,
    kind: AliasKind,
    alias: &str,
    externals: &dyn ExternalPlugins,
) -> Result<Resolved, ConfigError> {
    let key = format!("{}.{alias}.type", kind.config);
    let not_a = || ConfigError::invalid(&key, "null", format!("Not a {}", kind.base));
    let raw = props.get(&key).ok_or_else(not_a)?;
    let class = match parse_value(&key, ConfigType::Class, raw)? {
        ParsedValue::Class(c) => c,
        _ => return Err(not_a()),
    };
    match external::lookup(&class, externals) {
        Found::Plugin(entry) if entry.kind() == kind.kind => Ok(entry),
        Found::Plugin(entry) => Err(ConfigError::Other(format!(
            "Class class {} does not implement the {} interface",
            entry.class(),
            kind.base
        ))),
        Found::Abstract(message) => Err(ConfigError::Other(message)),
        Found::Unknown => Err(ConfigError::invalid(
            &key,
            &class,
            format!("Class {class} could not be found."),
        )),
    }
}

/// The embedded ConfigDef of an alias (implicit `predicate`/`negate` for transforms, then the
/// plugin's keys), as Kafka's `EnrichablePlugin.populateConfigDef` + `ConfigDef.embed`.
fn embedded_def(kind: AliasKind, alias: &str, entry: &Resolved) -> ConfigDef {
    let mut inner = ConfigDef::new();
    if kind.kind == PluginKind::Transformation {
        inner = inner
            .define(
                ConfigKey::new(PREDICATE, ConfigType::String)
                    .default_null()
                    .importance(Importance::Medium)
                    .doc("The alias of a predicate used to determine whether to apply this transformation."),
            )
            .define(
                ConfigKey::new(NEGATE, ConfigType::Boolean)
                    .default_value("false")
                    .importance(Importance::Medium)
                    .doc("Whether the configured predicate should be negated."),
            );
    }
    inner = inner.merge(&entry.def());
    ConfigDef::new().embed(
        &format!("{}.{alias}.", kind.config),
        &format!("{}: {alias}", kind.group),
        1,
        &inner,
    )
}

/// The props under `prefix`, with the prefix removed (`originalsWithPrefix`).
fn with_prefix(props: &BTreeMap<String, String>, prefix: &str) -> BTreeMap<String, String> {
    props
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix(prefix)
                .map(|rest| (rest.to_owned(), v.clone()))
        })
        .collect()
}

impl TransformationChain {
    /// Builds the chain of a connector config, checking it as Kafka's `ConnectorConfig` does.
    /// Built-in classes only; see [`TransformationChain::from_config_with`].
    pub fn from_config(
        connector_config: &BTreeMap<String, String>,
    ) -> Result<TransformationChain, ChainConfigError> {
        Self::from_config_with(connector_config, &NoExternalPlugins)
    }

    /// Builds the chain of a connector config, finding classes that are not built in through
    /// `externals` (third-party classes are created and configured here).
    pub fn from_config_with(
        connector_config: &BTreeMap<String, String>,
        externals: &dyn ExternalPlugins,
    ) -> Result<TransformationChain, ChainConfigError> {
        let props = connector_config;
        let transforms = aliases(props, TRANSFORMS)?;
        let predicates = aliases(props, PREDICATES)?;
        // `ConnectorConfig.enrich`: every class is resolved first ...
        let mut resolved: Vec<(AliasKind, &String, Resolved)> = Vec::new();
        for (kind, list) in [(TRANSFORMS, &transforms), (PREDICATES, &predicates)] {
            for alias in unique(list) {
                resolved.push((kind, alias, resolve_class(props, kind, alias, externals)?));
            }
        }
        // ... then the enriched ConfigDef is parsed in definition order: each alias's type
        // (whose validator checks `negate`), then its embedded keys.
        for (kind, alias, entry) in &resolved {
            check_type(props, *kind, alias, None, externals)?;
            let def = embedded_def(*kind, alias, entry);
            config::parse(
                &def,
                entry.checks(),
                &format!("{}.{alias}.", kind.config),
                props,
            )?;
        }
        let mut stages = Vec::with_capacity(transforms.len());
        for (kind, alias, entry) in &resolved {
            if kind.kind != PluginKind::Transformation {
                continue;
            }
            let mut own = with_prefix(props, &format!("transforms.{alias}."));
            let predicate_alias = own.remove(PREDICATE);
            let negate = own.remove(NEGATE);
            let Some(transformation) = entry.transformation(&own, externals)? else {
                continue;
            };
            let mut external = entry.is_external();
            let predicate = match predicate_alias {
                None => None,
                Some(p) => {
                    let key = format!("predicates.{p}.type");
                    let (_, _, pentry) = resolved
                        .iter()
                        .find(|(k, a, _)| k.kind == PluginKind::Predicate && **a == p)
                        .ok_or(ConfigError::Unknown(key))?;
                    external |= pentry.is_external();
                    let own = with_prefix(props, &format!("predicates.{p}."));
                    let Some(predicate) = pentry.predicate(&own, externals)? else {
                        return Err(ConfigError::Unknown(format!("predicates.{p}.type")).into());
                    };
                    Some(predicate)
                }
            };
            stages.push(Stage {
                alias: (*alias).clone(),
                class: entry.class().to_owned(),
                transformation,
                predicate,
                negate: negate.is_some_and(|n| n.eq_ignore_ascii_case("true")),
                external,
            });
        }
        Ok(TransformationChain {
            stages,
            retry: None,
        })
    }

    /// Retry the retriable failures of third-party stages with `retry` (the connector's
    /// `errors.retry.timeout` and `errors.retry.delay.max.ms`). Built-in stages never fail
    /// retriably and are not retried.
    pub fn with_retry(mut self, retry: Arc<dyn Retry>) -> TransformationChain {
        self.retry = Some(retry);
        self
    }

    /// Whether the chain has no stage.
    pub fn is_empty(&self) -> bool {
        self.stages.is_empty()
    }

    /// The number of stages.
    pub fn len(&self) -> usize {
        self.stages.len()
    }

    /// The (alias, class) of every stage, in order.
    pub fn stages(&self) -> impl Iterator<Item = (&str, &str)> {
        self.stages
            .iter()
            .map(|s| (s.alias.as_str(), s.class.as_str()))
    }

    /// Applies every stage; `Ok(None)` = dropped. A stage applies iff it has no predicate or
    /// `negate XOR predicate.test(record)`.
    pub fn apply(&self, record: ConnectRecord) -> Result<Option<ConnectRecord>, ChainError> {
        let mut record = record;
        for stage in &self.stages {
            let result = match (&self.retry, stage.external) {
                (Some(retry), true) => {
                    let input = record;
                    retry.retry(&mut || stage.apply(input.clone()))
                }
                _ => stage.apply(record),
            };
            match result {
                Ok(Some(next)) => record = next,
                Ok(None) => return Ok(None),
                Err(source) => {
                    return Err(ChainError {
                        alias: stage.alias.clone(),
                        class: stage.class.clone(),
                        source,
                    })
                }
            }
        }
        Ok(Some(record))
    }
}

/// For `PUT /connector-plugins/{p}/config/validate`: the keys (prefixed, grouped
/// `Transforms: <alias>` / `Predicates: <alias>`) and ConfigValues (with Kafka's messages) of every
/// `transforms.<alias>.*` and `predicates.<alias>.*` key, as Kafka's `ConnectorConfig.enrich`
/// with `requireFullConfig=false` defines them. The `transforms` and `predicates` keys themselves
/// belong to the connector's framework ConfigDef.
pub fn validate(connector_config: &BTreeMap<String, String>) -> Vec<(ConfigKey, ConfigValue)> {
    validate_with(connector_config, &NoExternalPlugins)
}

/// [`validate`], finding classes that are not built in through `externals`.
pub fn validate_with(
    connector_config: &BTreeMap<String, String>,
    externals: &dyn ExternalPlugins,
) -> Vec<(ConfigKey, ConfigValue)> {
    let props = connector_config;
    let mut out = Vec::new();
    for kind in [TRANSFORMS, PREDICATES] {
        let recommended: Vec<String> = registry::plugins()
            .into_iter()
            .filter(|p| p.kind == kind.kind)
            .map(|p| p.class.to_owned())
            .chain(
                externals
                    .list()
                    .into_iter()
                    .filter(|p| p.kind == kind.kind)
                    .map(|p| p.class),
            )
            .collect();
        for alias in unique_aliases(props, kind) {
            let key = type_key(kind, &alias);
            let mut value = ConfigValue::new(&key.name);
            value.recommended_values = recommended.clone();
            let class = match props.get(&key.name) {
                None => {
                    value.add_error(ConfigError::Missing(key.name.clone()).to_string());
                    None
                }
                Some(raw) => match parse_value(&key.name, ConfigType::Class, raw) {
                    Ok(ParsedValue::Class(c)) => match external::lookup(&c, externals) {
                        Found::Unknown => {
                            value.add_error(
                                ConfigError::invalid(
                                    &key.name,
                                    &c,
                                    format!("Class {c} could not be found."),
                                )
                                .to_string(),
                            );
                            None
                        }
                        Found::Plugin(e) => {
                            value.value = Some(e.class().to_owned());
                            Some(c)
                        }
                        Found::Abstract(_) => {
                            value.value = Some(c.clone());
                            Some(c)
                        }
                    },
                    Ok(_) => None,
                    Err(e) => {
                        value.add_error(e.to_string());
                        None
                    }
                },
            };
            let entry = match check_type(props, kind, &alias, class.as_deref(), externals) {
                Ok(entry) => entry,
                Err(e) => {
                    value.add_error(e.to_string());
                    None
                }
            };
            out.push((key, value));
            let Some(entry) = entry else { continue };
            let def = embedded_def(kind, &alias, &entry);
            let prefix = format!("{}.{alias}.", kind.config);
            let values = def.validate(props);
            for (key, mut value) in def.keys().iter().cloned().zip(values) {
                let bare = key
                    .name
                    .strip_prefix(&prefix)
                    .unwrap_or(&key.name)
                    .to_owned();
                for (_, check) in entry.checks().iter().filter(|(n, _)| *n == bare) {
                    let parsed = match props.get(&key.name) {
                        Some(raw) => {
                            parse_value(&key.name, key.ty, raw).unwrap_or(ParsedValue::Null)
                        }
                        None => key
                            .parsed_default()
                            .ok()
                            .flatten()
                            .unwrap_or(ParsedValue::Null),
                    };
                    if let Err(e) = Check::ensure_valid(*check, &bare, &parsed) {
                        value.add_error(e.to_string());
                    }
                }
                out.push((key, value));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
