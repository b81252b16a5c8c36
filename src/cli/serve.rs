//! `mtasts reports serve --listen ADDR --cert PEM --key PEM`: the https `rua` endpoint of
//! RFC 8460 §5.4. HTTP/1.1 over TLS, one request per connection, bounded headers, body and
//! time; at most [`PER_MINUTE`] requests per client address per minute; one log line per
//! request on stderr. What a request gets is decided by [`mtasts_reports::receiver`].

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use mtasts_core::sanitize::sanitize;
use mtasts_reports::ReportStore;
use mtasts_reports::receiver::{Answer, MAX_BODY_BYTES, answer, reason};

/// Requests accepted per client address per minute; more get 429.
pub const PER_MINUTE: u32 = 30;
const MAX_HEADER_LINE: u64 = 8192;
const MAX_HEADERS: usize = 64;
const DEADLINE: Duration = Duration::from_secs(30);

type Limits = Arc<Mutex<HashMap<IpAddr, (Instant, u32)>>>;

/// Runs the receiver on `runtime` until the process is stopped.
pub fn run(
    store: ReportStore,
    listen: SocketAddr,
    cert: &Path,
    key: &Path,
    runtime: &tokio::runtime::Runtime,
) -> Result<()> {
    let certs = CertificateDer::pem_file_iter(cert)
        .and_then(|it| it.collect::<Result<Vec<_>, _>>())
        .map_err(|e| anyhow!("cannot read the certificate {}: {e}", cert.display()))?;
    let key = PrivateKeyDer::from_pem_file(key)
        .map_err(|e| anyhow!("cannot read the key {}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("the certificate and key do not form a usable pair")?;
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let store = Arc::new(store);
    let limits: Limits = Arc::default();
    runtime.block_on(async move {
        let listener =
            TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
        eprintln!("mtasts: receiving TLS-RPT reports on https://{}/", listener.local_addr()?);
        loop {
            let Ok((tcp, peer)) = listener.accept().await else { continue };
            let (acceptor, store, limits) = (acceptor.clone(), store.clone(), limits.clone());
            tokio::spawn(async move {
                let served = tokio::time::timeout(DEADLINE, async {
                    if let Ok(tls) = acceptor.accept(tcp).await {
                        serve(tls, peer, &store, &limits).await;
                    }
                });
                let _ = served.await;
            });
        }
    })
}

fn allowed(limits: &Limits, ip: IpAddr, now: Instant) -> bool {
    let mut map = limits.lock().unwrap_or_else(PoisonError::into_inner);
    map.retain(|_, (start, _)| now.duration_since(*start) < Duration::from_secs(60));
    let slot = map.entry(ip).or_insert((now, 0));
    slot.1 += 1;
    slot.1 <= PER_MINUTE
}

async fn read_line<R: AsyncRead + Unpin>(reader: &mut BufReader<R>) -> Option<String> {
    let mut line = Vec::new();
    (&mut *reader).take(MAX_HEADER_LINE).read_until(b'\n', &mut line).await.ok()?;
    if !line.ends_with(b"\n") {
        return None;
    }
    String::from_utf8(line).ok().map(|l| l.trim_end().to_owned())
}

struct Request {
    method: String,
    path: String,
    content_type: Option<String>,
    length: Option<u64>,
}

async fn head<R: AsyncRead + Unpin>(reader: &mut BufReader<R>) -> Option<Request> {
    let line = read_line(reader).await?;
    let mut parts = line.split(' ');
    let (method, path) = (parts.next()?.to_owned(), parts.next()?.to_owned());
    let mut req = Request { method, path, content_type: None, length: None };
    for _ in 0..MAX_HEADERS {
        let line = read_line(reader).await?;
        if line.is_empty() {
            return Some(req);
        }
        let (name, value) = line.split_once(':')?;
        match name.trim().to_ascii_lowercase().as_str() {
            "content-type" => req.content_type = Some(value.trim().to_owned()),
            "content-length" => req.length = Some(value.trim().parse().ok()?),
            _ => {}
        }
    }
    None
}

async fn serve<S>(stream: S, peer: SocketAddr, store: &ReportStore, limits: &Limits)
where
    S: AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    let (read, mut write) = tokio::io::split(stream);
    let mut reader = BufReader::new(read);
    let Some(req) = head(&mut reader).await else {
        respond(&mut write, peer, "-", "-", &Answer { status: 400, message: "malformed request".into() })
            .await;
        return;
    };
    let ans = if !allowed(limits, peer.ip(), Instant::now()) {
        Answer {
            status: 429,
            message: format!("more than {PER_MINUTE} requests in a minute from {}", peer.ip()),
        }
    } else {
        match req.length {
            None if req.method == "POST" => {
                Answer { status: 411, message: "Content-Length is required".into() }
            }
            Some(n) if n > MAX_BODY_BYTES => {
                // Read (and drop) a moderately oversized body, so the client sees the answer
                // instead of a reset connection.
                if n <= 4 * MAX_BODY_BYTES {
                    let _ = tokio::io::copy(&mut (&mut reader).take(n), &mut tokio::io::sink()).await;
                }
                Answer { status: 413, message: format!("the body exceeds {MAX_BODY_BYTES} bytes") }
            }
            n => {
                let mut body = Vec::new();
                let want = n.unwrap_or(0);
                match (&mut reader).take(want).read_to_end(&mut body).await {
                    Ok(got) if got as u64 == want => {
                        let store = store.clone();
                        let (method, ct) = (req.method.clone(), req.content_type.clone());
                        tokio::task::spawn_blocking(move || answer(&store, &method, ct.as_deref(), &body))
                            .await
                            .unwrap_or_else(|_| Answer { status: 500, message: "internal error".into() })
                    }
                    _ => Answer { status: 400, message: "the body ended before Content-Length".into() },
                }
            }
        }
    };
    respond(&mut write, peer, &req.method, &req.path, &ans).await;
}

async fn respond<W: tokio::io::AsyncWrite + Unpin>(
    w: &mut W,
    peer: SocketAddr,
    method: &str,
    path: &str,
    a: &Answer,
) {
    eprintln!(
        "{} {} {} {} {} {}",
        jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ"),
        peer.ip(),
        sanitize(method),
        sanitize(path),
        a.status,
        sanitize(&a.message)
    );
    let body = format!("{}\n", a.message);
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        a.status,
        reason(a.status),
        body.len()
    );
    let _ = w.write_all(format!("{head}{body}").as_bytes()).await;
    let _ = w.shutdown().await;
}
