//! `db.timezone`: the zone in which TIME and TIMESTAMP values without a zone of their own are
//! read and bound, as Confluent's connector does through `Calendar(db.timezone)`.
//!
//! Accepted: the ids of Java's `TimeZone.getAvailableIDs()` (IANA zones such as
//! `Europe/Paris`, links such as `US/Eastern`, Java's three-letter ids such as `PST` and its
//! `SystemV/…` ids),
//! `UTC`/`GMT`/`Z`, and fixed offsets (`+02:00`, `UTC-05:30`). The tz database is compiled
//! into the plugin (jiff's bundled copy): nothing is read from `/usr/share/zoneinfo`.
//!
//! A wall time is turned into an instant as the JDBC drivers do it, with a lenient
//! `GregorianCalendar` in the zone: a time in the hour skipped by a spring-forward change
//! moves forward by the gap (02:30 → 03:30), and a time in the hour repeated by a fall-back
//! change is the *later* of the two instants (the offset after the change, i.e. standard
//! time). `java.time` would pick the earlier one; pgjdbc and MySQL Connector/J go through
//! `Calendar`.

use jiff::tz::{AmbiguousOffset, Offset};
use jiff::Timestamp;

use crate::error::{JdbcError, JdbcResult};

/// Java's old three-letter ids (`ZoneId.SHORT_IDS`, which `TimeZone` also accepts).
const JAVA_SHORT_IDS: &[(&str, &str)] = &[
    ("ACT", "Australia/Darwin"),
    ("AET", "Australia/Sydney"),
    ("AGT", "America/Argentina/Buenos_Aires"),
    ("ART", "Africa/Cairo"),
    ("AST", "America/Anchorage"),
    ("BET", "America/Sao_Paulo"),
    ("BST", "Asia/Dhaka"),
    ("CAT", "Africa/Harare"),
    ("CNT", "America/St_Johns"),
    ("CST", "America/Chicago"),
    ("CTT", "Asia/Shanghai"),
    ("EAT", "Africa/Addis_Ababa"),
    ("ECT", "Europe/Paris"),
    ("EST", "-05:00"),
    ("HST", "-10:00"),
    ("IET", "America/Indiana/Indianapolis"),
    ("IST", "Asia/Kolkata"),
    ("JST", "Asia/Tokyo"),
    ("MIT", "Pacific/Apia"),
    ("MST", "-07:00"),
    ("NET", "Asia/Yerevan"),
    ("NST", "Pacific/Auckland"),
    ("PLT", "Asia/Karachi"),
    ("PNT", "America/Phoenix"),
    ("PRT", "America/Puerto_Rico"),
    ("PST", "America/Los_Angeles"),
    ("SST", "Pacific/Guadalcanal"),
    ("VST", "Asia/Ho_Chi_Minh"),
];

/// A parsed `db.timezone`.
#[derive(Clone, PartialEq, Eq)]
pub struct TimeZone {
    /// The value as configured, for messages.
    name: String,
    tz: jiff::tz::TimeZone,
}

impl Default for TimeZone {
    fn default() -> TimeZone {
        TimeZone {
            name: "UTC".to_owned(),
            tz: jiff::tz::TimeZone::UTC,
        }
    }
}

impl std::fmt::Debug for TimeZone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl std::fmt::Display for TimeZone {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name)
    }
}

impl TimeZone {
    /// Parse `db.timezone`; the error names the value and what is accepted.
    pub fn parse(s: &str) -> JdbcResult<TimeZone> {
        let t = s.trim();
        let bad = |hint: &str| {
            JdbcError::Config(format!(
                "Invalid value {s} for configuration db.timezone: Invalid time zone identifier{hint}. Use a Java time zone id such as Europe/Paris or America/New_York, UTC, or a fixed offset such as +02:00"
            ))
        };
        let target = JAVA_SHORT_IDS
            .iter()
            .find(|(short, _)| *short == t)
            .map_or(t, |(_, id)| *id);
        if let Some(secs) = fixed_offset(target) {
            let offset = Offset::from_seconds(secs).map_err(|_| bad(""))?;
            return Ok(TimeZone {
                name: t.to_owned(),
                tz: jiff::tz::TimeZone::fixed(offset),
            });
        }
        if let Some(posix) = system_v(target) {
            let tz = jiff::tz::TimeZone::posix(&posix).map_err(|_| bad(""))?;
            return Ok(TimeZone {
                name: t.to_owned(),
                tz,
            });
        }
        let tz = jiff::tz::TimeZoneDatabase::bundled()
            .get(target)
            .map_err(|_| bad(""))?;
        // The database is searched without regard to case; Java's ids are case-sensitive.
        match tz.iana_name() {
            Some(name) if name == target => Ok(TimeZone {
                name: t.to_owned(),
                tz,
            }),
            Some(name) => Err(bad(&format!(" (did you mean {name}?)"))),
            None => Err(bad("")),
        }
    }

