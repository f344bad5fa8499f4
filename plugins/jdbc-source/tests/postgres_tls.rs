//! TLS to PostgreSQL (127.0.0.1:5432, db `test`, `ssl = on` with Debian's snakeoil certificate,
//! whose only name is `localhost`): the connector's own session reports through
//! `pg_stat_ssl` whether it is encrypted, and the certificate checks of `verify-ca` and
//! `verify-full` accept and refuse what pgjdbc does.

#![allow(clippy::unwrap_used, clippy::expect_used)] // test code

mod common;

use common::*;

const SNAKEOIL: &str = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
/// Public CAs only: none of them signed the snakeoil certificate.
const PUBLIC_CAS: &str = "/etc/ssl/certs/ca-certificates.crt";

/// Whether the connector's session is encrypted, and its TLS version, as the server sees it.
fn session_ssl(url: &str) -> String {
    let cfg = [
        ("mode", "bulk"),
        (
            "query",
            "SELECT ssl, coalesce(version, 'none') AS version FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
        ),
        ("topic.prefix", "pg-tls"),
    ];
    let mut h = harness_url(url, &cfg).unwrap_or_else(|e| panic!("{url}: {e}"));
    let mut t = task(&mut h);
    let got = rendered(&poll_n(&mut t, 1));
    t.stop().unwrap();
    got[0].clone()
}

/// The configuration/connection error of `url`.
fn error(url: &str) -> String {
    harness_url(url, &[("mode", "bulk"), ("topic.prefix", "pg-tls")])
        .err()
        .unwrap_or_else(|| panic!("{url} connected"))
        .to_string()
}

#[test]
fn require_encrypts_and_disable_does_not() {
    assert!(
        std::path::Path::new(SNAKEOIL).exists(),
        "{SNAKEOIL} missing"
    );
    assert_eq!(
        session_ssl("jdbc:postgresql://127.0.0.1:5432/test?sslmode=require"),
        "Struct{ssl=true,version=TLSv1.3}"
    );
    assert_eq!(
        session_ssl("jdbc:postgresql://127.0.0.1:5432/test?sslmode=disable"),
        "Struct{ssl=false,version=none}"
    );
}

#[test]
fn prefer_is_the_default_and_uses_tls_when_offered_allow_starts_plain() {
    assert_eq!(
        session_ssl("jdbc:postgresql://127.0.0.1:5432/test"),
        "Struct{ssl=true,version=TLSv1.3}"
    );
    assert_eq!(
        session_ssl("jdbc:postgresql://127.0.0.1:5432/test?sslmode=prefer"),
        "Struct{ssl=true,version=TLSv1.3}"
    );
    // ssl=false is not "disable" in pgjdbc: it leaves the default, prefer.
    assert_eq!(
        session_ssl("jdbc:postgresql://127.0.0.1:5432/test?ssl=false"),
        "Struct{ssl=true,version=TLSv1.3}"
    );
    assert_eq!(
        session_ssl("jdbc:postgresql://127.0.0.1:5432/test?sslmode=allow"),
        "Struct{ssl=false,version=none}"
    );
}

#[test]
fn require_does_not_check_the_certificate_even_with_a_root_file() {
    // pgjdbc's NonValidatingTM: unlike libpq, sslrootcert does not turn on checking.
    assert_eq!(
        session_ssl(&format!(
            "jdbc:postgresql://127.0.0.1:5432/test?sslmode=require&sslrootcert={PUBLIC_CAS}"
        )),
        "Struct{ssl=true,version=TLSv1.3}"
    );
}

#[test]
fn verify_ca_accepts_the_snakeoil_root_whatever_the_host_name() {
    assert_eq!(
        session_ssl(&format!(
            "jdbc:postgresql://127.0.0.1:5432/test?sslmode=verify-ca&sslrootcert={SNAKEOIL}"
        )),
        "Struct{ssl=true,version=TLSv1.3}"
    );
}

#[test]
fn verify_ca_refuses_a_certificate_of_another_ca() {
    let e = error(&format!(
        "jdbc:postgresql://127.0.0.1:5432/test?sslmode=verify-ca&sslrootcert={PUBLIC_CAS}"
    ));
    assert!(
        e.contains("TLS to jdbc:postgresql://127.0.0.1:5432/test failed with sslmode=verify-ca: the server certificate is not accepted"),
        "{e}"
    );
    assert!(e.contains("UnknownIssuer"), "{e}");
}

