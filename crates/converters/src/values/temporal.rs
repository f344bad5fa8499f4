//! ISO-8601 dates, times and timestamps as `Values` writes and parses them with
//! `SimpleDateFormat` (`yyyy-MM-dd`, `HH:mm:ss.SSS'Z'`, `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'`), in UTC
//! and the proleptic Gregorian calendar. Parsing is lenient like `SimpleDateFormat`: numeric
//! fields may have any number of digits, a sign and leading blanks, out-of-range fields roll
//! over, and text after the pattern is ignored.

use ferry_data::{SchemaRef, Value};

use crate::schemas::{self, MILLIS_PER_DAY};

/// `Values.dateFormatFor(date).format(date)`: a time if under a day, a date if whole days,
/// otherwise a timestamp.
pub(crate) fn format_millis(ms: i64) -> String {
    if ms < MILLIS_PER_DAY {
        return time_of_day(ms.rem_euclid(MILLIS_PER_DAY));
    }
    let date = date(ms.div_euclid(MILLIS_PER_DAY));
    if ms % MILLIS_PER_DAY == 0 {
        date
    } else {
        format!("{date}T{}", time_of_day(ms.rem_euclid(MILLIS_PER_DAY)))
    }
}

fn time_of_day(ms: i64) -> String {
    let (h, m, s, milli) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000);
    format!("{h:02}:{m:02}:{s:02}.{milli:03}Z")
}

fn date(days: i64) -> String {
    let (year, month, day) = civil_from_days(days);
    // `yyyy` prints the year of the era.
    let year_of_era = if year <= 0 { 1 - year } else { year };
    format!("{year_of_era:04}-{month:02}-{day:02}")
}

/// One element of a `SimpleDateFormat` pattern.
#[derive(Clone, Copy)]
enum Part {
    Number,
    Literal(u8),
}

const DATE: &[Part] = &[
    Part::Number,
    Part::Literal(b'-'),
    Part::Number,
    Part::Literal(b'-'),
    Part::Number,
];
const TIME: &[Part] = &[
    Part::Number,
    Part::Literal(b':'),
    Part::Number,
    Part::Literal(b':'),
    Part::Number,
    Part::Literal(b'.'),
    Part::Number,
    Part::Literal(b'Z'),
];

/// `Values.parseAsTemporal`: a token of exactly the length of one of the three patterns (in
/// UTF-16 units, escaped colons unescaped) parsed with that pattern.
pub(crate) fn parse_temporal(token: &str) -> Option<(SchemaRef, Value)> {
    let unescaped;
    let token = if token.contains("\\:") {
        unescaped = token.replace("\\:", ":");
        unescaped.as_str()
    } else {
        token
    };
    match token.encode_utf16().count() {
        13 => {
            let ms = time_millis(&mut Fields::new(token))?;
            Some((schemas::TIME.clone(), Value::Time(i32::try_from(ms).ok()?)))
        }
        24 => {
            let mut fields = Fields::new(token);
            let days = date_days(&mut fields)?;
            fields.literal(b'T')?;
            let ms = days
                .checked_mul(MILLIS_PER_DAY)?
                .checked_add(time_millis(&mut fields)?)?;
            Some((schemas::TIMESTAMP.clone(), Value::Timestamp(ms)))
        }
        10 => {
            let days = date_days(&mut Fields::new(token))?;
            Some((
                schemas::DATE.clone(),
                Value::Date(i32::try_from(days).ok()?),
            ))
        }
        _ => None,
    }
}

fn date_days(fields: &mut Fields<'_>) -> Option<i64> {
    let [year, month, day] = fields.parse::<3>(DATE)?;
    let month0 = month.checked_sub(1)?;
    let year = year.checked_add(month0.div_euclid(12))?;
    if year.abs() > 1_000_000 || day.abs() > 1_000_000_000 {
        return None;
    }
    Some(days_from_civil(year, month0.rem_euclid(12) + 1, 1) + day - 1)
}

fn time_millis(fields: &mut Fields<'_>) -> Option<i64> {
    let [h, m, s, ms] = fields.parse::<4>(TIME)?;
    h.checked_mul(3_600_000)?
        .checked_add(m.checked_mul(60_000)?)?
        .checked_add(s.checked_mul(1000)?)?
        .checked_add(ms)
}

