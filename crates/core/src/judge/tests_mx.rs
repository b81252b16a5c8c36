use super::fixtures::*;
use super::*;
use crate::evidence::{CertVerdict, Lookup, SmtpOutcome, SmtpStage};

fn with_cert(verdict: CertVerdict) -> Judgement {
    let mut ev = healthy("enforce");
    let mut p = probe("mx2.example.com", 3);
    if let Some(t) = p.tls.as_mut() {
        t.cert = cert("mx2.example.com", verdict);
        t.cert.sans = vec!["mail.other.net".into()];
    }
    set_probe(&mut ev, 1, p);
    run(&ev)
}

#[test]
fn cert_verdicts_map_to_codes() {
    for (verdict, code) in [
        (CertVerdict::Expired, "mx-cert-expired"),
        (CertVerdict::NotYetValid, "mx-cert-expired"),
        (CertVerdict::UnknownIssuer, "mx-cert-untrusted"),
        (CertVerdict::SelfSigned, "mx-cert-untrusted"),
        (CertVerdict::Other, "mx-cert-untrusted"),
        (CertVerdict::NameMismatch, "mx-cert-name-mismatch"),
    ] {
        let j = with_cert(verdict);
        assert_eq!(problems(&j), vec![code], "{verdict:?}");
        let f = find(&j, code);
        assert_eq!(f.subject, "mx2.example.com [127.0.0.3]:25");
        assert_eq!(f.severity, Severity::Error);
        assert!(!f.fix.is_empty());
        let echoed = f.message.contains("(verifier: ");
        assert_eq!(
            echoed,
            verdict == CertVerdict::Other,
            "the verifier's words only where ours name no reason: {}",
            f.message
        );
    }
    let j = with_cert(CertVerdict::NameMismatch);
    assert!(find(&j, "mx-cert-name-mismatch").message.contains("mail.other.net"));
}

#[test]
fn extra_anchor_is_a_note_not_a_finding() {
    let j = with_cert(CertVerdict::TrustedViaExtraAnchor);
    assert_eq!(codes(&j), Vec::<&str>::new());
    assert_eq!(j.notes.len(), 1);
    assert!(j.notes[0].contains("--ca-file"));
    assert!(j.notes[0].contains("mx2.example.com [127.0.0.3]:25"));
}

#[test]
fn connection_failures_are_unreachable() {
    for (outcome, needle) in [
        (SmtpOutcome::Refused, "refused"),
        (SmtpOutcome::Timeout { stage: SmtpStage::Connect }, "timed out"),
        (SmtpOutcome::Io { stage: SmtpStage::Connect, error: "no route to host".into() }, "no route"),
        (SmtpOutcome::Timeout { stage: SmtpStage::Banner }, "stalled"),
        (SmtpOutcome::Trickle { stage: SmtpStage::Banner, received: 5 }, "only 5 bytes while waiting"),
        (SmtpOutcome::Closed { stage: SmtpStage::Ehlo }, "EHLO"),
        (SmtpOutcome::Garbage { stage: SmtpStage::Banner, detail: "HTTP/1.1 400".into() }, "greeting"),
        (SmtpOutcome::Rejected { stage: SmtpStage::Banner, code: 554 }, "554"),
        (SmtpOutcome::TlsHandshake { error: "received fatal alert: HandshakeFailure".into() }, "handshake"),
    ] {
        let mut ev = healthy("enforce");
        set_probe(&mut ev, 0, failed_probe("mx1.example.com", 2, outcome.clone()));
        let j = run(&ev);
        assert_eq!(problems(&j), vec!["mx-unreachable"], "{outcome:?}");
        assert!(
            find(&j, "mx-unreachable").message.contains(needle),
            "{outcome:?}: {}",
            j.findings[0].message
        );
    }
}

#[test]
fn starttls_missing_or_rejected() {
    for outcome in
        [SmtpOutcome::StartTlsNotOffered, SmtpOutcome::Rejected { stage: SmtpStage::StartTls, code: 454 }]
    {
        let mut ev = healthy("enforce");
        set_probe(&mut ev, 0, failed_probe("mx1.example.com", 2, outcome));
        let j = run(&ev);
        assert_eq!(problems(&j), vec!["mx-starttls-missing"]);
    }
}

