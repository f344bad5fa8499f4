//! TLS for PostgreSQL connections, configured with pgjdbc's URL parameters and implemented with
//! rustls (ring provider), so no system TLS library is needed.
//!
//! pgjdbc's rules, which Ferry follows:
//! * `sslmode` is one of `disable`, `allow`, `prefer`, `require`, `verify-ca`, `verify-full`
//!   (case-insensitive). Without `sslmode`, `ssl=true` (or an empty `ssl=`) means `verify-full`;
//!   otherwise the mode is `prefer`.
//! * `disable`: plain. `allow`: plain first, TLS when the server rejects the plain connection
//!   (SQLSTATE 28000). `prefer`: TLS when the server offers it, plain when it refuses TLS or
//!   rejects the TLS connection (28000). `require`: TLS, the certificate is not checked (pgjdbc's
//!   `NonValidatingTM`; unlike libpq, a root certificate file present does not turn on checking).
//!   `verify-ca`: the chain must lead to a certificate of `sslrootcert`. `verify-full`: also the
//!   host name of the URL must match the certificate.
//! * `sslrootcert` defaults to `~/.postgresql/root.crt`; it is only read for `verify-ca` and
//!   `verify-full`.
//! * `sslfactory=org.postgresql.ssl.NonValidatingFactory`: no chain check; `verify-full` still
//!   checks the host name.
//! * `sslcert`/`sslkey`: the client certificate and key, by default
//!   `~/.postgresql/postgresql.crt` and `postgresql.pk8` when they exist.
//!
//! Encrypted keys (`sslpassword`), PKCS#12 key stores, other SSL factories, host name verifiers
//! and direct TLS negotiation are not implemented; they are refused with a configuration error
//! naming the parameter.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use tokio_postgres::config::SslMode as PgSslMode;
use tokio_postgres::error::SqlState;
use tokio_postgres::tls::MakeTlsConnect;
use tokio_postgres::{Client, Config, Connection, Socket};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::error::{JdbcError, JdbcResult};
use crate::url::Server;

/// pgjdbc's `sslmode` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SslMode {
    Disable,
    Allow,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

const MODES: [(&str, SslMode); 6] = [
    ("disable", SslMode::Disable),
    ("allow", SslMode::Allow),
    ("prefer", SslMode::Prefer),
    ("require", SslMode::Require),
    ("verify-ca", SslMode::VerifyCa),
    ("verify-full", SslMode::VerifyFull),
];

impl SslMode {
    /// The `sslmode` value.
    pub fn name(self) -> &'static str {
        MODES
            .iter()
            .find(|(_, m)| *m == self)
            .map_or("prefer", |(n, _)| *n)
    }
}

/// The TLS settings of a PostgreSQL URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsParams {
    pub mode: SslMode,
    /// `sslrootcert`, `None`: the default `~/.postgresql/root.crt`.
    pub root_cert: Option<String>,
    /// `sslfactory=org.postgresql.ssl.NonValidatingFactory`: the chain is never checked (and
    /// `sslrootcert` never read); `verify-full` still checks the host name, as pgjdbc does.
    pub non_validating: bool,
    /// `sslcert`, `None`: the default `~/.postgresql/postgresql.crt` (used when it exists);
    /// empty: no client certificate.
    pub client_cert: Option<String>,
    /// `sslkey`, `None`: the default `~/.postgresql/postgresql.pk8`; empty: no client key.
    pub client_key: Option<String>,
}

/// `sslfactory` values: pgjdbc's default factory (also under its old name) and the
/// non-validating one.
const LIBPQ_FACTORIES: [&str; 2] = [
    "org.postgresql.ssl.LibPQFactory",
    "org.postgresql.ssl.jdbc4.LibPQFactory",
];
const NON_VALIDATING_FACTORY: &str = "org.postgresql.ssl.NonValidatingFactory";

/// Parameters of pgjdbc's SSL support that Ferry does not implement.
const UNSUPPORTED: [(&str, &str); 4] = [
    (
        "sslpassword",
        "encrypted client keys are not supported; give sslkey an unencrypted key",
    ),
    (
        "sslpasswordcallback",
        "encrypted client keys are not supported; give sslkey an unencrypted key",
    ),
    (
        "sslhostnameverifier",
        "custom host name verifiers are not supported; use sslmode=verify-ca or verify-full",
    ),
    (
        "sslfactoryarg",
        "custom SSL factories are not supported; use sslmode and sslrootcert",
    ),
];

