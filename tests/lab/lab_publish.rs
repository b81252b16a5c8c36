//! Changing a running lab: TXT records, policy files and MX records are published while the
//! servers answer, and fresh clients see the change.

use std::sync::Arc;
use std::time::Duration;

use hickory_proto::rr::RData;
use mtasts_lab::{Lab, LabError, MxSpec, Scenario, scenario};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::common::lab_client::{fetch_policy, mx_records, resolver, txt_strings};

const STS: &str = "v=STSv1; id=20261129T090000;";
const POLICY: &str =
    "version: STSv1\r\nmode: testing\r\nmx: mx1.fresh.example\r\nmx: mx2.fresh.example\r\nmax_age: 86400\r\n";

fn now() -> jiff::Timestamp {
    "2026-11-29T09:00:00Z".parse().unwrap()
}

/// The TXT records at `name`, each as its strings; empty when there are none.
async fn txt(lab: &Lab, name: &str) -> Vec<Vec<String>> {
    let Ok(answer) = resolver(lab).txt_lookup(format!("{name}.")).await else {
        return Vec::new();
    };
    let mut out: Vec<Vec<String>> = answer
        .answers()
        .iter()
        .filter(|a| matches!(a.data, RData::TXT(_)))
        .map(|a| txt_strings(&a.data))
        .collect();
    out.sort();
    out
}

/// Status, content type and body of the policy URL of `domain`.
async fn fetch(lab: &Lab, domain: &str) -> (u16, String, Vec<u8>) {
    let r = fetch_policy(lab, domain).await.unwrap();
    let ct = r.headers().get("content-type").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    (r.status().as_u16(), ct, r.bytes().await.unwrap().to_vec())
}

fn strings(s: &[&str]) -> Vec<String> {
    s.iter().map(|s| (*s).to_owned()).collect()
}

#[tokio::test]
async fn published_txt_records_appear_and_disappear() {
    let lab = Lab::start_named("demo-fresh", now()).await.unwrap();
    assert!(resolver(&lab).txt_lookup("_mta-sts.fresh.example.").await.is_err());
    assert!(txt(&lab, "_smtp._tls.fresh.example").await.is_empty());
    assert!(resolver(&lab).ipv4_lookup("mta-sts.fresh.example.").await.is_ok());

    lab.publish_txt("_mta-sts.fresh.example", vec![strings(&[STS])]).unwrap();
    assert_eq!(txt(&lab, "_mta-sts.fresh.example").await, [[STS]]);
    lab.publish_txt(
        "_SMTP._TLS.fresh.example.",
        vec![strings(&["v=TLSRPTv1; ", "rua=mailto:tls@fresh.example"])],
    )
    .unwrap();
    assert_eq!(
        txt(&lab, "_smtp._tls.fresh.example").await,
        [["v=TLSRPTv1; ", "rua=mailto:tls@fresh.example"]]
    );
    lab.publish_txt("note.fresh.example", vec![strings(&["a"]), strings(&["b"])]).unwrap();
    assert_eq!(txt(&lab, "note.fresh.example").await, [["a"], ["b"]]);
    assert_eq!(lab.published().domains[0].sts_txt, [[STS]]);

    lab.publish_txt("_mta-sts.fresh.example", Vec::new()).unwrap();
    lab.publish_txt("note.fresh.example", Vec::new()).unwrap();
    assert!(txt(&lab, "_mta-sts.fresh.example").await.is_empty());
    assert!(txt(&lab, "note.fresh.example").await.is_empty());
    assert_eq!(txt(&lab, "_smtp._tls.fresh.example").await.len(), 1);
    let mx = resolver(&lab).mx_lookup("fresh.example.").await.unwrap();
    assert_eq!(mx.answers().len(), 2, "other records are untouched");
}

#[tokio::test]
async fn publishing_over_a_cname_replaces_it() {
    let lab = Lab::start_named("sts-cname-delegation", now()).await.unwrap();
    lab.publish_txt("_mta-sts.delegated.example", vec![strings(&[STS])]).unwrap();
    let answer = resolver(&lab).txt_lookup("_mta-sts.delegated.example.").await.unwrap();
    assert!(answer.answers().iter().all(|a| !matches!(a.data, RData::CNAME(_))));
    assert_eq!(txt(&lab, "_mta-sts.delegated.example").await, [[STS]]);
}

#[tokio::test]
async fn published_policy_is_served_exactly_then_withdrawn() {
    let lab = Lab::start_named("demo", now()).await.unwrap();
    let (status, ..) = fetch(&lab, "fresh.example").await;
    assert_eq!(status, 404);

    lab.publish_policy("fresh.example", Some(POLICY.as_bytes().to_vec())).unwrap();
    let (status, ct, body) = fetch(&lab, "fresh.example").await;
    assert_eq!((status, ct.as_str()), (200, "text/plain"));
    assert_eq!(body, POLICY.as_bytes());

    let raw = b"version: STSv1\r\nmode: enforce\xff\r\n".to_vec();
    lab.publish_policy("FRESH.example", Some(raw.clone())).unwrap();
    assert_eq!(fetch(&lab, "fresh.example").await.2, raw);

    lab.publish_policy("fresh.example", None).unwrap();
    assert_eq!(fetch(&lab, "fresh.example").await.0, 404);
    // html.example keeps its own answer.
    let (status, ct, _) = fetch(&lab, "html.example").await;
    assert_eq!((status, ct.as_str()), (200, "text/html; charset=utf-8"));
}

#[tokio::test]
async fn a_domain_without_a_policy_host_gets_a_certificate_on_publish() {
    let lab = Lab::start_named("no-mta-sts", now()).await.unwrap();
    lab.publish_policy("plain.example", Some(POLICY.as_bytes().to_vec())).unwrap();
    let (status, ct, body) = fetch(&lab, "plain.example").await;
    assert_eq!((status, ct.as_str(), body.as_slice()), (200, "text/plain", POLICY.as_bytes()));
}

