//! `org.apache.kafka.connect.transforms.predicates.HasHeaderKey`.

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, Validator};

use crate::config::{self, Getters};
use crate::record::ConnectRecord;
use crate::Predicate;

/// `HasHeaderKey.CONFIG_DEF`.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new().define(
        ConfigKey::new("name", ConfigType::String)
            .validator(Validator::NonEmptyString)
            .importance(Importance::Medium)
            .doc("The header name."),
    )
}

/// True for records with at least one header with the configured name.
#[derive(Debug)]
pub(crate) struct HasHeaderKey {
    name: String,
}

impl HasHeaderKey {
    /// `configure(props)`.
    pub(crate) fn configure(props: &BTreeMap<String, String>) -> Result<HasHeaderKey, ConfigError> {
        let cfg = config::parse(&config_def(), &[], "", props)?;
        Ok(HasHeaderKey {
            name: cfg.req_string("name")?,
        })
    }
}

impl Predicate for HasHeaderKey {
    fn test(&self, record: &ConnectRecord) -> bool {
        record.headers.iter().any(|h| h.key == self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Header;
    use crate::smt::testutil::props;
    use ferry_data::Value;

    #[test]
    fn tests_header_presence() {
        let p = HasHeaderKey::configure(&props(&[("name", "foo")])).unwrap();
        let mut r = ConnectRecord::new("t");
        assert!(!p.test(&r));
        r.headers.push(Header::new("bar", None, Value::Null));
        assert!(!p.test(&r));
        r.headers.push(Header::new("foo", None, Value::Null));
        assert!(p.test(&r));
    }

    #[test]
    fn config_errors() {
        assert!(HasHeaderKey::configure(&props(&[]))
            .unwrap_err()
            .to_string()
            .contains("Missing required configuration \"name\""));
        assert!(HasHeaderKey::configure(&props(&[("name", "")]))
            .unwrap_err()
            .to_string()
            .contains("String must be non-empty"));
    }
}
