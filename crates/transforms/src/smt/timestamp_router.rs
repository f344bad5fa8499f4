//! `org.apache.kafka.connect.transforms.TimestampRouter`: topic := `topic.format` with
//! `${topic}` and `${timestamp}` (the record timestamp in `timestamp.format`, UTC) substituted.

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance};

use crate::config::{self, Getters};
use crate::datefmt::DateFormat;
use crate::error::TransformError;
use crate::record::ConnectRecord;
use crate::Transformation;

const TOPIC_FORMAT: &str = "topic.format";
const TIMESTAMP_FORMAT: &str = "timestamp.format";

/// `TimestampRouter.CONFIG_DEF`.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(TOPIC_FORMAT, ConfigType::String)
                .default_value("${topic}-${timestamp}")
                .importance(Importance::High)
                .doc("Format string which can contain <code>${topic}</code> and <code>${timestamp}</code> as placeholders for the topic and timestamp, respectively."),
        )
        .define(
            ConfigKey::new(TIMESTAMP_FORMAT, ConfigType::String)
                .default_value("yyyyMMdd")
                .importance(Importance::High)
                .doc("Format string for the timestamp that is compatible with <code>java.text.SimpleDateFormat</code>."),
        )
}

/// A configured `TimestampRouter`.
#[derive(Debug)]
pub(crate) struct TimestampRouter {
    topic_format: String,
    format: DateFormat,
}

impl TimestampRouter {
    /// `configure(props)`; an invalid `timestamp.format` fails here (Kafka fails on the first
    /// record).
    pub(crate) fn configure(
        props: &BTreeMap<String, String>,
    ) -> Result<TimestampRouter, ConfigError> {
        let cfg = config::parse(&config_def(), &[], "", props)?;
        let pattern = cfg.req_string(TIMESTAMP_FORMAT)?;
        let format = DateFormat::new(&pattern)
            .map_err(|e| ConfigError::invalid(TIMESTAMP_FORMAT, &pattern, e))?;
        Ok(TimestampRouter {
            topic_format: cfg.req_string(TOPIC_FORMAT)?,
            format,
        })
    }
}

impl Transformation for TimestampRouter {
    fn apply(&self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let Some(ts) = record.timestamp else {
            return Err(TransformError::data(format!(
                "Timestamp missing on record: {}",
                record.to_java_string()
            )));
        };
        let formatted = self.format.format(ts);
        record.topic = self
            .topic_format
            .replace("${topic}", &record.topic)
            .replace("${timestamp}", &formatted);
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smt::testutil::props;

    #[test]
    fn defaults() {
        let x = TimestampRouter::configure(&props(&[])).unwrap();
        let mut r = ConnectRecord::new("test");
        r.timestamp = Some(1_483_425_001_864);
        assert_eq!(x.apply(r).unwrap().unwrap().topic, "test-20170103");
    }

    #[test]
    fn custom_format_and_missing_timestamp() {
        let x = TimestampRouter::configure(&props(&[
            ("topic.format", "${timestamp}_${topic}_${topic}"),
            ("timestamp.format", "yyyy-MM-dd'T'HH"),
        ]))
        .unwrap();
        let mut r = ConnectRecord::new("t$1");
        r.timestamp = Some(1_483_425_001_864);
        assert_eq!(x.apply(r).unwrap().unwrap().topic, "2017-01-03T06_t$1_t$1");
        assert_eq!(
            x.apply(ConnectRecord::new("t")).unwrap_err().to_string(),
            "Timestamp missing on record: ConnectRecord{topic='t', kafkaPartition=null, key=null, keySchema=null, value=null, valueSchema=null, timestamp=null, headers=ConnectHeaders(headers=)}"
        );
        assert_eq!(
            TimestampRouter::configure(&props(&[("timestamp.format", "bb")]))
                .unwrap_err()
                .to_string(),
            "Invalid value bb for configuration timestamp.format: Illegal pattern character 'b'"
        );
    }
}