impl TlsParams {
    /// Read `sslmode`, `ssl`, `sslrootcert` and refuse the SSL parameters Ferry does not
    /// implement. The error names the parameter, its value and what is allowed.
    pub fn from_server(s: &Server) -> Result<TlsParams, String> {
        for (name, why) in UNSUPPORTED {
            if let Some(v) = s.param(name) {
                return Err(format!(
                    "URL parameter {name}={v:?} is not supported: {why}"
                ));
            }
        }
        let non_validating = match s.param("sslfactory") {
            None => false,
            Some(v) if LIBPQ_FACTORIES.contains(&v) => false,
            Some(NON_VALIDATING_FACTORY) => true,
            Some(v) => {
                return Err(format!(
                    "URL parameter sslfactory={v:?} is not supported; allowed: {}, {}, \
                     {NON_VALIDATING_FACTORY} (or leave it out and use sslmode and sslrootcert)",
                    LIBPQ_FACTORIES[0], LIBPQ_FACTORIES[1]
                ))
            }
        };
        if let Some(v) = s.param("sslNegotiation") {
            if !v.eq_ignore_ascii_case("postgres") {
                return Err(format!(
                    "URL parameter sslNegotiation={v:?} is not supported; allowed: postgres"
                ));
            }
        }
        let mode = match (s.param("sslmode"), s.param("ssl")) {
            (Some(v), _) => MODES
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(v))
                .map(|(_, m)| *m)
                .ok_or_else(|| {
                    let allowed: Vec<&str> = MODES.iter().map(|(n, _)| *n).collect();
                    format!(
                        "invalid value {v:?} for URL parameter sslmode; allowed: {}",
                        allowed.join(", ")
                    )
                })?,
            (None, Some(v)) if v.is_empty() || v.eq_ignore_ascii_case("true") => {
                SslMode::VerifyFull
            }
            (None, Some(v)) if v.eq_ignore_ascii_case("false") => SslMode::Prefer,
            (None, Some(v)) => {
                return Err(format!(
                    "invalid value {v:?} for URL parameter ssl; allowed: true, false"
                ))
            }
            (None, None) => SslMode::Prefer,
        };
        let root_cert = match s.param("sslrootcert") {
            Some("") => return Err("URL parameter sslrootcert is empty; expected a file".into()),
            Some(p) => Some(p.to_owned()),
            None => None,
        };
        let client_key = s.param("sslkey").map(str::to_owned);
        if let Some(k) = &client_key {
            let lower = k.to_ascii_lowercase();
            if lower.ends_with(".p12") || lower.ends_with(".pfx") {
                return Err(format!(
                    "URL parameter sslkey={k:?} is not supported: PKCS#12 key stores are not \
                     supported; use a PEM or DER (PKCS#8) key and sslcert"
                ));
            }
        }
        Ok(TlsParams {
            mode,
            root_cert,
            non_validating,
            client_cert: s.param("sslcert").map(str::to_owned),
            client_key,
        })
    }

    /// The root certificate file: `sslrootcert` or `~/.postgresql/root.crt`.
    fn root_cert_path(&self) -> JdbcResult<PathBuf> {
        match &self.root_cert {
            Some(p) => Ok(PathBuf::from(p)),
            None => std::env::var_os("HOME")
                .filter(|h| !h.is_empty())
                .map(|h| PathBuf::from(h).join(".postgresql").join("root.crt"))
                .ok_or_else(|| {
                    JdbcError::Config(format!(
                        "sslmode={} needs a root certificate: set sslrootcert (HOME is not set, \
                         so the default ~/.postgresql/root.crt cannot be used)",
                        self.mode.name()
                    ))
                }),
        }
    }
}

/// `~/.postgresql/<file>`, `None` without a home directory.
fn default_file(file: &str) -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(|h| PathBuf::from(h).join(".postgresql").join(file))
}

/// Certificates of a file: PEM (one or more) or one DER certificate.
fn read_certs(bytes: Vec<u8>) -> Result<Vec<CertificateDer<'static>>, String> {
    if bytes.windows(11).any(|w| w == b"-----BEGIN ") {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
            .collect::<Result<_, _>>()
            .map_err(|e| e.to_string())?;
        if certs.is_empty() {
            return Err("it holds no PEM certificate".into());
        }
        Ok(certs)
    } else if bytes.is_empty() {
        Err("it is empty".into())
    } else {
        Ok(vec![CertificateDer::from(bytes)])
    }
}

/// A client certificate chain and its key.
type ClientAuth = (Vec<CertificateDer<'static>>, PrivateKeyDer<'static>);

