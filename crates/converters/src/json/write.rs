//! Low-level JSON output exactly as Jackson's default generator writes it: compact, strings
//! escaped with Jackson's table (upper-case `\u00XX`), doubles and floats in Java's
//! `Double.toString`/`Float.toString` form, non-finite numbers as quoted strings.

use std::fmt::{self, Write as _};

use base64::Engine as _;

/// `0` = no escape, `b'u'` = `\u00XX`, otherwise the character after the backslash.
static ESCAPES: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut i = 0;
    while i < 0x20 {
        table[i] = b'u';
        i += 1;
    }
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0c] = b'f';
    table[0x0a] = b'n';
    table[0x0d] = b'r';
    table
};

const HEX: &[u8; 16] = b"0123456789ABCDEF";

/// The index of the first byte at or after `from` that [`ESCAPES`] escapes (a control
/// character, `"` or `\\`), or `bytes.len()`. Eight bytes at a time: text rarely needs escapes.
fn next_escape(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    /// Whether any byte of `w` is zero.
    fn any_zero(w: u64) -> bool {
        w.wrapping_sub(ONES) & !w & HIGHS != 0
    }
    let mut i = from;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // Some byte below 0x20 (exact for a bound up to 0x80), or equal to '"' or '\\'.
        let control = w.wrapping_sub(ONES * 0x20) & !w & HIGHS != 0;
        if control
            || any_zero(w ^ (ONES * u64::from(b'"')))
            || any_zero(w ^ (ONES * u64::from(b'\\')))
        {
            break;
        }
        i += 8;
    }
    while i < bytes.len() && ESCAPES.get(usize::from(bytes[i])).copied().unwrap_or(0) == 0 {
        i += 1;
    }
    i
}

/// A quoted, escaped JSON string.
pub(crate) fn string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut i = next_escape(bytes, 0);
    while let Some(&b) = bytes.get(i) {
        out.extend_from_slice(&bytes[start..i]);
        let escape = ESCAPES.get(usize::from(b)).copied().unwrap_or(0);
        if escape == b'u' {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[usize::from(b >> 4)]);
            out.push(HEX[usize::from(b & 0xf)]);
        } else {
            out.push(b'\\');
            out.push(escape);
        }
        start = i + 1;
        i = next_escape(bytes, start);
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// A decimal integer.
pub(crate) fn int(out: &mut Vec<u8>, v: i64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    let mut n = v.unsigned_abs();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    if v < 0 {
        out.push(b'-');
    }
    out.extend_from_slice(&buf[i..]);
}

/// A base64 string (standard alphabet, padded), as Jackson writes binary nodes.
pub(crate) fn base64(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'"');
    let start = out.len();
    out.resize(start + bytes.len().div_ceil(3) * 4, 0);
    let written = base64::engine::general_purpose::STANDARD.encode_slice(bytes, &mut out[start..]);
    out.truncate(start + written.unwrap_or(0));
    out.push(b'"');
}

/// A double as Jackson writes it: `Double.toString`, or a quoted `"NaN"`/`"Infinity"`.
pub(crate) fn double(out: &mut Vec<u8>, d: f64) {
    if d.is_finite() {
        java_number(out, d, d.abs(), 1e-3, 1e7);
    } else {
        non_finite(out, d.is_nan(), d > 0.0);
    }
}

/// A float as Jackson writes it: `Float.toString`, or a quoted `"NaN"`/`"Infinity"`.
pub(crate) fn float(out: &mut Vec<u8>, f: f32) {
    if f.is_finite() {
        java_number(out, f, f.abs(), 1e-3, 1e7);
    } else {
        non_finite(out, f.is_nan(), f > 0.0);
    }
}

fn non_finite(out: &mut Vec<u8>, nan: bool, positive: bool) {
    out.extend_from_slice(match (nan, positive) {
        (true, _) => b"\"NaN\"",
        (false, true) => b"\"Infinity\"",
        (false, false) => b"\"-Infinity\"",
    });
}

