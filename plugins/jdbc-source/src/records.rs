//! Turning result rows into source records: value/key schemas, topic, offsets.

use ferry_plugin_sdk::prelude::*;

use crate::dialect::Row;
use crate::error::{JdbcError, JdbcResult};
use crate::granularity::Granularity;
use crate::schema::{struct_schema, ColumnDef, ColumnKind};
use crate::temporal::{Instant, TimeZone};

/// How the rows of one statement become records.
#[derive(Debug, Clone)]
pub struct Layout {
    pub columns: Vec<ColumnDef>,
    pub schema: SchemaRef,
    pub key: Option<(SchemaRef, Vec<usize>)>,
    pub incrementing: Option<usize>,
    pub timestamps: Vec<usize>,
    /// `timestamp.granularity` and `db.timezone`, for TIMESTAMP column values.
    pub granularity: Granularity,
    pub tz: TimeZone,
}

/// Index of column `name`: exact match first, then a unique case-insensitive match.
pub fn find(columns: &[ColumnDef], name: &str) -> Option<usize> {
    columns.iter().position(|c| c.name == name).or_else(|| {
        let mut it = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| c.name.eq_ignore_ascii_case(name));
        match (it.next(), it.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    })
}

impl Layout {
    /// The layout of `columns` for a table named `name` (`None` in query mode).
    pub fn new(
        name: Option<&str>,
        columns: Vec<ColumnDef>,
        key_columns: &[String],
        incrementing: Option<&str>,
        timestamps: &[String],
        granularity: Granularity,
        tz: &TimeZone,
    ) -> JdbcResult<Layout> {
        let missing = |c: &str| {
            JdbcError::Config(format!(
                "column {c:?} is not in the result of {}",
                name.unwrap_or("the query")
            ))
        };
        let key = if key_columns.is_empty() {
            None
        } else {
            let idx = key_columns
                .iter()
                .map(|k| find(&columns, k).ok_or_else(|| missing(k)))
                .collect::<JdbcResult<Vec<usize>>>()?;
            let defs: Vec<ColumnDef> = idx.iter().map(|&i| columns[i].clone()).collect();
            Some((struct_schema(None, &defs, granularity), idx))
        };
        let incrementing = incrementing
            .map(|c| find(&columns, c).ok_or_else(|| missing(c)))
            .transpose()?;
        let timestamps = timestamps
            .iter()
            .map(|c| find(&columns, c).ok_or_else(|| missing(c)))
            .collect::<JdbcResult<Vec<usize>>>()?;
        Ok(Layout {
            schema: struct_schema(name, &columns, granularity),
            columns,
            key,
            incrementing,
            timestamps,
            granularity,
            tz: tz.clone(),
        })
    }

    /// The incrementing value of `row`.
    pub fn incrementing(&self, row: &[Value]) -> JdbcResult<Option<i64>> {
        let Some(i) = self.incrementing else {
            return Ok(None);
        };
        let name = &self.columns[i].name;
        let v = match &row[i] {
            Value::Int8(v) => i64::from(*v),
            Value::Int16(v) => i64::from(*v),
            Value::Int32(v) => i64::from(*v),
            Value::Int64(v) => *v,
            Value::Decimal(v, 0) => i64::try_from(v).map_err(|_| {
                JdbcError::Data(format!(
                    "incrementing column {name} value {v} exceeds a long"
                ))
            })?,
            Value::Null => {
                return Err(JdbcError::Data(format!(
                    "Null value for incrementing column {name}"
                )))
            }
            other => {
                return Err(JdbcError::Data(format!(
                    "incrementing column {name} must be integral, found {}",
                    other.kind_name()
                )))
            }
        };
        Ok(Some(v))
    }

    /// The timestamp of `row`: the first non-NULL timestamp column (COALESCE).
    pub fn timestamp(&self, row: &Row) -> Option<Instant> {
        self.timestamps.iter().find_map(|&i| match &row.values[i] {
            Value::Date(d) => Some(Instant::from_millis(i64::from(*d) * 86_400_000)),
            _ => row.instant(i),
        })
    }

