//! `org.apache.kafka.connect.transforms.InsertHeader`: adds a header whose value is a literal
//! parsed with `Values.parseString`.

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, Validator};
use ferry_data::{SchemaRef, Value};

use crate::config::{self, Getters};
use crate::error::TransformError;
use crate::record::{ConnectRecord, Header};
use crate::Transformation;

const HEADER: &str = "header";
const VALUE_LITERAL: &str = "value.literal";

/// `InsertHeader.CONFIG_DEF`.
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(HEADER, ConfigType::String)
                .validator(Validator::NonNull)
                .importance(Importance::High)
                .doc("The name of the header."),
        )
        .define(
            ConfigKey::new(VALUE_LITERAL, ConfigType::String)
                .validator(Validator::NonNull)
                .importance(Importance::High)
                .doc("The literal value that is to be set as the header value on all records."),
        )
}

/// A configured `InsertHeader`.
#[derive(Debug)]
pub(crate) struct InsertHeader {
    header: String,
    schema: Option<SchemaRef>,
    value: Value,
}

impl InsertHeader {
    /// `configure(props)`.
    pub(crate) fn configure(props: &BTreeMap<String, String>) -> Result<InsertHeader, ConfigError> {
        let cfg = config::parse(&config_def(), &[], "", props)?;
        let literal = cfg.req_string(VALUE_LITERAL)?;
        let (schema, value) = ferry_converters::parse_string(&literal)
            .map_err(|e| ConfigError::Other(e.to_string()))?;
        Ok(InsertHeader {
            header: cfg.req_string(HEADER)?,
            schema,
            value,
        })
    }
}

impl Transformation for InsertHeader {
    fn apply(&self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        record.headers.push(Header::new(
            self.header.clone(),
            self.schema.clone(),
            self.value.clone(),
        ));
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::smt::testutil::props;
    use ferry_data::{Schema, Type};

    #[test]
    fn inserts_parsed_literal() {
        let x = InsertHeader::configure(&props(&[
            ("header", "inserted"),
            ("value.literal", "inserted-value"),
        ]))
        .unwrap();
        let mut r = ConnectRecord::new("t");
        r.headers
            .push(Header::new("existing", None, Value::from("x")));
        let out = x.apply(r).unwrap().unwrap();
        assert_eq!(out.headers.len(), 2);
        assert_eq!(
            out.headers[1],
            Header::new(
                "inserted",
                Some(Schema::primitive(Type::String)),
                Value::from("inserted-value")
            )
        );
        let n =
            InsertHeader::configure(&props(&[("header", "n"), ("value.literal", "42")])).unwrap();
        let out = n.apply(ConnectRecord::new("t")).unwrap().unwrap();
        assert_eq!(out.headers[0].value, Value::Int8(42));
    }

    #[test]
    fn config_errors() {
        assert_eq!(
            InsertHeader::configure(&props(&[("header", "h")]))
                .unwrap_err()
                .to_string(),
            "Missing required configuration \"value.literal\" which has no default value."
        );
    }
}
