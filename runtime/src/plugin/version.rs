//! Plugin versions and KIP-891's `connector.plugin.version`: Maven version ordering (the
//! common subset: numeric parts compare as numbers, a qualifier sorts before the release) and
//! Maven version ranges (`[1.0,2.0)`, `(,1.5]`, `[2.1]`, unions `[1,2),[3,4)`). A bare version
//! is a hard requirement, as in Kafka (`PluginUtils.connectorVersionRequirement`); `latest` or
//! no value means the newest version.

use std::cmp::Ordering;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Number(u64),
    Text(String),
}

fn parts(version: &str) -> Vec<Part> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut digits = None;
    let flush = |current: &mut String, out: &mut Vec<Part>| {
        if !current.is_empty() {
            out.push(match current.parse::<u64>() {
                Ok(n) => Part::Number(n),
                Err(_) => Part::Text(current.to_ascii_lowercase()),
            });
            current.clear();
        }
    };
    for c in version.trim().chars() {
        if c == '.' || c == '-' || c == '_' || c == '+' {
            flush(&mut current, &mut out);
            digits = None;
            continue;
        }
        let is_digit = c.is_ascii_digit();
        if digits.is_some_and(|d| d != is_digit) {
            flush(&mut current, &mut out);
        }
        digits = Some(is_digit);
        current.push(c);
    }
    flush(&mut current, &mut out);
    // 1.0.0 == 1.0 == 1
    while matches!(out.last(), Some(Part::Number(0))) {
        out.pop();
    }
    out
}

