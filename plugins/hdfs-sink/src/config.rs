//! Configuration keys, defaults and documentation: Confluent's `HdfsSinkConnectorConfig` and
//! the storage-common keys it inherits (section 2.1 of the reference), parsed into
//! [`SinkConfig`].

use ferry_plugin_sdk::prelude::*;

use crate::compat::Compatibility;
use crate::format::FormatKind;
use crate::partitioner::{PartitionerKind, Settings};
use crate::schedule::RotationSchedule;

pub const HDFS_URL: &str = "hdfs.url";
pub const STORE_URL: &str = "store.url";
pub const HADOOP_CONF_DIR: &str = "hadoop.conf.dir";
pub const HADOOP_HOME: &str = "hadoop.home";
pub const TOPICS_DIR: &str = "topics.dir";
pub const LOGS_DIR: &str = "logs.dir";
pub const FORMAT_CLASS: &str = "format.class";
pub const FLUSH_SIZE: &str = "flush.size";
pub const ROTATE_INTERVAL_MS: &str = "rotate.interval.ms";
pub const ROTATE_SCHEDULE_INTERVAL_MS: &str = "rotate.schedule.interval.ms";
pub const ROTATE_SIZE_BYTES: &str = "rotate.size.bytes";
pub const RETRY_BACKOFF_MS: &str = "retry.backoff.ms";
pub const ZERO_PAD_WIDTH: &str = "filename.offset.zero.pad.width";
pub const AVRO_CODEC: &str = "avro.codec";
pub const SCHEMA_COMPATIBILITY: &str = "schema.compatibility";
pub const PARTITIONER_CLASS: &str = "partitioner.class";
pub const PARTITION_FIELD_NAME: &str = "partition.field.name";
pub const PARTITION_DURATION_MS: &str = "partition.duration.ms";
pub const PATH_FORMAT: &str = "path.format";
pub const LOCALE: &str = "locale";
pub const TIMEZONE: &str = "timezone";
pub const TIMESTAMP_EXTRACTOR: &str = "timestamp.extractor";
pub const TIMESTAMP_FIELD: &str = "timestamp.field";
pub const KERBEROS: &str = "hdfs.authentication.kerberos";
pub const HDFS_USER: &str = "hdfs.user";

/// The `avro.codec` values this plugin writes (`bzip2` is refused).
pub const AVRO_CODECS: [&str; 3] = ["null", "deflate", "snappy"];

/// Everything a task needs, parsed and checked.
#[derive(Debug, Clone)]
pub struct SinkConfig {
    /// `store.url`, else `hdfs.url`.
    pub url: String,
    pub topics_dir: String,
    pub logs_dir: String,
    pub format: FormatKind,
    pub flush_size: u64,
    /// `None` when disabled (`-1`).
    pub rotate_interval_ms: Option<i64>,
    /// `rotate.schedule.interval.ms` in `timezone`; `None` when disabled.
    pub rotate_schedule: Option<RotationSchedule>,
    pub rotate_size_bytes: Option<u64>,
    pub retry_backoff_ms: i64,
    pub zero_pad_width: usize,
    pub avro_codec: String,
    pub partitioner: PartitionerKind,
    pub compatibility: Compatibility,
    /// User name for HDFS (`hdfs.user`; default: the process user).
    pub hdfs_user: Option<String>,
}

fn key(name: &str, ty: ConfigType, importance: Importance, doc: &str) -> ConfigKey {
    ConfigKey::new(name, ty).importance(importance).doc(doc)
}

