//! `bootstrap.servers`: Ferry's embedded broker, or Kafka brokers as `host:port` pairs.
//!
//! Kafka checks the addresses only when a client is created (`ClientUtils.parseAndValidateAddresses`);
//! Ferry checks their form when the worker configuration is read, with its own messages.

use ferry_configdef::ConfigError;

#[cfg(test)]
mod tests;

/// Where the worker's Kafka cluster is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Bootstrap {
    /// An in-process embedded broker (`bootstrap.servers` unset or `embedded`).
    Embedded,
    /// External brokers, as `host:port` strings in the configured order.
    Servers(Vec<String>),
}

impl Bootstrap {
    /// Interprets `bootstrap.servers`, already split into items (empty items are ignored).
    pub(super) fn from_items(items: &[String]) -> Result<Bootstrap, ConfigError> {
        const KEY: &str = "bootstrap.servers";
        const ALLOWED: &str = "expected 'embedded' or a comma-separated list of host:port pairs";
        let urls: Vec<&String> = items.iter().filter(|s| !s.is_empty()).collect();
        let raw = items.join(",");
        match urls.as_slice() {
            [] => Err(ConfigError::invalid(
                KEY,
                raw,
                format!("no broker address given; {ALLOWED}"),
            )),
            [only] if only.as_str() == "embedded" => Ok(Bootstrap::Embedded),
            _ if urls.iter().any(|u| u.as_str() == "embedded") => Err(ConfigError::invalid(
                KEY,
                raw,
                format!("'embedded' cannot be combined with broker addresses; {ALLOWED}"),
            )),
            _ => {
                for url in &urls {
                    let problem = host_port_problem(url);
                    if let Some(problem) = problem {
                        return Err(ConfigError::invalid(
                            KEY,
                            raw,
                            format!("{problem} '{url}'; {ALLOWED}"),
                        ));
                    }
                }
                Ok(Bootstrap::Servers(urls.into_iter().cloned().collect()))
            }
        }
    }
}

/// Checks one address as Kafka's `Utils.getHost`/`getPort` (pattern
/// `^(?:[0-9a-zA-Z\-%._]*://)?\[?([0-9a-zA-Z\-%._:]*)]?:([0-9]+)`) plus a non-empty host and a
/// port that fits in 16 bits; returns what is wrong.
fn host_port_problem(url: &str) -> Option<&'static str> {
    let rest = match url.split_once("://") {
        Some((scheme, rest))
            if scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-%._".contains(c)) =>
        {
            rest
        }
        _ => url,
    };
    let rest = rest.strip_prefix('[').unwrap_or(rest);
    let Some((host, port)) = rest.rsplit_once(':') else {
        return Some("invalid url");
    };
    let host = host.strip_suffix(']').unwrap_or(host);
    let host_ok = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-%._:".contains(c));
    if !host_ok || port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()) {
        return Some("invalid url");
    }
    port.parse::<u16>()
        .is_err()
        .then_some("port out of range in")
}
