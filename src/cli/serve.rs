//! `mtasts reports serve --listen ADDR --cert PEM --key PEM`: the https `rua` endpoint of
//! RFC 8460 §5.4. HTTP/1.1 over TLS, one request per connection, bounded headers, body and
//! time; what a connection may take is decided by [`super::intake`] before anything is read
//! (503 with `Retry-After` when full); one log line per request on stderr. What a request gets
//! is decided by [`mtasts_reports::receiver`].

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};
use tokio_rustls::TlsAcceptor;

use super::intake::{Admit, Backoff, Gate, Limits, PER_MINUTE, out_of_resources};
use mtasts_core::redact::redact_url;
use mtasts_core::sanitize::sanitize;
use mtasts_reports::ReportStore;
use mtasts_reports::receiver::{Answer, MAX_BODY_BYTES, answer, reason, refuse_head};

const MAX_HEADER_LINE: u64 = 8192;
const MAX_HEADERS: usize = 64;
/// The whole exchange of one connection.
const DEADLINE: Duration = Duration::from_secs(30);
/// The TLS handshake and the request head.
const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// The exchange of a connection that only gets a 503.
const BUSY_DEADLINE: Duration = Duration::from_secs(5);
/// The largest certificate chain or key file read.
const MAX_PEM_BYTES: u64 = 1024 * 1024;
/// Everything a connection task needs.
struct Shared {
    acceptor: TlsAcceptor,
    gate: Arc<Gate>,
    imports: mpsc::Sender<Job>,
}

/// A request whose body was read, for the import thread.
struct Job {
    method: String,
    content_type: Option<String>,
    body: Vec<u8>,
    reply: oneshot::Sender<Answer>,
}

/// Starts the one thread that decompresses, parses and stores reports, one at a time: a report
/// may take tens of MiB while parsed, and with one thread doing it the memory kept for reuse
/// is that of the largest report, not that times every thread that ever parsed one. A job
/// waits while another is handled.
fn importer(store: ReportStore) -> Result<mpsc::Sender<Job>> {
    let (tx, mut rx) = mpsc::channel::<Job>(1);
    std::thread::Builder::new()
        .name("mtasts-import".into())
        .spawn(move || {
            while let Some(job) = rx.blocking_recv() {
                let handled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    answer(&store, &job.method, job.content_type.as_deref(), &job.body)
                }));
                let ans = handled.unwrap_or_else(|_| Answer::new(500, "internal error"));
                let _ = job.reply.send(ans);
            }
        })
        .context("cannot start the import thread")?;
    Ok(tx)
}

fn tls_config(cert: &Path, key: &Path) -> Result<rustls::ServerConfig> {
    let cert_pem = super::read_bounded(cert, MAX_PEM_BYTES)?;
    let key_pem = super::read_bounded(key, MAX_PEM_BYTES)?;
    let certs = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| anyhow!("cannot read the certificate {}: {e}", cert.display()))?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|e| anyhow!("cannot read the key {}: {e}", key.display()))?;
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .context("the certificate and key do not form a usable pair")
}

/// Runs the receiver on `runtime` until the process is stopped.
pub fn run(
    store: ReportStore,
    listen: SocketAddr,
    cert: &Path,
    key: &Path,
    runtime: &tokio::runtime::Runtime,
) -> Result<()> {
    let acceptor = TlsAcceptor::from(Arc::new(tls_config(cert, key)?));
    let limits = Limits::for_fds(mtasts_probe::fd_limit().unwrap_or(1024));
    let shared = Arc::new(Shared { acceptor, gate: Gate::new(limits), imports: importer(store)? });
    runtime.block_on(async move {
        let listener =
            TcpListener::bind(listen).await.with_context(|| format!("cannot listen on {listen}"))?;
        eprintln!(
            "mtasts: receiving TLS-RPT reports on https://{}/ ({} connections at once, {} per address, \
             {} MiB of request bodies)",
            listener.local_addr()?,
            limits.connections,
            limits.per_address,
            limits.body_bytes >> 20
        );
        let gate = shared.gate.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(10));
            loop {
                tick.tick().await;
                if let Some(line) = gate.take_refusals() {
                    eprintln!("{} mtasts: busy: {line}", now_text());
                }
            }
        });
        accept_loop(&listener, &shared).await
    })
}

async fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) -> Result<()> {
    let mut backoff = Backoff::default();
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(accepted) => {
                backoff.reset();
                accepted
            }
            // One connection gone before it was taken: the next one is fine.
            Err(e) if !out_of_resources(&e) => continue,
            Err(e) => {
                let (wait, line) = backoff.failed(&e, Instant::now());
                if let Some(line) = line {
                    eprintln!("{} mtasts: {line}", now_text());
                }
                tokio::time::sleep(wait).await;
                continue;
            }
        };
        match shared.gate.admit(peer.ip()) {
            Admit::Refuse => drop(tcp),
            Admit::Serve(ticket) => {
                let shared = shared.clone();
                tokio::spawn(async move {
                    let _ticket = ticket;
                    let _ = tokio::time::timeout(DEADLINE, connection(tcp, peer, &shared)).await;
                });
            }
            Admit::Busy(ticket) => {
                let shared = shared.clone();
                tokio::spawn(async move {
                    let _ticket = ticket;
                    let _ = tokio::time::timeout(BUSY_DEADLINE, busy(tcp, peer, &shared)).await;
                });
            }
        }
    }
}

