//! Java's `toString()` renderings for the values Kafka Connect holds.

use num_bigint::{BigInt, Sign};

/// Java's `Double.toString(d)`: shortest round-trip digits, plain notation for
/// 10^-3 <= |d| < 10^7 (`100.0`, `0.001`), computerized scientific notation otherwise (`1.0E7`).
pub fn java_double_string(d: f64) -> String {
    if d.is_nan() {
        return "NaN".into();
    }
    if d.is_infinite() {
        return if d > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    if d == 0.0 {
        return if d.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    java_format(
        &two_digits_at_least(format!("{d:e}"), || format!("{d:.1e}")),
        d.abs() >= 1e-3 && d.abs() < 1e7,
    )
}

/// Java's `Float.toString(f)`, with the same rules as [`java_double_string`] at f32 precision.
pub fn java_float_string(f: f32) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    if f == 0.0 {
        return if f.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    java_format(
        &two_digits_at_least(format!("{f:e}"), || format!("{f:.1e}")),
        f.abs() >= 1e-3 && f.abs() < 1e7,
    )
}

/// JDK 19+'s `Double.toString`: when the shortest decimal has one digit, the closest decimal of
/// one or two digits is chosen (`Double.MIN_VALUE` is `4.9E-324`, not `5.0E-324`).
fn two_digits_at_least(shortest: String, two: impl FnOnce() -> String) -> String {
    let mantissa = shortest.split('e').next().unwrap_or("");
    if mantissa.chars().filter(char::is_ascii_digit).count() == 1 {
        two()
    } else {
        shortest
    }
}

/// Formats Rust's shortest scientific rendering (`-1.2345e-5`) the way Java does.
fn java_format(sci: &str, plain: bool) -> String {
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (neg, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    // "1.0e-3" from the two-digit candidate is the decimal 1e-3.
    let digits = match digits.trim_end_matches('0') {
        "" => "0".to_owned(),
        d => d.to_owned(),
    };
    let mut out = String::with_capacity(digits.len() + 8);
    if neg {
        out.push('-');
    }
    if plain {
        // The decimal point goes after digit number exp+1.
        let point = exp + 1;
        if point <= 0 {
            out.push_str("0.");
            for _ in 0..(-point) {
                out.push('0');
            }
            out.push_str(&digits);
        } else {
            let point = point as usize;
            if digits.len() <= point {
                out.push_str(&digits);
                for _ in digits.len()..point {
                    out.push('0');
                }
                out.push_str(".0");
            } else {
                out.push_str(&digits[..point]);
                out.push('.');
                out.push_str(&digits[point..]);
            }
        }
    } else {
        out.push_str(&digits[..1]);
        out.push('.');
        if digits.len() > 1 {
            out.push_str(&digits[1..]);
        } else {
            out.push('0');
        }
        out.push('E');
        out.push_str(&exp.to_string());
    }
    out
}

/// Java's `BigDecimal.toString()` for `unscaled × 10^-scale`.
pub fn java_decimal_string(unscaled: &BigInt, scale: i32) -> String {
    let coeff = unscaled.magnitude().to_string();
    let neg = unscaled.sign() == Sign::Minus;
    let adjusted = -(i64::from(scale)) + (coeff.len() as i64 - 1);
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if scale >= 0 && adjusted >= -6 {
        let scale = scale as usize;
        if scale == 0 {
            out.push_str(&coeff);
        } else if coeff.len() > scale {
            out.push_str(&coeff[..coeff.len() - scale]);
            out.push('.');
            out.push_str(&coeff[coeff.len() - scale..]);
        } else {
            out.push_str("0.");
            for _ in 0..(scale - coeff.len()) {
                out.push('0');
            }
            out.push_str(&coeff);
        }
    } else {
        out.push_str(&coeff[..1]);
        if coeff.len() > 1 {
            out.push('.');
            out.push_str(&coeff[1..]);
        }
        if adjusted != 0 {
            out.push('E');
            if adjusted > 0 {
                out.push('+');
            }
            out.push_str(&adjusted.to_string());
        }
    }
    out
}

/// Java's `java.util.Date.toString()` in UTC: `Thu Jan 01 00:00:00 UTC 1970`.
pub fn java_date_string(epoch_ms: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let days = epoch_ms.div_euclid(86_400_000);
    let ms_of_day = epoch_ms.rem_euclid(86_400_000);
    let (y, m, d) = civil_from_days(days);
    let secs = ms_of_day / 1000;
    format!(
        "{} {} {:02} {:02}:{:02}:{:02} UTC {}",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        d,
        secs / 3600,
        (secs / 60) % 60,
        secs % 60,
        y
    )
}

/// Proleptic Gregorian date from days since 1970-01-01 (Howard Hinnant's algorithm).
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_render_like_java() {
        for (d, s) in [
            (1.0, "1.0"),
            (1.5, "1.5"),
            (100.0, "100.0"),
            (0.001, "0.001"),
            (0.0001, "1.0E-4"),
            (1234567.0, "1234567.0"),
            (1.0e7, "1.0E7"),
            (-2.5e-5, "-2.5E-5"),
            (123456789.123, "1.23456789123E8"),
            (0.1, "0.1"),
        ] {
            assert_eq!(java_double_string(d), s, "{d}");
        }
        assert_eq!(java_float_string(1.5f32), "1.5");
        assert_eq!(java_float_string(0.1f32), "0.1");
        assert_eq!(java_double_string(f64::NAN), "NaN");
        assert_eq!(java_double_string(f64::from_bits(1)), "4.9E-324");
        assert_eq!(java_float_string(f32::from_bits(1)), "1.4E-45");
        assert_eq!(java_double_string(1e23), "1.0E23");
        assert_eq!(java_double_string(2.0), "2.0");
    }

    #[test]
    fn decimals_render_like_big_decimal() {
        let d = |u: i64, s: i32| java_decimal_string(&BigInt::from(u), s);
        assert_eq!(d(156, 2), "1.56");
        assert_eq!(d(-156, 2), "-1.56");
        assert_eq!(d(5, 3), "0.005");
        assert_eq!(d(123, 0), "123");
        assert_eq!(d(123, -2), "1.23E+4");
        assert_eq!(d(1, 10), "1E-10");
        assert_eq!(d(0, 2), "0.00");
    }

    #[test]
    fn dates_render_like_java_util_date_in_utc() {
        assert_eq!(java_date_string(0), "Thu Jan 01 00:00:00 UTC 1970");
        assert_eq!(
            java_date_string(1_700_000_000_000),
            "Tue Nov 14 22:13:20 UTC 2023"
        );
        assert_eq!(
            java_date_string(-86_400_000),
            "Wed Dec 31 00:00:00 UTC 1969"
        );
    }
}
