//! A broken DNSSEC chain as one fault: the DS against the zone's keys, the records a
//! validating resolver withholds as its consequences, a resolver that validates from another
//! root, and what senders do.

use super::fixtures::*;
use super::*;
use crate::evidence::{DnssecChain, DnssecProof, DsRecord, Lookup, ZoneKey};

fn key(tag: u16, flags: u16) -> ZoneKey {
    ZoneKey { key_tag: tag, algorithm: 15, flags, ds_sha256: format!("{tag:04x}cafe") }
}

/// `healthy` behind a validating resolver that answers SERVFAIL (its chain names key 111,
/// the zone signs with 222 and 333).
fn servfail_everywhere() -> Evidence {
    let mut ev = healthy("enforce");
    ev.mx = Lookup::ServFail;
    ev.sts_record.records = Lookup::ServFail;
    ev.tlsrpt_record.records = Lookup::ServFail;
    ev.policy_host_addresses = Lookup::ServFail;
    ev.policy = crate::evidence::PolicyFetch::unattempted(
        ev.domain.policy_url(),
        crate::evidence::FetchOutcome::HostUnresolved,
    );
    ev.sts_dnssec = Lookup::ServFail;
    ev.dnssec_chain = Some(DnssecChain {
        ds_records: vec![DsRecord {
            key_tag: 111,
            algorithm: 15,
            digest_type: 2,
            digest: "00".into(),
            matches_key: false,
        }],
        keys: vec![key(222, 257), key(333, 256)],
        ..DnssecChain::counted(Lookup::Found(2), Lookup::Found(1), DnssecProof::Bogus)
    });
    ev
}

#[test]
fn a_ds_for_another_key_is_the_only_root_and_names_both_key_tags() {
    let j = run(&servfail_everywhere());
    let roots: Vec<&str> = j
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error && f.is_root())
        .map(|f| f.code.as_str())
        .collect();
    assert_eq!(roots, ["dnssec-bogus"], "{:#?}", j.findings);
    assert_eq!(j.findings[0].code, Code::DnssecBogus, "the fault comes before what follows from it");
    let root = find(&j, "dnssec-bogus");
    assert!(root.message.contains("names key tag 111"), "{}", root.message);
    assert!(root.message.contains("current keys (key tag 222)"), "the key-signing key: {}", root.message);
    assert!(root.message.contains("your resolver answers SERVFAIL"), "{}", root.message);
    assert!(root.fix.contains("`example.com. IN DS 222 15 2 00decafe`"), "{}", root.fix);
    let consequences: Vec<&str> = j
        .findings
        .iter()
        .filter(|f| f.caused_by == Some(Code::DnssecBogus))
        .map(|f| f.code.as_str())
        .collect();
    assert!(consequences.contains(&"sts-record-missing"), "{consequences:?}");
    assert!(consequences.contains(&"mx-missing"), "{consequences:?}");
    for f in j.findings.iter().filter(|f| !f.is_root()) {
        assert!(f.fix.starts_with("nothing of its own: fixing dnssec-bogus"), "{}", f.fix);
    }
    assert_eq!(j.verdict, Verdict::Fail);
    let line = dnssec::chain_line(servfail_everywhere().dnssec_chain.as_ref().unwrap());
    assert!(line.ends_with("; the DS names key tag 111, the zone's keys are 222, 333"), "{line}");
}

#[test]
fn the_sender_defers_mail_when_the_mx_lookup_fails() {
    let j = run(&servfail_everywhere());
    assert_eq!(
        j.senders_view,
        "A strict sender would defer mail to example.com: its MX lookup fails (SERVFAIL: DNSSEC validation \
         fails), so mail waits in the sender's queue and bounces when it expires, as for an unreachable MX."
    );
    let mut plain = healthy("enforce");
    plain.mx = Lookup::ServFail;
    assert!(run(&plain).senders_view.contains("its MX lookup fails (SERVFAIL), so mail waits"));
}

#[test]
fn a_resolver_that_validates_what_we_cannot_points_at_the_trust_anchor() {
    let mut ev = healthy("enforce");
    ev.sts_dnssec = Lookup::Found(true);
    ev.dnssec_chain = Some(DnssecChain::counted(Lookup::Found(1), Lookup::Found(1), DnssecProof::Bogus));
    let j = run(&ev);
    let f = find(&j, "dnssec-bogus");
    assert!(f.message.starts_with(PRIVATE_ROOT), "{}", f.message);
    assert!(f.fix.contains("--trust-anchor"), "{}", f.fix);
    let configured = DnssecChain {
        anchor_configured: true,
        ..DnssecChain::counted(Lookup::Found(1), Lookup::Found(1), DnssecProof::Bogus)
    };
    ev.dnssec_chain = Some(configured);
    let f = find(&run(&ev), "dnssec-bogus").clone();
    assert!(f.message.contains("the trust anchor given with --trust-anchor does not"), "{}", f.message);
}

#[test]
fn a_bogus_chain_whose_ds_matches_says_why_validation_failed() {
    let mut ev = healthy("enforce");
    ev.sts_dnssec = Lookup::ServFail;
    let chain = DnssecChain {
        detail: Some("signature expired".into()),
        ds_records: vec![DsRecord {
            key_tag: 222,
            algorithm: 15,
            digest_type: 2,
            digest: "00decafe".into(),
            matches_key: true,
        }],
        keys: vec![key(222, 257)],
        ..DnssecChain::counted(Lookup::Found(1), Lookup::Found(1), DnssecProof::Bogus)
    };
    ev.dnssec_chain = Some(chain);
    let f = find(&run(&ev), "dnssec-bogus").clone();
    assert!(f.message.contains("fails (signature expired)"), "{}", f.message);
    assert!(f.fix.starts_with("re-sign the zone"), "{}", f.fix);
}
