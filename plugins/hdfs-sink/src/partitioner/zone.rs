//! The `timezone` setting, as Joda-Time's `DateTimeZone.forID` reads it: an IANA zone id
//! (`Europe/Paris`, `America/Los_Angeles`, `Etc/GMT+5`, links such as `US/Pacific`), `UTC`,
//! `GMT`, `UT`, `Z`, or a fixed offset (`+02:00`, `-0530`, `UTC+2`, `GMT-05:30`).
//!
//! The tz database is compiled into the plugin (jiff's bundled copy), so nothing is read from
//! `/usr/share/zoneinfo` at run time.

use ferry_plugin_sdk::prelude::*;
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;

/// A parsed `timezone`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    /// The id as Joda reports it (`UTC`, `+02:00`, `Europe/Paris`), for the `ZZZ` pattern.
    pub id: String,
    pub tz: TimeZone,
}

impl Zone {
    /// UTC.
    pub fn utc() -> Zone {
        Zone {
            id: "UTC".to_owned(),
            tz: TimeZone::UTC,
        }
    }

    /// Parse a zone id; the error names the value and what is accepted.
    pub fn parse(id: &str) -> Result<Zone> {
        if matches!(id, "UTC" | "GMT" | "UT" | "Z") {
            return Ok(Zone::utc());
        }
        if let Ok(tz) = jiff::tz::TimeZoneDatabase::bundled().get(id) {
            // The database is searched without regard to case; Joda's ids are case-sensitive.
            return match tz.iana_name() {
                Some(name) if name == id => Ok(Zone {
                    id: id.to_owned(),
                    tz,
                }),
                Some(name) => Err(unknown(id, &format!(" (did you mean {name}?)"))),
                None => Err(unknown(id, "")),
            };
        }
        let rest = ["UTC", "GMT", "UT"]
            .iter()
            .find_map(|p| id.strip_prefix(p).filter(|r| r.starts_with(['+', '-'])))
            .unwrap_or(id);
        let secs = parse_offset(rest).ok_or_else(|| unknown(id, ""))?;
        if secs == 0 {
            return Ok(Zone::utc());
        }
        let offset = Offset::from_seconds(secs).map_err(|_| unknown(id, ""))?;
        Ok(Zone {
            id: print_offset(secs),
            tz: TimeZone::fixed(offset),
        })
    }

    /// The zone's offset from UTC at instant `ms`, in milliseconds (Joda's `getOffset`).
    pub fn offset_ms(&self, ms: i64) -> i64 {
        i64::from(self.tz.to_offset(clamp(ms)).seconds()) * 1000
    }

    /// The first transition after `ms`, or `ms` when there is none (Joda's `nextTransition`).
    fn next_transition(&self, ms: i64) -> i64 {
        self.tz
            .following(clamp(ms))
            .next()
            .map_or(ms, |t| t.timestamp().as_millisecond())
    }

    /// Joda's `convertLocalToUTC(local, false)`: a local time in a gap moves forward by the
    /// gap; in an overlap, zones east of Greenwich get the later instant and zones west of it
    /// the earlier one (either prints as the same local time).
    pub fn local_to_utc(&self, local: i64) -> i64 {
        let offset_local = self.offset_ms(local);
        let mut offset = self.offset_ms(local.saturating_sub(offset_local));
        if offset_local != offset && offset_local < 0 {
            let by_local = local.saturating_sub(offset_local);
            let by_adjusted = local.saturating_sub(offset);
            let next = |ms: i64| match self.next_transition(ms) {
                n if n == ms => i64::MAX,
                n => n,
            };
            if next(by_local) != next(by_adjusted) {
                offset = offset_local;
            }
        }
        local.saturating_sub(offset)
    }

    /// The instant of local midnight starting the day of instant `ms` and the length of that
    /// day (23 or 25 hours across a daylight saving change). As Joda's `withTimeAtStartOfDay`,
    /// a day whose midnight falls in a gap starts when the gap ends.
    pub fn day_of(&self, ms: i64) -> (i64, i64) {
        let start = clamp(ms).to_zoned(self.tz.clone()).start_of_day();
        let next = start
            .as_ref()
            .ok()
            .and_then(|s| s.tomorrow().ok())
            .and_then(|t| t.start_of_day().ok());
        match (start, next) {
            (Ok(s), Some(n)) => {
                let s = s.timestamp().as_millisecond();
                (s, n.timestamp().as_millisecond() - s)
            }
            _ => (ms, 86_400_000),
        }
    }
}

/// `ms` as a timestamp, clamped into the range the tz database covers.
fn clamp(ms: i64) -> Timestamp {
    Timestamp::from_millisecond(ms).unwrap_or(if ms < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    })
}

fn unknown(id: &str, hint: &str) -> ConnectError {
    ConnectError::config(format!(
        "Invalid value {id} for configuration timezone: the zone id is not recognised{hint}. Use an IANA zone id such as Europe/Paris or America/Los_Angeles, UTC, or a fixed offset such as +02:00"
    ))
}