#[tokio::test]
async fn new_mx_hosts_get_an_address_and_a_starttls_server() {
    let lab = Lab::start_named("demo-fresh", now()).await.unwrap();
    assert!(lab.mx_addr("mx3.fresh.example").is_none());
    let mx = vec![
        MxSpec { preference: 10, host: "mx1.fresh.example".into() },
        MxSpec { preference: 30, host: "MX3.fresh.example.".into() },
    ];
    lab.set_mx("fresh.example", mx).unwrap();

    let got = mx_records(&lab, "fresh.example.").await;
    assert_eq!(got, [(10, "mx1.fresh.example.".to_owned()), (30, "mx3.fresh.example.".to_owned())]);
    let addr = lab.mx_addr("mx3.fresh.example").unwrap();
    let a = resolver(&lab).ipv4_lookup("mx3.fresh.example.").await.unwrap();
    assert!(matches!(a.answers()[0].data, RData::A(ip) if std::net::IpAddr::V4(ip.0) == addr.ip()));
    assert_eq!(lab.mx_hosts().len(), 3);
    assert!(!lab.mx_addrs.contains_key("mx3.fresh.example"));

    let mut s = BufReader::new(TcpStream::connect(addr).await.unwrap());
    let mut banner = String::new();
    s.read_line(&mut banner).await.unwrap();
    assert!(banner.starts_with("220-mx3.fresh.example "), "{banner:?}");
    s.read_line(&mut banner).await.unwrap();
    s.write_all(b"STARTTLS\r\n").await.unwrap();
    let mut ready = String::new();
    s.read_line(&mut ready).await.unwrap();
    assert!(ready.starts_with("220 "), "{ready:?}");
    let mut roots = rustls::RootCertStore::empty();
    roots.add(lab.ca_der.clone()).unwrap();
    let config =
        rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("mx3.fresh.example").unwrap();
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    assert!(connector.connect(name, s.into_inner()).await.is_ok());
}

#[tokio::test]
async fn only_lab_domains_and_valid_content_can_be_published() {
    let lab = Lab::start(
        &Scenario::merge("two", ["demo-fresh", "all-good-enforce"].map(|n| scenario(n).unwrap())),
        now(),
    )
    .await
    .unwrap();
    let not_lab = |r: Result<(), LabError>| matches!(r, Err(LabError::NotLabDomain(_)));
    assert!(not_lab(lab.publish_txt("_mta-sts.other.example", vec![strings(&[STS])])));
    assert!(not_lab(lab.publish_txt("_mta-sts.xfresh.example", Vec::new())));
    assert!(not_lab(lab.publish_txt("example", Vec::new())));
    assert!(not_lab(lab.publish_policy("other.example", None)));
    assert!(not_lab(lab.publish_policy("mx1.fresh.example", None)));
    assert!(not_lab(lab.set_mx("other.example", Vec::new())));
    let invalid = |r: Result<(), LabError>| matches!(r, Err(LabError::Invalid(_)));
    assert!(invalid(lab.publish_txt("_mta-sts.fresh.example", vec![vec!["x".repeat(256)]])));
    assert!(invalid(lab.publish_txt("_mta-sts.fresh.example", vec![Vec::new()])));
    let bad_mx = vec![MxSpec { preference: 10, host: "not a host".into() }];
    assert!(invalid(lab.set_mx("fresh.example", bad_mx)));
    assert!(invalid(
        lab.publish_policy("fresh.example", Some(vec![b'a'; mtasts_lab::MAX_PUBLISHED_BODY + 1]))
    ));
    // Nothing changed.
    assert!(txt(&lab, "_mta-sts.fresh.example").await.is_empty());
    assert_eq!(txt(&lab, "_mta-sts.good.example").await.len(), 1);
    assert_eq!(fetch(&lab, "fresh.example").await.0, 404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_publishes_and_queries_neither_panic_nor_deadlock() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Lab>();
    let lab = Arc::new(Lab::start_named("demo", now()).await.unwrap());
    let mut tasks = tokio::task::JoinSet::new();
    for w in 0..6 {
        let lab = lab.clone();
        tasks.spawn(async move {
            for i in 0..15 {
                let id = format!("v=STSv1; id=w{w}n{i};");
                lab.publish_txt("_mta-sts.fresh.example", vec![vec![id]]).unwrap();
                let body = format!("version: STSv1\r\nmode: testing\r\nmx: w{w}n{i}\r\nmax_age: 86400\r\n");
                lab.publish_policy("fresh.example", Some(body.into_bytes())).unwrap();
                tokio::task::yield_now().await;
            }
        });
    }
    for _ in 0..3 {
        let lab = lab.clone();
        tasks.spawn(async move {
            for _ in 0..10 {
                let got = txt(&lab, "_mta-sts.fresh.example").await;
                assert!(got.len() <= 1, "{got:?}");
                assert_eq!(txt(&lab, "_mta-sts.good.example").await.len(), 1);
                let (status, ct, body) = fetch(&lab, "fresh.example").await;
                assert!(status == 404 || (ct == "text/plain" && body.starts_with(b"version: STSv1\r\n")));
            }
        });
    }
    let all = async {
        while let Some(done) = tasks.join_next().await {
            done.unwrap();
        }
    };
    tokio::time::timeout(Duration::from_secs(120), all).await.unwrap();
    lab.publish_txt("_mta-sts.fresh.example", vec![strings(&[STS])]).unwrap();
    assert_eq!(txt(&lab, "_mta-sts.fresh.example").await, [[STS]]);
}
