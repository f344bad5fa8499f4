//! `org.apache.kafka.connect.transforms.ExtractField$Key` / `$Value`: replaces the key or value
//! by one of its fields (nested paths with `field.syntax.version=V2`, KIP-821).

use std::collections::BTreeMap;

use ferry_configdef::{ConfigDef, ConfigError, ConfigKey, ConfigType, Importance, Validator};
use ferry_data::{Field, Schema, Struct, Value};

use crate::config::{self, Getters, REPLACE_NULL_WITH_DEFAULT};
use crate::error::TransformError;
use crate::record::ConnectRecord;
use crate::util::{
    field_value, map_get, require_map_or_null, require_struct_or_null, Entries, Side,
};
use crate::Transformation;

const FIELD: &str = "field";
const FIELD_SYNTAX_VERSION: &str = "field.syntax.version";
const PURPOSE: &str = "field extraction";

/// `ExtractField.CONFIG_DEF` (with `FieldSyntaxVersion.appendConfigTo`).
pub(crate) fn config_def() -> ConfigDef {
    ConfigDef::new()
        .define(
            ConfigKey::new(FIELD, ConfigType::String)
                .importance(Importance::Medium)
                .doc("Field name to extract."),
        )
        .define(config::replace_null_with_default_key())
        .define(field_syntax_version_key())
}

/// `FieldSyntaxVersion.FIELD_SYNTAX_VERSION_CONFIG`'s definition.
pub(crate) fn field_syntax_version_key() -> ConfigKey {
    ConfigKey::new(FIELD_SYNTAX_VERSION, ConfigType::String)
        .default_value("V1")
        .validator(Validator::case_insensitive_valid_string(&["V1", "V2"]))
        .importance(Importance::High)
        .doc("Defines the version of the syntax to access fields. If set to `V1`, then the field paths are limited to access the elements at the root level of the struct or map. If set to `V2`, the syntax will support accessing nested elements. To access nested elements, dotted notation is used. If dots are already included in the field name, then backtick pairs can be used to wrap field names containing dots. E.g. to access the subfield `baz` from a field named \"foo.bar\" in a struct/map the following format can be used to access its elements: \"`foo.bar`.baz\".")
}

/// Kafka's `SingleFieldPath`: one or more path steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SingleFieldPath {
    steps: Vec<String>,
}

fn incomplete(path: &str, at: usize) -> ConfigError {
    ConfigError::Other(format!(
        "Incomplete backtick pair in path: [{path}], consider adding a backslash before backtick at position {at} to escape it"
    ))
}

impl SingleFieldPath {
    /// A path in syntax V1 (one step) or V2 (dotted, backtick-quoted).
    pub(crate) fn new(path: &str, v2: bool) -> Result<SingleFieldPath, ConfigError> {
        if !v2 {
            return Ok(SingleFieldPath {
                steps: vec![path.to_owned()],
            });
        }
        // Indices are char positions, as in Java (for the BMP).
        let chars: Vec<char> = path.chars().collect();
        let find = |c: char, from: usize| (from..chars.len()).find(|&i| chars[i] == c);
        let substring = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
        let mut steps = Vec::new();
        let mut idx = 0usize;
        while idx < chars.len() {
            if chars[idx] != '`' {
                let start = idx;
                match find('.', idx) {
                    Some(dot) => {
                        steps.push(substring(start, dot));
                        idx = dot + 1;
                    }
                    None => {
                        steps.push(substring(start, chars.len()));
                        idx = chars.len();
                    }
                }
            } else {
                let backtick_at = idx;
                idx += 1;
                let mut field = String::new();
                let mut start = idx;
                loop {
                    idx = find('`', idx).ok_or_else(|| incomplete(path, backtick_at))?;
                    let escaped = chars[idx - 1] == '\\';
                    if idx + 1 >= chars.len() {
                        if escaped {
                            return Err(incomplete(path, backtick_at));
                        }
                        field.push_str(&substring(start, idx));
                        steps.push(field);
                        idx += 1;
                        break;
                    }
                    if chars[idx + 1] != '.' {
                        idx += 1;
                        continue;
                    }
                    if escaped {
                        field.push_str(&substring(start, idx - 1));
                        field.push('`');
                        idx += 1;
                        start = idx;
                        continue;
                    }
                    field.push_str(&substring(start, idx));
                    steps.push(field);
                    idx += 2;
                    break;
                }
            }
        }
        if chars.last() == Some(&'.') {
            steps.push(String::new());
        }
        Ok(SingleFieldPath { steps })
    }