/// The connector's ConfigDef.
pub fn config_def() -> ConfigDef {
    use Importance::*;
    ConfigDef::new()
        .define(key(HDFS_URL, ConfigType::String, High, "The HDFS connection URL, e.g. hdfs://localhost:9000 (deprecated alias of store.url; store.url wins). file:///path writes to the local file system.").default_null().group("HDFS", 1))
        .define(key(STORE_URL, ConfigType::String, High, "Store's connection URL: hdfs://host:port[/root] or file:///path.").default_null().group("HDFS", 2))
        .define(key(HADOOP_CONF_DIR, ConfigType::String, High, "The Hadoop configuration directory (accepted; the pure-Rust client reads HADOOP_CONF_DIR itself).").default_value("").group("HDFS", 3))
        .define(key(HADOOP_HOME, ConfigType::String, High, "The Hadoop home directory (accepted, unused).").default_value("").group("HDFS", 4))
        .define(key(HDFS_USER, ConfigType::String, Medium, "User name for HDFS requests; default: the worker's user.").default_null().group("HDFS", 5))
        .define(key(KERBEROS, ConfigType::Boolean, High, "Configuration indicating whether HDFS is using Kerberos for authentication. Not supported by Ferry: true is refused.").default_value("false").group("Security", 1))
        .define(key(TOPICS_DIR, ConfigType::String, High, "Top level directory to store the data ingested from Kafka.").default_value("topics").group("Storage", 1))
        .define(key(LOGS_DIR, ConfigType::String, High, "Top level directory to store the write ahead logs.").default_value("logs").group("Storage", 2))
        .define(key(FORMAT_CLASS, ConfigType::Class, High, "The format class to use when writing data to the store: io.confluent.connect.hdfs.avro.AvroFormat, ...json.JsonFormat or ...string.StringFormat.").default_value(crate::format::AVRO_FORMAT).group("Connector", 1))
        .define(key(FLUSH_SIZE, ConfigType::Int, High, "Number of records written to store before invoking file commits.").required().validator(Validator::at_least(1)).group("Connector", 2))
        .define(key(ROTATE_INTERVAL_MS, ConfigType::Long, High, "The time interval in milliseconds to invoke file commits (wall clock for the default partitioner). Also checked at every offset commit, so files do not sit in +tmp when traffic stops. -1 disables.").default_value("-1").group("Connector", 3))
        .define(key(ROTATE_SCHEDULE_INTERVAL_MS, ConfigType::Long, Medium, "The time interval in milliseconds to periodically invoke file commits. This configuration ensures that file commits are invoked at the interval, counted from midnight in timezone (which is then required). -1 disables.").default_value("-1").group("Connector", 4))
        .define(key(ROTATE_SIZE_BYTES, ConfigType::Long, Medium, "Commit a file once it holds at least this many bytes (Ferry extension against small/huge files). -1 disables.").default_value("-1").group("Connector", 5))
        .define(key(RETRY_BACKOFF_MS, ConfigType::Long, Low, "The retry backoff in milliseconds after a failure writing to the store.").default_value("5000").validator(Validator::at_least(0)).group("Connector", 6))
        .define(key(ZERO_PAD_WIDTH, ConfigType::Int, Low, "Width to zero pad offsets in store's filenames if offsets are too short.").default_value("10").validator(Validator::at_least(0)).group("Connector", 7))
        .define(key(AVRO_CODEC, ConfigType::String, Low, "The Avro compression codec: null, deflate or snappy.").default_null().group("Connector", 8))
        .define(key(SCHEMA_COMPATIBILITY, ConfigType::String, High, "The schema compatibility rule: NONE (any schema change commits the current files), BACKWARD/FULL (newer schemas start new files, older records are projected), FORWARD (older schemas start new files, newer records are projected).").default_value("NONE").validator(Validator::case_insensitive_valid_string(&["NONE", "BACKWARD", "FORWARD", "FULL"])).group("Schema", 1))
        .define(key(PARTITIONER_CLASS, ConfigType::Class, High, "The partitioner: io.confluent.connect.storage.partitioner.DefaultPartitioner, FieldPartitioner, TimeBasedPartitioner, DailyPartitioner or HourlyPartitioner (or the io.confluent.connect.hdfs.partitioner equivalents).").default_value(crate::partitioner::DEFAULT_PARTITIONER).group("Partitioner", 1))
        .define(key(PARTITION_FIELD_NAME, ConfigType::List, Medium, "The name(s) of the field(s) used by FieldPartitioner.").default_value("").group("Partitioner", 2))
        .define(key(PARTITION_DURATION_MS, ConfigType::Long, Medium, "The duration of a partition in milliseconds, used by TimeBasedPartitioner.").default_value("-1").group("Partitioner", 3))
        .define(key(PATH_FORMAT, ConfigType::String, Medium, "This configuration is used to set the format of the data directories when partitioning with TimeBasedPartitioner (a Joda-Time pattern, e.g. 'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH).").default_value("").group("Partitioner", 4))
        .define(key(LOCALE, ConfigType::String, Medium, "The locale to use when partitioning with TimeBasedPartitioner: the language of the month and weekday names in path.format (MMM, MMMM, EEE, EEEE, a). As in Confluent's connector the whole value is read as a language: en, de or fr give their names, while en-US or de-DE give Java's root-locale names (Jan, Sun). Required by the time-based partitioners.").default_value("").group("Partitioner", 5))
        .define(key(TIMEZONE, ConfigType::String, Medium, "The timezone to use when partitioning with TimeBasedPartitioner and for rotate.schedule.interval.ms: an IANA zone id such as Europe/Paris or America/Los_Angeles (daylight saving time applies), UTC, or a fixed offset such as +02:00.").default_value("").group("Partitioner", 6))
        .define(key(TIMESTAMP_EXTRACTOR, ConfigType::String, Medium, "The extractor that gets the timestamp for records when partitioning with TimeBasedPartitioner: Wallclock, Record or RecordField.").default_value("Wallclock").group("Partitioner", 7))
        .define(key(TIMESTAMP_FIELD, ConfigType::String, Medium, "The record field to be used as timestamp by the RecordField timestamp extractor.").default_value("timestamp").group("Partitioner", 8))
}

fn disabled_if_negative(v: Option<i64>) -> Option<i64> {
    v.filter(|v| *v > 0)
}