/// A cursor over the text being parsed.
struct Fields<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Fields<'a> {
    fn new(text: &'a str) -> Self {
        Fields {
            bytes: text.as_bytes(),
            pos: 0,
        }
    }

    fn parse<const N: usize>(&mut self, pattern: &[Part]) -> Option<[i64; N]> {
        let mut values = [0i64; N];
        let mut next = 0;
        for part in pattern {
            match part {
                Part::Literal(c) => self.literal(*c)?,
                Part::Number => {
                    *values.get_mut(next)? = self.number()?;
                    next += 1;
                }
            }
        }
        Some(values)
    }

    fn literal(&mut self, c: u8) -> Option<()> {
        (self.bytes.get(self.pos) == Some(&c)).then(|| self.pos += 1)
    }

    fn number(&mut self) -> Option<i64> {
        while let Some(b' ' | b'\t') = self.bytes.get(self.pos) {
            self.pos += 1;
        }
        let negative = self.bytes.get(self.pos) == Some(&b'-');
        let start = self.pos + usize::from(negative);
        let digits = self
            .bytes
            .get(start..)?
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 {
            return None;
        }
        let text = std::str::from_utf8(&self.bytes[start..start + digits]).ok()?;
        let value: i64 = text.parse().ok()?;
        self.pos = start + digits;
        Some(if negative { -value } else { value })
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The proleptic Gregorian `(year, month, day)` of days since 1970-01-01.
pub(crate) fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(token: &str) -> Option<Value> {
        parse_temporal(token).map(|(_, v)| v)
    }

    #[test]
    fn formats_like_values_date_format_for() {
        // Vectors checked against `SimpleDateFormat` in UTC.
        for (ms, text) in [
            (0, "00:00:00.000Z"),
            (-1, "23:59:59.999Z"),
            (86_399_999, "23:59:59.999Z"),
            (86_400_000, "1970-01-02"),
            (1_566_570_894_346, "2019-08-23T14:34:54.346Z"),
            (1_566_518_400_000, "2019-08-23"),
            (253_402_300_800_000, "10000-01-01"),
        ] {
            assert_eq!(format_millis(ms), text, "{ms}");
        }
    }

    #[test]
    fn parses_like_lenient_simple_date_format() {
        // Vectors checked against `SimpleDateFormat.parse(text, pos)` in UTC.
        for (token, ms) in [
            ("2019-08-23T14:34:54.346Z", 1_566_570_894_346),
            ("2019-08-23T14:34:54.346Z", 1_566_570_894_346),
            ("2019-08-23T14\\:34\\:54.346Z", 1_566_570_894_346),
        ] {
            assert_eq!(parsed(token), Some(Value::Timestamp(ms)), "{token}");
        }
        for (token, ms) in [
            ("2019-08-23", 1_566_518_400_000i64),
            ("2019-8-230", 1_584_403_200_000),
            ("2019-13-45", 1_581_638_400_000),
            ("2019- 8-23", 1_566_518_400_000),
            ("2019--8-23", 1_524_441_600_000),
            ("2019-08-2x", 1_564_704_000_000),
            ("2019-08-2é", 1_564_704_000_000),
        ] {
            assert_eq!(
                parsed(token),
                Some(Value::Date((ms / MILLIS_PER_DAY) as i32)),
                "{token}"
            );
        }
        for (token, ms) in [
            ("14:34:54.346Z", 52_494_346),
            ("14:34:54.3Zxx", 52_494_003),
            ("25:00:00.000Z", 90_000_000),
            (" 1:34:54.346Z", 5_694_346),
            ("99:99:99.999Z", 362_439_999),
            ("14\\:34\\:54.346Z", 52_494_346),
        ] {
            assert_eq!(parsed(token), Some(Value::Time(ms)), "{token}");
        }
        for token in [
            "+019-08-23",
            "14:34:54.346z",
            "14:34:54.346+",
            "2019-08-23x1",
            "2019/08/23",
            "abcdefghij",
        ] {
            assert_eq!(parsed(token), None, "{token}");
        }
    }

    #[test]
    fn calendar_round_trips() {
        for days in [-800_000, -1, 0, 1, 18_000, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }
}
