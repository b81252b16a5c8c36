//! The probe against the in-process lab: real DNS, SMTP and HTTPS on loopback.

use crate::common;

use std::net::IpAddr;
use std::time::Duration;

use mtasts_core::evidence::{
    CertVerdict, Evidence, FetchOutcome, Lookup, SmtpEvidence, SmtpOutcome, SmtpStage,
};
use mtasts_core::rfc::DomainName;
use mtasts_lab::{Lab, Scenario, scenario};
use mtasts_probe::{ProbeConfig, Timeouts, probe_domain, probe_domains};

fn now() -> jiff::Timestamp {
    "2026-06-01T12:00:00Z".parse().unwrap()
}

fn config(lab: &Lab) -> ProbeConfig {
    common::lab_config(lab)
}

fn domain(name: &str) -> DomainName {
    DomainName::parse(name).unwrap()
}

async fn probe_named(scenario_name: &str, domain_name: &str) -> Evidence {
    let lab = Lab::start_named(scenario_name, now()).await.unwrap();
    probe_domain(&domain(domain_name), &config(&lab)).await
}

fn only_probe(ev: &Evidence) -> &SmtpEvidence {
    let mx = ev.mx.found().expect("MX found");
    assert_eq!(mx.len(), 1);
    assert_eq!(mx[0].probes.len(), 1);
    &mx[0].probes[0]
}

#[tokio::test]
async fn all_good_domain() {
    let lab = Lab::start_named("all-good-enforce", now()).await.unwrap();
    let ev = probe_domain(&domain("good.example"), &config(&lab)).await;

    let mx = ev.mx.found().unwrap();
    assert_eq!((mx[0].preference, mx[0].host.as_str()), (10, "mx1.good.example"));
    let ip = IpAddr::V4(lab.mx_addrs["mx1.good.example"]);
    assert_eq!(mx[0].addresses, Lookup::Found(vec![ip]));
    assert!(!ev.null_mx && ev.implicit_mx.is_none());
    let smtp = only_probe(&ev);
    assert_eq!(smtp.outcome, SmtpOutcome::TlsEstablished);
    assert_eq!(smtp.addr, lab.mx_addr("mx1.good.example").unwrap());
    assert_eq!(smtp.starttls_offered, Some(true));
    let tls = smtp.tls.as_ref().unwrap();
    assert_eq!(tls.cert.verdict, CertVerdict::TrustedViaExtraAnchor);
    assert_eq!(tls.cert.sans, vec!["mx1.good.example".to_owned()]);

    assert_eq!(ev.sts_record.name, "_mta-sts.good.example");
    assert!(ev.sts_record.cname_chain.is_empty());
    assert_eq!(ev.sts_record.records, Lookup::Found(vec![vec!["v=STSv1; id=20260101T000000;".to_owned()]]));
    assert_eq!(
        ev.tlsrpt_record.records,
        Lookup::Found(vec![vec!["v=TLSRPTv1; rua=mailto:tlsrpt@good.example".to_owned()]])
    );
    assert_eq!(ev.tlsrpt_legacy_record.records, Lookup::NxDomain);
    assert_eq!(ev.sts_dnssec, Lookup::Found(false), "the lab does not sign its zones");

    assert_eq!(ev.policy_host, "mta-sts.good.example");
    assert_eq!(ev.policy_host_addresses, Lookup::Found(vec!["127.0.0.1".parse().unwrap()]));
    let p = &ev.policy;
    assert_eq!(p.url, "https://mta-sts.good.example/.well-known/mta-sts.txt");
    assert_eq!(p.outcome, FetchOutcome::Response);
    assert_eq!(p.status, Some(200));
    assert!(p.content_type.as_deref().unwrap().starts_with("text/plain"));
    assert_eq!(
        p.body.as_deref(),
        Some(b"version: STSv1\r\nmode: enforce\r\nmx: mx1.good.example\r\nmax_age: 604800\r\n".as_slice())
    );
    assert!(!p.too_large);
    assert_eq!(p.cert.as_ref().unwrap().verdict, CertVerdict::TrustedViaExtraAnchor);
    assert_eq!(ev.extra_anchors, 1);
    assert!(!ev.overall_timeout_hit);

    let json = serde_json::to_value(&ev).unwrap();
    assert_eq!(json["sts_record"]["records"]["status"], "found");
    assert_eq!(
        json["policy"]["body"],
        "version: STSv1\r\nmode: enforce\r\nmx: mx1.good.example\r\nmax_age: 604800\r\n"
    );
    assert_eq!(json["mx"]["value"][0]["probes"][0]["outcome"]["kind"], "tls_established");
}

