//! Dates and times without a calendar library: civil-date arithmetic, parsing of the text
//! forms databases store (`YYYY-MM-DD[ T]HH:MM:SS[.fffffffff]`) and `db.timezone`.

use crate::error::{JdbcError, JdbcResult};

/// `db.timezone`: UTC or a fixed offset from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TimeZone {
    /// Seconds east of UTC.
    pub offset_secs: i32,
}

impl TimeZone {
    /// Accepts `UTC`, `GMT`, `Z`, `Etc/UTC` and fixed offsets like `+02:00`, `UTC-05:30`.
    pub fn parse(s: &str) -> JdbcResult<TimeZone> {
        let t = s.trim();
        let rest = ["Etc/UTC", "UTC", "GMT", "Z"]
            .iter()
            .find_map(|p| t.strip_prefix(p))
            .unwrap_or(t);
        if rest.is_empty() {
            return Ok(TimeZone::default());
        }
        let bad = || {
            JdbcError::Config(format!(
                "db.timezone {s:?}: Ferry supports UTC and fixed offsets such as +02:00"
            ))
        };
        let (sign, hm) = match rest.as_bytes().first() {
            Some(b'+') => (1, &rest[1..]),
            Some(b'-') => (-1, &rest[1..]),
            _ => return Err(bad()),
        };
        let (h, m) = hm.split_once(':').unwrap_or((hm, "0"));
        let h: i32 = h.parse().map_err(|_| bad())?;
        let m: i32 = m.parse().map_err(|_| bad())?;
        if h > 18 || m > 59 {
            return Err(bad());
        }
        Ok(TimeZone {
            offset_secs: sign * (h * 3600 + m * 60),
        })
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (
        if m <= 2 {
            yoe + era * 400 + 1
        } else {
            yoe + era * 400
        },
        m,
        d,
    )
}

/// An instant: seconds since the epoch plus nano-of-second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Instant {
    pub secs: i64,
    pub nanos: u32,
}

impl Instant {
    /// From epoch milliseconds.
    pub fn from_millis(ms: i64) -> Instant {
        Instant {
            secs: ms.div_euclid(1000),
            nanos: (ms.rem_euclid(1000) * 1_000_000) as u32,
        }
    }

    /// Epoch milliseconds (`Timestamp.getTime()`).
    pub fn millis(self) -> i64 {
        self.secs * 1000 + i64::from(self.nanos / 1_000_000)
    }

    /// Minus a duration in milliseconds.
    pub fn minus_millis(self, ms: i64) -> Instant {
        let total = i128::from(self.secs) * 1_000_000_000 + i128::from(self.nanos)
            - i128::from(ms) * 1_000_000;
        Instant {
            secs: total.div_euclid(1_000_000_000) as i64,
            nanos: total.rem_euclid(1_000_000_000) as u32,
        }
    }

    /// `YYYY-MM-DD HH:MM:SS.fffffffff` as wall time in `tz`.
    pub fn format(self, tz: TimeZone) -> String {
        let local = self.secs + i64::from(tz.offset_secs);
        let (y, m, d) = civil_from_days(local.div_euclid(86_400));
        let s = local.rem_euclid(86_400);
        format!(
            "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{:09}",
            s / 3600,
            s / 60 % 60,
            s % 60,
            self.nanos
        )
    }

    /// `YYYY-MM-DD HH:MM:SS.fff`, the form SQLite's `strftime('%Y-%m-%d %H:%M:%f')` writes.
    pub fn format_millis(self, tz: TimeZone) -> String {
        let mut s = self.format(tz);
        s.truncate(23);
        s
    }
}

fn num(s: &str) -> Option<i64> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// Parse `YYYY-MM-DD`, days since the epoch.
pub fn parse_date(s: &str) -> Option<i64> {
    let s = s.trim();
    let date = s.get(..10)?;
    let mut parts = date.split('-');
    let y = num(parts.next()?)?;
    let m = num(parts.next()?)? as u32;
    let d = num(parts.next()?)? as u32;
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then(|| days_from_civil(y, m, d))
}

/// Parse `HH:MM[:SS[.fffffffff]]`: nanoseconds since midnight.
pub fn parse_time(s: &str) -> Option<i64> {
    let s = s.trim();
    let (hms, frac) = s.split_once('.').unwrap_or((s, ""));
    let mut parts = hms.split(':');
    let h = num(parts.next()?)?;
    let m = num(parts.next()?)?;
    let sec = parts.next().map(num).unwrap_or(Some(0))?;
    let digits: String = frac
        .chars()
        .take_while(char::is_ascii_digit)
        .take(9)
        .collect();
    let nanos = if digits.is_empty() {
        0
    } else {
        num(&digits)? * 10_i64.pow(9 - digits.len() as u32)
    };
    Some(((h * 60 + m) * 60 + sec) * 1_000_000_000 + nanos)
}

/// Parse `YYYY-MM-DD[ T]HH:MM:SS[.f…][Z|±HH:MM]`; wall times without zone are in `tz`.
pub fn parse_timestamp(s: &str, tz: TimeZone) -> Option<Instant> {
    let s = s.trim();
    let days = parse_date(s)?;
    let rest = s.get(10..)?.trim_start_matches(['T', ' ']);
    let (time, offset) = split_zone(rest);
    let nanos = if time.is_empty() {
        0
    } else {
        parse_time(time)?
    };
    let offset = match offset {
        Some(z) => TimeZone::parse(z).ok()?.offset_secs,
        None => tz.offset_secs,
    };
    let secs = days * 86_400 + nanos.div_euclid(1_000_000_000) - i64::from(offset);
    Some(Instant {
        secs,
        nanos: nanos.rem_euclid(1_000_000_000) as u32,
    })
}

fn split_zone(t: &str) -> (&str, Option<&str>) {
    if let Some(stripped) = t.strip_suffix('Z') {
        return (stripped, Some("Z"));
    }
    match t.rfind(['+', '-']) {
        Some(i) if i >= 5 => (&t[..i], Some(&t[i..])),
        _ => (t, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_round_trip() {
        for d in [-719_468, -1, 0, 1, 10_957, 19_000, 2_932_896] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
        assert_eq!(days_from_civil(2000, 1, 1), 10_957);
    }

    #[test]
    fn parses_timestamps_in_zones() {
        let utc = TimeZone::default();
        let t = parse_timestamp("2024-01-02 03:04:05.123456", utc).map(Instant::millis);
        assert_eq!(t, Some(1_704_164_645_123));
        let plus2 = TimeZone::parse("+02:00").ok().unwrap_or_default();
        let t2 = parse_timestamp("2024-01-02 05:04:05.123", plus2).map(Instant::millis);
        assert_eq!(t2, Some(1_704_164_645_123));
        let z = parse_timestamp("2024-01-02T05:04:05.123+02:00", utc).map(Instant::millis);
        assert_eq!(z, Some(1_704_164_645_123));
        assert_eq!(
            Instant::from_millis(1_704_164_645_123).format_millis(utc),
            "2024-01-02 03:04:05.123"
        );
        assert!(TimeZone::parse("Europe/Paris").is_err());
    }
}
