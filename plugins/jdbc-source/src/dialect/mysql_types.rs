//! MySQL/MariaDB types: the Connect kind of each (as Connector/J reports them to Confluent's
//! generic dialect, except that unsigned BIGINT becomes DECIMAL(20,0) instead of overflowing)
//! and the conversion of driver values.

use ferry_plugin_sdk::prelude::*;
use mysql_async::consts::{ColumnFlags, ColumnType};
use mysql_async::Value as My;

use crate::error::JdbcResult;
use crate::schema::{ColumnDef, ColumnKind, NumericMapping};
use crate::temporal::{days_from_civil, Instant, TimeZone};
use crate::values::{convert, Raw};

/// Character set number of binary strings.
const BINARY_CHARSET: u16 = 63;

/// What a result column says about itself.
#[derive(Debug, Clone, Copy)]
pub struct ColumnInfo {
    pub ty: ColumnType,
    pub unsigned: bool,
    pub binary: bool,
    pub length: u32,
    pub decimals: u8,
}

impl ColumnInfo {
    /// From a result-set column.
    pub fn of(c: &mysql_async::Column) -> ColumnInfo {
        ColumnInfo {
            ty: c.column_type(),
            unsigned: c.flags().contains(ColumnFlags::UNSIGNED_FLAG),
            binary: c.character_set() == BINARY_CHARSET,
            length: c.column_length(),
            decimals: c.decimals(),
        }
    }
}

/// The Connect kind of a result column; `None` when unsupported.
pub fn kind(c: &ColumnInfo, numeric: NumericMapping) -> Option<ColumnKind> {
    use ColumnKind as K;
    use ColumnType::*;
    Some(match (c.ty, c.unsigned) {
        (MYSQL_TYPE_TINY, false) => K::Int8,
        (MYSQL_TYPE_TINY, true) | (MYSQL_TYPE_SHORT, false) => K::Int16,
        (MYSQL_TYPE_SHORT, true) | (MYSQL_TYPE_INT24 | MYSQL_TYPE_LONG, false) => K::Int32,
        (MYSQL_TYPE_INT24 | MYSQL_TYPE_LONG, true) | (MYSQL_TYPE_LONGLONG, false) => K::Int64,
        (MYSQL_TYPE_LONGLONG, true) => K::Decimal {
            precision: 20,
            scale: 0,
        },
        (MYSQL_TYPE_YEAR, _) => K::Int16,
        (MYSQL_TYPE_FLOAT, _) => K::Float32,
        (MYSQL_TYPE_DOUBLE, _) => K::Float64,
        (MYSQL_TYPE_DECIMAL | MYSQL_TYPE_NEWDECIMAL, _) => {
            let scale = u32::from(c.decimals);
            let sign = u32::from(!c.unsigned);
            let point = u32::from(scale > 0);
            let precision = c.length.saturating_sub(sign + point).max(1);
            numeric.kind(precision, scale as i32)
        }
        (MYSQL_TYPE_BIT, _) if c.length == 1 => K::Boolean,
        (MYSQL_TYPE_BIT, _) => K::Bytes,
        (
            MYSQL_TYPE_VARCHAR
            | MYSQL_TYPE_VAR_STRING
            | MYSQL_TYPE_STRING
            | MYSQL_TYPE_TINY_BLOB
            | MYSQL_TYPE_MEDIUM_BLOB
            | MYSQL_TYPE_LONG_BLOB
            | MYSQL_TYPE_BLOB,
            _,
        ) => {
            if c.binary {
                K::Bytes
            } else {
                K::String
            }
        }
        (MYSQL_TYPE_ENUM | MYSQL_TYPE_SET | MYSQL_TYPE_JSON, _) => K::String,
        (MYSQL_TYPE_DATE | MYSQL_TYPE_NEWDATE, _) => K::Date,
        (MYSQL_TYPE_TIME | MYSQL_TYPE_TIME2, _) => K::Time,
        (
            MYSQL_TYPE_DATETIME
            | MYSQL_TYPE_DATETIME2
            | MYSQL_TYPE_TIMESTAMP
            | MYSQL_TYPE_TIMESTAMP2,
            _,
        ) => K::Timestamp,
        _ => return None,
    })
}

/// The Connect kind of an `information_schema.columns` row (`DATA_TYPE`, `COLUMN_TYPE`,
/// precision, scale).
pub fn kind_of_declared(
    data_type: &str,
    column_type: &str,
    precision: u32,
    scale: u32,
    numeric: NumericMapping,
) -> Option<ColumnKind> {
    use ColumnKind as K;
    let unsigned = column_type.contains("unsigned");
    Some(match (data_type, unsigned) {
        ("tinyint", false) => K::Int8,
        ("tinyint", true) | ("smallint", false) => K::Int16,
        ("smallint", true) | ("mediumint" | "int", false) => K::Int32,
        ("mediumint" | "int", true) | ("bigint", false) => K::Int64,
        ("bigint", true) => K::Decimal {
            precision: 20,
            scale: 0,
        },
        ("decimal" | "numeric", _) => numeric.kind(precision, scale as i32),
        ("float", _) => K::Float32,
        ("double" | "real", _) => K::Float64,
        ("date", _) => K::Date,
        ("time", _) => K::Time,
        ("datetime" | "timestamp", _) => K::Timestamp,
        (
            "char" | "varchar" | "text" | "tinytext" | "mediumtext" | "longtext" | "enum" | "set"
            | "json",
            _,
        ) => K::String,
        ("binary" | "varbinary" | "blob" | "tinyblob" | "mediumblob" | "longblob", _) => K::Bytes,
        ("year", _) => K::Int16,
        ("bit", _) => K::Bytes,
        _ => return None,
    })
}

