//! `org.apache.kafka.connect.transforms.DropHeaders`: removes headers by name.

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance};

use crate::config::{self, Check, Getters};
use crate::error::TransformError;
use crate::record::ConnectRecord;
use crate::Transformation;

const HEADERS: &str = "headers";

/// Checks performed by Kafka's validators.
pub(crate) const CHECKS: &[(&str, Check)] = &[(HEADERS, Check::NonEmptyList)];

/// `DropHeaders.CONFIG_DEF`.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new().define(
        ConfigKey::new(HEADERS, ConfigType::List)
            .importance(Importance::High)
            .doc("The name of the headers to be removed."),
    )
}

/// A configured `DropHeaders`.
#[derive(Debug)]
pub(crate) struct DropHeaders {
    headers: Vec<String>,
}

impl DropHeaders {
    /// `configure(props)`.
    pub(crate) fn configure(props: &BTreeMap<String, String>) -> Result<DropHeaders, ConfigError> {
        let cfg = config::parse(&config_def(), CHECKS, "", props)?;
        Ok(DropHeaders {
            headers: cfg.req_list(HEADERS)?,
        })
    }
}

impl Transformation for DropHeaders {
    fn apply(&self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        record.headers.retain(|h| !self.headers.contains(&h.key));
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Header;
    use crate::smt::testutil::props;
    use ferry_data::Value;

    #[test]
    fn drops_named_headers_only() {
        let x = DropHeaders::configure(&props(&[("headers", "a,b")])).unwrap();
        let mut r = ConnectRecord::new("t");
        for k in ["a", "x", "b", "a", "y"] {
            r.headers.push(Header::new(k, None, Value::from(k)));
        }
        let out = x.apply(r).unwrap().unwrap();
        let keys: Vec<&str> = out.headers.iter().map(|h| h.key.as_str()).collect();
        assert_eq!(keys, ["x", "y"]);
    }

    #[test]
    fn config_errors() {
        assert_eq!(
            DropHeaders::configure(&props(&[])).unwrap_err().to_string(),
            "Missing required configuration \"headers\" which has no default value."
        );
        assert_eq!(
            DropHeaders::configure(&props(&[("headers", "")]))
                .unwrap_err()
                .to_string(),
            "Invalid value [] for configuration headers: Empty list"
        );
    }
}