#[test]
fn verify_full_checks_the_host_name() {
    let e = error(&format!(
        "jdbc:postgresql://127.0.0.1:5432/test?sslmode=verify-full&sslrootcert={SNAKEOIL}"
    ));
    assert!(
        e.contains("TLS to jdbc:postgresql://127.0.0.1:5432/test failed with sslmode=verify-full: the host name of the URL does not match the server certificate (host name mismatch"),
        "{e}"
    );
    assert!(e.contains("127.0.0.1"), "{e}");
    // The certificate's name is localhost.
    assert_eq!(
        session_ssl(&format!(
            "jdbc:postgresql://localhost:5432/test?sslmode=verify-full&sslrootcert={SNAKEOIL}"
        )),
        "Struct{ssl=true,version=TLSv1.3}"
    );
    // ssl=true is verify-full.
    assert_eq!(
        session_ssl(&format!(
            "jdbc:postgresql://localhost:5432/test?ssl=true&sslrootcert={SNAKEOIL}"
        )),
        "Struct{ssl=true,version=TLSv1.3}"
    );
    let e = error(&format!(
        "jdbc:postgresql://127.0.0.1:5432/test?ssl=true&sslrootcert={SNAKEOIL}"
    ));
    assert!(e.contains("host name mismatch"), "{e}");
}

#[test]
fn a_missing_root_certificate_is_a_clear_error() {
    let e = error(
        "jdbc:postgresql://127.0.0.1:5432/test?sslmode=verify-ca&sslrootcert=/nonexistent/root.crt",
    );
    assert!(
        e.contains("sslmode=verify-ca: cannot read the root certificate file /nonexistent/root.crt (URL parameter sslrootcert"),
        "{e}"
    );
}

#[test]
fn invalid_and_unsupported_parameters_are_named() {
    let e = error("jdbc:postgresql://127.0.0.1:5432/test?sslmode=on");
    assert!(
        e.contains("invalid value \"on\" for URL parameter sslmode; allowed: disable, allow, prefer, require, verify-ca, verify-full"),
        "{e}"
    );
    let e = error("jdbc:postgresql://127.0.0.1:5432/test?ssl=1");
    assert!(
        e.contains("invalid value \"1\" for URL parameter ssl; allowed: true, false"),
        "{e}"
    );
    let e =
        error("jdbc:postgresql://127.0.0.1:5432/test?sslmode=require&sslcert=/c.crt&sslkey=/c.pk8");
    assert!(
        e.contains("cannot read the client certificate file /c.crt (URL parameter sslcert)"),
        "{e}"
    );
    let e = error("jdbc:postgresql://127.0.0.1:5432/test?sslmode=require&sslpassword=secret");
    assert!(
        e.contains("URL parameter sslpassword=\"secret\" is not supported: encrypted client keys"),
        "{e}"
    );
}

/// The validation errors of a bulk connector on `url`, in the connector's order.
fn url_errors(url: &str) -> Vec<(String, Vec<String>)> {
    validation_errors(&[
        ("name", "jdbc"),
        ("connection.url", url),
        ("mode", "bulk"),
        ("topic.prefix", "t"),
    ])
}

#[test]
fn validation_reports_tls_problems_on_connection_url() {
    for (url, wanted) in [
        (
            "jdbc:postgresql://127.0.0.1:5432/test?sslmode=on".to_owned(),
            "invalid value \"on\" for URL parameter sslmode",
        ),
        (
            "jdbc:postgresql://127.0.0.1:5432/test?sslmode=require&sslpassword=x".to_owned(),
            "URL parameter sslpassword=\"x\" is not supported",
        ),
        (
            "jdbc:postgresql://127.0.0.1:5432/test?sslmode=verify-full&sslrootcert=/nonexistent/r.crt"
                .to_owned(),
            "cannot read the root certificate file /nonexistent/r.crt",
        ),
        (
            format!("jdbc:postgresql://127.0.0.1:5432/test?sslmode=verify-full&sslrootcert={SNAKEOIL}"),
            "host name mismatch",
        ),
    ] {
        let errors = url_errors(&url);
        assert_eq!(errors.len(), 1, "{url}: {errors:?}");
        assert_eq!(errors[0].0, "connection.url", "{url}: {errors:?}");
        assert!(errors[0].1[0].contains(wanted), "{url}: {errors:?}");
    }
    assert_eq!(
        url_errors(&format!(
            "jdbc:postgresql://127.0.0.1:5432/test?sslmode=verify-ca&sslrootcert={SNAKEOIL}"
        )),
        []
    );
}

