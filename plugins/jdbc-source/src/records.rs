//! Turning result rows into source records: value/key schemas, topic, offsets.

use ferry_plugin_sdk::prelude::*;

use crate::dialect::Row;
use crate::error::{JdbcError, JdbcResult};
use crate::schema::{struct_schema, ColumnDef};
use crate::temporal::Instant;

/// How the rows of one statement become records.
#[derive(Debug, Clone)]
pub struct Layout {
    pub columns: Vec<ColumnDef>,
    pub schema: SchemaRef,
    pub key: Option<(SchemaRef, Vec<usize>)>,
    pub incrementing: Option<usize>,
    pub timestamps: Vec<usize>,
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
            Some((struct_schema(None, &defs), idx))
        };
        let incrementing = incrementing
            .map(|c| find(&columns, c).ok_or_else(|| missing(c)))
            .transpose()?;
        let timestamps = timestamps
            .iter()
            .map(|c| find(&columns, c).ok_or_else(|| missing(c)))
            .collect::<JdbcResult<Vec<usize>>>()?;
        Ok(Layout {
            schema: struct_schema(name, &columns),
            columns,
            key,
            incrementing,
            timestamps,
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
            Value::Timestamp(ms) => {
                let mut t = Instant::from_millis(*ms);
                if let Some((_, n)) = row.sub_millis.iter().find(|(c, _)| *c == i) {
                    t.nanos += n;
                }
                Some(t)
            }
            Value::Date(d) => Some(Instant::from_millis(i64::from(*d) * 86_400_000)),
            _ => None,
        })
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