    /// The IANA name of a zone from the tz database (`America/Los_Angeles` for `PST`).
    pub fn iana_name(&self) -> Option<&str> {
        self.tz.iana_name()
    }

    /// The offset in seconds when the zone never changes it (UTC and fixed offsets).
    pub fn fixed_offset_secs(&self) -> Option<i32> {
        if let Ok(offset) = self.tz.to_fixed_offset() {
            return Some(offset.seconds());
        }
        // A zone of the database without transitions (`Etc/UTC`, `Etc/GMT+5`).
        let changes = self.tz.following(Timestamp::MIN).next().is_some();
        (!changes).then(|| self.tz.to_offset(Timestamp::UNIX_EPOCH).seconds())
    }

    /// Seconds east of UTC at instant `secs` (seconds since the epoch).
    pub fn offset_at(&self, secs: i64) -> i64 {
        let t = Timestamp::from_second(secs).unwrap_or(if secs < 0 {
            Timestamp::MIN
        } else {
            Timestamp::MAX
        });
        i64::from(self.tz.to_offset(t).seconds())
    }

    /// The instant (seconds since the epoch) of wall time `local` (seconds since
    /// 1970-01-01T00:00 on the wall clock), resolved as a lenient `GregorianCalendar` does:
    /// in a gap with the offset before it, in an overlap with the offset after it.
    pub fn local_to_utc(&self, local: i64) -> i64 {
        let civil = Timestamp::from_second(local)
            .map(|t| jiff::tz::TimeZone::UTC.to_datetime(t))
            .ok();
        let offset = match civil.map(|dt| self.tz.to_ambiguous_timestamp(dt).offset()) {
            Some(AmbiguousOffset::Unambiguous { offset }) => i64::from(offset.seconds()),
            Some(AmbiguousOffset::Gap { before, .. }) => i64::from(before.seconds()),
            Some(AmbiguousOffset::Fold { after, .. }) => i64::from(after.seconds()),
            // Beyond the years -9999..9999: the offset at the nearest instant.
            None => self.offset_at(local),
        };
        local - offset
    }

    /// [`TimeZone::local_to_utc`] in milliseconds.
    pub fn local_millis_to_utc(&self, local_ms: i64) -> i64 {
        self.local_to_utc(local_ms.div_euclid(1000)) * 1000 + local_ms.rem_euclid(1000)
    }
}

/// Java's `SystemV/EST5EDT` and the like, as POSIX TZ strings: a fixed offset, or daylight
/// saving time from the last Sunday of April to the last Sunday of October (the US rules of
/// 1976–1986, which Java keeps for these ids).
fn system_v(id: &str) -> Option<String> {
    const IDS: [&str; 13] = [
        "AST4", "AST4ADT", "CST6", "CST6CDT", "EST5", "EST5EDT", "HST10", "MST7", "MST7MDT",
        "PST8", "PST8PDT", "YST9", "YST9YDT",
    ];
    let rule = id.strip_prefix("SystemV/").filter(|r| IDS.contains(r))?;
    Some(if rule.ends_with("DT") {
        format!("{rule},M4.5.0,M10.5.0")
    } else {
        rule.to_owned()
    })
}