#[test]
fn old_tls_versions() {
    let mut ev = healthy("enforce");
    let err = SmtpOutcome::TlsHandshake { error: "received fatal alert: ProtocolVersion".into() };
    set_probe(&mut ev, 0, failed_probe("mx1.example.com", 2, err));
    assert_eq!(problems(&run(&ev)), vec!["mx-tls-too-old"]);
    let mut ev = healthy("enforce");
    let mut p = probe("mx1.example.com", 2);
    if let Some(t) = p.tls.as_mut() {
        t.version = "TLSv1_1".into();
    }
    set_probe(&mut ev, 0, p);
    assert_eq!(problems(&run(&ev)), vec!["mx-tls-too-old"]);
}

#[test]
fn mx_cert_expiring_within_window() {
    let mut ev = healthy("enforce");
    let mut p = probe("mx1.example.com", 2);
    if let Some(t) = p.tls.as_mut() {
        t.cert.not_after = Some(days(5));
    }
    set_probe(&mut ev, 0, p);
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["mx-cert-expiring"]);
    assert_eq!(j.verdict, Verdict::Warn);
    let mut c = ctx();
    c.expiry_warning_days = 3;
    assert_eq!(codes(&judge(&ev, &c)), Vec::<&str>::new());
}

#[test]
fn wildcard_covers_one_label_only() {
    let mut ev = healthy("enforce");
    ev.mx = Lookup::Found(vec![mx(10, "a.b.example.com", vec![probe("a.b.example.com", 2)])]);
    ev.policy = fetch(&body("enforce", &["*.example.com"]));
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["mx-not-covered", "policy-wildcard-broad", "mx-pattern-unused"]);
    let f = find(&j, "mx-not-covered");
    assert_eq!(f.subject, "a.b.example.com");
    assert!(f.message.contains("exactly one label"), "{}", f.message);
    assert!(f.message.contains("RFC 8461 §4.1"));
    assert!(f.fix.contains("mx: *.b.example.com"), "{}", f.fix);
    assert!(j.senders_view.contains("refuse every MX"), "{}", j.senders_view);
}

#[test]
fn pattern_unused_is_a_warning() {
    let mut ev = healthy("enforce");
    ev.policy = fetch(&body("enforce", &["mx1.example.com", "mx2.example.com", "old.example.com"]));
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["mx-pattern-unused"]);
    let f = find(&j, "mx-pattern-unused");
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("old.example.com"));
}

#[test]
fn uncovered_mx_is_an_error_in_testing_too() {
    let mut ev = healthy("testing");
    ev.policy = fetch(&body("testing", &["mx1.example.com"]));
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["mx-not-covered"]);
    assert_eq!(find(&j, "mx-not-covered").severity, Severity::Error);
    assert_eq!(j.verdict, Verdict::Fail);
}

#[test]
fn zero_mx_and_implicit_mx() {
    let mut ev = healthy("enforce");
    ev.mx = Lookup::NoData;
    let j = run(&ev);
    assert!(problems(&j).contains(&"mx-missing"));
    assert_eq!(find(&j, "mx-missing").severity, Severity::Error);

    ev.implicit_mx = Some(mx(0, "example.com", vec![probe("example.com", 9)]));
    let j = run(&ev);
    let f = find(&j, "mx-missing");
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("implicit MX"));
    assert!(problems(&j).contains(&"mx-not-covered"));

    ev.mx = Lookup::NxDomain;
    ev.implicit_mx = None;
    assert_eq!(find(&run(&ev), "mx-missing").severity, Severity::Error);
}

#[test]
fn null_mx_is_info() {
    let mut ev = healthy("enforce");
    ev.mx = Lookup::Found(vec![mx(0, ".", Vec::new())]);
    ev.null_mx = true;
    let j = run(&ev);
    let f = find(&j, "mx-missing");
    assert_eq!(f.severity, Severity::Info);
    assert!(f.message.contains("receives no mail"));
    assert_eq!(j.verdict, Verdict::Pass);
}

#[test]
fn mx_without_address_is_unreachable() {
    let mut ev = healthy("enforce");
    if let Lookup::Found(list) = &mut ev.mx {
        list[1].addresses = Lookup::NxDomain;
        list[1].probes.clear();
    }
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["mx-unreachable"]);
    assert_eq!(find(&j, "mx-unreachable").subject, "mx2.example.com");
}
