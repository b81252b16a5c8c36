//! DANE and the DNSSEC chain against the lab's signed zones: each scenario probed over
//! loopback with the lab root as trust anchor, asserted with its exact codes (info included).

use std::time::Duration;

use mtasts_core::evidence::{DnssecProof, Evidence, Lookup};
use mtasts_core::judge::dane::{DaneStatus, status};
use mtasts_core::judge::{JudgeContext, Judgement, judge};
use mtasts_core::rfc::DomainName;
use mtasts_lab::{Lab, scenario};
use mtasts_probe::{Timeouts, probe_domain};

fn now() -> jiff::Timestamp {
    jiff::Timestamp::from_second(jiff::Timestamp::now().as_second()).unwrap()
}

async fn probe(name: &str, anchor: bool) -> (Evidence, Judgement) {
    let s = scenario(name).unwrap_or_else(|| panic!("no scenario {name}"));
    let lab = Lab::start(&s, now()).await.unwrap();
    let mut cfg = mtasts::cli::lab::probe_config(&lab, now());
    if !anchor {
        cfg.dnssec_anchor = None;
    }
    cfg.timeouts = Timeouts::uniform(Duration::from_secs(3));
    let ev = probe_domain(&DomainName::parse(&s.domains[0].name).unwrap(), &cfg).await;
    let j = judge(&ev, &JudgeContext::new(now()));
    (ev, j)
}

fn codes(j: &Judgement) -> Vec<&'static str> {
    let mut v: Vec<&str> = j.findings.iter().map(|f| f.code.as_str()).collect();
    v.sort_unstable();
    v
}

