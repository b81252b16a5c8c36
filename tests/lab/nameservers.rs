//! Every authoritative nameserver asked directly: a stale secondary serving the old id, a
//! lame one, and the stale one catching up.

use std::time::Duration;

use mtasts_core::evidence::Evidence;
use mtasts_core::judge::{JudgeContext, Judgement, judge};
use mtasts_core::rfc::DomainName;
use mtasts_lab::{Lab, scenario};
use mtasts_probe::{Timeouts, probe_domain};

fn now() -> jiff::Timestamp {
    "2026-11-29T09:00:00Z".parse().unwrap()
}

async fn check(lab: &Lab) -> (Evidence, Judgement) {
    let mut cfg = mtasts::cli::lab::probe_config(lab, now());
    cfg.timeouts = Timeouts::uniform(Duration::from_secs(2));
    let ev = probe_domain(&DomainName::parse(&lab.scenario.domains[0].name).unwrap(), &cfg).await;
    let j = judge(&ev, &JudgeContext::new(now()));
    (ev, j)
}

fn codes(j: &Judgement) -> Vec<&'static str> {
    let mut v: Vec<&str> = j.findings.iter().map(|f| f.code.as_str()).collect();
    v.sort_unstable();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_nameserver_is_named_with_what_it_serves_until_it_catches_up() {
    let lab = Lab::start(&scenario("ns-stale").unwrap(), now()).await.unwrap();
    let (ev, j) = check(&lab).await;
    assert_eq!(codes(&j), ["dnssec-unsigned", "ns-inconsistent"], "{:#?}", j.findings);
    let ns = ev.nameservers.as_ref().unwrap();
    assert_eq!(ns.servers.len(), 2);
    let f = j.findings.iter().find(|f| f.code.as_str() == "ns-inconsistent").unwrap();
    assert!(f.message.contains("_mta-sts TXT"), "{}", f.message);
    assert!(f.message.contains("ns1.ns-stale.example [127.0.0.1]"), "{}", f.message);
    assert!(f.message.contains("id=20260101T000000"), "{}", f.message);
    assert!(f.message.contains("id=20260201T000000"), "{}", f.message);

    lab.sync_nameservers();
    let (_, j) = check(&lab).await;
    assert_eq!(codes(&j), ["dnssec-unsigned"], "{:#?}", j.findings);

    lab.publish_txt("_mta-sts.ns-stale.example", vec![vec!["v=STSv1; id=20260301T000000;".into()]]).unwrap();
    let (_, j) = check(&lab).await;
    assert_eq!(codes(&j), ["dnssec-unsigned", "ns-inconsistent"], "a publish reaches the primary only");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lame_nameserver_is_unreachable() {
    let lab = Lab::start(&scenario("ns-lame").unwrap(), now()).await.unwrap();
    let (ev, j) = check(&lab).await;
    assert_eq!(codes(&j), ["dnssec-unsigned", "ns-unreachable"], "{:#?}", j.findings);
    let lame = ev.nameservers.unwrap().servers.into_iter().find(|s| s.answers.is_none()).unwrap();
    assert_eq!(lame.name, "ns2.ns-lame.example");
    assert!(lame.error.unwrap().contains("Refused"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_text_and_json_show_nameserver_agreement_and_dane() {
    let lab = Lab::start(&scenario("ns-stale").unwrap(), now()).await.unwrap();
    let (ev, j) = check(&lab).await;
    let style = mtasts::cli::output::Style::plain();
    let checked = mtasts::ops::Checked::new(ev, j, now());
    let text = mtasts::cli::check::render_text(&checked, &style);
    assert!(text.contains("Nameservers  2 of 2 answer, they disagree on _mta-sts TXT"), "{text}");
    let json = mtasts::cli::check::to_json(&checked);
    assert_eq!(json["nameservers_agree"], false);
    assert_eq!(json["evidence"]["nameservers"]["servers"].as_array().unwrap().len(), 2);
    assert_eq!(json["dane"][0]["status"], "none");
}

/// A nameserver where nothing listens is refused at once, a silent one given up: both named
/// with why, both skipped in what the rollout gate says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_switched_off_and_a_silent_nameserver_are_named_with_why() {
    let lab = Lab::start(&scenario("ns-dead").unwrap(), now()).await.unwrap();
    let mut cfg = mtasts::cli::lab::probe_config(&lab, now());
    cfg.timeouts = Timeouts::uniform(Duration::from_secs(5));
    let ev = probe_domain(&DomainName::parse("ns-dead.example").unwrap(), &cfg).await;
    let j = judge(&ev, &JudgeContext::new(now()));
    assert_eq!(codes(&j), ["dnssec-unsigned", "ns-unreachable", "ns-unreachable"], "{:#?}", j.findings);
    let ns = ev.nameservers.as_ref().unwrap();
    let error = |name: &str| ns.servers.iter().find(|s| s.name == name).unwrap().error.clone().unwrap();
    assert!(error("ns2.ns-dead.example").starts_with("refused: nothing listens"), "{ns:?}");
    assert!(
        error("ns3.ns-dead.example").starts_with("silent: no answer to 3 sends within 2000 ms"),
        "{ns:?}"
    );
    let skipped = mtasts_core::judge::ns::skipped(&ev);
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(skipped[0].starts_with("ns2.ns-dead.example [127."), "{skipped:?}");
}
