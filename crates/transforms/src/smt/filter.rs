//! `org.apache.kafka.connect.transforms.Filter`: drops every record (used with a predicate).

use ferry_configdef::ConfigDef;

use crate::error::TransformError;
use crate::record::ConnectRecord;
use crate::Transformation;

/// `Filter.CONFIG_DEF` (empty).
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
}

/// `Filter`.
#[derive(Debug)]
pub(crate) struct Filter;

impl Transformation for Filter {
    fn apply(&self, _record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_everything() {
        assert_eq!(Filter.apply(ConnectRecord::new("t")).unwrap(), None);
        assert!(config_def().is_empty());
    }
}