#[tokio::test]
async fn without_the_lab_ca_certificates_are_untrusted() {
    let lab = Lab::start_named("all-good-enforce", now()).await.unwrap();
    let mut cfg = config(&lab);
    cfg.extra_anchors.clear();
    let ev = probe_domain(&domain("good.example"), &cfg).await;
    assert_eq!(only_probe(&ev).tls.as_ref().unwrap().cert.verdict, CertVerdict::UnknownIssuer);
    assert_eq!(ev.policy.cert.as_ref().unwrap().verdict, CertVerdict::UnknownIssuer);
    assert_eq!(ev.policy.status, Some(200), "an untrusted certificate still yields the response as evidence");
}

#[tokio::test]
async fn certificate_verdicts_across_a_run() {
    let names = ["mx-cert-expired", "mx-cert-self-signed", "mx-cert-wrong-name", "mx-cert-not-yet-valid"];
    let merged = Scenario::merge("verdicts", names.iter().map(|n| scenario(n).unwrap()));
    let lab = Lab::start(&merged, now()).await.unwrap();
    let domains: Vec<DomainName> =
        ["expired.example", "selfsigned.example", "mx-wrongname.example", "early.example"].map(domain).into();
    let all = probe_domains(&domains, &config(&lab)).await;
    let got: Vec<(String, CertVerdict)> = all
        .iter()
        .map(|ev| (ev.domain.as_str().to_owned(), only_probe(ev).tls.as_ref().unwrap().cert.verdict))
        .collect();
    let want = [
        ("expired.example", CertVerdict::Expired),
        ("selfsigned.example", CertVerdict::SelfSigned),
        ("mx-wrongname.example", CertVerdict::NameMismatch),
        ("early.example", CertVerdict::NotYetValid),
    ]
    .map(|(d, v)| (d.to_owned(), v));
    assert_eq!(got, want);
}

#[tokio::test]
async fn policy_host_with_wrong_certificate_name() {
    let ev = probe_named("policy-cert-wrong-name", "wrongcert.example").await;
    let cert = ev.policy.cert.as_ref().unwrap();
    assert_eq!(cert.verdict, CertVerdict::NameMismatch);
    assert_eq!(cert.sans, vec!["www.wrongcert.example".to_owned()]);
    assert_eq!(ev.policy.status, Some(200));
}

#[tokio::test]
async fn redirect_is_recorded_not_followed() {
    let ev = probe_named("policy-redirect-301", "redirect.example").await;
    assert_eq!(ev.policy.outcome, FetchOutcome::Response);
    assert_eq!(ev.policy.status, Some(301));
    assert_eq!(ev.policy.location.as_deref(), Some("https://www.redirect.example/.well-known/mta-sts.txt"));
    assert_eq!(ev.policy.body.as_deref(), Some(b"<html><body>Moved</body></html>\n".as_slice()));
}

#[tokio::test]
async fn oversized_policy_is_refused_by_its_announced_length() {
    let ev = probe_named("policy-over-64k", "large.example").await;
    assert!(ev.policy.too_large);
    assert!(ev.policy.content_length.is_some_and(|n| n >= 70_000), "{:?}", ev.policy.content_length);
    assert_eq!(ev.policy.body.as_ref().unwrap().len(), 0, "nothing is read past an oversize Content-Length");
}

