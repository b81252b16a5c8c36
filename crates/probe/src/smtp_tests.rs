//! The SMTP dialogue against local listeners that behave well, badly and not at all.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

use super::Timeouts;
use super::smtp::probe_smtp;
use super::tls::TrustStores;
use mtasts_core::evidence::{SmtpEvidence, SmtpOutcome, SmtpStage};

pub(super) const HOST: &str = "mx.test.example";

pub(super) struct Pki {
    pub(super) ca: CertificateDer<'static>,
    pub(super) leaf: CertificateDer<'static>,
    pub(super) key: Vec<u8>,
}

pub(super) fn pki(leaf_name: &str) -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec![leaf_name.to_owned()]).unwrap().signed_by(&key, &issuer).unwrap();
    Pki { ca: ca.der().clone(), leaf: leaf.der().clone(), key: key.serialize_der() }
}

fn acceptor(pki: &Pki, versions: &[&'static rustls::SupportedProtocolVersion]) -> tokio_rustls::TlsAcceptor {
    let (chain, key) = (vec![pki.leaf.clone()], pki.key.clone());
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(versions)
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)))
        .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// Serves one connection with `behave` and returns the address.
pub(super) async fn serve<F, Fut>(behave: F) -> SocketAddr
where
    F: FnOnce(TcpStream) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        if let Ok((stream, _)) = listener.accept().await {
            behave(stream).await;
        }
    });
    addr
}

pub(super) async fn line(reader: &mut BufReader<TcpStream>) -> String {
    let mut s = String::new();
    reader.read_line(&mut s).await.unwrap();
    s
}

/// Banner, EHLO with the given keyword lines; returns the reader positioned after EHLO.
pub(super) async fn greet(stream: TcpStream, keywords: &str) -> BufReader<TcpStream> {
    let mut r = BufReader::new(stream);
    r.get_mut().write_all(b"220-mx.test.example ESMTP\r\n220 second banner line\r\n").await.unwrap();
    assert!(line(&mut r).await.starts_with("EHLO probe.test"));
    r.get_mut().write_all(format!("250-mx.test.example hi\r\n{keywords}").as_bytes()).await.unwrap();
    r
}

