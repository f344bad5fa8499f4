//! A translator of Java's `SimpleDateFormat` patterns, always in UTC (as TimestampConverter and
//! TimestampRouter configure them), and `Values.dateFormatFor`.
//!
//! Supported pattern letters: `G y Y M L d D E u a H k K h m s S z Z X` (`Y` is treated as `y`);
//! quoted literals (`'T'`, `''` for a quote) and any other non-letter are literals. Parsing is
//! lenient like `SimpleDateFormat`'s: out-of-range fields roll over, trailing text is ignored,
//! abutting numeric fields (`yyyyMMdd`) take as many digits as their letter count.

use std::time::{SystemTime, UNIX_EPOCH};

/// Milliseconds per day.
pub(crate) const MILLIS_PER_DAY: i64 = 86_400_000;

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Literal(String),
    Field(char, usize),
}

/// A compiled `SimpleDateFormat` pattern in UTC.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DateFormat {
    pattern: String,
    items: Vec<Item>,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (month 1-12).
pub(crate) fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The (year, month 1-12, day) of days since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The broken-down UTC time of an epoch-millisecond instant.
struct Civil {
    year: i64,
    month: i64,
    day: i64,
    day_of_year: i64,
    weekday: i64, // 0 = Sunday
    hour: i64,
    minute: i64,
    second: i64,
    millis: i64,
}

impl Civil {
    fn of(ms: i64) -> Civil {
        let days = ms.div_euclid(MILLIS_PER_DAY);
        let rem = ms.rem_euclid(MILLIS_PER_DAY);
        let (year, month, day) = civil_from_days(days);
        Civil {
            year,
            month,
            day,
            day_of_year: days - days_from_civil(year, 1, 1) + 1,
            weekday: (days + 4).rem_euclid(7),
            hour: rem / 3_600_000,
            minute: rem / 60_000 % 60,
            second: rem / 1000 % 60,
            millis: rem % 1000,
        }
    }
}

