//! `connector.client.config.override.policy`: only Kafka's three built-in policies exist in
//! Ferry (Kafka also loads custom policy classes).

/// `connector.client.config.override.policy`: which client settings connectors may override
/// with `producer.override.*`, `consumer.override.*` and `admin.override.*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientConfigOverridePolicy {
    /// `All` (default): any client setting.
    All,
    /// `None`: no client setting.
    None,
    /// `Principal`: only `sasl.jaas.config`, `sasl.mechanism` and `security.protocol`.
    Principal,
}

impl ClientConfigOverridePolicy {
    /// Kafka's policy name, as its messages print it.
    pub fn name(self) -> &'static str {
        match self {
            ClientConfigOverridePolicy::All => "All",
            ClientConfigOverridePolicy::None => "None",
            ClientConfigOverridePolicy::Principal => "Principal",
        }
    }

    /// Whether a connector may override client setting `key` (prefix already stripped).
    pub fn allows(self, key: &str) -> bool {
        match self {
            ClientConfigOverridePolicy::All => true,
            ClientConfigOverridePolicy::None => false,
            ClientConfigOverridePolicy::Principal => matches!(
                key,
                "sasl.jaas.config" | "sasl.mechanism" | "security.protocol"
            ),
        }
    }

    /// Parses the alias (`All`), simple class name (`AllConnectorClientConfigOverridePolicy`)
    /// or fully qualified class name of a built-in policy, case-sensitively as Kafka does.
    pub fn parse(value: &str) -> Option<Self> {
        const PACKAGE: &str = "org.apache.kafka.connect.connector.policy.";
        const SUFFIX: &str = "ConnectorClientConfigOverridePolicy";
        // The alias itself, the simple class name, or the package-qualified class name.
        let alias = match value.strip_prefix(PACKAGE) {
            Some(simple) => simple.strip_suffix(SUFFIX)?,
            None => value.strip_suffix(SUFFIX).unwrap_or(value),
        };
        match alias {
            "All" => Some(Self::All),
            "None" => Some(Self::None),
            "Principal" => Some(Self::Principal),
            _ => Option::None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aliases_and_class_names() {
        use ClientConfigOverridePolicy::{All, None, Principal};
        for (text, want) in [
            ("All", All),
            ("None", None),
            ("Principal", Principal),
            ("AllConnectorClientConfigOverridePolicy", All),
            ("PrincipalConnectorClientConfigOverridePolicy", Principal),
            (
                "org.apache.kafka.connect.connector.policy.NoneConnectorClientConfigOverridePolicy",
                None,
            ),
        ] {
            assert_eq!(
                ClientConfigOverridePolicy::parse(text),
                Some(want),
                "{text}"
            );
        }
        for text in [
            "all",
            "NONE",
            "",
            "Custom",
            "org.apache.kafka.connect.connector.policy.All",
        ] {
            assert_eq!(
                ClientConfigOverridePolicy::parse(text),
                Option::None,
                "{text}"
            );
        }
    }
}
