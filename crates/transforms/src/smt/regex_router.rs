//! `org.apache.kafka.connect.transforms.RegexRouter`: if the regex matches the whole topic, the
//! topic becomes `matcher.replaceFirst(replacement)` (Java's `$n` / `${name}` group references
//! and `\` escapes).

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, Validator};
use regex::{Captures, Regex};

use crate::config::{self, Getters};
use crate::error::TransformError;
use crate::record::ConnectRecord;
use crate::Transformation;

const REGEX: &str = "regex";
const REPLACEMENT: &str = "replacement";

/// `RegexRouter.CONFIG_DEF`.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(REGEX, ConfigType::String)
                .validator(Validator::ValidRegex)
                .importance(Importance::High)
                .doc("Regular expression to use for matching."),
        )
        .define(
            ConfigKey::new(REPLACEMENT, ConfigType::String)
                .importance(Importance::High)
                .doc("Replacement string."),
        )
}

/// A compiled pattern with Java's `Matcher.matches()` and `replaceFirst`.
#[derive(Debug, Clone)]
pub(crate) struct JavaRegex {
    whole: Regex,
    find: Regex,
}

impl JavaRegex {
    /// `Pattern.compile(pattern)`; the error is the regex crate's message.
    pub(crate) fn new(pattern: &str) -> Result<JavaRegex, regex::Error> {
        Ok(JavaRegex {
            whole: Regex::new(&format!("^(?:{pattern})$"))?,
            find: Regex::new(pattern)?,
        })
    }

    /// `matcher(text).matches()`.
    pub(crate) fn matches(&self, text: &str) -> bool {
        self.whole.is_match(text)
    }

    /// `matcher(text).replaceFirst(replacement)`.
    pub(crate) fn replace_first(
        &self,
        text: &str,
        replacement: &str,
    ) -> Result<String, TransformError> {
        let Some(caps) = self.find.captures(text) else {
            return Ok(text.to_owned());
        };
        let Some(m) = caps.get(0) else {
            return Ok(text.to_owned());
        };
        let mut out = String::with_capacity(text.len() + replacement.len());
        out.push_str(&text[..m.start()]);
        self.append_replacement(&caps, replacement, &mut out)?;
        out.push_str(&text[m.end()..]);
        Ok(out)
    }

    /// Java's `Matcher.appendExpandedReplacement`.
    fn append_replacement(
        &self,
        caps: &Captures<'_>,
        replacement: &str,
        out: &mut String,
    ) -> Result<(), TransformError> {
        let group_count = self.find.captures_len() - 1;
        let chars: Vec<char> = replacement.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '\\' => {
                    i += 1;
                    let c = chars.get(i).ok_or_else(|| {
                        TransformError::IllegalArgument(
                            "character to be escaped is missing".to_owned(),
                        )
                    })?;
                    out.push(*c);
                    i += 1;
                }
                '$' => {
                    i += 1;
                    let Some(&next) = chars.get(i) else {
                        return Err(TransformError::IllegalArgument(
                            "Illegal group reference: group index is missing".to_owned(),
                        ));
                    };
                    if next == '{' {
                        i += 1;
                        let start = i;
                        while i < chars.len() && chars[i].is_ascii_alphanumeric() {
                            i += 1;
                        }
                        let name: String = chars[start..i].iter().collect();
                        if name.is_empty() {
                            return Err(TransformError::IllegalArgument(
                                "named capturing group has 0 length name".to_owned(),
                            ));
                        }
                        if chars.get(i) != Some(&'}') {
                            return Err(TransformError::IllegalArgument(
                                "named capturing group is missing trailing '}'".to_owned(),
                            ));
                        }
                        i += 1;
                        if name.starts_with(|c: char| c.is_ascii_digit()) {
                            return Err(TransformError::IllegalArgument(
                                "capturing group name {".to_owned()
                                    + &name
                                    + "} starts with digit character",
                            ));
                        }
                        if self.find.capture_names().flatten().all(|n| n != name) {
                            return Err(TransformError::IllegalArgument(format!(
                                "No group with name {{{name}}}"
                            )));
                        }
                        if let Some(m) = caps.name(&name) {
                            out.push_str(m.as_str());
                        }
                    } else {
                        let mut group = next.to_digit(10).ok_or_else(|| {
                            TransformError::IllegalArgument("Illegal group reference".to_owned())
                        })? as usize;
                        i += 1;
                        while let Some(d) = chars.get(i).and_then(|c| c.to_digit(10)) {
                            let candidate = group * 10 + d as usize;
                            if candidate > group_count {
                                break;
                            }
                            group = candidate;
                            i += 1;
                        }
                        if group > group_count {
                            return Err(TransformError::IndexOutOfBounds(format!(
                                "No group {group}"
                            )));
                        }
                        if let Some(m) = caps.get(group) {
                            out.push_str(m.as_str());
                        }
                    }
                }
                c => {
                    out.push(c);
                    i += 1;
                }
            }
        }
        Ok(())
    }
}