fn pad(out: &mut String, v: i64, width: usize) {
    let digits = v.abs().to_string();
    if v < 0 {
        out.push('-');
    }
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

impl DateFormat {
    /// `new SimpleDateFormat(pattern)`; the error is Java's `IllegalArgumentException` message.
    pub(crate) fn new(pattern: &str) -> Result<DateFormat, String> {
        let mut items: Vec<Item> = Vec::new();
        let mut literal = String::new();
        let chars: Vec<char> = pattern.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\'' {
                if chars.get(i + 1) == Some(&'\'') {
                    literal.push('\'');
                    i += 2;
                    continue;
                }
                let mut j = i + 1;
                loop {
                    match chars.get(j) {
                        None => return Err("Unterminated quote".to_owned()),
                        Some('\'') if chars.get(j + 1) == Some(&'\'') => {
                            literal.push('\'');
                            j += 2;
                        }
                        Some('\'') => break,
                        Some(&other) => {
                            literal.push(other);
                            j += 1;
                        }
                    }
                }
                i = j + 1;
            } else if c.is_ascii_alphabetic() {
                if !"GyYMLdDEuaHkKhmsSzZX".contains(c) {
                    return Err(format!("Illegal pattern character '{c}'"));
                }
                let mut n = 1;
                while chars.get(i + n) == Some(&c) {
                    n += 1;
                }
                if c == 'X' && n > 3 {
                    return Err(format!("invalid ISO 8601 format: length={n}"));
                }
                if !literal.is_empty() {
                    items.push(Item::Literal(std::mem::take(&mut literal)));
                }
                items.push(Item::Field(c, n));
                i += n;
            } else {
                literal.push(c);
                i += 1;
            }
        }
        if !literal.is_empty() {
            items.push(Item::Literal(literal));
        }
        Ok(DateFormat {
            pattern: pattern.to_owned(),
            items,
        })
    }

    /// `toPattern()`.
    pub(crate) fn pattern(&self) -> &str {
        &self.pattern
    }

    /// `format(new Date(ms))` in UTC.
    pub(crate) fn format(&self, ms: i64) -> String {
        let t = Civil::of(ms);
        let mut out = String::new();
        for item in &self.items {
            let (c, n) = match item {
                Item::Literal(s) => {
                    out.push_str(s);
                    continue;
                }
                Item::Field(c, n) => (*c, *n),
            };
            let year_of_era = if t.year <= 0 { 1 - t.year } else { t.year };
            match c {
                'G' => out.push_str(if t.year > 0 { "AD" } else { "BC" }),
                'y' | 'Y' if n == 2 => pad(&mut out, year_of_era % 100, 2),
                'y' | 'Y' => pad(&mut out, year_of_era, n),
                'M' | 'L' if n >= 4 => out.push_str(MONTHS[(t.month - 1) as usize]),
                'M' | 'L' if n == 3 => out.push_str(&MONTHS[(t.month - 1) as usize][..3]),
                'M' | 'L' => pad(&mut out, t.month, n),
                'd' => pad(&mut out, t.day, n),
                'D' => pad(&mut out, t.day_of_year, n),
                'E' if n >= 4 => out.push_str(DAYS[t.weekday as usize]),
                'E' => out.push_str(&DAYS[t.weekday as usize][..3]),
                'u' => pad(&mut out, if t.weekday == 0 { 7 } else { t.weekday }, n),
                'a' => out.push_str(if t.hour < 12 { "AM" } else { "PM" }),
                'H' => pad(&mut out, t.hour, n),
                'k' => pad(&mut out, if t.hour == 0 { 24 } else { t.hour }, n),
                'K' => pad(&mut out, t.hour % 12, n),
                'h' => pad(&mut out, if t.hour % 12 == 0 { 12 } else { t.hour % 12 }, n),
                'm' => pad(&mut out, t.minute, n),
                's' => pad(&mut out, t.second, n),
                'S' => pad(&mut out, t.millis, n),
                'z' if n >= 4 => out.push_str("Coordinated Universal Time"),
                'z' => out.push_str("UTC"),
                'Z' => out.push_str("+0000"),
                _ => out.push('Z'), // 'X': ISO 8601 zone, always UTC
            }
        }
        out
    }

    /// `parse(text)` in UTC: the epoch milliseconds, or `None` where Java throws a
    /// `ParseException`.
    pub(crate) fn parse(&self, text: &str) -> Option<i64> {
        let text: Vec<char> = text.chars().collect();
        let mut pos = 0usize;
        let mut year: Option<i64> = None;
        let mut month: i64 = 1;
        let mut day: Option<i64> = None;
        let mut day_of_year: Option<i64> = None;
        let mut hour: i64 = 0;
        let mut hour12: Option<i64> = None;
        let mut pm: Option<bool> = None;
        let mut minute: i64 = 0;
        let mut second: i64 = 0;
        let mut millis: i64 = 0;
        let mut offset_ms: i64 = 0;
        let mut bc = false;
        for (idx, item) in self.items.iter().enumerate() {
            let (c, n) = match item {
                Item::Literal(s) => {
                    for lc in s.chars() {
                        if text.get(pos) != Some(&lc) {
                            return None;
                        }
                        pos += 1;
                    }
                    continue;
                }
                Item::Field(c, n) => (*c, *n),
            };
            let abutting = matches!(self.items.get(idx + 1), Some(Item::Field(next, m)) if is_numeric(*next, *m));
            let number = |pos: &mut usize| -> Option<(i64, usize)> {
                let start = *pos;
                let limit = if abutting { start + n } else { usize::MAX };
                while *pos < text.len() && *pos < limit && text[*pos].is_ascii_digit() {
                    *pos += 1;
                }
                if *pos == start {
                    return None;
                }
                let digits: String = text[start..*pos].iter().collect();
                digits.parse().ok().map(|v| (v, *pos - start))
            };
            match c {
                'y' | 'Y' => {
                    let (v, len) = number(&mut pos)?;
                    year = Some(if n <= 2 && len == 2 {
                        two_digit_year(v)
                    } else {
                        v
                    });
                }
                'M' | 'L' if n >= 3 => {
                    month = match_name(&text, &mut pos, &MONTHS)? as i64 + 1;
                }
                'M' | 'L' => month = number(&mut pos)?.0,
                'd' => day = Some(number(&mut pos)?.0),
                'D' => day_of_year = Some(number(&mut pos)?.0),
                'E' => {
                    match_name(&text, &mut pos, &DAYS)?;
                }
                'u' => {
                    number(&mut pos)?;
                }
                'G' => {
                    bc = match_name(&text, &mut pos, &["AD", "BC"])? == 1;
                }
                'a' => pm = Some(match_name(&text, &mut pos, &["AM", "PM"])? == 1),
                'H' => hour = number(&mut pos)?.0,
                'k' => hour = number(&mut pos)?.0 % 24,
                'K' => hour12 = Some(number(&mut pos)?.0),
                'h' => hour12 = Some(number(&mut pos)?.0 % 12),
                'm' => minute = number(&mut pos)?.0,
                's' => second = number(&mut pos)?.0,
                'S' => millis = number(&mut pos)?.0,
                _ => offset_ms = parse_zone(&text, &mut pos, c)?,
            }
        }
        // `a` only shifts a 12-hour field (`h`, `K`); with `H`/`k` it is ignored.
        if let Some(h) = hour12 {
            hour = h + if pm == Some(true) { 12 } else { 0 };
        }
        let mut y = year.unwrap_or(1970);
        if bc {
            y = 1 - y;
        }
        let days = match day_of_year {
            Some(doy) if day.is_none() => days_from_civil(y, 1, 1) + doy - 1,
            _ => {
                let m0 = month - 1;
                let y2 = y + m0.div_euclid(12);
                let m = m0.rem_euclid(12) + 1;
                days_from_civil(y2, m, 1) + day.unwrap_or(1) - 1
            }
        };
        let total = i128::from(days) * i128::from(MILLIS_PER_DAY)
            + i128::from(hour) * 3_600_000
            + i128::from(minute) * 60_000
            + i128::from(second) * 1000
            + i128::from(millis)
            - i128::from(offset_ms);
        i64::try_from(total).ok()
    }
}