#[tokio::test]
async fn endless_chunked_body_is_cut_at_the_cap() {
    let ev = probe_named("hostile-https-endless-body", "endless-body.example").await;
    assert!(ev.policy.too_large);
    assert_eq!(ev.policy.content_length, None);
    assert_eq!(ev.policy.body.as_ref().unwrap().len(), 64 * 1024 + 1);
}

#[tokio::test]
async fn nxdomain_versus_nodata() {
    let ev = probe_named("no-mta-sts", "plain.example").await;
    assert_eq!(ev.sts_record.records, Lookup::NxDomain);
    assert_eq!(ev.tlsrpt_record.records, Lookup::NxDomain);
    assert_eq!(ev.policy_host_addresses, Lookup::NxDomain);
    assert_eq!(ev.policy.outcome, FetchOutcome::HostUnresolved);
    let json = serde_json::to_value(&ev).unwrap();
    assert_eq!(json["sts_record"]["records"], serde_json::json!({"status": "nxdomain"}));
    assert_eq!(json["policy"]["outcome"], serde_json::json!({"kind": "host_unresolved"}));
    assert_eq!(only_probe(&ev).outcome, SmtpOutcome::TlsEstablished);

    let s = Scenario::from_toml(
        r#"
        name = "no-mx"
        [[domains]]
        name = "nomx.example"
        sts_txt = [["v=STSv1; id=1;"]]
        "#,
    )
    .unwrap();
    let lab = Lab::start(&s, now()).await.unwrap();
    let ev = probe_domain(&domain("nomx.example"), &config(&lab)).await;
    assert_eq!(ev.mx, Lookup::NoData, "the apex exists (SOA) but has no MX");
    let implicit = ev.implicit_mx.as_ref().unwrap();
    assert_eq!((implicit.preference, implicit.host.as_str()), (0, "nomx.example"));
    assert_eq!(implicit.addresses, Lookup::NoData);
    assert!(implicit.probes.is_empty());
}

#[tokio::test]
async fn null_mx_is_recognised_and_not_probed() {
    let s = Scenario::from_toml(
        r#"
        name = "null-mx"
        [[domains]]
        name = "nomail.example"
        null_mx = true
        "#,
    )
    .unwrap();
    let lab = Lab::start(&s, now()).await.unwrap();
    let ev = probe_domain(&domain("nomail.example"), &config(&lab)).await;
    assert!(ev.null_mx);
    let mx = ev.mx.found().unwrap();
    assert_eq!((mx[0].preference, mx[0].host.as_str()), (0, "."));
    assert!(mx[0].probes.is_empty());
}

#[tokio::test]
async fn sts_cname_chain_and_split_strings() {
    let ev = probe_named("sts-cname-delegation", "delegated.example").await;
    assert_eq!(ev.sts_record.cname_chain, vec!["_mta-sts.delegated.provider.example".to_owned()]);
    assert_eq!(ev.sts_record.records, Lookup::Found(vec![vec!["v=STSv1; id=20260101T000000;".to_owned()]]));

    let ev = probe_named("txt-split-in-two-strings", "split.example").await;
    assert_eq!(
        ev.sts_record.records,
        Lookup::Found(vec![vec!["v=STSv1; id=2026".to_owned(), "0101T000000;".to_owned()]])
    );
}

#[tokio::test]
async fn misbehaving_mx_hosts() {
    let names = ["mx-no-starttls", "mx-refuses-connections", "mx-stalls-after-banner"];
    let merged = Scenario::merge("mx-trouble", names.iter().map(|n| scenario(n).unwrap()));
    let lab = Lab::start(&merged, now()).await.unwrap();
    let domains = ["nostarttls.example", "refused.example", "stalled.example"].map(domain);
    let all = probe_domains(&domains, &config(&lab)).await;
    let outcomes: Vec<SmtpOutcome> = all.iter().map(|ev| only_probe(ev).outcome.clone()).collect();
    assert_eq!(
        outcomes,
        vec![
            SmtpOutcome::StartTlsNotOffered,
            SmtpOutcome::Refused,
            SmtpOutcome::Timeout { stage: SmtpStage::Ehlo },
        ]
    );
}

