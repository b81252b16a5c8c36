//! Injected latency (for benchmarks), hosts without addresses and the remaining SMTP behaviours.

use std::time::{Duration, Instant};

use mtasts_lab::{Lab, scenario};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::common::lab_client::{https_client, resolver};

#[tokio::test]
async fn latency_applies_to_dns_smtp_and_https() {
    let s = scenario("all-good-enforce").unwrap().with_latency(200);
    let lab = Lab::start(&s, jiff::Timestamp::now()).await.unwrap();

    let started = Instant::now();
    resolver(&lab).mx_lookup("good.example.").await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200));

    let started = Instant::now();
    let mut smtp =
        BufReader::new(TcpStream::connect(lab.mx_addr("mx1.good.example").unwrap()).await.unwrap());
    let mut banner = String::new();
    smtp.read_line(&mut banner).await.unwrap();
    assert!(banner.starts_with("220-"));
    assert!(started.elapsed() >= Duration::from_millis(200));
    smtp.read_line(&mut banner).await.unwrap();
    let started = Instant::now();
    smtp.write_all(b"NOOP\r\n").await.unwrap();
    let mut reply = String::new();
    smtp.read_line(&mut reply).await.unwrap();
    assert_eq!(reply, "250 2.0.0 OK\r\n");
    assert!(started.elapsed() >= Duration::from_millis(200));

    let client = https_client(&lab, "mta-sts.good.example");
    let url = format!("https://mta-sts.good.example:{}/.well-known/mta-sts.txt", lab.https_port);
    let started = Instant::now();
    assert_eq!(client.get(url).send().await.unwrap().status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[tokio::test]
async fn a_dangling_mx_has_no_address_and_no_listener() {
    let lab = Lab::start_named("mx-no-address", jiff::Timestamp::now()).await.unwrap();
    assert_eq!(lab.mx_addr("mx1.dangling.example"), None);
    let r = resolver(&lab);
    let mx = r.mx_lookup("dangling.example.").await.unwrap();
    assert_eq!(mx.answers().len(), 1);
    assert!(r.ipv4_lookup("mx1.dangling.example.").await.is_err());
}

#[tokio::test]
async fn the_demo_lab_starts_with_all_five_domains() {
    let lab = Lab::start_named("demo", jiff::Timestamp::now()).await.unwrap();
    let r = resolver(&lab);
    for d in ["good.example", "expired.example", "html.example", "testing.example", "fresh.example"] {
        assert!(!r.mx_lookup(format!("{d}.")).await.unwrap().answers().is_empty(), "{d}");
    }
    assert_eq!(lab.mx_addrs.len(), 7);
}

#[tokio::test]
async fn starttls_rejected_close_immediately_and_stall_before_banner() {
    use mtasts_lab::{MxBehaviour, MxHostSpec};
    let mut s = scenario("all-good-enforce").unwrap();
    let hosts = [
        ("mx1.good.example", MxBehaviour::StarttlsRejected),
        ("mx2.good.example", MxBehaviour::CloseImmediately),
        ("mx3.good.example", MxBehaviour::StallBeforeBanner),
    ];
    for (name, behaviour) in hosts {
        s.mx_hosts.push(MxHostSpec { behaviour, ..MxHostSpec::healthy(name) });
    }
    let lab = Lab::start(&s, jiff::Timestamp::now()).await.unwrap();

    let mut rejected =
        BufReader::new(TcpStream::connect(lab.mx_addr("mx1.good.example").unwrap()).await.unwrap());
    let mut line = String::new();
    while !line.starts_with("220 ") {
        line.clear();
        rejected.read_line(&mut line).await.unwrap();
    }
    rejected.write_all(b"EHLO probe.test\r\n").await.unwrap();
    let mut ehlo = String::new();
    while !ehlo.ends_with("250 8BITMIME\r\n") {
        assert!(rejected.read_line(&mut ehlo).await.unwrap() > 0);
    }
    assert!(ehlo.contains("250-STARTTLS\r\n"));
    rejected.write_all(b"STARTTLS\r\n").await.unwrap();
    line.clear();
    rejected.read_line(&mut line).await.unwrap();
    assert!(line.starts_with("454 "), "{line:?}");

    let mut closed =
        BufReader::new(TcpStream::connect(lab.mx_addr("mx2.good.example").unwrap()).await.unwrap());
    line.clear();
    let n = tokio::time::timeout(Duration::from_secs(5), closed.read_line(&mut line)).await.unwrap();
    assert_eq!(n.unwrap_or(0), 0);

    let mut silent =
        BufReader::new(TcpStream::connect(lab.mx_addr("mx3.good.example").unwrap()).await.unwrap());
    line.clear();
    let waited = tokio::time::timeout(Duration::from_millis(300), silent.read_line(&mut line)).await;
    assert!(waited.is_err(), "got a banner: {line:?}");
}
