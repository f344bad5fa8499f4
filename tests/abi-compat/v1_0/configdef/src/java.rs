//! Small reproductions of the Java standard-library behaviour that Kafka's `ConfigDef` relies on:
//! `String.trim`, `String.equalsIgnoreCase`, the `\s` regex class, `Double.parseDouble`,
//! `Double.toString`, `List.toString` and `HashSet` iteration order.

/// Java's `String.trim()`: strips every leading and trailing char `<= '\u0020'` (ASCII controls and
/// space), unlike [`str::trim`], which strips Unicode whitespace.
pub(crate) fn trim(s: &str) -> &str {
    s.trim_matches(|c: char| c <= '\u{20}')
}

/// A member of Java's regex `\s` class: `[ \t\n\x0B\f\r]`.
pub(crate) fn is_regex_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{0B}' | '\u{0C}' | '\r')
}

/// Java's `String.equalsIgnoreCase` for the char-by-char comparison it performs (simple case mapping).
pub(crate) fn equals_ignore_case(a: &str, b: &str) -> bool {
    let mut left = a.chars();
    let mut right = b.chars();
    loop {
        match (left.next(), right.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) => {
                if x == y {
                    continue;
                }
                let (ux, uy) = (simple_upper(x), simple_upper(y));
                if ux == uy || simple_lower(ux) == simple_lower(uy) {
                    continue;
                }
                return false;
            }
            _ => return false,
        }
    }
}

fn simple_upper(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn simple_lower(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Java's `Double.parseDouble` for decimal input (the argument is already trimmed).
///
/// Accepts an optional sign, `NaN`, `Infinity`, digits with an optional `.` and fraction, an
/// optional exponent and an optional `f`/`F`/`d`/`D` suffix. Hexadecimal floating-point literals
/// (`0x1p3`) are not supported. Rust-only spellings such as `inf` or `nan` are rejected.
pub(crate) fn parse_double(s: &str) -> Option<f64> {
    let (negative, unsigned) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let sign = if negative { -1.0 } else { 1.0 };
    match unsigned {
        "NaN" => return Some(f64::NAN),
        "Infinity" => return Some(sign * f64::INFINITY),
        _ => {}
    }
    let body = unsigned
        .strip_suffix(['f', 'F', 'd', 'D'])
        .unwrap_or(unsigned);
    if !is_decimal_literal(body) {
        return None;
    }
    body.parse::<f64>().ok().map(|v| sign * v)
}

/// `digits [ '.' digits ] [ (e|E) [+|-] digits ]` with at least one mantissa digit.
fn is_decimal_literal(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    let mut mantissa_digits = 0;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
        mantissa_digits += 1;
    }
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
            mantissa_digits += 1;
        }
    }
    if mantissa_digits == 0 {
        return false;
    }
    if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
        i += 1;
        if i < bytes.len() && (bytes[i] == b'+' || bytes[i] == b'-') {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == start {
            return false;
        }
    }
    i == bytes.len()
}

