//! The per-run MX cache and the CA file loader.

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::time::Instant;

use super::{ProbeConfig, ProbeError, ResolverChoice, Run, SmtpOutcome, Timeouts, load_ca_file};

#[tokio::test]
async fn an_mx_address_is_probed_once_per_run() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = accepted.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut r = BufReader::new(stream);
                r.get_mut().write_all(b"220 hi\r\n").await.unwrap();
                let mut line = String::new();
                while r.read_line(&mut line).await.is_ok_and(|n| n > 0) {
                    let reply: &[u8] = if line.starts_with("EHLO") { b"250 hi\r\n" } else { b"221 bye\r\n" };
                    r.get_mut().write_all(reply).await.unwrap();
                    line.clear();
                }
            });
        }
    });
    let mut cfg = ProbeConfig::new(jiff::Timestamp::UNIX_EPOCH);
    cfg.resolver = ResolverChoice::At("127.0.0.1:9".parse().unwrap());
    cfg.smtp_port = port;
    cfg.timeouts = Timeouts::uniform(Duration::from_secs(2));
    let run = Run::new(&cfg);
    let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let deadline = Instant::now() + Duration::from_secs(5);
    let (a, b) = tokio::join!(run.smtp("mx.test", ip, deadline), run.smtp("mx.test", ip, deadline));
    let c = run.smtp("mx.test", ip, deadline).await;
    assert_eq!(a.outcome, SmtpOutcome::StartTlsNotOffered);
    assert_eq!((&a, &a), (&b, &c));
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
    // another host name on the same address is a different probe (different SNI)
    let d = run.smtp("mx2.test", ip, deadline).await;
    assert_eq!(d.host, "mx2.test");
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

#[test]
fn load_ca_file_reads_certificate_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["ca.test".to_owned()]).unwrap().self_signed(&key).unwrap();
    let good = dir.path().join("ca.pem");
    std::fs::write(&good, format!("# comment\n{}{}", cert.pem(), cert.pem())).unwrap();
    let certs = load_ca_file(&good).unwrap();
    assert_eq!(certs, vec![cert.der().clone(), cert.der().clone()]);

    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "nothing here\n").unwrap();
    assert!(matches!(load_ca_file(&empty), Err(ProbeError::NoCertificates { .. })));

    let broken = dir.path().join("broken.pem");
    std::fs::write(&broken, "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n").unwrap();
    assert!(matches!(load_ca_file(&broken), Err(ProbeError::Pem { .. })));

    assert!(matches!(load_ca_file(&dir.path().join("missing.pem")), Err(ProbeError::Read { .. })));
}

#[test]
fn unusable_anchors_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("junk.pem");
    std::fs::write(
        &path,
        "-----BEGIN CERTIFICATE-----\nLS0gbm90IGEgY2VydGlmaWNhdGUgLS0=\n-----END CERTIFICATE-----\n",
    )
    .unwrap();
    let r = load_ca_file(&path);
    assert!(matches!(r, Err(ProbeError::Anchor(_))), "{r:?}");

    // handed in directly, the broken anchor is kept as an error that every TLS probe reports
    let mut cfg = ProbeConfig::new(jiff::Timestamp::UNIX_EPOCH);
    cfg.extra_anchors = vec![rustls_pki_types::CertificateDer::from(b"-- not a certificate --".to_vec())];
    assert!(Run::new(&cfg).stores.as_ref().is_err_and(|e| e.contains("trust anchor")));
}

/// A loopback MX that greets after `delay`, offers no STARTTLS and returns the most
/// connections it ever had open at once. A connection stops counting when QUIT arrives,
/// before the 221 goes out, so the client cannot open its next one before the count drops.
async fn counting_mx(delay: Duration) -> (u16, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (open, peak) = (Arc::new(AtomicUsize::new(0)), Arc::new(AtomicUsize::new(0)));
    let most = peak.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (open, peak) = (open.clone(), peak.clone());
            peak.fetch_max(open.fetch_add(1, Ordering::SeqCst) + 1, Ordering::SeqCst);
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                let mut r = BufReader::new(stream);
                let mut counted = true;
                let _ = r.get_mut().write_all(b"220 hi\r\n").await;
                let mut line = String::new();
                while r.read_line(&mut line).await.is_ok_and(|n| n > 0) {
                    let reply: &[u8] = if line.starts_with("QUIT") {
                        open.fetch_sub(1, Ordering::SeqCst);
                        counted = false;
                        b"221 bye\r\n"
                    } else {
                        b"250 hi\r\n"
                    };
                    let _ = r.get_mut().write_all(reply).await;
                    line.clear();
                }
                if counted {
                    open.fetch_sub(1, Ordering::SeqCst);
                }
            });
        }
    });
    (port, most)
}

/// The most connections open at once to one address while twelve MX host names on it (as
/// many domains on one shared mail server) are probed in one run with `per_host`.
async fn peak_per_address(per_host: Option<usize>) -> usize {
    let (port, peak) = counting_mx(Duration::from_millis(150)).await;
    let mut cfg = ProbeConfig::new(jiff::Timestamp::UNIX_EPOCH);
    cfg.resolver = ResolverChoice::At("127.0.0.1:9".parse().unwrap());
    cfg.smtp_port = port;
    cfg.timeouts = Timeouts::uniform(Duration::from_secs(10));
    cfg.concurrency = 64;
    if let Some(n) = per_host {
        cfg.per_host = n;
    }
    let run = Run::new(&cfg);
    let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
    let deadline = Instant::now() + Duration::from_secs(20);
    let probes =
        futures::future::join_all((0..12).map(|i| run.smtp(&format!("mx{i}.shared.test"), ip, deadline)));
    let done = probes.await;
    assert!(done.iter().all(|p| p.outcome == SmtpOutcome::StartTlsNotOffered), "{done:?}");
    peak.load(Ordering::SeqCst)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_to_one_address_stay_within_the_per_host_limit() {
    assert_eq!(ProbeConfig::new(jiff::Timestamp::UNIX_EPOCH).per_host, 2);
    assert_eq!(peak_per_address(None).await, 2, "default --per-host");
    assert_eq!(peak_per_address(Some(1)).await, 1, "--per-host 1");
    assert_eq!(peak_per_address(Some(4)).await, 4, "--per-host 4");
}
