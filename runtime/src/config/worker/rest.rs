//! The REST server keys (`RestServerConfig`): listeners, advertised address and CORS settings,
//! and the worker id derived from them (`RestServer.advertisedUrl`, `ConnectStandalone`).
//!
//! Ferry serves plain HTTP only: an `https://` listener or `rest.advertised.listener=https` is a
//! configuration error naming the key and value.

use std::fmt;

use ferry_configdef::{ConfigError, ParsedConfig};

#[cfg(test)]
mod tests;

/// `listeners`.
pub const LISTENERS_CONFIG: &str = "listeners";
/// `admin.listeners`.
pub const ADMIN_LISTENERS_CONFIG: &str = "admin.listeners";

/// One REST listener, `http://host:port`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listener {
    /// The host to bind; empty means all interfaces (Kafka: "bind to default interface").
    /// IPv6 literals are stored without brackets.
    pub host: String,
    /// The port; `0` asks for an ephemeral port.
    pub port: u16,
}

impl Listener {
    /// Parses a listener as Kafka's `RestServer.createConnector` does (pattern
    /// `^(.*)://\[?([0-9a-zA-Z\-%._:]*)\]?:(-?[0-9]+)`, protocol case-insensitive); `key` names
    /// the configuration in errors.
    pub fn parse(key: &str, text: &str) -> Result<Listener, ConfigError> {
        let invalid = |reason: &str| ConfigError::invalid(key, text, reason);
        let format_error =
            || invalid("Listener doesn't have the right format (protocol://hostname:port).");
        let (protocol, rest) = text.rsplit_once("://").ok_or_else(format_error)?;
        let rest = rest.strip_prefix('[').unwrap_or(rest);
        let (host, port) = rest.rsplit_once(':').ok_or_else(format_error)?;
        let host = host.strip_suffix(']').unwrap_or(host);
        let host_ok = host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-%._:".contains(c));
        let digits = port.strip_prefix('-').unwrap_or(port);
        if !host_ok || digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return Err(format_error());
        }
        match protocol.to_ascii_lowercase().as_str() {
            "http" => {}
            "https" => {
                return Err(invalid(
                    "HTTPS listeners are not supported by Ferry; use http://hostname:port",
                ))
            }
            _ => {
                return Err(invalid(
                    "Listener protocol must be \"http\" (Ferry does not support \"https\").",
                ))
            }
        }
        let port = port
            .parse::<u16>()
            .map_err(|_| invalid("Listener port must be between 0 and 65535."))?;
        Ok(Listener {
            host: host.to_owned(),
            port,
        })
    }

    /// The address to bind: `host:port`, `0.0.0.0:port` for an empty host, `[v6]:port`.
    pub fn bind_address(&self) -> String {
        let host = if self.host.is_empty() {
            "0.0.0.0"
        } else {
            &self.host
        };
        format!("{}:{}", bracketed(host), self.port)
    }
}

impl fmt::Display for Listener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "http://{}:{}", bracketed(&self.host), self.port)
    }
}

/// IPv6 literals in brackets, as `java.net.URI.getHost()` returns them.
fn bracketed(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_owned()
    }
}

/// The REST server settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestConfig {
    /// `listeners` (default `http://:8083`); never empty.
    pub listeners: Vec<Listener>,
    /// `admin.listeners`: `None` = serve admin endpoints on `listeners`; empty = disabled.
    pub admin_listeners: Option<Vec<Listener>>,
    /// `rest.advertised.host.name`.
    pub advertised_host_name: Option<String>,
    /// `rest.advertised.port`.
    pub advertised_port: Option<u16>,
    /// `access.control.allow.origin` (empty: no CORS).
    pub access_control_allow_origin: String,
    /// `access.control.allow.methods`.
    pub access_control_allow_methods: String,
    /// `response.http.headers.config`, unparsed.
    pub response_http_headers: String,
}

