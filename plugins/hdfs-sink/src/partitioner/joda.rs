//! Joda-Time patterns (`DateTimeFormat.forPattern`), for printing: `path.format`.
//!
//! Letters repeat to set a width (`dd` → `07`) and, for months and weekdays, text: 3 letters
//! or fewer are the short name, 4 or more the full one (`MMM` → `Dec`, `MMMM` → `December`).
//! `'text'` is literal, `''` a quote; any other character than a letter is literal. As in
//! Joda, a letter that is no field is an error, found when the connector starts.

use ferry_plugin_sdk::prelude::*;
use jiff::civil::DateTime;

use super::locale::Symbols;
use super::zone::Zone;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Literal(String),
    /// A pattern letter and how many times it repeats.
    Field(char, usize),
}

/// A parsed pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JodaPattern {
    tokens: Vec<Token>,
}

/// A local date-time and its offset, ready to print.
#[derive(Debug, Clone, Copy)]
pub struct LocalTime {
    pub dt: DateTime,
    pub offset_secs: i32,
}

impl JodaPattern {
    /// Parse `pattern`; the error is Confluent's `path.format` message.
    pub fn parse(pattern: &str) -> Result<JodaPattern> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut tokens = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c.is_ascii_alphabetic() {
                let mut n = 1;
                while chars.get(i + n) == Some(&c) {
                    n += 1;
                }
                if !"GCYyxMdahHkKmsSeEDwZ".contains(c) {
                    let token: String = chars[i..i + n].iter().collect();
                    let why = if c == 'z' {
                        "time zone names (z) are not supported by Ferry; use Z, ZZ or ZZZ"
                            .to_owned()
                    } else {
                        format!("Illegal pattern component: {token}")
                    };
                    return Err(ConnectError::config(format!(
                        "Invalid value {pattern} for configuration path.format: {why}"
                    )));
                }
                tokens.push(Token::Field(c, n));
                i += n;
                continue;
            }
            // Literal text up to the next letter outside quotes (Joda's `parseToken`).
            let mut text = String::new();
            let mut quoted = false;
            while i < chars.len() {
                let c = chars[i];
                if c == '\'' {
                    if chars.get(i + 1) == Some(&'\'') {
                        text.push('\'');
                        i += 1;
                    } else {
                        quoted = !quoted;
                    }
                } else if !quoted && c.is_ascii_alphabetic() {
                    break;
                } else {
                    text.push(c);
                }
                i += 1;
            }
            tokens.push(Token::Literal(text));
        }
        Ok(JodaPattern { tokens })
    }

    /// Whether the pattern prints names, which depend on the locale.
    pub fn has_text_fields(&self) -> bool {
        self.tokens.iter().any(|t| {
            matches!(t, Token::Field('G' | 'a' | 'E', _))
                || matches!(t, Token::Field('M', n) if *n >= 3)
        })
    }

    /// Print `t` in `zone` with the names of `symbols`.
    pub fn format(&self, t: &LocalTime, symbols: &Symbols, zone: &Zone) -> String {
        let dt = t.dt;
        let date = dt.date();
        let year = i64::from(dt.year());
        let year_of_era = if year > 0 { year } else { 1 - year };
        let week = date.iso_week_date();
        let hour = i64::from(dt.hour());
        let mut out = String::new();
        for token in &self.tokens {
            let (c, n) = match token {
                Token::Literal(s) => {
                    out.push_str(s);
                    continue;
                }
                Token::Field(c, n) => (*c, *n),
            };
            let number = match c {
                'G' => {
                    out.push_str(symbols.era(year > 0));
                    continue;
                }
                'M' if n >= 3 => {
                    out.push_str(symbols.month(dt.month(), n >= 4));
                    continue;
                }
                'E' => {
                    out.push_str(symbols.weekday(date.weekday().to_monday_one_offset(), n >= 4));
                    continue;
                }
                'a' => {
                    out.push_str(symbols.halfday(hour >= 12));
                    continue;
                }
                'Z' => {
                    out.push_str(&offset_text(t.offset_secs, n, zone));
                    continue;
                }
                'S' => {
                    out.push_str(&fraction(i64::from(dt.millisecond()), n));
                    continue;
                }
                'y' | 'Y' if n == 2 => year.abs() % 100,
                'x' if n == 2 => i64::from(week.year()).abs() % 100,
                'y' => year,
                'Y' => year_of_era,
                'x' => i64::from(week.year()),
                'C' => year_of_era / 100,
                'M' => i64::from(dt.month()),
                'd' => i64::from(dt.day()),
                'D' => i64::from(date.day_of_year()),
                'w' => i64::from(week.week()),
                'e' => i64::from(date.weekday().to_monday_one_offset()),
                'H' => hour,
                'k' if hour == 0 => 24,
                'k' => hour,
                'K' => hour % 12,
                'h' if hour % 12 == 0 => 12,
                'h' => hour % 12,
                'm' => i64::from(dt.minute()),
                's' => i64::from(dt.second()),
                _ => continue,
            };
            padded(&mut out, number, n);
        }
        out
    }
}

