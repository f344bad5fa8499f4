//! Conversions of raw database values into Connect values.

use ferry_plugin_sdk::prelude::*;
use num_bigint::BigInt;

use crate::error::{JdbcError, JdbcResult};
use crate::schema::{ColumnDef, ColumnKind};
use crate::temporal::{self, TimeZone};

/// A raw value as a driver hands it over, before the column's mapping applies.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw<'a> {
    Null,
    Int(i64),
    Float(f64),
    Text(&'a str),
    Bytes(&'a [u8]),
}

/// `s` (e.g. `-12.345`, `1e3`) as an unscaled integer with `scale` digits, rounded half up.
pub fn decimal_from_str(s: &str, scale: i32) -> Option<BigInt> {
    let s = s.trim();
    let (mantissa, exp) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (neg, digits) = match mantissa.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let all = format!("{int}{frac}");
    if !all.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    // all × 10^(exp − frac.len()) expressed with `scale` decimals.
    let shift = scale + exp - frac.len() as i32;
    let base: BigInt = if all.is_empty() {
        BigInt::from(0)
    } else {
        all.parse().ok()?
    };
    let v = if shift >= 0 {
        base * BigInt::from(10).pow(shift as u32)
    } else {
        let div = BigInt::from(10).pow((-shift) as u32);
        (base + &div / 2) / div
    };
    Some(if neg { -v } else { v })
}

fn int_in<T: TryFrom<i64>>(v: i64, c: &ColumnDef) -> JdbcResult<T> {
    T::try_from(v).map_err(|_| {
        JdbcError::Data(format!(
            "value {v} of column {} does not fit its schema {:?}",
            c.name, c.kind
        ))
    })
}

fn bad(c: &ColumnDef, raw: &Raw<'_>) -> JdbcError {
    JdbcError::Data(format!(
        "cannot convert {raw:?} of column {} to {:?}",
        c.name, c.kind
    ))
}

/// Convert `raw` to the Connect value of column `c`.
pub fn convert(c: &ColumnDef, raw: &Raw<'_>, tz: &TimeZone) -> JdbcResult<Value> {
    use ColumnKind as K;
    let v = match (c.kind, raw) {
        (_, Raw::Null) => Value::Null,
        (K::Boolean, Raw::Int(i)) => Value::Boolean(*i != 0),
        (K::Boolean, Raw::Text(t)) => Value::Boolean(matches!(*t, "1" | "t" | "true" | "TRUE")),
        (K::Int8, Raw::Int(i)) => Value::Int8(int_in(*i, c)?),
        (K::Int16, Raw::Int(i)) => Value::Int16(int_in(*i, c)?),
        (K::Int32, Raw::Int(i)) => Value::Int32(int_in(*i, c)?),
        (K::Int64, Raw::Int(i)) => Value::Int64(*i),
        (K::Int8 | K::Int16 | K::Int32 | K::Int64, Raw::Float(f)) if f.fract() == 0.0 => {
            return convert(c, &Raw::Int(*f as i64), tz)
        }
        (K::Int8 | K::Int16 | K::Int32 | K::Int64, Raw::Text(t)) => {
            let i = t.trim().parse::<i64>().map_err(|_| bad(c, raw))?;
            return convert(c, &Raw::Int(i), tz);
        }
        (K::Float32, Raw::Int(i)) => Value::Float32(*i as f32),
        (K::Float32, Raw::Float(f)) => Value::Float32(*f as f32),
        (K::Float64, Raw::Int(i)) => Value::Float64(*i as f64),
        (K::Float64, Raw::Float(f)) => Value::Float64(*f),
        (K::Float32 | K::Float64, Raw::Text(t)) => {
            let f = t.trim().parse::<f64>().map_err(|_| bad(c, raw))?;
            return convert(c, &Raw::Float(f), tz);
        }
        (K::Decimal { scale, .. }, Raw::Int(i)) => Value::Decimal(
            decimal_from_str(&i.to_string(), scale).ok_or_else(|| bad(c, raw))?,
            scale,
        ),
        (K::Decimal { scale, .. }, Raw::Float(f)) => Value::Decimal(
            decimal_from_str(&f.to_string(), scale).ok_or_else(|| bad(c, raw))?,
            scale,
        ),
        (K::Decimal { scale, .. }, Raw::Text(t)) => Value::Decimal(
            decimal_from_str(t, scale).ok_or_else(|| bad(c, raw))?,
            scale,
        ),
        (K::String, Raw::Text(t)) => Value::String((*t).to_owned()),
        (K::String, Raw::Int(i)) => Value::String(i.to_string()),
        (K::String, Raw::Float(f)) => Value::String(f.to_string()),
        (K::String, Raw::Bytes(b)) => Value::String(String::from_utf8_lossy(b).into_owned()),
        (K::Bytes, Raw::Bytes(b)) => Value::Bytes(b.to_vec()),
        (K::Bytes, Raw::Text(t)) => Value::Bytes(t.as_bytes().to_vec()),
        (K::Date, Raw::Text(t)) => Value::Date(int_in(
            temporal::parse_date(t).ok_or_else(|| bad(c, raw))?,
            c,
        )?),
        (K::Date, Raw::Int(ms)) => Value::Date(int_in(ms.div_euclid(86_400_000), c)?),
        (K::Time, Raw::Text(t)) => {
            let ns = temporal::parse_time(t).ok_or_else(|| bad(c, raw))?;
            // As the drivers: the wall time on 1970-01-01 in `tz`, kept within the day.
            let ms = tz
                .local_millis_to_utc(ns / 1_000_000)
                .rem_euclid(86_400_000);
            Value::Time(int_in(ms, c)?)
        }
        (K::Time, Raw::Int(ms)) => Value::Time(int_in(ms.rem_euclid(86_400_000), c)?),
        (K::Timestamp, Raw::Text(t)) => Value::Timestamp(
            temporal::parse_timestamp(t, tz)
                .ok_or_else(|| bad(c, raw))?
                .millis(),
        ),
        (K::Timestamp, Raw::Int(ms)) => Value::Timestamp(*ms),
        _ => return Err(bad(c, raw)),
    };
    if v.is_null() && !c.optional {
        return Err(JdbcError::Data(format!(
            "column {} is declared NOT NULL but returned NULL",
            c.name
        )));
    }
    Ok(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_scaled_and_rounded() {
        assert_eq!(decimal_from_str("12.345", 2), Some(BigInt::from(1235)));
        assert_eq!(decimal_from_str("-1.5", 0), Some(BigInt::from(-2)));
        assert_eq!(decimal_from_str("7", 3), Some(BigInt::from(7000)));
        assert_eq!(decimal_from_str("1e2", 1), Some(BigInt::from(1000)));
        assert_eq!(decimal_from_str("x", 1), None);
    }
}