/// The client certificate chain and key (pgjdbc's `LazyKeyManager`): `sslcert` and `sslkey`,
/// by default `~/.postgresql/postgresql.crt` and `~/.postgresql/postgresql.pk8`. While either
/// is at its default, a missing file means no client certificate; otherwise it is an error.
/// An empty parameter means no client certificate. Keys: PEM (PKCS#8, PKCS#1 RSA, SEC1 EC) or
/// DER PKCS#8; not encrypted.
fn client_auth(p: &TlsParams) -> JdbcResult<Option<ClientAuth>> {
    if p.client_cert.as_deref() == Some("") || p.client_key.as_deref() == Some("") {
        return Ok(None);
    }
    let defaulted = p.client_cert.is_none() || p.client_key.is_none();
    let cert_path = match &p.client_cert {
        Some(c) => PathBuf::from(c),
        None => match default_file("postgresql.crt") {
            Some(d) => d,
            None => return Ok(None),
        },
    };
    let key_path = match &p.client_key {
        Some(k) => PathBuf::from(k),
        None => match default_file("postgresql.pk8") {
            Some(d) => d,
            None => return Ok(None),
        },
    };
    let read = |path: &PathBuf, what: &str, param: &str| -> JdbcResult<Option<Vec<u8>>> {
        match std::fs::read(path) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && defaulted => Ok(None),
            Err(e) => Err(JdbcError::Config(format!(
                "cannot read the client {what} file {} (URL parameter {param}): {e}",
                path.display()
            ))),
        }
    };
    let Some(cert_bytes) = read(&cert_path, "certificate", "sslcert")? else {
        return Ok(None);
    };
    let Some(key_bytes) = read(&key_path, "key", "sslkey")? else {
        return Ok(None);
    };
    let certs = read_certs(cert_bytes).map_err(|why| {
        JdbcError::Config(format!(
            "the client certificate file {} (sslcert) is not usable: {why}",
            cert_path.display()
        ))
    })?;
    let bad_key = |why: &str| {
        JdbcError::Config(format!(
            "the client key file {} (sslkey) is not usable: {why}",
            key_path.display()
        ))
    };
    let key = if key_bytes.windows(11).any(|w| w == b"-----BEGIN ") {
        if key_bytes.windows(19).any(|w| w == b"ENCRYPTED PRIVATE K")
            || key_bytes.windows(10).any(|w| w == b"Proc-Type:")
        {
            return Err(bad_key(
                "the key is encrypted, and encrypted keys (sslpassword) are not supported",
            ));
        }
        PrivateKeyDer::from_pem_slice(&key_bytes).map_err(|e| bad_key(&e.to_string()))?
    } else if key_bytes.is_empty() {
        return Err(bad_key("it is empty"));
    } else {
        PrivateKeyDer::Pkcs8(key_bytes.into())
    };
    Ok(Some((certs, key)))
}

/// The root certificates of `path` (PEM, one or more certificates; or one DER certificate).
fn load_roots(path: &PathBuf, mode: SslMode) -> JdbcResult<RootCertStore> {
    let shown = path.display();
    let bytes = std::fs::read(path).map_err(|e| {
        JdbcError::Config(format!(
            "sslmode={}: cannot read the root certificate file {shown} (URL parameter \
             sslrootcert, default ~/.postgresql/root.crt): {e}",
            mode.name()
        ))
    })?;
    let bad = |why: String| {
        JdbcError::Config(format!(
            "sslmode={}: the root certificate file {shown} (sslrootcert) is not usable: {why}",
            mode.name()
        ))
    };
    let certs = read_certs(bytes).map_err(bad)?;
    let mut roots = RootCertStore::empty();
    for c in certs {
        roots.add(c).map_err(|e| bad(e.to_string()))?;
    }
    if roots.is_empty() {
        return Err(bad("it holds no certificate".into()));
    }
    Ok(roots)
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// `require`, `prefer`, `allow`: any certificate is accepted (pgjdbc's `NonValidatingTM`), but
/// the handshake signatures are still checked against the certificate's key.
#[derive(Debug)]
struct AcceptAnyCertificate {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// `verify-ca`: the chain must lead to a root certificate; the host name is not checked.
#[derive(Debug)]
struct VerifyChainOnly {
    roots: Arc<RootCertStore>,
    any: AcceptAnyCertificate,
}

impl ServerCertVerifier for VerifyChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let cert = rustls::server::ParsedCertificate::try_from(end_entity)?;
        rustls::client::verify_server_cert_signed_by_trust_anchor(
            &cert,
            &self.roots,
            intermediates,
            now,
            self.any.provider.signature_verification_algorithms.all,
        )?;
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.any.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.any.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.any.supported_verify_schemes()
    }
}

/// `verify-full`: the chain as `verify-ca`, then the host name as pgjdbc's
/// `PGjdbcHostnameVerifier`: the subject alternative names (DNS and IP), and the common name
/// when the certificate has no DNS name among them.
#[derive(Debug)]
struct VerifyFull {
    /// `None`: `NonValidatingFactory`, the host name only.
    chain: Option<VerifyChainOnly>,
    any: AcceptAnyCertificate,
}

