//! A private certificate authority for the lab, built with rcgen.
//!
//! Every certificate is dated relative to a `now` passed in, so a scenario's "expired" or
//! "expiring in 5 days" stays true whatever the wall clock says.

use std::sync::Arc;
use std::time::Duration;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::sign::CertifiedKey;

use super::LabError;
use super::scenario::CertKind;

const DAY: u64 = 86_400;

/// A certificate and its private key, ready to be served.
#[derive(Debug)]
pub struct IssuedCert {
    /// The chain to send: the leaf first, then the CA (absent for self-signed leaves).
    pub chain: Vec<CertificateDer<'static>>,
    /// The leaf's PKCS#8 private key.
    pub key: PrivatePkcs8KeyDer<'static>,
}

impl IssuedCert {
    /// The leaf certificate.
    pub fn leaf(&self) -> &CertificateDer<'static> {
        &self.chain[0]
    }

    /// The chain and key as a rustls `CertifiedKey` (aws-lc-rs signing).
    pub fn certified_key(&self) -> Result<Arc<CertifiedKey>, LabError> {
        let der = PrivateKeyDer::Pkcs8(self.key.clone_key());
        let signer = rustls::crypto::aws_lc_rs::sign::any_supported_type(&der)
            .map_err(|e| LabError::Tls(e.to_string()))?;
        Ok(Arc::new(CertifiedKey::new(self.chain.clone(), signer)))
    }
}

/// The lab's root CA. Hand [`LabCa::cert_pem`] to a probe as an extra trust anchor.
pub struct LabCa {
    issuer: Issuer<'static, KeyPair>,
    cert_der: CertificateDer<'static>,
    cert_pem: String,
    now: jiff::Timestamp,
}

impl std::fmt::Debug for LabCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LabCa").field("now", &self.now).finish_non_exhaustive()
    }
}

/// Seconds since the epoch of `now` shifted by `days`, clamped at the epoch.
fn secs(now: jiff::Timestamp, days: i64) -> u64 {
    let shifted = now.as_second().saturating_add(days.saturating_mul(DAY as i64));
    u64::try_from(shifted).unwrap_or(0)
}

fn validity(kind: &CertKind) -> (i64, i64) {
    match kind {
        CertKind::Expired => (-400, -10),
        CertKind::NotYetValid => (10, 400),
        CertKind::ExpiringInDays(days) => (-60, i64::from(*days)),
        CertKind::Valid | CertKind::SelfSigned | CertKind::WrongName(_) | CertKind::Named { .. } => {
            (-30, 365)
        }
    }
}

impl LabCa {
    /// Creates a fresh CA valid from ten years before `now` to ten years after.
    pub fn new(now: jiff::Timestamp) -> Result<LabCa, LabError> {
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params.distinguished_name.push(DnType::CommonName, "mtasts lab root CA");
        params.distinguished_name.push(DnType::OrganizationName, "mtasts lab");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.not_before = rcgen::date_time_ymd(1970, 1, 1) + Duration::from_secs(secs(now, -3650));
        params.not_after = rcgen::date_time_ymd(1970, 1, 1) + Duration::from_secs(secs(now, 3650));
        let key = KeyPair::generate()?;
        let cert = params.self_signed(&key)?;
        Ok(LabCa {
            cert_der: cert.der().clone(),
            cert_pem: cert.pem(),
            issuer: Issuer::new(params, key),
            now,
        })
    }

    /// The CA certificate, PEM-encoded.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// The CA certificate, DER-encoded.
    pub fn cert_der(&self) -> &CertificateDer<'static> {
        &self.cert_der
    }

    /// The instant every certificate's validity is relative to.
    pub fn now(&self) -> jiff::Timestamp {
        self.now
    }

    /// Issues a server certificate for `host` with the property `kind` describes.
    pub fn issue(&self, host: &str, kind: &CertKind) -> Result<IssuedCert, LabError> {
        let (cn, san) = match kind {
            CertKind::WrongName(other) => (other.clone(), other.clone()),
            CertKind::Named { common_name, san } => (common_name.clone(), san.clone()),
            _ => (host.to_owned(), host.to_owned()),
        };
        let mut params = CertificateParams::new(vec![san])?;
        params.distinguished_name.push(DnType::CommonName, cn);
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        let (from, until) = validity(kind);
        params.not_before = rcgen::date_time_ymd(1970, 1, 1) + Duration::from_secs(secs(self.now, from));
        params.not_after = rcgen::date_time_ymd(1970, 1, 1) + Duration::from_secs(secs(self.now, until));
        let key = KeyPair::generate()?;
        let chain = if matches!(kind, CertKind::SelfSigned) {
            vec![params.self_signed(&key)?.der().clone()]
        } else {
            vec![params.signed_by(&key, &self.issuer)?.der().clone(), self.cert_der.clone()]
        };
        Ok(IssuedCert { chain, key: PrivatePkcs8KeyDer::from(key.serialize_der()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_windows_follow_the_kind() {
        assert_eq!(validity(&CertKind::Expired), (-400, -10));
        assert_eq!(validity(&CertKind::ExpiringInDays(5)), (-60, 5));
        assert_eq!(secs(jiff::Timestamp::UNIX_EPOCH, -1), 0);
        let now: jiff::Timestamp = "2026-03-01T00:00:00Z".parse().unwrap();
        assert_eq!(secs(now, 1), now.as_second() as u64 + DAY);
    }

    #[test]
    fn issued_chain_contains_the_ca_unless_self_signed() {
        let now: jiff::Timestamp = "2026-03-01T00:00:00Z".parse().unwrap();
        let ca = LabCa::new(now).unwrap();
        let valid = ca.issue("mx1.good.example", &CertKind::Valid).unwrap();
        assert_eq!(valid.chain.len(), 2);
        assert_eq!(&valid.chain[1], ca.cert_der());
        let own = ca.issue("mx1.good.example", &CertKind::SelfSigned).unwrap();
        assert_eq!(own.chain.len(), 1);
        assert!(ca.cert_pem().starts_with("-----BEGIN CERTIFICATE-----"));
        assert!(valid.certified_key().is_ok());
    }
}
