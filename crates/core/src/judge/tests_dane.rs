use super::fixtures::*;
use super::*;
use crate::evidence::{DnssecChain, DnssecProof, Lookup, TlsEvidence, TlsaEvidence, TlsaRecord};
use crate::judge::dane::matches;
use crate::rfc::tlsa::{associate, selected};

struct Chain {
    der: Vec<Vec<u8>>,
}

/// A leaf for `mx1.example.com` valid around [`now`], issued by a fresh CA: chain leaf first.
fn issued() -> Chain {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let leaf = rcgen::CertificateParams::new(vec!["mx1.example.com".to_owned()]).unwrap();
    let leaf = leaf.signed_by(&key, &issuer).unwrap();
    Chain { der: vec![leaf.der().to_vec(), ca_cert.der().to_vec()] }
}

fn record(usage: u8, selector: u8, matching: u8, cert: &[u8]) -> TlsaRecord {
    let data = associate(&selected(cert, selector).unwrap(), matching).unwrap();
    TlsaRecord { usage, selector, matching, data }
}

/// `healthy` with MX 1 presenting `chain` and publishing `records` with `proof`.
fn with_tlsa(chain: &Chain, records: Vec<TlsaRecord>, proof: DnssecProof) -> Evidence {
    let mut ev = healthy("enforce");
    if let Lookup::Found(list) = &mut ev.mx {
        list[0].probes[0].tls.as_mut().unwrap().chain_der = chain.der.clone();
        list[0].tlsa = Some(TlsaEvidence {
            name: "_25._tcp.mx1.example.com".into(),
            records: Lookup::Found(records),
            proof,
        });
    }
    ev
}

fn codes(ev: &Evidence) -> Vec<Code> {
    let mut c: Vec<Code> = judge(ev, &ctx()).findings.iter().map(|f| f.code).collect();
    c.retain(|c| c.as_str().starts_with("dane") || c.as_str().starts_with("dnssec"));
    c
}

#[test]
fn every_selector_and_matching_type_matches_the_right_certificate() {
    let chain = issued();
    let (leaf, ca) = (&chain.der[0], &chain.der[1]);
    for selector in [0, 1] {
        for matching in [0, 1, 2] {
            assert!(matches(&record(3, selector, matching, leaf), &chain.der), "3 {selector} {matching}");
            assert!(matches(&record(2, selector, matching, ca), &chain.der), "2 {selector} {matching}");
            assert!(!matches(&record(3, selector, matching, ca), &chain.der), "EE is the leaf only");
            assert!(!matches(&record(2, selector, matching, leaf), &chain.der), "TA is above the leaf");
        }
    }
    let other = issued();
    assert!(!matches(&record(3, 1, 1, &other.der[0]), &chain.der), "another key");
    assert!(!matches(&record(1, 1, 1, leaf), &chain.der), "PKIX-EE is not used by SMTP");
    assert_eq!(associate(b"abc", 1).unwrap().len(), 32);
    assert_eq!(associate(b"abc", 2).unwrap().len(), 64);
    assert_eq!(associate(b"abc", 3), None);
    assert_eq!(selected(b"not a certificate", 1), None);
}

#[test]
fn dane_valid_for_3_1_1_and_2_1_1() {
    let chain = issued();
    let ee = with_tlsa(&chain, vec![record(3, 1, 1, &chain.der[0])], DnssecProof::Secure);
    assert_eq!(codes(&ee), vec![Code::DaneValid]);
    let ta = with_tlsa(&chain, vec![record(2, 1, 1, &chain.der[1])], DnssecProof::Secure);
    assert_eq!(codes(&ta), vec![Code::DaneValid]);
}

#[test]
fn tlsa_for_the_previous_key_is_a_mismatch_with_the_current_3_1_1_in_the_fix() {
    let (old, new) = (issued(), issued());
    let ev = with_tlsa(&new, vec![record(3, 1, 1, &old.der[0])], DnssecProof::Secure);
    let j = judge(&ev, &ctx());
    let f = j.findings.iter().find(|f| f.code == Code::DaneTlsaMismatch).unwrap();
    assert_eq!(f.severity, Severity::Error);
    assert_eq!(j.verdict, Verdict::Fail);
    let current = dane::current_3_1_1(&TlsEvidence { chain_der: new.der.clone(), ..probe_tls() }).unwrap();
    assert!(f.fix.contains(&current), "{}", f.fix);
    assert!(f.fix.contains("next key"), "{}", f.fix);
    assert!(
        j.senders_view.ends_with(
            "A DANE-aware sender, which uses DANE ahead of MTA-STS (RFC 8461 §2), would defer mail to \
             mx1.example.com (no matching DANE TLSA records)."
        ),
        "{}",
        j.senders_view
    );
    assert!(j.senders_view.starts_with("A strict sender would deliver over TLS to"), "{}", j.senders_view);
}

