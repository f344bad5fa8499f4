//! `timestamp.granularity`: how TIMESTAMP columns reach Kafka (Confluent's
//! `JdbcSourceConnectorConfig.TimestampGranularity` and `DateTimeUtils`).
//!
//! Applies to the columns mapped to [`ColumnKind::Timestamp`](crate::schema::ColumnKind)
//! only (JDBC `Types.TIMESTAMP`); DATE and TIME columns keep their logical types. Offsets do
//! not depend on it: they keep the exact instant read from the database.

use ferry_plugin_sdk::prelude::*;

use crate::error::{JdbcError, JdbcResult};
use crate::temporal::{civil_from_days, Instant, TimeZone};

/// One `timestamp.granularity` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Granularity {
    /// Connect's `Timestamp` logical type: epoch milliseconds (default).
    #[default]
    ConnectLogical,
    /// Epoch microseconds, INT64.
    MicrosLong,
    /// Epoch microseconds as decimal text.
    MicrosString,
    /// `yyyy-MM-dd'T'HH:mm:ss.SSSSSS`, wall time in `db.timezone`.
    MicrosIsoDatetimeString,
    /// Epoch nanoseconds, INT64.
    NanosLong,
    /// Epoch nanoseconds as decimal text.
    NanosString,
    /// `yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS`, wall time in `db.timezone`.
    NanosIsoDatetimeString,
}

/// The accepted values, in Confluent's enum order.
pub const NAMES: [&str; 7] = [
    "connect_logical",
    "micros_long",
    "micros_string",
    "micros_iso_datetime_string",
    "nanos_long",
    "nanos_string",
    "nanos_iso_datetime_string",
];

const ALL: [Granularity; 7] = [
    Granularity::ConnectLogical,
    Granularity::MicrosLong,
    Granularity::MicrosString,
    Granularity::MicrosIsoDatetimeString,
    Granularity::NanosLong,
    Granularity::NanosString,
    Granularity::NanosIsoDatetimeString,
];

impl Granularity {
    /// The value named `s` (any case), `None` when it names none.
    pub fn parse(s: &str) -> Option<Granularity> {
        let lower = s.trim().to_ascii_lowercase();
        NAMES.iter().position(|n| *n == lower).map(|i| ALL[i])
    }

    /// The field schema of a TIMESTAMP column: the `Timestamp` logical type, INT64 or STRING,
    /// optional when the column is.
    pub fn schema(self, optional: bool) -> SchemaRef {
        let b = match self {
            Granularity::ConnectLogical => logical::timestamp(),
            Granularity::MicrosLong | Granularity::NanosLong => Schema::builder(Type::Int64),
            _ => Schema::builder(Type::String),
        };
        if optional {
            b.optional().build()
        } else {
            b.build()
        }
    }

    /// The Connect value of instant `t` (a value of column `column`); ISO strings show the wall
    /// time in `tz`.
    pub fn value(self, t: Instant, tz: &TimeZone, column: &str) -> JdbcResult<Value> {
        Ok(match self {
            Granularity::ConnectLogical => Value::Timestamp(t.millis()),
            Granularity::MicrosLong => Value::Int64(epoch_micros(t)),
            Granularity::MicrosString => Value::String(epoch_micros(t).to_string()),
            Granularity::MicrosIsoDatetimeString => Value::String(iso(t, tz, 6)),
            Granularity::NanosLong => Value::Int64(
                i64::try_from(epoch_nanos(t)).map_err(|_| {
                    JdbcError::Data(format!(
                        "timestamp {} of column {column} is out of the range of epoch nanoseconds in a 64-bit integer (1677-09-21 to 2262-04-11); use timestamp.granularity=nanos_string",
                        iso(t, &TimeZone::default(), 9)
                    ))
                })?,
            ),
            Granularity::NanosString => Value::String(epoch_nanos(t).to_string()),
            Granularity::NanosIsoDatetimeString => Value::String(iso(t, tz, 9)),
        })
    }
}

/// Microseconds since the epoch, rounded down (sub-microsecond digits are cut).
fn epoch_micros(t: Instant) -> i64 {
    t.secs * 1_000_000 + i64::from(t.nanos / 1000)
}

fn epoch_nanos(t: Instant) -> i128 {
    i128::from(t.secs) * 1_000_000_000 + i128::from(t.nanos)
}

