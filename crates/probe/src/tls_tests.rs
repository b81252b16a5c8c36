//! Certificate capture and verdicts over a real STARTTLS handshake with local listeners.

use std::time::Duration;

use rcgen::{CertificateParams, KeyPair};

use super::smtp_tests::{HOST, Pki, pki, run, starttls_server, starttls_server_with};
use mtasts_core::evidence::{CertVerdict, SmtpOutcome};

#[tokio::test]
async fn starttls_with_certificate_from_extra_anchor() {
    let pki = pki(HOST);
    let addr = starttls_server(&pki).await;
    let ev = run(addr, std::slice::from_ref(&pki.ca), jiff::Timestamp::now(), Duration::from_secs(2)).await;
    assert_eq!(ev.outcome, SmtpOutcome::TlsEstablished);
    let banner = ev.banner.unwrap();
    assert_eq!((banner.code, banner.lines.len()), (220, 2));
    assert_eq!(ev.starttls_offered, Some(true));
    assert_eq!(ev.starttls_reply.unwrap().code, 220);
    let tls = ev.tls.unwrap();
    assert_eq!(tls.version, "TLSv1_3");
    assert!(tls.cipher.starts_with("TLS13_"), "{}", tls.cipher);
    assert_eq!(tls.cert.verdict, CertVerdict::TrustedViaExtraAnchor);
    assert_eq!(tls.cert.sans, vec![HOST.to_owned()]);
    assert_eq!(tls.cert.chain_len, 1);
    assert!(tls.cert.not_after.is_some() && tls.cert.detail.is_none());
}

#[tokio::test]
async fn certificate_verdicts_are_recorded_not_enforced() {
    let pki_ok = pki(HOST);
    let cases = [
        (pki_ok, true, "2030-01-01T00:00:00Z", CertVerdict::TrustedViaExtraAnchor),
        (pki(HOST), false, "2030-01-01T00:00:00Z", CertVerdict::UnknownIssuer),
        (pki(HOST), true, "5000-01-01T00:00:00Z", CertVerdict::Expired),
        (pki(HOST), true, "1970-01-02T00:00:00Z", CertVerdict::NotYetValid),
        (pki("other.example"), true, "2030-01-01T00:00:00Z", CertVerdict::NameMismatch),
    ];
    for (pki, trust_ca, now, verdict) in cases {
        let addr = starttls_server(&pki).await;
        let anchors = if trust_ca { vec![pki.ca.clone()] } else { Vec::new() };
        let ev = run(addr, &anchors, now.parse().unwrap(), Duration::from_secs(2)).await;
        assert_eq!(ev.outcome, SmtpOutcome::TlsEstablished, "{verdict:?}");
        let cert = ev.tls.unwrap().cert;
        assert_eq!(cert.verdict, verdict);
        assert_eq!(cert.detail.is_some(), verdict != CertVerdict::TrustedViaExtraAnchor);
    }
}

#[tokio::test]
async fn self_signed_certificate() {
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec![HOST.to_owned()]).unwrap().self_signed(&key).unwrap();
    let pki = Pki { ca: cert.der().clone(), leaf: cert.der().clone(), key: key.serialize_der() };
    let addr = starttls_server(&pki).await;
    let ev = run(addr, &[], jiff::Timestamp::now(), Duration::from_secs(2)).await;
    assert_eq!(ev.tls.unwrap().cert.verdict, CertVerdict::SelfSigned);
}

#[tokio::test]
async fn tls12_session_is_recorded_with_its_version_and_suite() {
    let pki = pki(HOST);
    let addr = starttls_server_with(&pki, &[&rustls::version::TLS12]).await;
    let ev = run(addr, std::slice::from_ref(&pki.ca), jiff::Timestamp::now(), Duration::from_secs(2)).await;
    let tls = ev.tls.unwrap();
    assert_eq!(tls.version, "TLSv1_2");
    assert!(tls.cipher.starts_with("TLS_ECDHE_"), "{}", tls.cipher);
    assert_eq!(tls.cert.verdict, CertVerdict::TrustedViaExtraAnchor);
}
