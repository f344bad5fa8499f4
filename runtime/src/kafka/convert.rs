//! The key, value and header converters of one connector: the worker's, overridden by the
//! connector's own `key.converter`, `value.converter.*` and so on.

use std::collections::BTreeMap;

use ferry_converters::{
    converter, header_converter, Converter, ConverterTarget, HeaderConverter, Passthrough,
};

/// A connector's converters.
pub struct Converters {
    pub key: Box<dyn Converter>,
    pub value: Box<dyn Converter>,
    pub header: Box<dyn HeaderConverter>,
    /// Keys and values the converters write as their own bytes (`key.passthrough()`, ...).
    pub key_passthrough: Passthrough,
    pub value_passthrough: Passthrough,
    /// Class names as configured, for error reports.
    pub key_class: String,
    pub value_class: String,
    pub header_class: String,
}

/// Worker-level converter classes and settings.
#[derive(Debug, Clone, Default)]
pub struct ConverterDefaults {
    pub key: (String, BTreeMap<String, String>),
    pub value: (String, BTreeMap<String, String>),
    pub header: (String, BTreeMap<String, String>),
}

fn pick(
    prefix: &str,
    worker: &(String, BTreeMap<String, String>),
    connector: &BTreeMap<String, String>,
) -> (String, BTreeMap<String, String>) {
    match connector.get(prefix).filter(|c| !c.trim().is_empty()) {
        // A connector-level class takes only the connector-level settings, as in Kafka.
        Some(class) => (class.trim().to_owned(), prefixed(connector, prefix)),
        None => {
            let mut config = worker.1.clone();
            config.extend(prefixed(connector, prefix));
            (worker.0.clone(), config)
        }
    }
}

fn prefixed(config: &BTreeMap<String, String>, prefix: &str) -> BTreeMap<String, String> {
    let p = format!("{prefix}.");
    config
        .iter()
        .filter_map(|(k, v)| k.strip_prefix(&p).map(|k| (k.to_owned(), v.clone())))
        .collect()
}

impl Converters {
    /// Build the converters for a connector config.
    pub fn for_connector(
        defaults: &ConverterDefaults,
        connector: &BTreeMap<String, String>,
    ) -> Result<Converters, String> {
        let (kc, kcfg) = pick("key.converter", &defaults.key, connector);
        let (vc, vcfg) = pick("value.converter", &defaults.value, connector);
        let (hc, hcfg) = pick("header.converter", &defaults.header, connector);
        let err = |what: &str, e: ferry_converters::ConvertError| {
            format!("Failed to create the {what} converter: {e}")
        };
        let key = converter(&kc, ConverterTarget::Key, &kcfg).map_err(|e| err("key", e))?;
        let value = converter(&vc, ConverterTarget::Value, &vcfg).map_err(|e| err("value", e))?;
        Ok(Converters {
            key_passthrough: key.passthrough(),
            value_passthrough: value.passthrough(),
            key,
            value,
            header: header_converter(&hc, &hcfg).map_err(|e| err("header", e))?,
            key_class: kc,
            value_class: vc,
            header_class: hc,
        })
    }
}
