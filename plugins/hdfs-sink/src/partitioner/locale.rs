//! The `locale` setting: the names that `path.format`'s text fields print (`MMM`/`MMMM` months,
//! `E`/`EEEE` weekdays, `a` am/pm, `G` eras).
//!
//! Confluent's partitioner builds the locale with `new Locale(value)`, which takes the whole
//! value as a *language*: `fr` and `de` are French and German, while `en-US`, `de-DE` or
//! `de_DE` name no language Java knows, so Java falls back to its root locale (`Jan`, `Sun`,
//! `AM`, and on Java 17 the same short names for `MMMM` and `EEEE`). Ferry does the same, with
//! the names Java 17 gives (see `locale_data.rs`).

use ferry_plugin_sdk::prelude::*;

use super::locale_data::{LANGUAGES, ROOT};

/// The text-field names of one locale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbols {
    /// The language the names are for; empty for Java's root locale.
    pub language: &'static str,
    short_months: Vec<&'static str>,
    months: Vec<&'static str>,
    short_days: Vec<&'static str>,
    days: Vec<&'static str>,
    halfdays: Vec<&'static str>,
    eras: Vec<&'static str>,
}

impl Symbols {
    /// The names for `locale` as `new Locale(locale)` gives them.
    pub fn for_locale(locale: &str) -> Result<Symbols> {
        let well_formed = !locale.is_empty()
            && locale
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !well_formed {
            return Err(ConnectError::config(format!(
                "Invalid value {locale} for configuration locale: expected a language code such as en, de or fr (or a language tag such as en-US)"
            )));
        }
        // `Locale(String)` lower-cases the language and maps the old ISO codes.
        let language = match locale.to_ascii_lowercase().as_str() {
            "iw" => "he".to_owned(),
            "ji" => "yi".to_owned(),
            "in" => "id".to_owned(),
            other => other.to_owned(),
        };
        let found = LANGUAGES
            .binary_search_by(|(l, _)| (*l).cmp(language.as_str()))
            .ok()
            .and_then(|i| LANGUAGES.get(i));
        let (language, row) = found.map_or(("", ROOT), |(l, row)| (*l, *row));
        let mut fields = row.split('\t').map(|f| f.split('|').collect::<Vec<_>>());
        let mut next = |n: usize| match fields.next() {
            Some(names) if names.len() == n => Ok(names),
            _ => Err(ConnectError::config(format!(
                "locale {locale}: the built-in names for {language:?} are malformed"
            ))),
        };
        Ok(Symbols {
            language,
            short_months: next(12)?,
            months: next(12)?,
            short_days: next(7)?,
            days: next(7)?,
            halfdays: next(2)?,
            eras: next(2)?,
        })
    }

    /// Whether these are Java's root-locale names (no language of their own).
    pub fn is_root(&self) -> bool {
        self.language.is_empty()
    }

    /// Month `month` (1–12), short (`MMM`) or full (`MMMM`).
    pub fn month(&self, month: i8, full: bool) -> &'static str {
        let names = if full {
            &self.months
        } else {
            &self.short_months
        };
        pick(names, i64::from(month) - 1)
    }

    /// Weekday `day` (1 = Monday … 7 = Sunday), short (`E`–`EEE`) or full (`EEEE`).
    pub fn weekday(&self, day: i8, full: bool) -> &'static str {
        let names = if full { &self.days } else { &self.short_days };
        pick(names, i64::from(day) - 1)
    }

    /// `a`: before or after noon.
    pub fn halfday(&self, pm: bool) -> &'static str {
        pick(&self.halfdays, i64::from(pm))
    }

    /// `G`: before Christ or anno Domini.
    pub fn era(&self, ad: bool) -> &'static str {
        pick(&self.eras, i64::from(ad))
    }
}

fn pick(names: &[&'static str], i: i64) -> &'static str {
    usize::try_from(i)
        .ok()
        .and_then(|i| names.get(i))
        .copied()
        .unwrap_or("")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn languages_have_their_names() {
        let en = Symbols::for_locale("en").unwrap();
        assert_eq!((en.month(3, false), en.month(3, true)), ("Mar", "March"));
        assert_eq!(
            (en.weekday(7, false), en.weekday(7, true)),
            ("Sun", "Sunday")
        );
        assert_eq!((en.halfday(false), en.halfday(true)), ("AM", "PM"));
        assert_eq!((en.era(false), en.era(true)), ("BC", "AD"));
        let de = Symbols::for_locale("de").unwrap();
        assert_eq!((de.month(3, false), de.month(3, true)), ("März", "März"));
        assert_eq!(
            (de.month(9, false), de.month(10, true)),
            ("Sept.", "Oktober")
        );
        assert_eq!(
            (de.weekday(1, false), de.weekday(1, true)),
            ("Mo.", "Montag")
        );
        let fr = Symbols::for_locale("FR").unwrap();
        assert_eq!(
            (fr.month(2, false), fr.month(2, true)),
            ("févr.", "février")
        );
        assert_eq!(
            (fr.weekday(3, false), fr.weekday(3, true)),
            ("mer.", "mercredi")
        );
        assert_eq!(Symbols::for_locale("iw").unwrap().language, "he");
    }

    #[test]
    fn language_tags_get_the_root_names_as_in_java() {
        // new Locale("de-DE") is the unknown language "de-de": Java 17's root names.
        for tag in ["en-US", "de-DE", "de_DE", "fr-FR", "xx"] {
            let s = Symbols::for_locale(tag).unwrap();
            assert!(s.is_root(), "{tag}");
            assert_eq!((s.month(1, false), s.month(1, true)), ("Jan", "Jan"));
            assert_eq!((s.weekday(7, false), s.weekday(7, true)), ("Sun", "Sun"));
            assert_eq!((s.halfday(true), s.era(true)), ("PM", "CE"));
        }
    }

    #[test]
    fn malformed_locales_are_refused() {
        let e = Symbols::for_locale("en US").unwrap_err().to_string();
        assert!(e.contains("en US") && e.contains("locale"), "{e}");
        assert!(Symbols::for_locale("de/DE").is_err());
    }

    #[test]
    fn every_row_of_the_table_is_well_formed() {
        assert!(LANGUAGES.windows(2).all(|w| w[0].0 < w[1].0));
        for (language, _) in LANGUAGES {
            assert_eq!(Symbols::for_locale(language).unwrap().language, *language);
        }
    }
}
