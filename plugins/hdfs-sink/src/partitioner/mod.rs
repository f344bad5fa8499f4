//! Partitioners (`partitioner.class`): the directory of a record under its topic
//! (`partition=<p>` for the default, `<field>=<value>/…` for the field partitioner, the time
//! bucket for the time-based ones, see [`time`]).

pub mod joda;
pub mod locale;
mod locale_data;
pub mod time;
pub mod zone;

use ferry_plugin_sdk::prelude::*;
use ferry_plugin_sdk::tracing::warn;

pub use joda::JodaPattern;
pub use locale::Symbols;
pub use time::{Extractor, TimeBased};
pub use zone::Zone;

/// The partitioner keys besides the class.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub fields: Vec<String>,
    pub duration_ms: i64,
    pub path_format: String,
    pub locale: String,
    pub timezone: String,
    pub extractor: String,
    pub timestamp_field: String,
}

const DAILY_FORMAT: &str = "'year'=YYYY/'month'=MM/'day'=dd";
const HOURLY_FORMAT: &str = "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH";

pub const DEFAULT_PARTITIONER: &str = "io.confluent.connect.storage.partitioner.DefaultPartitioner";
pub const FIELD_PARTITIONER: &str = "io.confluent.connect.storage.partitioner.FieldPartitioner";

/// The partitioners this plugin implements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartitionerKind {
    /// `partition=<kafka partition>`.
    Default,
    /// `<field>=<value>[/<field2>=<value2>…]` from the record value's fields.
    Field(Vec<String>),
    /// The start of the record's time bucket.
    Time(Box<TimeBased>),
}

impl PartitionerKind {
    /// By class name (storage-common's and the legacy `io.confluent.connect.hdfs.partitioner`
    /// package).
    pub fn from_class(class: &str, settings: &Settings) -> Result<PartitionerKind> {
        let simple = class.rsplit('.').next().unwrap_or(class);
        match simple {
            "DefaultPartitioner" => Ok(PartitionerKind::Default),
            "FieldPartitioner" if settings.fields.is_empty() => Err(ConnectError::config(
                "FieldPartitioner needs partition.field.name",
            )),
            "FieldPartitioner" => Ok(PartitionerKind::Field(settings.fields.clone())),
            "TimeBasedPartitioner" => time_based(settings, settings.duration_ms, &settings.path_format),
            "DailyPartitioner" => time_based(settings, 86_400_000, DAILY_FORMAT),
            "HourlyPartitioner" => time_based(settings, 3_600_000, HOURLY_FORMAT),
            _ => Err(ConnectError::config(format!(
                "Invalid value {class} for configuration partitioner.class: supported are DefaultPartitioner, FieldPartitioner, TimeBasedPartitioner, DailyPartitioner and HourlyPartitioner (io.confluent.connect.storage.partitioner or io.confluent.connect.hdfs.partitioner)"
            ))),
        }
    }

    /// The encoded partition (directory below the topic) of a record.
    pub fn encode(&self, record: &SinkRecord<'_>) -> Result<String> {
        match self {
            PartitionerKind::Default => Ok(format!("partition={}", record.kafka_partition())),
            PartitionerKind::Field(fields) => {
                let value = record.value()?;
                let Value::Struct(s) = &value else {
                    return Err(ConnectError::data(format!(
                        "FieldPartitioner needs struct values, got {}",
                        value.kind_name()
                    )));
                };
                let parts: Result<Vec<String>> = fields
                    .iter()
                    .map(|f| Ok(format!("{f}={}", field_text(s, f)?)))
                    .collect();
                Ok(parts?.join("/"))
            }
            PartitionerKind::Time(t) => t.encode(t.timestamp(record)?),
        }
    }

    /// The one directory holding every file of `partition`, when the partitioner has one (so
    /// that recovery lists only it, not the whole topic).
    pub fn own_dir(&self, partition: i32) -> Option<String> {
        match self {
            PartitionerKind::Default => Some(format!("partition={partition}")),
            PartitionerKind::Field(_) | PartitionerKind::Time(_) => None,
        }
    }
}

fn time_based(settings: &Settings, duration_ms: i64, path_format: &str) -> Result<PartitionerKind> {
    if duration_ms <= 0 {
        return Err(ConnectError::config(
            "TimeBasedPartitioner needs partition.duration.ms > 0",
        ));
    }
    if path_format.is_empty() {
        return Err(ConnectError::config(
            "TimeBasedPartitioner needs path.format",
        ));
    }
    if settings.locale.is_empty() {
        return Err(ConnectError::config(
            "Time-based partitioners need locale (e.g. en-US)",
        ));
    }
    if settings.timezone.is_empty() {
        return Err(ConnectError::config(
            "Time-based partitioners need timezone (e.g. UTC)",
        ));
    }
    let extractor = match settings.extractor.as_str() {
        "Wallclock" | "" => Extractor::Wallclock,
        "Record" => Extractor::Record,
        "RecordField" => Extractor::RecordField(settings.timestamp_field.clone()),
        other => {
            return Err(ConnectError::config(format!(
                "timestamp.extractor={other} is not supported: use Wallclock, Record or RecordField"
            )))
        }
    };
    let pattern = JodaPattern::parse(path_format)?;
    let symbols = Symbols::for_locale(&settings.locale)?;
    if symbols.is_root() && pattern.has_text_fields() {
        warn!(
            locale = %settings.locale,
            path_format,
            "locale names no language Java knows (Java reads the whole value as a language, so en-US is not English): month and weekday names are Java's root-locale ones (Jan, Sun), as in Confluent's connector on Java 17; use a bare language such as en, de or fr for its names"
        );
    }
    Ok(PartitionerKind::Time(Box::new(TimeBased {
        duration_ms,
        pattern,
        zone: Zone::parse(&settings.timezone)?,
        symbols,
        extractor,
    })))
}

/// The text of a (possibly nested, `a.b`) field: integers, strings and booleans only.
fn field_text(s: &Struct, path: &str) -> Result<String> {
    let mut parts = path.split('.');
    let first = parts.next().unwrap_or(path);
    let mut v = s.get(first)?.clone();
    for p in parts {
        v = match &v {
            Value::Struct(inner) => inner.get(p)?.clone(),
            other => {
                return Err(ConnectError::data(format!(
                    "field {path}: {} is not a struct",
                    other.kind_name()
                )))
            }
        };
    }
    match v {
        Value::Null => Ok("null".to_owned()),
        Value::Int8(_)
        | Value::Int16(_)
        | Value::Int32(_)
        | Value::Int64(_)
        | Value::Boolean(_) => Ok(v.to_java_string()),
        Value::String(s) => Ok(s),
        other => Err(ConnectError::data(format!(
            "field {path} of type {} is not supported for partitioning",
            other.kind_name()
        ))),
    }
}