/// Java's `Double.toString` (JDK 19+ shortest-representation form): `1.0`, `0.001`, `1.0E7`,
/// `1.0E-4`, `NaN`, `Infinity`.
pub(crate) fn double_to_string(v: f64) -> String {
    if v.is_nan() {
        return "NaN".to_owned();
    }
    if v.is_infinite() {
        return if v > 0.0 { "Infinity" } else { "-Infinity" }.to_owned();
    }
    if v == 0.0 {
        return if v.is_sign_negative() { "-0.0" } else { "0.0" }.to_owned();
    }
    let sign = if v < 0.0 { "-" } else { "" };
    let abs = v.abs();
    // Rust's `{:e}` prints the shortest round-tripping digits, e.g. "1.2345e-7" or "1e7".
    let scientific = format!("{abs:e}");
    let Some((mantissa, exponent)) = scientific.split_once('e') else {
        return format!("{v}");
    };
    let Ok(exponent) = exponent.parse::<i32>() else {
        return format!("{v}");
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (1e-3..1e7).contains(&abs) {
        if exponent >= 0 {
            let int_len = exponent.unsigned_abs() as usize + 1;
            let (int_part, frac_part) = if digits.len() > int_len {
                (digits[..int_len].to_owned(), digits[int_len..].to_owned())
            } else {
                let mut int_part = digits.clone();
                int_part.push_str(&"0".repeat(int_len - digits.len()));
                (int_part, "0".to_owned())
            };
            format!("{sign}{int_part}.{frac_part}")
        } else {
            let zeros = "0".repeat(exponent.unsigned_abs() as usize - 1);
            format!("{sign}0.{zeros}{digits}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let rest = if rest.is_empty() { "0" } else { rest };
        format!("{sign}{first}.{rest}E{exponent}")
    }
}

/// Java's `AbstractCollection.toString` for a list of strings: `[a, b, c]`.
pub(crate) fn list_to_string(items: &[String]) -> String {
    format!("[{}]", items.join(", "))
}

/// Java's `String.hashCode` (over UTF-16 code units).
pub(crate) fn string_hash(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// The iteration order of a `java.util.HashSet<String>` filled (default capacity, load factor
/// 0.75) with `items` in order: buckets ascending, insertion order within a bucket; duplicates
/// keep their first position.
pub(crate) fn hash_set_order(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut unique: Vec<String> = Vec::new();
    for item in items {
        if !unique.contains(&item) {
            unique.push(item);
        }
    }
    let mut capacity = 16usize;
    while unique.len() > capacity / 4 * 3 {
        capacity *= 2;
    }
    let bucket = |s: &String| {
        // Reinterpreting the hash's bits is the point here.
        let h = string_hash(s) as u32;
        ((h ^ (h >> 16)) as usize) & (capacity - 1)
    };
    // `sort_by_key` is stable, so insertion order survives within a bucket.
    unique.sort_by_key(bucket);
    unique
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_strips_ascii_controls_but_not_unicode_spaces() {
        assert_eq!(trim("\u{0}\t a b \r\n\u{1f}"), "a b");
        assert_eq!(trim("\u{a0}x\u{a0}"), "\u{a0}x\u{a0}");
        assert_eq!(trim("   "), "");
    }

    #[test]
    fn equals_ignore_case_follows_java() {
        assert!(equals_ignore_case("TRUE", "true"));
        assert!(equals_ignore_case("tRuE", "true"));
        assert!(equals_ignore_case("fal\u{17f}e", "false")); // long s uppercases to S
        assert!(!equals_ignore_case("truee", "true"));
        assert!(!equals_ignore_case("tru", "true"));
    }

    #[test]
    fn parse_double_accepts_java_grammar() {
        assert_eq!(parse_double("1"), Some(1.0));
        assert_eq!(parse_double("-1.5"), Some(-1.5));
        assert_eq!(parse_double("+.5"), Some(0.5));
        assert_eq!(parse_double("5."), Some(5.0));
        assert_eq!(parse_double("1.e2"), Some(100.0));
        assert_eq!(parse_double("1e-2"), Some(0.01));
        assert_eq!(parse_double("2.5d"), Some(2.5));
        assert_eq!(parse_double("2.5F"), Some(2.5));
        assert_eq!(parse_double("1e400"), Some(f64::INFINITY));
        assert_eq!(parse_double("-Infinity"), Some(f64::NEG_INFINITY));
        assert!(parse_double("NaN").is_some_and(f64::is_nan));
        for bad in [
            "", ".", "e5", "1e", "1e+", "inf", "nan", "infinity", "1.0.0", "1 0", "0x10", "d",
        ] {
            assert_eq!(parse_double(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn double_to_string_matches_java() {
        let cases = [
            (1.0, "1.0"),
            (-1.0, "-1.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (3.125, "3.125"),
            (100.0, "100.0"),
            (0.001, "0.001"),
            (0.0001, "1.0E-4"),
            (9_999_999.0, "9999999.0"),
            (10_000_000.0, "1.0E7"),
            (1.5e10, "1.5E10"),
            (1.234e-7, "1.234E-7"),
            (0.1, "0.1"),
            (123.456, "123.456"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
            (f64::MAX, "1.7976931348623157E308"),
            (f64::MIN_POSITIVE, "2.2250738585072014E-308"),
        ];
        for (value, expected) in cases {
            assert_eq!(double_to_string(value), expected);
        }
    }

    #[test]
    fn string_hash_matches_java() {
        assert_eq!(string_hash(""), 0);
        assert_eq!(string_hash("a"), 97);
        assert_eq!(string_hash("hello"), 99_162_322);
        // Overflowing hash: "polygenelubricants".hashCode() == Integer.MIN_VALUE.
        assert_eq!(string_hash("polygenelubricants"), i32::MIN);
    }

    #[test]
    fn hash_set_order_is_bucket_order() {
        // "a"=97 -> bucket 1, "b"=98 -> 2, "q"=113 -> 1 (113 & 15 == 1): "q" follows "a".
        let order = hash_set_order(["b", "q", "a", "b"].map(String::from));
        assert_eq!(order, ["q", "a", "b"]);
    }

    #[test]
    fn list_to_string_uses_java_format() {
        assert_eq!(list_to_string(&[]), "[]");
        assert_eq!(list_to_string(&["a".into(), "b".into()]), "[a, b]");
    }
}
