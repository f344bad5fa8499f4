//! Third-party Single Message Transforms and a predicate, exported through the plugin ABI, for
//! Ferry's integration tests:
//!
//! - `test.smt.UppercaseTransformation`: upper-cases a string value, or the string `field` of
//!   a struct or map value;
//! - `test.smt.FlakyTransformation`: fails retriably on its first `failures` calls, then
//!   passes records through;
//! - `test.smt.PanickingTransformation`: panics on records whose value contains `trigger`;
//! - `test.smt.ValueContainsPredicate`: whether a string value contains `substring`.

use ferry_plugin_sdk::prelude::*;

fn parse(def: &ConfigDef, config: &ConfigMap) -> Result<ferry_plugin_sdk::config::ParsedConfig> {
    Ok(def.parse(config)?)
}

/// Upper-cases a string value or one string field.
#[derive(Default)]
pub struct Uppercase {
    field: Option<String>,
}

impl Transformation for Uppercase {
    const CLASS: &'static str = "test.smt.UppercaseTransformation";
    const VERSION: &'static str = "3.1.4";

    fn config_def() -> ConfigDef {
        ConfigDef::new().define(
            ConfigKey::new("field", ConfigType::String)
                .default_null()
                .importance(Importance::High)
                .doc("The string field to upper-case; the whole value when unset"),
        )
    }

    fn configure(&mut self, config: &ConfigMap) -> Result<()> {
        let parsed = parse(&Self::config_def(), config)?;
        self.field = parsed.string("field")?.map(str::to_owned);
        Ok(())
    }

    fn apply(&mut self, mut record: ConnectRecord) -> Result<Option<ConnectRecord>> {
        let upper = |v: &mut Value| {
            if let Value::String(s) = v {
                *s = s.to_uppercase();
            }
        };
        match (&self.field, &mut record.value) {
            (None, v) => upper(v),
            (Some(f), Value::Struct(s)) => {
                let mut v = s.get(f)?.clone();
                upper(&mut v);
                s.put(f, v)?;
            }
            (Some(f), Value::Map(entries)) => {
                for (k, v) in entries.iter_mut() {
                    if matches!(k, Value::String(name) if name == f) {
                        upper(v);
                    }
                }
            }
            (Some(f), _) => {
                return Err(ConnectError::data(format!(
                    "cannot upper-case field {f} of a value that has no fields"
                )))
            }
        }
        Ok(Some(record))
    }
}

/// Fails retriably on its first `failures` calls.
#[derive(Default)]
pub struct Flaky {
    remaining: i32,
}

impl Transformation for Flaky {
    const CLASS: &'static str = "test.smt.FlakyTransformation";
    const VERSION: &'static str = "1.0.0";

    fn config_def() -> ConfigDef {
        ConfigDef::new().define(
            ConfigKey::new("failures", ConfigType::Int)
                .importance(Importance::High)
                .validator(Validator::Range {
                    min: Some(0.0),
                    max: None,
                })
                .doc("How many calls fail retriably before records pass"),
        )
    }

    fn configure(&mut self, config: &ConfigMap) -> Result<()> {
        let parsed = parse(&Self::config_def(), config)?;
        self.remaining = parsed.int("failures")?.unwrap_or(0);
        Ok(())
    }

    fn apply(&mut self, record: ConnectRecord) -> Result<Option<ConnectRecord>> {
        if self.remaining > 0 {
            self.remaining -= 1;
            return Err(ConnectError::retriable(format!(
                "flaky backend unavailable ({} more failures to go)",
                self.remaining
            )));
        }
        Ok(Some(record))
    }
}

/// Panics on records whose value contains `trigger`.
#[derive(Default)]
pub struct Panicking {
    trigger: String,
}

impl Transformation for Panicking {
    const CLASS: &'static str = "test.smt.PanickingTransformation";
    const VERSION: &'static str = "1.0.0";

    fn config_def() -> ConfigDef {
        ConfigDef::new().define(
            ConfigKey::new("trigger", ConfigType::String)
                .default_value("")
                .doc("Panic on values containing this (every value when empty)"),
        )
    }