/// `±H`, `±HH`, `±HH:MM`, `±HHMM`, `±HH:MM:SS`, `±HHMMSS` in seconds (hours up to 23, as in
/// Joda's offset parser, which also wants two-digit hours).
fn parse_offset(s: &str) -> Option<i32> {
    let (sign, digits) = match s.as_bytes().first() {
        Some(b'+') => (1, &s[1..]),
        Some(b'-') => (-1, &s[1..]),
        _ => return None,
    };
    let parts: Vec<&str> = if digits.contains(':') {
        digits.split(':').collect()
    } else if digits.len() > 2 && digits.len() % 2 == 0 {
        (0..digits.len() / 2)
            .map(|i| &digits[2 * i..2 * i + 2])
            .collect()
    } else {
        vec![digits]
    };
    if parts.is_empty()
        || parts.len() > 3
        || parts
            .iter()
            .any(|p| p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let n = |i: usize| parts.get(i).map_or(Some(0), |p| p.parse::<i32>().ok());
    let (h, m, sec) = (n(0)?, n(1)?, n(2)?);
    (h <= 23 && m <= 59 && sec <= 59).then_some(sign * (h * 3600 + m * 60 + sec))
}

/// Joda's `printOffset`: `+HH:MM`, with `:SS` when there are seconds.
fn print_offset(secs: i32) -> String {
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.abs();
    let (h, m, s) = (a / 3600, a / 60 % 60, a % 60);
    if s == 0 {
        format!("{sign}{h:02}:{m:02}")
    } else {
        format!("{sign}{h:02}:{m:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Milliseconds of a UTC civil time.
    fn utc(y: i16, mo: i8, d: i8, h: i8, mi: i8) -> i64 {
        jiff::civil::datetime(y, mo, d, h, mi, 0, 0)
            .to_zoned(TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_millisecond()
    }

    #[test]
    fn ids_and_offsets() {
        assert_eq!(Zone::parse("UTC").unwrap(), Zone::utc());
        assert_eq!(Zone::parse("Z").unwrap(), Zone::utc());
        assert_eq!(Zone::parse("+00:00").unwrap(), Zone::utc());
        assert_eq!(Zone::parse("GMT-05:30").unwrap().offset_ms(0), -19_800_000);
        assert_eq!(Zone::parse("UTC+2").unwrap().offset_ms(0), 7_200_000);
        assert_eq!(Zone::parse("+0530").unwrap().id, "+05:30");
        assert_eq!(Zone::parse("-02").unwrap().id, "-02:00");
        assert_eq!(Zone::parse("Europe/Paris").unwrap().id, "Europe/Paris");
        assert!(Zone::parse("US/Pacific").is_ok());
        assert!(Zone::parse("Etc/GMT+5").is_ok());
        let e = Zone::parse("europe/paris").unwrap_err().to_string();
        assert!(
            e.contains("europe/paris") && e.contains("Europe/Paris?"),
            "{e}"
        );
        let e = Zone::parse("Mars/Olympus").unwrap_err().to_string();
        assert!(e.contains("Mars/Olympus") && e.contains("IANA"), "{e}");
        assert!(Zone::parse("+24:00").is_err());
        assert!(Zone::parse("").is_err());
    }

    #[test]
    fn offsets_follow_daylight_saving_time() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        assert_eq!(paris.offset_ms(utc(2024, 1, 15, 12, 0)), 3_600_000);
        assert_eq!(paris.offset_ms(utc(2024, 7, 15, 12, 0)), 7_200_000);
        let ny = Zone::parse("America/New_York").unwrap();
        assert_eq!(ny.offset_ms(utc(2024, 1, 15, 12, 0)), -18_000_000);
        assert_eq!(ny.offset_ms(utc(2024, 7, 15, 12, 0)), -14_400_000);
    }

    #[test]
    fn local_to_utc_matches_joda() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        // Gap: 2024-03-31 02:30 local does not exist; Joda gives 01:30Z (= 03:30 CEST).
        assert_eq!(
            paris.local_to_utc(utc(2024, 3, 31, 2, 30)),
            utc(2024, 3, 31, 1, 30)
        );
        // Overlap: 2024-10-27 02:30 happens twice; east of Greenwich Joda picks the later
        // instant, 01:30Z (CET).
        assert_eq!(
            paris.local_to_utc(utc(2024, 10, 27, 2, 30)),
            utc(2024, 10, 27, 1, 30)
        );
        let ny = Zone::parse("America/New_York").unwrap();
        // Gap: 2024-03-10 02:30 → 07:30Z (= 03:30 EDT).
        assert_eq!(
            ny.local_to_utc(utc(2024, 3, 10, 2, 30)),
            utc(2024, 3, 10, 7, 30)
        );
        // Overlap: 2024-11-03 01:30; west of Greenwich Joda picks the earlier, 05:30Z (EDT).
        assert_eq!(
            ny.local_to_utc(utc(2024, 11, 3, 1, 30)),
            utc(2024, 11, 3, 5, 30)
        );
        assert_eq!(
            ny.local_to_utc(utc(2024, 6, 1, 0, 0)),
            utc(2024, 6, 1, 4, 0)
        );
    }

    #[test]
    fn days_across_daylight_saving_changes() {
        let paris = Zone::parse("Europe/Paris").unwrap();
        assert_eq!(
            paris.day_of(utc(2024, 3, 31, 12, 0)),
            (utc(2024, 3, 30, 23, 0), 23 * 3_600_000)
        );
        assert_eq!(
            paris.day_of(utc(2024, 10, 27, 12, 0)),
            (utc(2024, 10, 26, 22, 0), 25 * 3_600_000)
        );
        // 2024-10-26T22:30Z is already the 27th in Paris.
        assert_eq!(
            paris.day_of(utc(2024, 10, 26, 22, 30)).0,
            utc(2024, 10, 26, 22, 0)
        );
        assert_eq!(Zone::utc().day_of(5), (0, 86_400_000));
    }
}
