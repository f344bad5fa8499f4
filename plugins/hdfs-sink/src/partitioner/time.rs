//! Time-based partitioners (`TimeBasedPartitioner`, `DailyPartitioner`, `HourlyPartitioner`):
//! the directory is the start of the record's time bucket (`partition.duration.ms`), in
//! `timezone`, formatted with the Joda pattern `path.format` and the names of `locale`, e.g.
//! `'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH` → `year=2015/month=12/day=07/hour=15`.
//!
//! As Confluent's `TimeBasedPartitioner.getPartition`: the record's UTC time is converted to
//! local time in the zone (its offset at that instant), floored to the bucket in local time
//! (a daily bucket starts at local midnight, an hourly one at the local hour, also across a
//! daylight saving change), converted back to an instant with Joda's
//! `convertLocalToUTC(local, false)` and printed in the zone. A bucket start that falls in a
//! skipped hour therefore prints as the time after the gap (`02:00` → `03:00`); the repeated
//! hour of a fall-back change is one bucket per local hour, so both passes through
//! `02:00–03:00` land in the same `hour=02` directory.

use ferry_plugin_sdk::prelude::*;
use jiff::Timestamp;

use super::joda::{JodaPattern, LocalTime};
use super::locale::Symbols;
use super::zone::Zone;

/// Where a record's time comes from (`timestamp.extractor`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extractor {
    /// The worker's clock.
    Wallclock,
    /// The Kafka record's timestamp.
    Record,
    /// A field of the value: Timestamp, Date, INT64 milliseconds.
    RecordField(String),
}

/// Bucketing and formatting of one time-based partitioner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeBased {
    pub duration_ms: i64,
    pub pattern: JodaPattern,
    pub zone: Zone,
    pub symbols: Symbols,
    pub extractor: Extractor,
}

impl TimeBased {
    /// The record's time, per the extractor.
    pub fn timestamp(&self, record: &SinkRecord<'_>) -> Result<i64> {
        match &self.extractor {
            Extractor::Wallclock => Ok(std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as i64)
                .unwrap_or(0)),
            Extractor::Record => record.timestamp().ok_or_else(|| {
                ConnectError::data("timestamp.extractor=Record: the record has no timestamp")
            }),
            Extractor::RecordField(field) => {
                let value = record.value()?;
                let Value::Struct(s) = &value else {
                    return Err(ConnectError::data(format!(
                        "timestamp.extractor=RecordField needs struct values, got {}",
                        value.kind_name()
                    )));
                };
                match s.get(field)? {
                    Value::Timestamp(ms) | Value::Int64(ms) => Ok(*ms),
                    Value::Date(days) => Ok(i64::from(*days) * 86_400_000),
                    other => Err(ConnectError::data(format!(
                        "timestamp field {field} of kind {} is not a timestamp",
                        other.kind_name()
                    ))),
                }
            }
        }
    }

    /// The directory of a record with time `ts` (epoch milliseconds).
    pub fn encode(&self, ts: i64) -> Result<String> {
        Timestamp::from_millisecond(ts).map_err(|_| out_of_range(ts))?;
        let local = ts + self.zone.offset_ms(ts);
        let bucket = local.div_euclid(self.duration_ms) * self.duration_ms;
        let start = self.zone.local_to_utc(bucket);
        let instant = Timestamp::from_millisecond(start).map_err(|_| out_of_range(ts))?;
        let t = LocalTime {
            dt: self.zone.tz.to_datetime(instant),
            offset_secs: self.zone.tz.to_offset(instant).seconds(),
        };
        Ok(self.pattern.format(&t, &self.symbols, &self.zone))
    }
}

