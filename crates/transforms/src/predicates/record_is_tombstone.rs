//! `org.apache.kafka.connect.transforms.predicates.RecordIsTombstone`.

use ferry_configdef::ConfigDef;

use crate::record::ConnectRecord;
use crate::Predicate;

/// `RecordIsTombstone.CONFIG_DEF` (empty).
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
}

/// True for records whose value is null.
#[derive(Debug)]
pub(crate) struct RecordIsTombstone;

impl Predicate for RecordIsTombstone {
    fn test(&self, record: &ConnectRecord) -> bool {
        record.value.is_null()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_data::Value;

    #[test]
    fn null_value_is_tombstone() {
        let mut r = ConnectRecord::new("t");
        assert!(RecordIsTombstone.test(&r));
        r.value = Value::Int32(1);
        assert!(!RecordIsTombstone.test(&r));
    }
}