/// A connection that gets a 503 at once: every slot is taken.
async fn busy(tcp: TcpStream, peer: SocketAddr, shared: &Shared) {
    let Ok(tls) = shared.acceptor.accept(tcp).await else { return };
    let (read, mut write) = tokio::io::split(tls);
    let (method, path) = match head(&mut BufReader::new(read)).await {
        Some(req) => (req.method, req.path),
        None => ("-".to_owned(), "-".to_owned()),
    };
    let limits = shared.gate.limits();
    let ans = Answer::unavailable(format!(
        "the receiver is serving {} connections, its limit; try again later",
        limits.connections
    ));
    respond(&mut write, peer, &method, &path, &ans).await;
}

async fn connection(tcp: TcpStream, peer: SocketAddr, shared: &Shared) {
    let started = Instant::now();
    let Ok(Ok(tls)) = tokio::time::timeout(HEAD_DEADLINE, shared.acceptor.accept(tcp)).await else { return };
    let (read, mut write) = tokio::io::split(tls);
    let mut reader = BufReader::new(read);
    let left = HEAD_DEADLINE.saturating_sub(started.elapsed());
    let Ok(req) = tokio::time::timeout(left, head(&mut reader)).await else { return };
    let Some(req) = req else {
        respond(&mut write, peer, "-", "-", &Answer::new(400, "malformed request")).await;
        return;
    };
    let ans = if shared.gate.within_rate(peer.ip(), Instant::now()) {
        request(&req, &mut reader, shared, started).await
    } else {
        Answer::new(429, format!("more than {PER_MINUTE} requests in a minute from {}", peer.ip()))
    };
    respond(&mut write, peer, &req.method, &req.path, &ans).await;
}

/// The answer to a request whose head was read: its body is read within the byte budget and
/// imported, one report at a time.
async fn request<R: AsyncRead + Unpin>(
    req: &Request,
    reader: &mut BufReader<R>,
    shared: &Shared,
    started: Instant,
) -> Answer {
    let length = match req.length {
        None if req.method == "POST" => return Answer::new(411, "Content-Length is required"),
        Some(n) if n > MAX_BODY_BYTES => {
            // Read (and drop) a moderately oversized body, so the client sees the answer
            // instead of a reset connection.
            if n <= 4 * MAX_BODY_BYTES {
                let _ = tokio::io::copy(&mut reader.take(n), &mut tokio::io::sink()).await;
            }
            return Answer::new(413, format!("the body exceeds {MAX_BODY_BYTES} bytes"));
        }
        n => n.unwrap_or(0),
    };
    // Refused by its head alone: the body is read and dropped, never held.
    if let Some(refused) = refuse_head(&req.method, req.content_type.as_deref()) {
        let _ = tokio::io::copy(&mut reader.take(length), &mut tokio::io::sink()).await;
        return refused;
    }
    let Some(_reserved) = shared.gate.reserve(length) else {
        return Answer::unavailable(format!(
            "the receiver holds {} MiB of request bodies, its limit; try again later",
            shared.gate.limits().body_bytes >> 20
        ));
    };
    // Reserved above; pages are only touched as the bytes arrive.
    let mut body = Vec::with_capacity(usize::try_from(length).unwrap_or(0));
    match reader.take(length).read_to_end(&mut body).await {
        Ok(got) if got as u64 == length => {}
        _ => return Answer::new(400, "the body ended before Content-Length"),
    }
    let (reply, answered) = oneshot::channel();
    let job = Job { method: req.method.clone(), content_type: req.content_type.clone(), body, reply };
    let left = DEADLINE.saturating_sub(started.elapsed());
    let Ok(Ok(())) = tokio::time::timeout(left, shared.imports.send(job)).await else {
        return Answer::unavailable("the receiver is busy storing other reports; try again later");
    };
    answered.await.unwrap_or_else(|_| Answer::new(500, "internal error"))
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

fn now_text() -> impl std::fmt::Display {
    jiff::Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ")
}

/// Writes the answer and logs it: one line per request, the path without its query values
/// (a sender's URL may carry a token).
async fn respond<W: AsyncWrite + Unpin>(w: &mut W, peer: SocketAddr, method: &str, path: &str, a: &Answer) {
    eprintln!(
        "{} {} {} {} {} {}",
        now_text(),
        peer.ip(),
        sanitize(method),
        sanitize(&redact_url(path)),
        a.status,
        sanitize(&a.message)
    );
    let body = format!("{}\n", a.message);
    let retry = a.retry_after.map(|s| format!("Retry-After: {s}\r\n")).unwrap_or_default();
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n{retry}Connection: close\r\n\r\n",
        a.status,
        reason(a.status),
        body.len()
    );
    let _ = w.write_all(format!("{head}{body}").as_bytes()).await;
    let _ = w.shutdown().await;
}
