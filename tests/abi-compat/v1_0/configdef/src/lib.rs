//! Kafka's `ConfigDef` for Ferry: typed configuration keys with defaults, validators, Kafka's
//! `parse` and `validate` semantics and error messages, and the REST renderings
//! (`ConfigKeyInfo`, `ConfigValueInfo`) used by `GET /connector-plugins/{plugin}/config` and
//! `PUT /connector-plugins/{plugin}/config/validate`.
//!
//! * [`ConfigDef`] holds [`ConfigKey`]s in definition order; [`ConfigDef::validate`] returns one
//!   [`ConfigValue`] per key, [`ConfigDef::parse`] returns a typed [`ParsedConfig`] or the first
//!   [`ConfigError`].
//! * [`parse_value`] parses one raw string as Kafka's `ConfigDef.parseType` does.
//! * [`Validator`]s are plain data, so a whole [`ConfigDef`] serializes to JSON and can cross a
//!   plugin boundary.

mod def;
mod error;
mod java;
mod key;
mod parse;
mod parsed;
mod types;
mod validator;
mod value;

pub use def::ConfigDef;
pub use error::ConfigError;
pub use key::{ConfigKey, DefaultValue};
pub use parse::{parse_value, ParsedValue, Password, HIDDEN};
pub use parsed::ParsedConfig;
pub use types::{ConfigType, Importance, Width};
pub use validator::Validator;
pub use value::ConfigValue;