/// A wall-clock date-time `(y, mo, d, h, mi, s, us)` in `tz` as an instant.
fn instant(dt: (u16, u8, u8, u8, u8, u8, u32), tz: &TimeZone) -> Instant {
    let (y, mo, d, h, mi, s, us) = dt;
    let days = days_from_civil(i64::from(y), u32::from(mo), u32::from(d));
    let secs =
        tz.local_to_utc(days * 86_400 + i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(s));
    Instant {
        secs,
        nanos: us * 1000,
    }
}

/// Convert a driver value into column `c`'s Connect value.
pub fn decode(c: &ColumnDef, v: &My, tz: &TimeZone) -> JdbcResult<Value> {
    let text;
    let raw = match v {
        My::NULL => Raw::Null,
        My::Int(i) => Raw::Int(*i),
        My::UInt(u) => match i64::try_from(*u) {
            Ok(i) => Raw::Int(i),
            Err(_) => {
                text = u.to_string();
                Raw::Text(&text)
            }
        },
        My::Float(f) => Raw::Float(f64::from(*f)),
        My::Double(f) => Raw::Float(*f),
        My::Bytes(b) if c.kind == ColumnKind::Boolean => {
            Raw::Int(i64::from(b.iter().any(|x| *x != 0)))
        }
        My::Bytes(b) if c.kind == ColumnKind::Bytes => Raw::Bytes(b),
        My::Bytes(b) => Raw::Text(std::str::from_utf8(b).unwrap_or_default()),
        My::Date(y, mo, d, h, mi, s, us) => {
            return Ok(match c.kind {
                ColumnKind::Date => {
                    Value::Date(
                        days_from_civil(i64::from(*y), u32::from(*mo), u32::from(*d)) as i32,
                    )
                }
                _ => Value::Timestamp(instant((*y, *mo, *d, *h, *mi, *s, *us), tz).millis()),
            })
        }
        My::Time(neg, days, h, mi, s, us) => {
            let ms = ((i64::from(*days) * 24 + i64::from(*h)) * 60 + i64::from(*mi)) * 60_000
                + i64::from(*s) * 1000
                + i64::from(*us / 1000);
            let ms = if *neg { -ms } else { ms };
            return Ok(Value::Time(
                tz.local_millis_to_utc(ms).rem_euclid(86_400_000) as i32,
            ));
        }
    };
    convert(c, &raw, tz)
}

/// A bound timestamp: wall-clock time in `tz`.
pub fn bind_timestamp(t: Instant, tz: &TimeZone) -> My {
    let local = t.secs + tz.offset_at(t.secs);
    let (y, m, d) = crate::temporal::civil_from_days(local.div_euclid(86_400));
    let s = local.rem_euclid(86_400);
    My::Date(
        y as u16,
        m as u8,
        d as u8,
        (s / 3600) as u8,
        (s / 60 % 60) as u8,
        (s % 60) as u8,
        t.nanos / 1000,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(kind: ColumnKind) -> ColumnDef {
        ColumnDef {
            name: "c".into(),
            kind,
            optional: true,
        }
    }

    #[test]
    fn datetimes_are_wall_times_in_db_timezone() {
        let paris = TimeZone::parse("Europe/Paris").unwrap_or_default();
        let ts = |dt: (u16, u8, u8, u8, u8, u8, u32)| {
            let v = My::Date(dt.0, dt.1, dt.2, dt.3, dt.4, dt.5, dt.6);
            decode(&col(ColumnKind::Timestamp), &v, &paris).ok()
        };
        // Winter, summer, the skipped 02:30 and the repeated one (the later instant).
        let ms = |v| Some(Value::Timestamp(v));
        assert_eq!(ts((2024, 1, 15, 12, 0, 0, 0)), ms(1_705_316_400_000));
        assert_eq!(ts((2024, 7, 15, 12, 0, 0, 0)), ms(1_721_037_600_000));
        assert_eq!(ts((2024, 3, 31, 2, 30, 0, 0)), ms(1_711_848_600_000));
        assert_eq!(ts((2024, 10, 27, 2, 30, 0, 250_000)), ms(1_729_992_600_250));
        let ny = TimeZone::parse("America/New_York").unwrap_or_default();
        let v = My::Date(2024, 11, 3, 1, 30, 0, 0);
        let got = decode(&col(ColumnKind::Timestamp), &v, &ny).ok();
        assert_eq!(got, ms(1_730_615_400_000));
        // TIME: the wall time on 1970-01-01 (+01:00 in Paris then).
        let t = decode(
            &col(ColumnKind::Time),
            &My::Time(false, 0, 12, 0, 0, 0),
            &paris,
        );
        assert_eq!(t.ok(), Some(Value::Time(39_600_000)));
    }

    #[test]
    fn bound_timestamps_are_wall_times_in_db_timezone() {
        let paris = TimeZone::parse("Europe/Paris").unwrap_or_default();
        let bound = |ms| bind_timestamp(Instant::from_millis(ms), &paris);
        // Both instants of the repeated hour show as 02:30.
        assert_eq!(
            bound(1_729_989_000_000),
            My::Date(2024, 10, 27, 2, 30, 0, 0)
        );
        assert_eq!(
            bound(1_729_992_600_000),
            My::Date(2024, 10, 27, 2, 30, 0, 0)
        );
        assert_eq!(bound(1_711_848_600_000), My::Date(2024, 3, 31, 3, 30, 0, 0));
        let ny = TimeZone::parse("America/New_York").unwrap_or_default();
        let b = bind_timestamp(Instant::from_millis(1_710_055_800_000), &ny);
        assert_eq!(b, My::Date(2024, 3, 10, 3, 30, 0, 0));
    }
}
