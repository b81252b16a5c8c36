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
use super::evidence::{CertVerdict, SmtpEvidence, SmtpOutcome, SmtpStage};
use super::smtp::probe_smtp;
use super::tls::TrustStores;

const HOST: &str = "mx.test.example";

struct Pki {
    ca: CertificateDer<'static>,
    leaf: CertificateDer<'static>,
    key: Vec<u8>,
}

fn pki(leaf_name: &str) -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec![leaf_name.to_owned()])
        .unwrap()
        .signed_by(&key, &issuer)
        .unwrap();
    Pki {
        ca: ca.der().clone(),
        leaf: leaf.der().clone(),
        key: key.serialize_der(),
    }
}

fn acceptor(chain: Vec<CertificateDer<'static>>, key: Vec<u8>) -> tokio_rustls::TlsAcceptor {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key)))
        .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// Serves one connection with `behave` and returns the address.
async fn serve<F, Fut>(behave: F) -> SocketAddr
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

async fn line(reader: &mut BufReader<TcpStream>) -> String {
    let mut s = String::new();
    reader.read_line(&mut s).await.unwrap();
    s
}

/// Banner, EHLO with the given keyword lines; returns the reader positioned after EHLO.
async fn greet(stream: TcpStream, keywords: &str) -> BufReader<TcpStream> {
    let mut r = BufReader::new(stream);
    r.get_mut()
        .write_all(b"220-mx.test.example ESMTP\r\n220 second banner line\r\n")
        .await
        .unwrap();
    assert!(line(&mut r).await.starts_with("EHLO probe.test"));
    r.get_mut()
        .write_all(format!("250-mx.test.example hi\r\n{keywords}").as_bytes())
        .await
        .unwrap();
    r
}

async fn run(
    addr: SocketAddr,
    anchors: &[CertificateDer<'static>],
    now: jiff::Timestamp,
    t: Duration,
) -> SmtpEvidence {
    let stores = TrustStores::new(anchors, now)
        .map(Arc::new)
        .map_err(|e| e.to_string());
    let timeouts = Timeouts::uniform(t);
    probe_smtp(
        HOST,
        addr,
        "probe.test",
        &timeouts,
        Instant::now() + t * 4,
        stores,
    )
    .await
}

async fn starttls_server(pki: &Pki) -> SocketAddr {
    let acceptor = acceptor(vec![pki.leaf.clone()], pki.key.clone());
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
async fn starttls_with_certificate_from_extra_anchor() {
    let pki = pki(HOST);
    let addr = starttls_server(&pki).await;
    let ev = run(
        addr,
        std::slice::from_ref(&pki.ca),
        jiff::Timestamp::now(),
        Duration::from_secs(2),
    )
    .await;
    assert_eq!(ev.outcome, SmtpOutcome::TlsEstablished);
    let banner = ev.banner.unwrap();
    assert_eq!((banner.code, banner.lines.len()), (220, 2));
    assert_eq!(ev.starttls_offered, Some(true));
    assert_eq!(ev.starttls_reply.unwrap().code, 220);
    let tls = ev.tls.unwrap();
    assert_eq!(tls.version, "TLSv1_3");
    assert!(tls.cipher.starts_with("TLS13_"), "{}", tls.cipher);
    assert_eq!(tls.cert.verdict, CertVerdict::TrustedViaExtraAnchor);
    assert_eq!(tls.cert.sans, vec![HOST.to_owned()]);
    assert_eq!(tls.cert.chain_len, 1);
    assert!(tls.cert.not_after.is_some() && tls.cert.detail.is_none());
}

#[tokio::test]
async fn certificate_verdicts_are_recorded_not_enforced() {
    let pki_ok = pki(HOST);
    let cases = [
        (
            pki_ok,
            true,
            "2030-01-01T00:00:00Z",
            CertVerdict::TrustedViaExtraAnchor,
        ),
        (
            pki(HOST),
            false,
            "2030-01-01T00:00:00Z",
            CertVerdict::UnknownIssuer,
        ),
        (pki(HOST), true, "5000-01-01T00:00:00Z", CertVerdict::Expired),
        (pki(HOST), true, "1970-01-02T00:00:00Z", CertVerdict::NotYetValid),
        (
            pki("other.example"),
            true,
            "2030-01-01T00:00:00Z",
            CertVerdict::NameMismatch,
        ),
    ];
    for (pki, trust_ca, now, verdict) in cases {
        let addr = starttls_server(&pki).await;
        let anchors = if trust_ca {
            vec![pki.ca.clone()]
        } else {
            Vec::new()
        };
        let ev = run(addr, &anchors, now.parse().unwrap(), Duration::from_secs(2)).await;
        assert_eq!(ev.outcome, SmtpOutcome::TlsEstablished, "{verdict:?}");
        let cert = ev.tls.unwrap().cert;
        assert_eq!(cert.verdict, verdict);
        assert_eq!(
            cert.detail.is_some(),
            verdict != CertVerdict::TrustedViaExtraAnchor
        );
    }
}

#[tokio::test]
async fn self_signed_certificate() {
    let key = KeyPair::generate().unwrap();
    let cert = CertificateParams::new(vec![HOST.to_owned()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let pki = Pki {
        ca: cert.der().clone(),
        leaf: cert.der().clone(),
        key: key.serialize_der(),
    };
    let addr = starttls_server(&pki).await;
    let ev = run(addr, &[], jiff::Timestamp::now(), Duration::from_secs(2)).await;
    assert_eq!(ev.tls.unwrap().cert.verdict, CertVerdict::SelfSigned);
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
    assert_eq!(
        ev.outcome,
        SmtpOutcome::Timeout {
            stage: SmtpStage::Banner
        }
    );
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
        matches!(&ev.outcome, SmtpOutcome::Garbage { stage: SmtpStage::Banner, detail } if detail.contains("longer")),
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
    assert_eq!(
        ev.outcome,
        SmtpOutcome::Closed {
            stage: SmtpStage::Ehlo
        }
    );
    assert_eq!(ev.banner.unwrap().lines, vec!["bye soon"]);
}

#[tokio::test]
async fn non_smtp_banner_and_rejections() {
    let addr = serve(|mut stream| async move {
        stream
            .write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n")
            .await
            .unwrap();
    })
    .await;
    let ev = run(addr, &[], jiff::Timestamp::now(), Duration::from_secs(2)).await;
    assert!(
        matches!(
            ev.outcome,
            SmtpOutcome::Garbage {
                stage: SmtpStage::Banner,
                ..
            }
        ),
        "{:?}",
        ev.outcome
    );

    let addr = serve(|mut stream| async move {
        stream.write_all(b"554 go away\r\n").await.unwrap();
    })
    .await;
    let ev = run(addr, &[], jiff::Timestamp::now(), Duration::from_secs(2)).await;
    assert_eq!(
        ev.outcome,
        SmtpOutcome::Rejected {
            stage: SmtpStage::Banner,
            code: 554
        }
    );

    let addr = serve(|stream| async move {
        let mut r = greet(stream, "250 STARTTLS\r\n").await;
        assert_eq!(line(&mut r).await, "STARTTLS\r\n");
        r.get_mut().write_all(b"454 TLS not available\r\n").await.unwrap();
        let _ = line(&mut r).await;
    })
    .await;
    let ev = run(addr, &[], jiff::Timestamp::now(), Duration::from_secs(2)).await;
    assert_eq!(
        ev.outcome,
        SmtpOutcome::Rejected {
            stage: SmtpStage::StartTls,
            code: 454
        }
    );
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
    assert!(
        matches!(ev.outcome, SmtpOutcome::TlsHandshake { .. }),
        "{:?}",
        ev.outcome
    );
}
