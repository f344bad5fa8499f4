//! Session keys and internal request signatures (KIP-507, `connect.protocol=sessioned`): the
//! leader writes a random HMAC key to the config topic; internal requests carry
//! `X-Connect-Authorization` (base64 HMAC of the body) and
//! `X-Connect-Request-Signature-Algorithm`.

use base64::Engine as _;
use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha384, Sha512};

use crate::herder::{HerderError, InternalSignature};
use crate::storage::SessionKey;

/// The signature header.
pub const SIGNATURE_HEADER: &str = "X-Connect-Authorization";
/// The algorithm header.
pub const ALGORITHM_HEADER: &str = "X-Connect-Request-Signature-Algorithm";

/// A fresh random key for `algorithm` (`key_bits`, default 256), stamped `now_ms`.
pub fn generate(algorithm: &str, key_bits: Option<i32>, now_ms: i64) -> Result<SessionKey, String> {
    let bytes = usize::try_from(key_bits.unwrap_or(256).max(8) / 8).unwrap_or(32);
    let mut key = vec![0u8; bytes];
    let mut random = std::fs::File::open("/dev/urandom")
        .map_err(|e| format!("Cannot read random bytes for a session key: {e}"))?;
    std::io::Read::read_exact(&mut random, &mut key)
        .map_err(|e| format!("Cannot read random bytes for a session key: {e}"))?;
    Ok(SessionKey {
        key,
        algorithm: algorithm.to_owned(),
        creation_timestamp_ms: now_ms,
    })
}

fn mac(algorithm: &str, key: &[u8], body: &[u8]) -> Option<Vec<u8>> {
    fn run<M: Mac + hmac::digest::KeyInit>(key: &[u8], body: &[u8]) -> Option<Vec<u8>> {
        let mut m = <M as Mac>::new_from_slice(key).ok()?;
        m.update(body);
        Some(m.finalize().into_bytes().to_vec())
    }
    match algorithm {
        "HmacSHA256" => run::<Hmac<Sha256>>(key, body),
        "HmacSHA384" => run::<Hmac<Sha384>>(key, body),
        "HmacSHA512" => run::<Hmac<Sha512>>(key, body),
        _ => None,
    }
}

/// The base64 signature of `body` with `key` under `algorithm`.
pub fn sign(algorithm: &str, key: &SessionKey, body: &[u8]) -> Option<String> {
    mac(algorithm, &key.key, body).map(|m| base64::engine::general_purpose::STANDARD.encode(m))
}

/// Kafka's checks, in its order: missing headers 400, unknown algorithm 400, no key yet 503,
/// wrong signature 403.
pub fn verify(
    signature: Option<&InternalSignature>,
    allowed: &[String],
    key: Option<&SessionKey>,
) -> Result<(), HerderError> {
    let Some(signature) = signature else {
        return Err(HerderError::BadRequest(
            "Internal request missing required signature".into(),
        ));
    };
    if !allowed.iter().any(|a| a == &signature.algorithm)
        || mac(&signature.algorithm, b"k", b"").is_none()
    {
        return Err(HerderError::BadRequest(format!(
            "This worker does not support the requested signature algorithm: {}; supported algorithms: {}",
            signature.algorithm,
            allowed.join(", ")
        )));
    }
    let Some(key) = key else {
        return Err(HerderError::Unavailable("This worker is still starting up and has not been able to read a session key from the config topic yet".into()));
    };
    let given = base64::engine::general_purpose::STANDARD
        .decode(signature.signature.trim())
        .unwrap_or_default();
    let expected = mac(&signature.algorithm, &key.key, &signature.body).unwrap_or_default();
    if given.is_empty() || !constant_time_eq(&given, &expected) {
        return Err(HerderError::Forbidden(
            "Internal request contained invalid signature.".into(),
        ));
    }
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> SessionKey {
        SessionKey {
            key: b"0123456789abcdef0123456789abcdef".to_vec(),
            algorithm: "HmacSHA256".into(),
            creation_timestamp_ms: 0,
        }
    }

    fn signed(body: &[u8], algorithm: &str) -> InternalSignature {
        InternalSignature {
            signature: sign("HmacSHA256", &key(), body).unwrap(),
            algorithm: algorithm.into(),
            body: body.to_vec(),
        }
    }

    #[test]
    fn hmac_sha256_matches_a_known_vector() {
        // RFC 4231 test case 2.
        let k = SessionKey {
            key: b"Jefe".to_vec(),
            ..key()
        };
        let sig = sign("HmacSHA256", &k, b"what do ya want for nothing?").unwrap();
        let hex: String = base64::engine::general_purpose::STANDARD
            .decode(sig)
            .unwrap()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            hex,
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn checks_in_kafkas_order() {
        let allowed = vec!["HmacSHA256".to_string()];
        let status = |r: Result<(), HerderError>| r.err().map(|e| e.status());
        assert_eq!(status(verify(None, &allowed, Some(&key()))), Some(400));
        let bad_algo = signed(b"[]", "HmacMD5");
        assert_eq!(status(verify(Some(&bad_algo), &allowed, None)), Some(400));
        let good = signed(b"[]", "HmacSHA256");
        assert_eq!(status(verify(Some(&good), &allowed, None)), Some(503));
        assert_eq!(status(verify(Some(&good), &allowed, Some(&key()))), None);
        let mut tampered = good.clone();
        tampered.body = b"[{}]".to_vec();
        assert_eq!(
            status(verify(Some(&tampered), &allowed, Some(&key()))),
            Some(403)
        );
    }

    #[test]
    fn generated_keys_have_the_requested_size() {
        let k = generate("HmacSHA256", None, 7).unwrap();
        assert_eq!(k.key.len(), 32);
        assert_eq!(k.creation_timestamp_ms, 7);
        assert_ne!(k.key, generate("HmacSHA256", None, 7).unwrap().key);
    }
}
