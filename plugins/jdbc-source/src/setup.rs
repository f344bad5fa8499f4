//! Task start: check each table's columns (Confluent's `validateColumnsExist` and
//! `validate.non.null`, for every table rather than the first), find the committed offsets
//! and build the queriers.

use std::collections::HashSet;

use ferry_plugin_sdk::prelude::*;
use ferry_plugin_sdk::tracing::info;

use crate::dialect::{ColumnMeta, Dialect};
use crate::error::{JdbcError, JdbcResult};
use crate::offsets::{lookup_partitions, partition, Offset, Origin};
use crate::querier::{Querier, QuerierSpec};
use crate::schema::ColumnKind;
use crate::settings::{KeyColumns, Mode, Settings};
use crate::tables::TableId;
use crate::temporal::Instant;
use crate::worker::DbWorker;

fn column<'a>(cols: &'a [ColumnMeta], name: &str) -> Option<&'a ColumnMeta> {
    cols.iter().find(|c| c.name == name).or_else(|| {
        let matches: Vec<_> = cols
            .iter()
            .filter(|c| c.name.eq_ignore_ascii_case(name))
            .collect();
        (matches.len() == 1).then(|| matches[0])
    })
}

/// The incrementing column of `table`: the configured one (checked) or the auto-increment one.
pub(crate) fn incrementing(
    s: &Settings,
    table: &TableId,
    cols: &[ColumnMeta],
) -> JdbcResult<Option<String>> {
    if !s.mode.uses_incrementing() {
        return Ok(None);
    }
    let Some(name) = &s.incrementing_column else {
        return cols
            .iter()
            .find(|c| c.auto_increment)
            .map(|c| Some(c.name.clone()))
            .ok_or_else(|| JdbcError::Config(format!("Cannot find auto-incrementing column in table {table}; set incrementing.column.name")));
    };
    let c = column(cols, name).ok_or_else(|| {
        JdbcError::Config(format!(
            "Incrementing column {name} not found in table {table}"
        ))
    })?;
    if !c.kind.is_some_and(ColumnKind::is_integral) {
        return Err(JdbcError::Config(format!(
            "Incrementing column {name} of table {table} is not an integral type ({:?})",
            c.kind
        )));
    }
    if s.validate_non_null && c.nullable {
        return Err(JdbcError::Config(format!("Cannot make incremental queries using incrementing column {name} on {table} because this column is nullable (set validate.non.null=false to allow it)")));
    }
    Ok(Some(c.name.clone()))
}

pub(crate) fn check_timestamps(
    s: &Settings,
    table: &TableId,
    cols: &[ColumnMeta],
) -> JdbcResult<()> {
    if !s.mode.uses_timestamp() {
        return Ok(());
    }
    let mut any_not_null = false;
    for name in &s.timestamp_columns {
        let c = column(cols, name).ok_or_else(|| {
            JdbcError::Config(format!(
                "Timestamp column {name} not found in table {table}"
            ))
        })?;
        if !matches!(c.kind, Some(ColumnKind::Timestamp | ColumnKind::Date)) {
            return Err(JdbcError::Config(format!(
                "Timestamp column {name} of table {table} is not a date/time type ({:?})",
                c.kind
            )));
        }
        any_not_null |= !c.nullable;
    }
    if s.validate_non_null && !any_not_null {
        return Err(JdbcError::Config(format!("Cannot make incremental queries using timestamp columns {:?} on {table} because all of these columns are nullable (set validate.non.null=false to allow it)", s.timestamp_columns)));
    }
    Ok(())
}

fn key_columns(s: &Settings, table: &TableId, cols: &[ColumnMeta]) -> JdbcResult<Vec<String>> {
    Ok(match &s.key_columns {
        KeyColumns::None => Vec::new(),
        KeyColumns::PrimaryKey => {
            let pk: Vec<String> = cols
                .iter()
                .filter(|c| c.primary_key)
                .map(|c| c.name.clone())
                .collect();
            if pk.is_empty() {
                return Err(JdbcError::Config(format!(
                    "key.columns=pk but table {table} has no primary key"
                )));
            }
            pk
        }
        KeyColumns::Columns(list) => list.clone(),
    })
}

fn initial_offset(s: &Settings, db: &DbWorker, stored: Option<JsonMap>) -> JdbcResult<Offset> {
    if let Some(m) = stored {
        return Ok(Offset::from_map(&m));
    }
    let timestamp = match s.timestamp_initial {
        Some(-1) => Some(db.now()?),
        Some(ms) => Some(Instant::from_millis(ms)),
        None => None,
    };
    Ok(Offset {
        incrementing: None,
        timestamp: timestamp.filter(|_| s.mode.uses_timestamp()),
    })
}

fn stored(ctx: &SourceTaskContext, origin: &Origin, mode: Mode) -> Result<Option<JsonMap>> {
    if mode == Mode::Bulk {
        return Ok(None);
    }
    Ok(ctx
        .offsets(&lookup_partitions(origin, mode))?
        .into_iter()
        .flatten()
        .next())
}

/// The queriers of a task.
pub fn queriers(
    s: &Settings,
    d: &Dialect,
    db: &DbWorker,
    ctx: &SourceTaskContext,
) -> Result<Vec<Querier>> {
    let mut out = Vec::new();
    if let Some(q) = &s.query {
        let origin = Origin::Query(q.clone());
        let offset = initial_offset(s, db, stored(ctx, &origin, s.mode)?)?;
        let keys = match &s.key_columns {
            KeyColumns::Columns(c) => c.clone(),
            _ => Vec::new(),
        };
        out.push(Querier::new(QuerierSpec {
            partition: partition(&origin, s.mode),
            origin,
            topic: s.topic_prefix.clone(),
            not_null: HashSet::new(),
            key_columns: keys,
            incrementing: s
                .incrementing_column
                .clone()
                .filter(|_| s.mode.uses_incrementing()),
            offset,
        }));
        return Ok(out);
    }
    for fqn in &s.tables {
        let table = TableId::parse(fqn, d.catalog_qualified);
        let cols = db.columns(&table)?;
        let inc = incrementing(s, &table, &cols)?;
        check_timestamps(s, &table, &cols)?;
        let origin = Origin::Table(table.clone());
        let stored = stored(ctx, &origin, s.mode)?;
        let offset = initial_offset(s, db, stored)?;
        info!("Table {table}: starting after {:?}", offset.to_map());
        out.push(Querier::new(QuerierSpec {
            partition: partition(&origin, s.mode),
            topic: format!("{}{}", s.topic_prefix, table.name),
            not_null: cols
                .iter()
                .filter(|c| !c.nullable)
                .map(|c| c.name.clone())
                .collect(),
            key_columns: key_columns(s, &table, &cols)?,
            incrementing: inc,
            origin,
            offset,
        }));
    }
    Ok(out)
}
