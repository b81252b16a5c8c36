use super::fixtures::*;
use super::*;
use crate::evidence::{CertVerdict, FetchOutcome, Lookup};

#[test]
fn policy_host_unresolvable_with_record() {
    let mut ev = healthy("enforce");
    ev.policy_host_addresses = Lookup::NxDomain;
    ev.policy.outcome = FetchOutcome::HostUnresolved;
    ev.policy.status = None;
    ev.policy.body = None;
    ev.policy.cert = None;
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["policy-host-unresolvable"]);
    let f = find(&j, "policy-host-unresolvable");
    assert_eq!(f.subject, "mta-sts.example.com");
    assert!(f.message.contains("NXDOMAIN"));
    assert!(j.senders_view.contains("does not resolve"), "{}", j.senders_view);
}

#[test]
fn fetch_failed_and_timeout() {
    let mut ev = healthy("enforce");
    ev.policy.outcome = FetchOutcome::Connect { error: "connection refused".into() };
    ev.policy.cert = None;
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["policy-fetch-failed"]);
    assert!(find(&j, "policy-fetch-failed").message.contains("connection refused"));
    ev.policy.outcome = FetchOutcome::Timeout;
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["policy-fetch-failed"]);
    assert_eq!(find(&j, "policy-fetch-failed").subject, URL);
}

#[test]
fn a_timeout_says_how_far_the_response_got() {
    let mut ev = healthy("enforce");
    ev.policy.outcome = FetchOutcome::Timeout;
    ev.policy.status = Some(200);
    let message = |ev: &crate::evidence::Evidence| find(&run(ev), "policy-fetch-failed").message.clone();
    assert!(
        message(&ev).contains("started (HTTP 200) but the body was still incomplete"),
        "{}",
        message(&ev)
    );
    ev.policy.status = None;
    assert!(message(&ev).contains("TLS handshake succeeded, but no HTTP status line"), "{}", message(&ev));
    ev.policy.cert = None;
    assert!(message(&ev).contains("no complete response arrived"), "{}", message(&ev));
}

#[test]
fn an_announced_oversize_length_is_named() {
    let mut ev = healthy("enforce");
    ev.policy.body = Some(Vec::new());
    ev.policy.content_length = Some(10_000_000);
    ev.policy.too_large = true;
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["policy-too-large"]);
    assert!(find(&j, "policy-too-large").message.contains("announces Content-Length: 10000000"));
}

#[test]
fn policy_tls_invalid_names_reason_and_sans() {
    let mut ev = healthy("enforce");
    let mut c = cert("www.example.com", CertVerdict::NameMismatch);
    c.sans = vec!["www.example.com".into(), "example.com".into()];
    ev.policy.cert = Some(c);
    ev.policy.outcome = FetchOutcome::Connect { error: "invalid peer certificate: NotValidForName".into() };
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["policy-tls-invalid"]);
    let f = find(&j, "policy-tls-invalid");
    assert!(f.message.contains("not valid for mta-sts.example.com"), "{}", f.message);
    assert!(f.message.contains("www.example.com, example.com"), "{}", f.message);
    assert!(f.fix.contains("subjectAltName includes mta-sts.example.com"));

    ev.policy.cert = Some(cert("mta-sts.example.com", CertVerdict::Expired));
    let f = run(&ev).findings[0].clone();
    assert_eq!(f.code, Code::PolicyTlsInvalid);
    assert!(f.message.contains("expired"));
    assert!(f.fix.contains("renew"));
}

#[test]
fn redirect_shows_location() {
    let mut ev = healthy("enforce");
    ev.policy.status = Some(301);
    ev.policy.location = Some("https://www.example.com/.well-known/mta-sts.txt".into());
    ev.policy.body = Some(Vec::new());
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["policy-redirect"]);
    let f = find(&j, "policy-redirect");
    assert!(f.message.contains("https://www.example.com/.well-known/mta-sts.txt"));
    assert!(f.fix.contains("directly"));
}

