//! Column types and the Connect schemas they map to (Confluent's
//! `GenericDatabaseDialect.addFieldToSchema`, with `numeric.mapping`).

use ferry_plugin_sdk::prelude::*;

use crate::granularity::Granularity;

/// The Connect type a column maps to, after the dialect's type mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    Boolean,
    Int8,
    Int16,
    Int32,
    Int64,
    Float32,
    Float64,
    /// `org.apache.kafka.connect.data.Decimal`; precision 0 = unknown.
    Decimal {
        precision: u32,
        scale: i32,
    },
    String,
    Bytes,
    Date,
    Time,
    Timestamp,
}

/// One result column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnDef {
    /// The column label, used as the field name.
    pub name: String,
    pub kind: ColumnKind,
    pub optional: bool,
}

/// `numeric.mapping`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum NumericMapping {
    #[default]
    None,
    PrecisionOnly,
    BestFit,
    BestFitEagerDouble,
}

const MAX_INTEGER_TYPE_PRECISION: u32 = 18;
const NUMERIC_TYPE_SCALE_LOW: i32 = -84;

impl NumericMapping {
    /// From the `numeric.mapping` value and the deprecated `numeric.precision.mapping` flag.
    pub fn parse(value: Option<&str>, legacy_precision: bool) -> NumericMapping {
        match value.map(str::to_ascii_lowercase).as_deref() {
            Some("precision_only") => NumericMapping::PrecisionOnly,
            Some("best_fit") => NumericMapping::BestFit,
            Some("best_fit_eager_double") => NumericMapping::BestFitEagerDouble,
            Some(_) => NumericMapping::None,
            None if legacy_precision => NumericMapping::PrecisionOnly,
            None => NumericMapping::None,
        }
    }

    /// The kind of a NUMERIC/DECIMAL column with `precision` (0 = unconstrained) and `scale`.
    /// Unlike Confluent's connector, an unconstrained numeric is never narrowed to an integer
    /// (issue #480): it becomes FLOAT64 with the best_fit mappings and a lossless STRING
    /// otherwise (a Connect Decimal needs one fixed scale).
    pub fn kind(self, precision: u32, scale: i32) -> ColumnKind {
        let decimal = ColumnKind::Decimal { precision, scale };
        if precision == 0 {
            return match self {
                NumericMapping::BestFit | NumericMapping::BestFitEagerDouble => ColumnKind::Float64,
                _ => ColumnKind::String,
            };
        }
        let int = || match precision {
            p if p > 9 => ColumnKind::Int64,
            p if p > 4 => ColumnKind::Int32,
            p if p > 2 => ColumnKind::Int16,
            _ => ColumnKind::Int8,
        };
        let integral = (NUMERIC_TYPE_SCALE_LOW..=0).contains(&scale);
        let fits = precision <= MAX_INTEGER_TYPE_PRECISION;
        match self {
            NumericMapping::None => decimal,
            NumericMapping::PrecisionOnly if scale == 0 && fits => int(),
            NumericMapping::BestFit if fits && integral => int(),
            NumericMapping::BestFit if fits && scale > 0 => ColumnKind::Float64,
            NumericMapping::BestFitEagerDouble if fits && integral => int(),
            NumericMapping::BestFitEagerDouble if scale > 0 => ColumnKind::Float64,
            _ => decimal,
        }
    }
}

impl ColumnKind {
    /// The field schema; TIMESTAMP columns follow `timestamp.granularity`.
    pub fn schema(self, optional: bool, granularity: Granularity) -> SchemaRef {
        let b = match self {
            ColumnKind::Boolean => Schema::builder(Type::Boolean),
            ColumnKind::Int8 => Schema::builder(Type::Int8),
            ColumnKind::Int16 => Schema::builder(Type::Int16),
            ColumnKind::Int32 => Schema::builder(Type::Int32),
            ColumnKind::Int64 => Schema::builder(Type::Int64),
            ColumnKind::Float32 => Schema::builder(Type::Float32),
            ColumnKind::Float64 => Schema::builder(Type::Float64),
            ColumnKind::Decimal { precision, scale } => {
                let b = logical::decimal(scale);
                if precision > 0 {
                    b.parameter("connect.decimal.precision", precision.to_string())
                } else {
                    b
                }
            }
            ColumnKind::String => Schema::builder(Type::String),
            ColumnKind::Bytes => Schema::builder(Type::Bytes),
            ColumnKind::Date => logical::date(),
            ColumnKind::Time => logical::time(),
            ColumnKind::Timestamp => return granularity.schema(optional),
        };
        if optional {
            b.optional().build()
        } else {
            b.build()
        }
    }

    /// Whether values are integral (usable as an incrementing column).
    pub fn is_integral(self) -> bool {
        matches!(
            self,
            ColumnKind::Int8
                | ColumnKind::Int16
                | ColumnKind::Int32
                | ColumnKind::Int64
                | ColumnKind::Decimal { scale: 0, .. }
        )
    }
}

/// The value Struct schema: named after the table (unnamed in query mode).
pub fn struct_schema(
    name: Option<&str>,
    columns: &[ColumnDef],
    granularity: Granularity,
) -> SchemaRef {
    let mut b = Schema::struct_builder();
    if let Some(n) = name {
        b = b.name(n);
    }
    for c in columns {
        b = b.field(&c.name, c.kind.schema(c.optional, granularity));
    }
    b.build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_mapping_follows_confluent_except_unconstrained() {
        use ColumnKind::*;
        let m = NumericMapping::BestFit;
        assert_eq!(m.kind(5, 0), Int32);
        assert_eq!(m.kind(10, 2), Float64);
        assert_eq!(m.kind(0, 0), Float64, "unconstrained: never an integer");
        assert_eq!(NumericMapping::None.kind(0, 0), String);
        assert_eq!(NumericMapping::PrecisionOnly.kind(3, 0), Int16);
        assert_eq!(
            NumericMapping::PrecisionOnly.kind(3, 1),
            Decimal {
                precision: 3,
                scale: 1
            }
        );
        assert_eq!(
            NumericMapping::None.kind(2, 0),
            Decimal {
                precision: 2,
                scale: 0
            }
        );
        assert_eq!(NumericMapping::BestFitEagerDouble.kind(30, 2), Float64);
    }
}