fn out_of_range(ts: i64) -> ConnectError {
    ConnectError::data(format!(
        "timestamp {ts} is outside the years -9999 to 9999 that time-based partitioners support"
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn partitioner(duration_ms: i64, pattern: &str, zone: &str, locale: &str) -> TimeBased {
        TimeBased {
            duration_ms,
            pattern: JodaPattern::parse(pattern).unwrap(),
            zone: Zone::parse(zone).unwrap(),
            symbols: Symbols::for_locale(locale).unwrap(),
            extractor: Extractor::Record,
        }
    }

    /// Milliseconds of a UTC civil time.
    fn utc(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> i64 {
        jiff::civil::datetime(y, mo, d, h, mi, 0, 0)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_millisecond()
    }

    const HOURLY: &str = "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH";
    const DAILY: &str = "'year'=YYYY/'month'=MM/'day'=dd";

    #[test]
    fn buckets_are_floored_in_local_time() {
        let p = partitioner(86_400_000, "YYYY-MM-dd HH", "+02:00", "en");
        // 2015-12-07T23:30Z is 2015-12-08T01:30 at +02:00.
        assert_eq!(p.encode(1_449_531_000_000).unwrap(), "2015-12-08 00");
        let utc_hourly = partitioner(3_600_000, HOURLY, "UTC", "en-US");
        assert_eq!(
            utc_hourly.encode(1_449_500_645_000).unwrap(),
            "year=2015/month=12/day=07/hour=15"
        );
        assert_eq!(
            utc_hourly.encode(-1).unwrap(),
            "year=1969/month=12/day=31/hour=23"
        );
    }

    #[test]
    fn hourly_paths_across_spring_forward() {
        let paris = partitioner(3_600_000, HOURLY, "Europe/Paris", "en");
        // 2024-03-31: 02:00 CET becomes 03:00 CEST at 01:00Z.
        let at = |h, m| paris.encode(utc(2024, 3, 31, h, m)).unwrap();
        assert_eq!(at(0, 59), "year=2024/month=03/day=31/hour=01");
        assert_eq!(at(1, 0), "year=2024/month=03/day=31/hour=03");
        assert_eq!(at(1, 59), "year=2024/month=03/day=31/hour=03");
        assert_eq!(at(2, 0), "year=2024/month=03/day=31/hour=04");
        let ny = partitioner(3_600_000, HOURLY, "America/New_York", "en");
        // 2024-03-10: 02:00 EST becomes 03:00 EDT at 07:00Z.
        let at = |h, m| ny.encode(utc(2024, 3, 10, h, m)).unwrap();
        assert_eq!(at(6, 59), "year=2024/month=03/day=10/hour=01");
        assert_eq!(at(7, 0), "year=2024/month=03/day=10/hour=03");
    }

    #[test]
    fn hourly_paths_across_fall_back() {
        let paris = partitioner(3_600_000, HOURLY, "Europe/Paris", "en");
        // 2024-10-27: 03:00 CEST becomes 02:00 CET at 01:00Z; 02:xx happens twice.
        let at = |h, m| paris.encode(utc(2024, 10, 27, h, m)).unwrap();
        assert_eq!(at(0, 30), "year=2024/month=10/day=27/hour=02");
        assert_eq!(at(1, 30), "year=2024/month=10/day=27/hour=02");
        assert_eq!(at(2, 0), "year=2024/month=10/day=27/hour=03");
        let ny = partitioner(3_600_000, HOURLY, "America/New_York", "en");
        // 2024-11-03: 02:00 EDT becomes 01:00 EST at 06:00Z; 01:xx happens twice.
        let at = |h, m| ny.encode(utc(2024, 11, 3, h, m)).unwrap();
        assert_eq!(at(5, 30), "year=2024/month=11/day=03/hour=01");
        assert_eq!(at(6, 30), "year=2024/month=11/day=03/hour=01");
        assert_eq!(at(7, 0), "year=2024/month=11/day=03/hour=02");
    }

    #[test]
    fn daily_paths_start_at_local_midnight() {
        let paris = partitioner(86_400_000, DAILY, "Europe/Paris", "en");
        // Spring forward day: local midnight is 23:00Z the day before.
        assert_eq!(
            paris.encode(utc(2024, 3, 30, 22, 59)).unwrap(),
            "year=2024/month=03/day=30"
        );
        assert_eq!(
            paris.encode(utc(2024, 3, 30, 23, 0)).unwrap(),
            "year=2024/month=03/day=31"
        );
        assert_eq!(
            paris.encode(utc(2024, 3, 31, 21, 59)).unwrap(),
            "year=2024/month=03/day=31"
        );
        assert_eq!(
            paris.encode(utc(2024, 3, 31, 22, 0)).unwrap(),
            "year=2024/month=04/day=01"
        );
        // Fall back day: 25 hours, 22:00Z to 23:00Z the next day.
        assert_eq!(
            paris.encode(utc(2024, 10, 26, 22, 0)).unwrap(),
            "year=2024/month=10/day=27"
        );
        assert_eq!(
            paris.encode(utc(2024, 10, 27, 22, 59)).unwrap(),
            "year=2024/month=10/day=27"
        );
        assert_eq!(
            paris.encode(utc(2024, 10, 27, 23, 0)).unwrap(),
            "year=2024/month=10/day=28"
        );
        let ny = partitioner(86_400_000, DAILY, "America/New_York", "en");
        assert_eq!(
            ny.encode(utc(2024, 11, 3, 3, 59)).unwrap(),
            "year=2024/month=11/day=02"
        );
        assert_eq!(
            ny.encode(utc(2024, 11, 3, 4, 0)).unwrap(),
            "year=2024/month=11/day=03"
        );
        assert_eq!(
            ny.encode(utc(2024, 11, 4, 4, 59)).unwrap(),
            "year=2024/month=11/day=03"
        );
        assert_eq!(
            ny.encode(utc(2024, 11, 4, 5, 0)).unwrap(),
            "year=2024/month=11/day=04"
        );
    }

    #[test]
    fn a_bucket_starting_in_a_gap_prints_the_time_after_it() {
        // Two-hour buckets: 03:30 CEST floors to 02:00, which 2024-03-31 skipped in Paris.
        let paris = partitioner(7_200_000, "dd HH:mm ZZ", "Europe/Paris", "en");
        assert_eq!(
            paris.encode(utc(2024, 3, 31, 1, 30)).unwrap(),
            "31 03:00 +02:00"
        );
        let ny = partitioner(7_200_000, "dd HH:mm ZZ", "America/New_York", "en");
        assert_eq!(
            ny.encode(utc(2024, 3, 10, 7, 30)).unwrap(),
            "10 03:00 -04:00"
        );
        // In the repeated hour Joda picks the later instant east of Greenwich, the earlier
        // one west of it, which shows in the offset.
        assert_eq!(
            paris.encode(utc(2024, 10, 27, 0, 30)).unwrap(),
            "27 02:00 +01:00"
        );
        let ny1 = partitioner(3_600_000, "dd HH:mm ZZ", "America/New_York", "en");
        assert_eq!(
            ny1.encode(utc(2024, 11, 3, 6, 30)).unwrap(),
            "03 01:00 -04:00"
        );
    }

    #[test]
    fn text_fields_use_the_locale() {
        let p = |locale| partitioner(86_400_000, "'month'=MMMM/'day'=EEE", "Europe/Paris", locale);
        let ts = utc(2024, 3, 30, 23, 30); // Sunday 2024-03-31 00:30 in Paris.
        assert_eq!(p("en").encode(ts).unwrap(), "month=March/day=Sun");
        assert_eq!(p("de").encode(ts).unwrap(), "month=März/day=So.");
        assert_eq!(p("fr").encode(ts).unwrap(), "month=mars/day=dim.");
        assert_eq!(p("en-US").encode(ts).unwrap(), "month=Mar/day=Sun");
        assert_eq!(p("de-DE").encode(ts).unwrap(), "month=Mar/day=Sun");
        assert_eq!(p("fr-FR").encode(ts).unwrap(), "month=Mar/day=Sun");
    }

    #[test]
    fn timestamps_beyond_year_9999_are_a_data_error() {
        let p = partitioner(3_600_000, HOURLY, "UTC", "en");
        assert!(p.encode(i64::MAX).is_err());
        assert!(p.encode(i64::MIN).is_err());
    }
}
