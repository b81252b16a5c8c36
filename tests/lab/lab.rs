//! The lab serves real protocols: checked here with independent clients (hickory-resolver,
//! tokio-rustls, reqwest, the rustls WebPKI verifier).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hickory_proto::rr::RData;
use mtasts_lab::{Lab, Scenario, scenario};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::common::lab_client::{mx_records, resolver, txt_strings};

fn now() -> jiff::Timestamp {
    jiff::Timestamp::now()
}

#[tokio::test]
async fn dns_serves_mx_txt_and_addresses() {
    let lab = Lab::start_named("all-good-testing", now()).await.unwrap();
    let r = resolver(&lab);

    let got = mx_records(&lab, "testing.example.").await;
    assert_eq!(got, [(10, "mx1.testing.example.".to_owned()), (20, "mx2.testing.example.".to_owned())]);

    let sts = r.txt_lookup("_mta-sts.testing.example.").await.unwrap();
    assert_eq!(txt_strings(&sts.answers()[0].data), ["v=STSv1; id=20260101T000000;"]);
    let rpt = r.txt_lookup("_smtp._tls.testing.example.").await.unwrap();
    assert_eq!(txt_strings(&rpt.answers()[0].data), ["v=TLSRPTv1; rua=mailto:tlsrpt@testing.example"]);

    let a = r.ipv4_lookup("mta-sts.testing.example.").await.unwrap();
    assert!(matches!(a.answers()[0].data, RData::A(ip) if ip.0 == Ipv4Addr::LOCALHOST));
    for host in ["mx1.testing.example", "mx2.testing.example"] {
        let a = r.ipv4_lookup(format!("{host}.")).await.unwrap();
        let want = lab.mx_addr(host).unwrap().ip();
        assert!(matches!(a.answers()[0].data, RData::A(ip) if IpAddr::V4(ip.0) == want), "{host}");
    }
    assert_ne!(lab.mx_addr("mx1.testing.example"), lab.mx_addr("mx2.testing.example"));
}

#[tokio::test]
async fn dns_keeps_split_strings_follows_cname_and_omits_unresolvable_hosts() {
    let all = ["txt-split-in-two-strings", "sts-cname-delegation", "policy-host-unresolvable"];
    let merged = Scenario::merge("mix", all.iter().map(|n| scenario(n).unwrap()));
    let lab = Lab::start(&merged, now()).await.unwrap();
    let r = resolver(&lab);

    let split = r.txt_lookup("_mta-sts.split.example.").await.unwrap();
    assert_eq!(split.answers().len(), 1);
    assert_eq!(txt_strings(&split.answers()[0].data), ["v=STSv1; id=2026", "0101T000000;"]);

    let delegated = r.txt_lookup("_mta-sts.delegated.example.").await.unwrap();
    let txt: Vec<_> = delegated.answers().iter().filter(|a| matches!(a.data, RData::TXT(_))).collect();
    assert_eq!(txt.len(), 1);
    assert_eq!(txt[0].name.to_ascii(), "_mta-sts.delegated.provider.example.");
    assert!(delegated.answers().iter().any(|a| matches!(a.data, RData::CNAME(_))));

    assert!(r.ipv4_lookup("mta-sts.nohost.example.").await.is_err());
    assert!(r.txt_lookup("_mta-sts.nohost.example.").await.is_ok());
}

#[tokio::test]
async fn dns_serves_null_mx() {
    let mut s = scenario("no-mta-sts").unwrap();
    s.domains[0].null_mx = true;
    let lab = Lab::start(&s, now()).await.unwrap();
    let mx = resolver(&lab).mx_lookup("plain.example.").await.unwrap();
    assert_eq!(mx.answers().len(), 1);
    assert!(matches!(&mx.answers()[0].data, RData::MX(m) if m.preference == 0 && m.exchange.is_root()));
    assert!(lab.mx_addrs.is_empty());
}

async fn reply<S: AsyncBufRead + Unpin>(s: &mut S) -> String {
    let mut all = String::new();
    loop {
        let mut line = String::new();
        let n = tokio::time::timeout(Duration::from_secs(5), s.read_line(&mut line)).await.unwrap().unwrap();
        assert!(n > 0, "connection closed after {all:?}");
        all.push_str(&line);
        if line.as_bytes().get(3) == Some(&b' ') {
            return all;
        }
    }
}

async fn send<S: AsyncWrite + Unpin>(s: &mut S, line: &str) {
    s.write_all(format!("{line}\r\n").as_bytes()).await.unwrap();
    s.flush().await.unwrap();
}

fn client_config(lab: &Lab) -> Arc<rustls::ClientConfig> {
    crate::common::tls_client_config(lab.ca_der.clone())
}