impl ServerCertVerifier for VerifyFull {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Some(chain) = &self.chain {
            chain.verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)?;
        }
        let cert = rustls::server::ParsedCertificate::try_from(end_entity)?;
        match rustls::client::verify_server_name(&cert, server_name) {
            Ok(()) => Ok(ServerCertVerified::assertion()),
            Err(e) => {
                let host = match server_name {
                    ServerName::DnsName(d) => d.as_ref().to_owned(),
                    ServerName::IpAddress(ip) => std::net::IpAddr::from(*ip).to_string(),
                    _ => return Err(e),
                };
                if common_name_matches(end_entity, &host) {
                    Ok(ServerCertVerified::assertion())
                } else {
                    Err(e)
                }
            }
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.any.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.any.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.any.supported_verify_schemes()
    }
}

/// pgjdbc's last resort: a certificate without any DNS subject alternative name is matched on
/// its (most specific) common name.
fn common_name_matches(der: &CertificateDer<'_>, host: &str) -> bool {
    use x509_cert::der::oid::db::{rfc4519, rfc5280};
    use x509_cert::der::Decode;
    use x509_cert::ext::pkix::name::GeneralName;
    use x509_cert::ext::pkix::SubjectAltName;

    let Ok(cert) = x509_cert::Certificate::from_der(der.as_ref()) else {
        return false;
    };
    let tbs = &cert.tbs_certificate;
    for ext in tbs.extensions.iter().flatten() {
        if ext.extn_id == rfc5280::ID_CE_SUBJECT_ALT_NAME {
            let Ok(san) = SubjectAltName::from_der(ext.extn_value.as_bytes()) else {
                return false;
            };
            if san.0.iter().any(|n| matches!(n, GeneralName::DnsName(_))) {
                return false;
            }
        }
    }
    let names: Vec<&str> = tbs
        .subject
        .0
        .iter()
        .flat_map(|rdn| rdn.0.iter())
        .filter(|atv| atv.oid == rfc4519::CN)
        .filter_map(|atv| std::str::from_utf8(atv.value.value()).ok())
        .collect();
    // The fewer stars and then the longer, the more specific.
    names
        .into_iter()
        .max_by_key(|n| (std::cmp::Reverse(n.matches('*').count()), n.len()))
        .is_some_and(|cn| host_matches(host, cn))
}

/// pgjdbc's `verifyHostName`: case-insensitive, and `*.` covering exactly one leading label.
fn host_matches(host: &str, pattern: &str) -> bool {
    match pattern.strip_prefix('*') {
        None => host.eq_ignore_ascii_case(pattern),
        Some(rest) => {
            if rest.contains('*') || !rest.starts_with('.') || rest.len() < 2 {
                return false;
            }
            let Some(label_len) = host.len().checked_sub(rest.len()) else {
                return false;
            };
            let (label, tail) = host.split_at_checked(label_len).unwrap_or(("", ""));
            !label.is_empty() && !label.contains('.') && tail.eq_ignore_ascii_case(rest)
        }
    }
}

/// The rustls client configuration of a mode (reads the root certificate file when needed).
fn client_config(p: &TlsParams) -> JdbcResult<ClientConfig> {
    let provider = provider();
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| JdbcError::Config(format!("TLS setup failed: {e}")))?;
    let any = || AcceptAnyCertificate {
        provider: provider.clone(),
    };
    let verifier: Arc<dyn ServerCertVerifier> = match p.mode {
        SslMode::VerifyFull => Arc::new(VerifyFull {
            chain: if p.non_validating {
                None
            } else {
                Some(VerifyChainOnly {
                    roots: Arc::new(load_roots(&p.root_cert_path()?, p.mode)?),
                    any: any(),
                })
            },
            any: any(),
        }),
        SslMode::VerifyCa if !p.non_validating => Arc::new(VerifyChainOnly {
            roots: Arc::new(load_roots(&p.root_cert_path()?, p.mode)?),
            any: AcceptAnyCertificate { provider },
        }),
        _ => Arc::new(AcceptAnyCertificate { provider }),
    };
    let builder = builder
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    match client_auth(p)? {
        None => Ok(builder.with_no_client_auth()),
        Some((certs, key)) => builder.with_client_auth_cert(certs, key).map_err(|e| {
            JdbcError::Config(format!(
                "the client certificate (sslcert) and key (sslkey) are not usable: {e}"
            ))
        }),
    }
}

/// A connection that is plain or TLS, as the server and the mode decided.
pub type PgConnection = Connection<Socket, <MakeRustlsConnect as MakeTlsConnect<Socket>>::Stream>;

/// What [`connect`] needs: the mode and the TLS connector.
pub struct Tls {
    mode: SslMode,
    make: MakeRustlsConnect,
}