fn first_mx_status(ev: &Evidence) -> DaneStatus {
    status(&ev.mx.found().unwrap()[0])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dane_valid_for_3_1_1_and_2_1_1() {
    for name in ["dane-valid-ee", "dane-valid-ta"] {
        let (ev, j) = probe(name, true).await;
        assert_eq!(codes(&j), ["dane-valid"], "{name}: {:#?}", j.findings);
        assert_eq!(first_mx_status(&ev), DaneStatus::Valid, "{name}");
        let chain = ev.dnssec_chain.as_ref().unwrap();
        assert_eq!(chain.validation, DnssecProof::Secure, "{name}: {chain:?}");
        assert_eq!((chain.dnskey.clone(), chain.ds.clone()), (Lookup::Found(1), Lookup::Found(1)));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tlsa_for_the_previous_key_is_refused_by_dane_senders() {
    let (ev, j) = probe("dane-previous-key", true).await;
    assert_eq!(codes(&j), ["dane-tlsa-mismatch"], "{:#?}", j.findings);
    assert_eq!(first_mx_status(&ev), DaneStatus::Mismatch);
    let f = &j.findings[0];
    assert!(f.fix.contains("`3 1 1 "), "{}", f.fix);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tlsa_in_an_unsigned_zone_is_ignored() {
    let (ev, j) = probe("dane-unsigned-zone", true).await;
    assert_eq!(codes(&j), ["dane-tlsa-insecure", "dnssec-unsigned"], "{:#?}", j.findings);
    assert_eq!(first_mx_status(&ev), DaneStatus::Insecure);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_zone_without_ds_and_bogus_signatures() {
    let (ev, j) = probe("dnssec-no-ds", true).await;
    assert_eq!(codes(&j), ["dnssec-ds-missing", "dnssec-unsigned"], "{:#?}", j.findings);
    assert_eq!(ev.dnssec_chain.unwrap().validation, DnssecProof::Insecure);
}

/// The lab resolver validates like Unbound: SERVFAIL for every name of the zone whose DS
/// names another key. mtasts asks again with CD, validates itself, compares the DS with the
/// zone's keys, and reports one root with the withheld records as its consequences.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ds_for_another_key_is_dnssec_bogus_alone_with_both_key_tags() {
    let (ev, j) = probe("dnssec-bogus", true).await;
    assert_eq!(ev.mx, Lookup::ServFail, "the validating resolver withholds the MX");
    let chain = ev.dnssec_chain.as_ref().unwrap();
    assert_eq!(chain.validation, DnssecProof::Bogus, "{chain:?}");
    assert!(chain.ds_mismatch(), "{chain:?}");
    let (ds_tag, key_tag) = (chain.ds_records[0].key_tag, chain.keys[0].key_tag);
    assert_ne!(ds_tag, key_tag);
    let roots: Vec<&str> = j
        .findings
        .iter()
        .filter(|f| f.severity == mtasts_core::finding::Severity::Error && f.is_root())
        .map(|f| f.code.as_str())
        .collect();
    assert_eq!(roots, ["dnssec-bogus"], "{:#?}", j.findings);
    let root = j.findings.iter().find(|f| f.code.as_str() == "dnssec-bogus").unwrap();
    assert!(root.message.contains(&format!("names key tag {ds_tag}")), "{}", root.message);
    assert!(root.message.contains(&format!("(key tag {key_tag})")), "{}", root.message);
    assert!(root.fix.contains(&format!("bogus.example. IN DS {key_tag} 15 2 ")), "{}", root.fix);
    let consequences: Vec<&str> =
        j.findings.iter().filter(|f| !f.is_root()).map(|f| f.code.as_str()).collect();
    assert!(
        consequences.contains(&"sts-record-missing") && consequences.contains(&"mx-missing"),
        "{consequences:?}"
    );
    assert!(
        j.senders_view.starts_with("A strict sender would defer mail to bogus.example"),
        "{}",
        j.senders_view
    );

    let checked = mtasts::ops::Checked::new(ev, j, now());
    let text = mtasts::cli::check::render_text(&checked, &mtasts::cli::output::Style::plain());
    assert!(text.contains("consequence of: dnssec-bogus"), "{text}");
    let json = mtasts::cli::check::to_json(&checked);
    let caused: Vec<&serde_json::Value> =
        json["findings"].as_array().unwrap().iter().filter(|f| f.get("caused_by").is_some()).collect();
    assert!(caused.iter().all(|f| f["caused_by"] == "dnssec-bogus") && !caused.is_empty(), "{json}");
    assert_eq!(json["evidence"]["dnssec_chain"]["ds_records"][0]["matches_key"], false);
}

/// A private root: the lab resolver validates from the lab root (AD set), mtasts from the
/// public root (no `--trust-anchor`): the two disagree, and the report says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resolver_on_a_private_root_is_named_not_reported_as_plain_bogus() {
    let (ev, j) = probe("dane-valid-ee", false).await;
    assert_eq!(ev.dnssec_chain.as_ref().unwrap().validation, DnssecProof::Bogus);
    assert_eq!(ev.sts_dnssec, Lookup::Found(true), "the lab resolver validates from its own root");
    let root = j.findings.iter().find(|f| f.code.as_str() == "dnssec-bogus" && f.is_root()).unwrap();
    assert!(root.message.starts_with(mtasts_core::judge::PRIVATE_ROOT), "{}", root.message);
    let others: Vec<&str> = j
        .findings
        .iter()
        .filter(|f| f.severity == mtasts_core::finding::Severity::Error && f.is_root())
        .map(|f| f.code.as_str())
        .collect();
    assert_eq!(others, ["dnssec-bogus"], "the TLSA failure is the same fault: {:#?}", j.findings);
    assert!(!j.senders_view.contains("DANE-aware"), "no deferral claimed while unsure: {}", j.senders_view);
    let (_, with_anchor) = probe("dane-valid-ee", true).await;
    assert!(with_anchor.findings.iter().all(|f| f.code.as_str() != "dnssec-bogus"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_text_and_json_show_dane_per_mx_and_the_chain() {
    let (ev, j) = probe("dane-valid-ee", true).await;
    let checked = mtasts::ops::Checked::new(ev, j, now());
    let text = mtasts::cli::check::render_text(&checked, &mtasts::cli::output::Style::plain());
    assert!(text.contains("DANE         mx1.dane-ee.example: valid (3 1 1 "), "{text}");
    assert!(text.contains("DNSSEC       DNSKEY 1, DS at the parent 1, validation secure"), "{text}");
    let json = mtasts::cli::check::to_json(&checked);
    assert_eq!(json["dane"][0], serde_json::json!({"host": "mx1.dane-ee.example", "status": "valid"}));
    assert_eq!(json["evidence"]["dnssec_chain"]["validation"], "secure");
    assert_eq!(json["evidence"]["mx"]["value"][0]["tlsa"]["records"]["value"][0]["usage"], 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resolver_that_does_not_answer_leaves_the_chain_undecided_not_unsigned() {
    let s = scenario("dane-unsigned-zone").unwrap();
    let lab = Lab::start(&s, now()).await.unwrap();
    let mut cfg = mtasts::cli::lab::probe_config(&lab, now());
    cfg.resolver = mtasts_probe::ResolverChoice::At("127.0.0.1:1".parse().unwrap());
    cfg.timeouts = Timeouts::uniform(Duration::from_millis(500));
    let ev = probe_domain(&DomainName::parse(&s.domains[0].name).unwrap(), &cfg).await;
    let chain = ev.dnssec_chain.as_ref().unwrap();
    assert_eq!(chain.validation, DnssecProof::Indeterminate, "{chain:?}");
    assert_eq!(
        mtasts_core::judge::dnssec_step::stage(chain),
        mtasts_core::judge::dnssec_step::Stage::Indeterminate
    );
}
