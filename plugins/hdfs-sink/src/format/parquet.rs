//! `io.confluent.connect.hdfs.parquet.ParquetFormat`: Parquet files, SNAPPY-compressed (as
//! Confluent's, which hard-codes it), one column per field of the records' struct schema.
//! Logical types: Decimal = `BYTE_ARRAY` `DECIMAL(precision, scale)` (Confluent's parquet-avro
//! also writes binary decimals), Date = `INT32 DATE`, Time = `INT32 TIME(MILLIS)`, Timestamp =
//! `INT64 TIMESTAMP(MILLIS, UTC)`, INT8/INT16 = `INT32` with their bit width.
//!
//! Fields must be primitive or logical (nested structs, arrays and maps are refused with a
//! clear error). Rows are buffered and written as row groups of [`ROW_GROUP_ROWS`].

use std::sync::Arc;

use ferry_plugin_sdk::data::logical::Logical;
use ferry_plugin_sdk::prelude::*;
use parquet::basic::{Compression, LogicalType, Repetition, TimeUnit, Type as Physical};
use parquet::column::writer::ColumnWriter;
use parquet::data_type::ByteArray;
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type as PqType;

use super::avro::decimal_precision;
use super::{value_of, FormatError, Projected, RecordWriter};
use crate::storage::OutputFile;

/// Rows per row group.
pub const ROW_GROUP_ROWS: usize = 64 * 1024;

enum Values {
    Bool(Vec<bool>),
    I32(Vec<i32>),
    I64(Vec<i64>),
    F32(Vec<f32>),
    F64(Vec<f64>),
    Bytes(Vec<ByteArray>),
}

struct Column {
    name: String,
    optional: bool,
    defs: Vec<i16>,
    values: Values,
}

fn pq(e: parquet::errors::ParquetError) -> FormatError {
    FormatError::Data(format!("parquet: {e}"))
}

/// The Parquet column type of a Connect field schema.
fn column_type(name: &str, s: &Schema) -> Result<(PqType, Values), FormatError> {
    let (physical, logical, values) = match (Logical::of(s), s.ty) {
        (Some(Logical::Decimal { scale }), _) => {
            let precision = i32::try_from(decimal_precision(s)).unwrap_or(38);
            (
                Physical::BYTE_ARRAY,
                Some(LogicalType::decimal(scale, precision.max(scale).max(1))),
                Values::Bytes(Vec::new()),
            )
        }
        (Some(Logical::Date), _) => (Physical::INT32, Some(LogicalType::Date), Values::I32(Vec::new())),
        (Some(Logical::Time), _) => (
            Physical::INT32,
            Some(LogicalType::time(true, TimeUnit::MILLIS)),
            Values::I32(Vec::new()),
        ),
        (Some(Logical::Timestamp), _) => (
            Physical::INT64,
            Some(LogicalType::timestamp(true, TimeUnit::MILLIS)),
            Values::I64(Vec::new()),
        ),
        (None, Type::Int8) => (Physical::INT32, Some(LogicalType::integer(8, true)), Values::I32(Vec::new())),
        (None, Type::Int16) => (Physical::INT32, Some(LogicalType::integer(16, true)), Values::I32(Vec::new())),
        (None, Type::Int32) => (Physical::INT32, None, Values::I32(Vec::new())),
        (None, Type::Int64) => (Physical::INT64, None, Values::I64(Vec::new())),
        (None, Type::Float32) => (Physical::FLOAT, None, Values::F32(Vec::new())),
        (None, Type::Float64) => (Physical::DOUBLE, None, Values::F64(Vec::new())),
        (None, Type::Boolean) => (Physical::BOOLEAN, None, Values::Bool(Vec::new())),
        (None, Type::String) => (Physical::BYTE_ARRAY, Some(LogicalType::String), Values::Bytes(Vec::new())),
        (None, Type::Bytes) => (Physical::BYTE_ARRAY, None, Values::Bytes(Vec::new())),
        (None, other) => {
            return Err(FormatError::Data(format!(
                "ParquetFormat: field {name} of type {other} is not supported (only primitive and logical fields)"
            )))
        }
    };
    let repetition = if s.optional {
        Repetition::OPTIONAL
    } else {
        Repetition::REQUIRED
    };
    let (precision, scale) = match &logical {
        Some(LogicalType::Decimal(d)) => (d.precision, d.scale),
        _ => (-1, -1),
    };
    let t = PqType::primitive_type_builder(name, physical)
        .with_repetition(repetition)
        .with_logical_type(logical)
        .with_precision(precision)
        .with_scale(scale)
        .build()
        .map_err(pq)?;
    Ok((t, values))
}

fn push(col: &mut Column, field: &Schema, v: &Value) -> Result<(), FormatError> {
    let bad = || {
        FormatError::Data(format!(
            "field {}: value of kind {} does not match its schema",
            col.name,
            v.kind_name()
        ))
    };
    match (&mut col.values, v) {
        (Values::Bool(out), Value::Boolean(b)) => out.push(*b),
        (Values::I32(out), Value::Int8(n)) => out.push(i32::from(*n)),
        (Values::I32(out), Value::Int16(n)) => out.push(i32::from(*n)),
        (Values::I32(out), Value::Int32(n) | Value::Date(n) | Value::Time(n)) => out.push(*n),
        (Values::I64(out), Value::Int64(n) | Value::Timestamp(n)) => out.push(*n),
        (Values::F32(out), Value::Float32(f)) => out.push(*f),
        (Values::F64(out), Value::Float64(f)) => out.push(*f),
        (Values::Bytes(out), Value::String(s)) => out.push(ByteArray::from(s.as_bytes().to_vec())),
        (Values::Bytes(out), Value::Bytes(b)) => out.push(ByteArray::from(b.clone())),
        (Values::Bytes(out), Value::Decimal(unscaled, scale)) => {
            if Some(Logical::Decimal { scale: *scale }) != Logical::of(field) {
                return Err(bad());
            }
            out.push(ByteArray::from(unscaled.to_signed_bytes_be()));
        }
        _ => return Err(bad()),
    }
    Ok(())
}