fn is_numeric(c: char, n: usize) -> bool {
    match c {
        'M' | 'L' => n <= 2,
        'y' | 'Y' | 'd' | 'D' | 'u' | 'H' | 'k' | 'K' | 'h' | 'm' | 's' | 'S' => true,
        _ => false,
    }
}

/// `SimpleDateFormat`'s two-digit year window: within 80 years before and 20 after now.
fn two_digit_year(v: i64) -> i64 {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let start = Civil::of(now_ms).year - 80;
    let mut y = start / 100 * 100 + v;
    if y < start {
        y += 100;
    }
    y
}

/// Matches one of `names` (full names first, then three-letter prefixes), ignoring case.
fn match_name(text: &[char], pos: &mut usize, names: &[&str]) -> Option<usize> {
    let rest: String = text[*pos..].iter().collect();
    let lower = rest.to_lowercase();
    let mut best: Option<(usize, usize)> = None;
    for (i, name) in names.iter().enumerate() {
        for candidate in [*name, name.get(..3).unwrap_or(name)] {
            let cl = candidate.to_lowercase();
            if lower.starts_with(&cl) && best.is_none_or(|(_, len)| cl.len() > len) {
                best = Some((i, candidate.chars().count()));
            }
        }
    }
    let (i, len) = best?;
    *pos += len;
    Some(i)
}

/// A zone field (`z`, `Z`, `X`): the offset in milliseconds east of UTC.
fn parse_zone(text: &[char], pos: &mut usize, c: char) -> Option<i64> {
    let rest: String = text[*pos..].iter().collect();
    if c != 'Z' {
        for name in ["Coordinated Universal Time", "UTC", "GMT", "Z"] {
            if rest.starts_with(name) && (name != "Z" || c == 'X') {
                *pos += name.chars().count();
                if name == "GMT" && matches!(text.get(*pos), Some('+' | '-')) {
                    return parse_offset(text, pos);
                }
                return Some(0);
            }
        }
    }
    parse_offset(text, pos)
}

