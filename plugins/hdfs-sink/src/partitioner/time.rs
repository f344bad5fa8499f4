//! Time-based partitioners (`TimeBasedPartitioner`, `DailyPartitioner`, `HourlyPartitioner`):
//! the directory is the start of the record's time bucket (`partition.duration.ms`), in
//! `timezone`, formatted with the Joda pattern `path.format`, e.g.
//! `'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH` → `year=2015/month=12/day=07/hour=15`.
//!
//! Time zones: `UTC`/`GMT`/`Z` and fixed offsets (`+02:00`, `UTC+2`, `GMT-05:30`); named
//! zones with daylight saving time are refused.

use ferry_plugin_sdk::prelude::*;

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
    pub path_format: String,
    pub offset_ms: i64,
    pub extractor: Extractor,
}

/// Parse `UTC`, `GMT`, `Z`, `+HH:MM`, `-HH`, `UTC+H`, `GMT-HH:MM` into an offset in ms.
pub fn parse_timezone(tz: &str) -> Result<i64> {
    let rest = tz
        .strip_prefix("UTC")
        .or_else(|| tz.strip_prefix("GMT"))
        .unwrap_or(tz);
    if rest.is_empty() || rest == "Z" {
        return Ok(0);
    }
    let bad = || {
        ConnectError::config(format!(
            "timezone '{tz}' is not supported: use UTC or a fixed offset such as +02:00 (named zones with daylight saving time are not implemented)"
        ))
    };
    let (sign, digits) = match rest.as_bytes().first() {
        Some(b'+') => (1, &rest[1..]),
        Some(b'-') => (-1, &rest[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = digits.split_once(':').unwrap_or((digits, "0"));
    let h: i64 = h.parse().map_err(|_| bad())?;
    let m: i64 = m.parse().map_err(|_| bad())?;
    if h > 18 || m > 59 {
        return Err(bad());
    }
    Ok(sign * (h * 3_600_000 + m * 60_000))
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

    /// The directory of a record with time `ts`.
    pub fn encode(&self, ts: i64) -> String {
        let local = ts + self.offset_ms;
        let bucket = local.div_euclid(self.duration_ms) * self.duration_ms;
        format_joda(&self.path_format, bucket)
    }
}

/// (year, month, day) of a day number since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Format local time `ms` with a Joda pattern (Y/y year, M month, d day, H hour, m minute,
/// s second; repeated letters pad with zeros; `'text'` is literal, `''` a quote).
pub fn format_joda(pattern: &str, ms: i64) -> String {
    let days = ms.div_euclid(86_400_000);
    let in_day = ms.rem_euclid(86_400_000) / 1000;
    let (y, mo, d) = civil_from_days(days);
    let (h, mi, s) = (in_day / 3600, in_day / 60 % 60, in_day % 60);
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            if chars.get(i + 1) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            i += 1;
            while i < chars.len() {
                if chars[i] == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        out.push('\'');
                        i += 2;
                        continue;
                    }
                    break;
                }
                out.push(chars[i]);
                i += 1;
            }
            i += 1;
            continue;
        }
        let mut n = 1;
        while chars.get(i + n) == Some(&c) {
            n += 1;
        }
        let value = match c {
            'Y' | 'y' => Some(if n == 2 { y % 100 } else { y }),
            'M' => Some(mo),
            'd' => Some(d),
            'H' => Some(h),
            'm' => Some(mi),
            's' => Some(s),
            _ => None,
        };
        match value {
            Some(v) => out.push_str(&format!("{v:0n$}")),
            None => (0..n).for_each(|_| out.push(c)),
        }
        i += n;
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn joda_patterns_format_like_confluents_paths() {
        // 2015-12-07T15:04:05Z
        let ms = 1_449_500_645_000;
        assert_eq!(
            format_joda("'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH", ms),
            "year=2015/month=12/day=07/hour=15"
        );
        assert_eq!(
            format_joda("yyyy-MM-dd'T'HH:mm:ss", ms),
            "2015-12-07T15:04:05"
        );
        assert_eq!(format_joda("'it''s' YY", ms), "it's 15");
        assert_eq!(format_joda("YYYY/MM/dd", -1), "1969/12/31");
    }

    #[test]
    fn buckets_are_floored_in_local_time() {
        let p = TimeBased {
            duration_ms: 86_400_000,
            path_format: "YYYY-MM-dd HH".into(),
            offset_ms: parse_timezone("+02:00").unwrap(),
            extractor: Extractor::Record,
        };
        // 2015-12-07T23:30Z is 2015-12-08T01:30 at +02:00.
        assert_eq!(p.encode(1_449_531_000_000), "2015-12-08 00");
    }

    #[test]
    fn time_zones() {
        assert_eq!(parse_timezone("UTC").unwrap(), 0);
        assert_eq!(parse_timezone("GMT-05:30").unwrap(), -19_800_000);
        assert_eq!(parse_timezone("UTC+2").unwrap(), 7_200_000);
        assert!(parse_timezone("Europe/Paris").is_err());
    }
}