impl Tls {
    /// Prepare TLS for `p` (reads the root certificate for `verify-ca`/`verify-full`, so a
    /// missing file is a configuration error before any connection attempt).
    pub fn new(p: &TlsParams) -> JdbcResult<Tls> {
        let make = match p.mode {
            // Never used for TLS, but the connection type stays the same.
            SslMode::Disable => MakeRustlsConnect::new(client_config(&TlsParams {
                mode: SslMode::Require,
                root_cert: None,
                non_validating: true,
                client_cert: Some(String::new()),
                client_key: Some(String::new()),
            })?),
            _ => MakeRustlsConnect::new(client_config(p)?),
        };
        Ok(Tls { mode: p.mode, make })
    }

    pub fn mode(&self) -> SslMode {
        self.mode
    }
}

fn rejected(e: &tokio_postgres::Error) -> bool {
    e.code() == Some(&SqlState::INVALID_AUTHORIZATION_SPECIFICATION)
}

/// Connect with pgjdbc's fallbacks: `allow` retries with TLS and `prefer` without TLS when the
/// server rejects the first attempt with SQLSTATE 28000 (e.g. a `hostssl`/`hostnossl` rule).
pub async fn connect(
    cfg: &Config,
    tls: &Tls,
) -> Result<(Client, PgConnection), tokio_postgres::Error> {
    let mut cfg = cfg.clone();
    let attempt = |cfg: &mut Config, mode: PgSslMode| {
        cfg.ssl_mode(mode);
        cfg.clone()
    };
    match tls.mode {
        SslMode::Disable => {
            attempt(&mut cfg, PgSslMode::Disable)
                .connect(tls.make.clone())
                .await
        }
        SslMode::Allow => {
            match attempt(&mut cfg, PgSslMode::Disable)
                .connect(tls.make.clone())
                .await
            {
                Err(e) if rejected(&e) => {
                    attempt(&mut cfg, PgSslMode::Require)
                        .connect(tls.make.clone())
                        .await
                }
                other => other,
            }
        }
        SslMode::Prefer => {
            match attempt(&mut cfg, PgSslMode::Prefer)
                .connect(tls.make.clone())
                .await
            {
                Err(e) if rejected(&e) => {
                    attempt(&mut cfg, PgSslMode::Disable)
                        .connect(tls.make.clone())
                        .await
                }
                other => other,
            }
        }
        SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => {
            attempt(&mut cfg, PgSslMode::Require)
                .connect(tls.make.clone())
                .await
        }
    }
}