/// `yyyy-MM-dd'T'HH:mm:ss.` and `digits` fraction digits (cut, not rounded), the wall time of
/// `t` in `tz`. As `java.time`'s `yyyy`: the year of the era, with a `+` beyond 9999.
fn iso(t: Instant, tz: &TimeZone, digits: usize) -> String {
    let local = t.secs + tz.offset_at(t.secs);
    let (y, m, d) = civil_from_days(local.div_euclid(86_400));
    let s = local.rem_euclid(86_400);
    let year_of_era = if y <= 0 { 1 - y } else { y };
    let year = if year_of_era > 9999 {
        format!("+{year_of_era}")
    } else {
        format!("{year_of_era:04}")
    };
    let fraction = format!("{:09}", t.nanos);
    format!(
        "{year}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{}",
        s / 3600,
        s / 60 % 60,
        s % 60,
        &fraction[..digits.min(9)]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::temporal::parse_timestamp;

    fn at(s: &str) -> Instant {
        parse_timestamp(s, &TimeZone::default()).unwrap()
    }

    fn values(t: Instant, tz: &TimeZone) -> Vec<Value> {
        ALL.iter().map(|g| g.value(t, tz, "ts").unwrap()).collect()
    }

    #[test]
    fn names_parse_in_any_case_and_nothing_else() {
        for (n, g) in NAMES.iter().zip(ALL) {
            assert_eq!(Granularity::parse(n), Some(g));
            assert_eq!(Granularity::parse(&n.to_uppercase()), Some(g));
        }
        assert_eq!(
            Granularity::parse("Nanos_Long"),
            Some(Granularity::NanosLong)
        );
        assert_eq!(Granularity::parse("nanos"), None);
        assert_eq!(Granularity::parse(""), None);
    }

    #[test]
    fn an_instant_after_1970_with_sub_millisecond_digits() {
        let utc = TimeZone::default();
        let t = at("2024-03-01 12:00:00.123456789");
        assert_eq!(
            values(t, &utc),
            [
                Value::Timestamp(1_709_294_400_123),
                Value::Int64(1_709_294_400_123_456),
                Value::String("1709294400123456".into()),
                Value::String("2024-03-01T12:00:00.123456".into()),
                Value::Int64(1_709_294_400_123_456_789),
                Value::String("1709294400123456789".into()),
                Value::String("2024-03-01T12:00:00.123456789".into()),
            ]
        );
    }

    #[test]
    fn an_instant_before_1970_counts_down_from_the_epoch() {
        let utc = TimeZone::default();
        // 1969-12-31 23:59:59.876543210 is 123456790 ns before the epoch.
        let t = at("1969-12-31 23:59:59.87654321");
        assert_eq!(
            values(t, &utc),
            [
                Value::Timestamp(-124),
                Value::Int64(-123_457),
                Value::String("-123457".into()),
                Value::String("1969-12-31T23:59:59.876543".into()),
                Value::Int64(-123_456_790),
                Value::String("-123456790".into()),
                Value::String("1969-12-31T23:59:59.876543210".into()),
            ]
        );
        let t = at("1900-01-01 00:00:00.000001");
        assert_eq!(
            Granularity::NanosLong.value(t, &utc, "ts").unwrap(),
            Value::Int64(-2_208_988_799_999_999_000)
        );
        assert_eq!(
            Granularity::MicrosLong.value(t, &utc, "ts").unwrap(),
            Value::Int64(-2_208_988_799_999_999)
        );
    }

    #[test]
    fn iso_strings_show_the_wall_time_in_db_timezone() {
        let paris = TimeZone::parse("Europe/Paris").unwrap();
        let g = Granularity::NanosIsoDatetimeString;
        // Winter +01:00, summer +02:00.
        let winter = at("2024-01-15 11:00:00.000001");
        let summer = at("2024-07-15 10:00:00.5");
        assert_eq!(
            g.value(winter, &paris, "ts").unwrap(),
            Value::String("2024-01-15T12:00:00.000001000".into())
        );
        assert_eq!(
            Granularity::MicrosIsoDatetimeString
                .value(summer, &paris, "ts")
                .unwrap(),
            Value::String("2024-07-15T12:00:00.500000".into())
        );
        // Epoch numbers do not depend on the zone.
        assert_eq!(
            Granularity::NanosString
                .value(summer, &paris, "ts")
                .unwrap(),
            Value::String("1721037600500000000".into())
        );
    }

    #[test]
    fn years_are_written_as_java_time_writes_yyyy() {
        let utc = TimeZone::default();
        let g = Granularity::MicrosIsoDatetimeString;
        let text = |y: i64| {
            let secs = crate::temporal::days_from_civil(y, 6, 1) * 86_400;
            g.value(Instant { secs, nanos: 0 }, &utc, "ts").unwrap()
        };
        assert_eq!(text(12), Value::String("0012-06-01T00:00:00.000000".into()));
        assert_eq!(text(0), Value::String("0001-06-01T00:00:00.000000".into()));
        assert_eq!(
            text(-43),
            Value::String("0044-06-01T00:00:00.000000".into())
        );
        assert_eq!(
            text(10_000),
            Value::String("+10000-06-01T00:00:00.000000".into())
        );
    }

    #[test]
    fn nanos_long_out_of_range_names_the_column() {
        let t = at("2262-04-12 00:00:00");
        let e = Granularity::NanosLong
            .value(t, &TimeZone::default(), "modified")
            .unwrap_err()
            .to_string();
        assert!(e.contains("modified") && e.contains("nanos_string"), "{e}");
        assert_eq!(
            Granularity::NanosString
                .value(t, &TimeZone::default(), "modified")
                .unwrap(),
            Value::String("9223372800000000000".into())
        );
        let last = at("2262-04-11 23:47:16.854775807");
        assert_eq!(
            Granularity::NanosLong
                .value(last, &TimeZone::default(), "ts")
                .unwrap(),
            Value::Int64(i64::MAX)
        );
    }

    #[test]
    fn schemas_by_granularity() {
        let s = Granularity::ConnectLogical.schema(true);
        assert_eq!(
            (s.ty, s.optional, s.name.as_deref()),
            (
                Type::Int64,
                true,
                Some("org.apache.kafka.connect.data.Timestamp")
            )
        );
        let s = Granularity::NanosLong.schema(false);
        assert_eq!(
            (s.ty, s.optional, s.name.as_deref()),
            (Type::Int64, false, None)
        );
        let s = Granularity::NanosIsoDatetimeString.schema(true);
        assert_eq!(
            (s.ty, s.optional, s.name.as_deref()),
            (Type::String, true, None)
        );
        let s = Granularity::MicrosString.schema(false);
        assert_eq!(
            (s.ty, s.optional, s.name.as_deref()),
            (Type::String, false, None)
        );
    }
}