impl SinkConfig {
    /// Parse and check a task or connector config.
    pub fn parse(config: &ConfigMap) -> Result<SinkConfig> {
        let p = config_def().parse(config)?;
        if p.boolean(KERBEROS)?.unwrap_or(false) {
            return Err(ConnectError::config(format!(
                "{KERBEROS}=true is not supported by Ferry's HDFS sink: Kerberos (SASL/GSSAPI) authentication is not implemented. Use a cluster with simple authentication, or Confluent's Java connector."
            )));
        }
        let url = p
            .string(STORE_URL)?
            .or(p.string(HDFS_URL)?)
            .filter(|u| !u.is_empty())
            .ok_or_else(|| {
                ConnectError::config(format!("Missing required configuration \"{STORE_URL}\" (or \"{HDFS_URL}\") which has no default value."))
            })?
            .to_owned();
        let compatibility =
            Compatibility::from_name(p.string(SCHEMA_COMPATIBILITY)?.unwrap_or("NONE"))?;
        let avro_codec = p.string(AVRO_CODEC)?.unwrap_or("null").to_owned();
        if !AVRO_CODECS.contains(&avro_codec.as_str()) {
            return Err(ConnectError::config(format!(
                "Invalid value {avro_codec} for configuration {AVRO_CODEC}: supported codecs are null, deflate and snappy"
            )));
        }
        let format = FormatKind::from_class(p.class(FORMAT_CLASS)?.unwrap_or_default())?;
        let settings = Settings {
            fields: p.list(PARTITION_FIELD_NAME)?.unwrap_or_default().to_vec(),
            duration_ms: p.long(PARTITION_DURATION_MS)?.unwrap_or(-1),
            path_format: p.string(PATH_FORMAT)?.unwrap_or_default().to_owned(),
            locale: p.string(LOCALE)?.unwrap_or_default().to_owned(),
            timezone: p.string(TIMEZONE)?.unwrap_or_default().to_owned(),
            extractor: p
                .string(TIMESTAMP_EXTRACTOR)?
                .unwrap_or_default()
                .to_owned(),
            timestamp_field: p.string(TIMESTAMP_FIELD)?.unwrap_or("timestamp").to_owned(),
        };
        let rotate_schedule = disabled_if_negative(p.long(ROTATE_SCHEDULE_INTERVAL_MS)?)
            .map(|interval| RotationSchedule::new(interval, &settings.timezone))
            .transpose()?;
        let partitioner = PartitionerKind::from_class(
            p.class(PARTITIONER_CLASS)?.unwrap_or_default(),
            &settings,
        )?;
        Ok(SinkConfig {
            url,
            topics_dir: trim_slashes(p.string(TOPICS_DIR)?.unwrap_or("topics")),
            logs_dir: trim_slashes(p.string(LOGS_DIR)?.unwrap_or("logs")),
            format,
            flush_size: p.int(FLUSH_SIZE)?.unwrap_or(1).max(1) as u64,
            rotate_interval_ms: disabled_if_negative(p.long(ROTATE_INTERVAL_MS)?),
            rotate_schedule,
            rotate_size_bytes: disabled_if_negative(p.long(ROTATE_SIZE_BYTES)?).map(|v| v as u64),
            retry_backoff_ms: p.long(RETRY_BACKOFF_MS)?.unwrap_or(5000),
            zero_pad_width: p.int(ZERO_PAD_WIDTH)?.unwrap_or(10).max(0) as usize,
            avro_codec,
            partitioner,
            compatibility,
            hdfs_user: p
                .string(HDFS_USER)?
                .filter(|u| !u.is_empty())
                .map(str::to_owned),
        })
    }
}

/// `topics.dir`/`logs.dir` are relative to the store's root: `/topics/` and `topics` are the
/// same directory.
fn trim_slashes(dir: &str) -> String {
    dir.trim_matches('/').to_owned()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> ConfigMap {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn store_url_wins_over_hdfs_url_and_defaults_apply() {
        let c = SinkConfig::parse(&map(&[
            ("hdfs.url", "hdfs://a:9000"),
            ("store.url", "file:///tmp/x"),
            ("flush.size", "3"),
        ]))
        .unwrap();
        assert_eq!(c.url, "file:///tmp/x");
        assert_eq!(c.topics_dir, "topics");
        assert_eq!(c.logs_dir, "logs");
        assert_eq!(c.flush_size, 3);
        assert_eq!(c.zero_pad_width, 10);
        assert_eq!(c.rotate_interval_ms, None);
    }

    #[test]
    fn kerberos_is_refused_with_a_clear_message() {
        let err = SinkConfig::parse(&map(&[
            ("hdfs.url", "hdfs://a:9000"),
            ("flush.size", "3"),
            ("hdfs.authentication.kerberos", "true"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("Kerberos"), "{err}");
    }

    #[test]
    fn a_url_is_required() {
        let err = SinkConfig::parse(&map(&[("flush.size", "3")])).unwrap_err();
        assert!(err.to_string().contains("store.url"), "{err}");
    }
}