    fn split(&self) -> (&[String], &str) {
        match self.steps.split_last() {
            Some((last, init)) => (init, last.as_str()),
            None => (&[], ""),
        }
    }

    /// `fieldFrom(schema)`.
    pub(crate) fn field_from<'a>(&self, schema: &'a Schema) -> Option<&'a Field> {
        let (init, last) = self.split();
        let mut current = schema;
        for step in init {
            current = &current.field(step)?.schema;
        }
        current.field(last)
    }

    /// `valueFrom(struct, withDefault)`.
    pub(crate) fn value_from_struct(
        &self,
        s: &Struct,
        with_default: bool,
    ) -> Result<Value, TransformError> {
        let (init, last) = self.split();
        let mut current = s;
        for step in init {
            if current.schema().field(step).is_none() {
                return Ok(Value::Null);
            }
            match require_struct_or_null(current.get(step)?, "nested field access")? {
                Some(next) => current = next,
                None => return Ok(Value::Null),
            }
        }
        if current.schema().field(last).is_some() {
            field_value(current, last, with_default)
        } else {
            Ok(Value::Null)
        }
    }

    /// `valueFrom(map)`.
    pub(crate) fn value_from_map(&self, map: &Entries) -> Result<Value, TransformError> {
        let (init, last) = self.split();
        let mut current = map;
        for step in init {
            let next = map_get(current, step).unwrap_or(&Value::Null);
            match require_map_or_null(next, "nested field access")? {
                Some(m) => current = m,
                None => return Ok(Value::Null),
            }
        }
        Ok(map_get(current, last).cloned().unwrap_or(Value::Null))
    }

    /// The steps (for tests).
    #[cfg(test)]
    pub(crate) fn steps(&self) -> &[String] {
        &self.steps
    }
}

/// A configured `ExtractField$Key` or `ExtractField$Value`.
#[derive(Debug)]
pub(crate) struct ExtractField {
    side: Side,
    original: String,
    path: SingleFieldPath,
    replace_null_with_default: bool,
}

impl ExtractField {
    /// `configure(props)`.
    pub(crate) fn configure(
        side: Side,
        props: &BTreeMap<String, String>,
    ) -> Result<ExtractField, ConfigError> {
        let cfg = config::parse(&config_def(), &[], "", props)?;
        let original = cfg.req_string(FIELD)?;
        let v2 = cfg
            .req_string(FIELD_SYNTAX_VERSION)?
            .eq_ignore_ascii_case("V2");
        Ok(ExtractField {
            side,
            path: SingleFieldPath::new(&original, v2)?,
            original,
            replace_null_with_default: cfg.req_bool(REPLACE_NULL_WITH_DEFAULT)?,
        })
    }
}

impl Transformation for ExtractField {
    fn apply(&self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>, TransformError> {
        let (schema, value) = self.side.take(&mut record);
        match schema {
            None => {
                let extracted = match require_map_or_null(&value, PURPOSE)? {
                    Some(map) => self.path.value_from_map(map)?,
                    None => Value::Null,
                };
                self.side.set(&mut record, None, extracted);
            }
            Some(schema) => {
                let s = require_struct_or_null(&value, PURPOSE)?;
                let field = self.path.field_from(&schema).ok_or_else(|| {
                    TransformError::IllegalArgument(format!("Unknown field: {}", self.original))
                })?;
                let extracted = match s {
                    Some(s) => self
                        .path
                        .value_from_struct(s, self.replace_null_with_default)?,
                    None => Value::Null,
                };
                let field_schema = field.schema.clone();
                self.side.set(&mut record, Some(field_schema), extracted);
            }
        }
        Ok(Some(record))
    }
}

#[cfg(test)]
mod tests;