/// A configured `RegexRouter`.
#[derive(Debug)]
pub(crate) struct RegexRouter {
    regex: JavaRegex,
    replacement: String,
}

impl RegexRouter {
    /// `configure(props)`.
    pub(crate) fn configure(props: &BTreeMap<String, String>) -> Result<RegexRouter, ConfigError> {
        let cfg = config::parse(&config_def(), &[], "", props)?;
        let pattern = cfg.req_string(REGEX)?;
        let regex = JavaRegex::new(&pattern)
            .map_err(|e| ConfigError::invalid(REGEX, &pattern, format!("Invalid regex: {e}")))?;
        Ok(RegexRouter {
            regex,
            replacement: cfg.req_string(REPLACEMENT)?,
        })
    }
}

impl Transformation for RegexRouter {
    fn apply(&self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        if self.regex.matches(&record.topic) {
            record.topic = self.regex.replace_first(&record.topic, &self.replacement)?;
        }
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smt::testutil::props;

    fn apply(regex: &str, replacement: &str, topic: &str) -> String {
        let x = RegexRouter::configure(&props(&[("regex", regex), ("replacement", replacement)]))
            .unwrap();
        x.apply(ConnectRecord::new(topic)).unwrap().unwrap().topic
    }

    #[test]
    fn kafka_vectors() {
        assert_eq!(apply("(.*)", "prefix-$1", "orig"), "prefix-orig");
        assert_eq!(apply("(.*)", "$1-suffix", "orig"), "orig-suffix");
        assert_eq!(
            apply("(.*)", "prefix-$1-suffix", "orig"),
            "prefix-orig-suffix"
        );
        assert_eq!(apply("(.*)-(.*)", "$2-$1", "orig-suffix"), "suffix-orig");
        assert_eq!(apply("(.*)", "$1", "orig"), "orig");
        assert_eq!(apply("(.*)", "", "orig"), "");
        assert_eq!(apply("nomatch", "x", "orig"), "orig");
        // Partial matches do not count: matches() is a whole-topic match.
        assert_eq!(apply("ori", "x", "orig"), "orig");
    }

    #[test]
    fn java_replacement_syntax() {
        // `$1a` is group 1 then `a` (Rust would read a group named `1a`).
        assert_eq!(apply("(o)rig", "$1a", "orig"), "oa");
        // Multi-digit references only while the group exists.
        assert_eq!(apply("(o)(r)(i)(g)", "$11", "orig"), "o1");
        assert_eq!(apply("(?P<name>.*)", "x-${name}", "orig"), "x-orig");
        assert_eq!(apply("(.*)", "\\$1", "orig"), "$1");
        let x =
            RegexRouter::configure(&props(&[("regex", "(.*)"), ("replacement", "$2")])).unwrap();
        let err = x.apply(ConnectRecord::new("t")).unwrap_err();
        assert_eq!(err.to_string(), "No group 2");
        assert_eq!(err.java_class(), "java.lang.IndexOutOfBoundsException");
        let x =
            RegexRouter::configure(&props(&[("regex", "(.*)"), ("replacement", "$x")])).unwrap();
        assert_eq!(
            x.apply(ConnectRecord::new("t")).unwrap_err().to_string(),
            "Illegal group reference"
        );
        // Lazy patterns: replaceFirst finds the first match, which need not be the whole topic.
        assert_eq!(apply("(.*?)", "[$1]", "ab"), "[]ab");
    }

    #[test]
    fn config_errors() {
        let err =
            RegexRouter::configure(&props(&[("regex", "("), ("replacement", "x")])).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("Invalid value ( for configuration regex: Invalid regex: "),
            "{err}"
        );
        assert_eq!(
            RegexRouter::configure(&props(&[("regex", "a")]))
                .unwrap_err()
                .to_string(),
            "Missing required configuration \"replacement\" which has no default value."
        );
    }
}