    fn configure(&mut self, config: &ConfigMap) -> Result<()> {
        let parsed = parse(&Self::config_def(), config)?;
        self.trigger = parsed.string("trigger")?.unwrap_or_default().to_owned();
        Ok(())
    }

    fn apply(&mut self, record: ConnectRecord) -> Result<Option<ConnectRecord>> {
        if let Value::String(s) = &record.value {
            if s.contains(&self.trigger) {
                panic!("the transformation met {s:?}");
            }
        }
        Ok(Some(record))
    }
}

/// Whether a string value contains `substring`.
#[derive(Default)]
pub struct ValueContains {
    substring: String,
}

impl Predicate for ValueContains {
    const CLASS: &'static str = "test.smt.ValueContainsPredicate";
    const VERSION: &'static str = "1.0.0";

    fn config_def() -> ConfigDef {
        ConfigDef::new().define(
            ConfigKey::new("substring", ConfigType::String)
                .importance(Importance::High)
                .doc("What the value must contain"),
        )
    }

    fn configure(&mut self, config: &ConfigMap) -> Result<()> {
        let parsed = parse(&Self::config_def(), config)?;
        self.substring = parsed.string("substring")?.unwrap_or_default().to_owned();
        Ok(())
    }

    fn test(&mut self, record: &ConnectRecord) -> Result<bool> {
        Ok(matches!(&record.value, Value::String(s) if s.contains(&self.substring)))
    }
}

ferry_plugin_sdk::export_plugin! {
    transformations: [Uppercase, Flaky, Panicking],
    predicates: [ValueContains],
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // test code

    use super::*;
    use ferry_plugin_sdk::testkit::{PredicateHarness, TransformHarness};

    fn text(s: &str) -> ConnectRecord {
        ConnectRecord::new("t").with_value(Some(Schema::primitive(Type::String)), Value::from(s))
    }

    #[test]
    fn uppercase_a_value_or_a_field() {
        let mut h = TransformHarness::<Uppercase>::new(&[]).unwrap();
        assert_eq!(
            h.apply(&text("abc")).unwrap().unwrap().value,
            Value::from("ABC")
        );
        let mut h = TransformHarness::<Uppercase>::new(&[("field", "name")]).unwrap();
        let map = ConnectRecord::new("t").with_value(
            None,
            Value::Map(vec![
                (Value::from("name"), Value::from("ada")),
                (Value::from("n"), Value::from("x")),
            ]),
        );
        assert_eq!(
            h.apply(&map).unwrap().unwrap().value,
            Value::Map(vec![
                (Value::from("name"), Value::from("ADA")),
                (Value::from("n"), Value::from("x"))
            ])
        );
        assert!(h.apply(&text("abc")).is_err());
    }

    #[test]
    fn flaky_fails_retriably_then_passes() {
        let mut h = TransformHarness::<Flaky>::new(&[("failures", "2")]).unwrap();
        assert!(h.apply(&text("a")).unwrap_err().is_retriable());
        assert!(h.apply(&text("a")).unwrap_err().is_retriable());
        assert_eq!(h.apply(&text("a")).unwrap(), Some(text("a")));
        assert!(
            TransformHarness::<Flaky>::new(&[]).is_err(),
            "failures is required"
        );
    }

    #[test]
    fn panics_are_errors_at_the_boundary() {
        let mut h = TransformHarness::<Panicking>::new(&[("trigger", "boom")]).unwrap();
        assert_eq!(h.apply(&text("fine")).unwrap(), Some(text("fine")));
        let e = h.apply(&text("boom!")).unwrap_err();
        assert!(
            e.message()
                .contains("test.smt.PanickingTransformation.apply panicked"),
            "{e}"
        );
    }

    #[test]
    fn value_contains() {
        let mut p = PredicateHarness::<ValueContains>::new(&[("substring", "x")]).unwrap();
        assert!(p.test(&text("axe")).unwrap());
        assert!(!p.test(&text("abc")).unwrap());
    }
}