impl RestConfig {
    /// Reads the REST keys from a parsed worker definition.
    pub(super) fn from_parsed(parsed: &ParsedConfig) -> Result<RestConfig, ConfigError> {
        let listeners =
            parse_listeners(LISTENERS_CONFIG, parsed.list(LISTENERS_CONFIG)?)?.unwrap_or_default();
        if listeners.is_empty() {
            return Err(ConfigError::Other(
                "Invalid value for listeners, at least one URL is expected, ex: http://localhost:8080,https://localhost:8443."
                    .to_owned(),
            ));
        }
        let admin_listeners =
            parse_listeners(ADMIN_LISTENERS_CONFIG, parsed.list(ADMIN_LISTENERS_CONFIG)?)?;
        if let Some(protocol) = parsed.string("rest.advertised.listener")? {
            if !protocol.eq_ignore_ascii_case("http") {
                return Err(ConfigError::invalid(
                    "rest.advertised.listener",
                    protocol,
                    "Ferry supports only the \"http\" listener",
                ));
            }
        }
        let advertised_port = match parsed.int("rest.advertised.port")? {
            None => None,
            Some(port) => Some(u16::try_from(port).map_err(|_| {
                ConfigError::invalid(
                    "rest.advertised.port",
                    port.to_string(),
                    "Value must be between 0 and 65535",
                )
            })?),
        };
        let text = |key: &str| -> Result<String, ConfigError> {
            Ok(parsed.string(key)?.unwrap_or_default().to_owned())
        };
        Ok(RestConfig {
            listeners,
            admin_listeners,
            advertised_host_name: parsed
                .string("rest.advertised.host.name")?
                .map(str::to_owned),
            advertised_port,
            access_control_allow_origin: text("access.control.allow.origin")?,
            access_control_allow_methods: text("access.control.allow.methods")?,
            response_http_headers: text("response.http.headers.config")?,
        })
    }

    /// The advertised host and port, as Kafka's `RestServer.advertisedUrl`: the advertised host
    /// name if non-empty, else the first listener's host if non-empty, else `local_host`
    /// (Kafka: the local host's IP address); the advertised port if set, else the first
    /// listener's port if non-zero, else `bound_port` (the actual port of an ephemeral listener).
    pub fn advertised_host_port(&self, local_host: &str, bound_port: Option<u16>) -> (String, u16) {
        let first = self.listeners.first();
        let host = match (self.advertised_host_name.as_deref(), first) {
            (Some(name), _) if !name.is_empty() => name,
            (_, Some(listener)) if !listener.host.is_empty() => &listener.host,
            _ => local_host,
        };
        let listener_port = first.map_or(0, |l| l.port);
        let port = self
            .advertised_port
            .or((listener_port > 0).then_some(listener_port))
            .or(bound_port)
            .unwrap_or(listener_port);
        (bracketed(host), port)
    }

    /// The advertised URL, e.g. `http://connect-1:8083/`.
    pub fn advertised_url(&self, local_host: &str, bound_port: Option<u16>) -> String {
        let (host, port) = self.advertised_host_port(local_host, bound_port);
        format!("http://{host}:{port}/")
    }

    /// The worker id Kafka uses: the advertised `host:port` (see
    /// [`RestConfig::advertised_host_port`]).
    pub fn worker_id_for(&self, local_host: &str, bound_port: Option<u16>) -> String {
        let (host, port) = self.advertised_host_port(local_host, bound_port);
        format!("{host}:{port}")
    }
}

/// Parses a listener list; `None` stays `None` (an unset `admin.listeners`).
fn parse_listeners(
    key: &str,
    items: Option<&[String]>,
) -> Result<Option<Vec<Listener>>, ConfigError> {
    let Some(items) = items else { return Ok(None) };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        if item.trim().is_empty() {
            return Err(ConfigError::Other(format!(
                "Empty URL found when parsing {key} list."
            )));
        }
        out.push(Listener::parse(key, item)?);
    }
    Ok(Some(out))
}