/// `UTC`, `GMT`, `Z`, `UT`, `±HH[:MM[:SS]]`, `±HHMM`, with an optional `UTC`/`GMT` prefix
/// before the sign, in seconds east of UTC (at most ±18:00, as Java's `ZoneOffset`).
pub fn fixed_offset(s: &str) -> Option<i32> {
    if matches!(s, "UTC" | "GMT" | "Z" | "UT") {
        return Some(0);
    }
    let rest = ["UTC", "GMT", "UT"]
        .iter()
        .find_map(|p| s.strip_prefix(p).filter(|r| r.starts_with(['+', '-'])))
        .unwrap_or(s);
    let (sign, digits) = match rest.as_bytes().first() {
        Some(b'+') => (1, &rest[1..]),
        Some(b'-') => (-1, &rest[1..]),
        _ => return None,
    };
    let parts: Vec<&str> = if digits.contains(':') {
        digits.split(':').collect()
    } else if digits.len() == 4 {
        vec![&digits[..2], &digits[2..]]
    } else {
        vec![digits]
    };
    let ok = |p: &&str| !p.is_empty() && p.len() <= 2 && p.bytes().all(|b| b.is_ascii_digit());
    if parts.len() > 3 || !parts.iter().all(ok) {
        return None;
    }
    let n = |i: usize| parts.get(i).map_or(Some(0), |p| p.parse::<i32>().ok());
    let secs = n(0)? * 3600 + n(1)? * 60 + n(2)?;
    (n(1)? <= 59 && n(2)? <= 59 && secs <= 18 * 3600).then_some(sign * secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Seconds of a civil time read as UTC.
    fn at(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> i64 {
        jiff::civil::datetime(y, mo, d, h, mi, 0, 0)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map_or(0, |z| z.timestamp().as_second())
    }

    fn zone(s: &str) -> TimeZone {
        TimeZone::parse(s).unwrap_or_default()
    }

    #[test]
    fn ids_offsets_and_errors() {
        assert_eq!(zone("UTC").fixed_offset_secs(), Some(0));
        assert_eq!(zone("Etc/UTC").fixed_offset_secs(), Some(0));
        assert_eq!(zone("+02:00").fixed_offset_secs(), Some(7200));
        assert_eq!(zone("UTC-05:30").fixed_offset_secs(), Some(-19_800));
        assert_eq!(zone("EST").fixed_offset_secs(), Some(-18_000));
        assert_eq!(zone("Europe/Paris").fixed_offset_secs(), None);
        assert_eq!(zone("PST").offset_at(at(2024, 7, 1, 0, 0)), -7 * 3600);
        assert_eq!(
            zone("US/Eastern").offset_at(at(2024, 1, 1, 0, 0)),
            -5 * 3600
        );
        // Java's SystemV ids keep the 1976–1986 US rules (checked on OpenJDK 17).
        let sv = zone("SystemV/EST5EDT");
        assert_eq!(sv.offset_at(at(2024, 4, 28, 6, 59)), -5 * 3600);
        assert_eq!(sv.offset_at(at(2024, 4, 28, 7, 0)), -4 * 3600);
        assert_eq!(sv.offset_at(at(2024, 10, 27, 6, 0)), -5 * 3600);
        assert_eq!(zone("SystemV/HST10").fixed_offset_secs(), Some(-36_000));
        assert!(TimeZone::parse("SystemV/XST1").is_err());
        assert_eq!(zone("Europe/Paris").to_string(), "Europe/Paris");
        let e = TimeZone::parse("Europe/Pariss")
            .err()
            .map(|e| e.to_string());
        let e = e.unwrap_or_default();
        assert!(
            e.contains("Europe/Pariss") && e.contains("db.timezone"),
            "{e}"
        );
        let e = TimeZone::parse("america/new_york")
            .err()
            .map(|e| e.to_string());
        assert!(e.unwrap_or_default().contains("America/New_York?"));
        assert!(TimeZone::parse("+19:00").is_err());
        assert!(TimeZone::parse("").is_err());
    }

    #[test]
    fn wall_times_resolve_like_a_lenient_gregorian_calendar() {
        // Vectors checked with java.util.GregorianCalendar on OpenJDK 17.
        let paris = zone("Europe/Paris");
        // Spring forward 2024-03-31 02:00 → 03:00: 02:30 is 01:30Z (03:30 CEST).
        assert_eq!(
            paris.local_to_utc(at(2024, 3, 31, 2, 30)),
            at(2024, 3, 31, 1, 30)
        );
        // Fall back 2024-10-27 03:00 → 02:00: 02:30 is the later 01:30Z (CET).
        assert_eq!(
            paris.local_to_utc(at(2024, 10, 27, 2, 30)),
            at(2024, 10, 27, 1, 30)
        );
        assert_eq!(
            paris.local_to_utc(at(2024, 10, 27, 2, 0)),
            at(2024, 10, 27, 1, 0)
        );
        assert_eq!(
            paris.local_to_utc(at(2024, 7, 1, 12, 0)),
            at(2024, 7, 1, 10, 0)
        );
        let ny = zone("America/New_York");
        // Spring forward 2024-03-10 02:00 → 03:00: 02:30 is 07:30Z (03:30 EDT).
        assert_eq!(
            ny.local_to_utc(at(2024, 3, 10, 2, 30)),
            at(2024, 3, 10, 7, 30)
        );
        // Fall back 2024-11-03 02:00 → 01:00: 01:30 is the later 06:30Z (EST).
        assert_eq!(
            ny.local_to_utc(at(2024, 11, 3, 1, 30)),
            at(2024, 11, 3, 6, 30)
        );
        assert_eq!(
            ny.local_to_utc(at(2024, 11, 3, 1, 0)),
            at(2024, 11, 3, 6, 0)
        );
        // Lord Howe's half-hour changes.
        let lh = zone("Australia/Lord_Howe");
        assert_eq!(
            lh.local_to_utc(at(2024, 4, 7, 1, 45)),
            at(2024, 4, 6, 15, 15)
        );
        assert_eq!(
            lh.local_to_utc(at(2024, 10, 6, 2, 15)),
            at(2024, 10, 5, 15, 45)
        );
    }

    #[test]
    fn instants_to_wall_times() {
        let paris = zone("Europe/Paris");
        assert_eq!(paris.offset_at(at(2024, 10, 27, 0, 59)), 7200);
        assert_eq!(paris.offset_at(at(2024, 10, 27, 1, 0)), 3600);
        assert_eq!(zone("+05:30").offset_at(0), 19_800);
        assert_eq!(paris.local_millis_to_utc(-1), -3_600_001);
    }
}