/// Java's rendering of a finite number: shortest round-trip digits, plain notation for
/// `low <= |v| < high` (`100.0`, `0.001`), otherwise `d.dddE<exp>` (`1.0E7`).
fn java_number<T: fmt::LowerExp + PartialOrd>(out: &mut Vec<u8>, v: T, abs: T, low: T, high: T) {
    let mut sci = StackText::default();
    if write!(sci, "{v:e}").is_err() {
        return;
    }
    // Java never prints fewer than two significant digits: where the shortest form has one,
    // it takes the closest two-digit decimal (`4.9E-324`, not `5.0E-324`).
    if !sci.as_str().contains('.') {
        let mut two = StackText::default();
        if write!(two, "{v:.1e}").is_ok() && !two.as_str().contains(".0e") {
            sci = two;
        }
    }
    let text = sci.as_str();
    let (mantissa, exp) = text.split_once('e').unwrap_or((text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let mut digits = [0u8; 24];
    let mut n_digits = 0;
    for b in mantissa.bytes().filter(u8::is_ascii_digit) {
        if n_digits < digits.len() {
            digits[n_digits] = b;
            n_digits += 1;
        }
    }
    let digits = &digits[..n_digits.max(1)];
    if negative {
        out.push(b'-');
    }
    let zero = digits == b"0";
    if zero || (abs >= low && abs < high) {
        let point = exp + 1;
        if zero {
            out.extend_from_slice(b"0.0");
        } else if point <= 0 {
            out.extend_from_slice(b"0.");
            out.extend(std::iter::repeat_n(b'0', point.unsigned_abs() as usize));
            out.extend_from_slice(digits);
        } else {
            let point = point as usize;
            if digits.len() <= point {
                out.extend_from_slice(digits);
                out.extend(std::iter::repeat_n(b'0', point - digits.len()));
                out.extend_from_slice(b".0");
            } else {
                out.extend_from_slice(&digits[..point]);
                out.push(b'.');
                out.extend_from_slice(&digits[point..]);
            }
        }
    } else {
        out.push(digits[0]);
        out.push(b'.');
        if digits.len() > 1 {
            out.extend_from_slice(&digits[1..]);
        } else {
            out.push(b'0');
        }
        out.push(b'E');
        int(out, i64::from(exp));
    }
}

/// A small fixed buffer for `{:e}` output (at most 24 bytes for an `f64`).
#[derive(Default)]
struct StackText {
    buf: [u8; 32],
    len: usize,
}

impl StackText {
    fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("0e0")
    }
}

impl fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.len + s.len();
        let dest = self.buf.get_mut(self.len..end).ok_or(fmt::Error)?;
        dest.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(f: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut out = Vec::new();
        f(&mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_like_jackson() {
        assert_eq!(render(|o| string(o, "plain é 😀 /")), r#""plain é 😀 /""#);
        assert_eq!(
            render(|o| string(o, "q\"b\\n\nt\tr\rb\u{8}f\u{c}")),
            r#""q\"b\\n\nt\tr\rb\bf\f""#
        );
        assert_eq!(
            render(|o| string(o, "\u{0}\u{1f}\u{7f}")),
            "\"\\u0000\\u001F\u{7f}\""
        );
    }

    /// Every byte value at every position of a word, against the byte-at-a-time table.
    #[test]
    fn escapes_are_found_at_every_position() {
        for b in 0u8..0x80 {
            for at in 0..20 {
                let mut text = vec![b'a'; 20];
                text[at] = b;
                let text = String::from_utf8(text).unwrap();
                let mut expected = String::from("\"");
                for c in text.chars() {
                    match ESCAPES[c as usize] {
                        0 => expected.push(c),
                        b'u' => expected.push_str(&format!("\\u{:04X}", c as u32)),
                        e => {
                            expected.push('\\');
                            expected.push(char::from(e));
                        }
                    }
                }
                expected.push('"');
                assert_eq!(
                    render(|o| string(o, &text)),
                    expected,
                    "byte {b:#x} at {at}"
                );
            }
        }
        let multi = "é😀\u{7f}\u{80}ÿ".repeat(5);
        assert_eq!(render(|o| string(o, &multi)), format!("\"{multi}\""));
    }

    #[test]
    fn integers_and_base64() {
        for v in [0, 7, -7, 4398046511104, i64::MAX, i64::MIN] {
            assert_eq!(render(|o| int(o, v)), v.to_string());
        }
        assert_eq!(
            render(|o| base64(o, b"test-string")),
            r#""dGVzdC1zdHJpbmc=""#
        );
        assert_eq!(render(|o| base64(o, &[0, 0x9c])), r#""AJw=""#);
        assert_eq!(render(|o| base64(o, &[])), r#""""#);
    }

    #[test]
    fn doubles_render_like_java() {
        for (d, s) in [
            (1.0, "1.0"),
            (12.34, "12.34"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (100.0, "100.0"),
            (0.001, "0.001"),
            (0.0001, "1.0E-4"),
            (1234567.0, "1234567.0"),
            (1.0e7, "1.0E7"),
            (-2.5e-5, "-2.5E-5"),
            (123456789.123, "1.23456789123E8"),
            (f64::MAX, "1.7976931348623157E308"),
            (f64::MIN_POSITIVE, "2.2250738585072014E-308"),
            (5e-324, "4.9E-324"),
            (1e-323, "9.9E-324"),
            (1e23, "1.0E23"),
            (0.5, "0.5"),
            (f64::NAN, "\"NaN\""),
            (f64::NEG_INFINITY, "\"-Infinity\""),
        ] {
            assert_eq!(render(|o| double(o, d)), s, "{d}");
        }
        assert_eq!(render(|o| float(o, 12.34)), "12.34");
        assert_eq!(render(|o| float(o, f32::MAX)), "3.4028235E38");
        assert_eq!(render(|o| float(o, f32::MIN_POSITIVE)), "1.1754944E-38");
        assert_eq!(render(|o| float(o, f32::from_bits(1))), "1.4E-45");
        assert_eq!(render(|o| float(o, 1.0e-5)), "1.0E-5");
        assert_eq!(render(|o| float(o, f32::INFINITY)), "\"Infinity\"");
    }

    #[test]
    fn doubles_agree_with_ferry_data() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let d = f64::from_bits(x);
            // ferry-data prints one-digit subnormals as `5.0E-324` where Java prints `4.9E-324`.
            if d.is_finite() && d.abs() > 1e-320 {
                assert_eq!(
                    render(|o| double(o, d)),
                    ferry_data::java_double_string(d),
                    "{d:e}"
                );
            }
            let f = f32::from_bits((x >> 32) as u32);
            if f.is_finite() {
                assert_eq!(
                    render(|o| float(o, f)),
                    ferry_data::java_float_string(f),
                    "{f:e}"
                );
            }
        }
    }
}