/// Maven-style comparison of two version strings.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let (a, b) = (parts(a), parts(b));
    for i in 0..a.len().max(b.len()) {
        let ord = match (a.get(i), b.get(i)) {
            (Some(Part::Number(x)), Some(Part::Number(y))) => x.cmp(y),
            (Some(Part::Text(x)), Some(Part::Text(y))) => x.cmp(y),
            // A number outranks a qualifier: 1.1 > 1.rc1.
            (Some(Part::Number(_)), Some(Part::Text(_))) => Ordering::Greater,
            (Some(Part::Text(_)), Some(Part::Number(_))) => Ordering::Less,
            // 1.0.1 > 1.0; 1.0-rc1 < 1.0.
            (Some(Part::Number(x)), None) => x.cmp(&0),
            (None, Some(Part::Number(y))) => 0.cmp(y),
            (Some(Part::Text(_)), None) => Ordering::Less,
            (None, Some(Part::Text(_))) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        if ord != Ordering::Equal {
            return ord;
        }
    }
    Ordering::Equal
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bound {
    version: String,
    inclusive: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interval {
    lower: Option<Bound>,
    upper: Option<Bound>,
}

impl Interval {
    fn contains(&self, v: &str) -> bool {
        let above = self
            .lower
            .as_ref()
            .is_none_or(|b| match compare_versions(v, &b.version) {
                Ordering::Greater => true,
                Ordering::Equal => b.inclusive,
                Ordering::Less => false,
            });
        let below = self
            .upper
            .as_ref()
            .is_none_or(|b| match compare_versions(v, &b.version) {
                Ordering::Less => true,
                Ordering::Equal => b.inclusive,
                Ordering::Greater => false,
            });
        above && below
    }
}

/// A parsed `connector.plugin.version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VersionRequirement {
    /// Unset or `latest`: the newest version.
    Latest,
    /// A union of intervals.
    Ranges(Vec<Interval>),
}

impl VersionRequirement {
    /// Parse a requirement; the error says what is wrong.
    pub fn parse(spec: Option<&str>) -> Result<VersionRequirement, String> {
        let spec = match spec.map(str::trim) {
            None | Some("") | Some("latest") => return Ok(VersionRequirement::Latest),
            Some(s) => s,
        };
        if !spec.starts_with(['[', '(']) {
            if spec.contains([',', ']', ')']) {
                return Err(format!("'{spec}' is not a version or a version range"));
            }
            let bound = Some(Bound {
                version: spec.to_owned(),
                inclusive: true,
            });
            return Ok(VersionRequirement::Ranges(vec![Interval {
                lower: bound.clone(),
                upper: bound,
            }]));
        }
        let mut rest = spec;
        let mut intervals = Vec::new();
        while !rest.is_empty() {
            let open = rest.as_bytes()[0];
            let Some(end) = rest.find([']', ')']) else {
                return Err(format!("unbounded range: {spec}"));
            };
            let close = rest.as_bytes()[end];
            let inner = &rest[1..end];
            let bound = |v: &str, inclusive: bool| {
                let v = v.trim();
                (!v.is_empty()).then(|| Bound {
                    version: v.to_owned(),
                    inclusive,
                })
            };
            let interval = match inner.split_once(',') {
                None => {
                    if open != b'[' || close != b']' || inner.trim().is_empty() {
                        return Err(format!("single version must be surrounded by []: {spec}"));
                    }
                    Interval {
                        lower: bound(inner, true),
                        upper: bound(inner, true),
                    }
                }
                Some((lo, hi)) => {
                    if hi.contains(',') {
                        return Err(format!("invalid version range {spec}"));
                    }
                    Interval {
                        lower: bound(lo, open == b'['),
                        upper: bound(hi, close == b']'),
                    }
                }
            };
            if let (Some(lo), Some(hi)) = (&interval.lower, &interval.upper) {
                if compare_versions(&lo.version, &hi.version) == Ordering::Greater {
                    return Err(format!("range defies version ordering: {spec}"));
                }
            }
            intervals.push(interval);
            rest = rest[end + 1..].trim_start();
            if let Some(r) = rest.strip_prefix(',') {
                rest = r.trim_start();
                if !rest.starts_with(['[', '(']) {
                    return Err(format!("invalid version range {spec}"));
                }
            } else if !rest.is_empty() {
                return Err(format!("invalid version range {spec}"));
            }
        }
        Ok(VersionRequirement::Ranges(intervals))
    }

    /// Whether `version` satisfies the requirement.
    pub fn matches(&self, version: &str) -> bool {
        match self {
            VersionRequirement::Latest => true,
            VersionRequirement::Ranges(r) => r.iter().any(|i| i.contains(version)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordering() {
        use Ordering::*;
        for (a, b, o) in [
            ("1.0", "1.0.0", Equal),
            ("1.10", "1.9", Greater),
            ("2.0", "10.0", Less),
            ("1.0-rc1", "1.0", Less),
            ("1.0.1", "1.0", Greater),
            ("3.9.0-SNAPSHOT", "3.9.0", Less),
            ("1.1", "1.rc1", Greater),
        ] {
            assert_eq!(compare_versions(a, b), o, "{a} vs {b}");
        }
    }

    #[test]
    fn requirements() {
        let r = |s: &str| VersionRequirement::parse(Some(s)).unwrap();
        assert!(VersionRequirement::parse(None).unwrap().matches("0.1"));
        assert!(r("latest").matches("9"));
        assert!(r("1.0").matches("1.0.0") && !r("1.0").matches("1.1"));
        assert!(r("[1.0]").matches("1.0") && !r("[1.0]").matches("2.0"));
        let range = r("[1.0,2.0)");
        assert!(range.matches("1.0") && range.matches("1.9.9") && !range.matches("2.0"));
        assert!(r("(,1.5]").matches("1.5") && !r("(,1.5]").matches("1.6"));
        assert!(r("[2.0,)").matches("7"));
        let union = r("[1,2),[3,4)");
        assert!(union.matches("1.5") && union.matches("3") && !union.matches("2.5"));
        for bad in ["[1.0", "(1.0)", "[2.0,1.0]", "1.0]", "[1,2]x"] {
            assert!(VersionRequirement::parse(Some(bad)).is_err(), "{bad}");
        }
    }
}
