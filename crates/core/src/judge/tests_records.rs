use super::fixtures::*;
use super::*;
use crate::evidence::{FetchOutcome, Lookup};

#[test]
fn healthy_enforce_passes() {
    let j = run(&healthy("enforce"));
    assert_eq!(codes(&j), Vec::<&str>::new());
    assert_eq!(j.verdict, Verdict::Pass);
    assert_eq!(j.policy_mode, Some(Mode::Enforce));
    assert!(j.notes.is_empty());
}

#[test]
fn nothing_configured_is_one_missing_record() {
    let mut ev = healthy("enforce");
    ev.sts_record = txt("_mta-sts.example.com", &[]);
    ev.policy_host_addresses = Lookup::NxDomain;
    ev.policy.outcome = FetchOutcome::HostUnresolved;
    ev.policy.status = None;
    ev.policy.body = None;
    ev.policy.cert = None;
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["sts-record-missing"]);
    let f = find(&j, "sts-record-missing");
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(f.subject, "_mta-sts.example.com");
    assert!(f.message.contains("MTA-STS is not configured"), "{}", f.message);
    assert!(!f.fix.is_empty());
    assert_eq!(j.verdict, Verdict::Fail);
    assert_eq!(
        j.senders_view,
        "A strict sender would ignore MTA-STS for example.com: MTA-STS is not configured."
    );
}

#[test]
fn policy_served_without_record_is_never_fetched() {
    let mut ev = healthy("enforce");
    ev.sts_record = txt("_mta-sts.example.com", &["google-site-verification=abc"]);
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["sts-record-missing"]);
    let f = find(&j, "sts-record-missing");
    assert!(f.message.contains("never fetch it"), "{}", f.message);
    assert!(f.message.contains(URL));
    assert!(j.senders_view.contains("no valid _mta-sts.example.com record"), "{}", j.senders_view);
}

#[test]
fn record_present_policy_missing() {
    let mut ev = healthy("enforce");
    ev.policy.status = Some(404);
    ev.policy.content_type = Some("text/html".into());
    ev.policy.body = Some(b"<html>not found</html>".to_vec());
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["policy-http-status"]);
    assert_eq!(j.policy_mode, None);
    assert!(j.senders_view.contains("HTTP 404"), "{}", j.senders_view);
}

#[test]
fn multiple_and_invalid_sts_records() {
    let mut ev = healthy("enforce");
    ev.sts_record = txt("_mta-sts.example.com", &["v=STSv1; id=1", "v=STSv1; id=2"]);
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["sts-record-multiple"]);
    assert_eq!(
        j.senders_view,
        "A strict sender would ignore MTA-STS for example.com: no valid _mta-sts.example.com record."
    );
    ev.sts_record = txt("_mta-sts.example.com", &["v=STSv1; id=not-valid!"]);
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["sts-record-invalid"]);
    assert_eq!(find(&j, "sts-record-invalid").severity, Severity::Error);
}

#[test]
fn cname_delegation_and_split_strings_are_fine() {
    let mut ev = healthy("enforce");
    ev.sts_record.cname_chain = vec!["_mta-sts.example.com".into(), "sts.provider.net".into()];
    ev.sts_record.records = Lookup::Found(vec![vec!["v=STSv1; ".into(), "id=20261101T000000".into()]]);
    assert_eq!(codes(&run(&ev)), Vec::<&str>::new());
}

#[test]
fn a_cname_loop_or_dangling_cname_is_named() {
    let mut ev = healthy("enforce");
    ev.sts_record.records = Lookup::NoData;
    ev.sts_record.cname_chain = vec!["b.example.com".into(), "_mta-sts.example.com".into()];
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["sts-record-missing"]);
    let f = find(&j, "sts-record-missing");
    assert!(
        f.message.contains("CNAME loop (_mta-sts.example.com → b.example.com → _mta-sts.example.com)"),
        "{}",
        f.message
    );
    ev.sts_record.cname_chain = vec!["sts.provider.net".into()];
    let f = find(&run(&ev), "sts-record-missing").clone();
    assert!(f.message.contains("but sts.provider.net has no TXT record"), "{}", f.message);
    assert!(f.fix.contains("publish the TXT record at sts.provider.net"), "{}", f.fix);
}

#[test]
fn sts_lookup_failure_counts_as_missing() {
    let mut ev = healthy("enforce");
    ev.sts_record.records = Lookup::ServFail;
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["sts-record-missing"]);
    assert!(find(&j, "sts-record-missing").message.contains("SERVFAIL"));
}

