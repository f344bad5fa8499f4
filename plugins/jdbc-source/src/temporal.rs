//! Dates and times: civil-date arithmetic, parsing of the text forms databases store
//! (`YYYY-MM-DD[ T]HH:MM:SS[.fffffffff]`), and instants shown in `db.timezone` (see
//! [`crate::zone`]).

pub use crate::zone::TimeZone;

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
    pub fn format(self, tz: &TimeZone) -> String {
        let local = self.secs + tz.offset_at(self.secs);
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
    pub fn format_millis(self, tz: &TimeZone) -> String {
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
pub fn parse_timestamp(s: &str, tz: &TimeZone) -> Option<Instant> {
    let s = s.trim();
    let days = parse_date(s)?;
    let rest = s.get(10..)?.trim_start_matches(['T', ' ']);
    let (time, offset) = split_zone(rest);
    let nanos = if time.is_empty() {
        0
    } else {
        parse_time(time)?
    };
    let local = days * 86_400 + nanos.div_euclid(1_000_000_000);
    let secs = match offset {
        Some(z) => local - i64::from(crate::zone::fixed_offset(z)?),
        None => tz.local_to_utc(local),
    };
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
        let t = parse_timestamp("2024-01-02 03:04:05.123456", &utc).map(Instant::millis);
        assert_eq!(t, Some(1_704_164_645_123));
        let plus2 = TimeZone::parse("+02:00").unwrap_or_default();
        let t2 = parse_timestamp("2024-01-02 05:04:05.123", &plus2).map(Instant::millis);
        assert_eq!(t2, Some(1_704_164_645_123));
        let z = parse_timestamp("2024-01-02T05:04:05.123+02:00", &utc).map(Instant::millis);
        assert_eq!(z, Some(1_704_164_645_123));
        assert_eq!(
            Instant::from_millis(1_704_164_645_123).format_millis(&utc),
            "2024-01-02 03:04:05.123"
        );
    }

    #[test]
    fn named_zones_across_daylight_saving_changes() {
        let paris = TimeZone::parse("Europe/Paris").unwrap_or_default();
        let ms = |s| parse_timestamp(s, &paris).map(Instant::millis);
        // Winter (+01:00) and summer (+02:00).
        assert_eq!(ms("2024-01-15 12:00:00"), Some(1_705_316_400_000));
        assert_eq!(ms("2024-07-15 12:00:00"), Some(1_721_037_600_000));
        // Skipped 2024-03-31 02:30 → 01:30Z; repeated 2024-10-27 02:30 → the later 01:30Z.
        assert_eq!(ms("2024-03-31 02:30:00"), Some(1_711_848_600_000));
        assert_eq!(ms("2024-10-27 02:30:00"), Some(1_729_992_600_000));
        // An explicit offset wins over the zone.
        assert_eq!(ms("2024-10-27 02:30:00+02:00"), Some(1_729_989_000_000));
        let ny = TimeZone::parse("America/New_York").unwrap_or_default();
        let ms = |s| parse_timestamp(s, &ny).map(Instant::millis);
        assert_eq!(ms("2024-03-10 02:30:00"), Some(1_710_055_800_000));
        assert_eq!(ms("2024-11-03 01:30:00.250"), Some(1_730_615_400_250));
        // Instants shown back on the wall clock.
        let show = |ms: i64, tz: &TimeZone| Instant::from_millis(ms).format_millis(tz);
        assert_eq!(show(1_729_989_000_000, &paris), "2024-10-27 02:30:00.000");
        assert_eq!(show(1_729_992_600_000, &paris), "2024-10-27 02:30:00.000");
        assert_eq!(show(1_711_848_600_000, &paris), "2024-03-31 03:30:00.000");
        assert_eq!(show(1_730_611_800_000, &ny), "2024-11-03 01:30:00.000");
    }
}
