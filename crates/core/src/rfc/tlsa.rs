//! TLSA association data (RFC 6698 §2.1.3–2.1.4): which part of a certificate a selector
//! names and how a matching type digests it. Shared by the DANE judge and whoever publishes
//! TLSA records (the lab signs zones with them).

use sha2::{Digest, Sha256, Sha512};

/// The part of a certificate (DER) a selector names: 0 the certificate, 1 its
/// SubjectPublicKeyInfo. `None` for another selector or a certificate that does not parse.
pub fn selected(cert: &[u8], selector: u8) -> Option<Vec<u8>> {
    match selector {
        0 => Some(cert.to_vec()),
        1 => {
            let (_, parsed) = x509_parser::parse_x509_certificate(cert).ok()?;
            Some(parsed.tbs_certificate.subject_pki.raw.to_vec())
        }
        _ => None,
    }
}

/// The association data for `bytes` under a matching type: 0 the bytes, 1 SHA-256, 2 SHA-512.
pub fn associate(bytes: &[u8], matching: u8) -> Option<Vec<u8>> {
    match matching {
        0 => Some(bytes.to_vec()),
        1 => Some(Sha256::digest(bytes).to_vec()),
        2 => Some(Sha512::digest(bytes).to_vec()),
        _ => None,
    }
}