/// Connects, reads the banner, EHLOs and sends STARTTLS; returns the plain stream ready for TLS.
async fn up_to_starttls(addr: SocketAddr) -> TcpStream {
    let mut s = BufReader::new(TcpStream::connect(addr).await.unwrap());
    let banner = reply(&mut s).await;
    assert!(banner.starts_with("220-") && banner.contains("\r\n220 "), "{banner:?}");
    send(&mut s, "EHLO probe.test").await;
    let ehlo = reply(&mut s).await;
    assert!(ehlo.contains("250-STARTTLS\r\n"), "{ehlo:?}");
    send(&mut s, "STARTTLS").await;
    assert!(reply(&mut s).await.starts_with("220 "));
    s.into_inner()
}

#[tokio::test]
async fn smtp_speaks_starttls_with_a_ca_signed_certificate() {
    let lab = Lab::start_named("all-good-enforce", now()).await.unwrap();
    let addr = lab.mx_addr("mx1.good.example").unwrap();
    assert_eq!(addr.port(), lab.smtp_port);
    let plain = up_to_starttls(addr).await;
    let connector = tokio_rustls::TlsConnector::from(client_config(&lab));
    let name = rustls::pki_types::ServerName::try_from("mx1.good.example").unwrap();
    let mut tls = BufReader::new(connector.connect(name, plain).await.unwrap());
    send(&mut tls, "EHLO probe.test").await;
    let ehlo = reply(&mut tls).await;
    assert!(ehlo.starts_with("250-mx1.good.example") && !ehlo.contains("STARTTLS"), "{ehlo:?}");
    send(&mut tls, "QUIT").await;
    assert!(reply(&mut tls).await.starts_with("221 "));
}

#[tokio::test]
async fn smtp_expired_certificate_fails_the_handshake() {
    let lab = Lab::start_named("mx-cert-expired", now()).await.unwrap();
    let plain = up_to_starttls(lab.mx_addr("mx1.expired.example").unwrap()).await;
    let connector = tokio_rustls::TlsConnector::from(client_config(&lab));
    let name = rustls::pki_types::ServerName::try_from("mx1.expired.example").unwrap();
    let err = connector.connect(name, plain).await.unwrap_err();
    let text = format!("{err:?}");
    assert!(text.contains("Expired"), "{text}");
}

#[tokio::test]
async fn smtp_misbehaving_hosts_misbehave() {
    let parts = ["mx-no-starttls", "mx-refuses-connections", "mx-stalls-after-banner"];
    let lab =
        Lab::start(&Scenario::merge("bad", parts.iter().map(|n| scenario(n).unwrap())), now()).await.unwrap();

    let mut s =
        BufReader::new(TcpStream::connect(lab.mx_addr("mx1.nostarttls.example").unwrap()).await.unwrap());
    reply(&mut s).await;
    send(&mut s, "EHLO probe.test").await;
    assert!(!reply(&mut s).await.contains("STARTTLS"));
    send(&mut s, "STARTTLS").await;
    assert!(reply(&mut s).await.starts_with("502 "));

    let refused = TcpStream::connect(lab.mx_addr("mx1.refused.example").unwrap()).await;
    assert_eq!(refused.unwrap_err().kind(), std::io::ErrorKind::ConnectionRefused);

    let mut s =
        BufReader::new(TcpStream::connect(lab.mx_addr("mx1.stalled.example").unwrap()).await.unwrap());
    assert!(reply(&mut s).await.starts_with("220"));
    send(&mut s, "EHLO probe.test").await;
    let mut line = String::new();
    let answered = tokio::time::timeout(Duration::from_millis(500), s.read_line(&mut line)).await;
    assert!(answered.is_err(), "stalled host answered {line:?}");
}

#[tokio::test]
async fn smtp_rejects_overlong_lines_and_parallel_labs_do_not_clash() {
    let (a, b) = tokio::join!(
        Lab::start_named("all-good-enforce", now()),
        Lab::start_named("all-good-enforce", now())
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_ne!(a.mx_addr("mx1.good.example"), b.mx_addr("mx1.good.example"));
    let mut s = BufReader::new(TcpStream::connect(a.mx_addr("mx1.good.example").unwrap()).await.unwrap());
    reply(&mut s).await;
    s.write_all(&vec![b'a'; 10_000]).await.unwrap();
    let mut rest = Vec::new();
    let closed =
        tokio::time::timeout(Duration::from_secs(5), tokio::io::AsyncReadExt::read_to_end(&mut s, &mut rest));
    assert!(closed.await.is_ok(), "lab kept an over-long line open");
}

#[tokio::test]
async fn lab_stops_on_drop() {
    let lab = Lab::start_named("all-good-enforce", now()).await.unwrap();
    let addr = lab.mx_addr("mx1.good.example").unwrap();
    let https = lab.https_addr();
    assert!(TcpStream::connect(addr).await.is_ok());
    drop(lab);
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(TcpStream::connect(addr).await.is_err());
    assert!(TcpStream::connect(https).await.is_err());
}
