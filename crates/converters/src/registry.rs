//! The converter classes this crate provides, found by Kafka class name or alias.

use std::fmt;

use crate::{
    BooleanConverter, ByteArrayConverter, ConvertError, Converter, ConverterConfig,
    ConverterTarget, HeaderConverter, JsonConverter, NumberConverter, NumberKind,
    SimpleHeaderConverter, StringConverter, VERSION,
};

/// One converter class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Json,
    String,
    ByteArray,
    Number(NumberKind),
    Boolean,
    SimpleHeader,
}

/// `(full class name, class)`, in the order [`plugins`] lists them.
const CLASSES: [(&str, Class); 10] = [
    (
        "org.apache.kafka.connect.converters.BooleanConverter",
        Class::Boolean,
    ),
    (
        "org.apache.kafka.connect.converters.ByteArrayConverter",
        Class::ByteArray,
    ),
    (
        "org.apache.kafka.connect.converters.DoubleConverter",
        Class::Number(NumberKind::Double),
    ),
    (
        "org.apache.kafka.connect.converters.FloatConverter",
        Class::Number(NumberKind::Float),
    ),
    (
        "org.apache.kafka.connect.converters.IntegerConverter",
        Class::Number(NumberKind::Integer),
    ),
    (
        "org.apache.kafka.connect.converters.LongConverter",
        Class::Number(NumberKind::Long),
    ),
    (
        "org.apache.kafka.connect.converters.ShortConverter",
        Class::Number(NumberKind::Short),
    ),
    ("org.apache.kafka.connect.json.JsonConverter", Class::Json),
    (
        "org.apache.kafka.connect.storage.SimpleHeaderConverter",
        Class::SimpleHeader,
    ),
    (
        "org.apache.kafka.connect.storage.StringConverter",
        Class::String,
    ),
];

impl Class {
    fn is_converter(self) -> bool {
        self != Class::SimpleHeader
    }
}

/// The class a name or alias denotes: the full class name, the simple name, or the simple name
/// without its plugin-type suffix (`Converter` for converters, `HeaderConverter` for header
/// converters: `Json`, `ByteArray`, `Simple`), as Kafka's aliases.
fn resolve(name: &str) -> Option<(&'static str, Class)> {
    let name = name.trim();
    CLASSES.into_iter().find(|(full, class)| {
        let simple = full.rsplit('.').next().unwrap_or(full);
        let pruned = |suffix: &str| simple.strip_suffix(suffix).filter(|p| !p.is_empty());
        name == *full
            || name == simple
            || pruned("HeaderConverter").is_some_and(|p| p == name)
            || (class.is_converter() && pruned("Converter").is_some_and(|p| p == name))
    })
}

/// Creates a converter for record keys or values by Kafka class name or alias
/// (`org.apache.kafka.connect.json.JsonConverter`, `JsonConverter` or `Json`).
pub fn converter(
    class: &str,
    _target: ConverterTarget,
    config: &ConverterConfig,
) -> Result<Box<dyn Converter>, ConvertError> {
    let (full, found) =
        resolve(class).ok_or_else(|| ConvertError::ClassNotFound(class.trim().to_owned()))?;
    Ok(match found {
        Class::Json => Box::new(JsonConverter::new(config)?),
        Class::String => Box::new(StringConverter::new(config)?),
        Class::ByteArray => Box::new(ByteArrayConverter),
        Class::Number(kind) => Box::new(NumberConverter::new(kind)),
        Class::Boolean => Box::new(BooleanConverter),
        Class::SimpleHeader => {
            return Err(ConvertError::WrongPluginType {
                class: full.to_owned(),
                expected: "Converter",
            })
        }
    })
}

/// Creates a header converter by Kafka class name or alias (`SimpleHeaderConverter`, `Simple`,
/// and every converter of this crate, which are header converters too).
pub fn header_converter(
    class: &str,
    config: &ConverterConfig,
) -> Result<Box<dyn HeaderConverter>, ConvertError> {
    let (_, found) =
        resolve(class).ok_or_else(|| ConvertError::ClassNotFound(class.trim().to_owned()))?;
    Ok(match found {
        Class::Json => Box::new(JsonConverter::new(config)?),
        Class::String => Box::new(StringConverter::new(config)?),
        Class::ByteArray => Box::new(ByteArrayConverter),
        Class::Number(kind) => Box::new(NumberConverter::new(kind)),
        Class::Boolean => Box::new(BooleanConverter),
        Class::SimpleHeader => Box::new(SimpleHeaderConverter),
    })
}

/// The kind of plugin a [`ConverterPlugin`] is, as `GET /connector-plugins` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PluginType {
    /// `converter`
    Converter,
    /// `header_converter`
    HeaderConverter,
}

impl PluginType {
    /// `converter` or `header_converter`.
    pub fn as_str(self) -> &'static str {
        match self {
            PluginType::Converter => "converter",
            PluginType::HeaderConverter => "header_converter",
        }
    }
}