/// A configuration error for a TLS handshake that failed on the server's certificate (retrying
/// cannot help), `None` for other errors.
pub fn certificate_error(url: &str, mode: SslMode, e: &tokio_postgres::Error) -> Option<JdbcError> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = source {
        let tls = err.downcast_ref::<rustls::Error>().or_else(|| {
            err.downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
        });
        if let Some(rustls::Error::InvalidCertificate(c)) = tls {
            let what = match c {
                rustls::CertificateError::NotValidForName
                | rustls::CertificateError::NotValidForNameContext { .. } => {
                    "the host name of the URL does not match the server certificate (host name \
                     mismatch; sslmode=verify-ca checks the chain only)"
                }
                _ => "the server certificate is not accepted",
            };
            return Some(JdbcError::Config(format!(
                "TLS to {url} failed with sslmode={}: {what}: {c}",
                mode.name()
            )));
        }
        source = err.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::url::DbUrl;

    fn params(query: &str) -> Result<TlsParams, String> {
        let Ok(DbUrl::Postgres(s)) = DbUrl::parse("jdbc:postgresql://h/db") else {
            panic!("url")
        };
        let s = Server {
            params: query
                .split('&')
                .filter(|kv| !kv.is_empty())
                .map(|kv| {
                    let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                    (k.to_owned(), v.to_owned())
                })
                .collect(),
            ..s
        };
        TlsParams::from_server(&s)
    }

    fn mode(query: &str) -> SslMode {
        params(query).unwrap().mode
    }

    #[test]
    fn default_is_prefer_and_ssl_true_is_verify_full() {
        assert_eq!(mode(""), SslMode::Prefer);
        assert_eq!(mode("ssl=true"), SslMode::VerifyFull);
        assert_eq!(mode("ssl=TRUE"), SslMode::VerifyFull);
        assert_eq!(mode("ssl"), SslMode::VerifyFull);
        assert_eq!(mode("ssl="), SslMode::VerifyFull);
        assert_eq!(mode("ssl=false"), SslMode::Prefer);
        // sslmode wins over ssl.
        assert_eq!(mode("ssl=true&sslmode=require"), SslMode::Require);
        assert_eq!(mode("sslmode=disable&ssl=true"), SslMode::Disable);
    }

    #[test]
    fn every_sslmode_case_insensitively() {
        for (name, m) in MODES {
            assert_eq!(mode(&format!("sslmode={name}")), m);
            assert_eq!(mode(&format!("sslmode={}", name.to_uppercase())), m);
            assert_eq!(m.name(), name);
        }
    }

    #[test]
    fn invalid_values_name_the_parameter_and_the_allowed_values() {
        let e = params("sslmode=strict").unwrap_err();
        assert_eq!(
            e,
            "invalid value \"strict\" for URL parameter sslmode; allowed: disable, allow, prefer, \
             require, verify-ca, verify-full"
        );
        let e = params("ssl=yes").unwrap_err();
        assert_eq!(
            e,
            "invalid value \"yes\" for URL parameter ssl; allowed: true, false"
        );
        assert!(params("sslrootcert=").unwrap_err().contains("sslrootcert"));
    }

    #[test]
    fn client_certificates_and_custom_factories_are_refused_by_name() {
        for p in ["sslpassword", "sslpasswordcallback", "sslhostnameverifier"] {
            let e = params(&format!("sslmode=require&{p}=/x")).unwrap_err();
            assert!(e.starts_with(&format!("URL parameter {p}=\"/x\"")), "{e}");
        }
        let e = params("sslfactory=org.postgresql.ssl.DefaultJavaSSLFactory").unwrap_err();
        assert_eq!(
            e,
            "URL parameter sslfactory=\"org.postgresql.ssl.DefaultJavaSSLFactory\" is not \
             supported; allowed: org.postgresql.ssl.LibPQFactory, \
             org.postgresql.ssl.jdbc4.LibPQFactory, org.postgresql.ssl.NonValidatingFactory (or \
             leave it out and use sslmode and sslrootcert)"
        );
        assert!(
            !params("sslfactory=org.postgresql.ssl.LibPQFactory")
                .unwrap()
                .non_validating
        );
        assert!(
            !params("sslfactory=org.postgresql.ssl.jdbc4.LibPQFactory")
                .unwrap()
                .non_validating
        );
        let p = params("ssl=true&sslfactory=org.postgresql.ssl.NonValidatingFactory").unwrap();
        assert_eq!((p.mode, p.non_validating), (SslMode::VerifyFull, true));
        assert!(params("sslNegotiation=direct").is_err());
        assert!(params("sslNegotiation=postgres").is_ok());
    }

    #[test]
    fn root_cert_is_kept_and_read_only_when_verifying() {
        let p = params("sslmode=verify-ca&sslrootcert=/nonexistent/root.crt").unwrap();
        assert_eq!(p.root_cert.as_deref(), Some("/nonexistent/root.crt"));
        let e = Tls::new(&p).err().unwrap().to_string();
        assert!(
            e.contains("cannot read the root certificate file /nonexistent/root.crt"),
            "{e}"
        );
        // require does not read it (pgjdbc's NonValidatingTM).
        let p = params("sslmode=require&sslrootcert=/nonexistent/root.crt").unwrap();
        assert!(Tls::new(&p).is_ok());
    }

    #[test]
    fn pem_and_garbage_root_files() {
        let dir = tempfile::tempdir().unwrap();
        let garbage = dir.path().join("garbage.crt");
        std::fs::write(
            &garbage,
            "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let p = TlsParams {
            mode: SslMode::VerifyFull,
            root_cert: Some(garbage.display().to_string()),
            non_validating: false,
            client_cert: None,
            client_key: None,
        };
        let e = Tls::new(&p).err().unwrap().to_string();
        assert!(e.contains("is not usable"), "{e}");
        let empty = dir.path().join("empty.crt");
        std::fs::write(&empty, "").unwrap();
        let p = TlsParams {
            mode: SslMode::VerifyCa,
            root_cert: Some(empty.display().to_string()),
            non_validating: false,
            client_cert: None,
            client_key: None,
        };
        assert!(Tls::new(&p).is_err());
    }

    fn fixture(name: &str) -> String {
        format!("{}/tests/data/tls/{name}", env!("CARGO_MANIFEST_DIR"))
    }

    fn with_client(cert: Option<String>, key: Option<String>) -> TlsParams {
        TlsParams {
            mode: SslMode::Require,
            root_cert: None,
            non_validating: false,
            client_cert: cert,
            client_key: key,
        }
    }

    #[test]
    fn client_certificates_in_pem_and_der() {
        let cert = Some(fixture("client.crt"));
        for key in ["client.key", "client.pk8"] {
            let auth = client_auth(&with_client(cert.clone(), Some(fixture(key))))
                .unwrap()
                .unwrap();
            assert_eq!(auth.0.len(), 1);
            assert!(Tls::new(&with_client(cert.clone(), Some(fixture(key)))).is_ok());
        }
        // Empty: no client certificate.
        assert!(client_auth(&with_client(Some(String::new()), None))
            .unwrap()
            .is_none());
        // A named file that is missing is an error naming the parameter.
        let e = client_auth(&with_client(
            Some("/nonexistent/c.crt".into()),
            Some(fixture("client.key")),
        ))
        .err()
        .unwrap()
        .to_string();
        assert!(
            e.starts_with("cannot read the client certificate file /nonexistent/c.crt (URL parameter sslcert)"),
            "{e}"
        );
        let e = client_auth(&with_client(
            cert.clone(),
            Some("/nonexistent/k.pk8".into()),
        ))
        .err()
        .unwrap()
        .to_string();
        assert!(
            e.starts_with(
                "cannot read the client key file /nonexistent/k.pk8 (URL parameter sslkey)"
            ),
            "{e}"
        );
        // A certificate where the key belongs.
        let e = client_auth(&with_client(cert, Some(fixture("client.crt"))))
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("(sslkey) is not usable"), "{e}");
        let e = params("sslkey=/k/client.p12").unwrap_err();
        assert!(e.contains("PKCS#12"), "{e}");
    }

    #[test]
    fn encrypted_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let key = dir.path().join("k.pem");
        std::fs::write(
            &key,
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n",
        )
        .unwrap();
        let e = client_auth(&with_client(
            Some(fixture("client.crt")),
            Some(key.display().to_string()),
        ))
        .err()
        .unwrap()
        .to_string();
        assert!(
            e.contains("encrypted keys (sslpassword) are not supported"),
            "{e}"
        );
    }

    /// `openssl req -x509 -subj /CN=db.example.com` (no subject alternative name).
    const CN_ONLY: &str = "-----BEGIN CERTIFICATE-----\nMIIBiTCCAS+gAwIBAgIULlWXGVpdzP9M3VYfLBxVeACw2k8wCgYIKoZIzj0EAwIw\nGTEXMBUGA1UEAwwOZGIuZXhhbXBsZS5jb20wIBcNMjYxMTI2MDA1NzI2WhgPMjEy\nNjExMDIwMDU3MjZaMBkxFzAVBgNVBAMMDmRiLmV4YW1wbGUuY29tMFkwEwYHKoZI\nzj0CAQYIKoZIzj0DAQcDQgAEaxj1V01b6DaFucRgtjGyNlDeA7f5zElkZXdRfIA6\nP7wQ5kHD6HFogxdlEAzuMyRgr/ecvucOWmAjjscB7i4/DaNTMFEwHQYDVR0OBBYE\nFMsuc89E4/zD1Kgj4ElWT0uqojRZMB8GA1UdIwQYMBaAFMsuc89E4/zD1Kgj4ElW\nT0uqojRZMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIgVf16UbMB\nROe67HJShTap0R4seTMX8hF74jga3vk7DVcCIQCzw1LneiQi65msTf4PocH2utcb\nBADrDUsHY8sH8Sbunw==\n-----END CERTIFICATE-----\n";
    /// CN=db.example.com, subjectAltName=DNS:other.example.com.
    const CN_AND_DNS_SAN: &str = "-----BEGIN CERTIFICATE-----\nMIIBpjCCAU2gAwIBAgIUHKW3DBg7AMh4CU+IBIfwLOK94FkwCgYIKoZIzj0EAwIw\nGTEXMBUGA1UEAwwOZGIuZXhhbXBsZS5jb20wIBcNMjYxMTI2MDA1NzI2WhgPMjEy\nNjExMDIwMDU3MjZaMBkxFzAVBgNVBAMMDmRiLmV4YW1wbGUuY29tMFkwEwYHKoZI\nzj0CAQYIKoZIzj0DAQcDQgAETP1BYOC2cdEG/rqgbBWKwRvetBvmUqafVI3et+cS\nckrrbzZ7RtELWHCqcOY1/UnksTlh7we69TXX5MmiVBQ/UqNxMG8wHQYDVR0OBBYE\nFBBXvCcBvuxYfQbbzIJouJLDT6aOMB8GA1UdIwQYMBaAFBBXvCcBvuxYfQbbzIJo\nuJLDT6aOMA8GA1UdEwEB/wQFMAMBAf8wHAYDVR0RBBUwE4IRb3RoZXIuZXhhbXBs\nZS5jb20wCgYIKoZIzj0EAwIDRwAwRAIgMmWYl2YW6cJQoSFZekkHcoS21NPt+VqP\n5oVJp3uYhFUCIFmtLH+LyYmk8JfyptwqOtKzZSgNhDfcp3xs3d6GmMWI\n-----END CERTIFICATE-----\n";
    /// CN=*.example.com (no subject alternative name).
    const WILDCARD_CN: &str = "-----BEGIN CERTIFICATE-----\nMIIBhjCCAS2gAwIBAgIUE4SI3BcINo5e9N0j4NvxkCqtyrUwCgYIKoZIzj0EAwIw\nGDEWMBQGA1UEAwwNKi5leGFtcGxlLmNvbTAgFw0yNjExMjYwMDU3MjZaGA8yMTI2\nMTEwMjAwNTcyNlowGDEWMBQGA1UEAwwNKi5leGFtcGxlLmNvbTBZMBMGByqGSM49\nAgEGCCqGSM49AwEHA0IABP9C+L3lj/zTmcVKOAnlulSHxpiWK8KAhZD4r5Lh/JFc\nvTq0IVKbIl5p6WmV94IX3ImZyC3BiCzwPbGcrlDVtTSjUzBRMB0GA1UdDgQWBBRj\nsNQqnurxydH2v30RJSt7pJF1ZTAfBgNVHSMEGDAWgBRjsNQqnurxydH2v30RJSt7\npJF1ZTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cAMEQCIASffZnJ3EBL\nHYWF50+I/wK8tmrhpX4gr8aCs4cQxqG3AiBvt88jCwfx/dLxgSOrE/xuL1yg4OMq\ndlXVEV0VEvFw9g==\n-----END CERTIFICATE-----\n";
    /// CN=10.1.2.3, subjectAltName=IP:10.9.9.9 (no DNS name).
    const IP_SAN: &str = "-----BEGIN CERTIFICATE-----\nMIIBjzCCATSgAwIBAgIUEpRnTAVL1hRIDCxccAI3z8oBXZkwCgYIKoZIzj0EAwIw\nEzERMA8GA1UEAwwIMTAuMS4yLjMwIBcNMjYxMTI2MDA1NzI2WhgPMjEyNjExMDIw\nMDU3MjZaMBMxETAPBgNVBAMMCDEwLjEuMi4zMFkwEwYHKoZIzj0CAQYIKoZIzj0D\nAQcDQgAExYWuYqZ0nCqrFl3cyJir9bCsPWC03icAmRRjTTKu45zAaXj1DXjIFJrf\nZRnCLWxanJCgYcto4OclkefzBVLVeKNkMGIwHQYDVR0OBBYEFHx2nz7AkJJmNJ20\nfuakwmHF+OLiMB8GA1UdIwQYMBaAFHx2nz7AkJJmNJ20fuakwmHF+OLiMA8GA1Ud\nEwEB/wQFMAMBAf8wDwYDVR0RBAgwBocECgkJCTAKBggqhkjOPQQDAgNJADBGAiEA\n7TAEvC1aMVoMY6mVznzysoICdxoAvZVQFJEzhVxfKlUCIQDD464x0xLoBFh+WIuH\nbvIUD6/ickDuYDr1TP+dru3nvg==\n-----END CERTIFICATE-----\n";

    fn der(pem: &str) -> CertificateDer<'static> {
        CertificateDer::from_pem_slice(pem.as_bytes()).unwrap()
    }

    #[test]
    fn the_common_name_counts_only_without_a_dns_subject_alternative_name() {
        assert!(common_name_matches(&der(CN_ONLY), "db.example.com"));
        assert!(common_name_matches(&der(CN_ONLY), "DB.Example.COM"));
        assert!(!common_name_matches(&der(CN_ONLY), "other.example.com"));
        // A DNS SAN present: pgjdbc ignores the CN (and rustls checks the SAN).
        assert!(!common_name_matches(&der(CN_AND_DNS_SAN), "db.example.com"));
        assert!(common_name_matches(&der(WILDCARD_CN), "db.example.com"));
        assert!(!common_name_matches(&der(WILDCARD_CN), "a.db.example.com"));
        assert!(!common_name_matches(&der(WILDCARD_CN), "example.com"));
        // Only IP SANs: the CN is still tried, as in pgjdbc.
        assert!(common_name_matches(&der(IP_SAN), "10.1.2.3"));
        assert!(!common_name_matches(&der(IP_SAN), "10.9.9.8"));
    }

    #[test]
    fn host_patterns_as_pgjdbc() {
        assert!(host_matches("a.b.com", "*.b.com"));
        assert!(host_matches("A.B.com", "*.b.COM"));
        assert!(!host_matches("x.a.b.com", "*.b.com"));
        assert!(!host_matches(".b.com", "*.b.com"));
        assert!(!host_matches("b.com", "*.b.com"));
        assert!(!host_matches("a.com", "*"));
        assert!(!host_matches("ab.com", "a*.com"));
        assert!(!host_matches("a.b.com", "*.*.com"));
        assert!(host_matches("localhost", "localhost"));
    }
}
