//! Certificates from the lab CA really have their kind's property, and the HTTPS policy host
//! answers as each scenario says (checked with reqwest and the rustls WebPKI verifier).

use std::sync::Arc;
use std::time::Duration;

use mtasts_lab::{CertKind, Lab, LabCa, Scenario, scenario};
use rustls::CertificateError;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::ServerCertVerifier;
use rustls::pki_types::{ServerName, UnixTime};

use crate::common::lab_client::fetch_policy;

fn verify(ca: &LabCa, host: &str, kind: &CertKind, at_days: i64) -> Result<(), rustls::Error> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca.cert_der().clone()).unwrap();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let verifier = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider).build().unwrap();
    let cert = ca.issue(host, kind).unwrap();
    let at = ca.now().as_second() + at_days * 86_400;
    let when = UnixTime::since_unix_epoch(Duration::from_secs(at as u64));
    let name = ServerName::try_from(host.to_owned()).unwrap();
    verifier.verify_server_cert(cert.leaf(), &cert.chain[1..], &name, &[], when).map(|_| ())
}

fn cert_error(r: Result<(), rustls::Error>) -> CertificateError {
    match r {
        Err(rustls::Error::InvalidCertificate(e)) => e,
        other => panic!("expected a certificate error, got {other:?}"),
    }
}

#[test]
fn every_cert_kind_has_its_property() {
    let ca = LabCa::new("2026-03-01T12:00:00Z".parse().unwrap()).unwrap();
    let host = "mx1.good.example";
    assert!(verify(&ca, host, &CertKind::Valid, 0).is_ok());
    let expired = cert_error(verify(&ca, host, &CertKind::Expired, 0));
    assert!(
        matches!(expired, CertificateError::Expired | CertificateError::ExpiredContext { .. }),
        "{expired:?}"
    );
    let early = cert_error(verify(&ca, host, &CertKind::NotYetValid, 0));
    assert!(
        matches!(early, CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. }),
        "{early:?}"
    );
    assert_eq!(cert_error(verify(&ca, host, &CertKind::SelfSigned, 0)), CertificateError::UnknownIssuer);
    let wrong = cert_error(verify(&ca, host, &CertKind::WrongName("mail.other.example".into()), 0));
    assert!(
        matches!(wrong, CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. }),
        "{wrong:?}"
    );
    assert!(verify(&ca, host, &CertKind::ExpiringInDays(5), 4).is_ok());
    let later = cert_error(verify(&ca, host, &CertKind::ExpiringInDays(5), 6));
    assert!(
        matches!(later, CertificateError::Expired | CertificateError::ExpiredContext { .. }),
        "{later:?}"
    );
}

fn content_type(r: &reqwest::Response) -> Option<String> {
    r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned())
}

fn lab_of(names: &[&str]) -> Scenario {
    Scenario::merge("https", names.iter().map(|n| scenario(n).unwrap()))
}

#[tokio::test]
async fn https_serves_each_policy_as_the_scenario_says() {
    let names = ["all-good-enforce", "policy-text-html", "policy-redirect-301", "policy-404"];
    let lab = Lab::start(&lab_of(&names), jiff::Timestamp::now()).await.unwrap();

    let good = fetch_policy(&lab, "good.example").await.unwrap();
    assert_eq!(good.status(), 200);
    assert_eq!(content_type(&good).as_deref(), Some("text/plain"));
    assert_eq!(
        good.text().await.unwrap(),
        "version: STSv1\r\nmode: enforce\r\nmx: mx1.good.example\r\nmax_age: 604800\r\n"
    );

    let html = fetch_policy(&lab, "html.example").await.unwrap();
    assert_eq!(html.status(), 200);
    assert_eq!(content_type(&html).as_deref(), Some("text/html; charset=utf-8"));
    assert!(html.text().await.unwrap().starts_with("version: STSv1\r\n"));

    let moved = fetch_policy(&lab, "redirect.example").await.unwrap();
    assert_eq!(moved.status(), 301);
    assert_eq!(
        moved.headers().get("location").unwrap(),
        "https://www.redirect.example/.well-known/mta-sts.txt"
    );

    let missing = fetch_policy(&lab, "notfound.example").await.unwrap();
    assert_eq!(missing.status(), 404);
    assert!(missing.text().await.unwrap().contains("404 Not Found"));
}

#[tokio::test]
async fn https_serves_oversized_and_bom_bodies_byte_for_byte() {
    let lab =
        Lab::start(&lab_of(&["policy-over-64k", "policy-with-bom"]), jiff::Timestamp::now()).await.unwrap();
    let large = fetch_policy(&lab, "large.example").await.unwrap().bytes().await.unwrap();
    assert!(large.len() > 64 * 1024, "{}", large.len());
    let bom = fetch_policy(&lab, "bom.example").await.unwrap().bytes().await.unwrap();
    assert_eq!(&bom[..3], &[0xEF, 0xBB, 0xBF]);
    assert_eq!(&bom[3..17], b"version: STSv1");
}

#[tokio::test]
async fn https_wrong_name_and_unknown_hosts_fail_tls() {
    let lab =
        Lab::start(&lab_of(&["policy-cert-wrong-name", "no-mta-sts"]), jiff::Timestamp::now()).await.unwrap();
    let wrong = fetch_policy(&lab, "wrongcert.example").await.unwrap_err();
    assert!(wrong.is_connect(), "{wrong:?}");
    assert!(format!("{wrong:?}").contains("NotValidForName"), "{wrong:?}");
    assert!(fetch_policy(&lab, "plain.example").await.is_err());
}