fn probe_tls() -> TlsEvidence {
    probe("mx1.example.com", 2).tls.unwrap()
}

#[test]
fn dane_ta_needs_the_leaf_valid_for_the_host_but_dane_ee_does_not() {
    let chain = issued();
    let mut ta = with_tlsa(&chain, vec![record(2, 0, 1, &chain.der[1])], DnssecProof::Secure);
    let mut ee = with_tlsa(&chain, vec![record(3, 0, 2, &chain.der[0])], DnssecProof::Secure);
    for ev in [&mut ta, &mut ee] {
        if let Lookup::Found(list) = &mut ev.mx {
            list[0].probes[0].tls.as_mut().unwrap().cert.verdict = CertVerdict::NameMismatch;
        }
    }
    assert!(codes(&ta).contains(&Code::DaneTlsaMismatch));
    assert!(codes(&ee).contains(&Code::DaneValid));
}

#[test]
fn insecure_unusable_and_bogus_tlsa() {
    let chain = issued();
    let insecure = with_tlsa(&chain, vec![record(3, 1, 1, &chain.der[0])], DnssecProof::Insecure);
    assert_eq!(codes(&insecure), vec![Code::DaneTlsaInsecure]);
    let unusable = with_tlsa(&chain, vec![record(1, 1, 1, &chain.der[0])], DnssecProof::Secure);
    assert_eq!(codes(&unusable), vec![Code::DaneTlsaUnusable]);
    let mut bogus = with_tlsa(&chain, vec![], DnssecProof::Bogus);
    if let Lookup::Found(list) = &mut bogus.mx {
        list[0].tlsa.as_mut().unwrap().records = Lookup::ServFail;
    }
    assert_eq!(codes(&bogus), vec![Code::DnssecBogus]);
}

#[test]
fn expiry_warning_mentions_dane_when_tlsa_pins_the_current_key() {
    let chain = issued();
    let mut ev = with_tlsa(&chain, vec![record(3, 1, 1, &chain.der[0])], DnssecProof::Secure);
    if let Lookup::Found(list) = &mut ev.mx {
        list[0].probes[0].tls.as_mut().unwrap().cert.not_after = Some(days(3));
    }
    let j = judge(&ev, &ctx());
    let f = j.findings.iter().find(|f| f.code == Code::MxCertExpiring).unwrap();
    assert!(f.message.contains("breaks DANE"), "{}", f.message);
    let plain = {
        let mut e = ev.clone();
        if let Lookup::Found(list) = &mut e.mx {
            list[0].tlsa = None;
        }
        judge(&e, &ctx())
    };
    let f = plain.findings.iter().find(|f| f.code == Code::MxCertExpiring).unwrap();
    assert!(!f.message.contains("DANE"));
}

fn chain(dnskey: Lookup<usize>, ds: Lookup<usize>, validation: DnssecProof) -> Evidence {
    let mut ev = healthy("enforce");
    ev.dnssec_chain = Some(DnssecChain::counted(dnskey, ds, validation));
    ev
}

#[test]
fn dnssec_chain_findings() {
    let missing = chain(Lookup::Found(2), Lookup::NoData, DnssecProof::Insecure);
    assert_eq!(codes(&missing), vec![Code::DnssecDsMissing]);
    let f = judge(&missing, &ctx()).findings.into_iter().find(|f| f.code == Code::DnssecDsMissing).unwrap();
    assert!(f.fix.contains("registrar") && f.fix.contains("Cloudflare"));
    let bogus = chain(Lookup::Found(2), Lookup::Found(1), DnssecProof::Bogus);
    assert_eq!(codes(&bogus), vec![Code::DnssecBogus]);
    assert_eq!(judge(&bogus, &ctx()).verdict, Verdict::Fail);
    let unsigned = chain(Lookup::NoData, Lookup::NoData, DnssecProof::Insecure);
    assert_eq!(codes(&unsigned), Vec::<Code>::new());
}

#[test]
fn own_validation_replaces_the_resolvers_ad_bit() {
    let mut secure = chain(Lookup::Found(2), Lookup::Found(1), DnssecProof::Secure);
    secure.sts_dnssec = Lookup::Found(false);
    assert!(!judge(&secure, &ctx()).findings.iter().any(|f| f.code == Code::DnssecUnsigned));
    let mut plain = healthy("enforce");
    plain.sts_dnssec = Lookup::Found(false);
    assert!(judge(&plain, &ctx()).findings.iter().any(|f| f.code == Code::DnssecUnsigned));
}