    /// The record values of `row`: TIMESTAMP columns in `timestamp.granularity`, with every
    /// digit the database gave.
    pub fn values(&self, mut row: Row) -> JdbcResult<Vec<Value>> {
        if self.granularity == Granularity::ConnectLogical {
            return Ok(row.values);
        }
        for (i, c) in self.columns.iter().enumerate() {
            if c.kind != ColumnKind::Timestamp {
                continue;
            }
            if let Some(t) = row.instant(i) {
                row.values[i] = self.granularity.value(t, &self.tz, &c.name)?;
            }
        }
        Ok(row.values)
    }

    /// Push the record of `row`: the key (when configured) and the value are structs of the
    /// layout's schemas; `partition` is the source partition's JSON text, `offset` the source
    /// offset's (`None` in bulk mode). Only the key's values are copied.
    pub fn push(
        &self,
        topic: &str,
        partition: &str,
        offset: Option<&str>,
        row: Vec<Value>,
        out: &mut SourceRecords<'_>,
    ) -> Result<()> {
        let key = self.key.as_ref().map(|(schema, idx)| {
            let values = idx.iter().map(|&i| row[i].clone()).collect();
            Value::Struct(Struct::from_values_unchecked(schema.clone(), values))
        });
        let value = Value::Struct(Struct::from_values_unchecked(self.schema.clone(), row));
        let mut parts = RecordParts::new(topic, Some(&self.schema), &value);
        if let (Some((schema, _)), Some(k)) = (&self.key, &key) {
            parts.key_schema = Some(schema);
            parts.key = k;
        }
        parts.source_partition = Some(partition);
        parts.source_offset = offset;
        out.push_parts(&parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, kind: ColumnKind) -> ColumnDef {
        ColumnDef {
            name: name.into(),
            kind,
            optional: true,
        }
    }

    fn layout(g: Granularity, tz: &TimeZone) -> Layout {
        let cols = vec![
            col("id", ColumnKind::Int32),
            col("d", ColumnKind::Date),
            col("ts", ColumnKind::Timestamp),
        ];
        Layout::new(Some("t"), cols, &["ts".into()], None, &[], g, tz).unwrap()
    }

    /// 1969-12-31 23:59:59.999876: -124 µs, i.e. -1 ms plus 876000 ns within the millisecond.
    fn row() -> Row {
        Row {
            values: vec![Value::Int32(1), Value::Date(-1), Value::Timestamp(-1)],
            sub_millis: vec![(2, 876_000)],
        }
    }

    #[test]
    fn timestamp_columns_take_the_granularity_in_values_key_and_schema() {
        let utc = TimeZone::default();
        let l = layout(Granularity::NanosLong, &utc);
        assert_eq!(
            l.values(row()).unwrap(),
            [Value::Int32(1), Value::Date(-1), Value::Int64(-124_000)]
        );
        let ty = |s: &SchemaRef, f: &str| {
            let f = &s.field(f).unwrap().schema;
            (f.ty, f.name.clone())
        };
        assert_eq!(ty(&l.schema, "ts"), (Type::Int64, None));
        assert_eq!(ty(&l.key.as_ref().unwrap().0, "ts"), (Type::Int64, None));
        assert_eq!(
            ty(&l.schema, "d"),
            (
                Type::Int32,
                Some("org.apache.kafka.connect.data.Date".into())
            )
        );
        let l = layout(Granularity::MicrosIsoDatetimeString, &utc);
        assert_eq!(
            l.values(row()).unwrap()[2],
            Value::String("1969-12-31T23:59:59.999876".into())
        );
        let l = layout(Granularity::ConnectLogical, &utc);
        assert_eq!(l.values(row()).unwrap()[2], Value::Timestamp(-1));
    }

    #[test]
    fn nulls_stay_null() {
        let l = layout(Granularity::NanosString, &TimeZone::default());
        let r = Row {
            values: vec![Value::Int32(1), Value::Null, Value::Null],
            sub_millis: Vec::new(),
        };
        assert_eq!(
            l.values(r).unwrap(),
            [Value::Int32(1), Value::Null, Value::Null]
        );
    }
}