#[test]
fn non_validating_factory_skips_the_chain_but_verify_full_still_checks_the_host_name() {
    const NV: &str = "sslfactory=org.postgresql.ssl.NonValidatingFactory";
    // No sslrootcert and no ~/.postgresql/root.crt needed: the chain is not checked.
    assert_eq!(
        session_ssl(&format!(
            "jdbc:postgresql://localhost:5432/test?ssl=true&{NV}&sslrootcert=/nonexistent/r.crt"
        )),
        "Struct{ssl=true,version=TLSv1.3}"
    );
    assert_eq!(
        session_ssl(&format!(
            "jdbc:postgresql://127.0.0.1:5432/test?sslmode=verify-ca&{NV}&sslrootcert={PUBLIC_CAS}"
        )),
        "Struct{ssl=true,version=TLSv1.3}"
    );
    // pgjdbc's MakeSSL checks the host name for verify-full (ssl=true) whatever the factory.
    let e = error(&format!(
        "jdbc:postgresql://127.0.0.1:5432/test?ssl=true&{NV}"
    ));
    assert!(e.contains("host name mismatch"), "{e}");
}

fn fixture(name: &str) -> String {
    format!("{}/tests/data/tls/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn client_certificates_are_accepted_by_a_server_that_does_not_ask_for_them() {
    for key in ["client.key", "client.pk8"] {
        assert_eq!(
            session_ssl(&format!(
                "jdbc:postgresql://127.0.0.1:5432/test?sslmode=require&sslcert={}&sslkey={}",
                fixture("client.crt"),
                fixture(key)
            )),
            "Struct{ssl=true,version=TLSv1.3}"
        );
    }
    // pgjdbc: with sslkey left at its default, a missing sslcert file is no error.
    assert_eq!(
        session_ssl(
            "jdbc:postgresql://127.0.0.1:5432/test?sslmode=require&sslcert=/nonexistent/c.crt"
        ),
        "Struct{ssl=true,version=TLSv1.3}"
    );
}

/// A server that answers PostgreSQL's SSLRequest, requires a client certificate signed by
/// `ca.crt` and returns the certificates the client presented (then hangs up).
fn client_certificate_seen_by_a_server(query: &str) -> Vec<Vec<u8>> {
    use std::sync::Arc;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio_rustls::rustls;
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(fixture("ca.crt")).unwrap())
        .unwrap();
    let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots),
        provider.clone(),
    )
    .build()
    .unwrap();
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            vec![CertificateDer::from_pem_file(fixture("server.crt")).unwrap()],
            PrivateKeyDer::from_pem_file(fixture("server.key")).unwrap(),
        )
        .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            listener.set_nonblocking(true).unwrap();
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let (mut sock, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 8];
            sock.read_exact(&mut request).await.unwrap();
            assert_eq!(request, [0, 0, 0, 8, 4, 210, 22, 47], "SSLRequest");
            sock.write_all(b"S").await.unwrap();
            let tls = acceptor.accept(sock).await;
            match tls {
                Ok(tls) => tls
                    .get_ref()
                    .1
                    .peer_certificates()
                    .unwrap_or_default()
                    .iter()
                    .map(|c| c.to_vec())
                    .collect(),
                Err(_) => Vec::new(),
            }
        })
    });
    let url = format!("jdbc:postgresql://127.0.0.1:{port}/test?{query}");
    // The server hangs up after the handshake: the connection itself fails.
    let _ = harness_url(
        &url,
        &[
            ("mode", "bulk"),
            ("topic.prefix", "pg-tls"),
            ("connection.attempts", "1"),
        ],
    );
    // Had the connector never connected, this unblocks the server, which then fails the test.
    let _ = std::net::TcpStream::connect(("127.0.0.1", port));
    server.join().unwrap()
}

#[test]
fn the_client_certificate_is_presented_when_the_server_asks() {
    use tokio_rustls::rustls::pki_types::pem::PemObject;
    use tokio_rustls::rustls::pki_types::CertificateDer;
    let client = CertificateDer::from_pem_file(fixture("client.crt"))
        .unwrap()
        .to_vec();
    for key in ["client.key", "client.pk8"] {
        let seen = client_certificate_seen_by_a_server(&format!(
            "sslmode=require&sslcert={}&sslkey={}",
            fixture("client.crt"),
            fixture(key)
        ));
        assert_eq!(seen, std::slice::from_ref(&client), "{key}");
    }
    // Without sslcert (and no ~/.postgresql/postgresql.crt) nothing is presented, and the
    // server refuses the handshake.
    if !std::path::Path::new(&format!(
        "{}/.postgresql/postgresql.crt",
        std::env::var("HOME").unwrap_or_default()
    ))
    .exists()
    {
        assert!(client_certificate_seen_by_a_server("sslmode=require").is_empty());
    }
}