pub(super) async fn run(
    addr: SocketAddr,
    anchors: &[CertificateDer<'static>],
    now: jiff::Timestamp,
    t: Duration,
) -> SmtpEvidence {
    let stores = TrustStores::new(anchors, now).map(Arc::new).map_err(|e| e.to_string());
    let timeouts = Timeouts::uniform(t);
    probe_smtp(HOST, addr, "probe.test", &timeouts, Instant::now() + t * 4, stores, Vec::new()).await
}

pub(super) async fn starttls_server(pki: &Pki) -> SocketAddr {
    starttls_server_with(pki, rustls::DEFAULT_VERSIONS).await
}

/// A STARTTLS server speaking only the given TLS versions.
pub(super) async fn starttls_server_with(
    pki: &Pki,
    versions: &[&'static rustls::SupportedProtocolVersion],
) -> SocketAddr {
    let acceptor = acceptor(pki, versions);
    serve(move |stream| async move {
        let mut r = greet(stream, "250-PIPELINING\r\n250 STARTTLS\r\n").await;
        assert_eq!(line(&mut r).await, "STARTTLS\r\n");
        r.get_mut().write_all(b"220 go ahead\r\n").await.unwrap();
        let tls = acceptor.accept(r.into_inner()).await.unwrap();
        let mut r = BufReader::new(tls);
        let mut quit = String::new();
        r.read_line(&mut quit).await.unwrap();
        assert_eq!(quit, "QUIT\r\n");
        r.get_mut().write_all(b"221 bye\r\n").await.unwrap();
        r.get_mut().shutdown().await.unwrap();
    })
    .await
}

#[tokio::test]
async fn no_starttls_offered() {
    let addr = serve(|stream| async move {
        let mut r = greet(stream, "250 SIZE 1000\r\n").await;
        assert_eq!(line(&mut r).await, "QUIT\r\n");
        r.get_mut().write_all(b"221 bye\r\n").await.unwrap();
    })
    .await;
    let ev = run(addr, &[], jiff::Timestamp::now(), Duration::from_secs(2)).await;
    assert_eq!(ev.outcome, SmtpOutcome::StartTlsNotOffered);
    assert_eq!(ev.starttls_offered, Some(false));
    assert_eq!(ev.ehlo.unwrap().lines, vec!["mx.test.example hi", "SIZE 1000"]);
    assert!(ev.tls.is_none());
}

#[tokio::test]
async fn stalled_server_times_out_at_banner() {
    let addr = serve(|stream| async move {
        tokio::time::sleep(Duration::from_secs(30)).await;
        drop(stream);
    })
    .await;
    let ev = run(addr, &[], jiff::Timestamp::now(), Duration::from_secs(1)).await;
    assert_eq!(ev.outcome, SmtpOutcome::Timeout { stage: SmtpStage::Banner });
}

#[tokio::test]
async fn endless_line_is_garbage() {
    let addr = serve(|mut stream| async move {
        let _ = stream.write_all(b"220 ").await;
        let chunk = [b'a'; 4096];
        while stream.write_all(&chunk).await.is_ok() {}
    })
    .await;
    let ev = run(addr, &[], jiff::Timestamp::now(), Duration::from_secs(2)).await;
    assert!(
        matches!(&ev.outcome, SmtpOutcome::Garbage { stage: SmtpStage::Banner, detail } if detail.contains("too long")),
        "{:?}",
        ev.outcome
    );
}

#[tokio::test]
async fn close_after_banner() {
    let addr = serve(|mut stream| async move {
        stream.write_all(b"220 bye soon\r\n").await.unwrap();
    })
    .await;
    let ev = run(addr, &[], jiff::Timestamp::now(), Duration::from_secs(2)).await;
    assert_eq!(ev.outcome, SmtpOutcome::Closed { stage: SmtpStage::Ehlo });
    assert_eq!(ev.banner.unwrap().lines, vec!["bye soon"]);
}

#[tokio::test]
async fn non_smtp_banner_and_rejections() {
    let addr = serve(|mut stream| async move {
        stream.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await.unwrap();
    })
    .await;
    let ev = run(addr, &[], jiff::Timestamp::now(), Duration::from_secs(2)).await;
    assert!(matches!(ev.outcome, SmtpOutcome::Garbage { stage: SmtpStage::Banner, .. }), "{:?}", ev.outcome);

    let addr = serve(|mut stream| async move {
        stream.write_all(b"554 go away\r\n").await.unwrap();
    })
    .await;
    let ev = run(addr, &[], jiff::Timestamp::now(), Duration::from_secs(2)).await;
    assert_eq!(ev.outcome, SmtpOutcome::Rejected { stage: SmtpStage::Banner, code: 554 });

    let addr = serve(|stream| async move {
        let mut r = greet(stream, "250 STARTTLS\r\n").await;
        assert_eq!(line(&mut r).await, "STARTTLS\r\n");
        r.get_mut().write_all(b"454 TLS not available\r\n").await.unwrap();
        let _ = line(&mut r).await;
    })
    .await;
    let ev = run(addr, &[], jiff::Timestamp::now(), Duration::from_secs(2)).await;
    assert_eq!(ev.outcome, SmtpOutcome::Rejected { stage: SmtpStage::StartTls, code: 454 });
}

#[tokio::test]
async fn refused_connection() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let ev = run(addr, &[], jiff::Timestamp::now(), Duration::from_secs(2)).await;
    assert_eq!(ev.outcome, SmtpOutcome::Refused);
}

#[tokio::test]
async fn garbage_instead_of_tls_handshake() {
    let addr = serve(|stream| async move {
        let mut r = greet(stream, "250 STARTTLS\r\n").await;
        assert_eq!(line(&mut r).await, "STARTTLS\r\n");
        r.get_mut().write_all(b"220 go ahead\r\n").await.unwrap();
        let mut hello = [0u8; 64];
        let _ = r.read(&mut hello).await;
        let _ = r.get_mut().write_all(b"this is not TLS at all\r\n").await;
    })
    .await;
    let ev = run(addr, &[], jiff::Timestamp::now(), Duration::from_secs(2)).await;
    assert!(matches!(ev.outcome, SmtpOutcome::TlsHandshake { .. }), "{:?}", ev.outcome);
}