impl fmt::Display for PluginType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One entry of `GET /connector-plugins?connectorsOnly=false`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ConverterPlugin {
    /// The full Java class name.
    pub class: &'static str,
    /// `converter` or `header_converter`.
    pub plugin_type: PluginType,
    /// The plugin version.
    pub version: &'static str,
}

/// Every converter and header converter class provided here: converters first, then header
/// converters, each sorted by class name. A class that is both appears twice, as in Kafka.
pub fn plugins() -> Vec<ConverterPlugin> {
    let converters = CLASSES.iter().filter(|(_, c)| c.is_converter());
    let as_plugin = |plugin_type| {
        move |(class, _): &(&'static str, Class)| ConverterPlugin {
            class,
            plugin_type,
            version: VERSION,
        }
    };
    converters
        .map(as_plugin(PluginType::Converter))
        .chain(CLASSES.iter().map(as_plugin(PluginType::HeaderConverter)))
        .collect()
}

#[cfg(test)]
mod tests {
    use ferry_data::Value;

    use super::*;

    fn config() -> ConverterConfig {
        ConverterConfig::new()
    }

    #[test]
    fn resolves_full_names_and_aliases() {
        for name in [
            "org.apache.kafka.connect.json.JsonConverter",
            "JsonConverter",
            "Json",
            " Json ",
        ] {
            assert_eq!(resolve(name).map(|(_, c)| c), Some(Class::Json), "{name}");
        }
        assert_eq!(resolve("ByteArray").map(|(_, c)| c), Some(Class::ByteArray));
        assert_eq!(
            resolve("Integer").map(|(_, c)| c),
            Some(Class::Number(NumberKind::Integer))
        );
        assert_eq!(resolve("Simple").map(|(_, c)| c), Some(Class::SimpleHeader));
        assert_eq!(resolve("SimpleHeader").map(|(_, c)| c), None);
        assert_eq!(resolve("json"), None);
        assert_eq!(resolve("Converter"), None);
    }

    #[test]
    fn creates_converters() {
        let c = converter("StringConverter", ConverterTarget::Key, &config()).unwrap();
        assert_eq!(
            c.from_connect("t", None, &Value::Int32(1))
                .unwrap()
                .unwrap(),
            b"1"
        );
        let h = header_converter("Simple", &config()).unwrap();
        assert_eq!(
            h.from_connect_header("t", "k", None, &Value::Int32(1))
                .unwrap()
                .unwrap(),
            b"1"
        );
        let h = header_converter("org.apache.kafka.connect.json.JsonConverter", &config()).unwrap();
        assert_eq!(
            h.from_connect_header("t", "k", None, &Value::Int32(1))
                .unwrap()
                .unwrap(),
            br#"{"schema":null,"payload":1}"#
        );
        for class in [
            "Json",
            "String",
            "ByteArray",
            "Double",
            "Float",
            "Integer",
            "Long",
            "Short",
            "Boolean",
        ] {
            assert!(
                converter(class, ConverterTarget::Value, &config()).is_ok(),
                "{class}"
            );
            assert!(header_converter(class, &config()).is_ok(), "{class}");
        }
    }

    #[test]
    fn errors_name_the_class_and_the_config() {
        assert_eq!(
            converter("com.example.Nope", ConverterTarget::Value, &config())
                .err()
                .unwrap()
                .to_string(),
            "Class com.example.Nope could not be found."
        );
        assert_eq!(
            converter("SimpleHeaderConverter", ConverterTarget::Value, &config())
                .err()
                .unwrap()
                .to_string(),
            "org.apache.kafka.connect.storage.SimpleHeaderConverter is not a Converter"
        );
        let bad: ConverterConfig = [("schemas.enable".to_owned(), "maybe".to_owned())].into();
        assert_eq!(
            converter("Json", ConverterTarget::Value, &bad).err().unwrap().to_string(),
            "Invalid value maybe for configuration schemas.enable: Expected value to be either true or false"
        );
        assert!(header_converter("Json", &bad).is_err());
    }

    #[test]
    fn lists_plugins_like_kafka() {
        let all = plugins();
        assert_eq!(all.len(), 9 + 10);
        assert!(all.iter().all(|p| p.version == VERSION));
        let of = |t: PluginType| {
            all.iter()
                .filter(|p| p.plugin_type == t)
                .map(|p| p.class)
                .collect::<Vec<_>>()
        };
        assert!(!of(PluginType::Converter)
            .contains(&"org.apache.kafka.connect.storage.SimpleHeaderConverter"));
        assert!(of(PluginType::HeaderConverter)
            .contains(&"org.apache.kafka.connect.json.JsonConverter"));
        assert_eq!(PluginType::HeaderConverter.to_string(), "header_converter");
        let mut sorted = of(PluginType::Converter);
        sorted.sort_unstable();
        assert_eq!(sorted, of(PluginType::Converter));
    }
}