#[test]
fn tlsrpt_missing_invalid_multiple_are_warnings() {
    let mut ev = healthy("enforce");
    ev.tlsrpt_record = txt("_smtp._tls.example.com", &[]);
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["tlsrpt-record-missing"]);
    assert_eq!(j.verdict, Verdict::Warn);
    assert_eq!(find(&j, "tlsrpt-record-missing").subject, "_smtp._tls.example.com");

    ev.tlsrpt_record = txt("_smtp._tls.example.com", &["v=TLSRPTv1; rua=ftp://example.com"]);
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["tlsrpt-record-invalid"]);
    assert_eq!(find(&j, "tlsrpt-record-invalid").severity, Severity::Warning);

    ev.tlsrpt_record = txt(
        "_smtp._tls.example.com",
        &["v=TLSRPTv1; rua=mailto:a@example.com", "v=TLSRPTv1; rua=mailto:b@example.com"],
    );
    assert_eq!(problems(&run(&ev)), vec!["tlsrpt-record-multiple"]);
}

#[test]
fn several_rua_uris_are_a_warning_naming_the_first() {
    let mut ev = healthy("enforce");
    ev.tlsrpt_record =
        txt("_smtp._tls.example.com", &["v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.net/tlsrpt"]);
    let j = run(&ev);
    assert_eq!(problems(&j), vec!["tlsrpt-rua-several"]);
    let f = find(&j, "tlsrpt-rua-several");
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("mailto:a@example.com") && f.message.contains("2 rua"), "{}", f.message);
    assert!(problems(&run(&healthy("enforce"))).is_empty(), "one rua is fine");
}

#[test]
fn obsolete_tlsrpt_name_is_flagged() {
    let mut ev = healthy("enforce");
    ev.tlsrpt_legacy_record = txt("_smtp-tlsrpt.example.com", &["v=TLSRPTv1; rua=mailto:a@example.com"]);
    let j = run(&ev);
    let f = find(&j, "tlsrpt-record-invalid");
    assert_eq!(f.subject, "_smtp-tlsrpt.example.com");
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.fix.contains("delete"));
}

#[test]
fn dnssec_unsigned_is_info() {
    let mut ev = healthy("enforce");
    ev.sts_dnssec = Lookup::Found(false);
    let j = run(&ev);
    assert_eq!(codes(&j), vec!["dnssec-unsigned"]);
    assert_eq!(find(&j, "dnssec-unsigned").severity, Severity::Info);
    assert_eq!(j.verdict, Verdict::Pass);
}

#[test]
fn findings_sorted_by_severity_and_stable() {
    let mut ev = healthy("testing");
    ev.sts_dnssec = Lookup::Found(false);
    ev.tlsrpt_record = txt("_smtp._tls.example.com", &[]);
    set_probe(
        &mut ev,
        1,
        failed_probe("mx2.example.com", 3, crate::evidence::SmtpOutcome::StartTlsNotOffered),
    );
    let j = run(&ev);
    assert_eq!(
        codes(&j),
        vec!["mx-starttls-missing", "tlsrpt-record-missing", "dnssec-unsigned", "policy-mode-testing"]
    );
}

#[test]
fn plan_drift_and_unbumped_id() {
    use crate::rfc::{MxPattern, PolicyId};
    let ev = healthy("enforce");
    let id = PolicyId::parse("20261101T000000").unwrap();
    let planned = Policy {
        mode: Mode::Enforce,
        max_age: 604800,
        mx: vec![MxPattern::parse("mx1.example.com").unwrap()],
    };
    let mut c = ctx();
    c.plan = Some(PlanContext {
        policy: planned.clone(),
        id: id.clone(),
        published: vec![(id.clone(), planned.sha256_hex())],
        held: Vec::new(),
        window_days: 30,
    });
    let j = judge(&ev, &c);
    assert_eq!(problems(&j), vec!["sts-id-not-bumped", "policy-differs-from-plan"]);
    assert!(find(&j, "policy-differs-from-plan").message.contains("mx not in the plan: mx2.example.com"));
    assert_eq!(find(&j, "sts-id-not-bumped").subject, "_mta-sts.example.com");

    let live = Policy {
        mx: vec![MxPattern::parse("mx1.example.com").unwrap(), MxPattern::parse("mx2.example.com").unwrap()],
        ..planned
    };
    c.plan = Some(PlanContext {
        policy: live.clone(),
        id: id.clone(),
        published: vec![(id, live.sha256_hex())],
        held: Vec::new(),
        window_days: 30,
    });
    assert_eq!(codes(&judge(&ev, &c)), Vec::<&str>::new());
}