/// Writes one Parquet file.
pub struct ParquetWriter {
    schema: SchemaRef,
    writer: SerializedFileWriter<Box<dyn OutputFile>>,
    columns: Vec<Column>,
    rows: usize,
}

impl ParquetWriter {
    pub fn new(out: Box<dyn OutputFile>, schema: Option<&SchemaRef>) -> Result<Self, FormatError> {
        let schema = schema
            .filter(|s| s.ty == Type::Struct)
            .cloned()
            .ok_or_else(|| {
                FormatError::Data("ParquetFormat needs records with a struct value schema".into())
            })?;
        let mut fields = Vec::with_capacity(schema.fields.len());
        let mut columns = Vec::with_capacity(schema.fields.len());
        for f in &schema.fields {
            let (t, values) = column_type(&f.name, &f.schema)?;
            fields.push(Arc::new(t));
            columns.push(Column {
                name: f.name.clone(),
                optional: f.schema.optional,
                defs: Vec::new(),
                values,
            });
        }
        let name = schema
            .name
            .clone()
            .unwrap_or_else(|| "ConnectDefault".into());
        let root = PqType::group_type_builder(&name)
            .with_fields(fields)
            .build()
            .map_err(pq)?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let writer = SerializedFileWriter::new(out, Arc::new(root), Arc::new(props)).map_err(pq)?;
        Ok(ParquetWriter {
            schema,
            writer,
            columns,
            rows: 0,
        })
    }

    fn flush_row_group(&mut self) -> Result<(), FormatError> {
        if self.rows == 0 {
            return Ok(());
        }
        let mut rg = self.writer.next_row_group().map_err(pq)?;
        let mut i = 0;
        while let Some(mut cw) = rg.next_column().map_err(pq)? {
            let col = self
                .columns
                .get_mut(i)
                .ok_or_else(|| FormatError::Data("parquet: column count mismatch".into()))?;
            let defs = col.optional.then_some(col.defs.as_slice());
            let written = match (cw.untyped(), &col.values) {
                (ColumnWriter::BoolColumnWriter(w), Values::Bool(v)) => {
                    w.write_batch(v, defs, None)
                }
                (ColumnWriter::Int32ColumnWriter(w), Values::I32(v)) => {
                    w.write_batch(v, defs, None)
                }
                (ColumnWriter::Int64ColumnWriter(w), Values::I64(v)) => {
                    w.write_batch(v, defs, None)
                }
                (ColumnWriter::FloatColumnWriter(w), Values::F32(v)) => {
                    w.write_batch(v, defs, None)
                }
                (ColumnWriter::DoubleColumnWriter(w), Values::F64(v)) => {
                    w.write_batch(v, defs, None)
                }
                (ColumnWriter::ByteArrayColumnWriter(w), Values::Bytes(v)) => {
                    w.write_batch(v, defs, None)
                }
                _ => return Err(FormatError::Data("parquet: column type mismatch".into())),
            };
            written.map_err(pq)?;
            cw.close().map_err(pq)?;
            col.defs.clear();
            match &mut col.values {
                Values::Bool(v) => v.clear(),
                Values::I32(v) => v.clear(),
                Values::I64(v) => v.clear(),
                Values::F32(v) => v.clear(),
                Values::F64(v) => v.clear(),
                Values::Bytes(v) => v.clear(),
            }
            i += 1;
        }
        rg.close().map_err(pq)?;
        self.rows = 0;
        Ok(())
    }
}

impl RecordWriter for ParquetWriter {
    fn write(
        &mut self,
        record: &SinkRecord<'_>,
        projected: Projected<'_>,
    ) -> Result<(), FormatError> {
        let value = value_of(record, projected)?;
        let Value::Struct(s) = value.as_ref() else {
            return Err(FormatError::Data(format!(
                "ParquetFormat needs struct values, got {}",
                value.kind_name()
            )));
        };
        // Validate the whole row first, so that a bad row leaves the columns aligned.
        for (field, v) in self.schema.fields.iter().zip(s.values()) {
            let v = if v.is_null() {
                field.schema.default.as_ref().unwrap_or(v)
            } else {
                v
            };
            if v.is_null() && !field.schema.optional {
                return Err(FormatError::Data(format!(
                    "null value for required field {}",
                    field.name
                )));
            }
        }
        for ((field, v), col) in self
            .schema
            .fields
            .iter()
            .zip(s.values())
            .zip(&mut self.columns)
        {
            let v = if v.is_null() {
                field.schema.default.as_ref().unwrap_or(v)
            } else {
                v
            };
            if v.is_null() {
                col.defs.push(0);
            } else {
                push(col, &field.schema, v)?;
                col.defs.push(1);
            }
        }
        self.rows += 1;
        if self.rows >= ROW_GROUP_ROWS {
            self.flush_row_group()?;
        }
        Ok(())
    }

    fn bytes_written(&self) -> u64 {
        self.writer.bytes_written() as u64
    }

    fn close(mut self: Box<Self>) -> Result<(), FormatError> {
        self.flush_row_group()?;
        let out = self.writer.into_inner().map_err(pq)?;
        out.close()?;
        Ok(())
    }
}
