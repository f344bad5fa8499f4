//! PostgreSQL types: the Connect kind of each (pgjdbc's `TypeInfoCache` as Confluent's
//! PostgreSQL dialect sees it) and decoding of the binary wire format.

use bytes::BytesMut;
use ferry_plugin_sdk::prelude::*;
use tokio_postgres::types::{FromSql, IsNull, ToSql, Type};

use crate::error::{JdbcError, JdbcResult};
use crate::schema::{ColumnDef, ColumnKind, NumericMapping};
use crate::temporal::{Instant, TimeZone};
use crate::values::{convert, decimal_from_str, Raw};

/// Days from 1970-01-01 to PostgreSQL's epoch 2000-01-01.
const PG_EPOCH_DAYS: i64 = 10_957;
const PG_EPOCH_MICROS: i64 = PG_EPOCH_DAYS * 86_400_000_000;

/// The Connect kind of a column type with type modifier `typmod`; `None` when unsupported.
pub fn kind(ty: &Type, typmod: i32, numeric: NumericMapping) -> Option<ColumnKind> {
    use ColumnKind as K;
    Some(match *ty {
        Type::BOOL => K::Boolean,
        Type::INT2 => K::Int16,
        Type::INT4 => K::Int32,
        Type::INT8 => K::Int64,
        Type::FLOAT4 => K::Float32,
        Type::FLOAT8 | Type::MONEY => K::Float64,
        Type::NUMERIC if typmod < 4 => numeric.kind(0, 0),
        Type::NUMERIC => numeric.kind(
            (((typmod - 4) >> 16) & 0xffff) as u32,
            (typmod - 4) & 0xffff,
        ),
        Type::CHAR | Type::BPCHAR | Type::VARCHAR | Type::TEXT | Type::NAME => K::String,
        Type::JSON | Type::JSONB | Type::UUID | Type::XML => K::String,
        Type::BYTEA => K::Bytes,
        Type::DATE => K::Date,
        Type::TIME | Type::TIMETZ => K::Time,
        Type::TIMESTAMP | Type::TIMESTAMPTZ => K::Timestamp,
        _ => return None,
    })
}

/// Any value, undecoded.
pub struct RawValue<'a>(pub &'a [u8]);

impl<'a> FromSql<'a> for RawValue<'a> {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        Ok(RawValue(raw))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

fn be<const N: usize>(b: &[u8]) -> Option<[u8; N]> {
    b.get(..N)?.try_into().ok()
}

/// The decimal text of a binary NUMERIC (`None` for NaN/infinity or malformed input).
fn numeric_text(b: &[u8]) -> Option<String> {
    let ndigits = i16::from_be_bytes(be(b)?) as usize;
    let weight = i16::from_be_bytes(be(b.get(2..)?)?);
    let sign = u16::from_be_bytes(be(b.get(4..)?)?);
    if sign != 0 && sign != 0x4000 {
        return None;
    }
    let mut digits = String::from(if sign == 0x4000 { "-0" } else { "0" });
    for i in 0..ndigits {
        let d = i16::from_be_bytes(be(b.get(8 + 2 * i..)?)?);
        digits.push_str(&format!("{d:04}"));
    }
    let exp = 4 * (i32::from(weight) - ndigits as i32 + 1);
    Some(format!("{digits}e{exp}"))
}