/// Joda's `appendPaddedInteger`: the sign, then the digits zero-padded to `width`.
fn padded(out: &mut String, v: i64, width: usize) {
    if v < 0 {
        out.push('-');
    }
    out.push_str(&format!("{:0width$}", v.unsigned_abs()));
}

/// `S…`: the fraction of the second in exactly `n` digits (Joda caps the precision at 18).
fn fraction(millis: i64, n: usize) -> String {
    let digits = n.min(18) as u32;
    let scaled = i128::from(millis) * 10_i128.pow(digits) / 1000;
    format!("{scaled:0n$}")
}

/// `Z` → `+0100`, `ZZ` → `+01:00`, `ZZZ` → the zone id.
fn offset_text(secs: i32, n: usize, zone: &Zone) -> String {
    if n >= 3 {
        return zone.id.clone();
    }
    let sign = if secs < 0 { '-' } else { '+' };
    let (h, m) = (secs.abs() / 3600, secs.abs() / 60 % 60);
    if n == 1 {
        format!("{sign}{h:02}{m:02}")
    } else {
        format!("{sign}{h:02}:{m:02}")
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn print(pattern: &str, dt: DateTime, locale: &str) -> String {
        let zone = Zone::parse("Europe/Paris").unwrap();
        let t = LocalTime {
            dt,
            offset_secs: 3600,
        };
        JodaPattern::parse(pattern).unwrap().format(
            &t,
            &Symbols::for_locale(locale).unwrap(),
            &zone,
        )
    }

    fn dec7() -> DateTime {
        // Monday 2015-12-07 15:04:05.078.
        jiff::civil::datetime(2015, 12, 7, 15, 4, 5, 78_000_000)
    }

    #[test]
    fn numbers_pad_to_the_letter_count() {
        assert_eq!(
            print("'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH", dec7(), "en"),
            "year=2015/month=12/day=07/hour=15"
        );
        assert_eq!(
            print("yyyy-MM-dd'T'HH:mm:ss.SSS", dec7(), "en"),
            "2015-12-07T15:04:05.078"
        );
        assert_eq!(
            print("yy Y M d H m s S SSSS", dec7(), "en"),
            "15 2015 12 7 15 4 5 0 0780"
        );
        assert_eq!(print("D w e x C", dec7(), "en"), "341 50 1 2015 20");
        assert_eq!(print("h hh k K", dec7(), "en"), "3 03 15 3");
        assert_eq!(
            print("h k K", jiff::civil::datetime(2015, 1, 1, 0, 5, 0, 0), "en"),
            "12 24 0"
        );
        assert_eq!(print("Z ZZ ZZZ", dec7(), "en"), "+0100 +01:00 Europe/Paris");
    }

    #[test]
    fn quotes_and_literals() {
        assert_eq!(print("'it''s' YY", dec7(), "en"), "it's 15");
        assert_eq!(print("''", dec7(), "en"), "'");
        assert_eq!(print("YYYY/'x'MM-", dec7(), "en"), "2015/x12-");
        assert_eq!(print("'unterminated dd", dec7(), "en"), "unterminated dd");
    }

    #[test]
    fn text_fields_in_locales() {
        let p = "EEE EEEE d MMM MMMM yyyy hh:mm a G";
        assert_eq!(
            print(p, dec7(), "en"),
            "Mon Monday 7 Dec December 2015 03:04 PM AD"
        );
        assert_eq!(
            print(p, dec7(), "de"),
            "Mo. Montag 7 Dez. Dezember 2015 03:04 PM n. Chr."
        );
        assert_eq!(
            print(p, dec7(), "fr"),
            "lun. lundi 7 déc. décembre 2015 03:04 PM ap. J.-C."
        );
        // Language tags are no language to Java: its root names (Java 17).
        assert_eq!(
            print(p, dec7(), "en-US"),
            "Mon Mon 7 Dec Dec 2015 03:04 PM CE"
        );
        assert_eq!(
            print(p, dec7(), "de-DE"),
            "Mon Mon 7 Dec Dec 2015 03:04 PM CE"
        );
        assert_eq!(
            print(p, dec7(), "fr-FR"),
            "Mon Mon 7 Dec Dec 2015 03:04 PM CE"
        );
        let march = jiff::civil::datetime(2024, 3, 31, 9, 0, 0, 0);
        assert_eq!(print("E MMM", march, "de"), "So. März");
        assert_eq!(print("EEEE MMMM a", march, "fr"), "dimanche mars AM");
    }

    #[test]
    fn illegal_letters_are_refused_like_joda() {
        let e = JodaPattern::parse("YYYY/qq").unwrap_err().to_string();
        assert_eq!(
            e,
            "Invalid value YYYY/qq for configuration path.format: Illegal pattern component: qq"
        );
        let e = JodaPattern::parse("HH z").unwrap_err().to_string();
        assert!(e.contains("(z)"), "{e}");
        assert!(JodaPattern::parse("'qq' YYYY").is_ok());
    }

    #[test]
    fn text_fields_are_detected() {
        assert!(!JodaPattern::parse("'year'=YYYY/'month'=MM")
            .unwrap()
            .has_text_fields());
        assert!(JodaPattern::parse("MMM").unwrap().has_text_fields());
        assert!(JodaPattern::parse("EEEE").unwrap().has_text_fields());
    }
}
