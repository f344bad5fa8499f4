//! Exact decimal numbers as Java's `BigDecimal` parses and holds them: an unscaled integer and
//! a scale. Used for JSON numbers (exact `Decimal` values, integer truncation) and for header
//! values parsed by `Values.parseString`.

use num_bigint::{BigInt, Sign};

/// Exponents of ten larger than this are never materialised (they could exhaust memory); the
/// operations needing them give up instead.
const MAX_RESCALE: i64 = 4096;

/// `unscaled × 10^-scale`, as `new BigDecimal(String)` produces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BigDec {
    pub(crate) unscaled: BigInt,
    pub(crate) scale: i32,
    /// Number of decimal digits of `unscaled` (`BigDecimal.precision()`, 1 for zero).
    precision: i64,
}

impl BigDec {
    /// Parses Java's `BigDecimal` syntax: optional sign, digits with an optional point (at least
    /// one digit), optional exponent. `None` where Java throws `NumberFormatException`.
    pub(crate) fn parse(text: &str) -> Option<BigDec> {
        let bytes = text.as_bytes();
        let (negative, mut i) = match bytes.first() {
            Some(b'-') => (true, 1),
            Some(b'+') => (false, 1),
            _ => (false, 0),
        };
        let mut digits = String::with_capacity(bytes.len());
        let (mut fraction_digits, mut seen_point) = (0i64, false);
        while let Some(&b) = bytes.get(i) {
            match b {
                b'0'..=b'9' => {
                    digits.push(char::from(b));
                    fraction_digits += i64::from(seen_point);
                }
                b'.' if !seen_point => seen_point = true,
                b'e' | b'E' => break,
                _ => return None,
            }
            i += 1;
        }
        if digits.is_empty() {
            return None;
        }
        let exponent = if i < bytes.len() {
            parse_exponent(&bytes[i + 1..])?
        } else {
            0
        };
        let scale = i32::try_from(fraction_digits - exponent).ok()?;
        let trimmed = digits.trim_start_matches('0');
        let precision = trimmed.len().max(1) as i64;
        let magnitude = BigInt::parse_bytes(
            if trimmed.is_empty() {
                b"0"
            } else {
                trimmed.as_bytes()
            },
            10,
        )?;
        let unscaled = if negative { -magnitude } else { magnitude };
        Some(BigDec {
            unscaled,
            scale,
            precision,
        })
    }

    pub(crate) fn is_zero(&self) -> bool {
        self.unscaled.sign() == Sign::NoSign
    }

    /// The value, when it is a whole number that fits a `long`.
    pub(crate) fn to_exact_i64(&self) -> Option<i64> {
        if self.scale > 0 && !self.is_zero() {
            let scale = i64::from(self.scale);
            if scale >= self.precision {
                return None;
            }
            let divisor = pow10(scale)?;
            if (&self.unscaled % &divisor).sign() != Sign::NoSign {
                return None;
            }
        }
        self.truncate_i64()
    }

    /// The value truncated toward zero (`BigDecimal.toBigInteger()`), when it fits a `long`.
    pub(crate) fn truncate_i64(&self) -> Option<i64> {
        if self.is_zero() {
            return Some(0);
        }
        let scale = i64::from(self.scale);
        if scale <= 0 {
            if self.precision - scale > 19 {
                return None;
            }
            let value = &self.unscaled * pow10(-scale)?;
            i64::try_from(&value).ok()
        } else if scale >= self.precision {
            Some(0)
        } else {
            i64::try_from(&(&self.unscaled / pow10(scale)?)).ok()
        }
    }

    /// The unscaled value at `scale`, when the value can be expressed at that scale exactly.
    pub(crate) fn rescaled(&self, scale: i32) -> Option<BigInt> {
        let diff = i64::from(scale) - i64::from(self.scale);
        if diff >= 0 {
            return Some(&self.unscaled * pow10(diff)?);
        }
        if self.is_zero() {
            return Some(BigInt::from(0));
        }
        if -diff >= self.precision {
            return None;
        }
        let divisor = pow10(-diff)?;
        let (quotient, remainder) = (&self.unscaled / &divisor, &self.unscaled % &divisor);
        (remainder.sign() == Sign::NoSign).then_some(quotient)
    }
}

/// Digits of an exponent after `e`/`E`, with optional sign; `None` if malformed or outside
/// Java's `int` range.
fn parse_exponent(bytes: &[u8]) -> Option<i64> {
    let (negative, digits) = match bytes.first() {
        Some(b'-') => (true, &bytes[1..]),
        Some(b'+') => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut value: i64 = 0;
    for d in digits {
        value = value.checked_mul(10)?.checked_add(i64::from(d - b'0'))?;
        if value > i64::from(i32::MAX) + 1 {
            return None;
        }
    }
    let value = if negative { -value } else { value };
    i32::try_from(value).ok().map(i64::from)
}

fn pow10(exponent: i64) -> Option<BigInt> {
    if !(0..=MAX_RESCALE).contains(&exponent) {
        return None;
    }
    Some(BigInt::from(10u32).pow(u32::try_from(exponent).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(text: &str) -> (String, i32) {
        let d = BigDec::parse(text).unwrap();
        (d.unscaled.to_string(), d.scale)
    }

    #[test]
    fn parses_like_java_big_decimal() {
        assert_eq!(dec("1.56"), ("156".into(), 2));
        assert_eq!(dec("1.5600"), ("15600".into(), 4));
        assert_eq!(dec("-0012.50"), ("-1250".into(), 2));
        assert_eq!(dec("1e2"), ("1".into(), -2));
        assert_eq!(dec("1.5E-3"), ("15".into(), 4));
        assert_eq!(dec("+.5"), ("5".into(), 1));
        assert_eq!(dec("1."), ("1".into(), 0));
        assert_eq!(dec("0.00"), ("0".into(), 2));
        assert_eq!(dec("000"), ("0".into(), 0));
        assert_eq!(dec("3.4028235E38"), ("34028235".into(), -31));
        for bad in [
            "",
            "-",
            ".",
            "e5",
            "1e",
            "1e+",
            "1..2",
            "1x",
            "١",
            "1e99999999999",
            " 1",
        ] {
            assert!(BigDec::parse(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn integer_views() {
        let exact = |t: &str| BigDec::parse(t).unwrap().to_exact_i64();
        assert_eq!(exact("300.0"), Some(300));
        assert_eq!(exact("1e3"), Some(1000));
        assert_eq!(exact("1.5"), None);
        assert_eq!(exact("9223372036854775807"), Some(i64::MAX));
        assert_eq!(exact("9223372036854775808"), None);
        assert_eq!(exact("-9223372036854775808"), Some(i64::MIN));
        assert_eq!(exact("1e-999999"), None);
        assert_eq!(exact("0e-999999"), Some(0));
        assert_eq!(exact("1e999999"), None);
        let truncated = |t: &str| BigDec::parse(t).unwrap().truncate_i64();
        assert_eq!(truncated("-1.9"), Some(-1));
        assert_eq!(truncated("0.001"), Some(0));
        assert_eq!(truncated("12.5e1"), Some(125));
    }

    #[test]
    fn rescaling_is_exact_only() {
        let rescaled =
            |t: &str, s: i32| BigDec::parse(t).unwrap().rescaled(s).map(|b| b.to_string());
        assert_eq!(rescaled("1.5", 2), Some("150".into()));
        assert_eq!(rescaled("1.500", 1), Some("15".into()));
        assert_eq!(rescaled("1.55", 1), None);
        assert_eq!(rescaled("0.000", 0), Some("0".into()));
        assert_eq!(rescaled("1e-9999", 0), None);
    }
}