fn uuid_text(b: &[u8]) -> String {
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    if h.len() != 32 {
        return h;
    }
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// Decode one binary value of type `ty` into column `c`'s Connect value.
pub fn decode(c: &ColumnDef, ty: &Type, b: Option<&[u8]>, tz: &TimeZone) -> JdbcResult<Value> {
    let Some(b) = b else {
        return convert(c, &Raw::Null, tz);
    };
    let bad = || JdbcError::Data(format!("malformed {ty} value in column {}", c.name));
    let raw = match *ty {
        Type::BOOL => Raw::Int(i64::from(*b.first().ok_or_else(bad)?)),
        Type::INT2 => Raw::Int(i16::from_be_bytes(be(b).ok_or_else(bad)?).into()),
        Type::INT4 => Raw::Int(i32::from_be_bytes(be(b).ok_or_else(bad)?).into()),
        Type::INT8 => Raw::Int(i64::from_be_bytes(be(b).ok_or_else(bad)?)),
        Type::FLOAT4 => Raw::Float(f32::from_be_bytes(be(b).ok_or_else(bad)?).into()),
        Type::FLOAT8 => Raw::Float(f64::from_be_bytes(be(b).ok_or_else(bad)?)),
        Type::MONEY => Raw::Float(i64::from_be_bytes(be(b).ok_or_else(bad)?) as f64 / 100.0),
        Type::NUMERIC => {
            let text = numeric_text(b).ok_or_else(bad)?;
            return match c.kind {
                ColumnKind::Decimal { scale, .. } => Ok(Value::Decimal(
                    decimal_from_str(&text, scale).ok_or_else(bad)?,
                    scale,
                )),
                ColumnKind::String => {
                    let v = decimal_from_str(&text, 0).map(|_| text.clone());
                    Ok(Value::String(plain_decimal(&v.ok_or_else(bad)?)))
                }
                _ => convert(c, &Raw::Float(text.parse().map_err(|_| bad())?), tz)
                    .or_else(|_| convert(c, &Raw::Text(&plain_decimal(&text)), tz)),
            };
        }
        Type::UUID => return Ok(Value::String(uuid_text(b))),
        Type::JSONB => {
            Raw::Text(std::str::from_utf8(b.get(1..).ok_or_else(bad)?).map_err(|_| bad())?)
        }
        Type::BYTEA => Raw::Bytes(b),
        Type::DATE => {
            let d = i64::from(i32::from_be_bytes(be(b).ok_or_else(bad)?)) + PG_EPOCH_DAYS;
            return Ok(Value::Date(i32::try_from(d).map_err(|_| bad())?));
        }
        Type::TIME | Type::TIMETZ => {
            let ms = i64::from_be_bytes(be(b).ok_or_else(bad)?) / 1000;
            let utc = if *ty == Type::TIMETZ {
                // The zone field counts seconds west of UTC.
                let west = i32::from_be_bytes(be(b.get(8..).ok_or_else(bad)?).ok_or_else(bad)?);
                ms + i64::from(west) * 1000
            } else {
                // As pgjdbc: the wall time on 1970-01-01 in `tz`.
                tz.local_millis_to_utc(ms)
            };
            return Ok(Value::Time(utc.rem_euclid(86_400_000) as i32));
        }
        Type::TIMESTAMP | Type::TIMESTAMPTZ => {
            let ms =
                (i64::from_be_bytes(be(b).ok_or_else(bad)?) + PG_EPOCH_MICROS).div_euclid(1000);
            return Ok(Value::Timestamp(if *ty == Type::TIMESTAMP {
                tz.local_millis_to_utc(ms)
            } else {
                ms
            }));
        }
        _ => Raw::Text(std::str::from_utf8(b).map_err(|_| bad())?),
    };
    convert(c, &raw, tz)
}

/// Nanoseconds within the millisecond of a TIMESTAMP/TIMESTAMPTZ value (0 otherwise).
pub fn sub_millis(ty: &Type, b: Option<&[u8]>) -> u32 {
    match (ty, b.and_then(be::<8>)) {
        (&Type::TIMESTAMP | &Type::TIMESTAMPTZ, Some(raw)) => {
            (i64::from_be_bytes(raw).rem_euclid(1000) * 1000) as u32
        }
        _ => 0,
    }
}

/// `-0123e-2` → `-1.23`.
fn plain_decimal(sci: &str) -> String {
    let (m, e) = sci.split_once('e').unwrap_or((sci, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let (neg, digits) = m.strip_prefix('-').map_or((false, m), |d| (true, d));
    let digits = digits.trim_start_matches('0');
    let mut s = if e >= 0 {
        format!("{digits}{}", "0".repeat(e as usize))
    } else {
        let cut = (-e) as usize;
        let padded = format!(
            "{}{digits}",
            "0".repeat((cut + 1).saturating_sub(digits.len()))
        );
        let (i, f) = padded.split_at(padded.len() - cut);
        format!("{i}.{}", f.trim_end_matches('0'))
            .trim_end_matches('.')
            .to_owned()
    };
    if s.is_empty() {
        s.push('0');
    }
    if neg && s != "0" {
        s.insert(0, '-');
    }
    s
}

/// A bound parameter, encoded for whatever type the server inferred.
#[derive(Debug)]
pub enum PgParam {
    Int(i64),
    Timestamp(Instant, TimeZone),
}

impl ToSql for PgParam {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match (self, ty) {
            (PgParam::Int(i), &Type::INT2) => {
                out.extend_from_slice(&i16::try_from(*i)?.to_be_bytes())
            }
            (PgParam::Int(i), &Type::INT4) => {
                out.extend_from_slice(&i32::try_from(*i)?.to_be_bytes())
            }
            (PgParam::Int(i), &Type::INT8) => out.extend_from_slice(&i.to_be_bytes()),
            (PgParam::Int(i), &Type::NUMERIC) => encode_numeric(*i, out),
            (PgParam::Timestamp(t, tz), &Type::TIMESTAMP | &Type::TIMESTAMPTZ) => {
                let local = if *ty == Type::TIMESTAMP {
                    tz.offset_at(t.secs)
                } else {
                    0
                };
                let micros =
                    (t.secs + local) * 1_000_000 + i64::from(t.nanos / 1000) - PG_EPOCH_MICROS;
                out.extend_from_slice(&micros.to_be_bytes());
            }
            (PgParam::Timestamp(t, tz), &Type::DATE) => {
                let days = (t.secs + tz.offset_at(t.secs)).div_euclid(86_400) - PG_EPOCH_DAYS;
                out.extend_from_slice(&i32::try_from(days)?.to_be_bytes());
            }
            _ => return Err(format!("cannot bind {self:?} as {ty}").into()),
        }
        Ok(IsNull::No)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    tokio_postgres::types::to_sql_checked!();
}

/// Binary NUMERIC of an integer.
fn encode_numeric(v: i64, out: &mut BytesMut) {
    let mut groups = Vec::new();
    let mut n = v.unsigned_abs();
    while n > 0 {
        groups.push((n % 10_000) as i16);
        n /= 10_000;
    }
    groups.reverse();
    let weight = groups.len() as i16 - 1;
    out.extend_from_slice(&(groups.len() as i16).to_be_bytes());
    out.extend_from_slice(&weight.max(0).to_be_bytes());
    out.extend_from_slice(&(if v < 0 { 0x4000u16 } else { 0 }).to_be_bytes());
    out.extend_from_slice(&0u16.to_be_bytes());
    for g in groups {
        out.extend_from_slice(&g.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_without_zone_are_wall_times_in_db_timezone() {
        let paris = TimeZone::parse("Europe/Paris").unwrap_or_default();
        let col = |kind| ColumnDef {
            name: "c".into(),
            kind,
            optional: true,
        };
        let micros = |wall_ms: i64| (wall_ms * 1000 - PG_EPOCH_MICROS).to_be_bytes();
        let read = |ty: &Type, wall_ms| {
            decode(
                &col(ColumnKind::Timestamp),
                ty,
                Some(&micros(wall_ms)),
                &paris,
            )
            .ok()
        };
        // 2024-10-27 02:30, repeated in Paris: the later instant, 01:30Z.
        let fold = 1_729_996_200_000;
        assert_eq!(
            read(&Type::TIMESTAMP, fold),
            Some(Value::Timestamp(1_729_992_600_000))
        );
        assert_eq!(read(&Type::TIMESTAMPTZ, fold), Some(Value::Timestamp(fold)));
        // 2024-03-31 02:30, skipped: 01:30Z (03:30 CEST).
        let gap = 1_711_852_200_000;
        assert_eq!(
            read(&Type::TIMESTAMP, gap),
            Some(Value::Timestamp(1_711_848_600_000))
        );
        // TIME 12:00 is read on 1970-01-01, when Paris was at +01:00.
        let noon = (43_200_000_000_i64).to_be_bytes();
        let t = decode(&col(ColumnKind::Time), &Type::TIME, Some(&noon), &paris).ok();
        assert_eq!(t, Some(Value::Time(39_600_000)));
    }

    #[test]
    fn bound_timestamps_follow_the_column_type() {
        let ny = TimeZone::parse("America/New_York").unwrap_or_default();
        // 2024-11-03T06:30Z is 01:30 EST, the second 01:30 of the day.
        let p = PgParam::Timestamp(Instant::from_millis(1_730_615_400_000), ny);
        let bound = |ty: &Type| {
            let mut out = BytesMut::new();
            p.to_sql(ty, &mut out).ok();
            i64::from_be_bytes(out.as_ref().try_into().unwrap_or_default())
        };
        let wall_micros = 1_730_597_400_000 * 1000 - PG_EPOCH_MICROS;
        assert_eq!(bound(&Type::TIMESTAMP), wall_micros);
        assert_eq!(
            bound(&Type::TIMESTAMPTZ),
            1_730_615_400_000 * 1000 - PG_EPOCH_MICROS
        );
    }

    #[test]
    fn numeric_text_and_plain_form() {
        // 12345.678: ndigits 3, weight 1, digits [1, 2345, 6780], dscale 3
        let b = [0, 3, 0, 1, 0, 0, 0, 3, 0, 1, 0x09, 0x29, 0x1a, 0x7c];
        let t = numeric_text(&b).unwrap_or_default();
        assert_eq!(plain_decimal(&t), "12345.678");
        assert_eq!(decimal_from_str(&t, 2), Some(1_234_568.into()));
        assert_eq!(plain_decimal("-0001e-4"), "-0.0001");
        assert_eq!(plain_decimal("0e0"), "0");
    }
}
