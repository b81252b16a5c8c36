use super::fixtures::*;
use super::*;
use crate::evidence::{CertVerdict, SmtpOutcome};

fn expired_mx2(mode: &str) -> Judgement {
    let mut ev = healthy(mode);
    let mut p = probe("mx2.example.com", 3);
    if let Some(t) = p.tls.as_mut() {
        t.cert = cert("mx2.example.com", CertVerdict::Expired);
    }
    set_probe(&mut ev, 1, p);
    run(&ev)
}

#[test]
fn pass_view() {
    assert_eq!(
        run(&healthy("enforce")).senders_view,
        "A strict sender would deliver over TLS to mx1.example.com and mx2.example.com — mode enforce."
    );
}

#[test]
fn refuse_view_and_severity_in_enforce() {
    let j = expired_mx2("enforce");
    assert_eq!(
        j.senders_view,
        "A strict sender would deliver over TLS to mx1.example.com and refuse mx2.example.com \
         (certificate expired) — mode enforce."
    );
    assert_eq!(find(&j, "mx-cert-expired").severity, Severity::Error);
    assert_eq!(j.verdict, Verdict::Fail);
}

#[test]
fn testing_view_and_same_severity() {
    let j = expired_mx2("testing");
    assert_eq!(
        j.senders_view,
        "A strict sender would apply mode testing to example.com: delivers to all MX; failures on \
         mx2.example.com (certificate expired) would be reported via TLS-RPT."
    );
    assert_eq!(find(&j, "mx-cert-expired").severity, Severity::Error);
    assert_eq!(j.verdict, Verdict::Fail);
    assert_eq!(
        run(&healthy("testing")).senders_view,
        "A strict sender would apply mode testing to example.com: delivers to all MX; every MX passes \
         validation, so there are no failures to report."
    );
}

#[test]
fn testing_without_tlsrpt_says_unreported() {
    let mut ev = healthy("testing");
    ev.tlsrpt_record = txt("_smtp._tls.example.com", &[]);
    set_probe(&mut ev, 0, failed_probe("mx1.example.com", 2, SmtpOutcome::StartTlsNotOffered));
    let j = run(&ev);
    assert!(
        j.senders_view.contains("mx1.example.com (no STARTTLS) would go unreported"),
        "{}",
        j.senders_view
    );
}

#[test]
fn all_refused_view() {
    let mut ev = healthy("enforce");
    set_probe(&mut ev, 0, failed_probe("mx1.example.com", 2, SmtpOutcome::Refused));
    set_probe(&mut ev, 1, failed_probe("mx2.example.com", 3, SmtpOutcome::StartTlsNotOffered));
    assert_eq!(
        run(&ev).senders_view,
        "A strict sender would refuse every MX of example.com: mx1.example.com (unreachable) and \
         mx2.example.com (no STARTTLS) — mode enforce; mail would not be delivered."
    );
}

#[test]
fn null_mx_view() {
    let mut ev = healthy("enforce");
    ev.null_mx = true;
    assert_eq!(
        run(&ev).senders_view,
        "A strict sender would deliver no mail to example.com: it publishes a null MX."
    );
}