#[test]
fn content_type_parameters_and_case_ignored() {
    let mut ev = healthy("enforce");
    ev.policy.content_type = Some("Text/Plain ; charset=us-ascii".into());
    assert_eq!(codes(&run(&ev)), Vec::<&str>::new());
    ev.policy.content_type = Some("text/html; charset=utf-8".into());
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["policy-content-type"]);
    assert!(find(&j, "policy-content-type").message.contains("text/html"));
    ev.policy.content_type = None;
    assert_eq!(problems(&run(&ev)), vec!["policy-content-type"]);
}

#[test]
fn too_large() {
    let mut ev = healthy("enforce");
    let mut big = body("enforce", &["mx1.example.com", "mx2.example.com"]).into_bytes();
    big.resize(64 * 1024 + 1, b'#');
    ev.policy.body = Some(big);
    ev.policy.too_large = true;
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["policy-too-large"]);
    assert_eq!(j.policy_mode, None);
}

#[test]
fn invalid_policy_keeps_url_and_line() {
    let mut ev = healthy("enforce");
    ev.policy.body =
        Some(b"version: STSv1\r\nmode: enforced\r\nmx: mx1.example.com\r\nmax_age: 604800\r\n".to_vec());
    let j = run(&ev);
    assert!(problems(&j).iter().all(|c| *c == "policy-invalid"), "{:?}", codes(&j));
    let f = &j.findings[0];
    assert_eq!(f.code, Code::PolicyInvalid);
    assert_eq!(f.subject, URL);
    assert_eq!(f.line, Some(2));
    assert_eq!(j.verdict, Verdict::Fail);
}

#[test]
fn lenient_only_is_an_error() {
    let mut ev = healthy("enforce");
    let mut b = b"\xEF\xBB\xBF".to_vec();
    b.extend_from_slice(body("enforce", &["mx1.example.com", "mx2.example.com"]).as_bytes());
    ev.policy.body = Some(b);
    let j = run(&ev);
    let f = find(&j, "policy-lenient-only");
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.subject, URL);
    assert!(j.senders_view.contains("lenient"), "{}", j.senders_view);
    assert_eq!(j.policy_mode, Some(Mode::Enforce));
}

#[test]
fn mode_testing_and_none_are_info() {
    let j = run(&healthy("testing"));
    assert_eq!(codes(&j), vec!["policy-mode-testing"]);
    assert_eq!(j.verdict, Verdict::Pass);
    let j = run(&healthy("none"));
    assert_eq!(codes(&j), vec!["policy-mode-none"]);
    assert_eq!(find(&j, "policy-mode-none").severity, Severity::Info);
    assert_eq!(
        j.senders_view,
        "A strict sender would treat example.com as having no MTA-STS policy (mode none)."
    );
}

#[test]
fn max_age_findings_come_from_lint() {
    let mut ev = healthy("testing");
    ev.policy.body = Some(
        b"version: STSv1\r\nmode: testing\r\nmx: mx1.example.com\r\nmx: mx2.example.com\r\nmax_age: 3600\r\n"
            .to_vec(),
    );
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["policy-max-age-short"]);
    assert_eq!(find(&j, "policy-max-age-short").subject, URL);
}

#[test]
fn policy_cert_expiring_within_window() {
    let mut ev = healthy("enforce");
    let mut c = cert("mta-sts.example.com", CertVerdict::Trusted);
    c.not_after = Some(days(10));
    ev.policy.cert = Some(c.clone());
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["policy-cert-expiring"]);
    assert_eq!(find(&j, "policy-cert-expiring").severity, Severity::Warning);
    assert!(find(&j, "policy-cert-expiring").message.contains("10 day"));
    c.not_after = Some(days(20));
    ev.policy.cert = Some(c);
    assert_eq!(codes(&run(&ev)), Vec::<&str>::new());
}