/// `+hh`, `+hhmm` or `+hh:mm`.
fn parse_offset(text: &[char], pos: &mut usize) -> Option<i64> {
    let sign = match text.get(*pos)? {
        '+' => 1,
        '-' => -1,
        _ => return None,
    };
    let mut p = *pos + 1;
    let digit = |p: usize| text.get(p).and_then(|c| c.to_digit(10)).map(i64::from);
    let hours = digit(p)? * 10 + digit(p + 1)?;
    p += 2;
    if text.get(p) == Some(&':') {
        p += 1;
    }
    let minutes = match (digit(p), digit(p + 1)) {
        (Some(a), Some(b)) => {
            p += 2;
            a * 10 + b
        }
        _ => 0,
    };
    *pos = p;
    Some(sign * (hours * 3_600_000 + minutes * 60_000))
}

/// `Values.dateFormatFor(date).format(date)`: a time (`HH:mm:ss.SSS'Z'`) below one day, a date
/// (`yyyy-MM-dd`) at midnight, otherwise an ISO-8601 timestamp.
pub(crate) fn date_format_for(ms: i64) -> String {
    let pattern = if ms < MILLIS_PER_DAY {
        "HH:mm:ss.SSS'Z'"
    } else if ms % MILLIS_PER_DAY == 0 {
        "yyyy-MM-dd"
    } else {
        "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'"
    };
    DateFormat::new(pattern)
        .map(|f| f.format(ms))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(p: &str) -> DateFormat {
        DateFormat::new(p).unwrap()
    }

    #[test]
    fn formats_common_patterns() {
        // 2017-01-03T01:02:03.004Z
        let ms = 1_483_405_323_004;
        assert_eq!(fmt("yyyyMMdd").format(ms), "20170103");
        assert_eq!(
            fmt("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").format(ms),
            "2017-01-03T01:02:03.004Z"
        );
        assert_eq!(fmt("yy/M/d h:m:s a").format(ms), "17/1/3 1:2:3 AM");
        assert_eq!(
            fmt("EEE, d MMM yyyy HH:mm:ss Z").format(ms),
            "Tue, 3 Jan 2017 01:02:03 +0000"
        );
        assert_eq!(fmt("EEEE MMMM D z X").format(ms), "Tuesday January 3 UTC Z");
        assert_eq!(fmt("'It''s' yyyy").format(0), "It's 1970");
        assert_eq!(fmt("S").format(5), "5");
    }

    #[test]
    fn parses_what_it_formats() {
        for p in [
            "yyyyMMdd",
            "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'",
            "yyyy-MM-dd HH:mm:ss.SSSZ",
            "EEE, d MMM yyyy hh:mm:ss a",
            "yyyyMMddHHmmssSSS",
        ] {
            let f = fmt(p);
            let ms = 1_483_405_323_004;
            let text = f.format(ms);
            let parsed = f.parse(&text).unwrap();
            assert_eq!(f.format(parsed), text, "{p}");
            if p.contains('S') {
                assert_eq!(parsed, ms, "{p}");
            }
        }
        assert_eq!(fmt("yyyy-MM-dd").parse("1970-01-01 trailing"), Some(0));
        assert_eq!(fmt("yyyy-MM-dd").parse("x1970-01-01"), None);
        assert_eq!(
            fmt("yyyy-MM-dd HH:mm Z").parse("1970-01-01 01:00 +0100"),
            Some(0)
        );
        assert_eq!(
            fmt("yyyy-MM-dd HH:mm X").parse("1970-01-01 00:00 Z"),
            Some(0)
        );
        // Lenient roll-over, as SimpleDateFormat does.
        assert_eq!(
            fmt("yyyy-MM-dd").parse("1970-13-01"),
            fmt("yyyy-MM-dd").parse("1971-01-01")
        );
    }

    #[test]
    fn rejects_bad_patterns() {
        assert_eq!(
            DateFormat::new("yyyy-bb").unwrap_err(),
            "Illegal pattern character 'b'"
        );
        assert_eq!(DateFormat::new("'abc").unwrap_err(), "Unterminated quote");
    }

    #[test]
    fn civil_round_trip_and_values_formats() {
        for days in [-800_000, -1, 0, 1, 17_169, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(date_format_for(MILLIS_PER_DAY), "1970-01-02");
        assert_eq!(date_format_for(3_600_000), "01:00:00.000Z");
        assert_eq!(
            date_format_for(MILLIS_PER_DAY + 1),
            "1970-01-02T00:00:00.001Z"
        );
    }
}