#[tokio::test]
async fn shared_mx_hosts_are_probed_once_per_run() {
    let lab = Lab::start(&mtasts_lab::fleet(3), now()).await.unwrap();
    let domains = ["d0.fleet.example", "d1.fleet.example", "d2.fleet.example"].map(domain);
    let all = probe_domains(&domains, &config(&lab)).await;
    assert_eq!(
        all.iter().map(|e| e.domain.as_str()).collect::<Vec<_>>(),
        domains.map(|d| d.as_str().to_owned())
    );
    let first = &all[0].mx.found().unwrap()[0].probes[0];
    for ev in &all {
        let p = &ev.mx.found().unwrap()[0].probes[0];
        assert_eq!(p.outcome, SmtpOutcome::TlsEstablished);
        // one shared result: identical down to the measured duration
        assert_eq!((p.addr, p.elapsed_ms), (first.addr, first.elapsed_ms));
    }
}

#[tokio::test]
async fn the_overall_timeout_bounds_a_stalling_domain() {
    let lab = Lab::start_named("mx-stalls-after-banner", now()).await.unwrap();
    let mut cfg = config(&lab);
    cfg.timeouts =
        Timeouts { overall: Duration::from_millis(1500), ..Timeouts::uniform(Duration::from_secs(60)) };
    let ev = probe_domain(&domain("stalled.example"), &cfg).await;
    assert!(ev.overall_timeout_hit);
    assert_eq!(only_probe(&ev).outcome, SmtpOutcome::Timeout { stage: SmtpStage::Ehlo });
    assert_eq!(ev.policy.status, Some(200), "steps that finished in time keep their evidence");
}

#[tokio::test]
async fn dangling_mx_has_no_address_and_no_probe() {
    let ev = probe_named("mx-no-address", "dangling.example").await;
    let mx = ev.mx.found().unwrap();
    assert_eq!(mx[0].host, "mx1.dangling.example");
    assert_eq!(mx[0].addresses, Lookup::NxDomain);
    assert!(mx[0].probes.is_empty());
}

/// The stage hook hears each domain move on from DNS to its servers once the MX lookup
/// answered, and never for a domain whose resolver does not answer.
#[tokio::test]
async fn the_stage_hook_hears_dns_answered_then_the_servers() {
    use mtasts_core::evidence::ProbeStage;
    use std::sync::{Arc, Mutex};
    let lab = Lab::start_named("all-good-enforce", now()).await.unwrap();
    let heard: Arc<Mutex<Vec<(String, ProbeStage)>>> = Arc::default();
    let mut cfg = config(&lab);
    let sink = heard.clone();
    cfg.stage = Some(mtasts_probe::StageHook(Arc::new(move |d: &DomainName, s: ProbeStage| {
        sink.lock().unwrap().push((d.as_str().to_owned(), s));
    })));
    let ev = probe_domain(&domain("good.example"), &cfg).await;
    assert!(ev.mx.found().is_some());
    assert_eq!(*heard.lock().unwrap(), vec![("good.example".to_owned(), ProbeStage::Servers)]);
    heard.lock().unwrap().clear();
    cfg.resolver = mtasts_probe::ResolverChoice::At(std::net::SocketAddr::from(([127, 0, 0, 1], 1)));
    cfg.timeouts = Timeouts::uniform(Duration::from_millis(300));
    probe_domain(&domain("good.example"), &cfg).await;
    assert!(heard.lock().unwrap().is_empty(), "no answer, no move: {:?}", heard.lock().unwrap());
}
