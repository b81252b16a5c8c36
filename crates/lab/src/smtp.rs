//! The lab's SMTP servers: one listener per MX host, each on its own loopback address and all
//! on the same port, speaking EHLO / STARTTLS (rustls) / QUIT.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

use super::LabError;
use super::ca::LabCa;
use super::hostile::{self, MAX_STREAMED};
use super::net::{IDLE, SessionGauge, SessionGuard, next_loopback, read_line};
use super::scenario::{MxBehaviour, MxHostSpec};

/// Commands accepted per connection before the lab hangs up.
const MAX_COMMANDS: usize = 64;

pub(super) struct Smtp {
    pub port: u16,
    pub addrs: BTreeMap<String, Ipv4Addr>,
    pub tasks: Vec<JoinHandle<()>>,
    pub gauge: Arc<SessionGauge>,
    /// The leaf certificate (DER) each host presents, by lower-case name.
    pub leaves: BTreeMap<String, Vec<u8>>,
}

struct Host {
    spec: MxHostSpec,
    acceptor: TlsAcceptor,
    gauge: Arc<SessionGauge>,
}

/// What a hostile host sends after STARTTLS instead of a TLS handshake.
const GARBAGE: &[u8] = b"this is not a TLS handshake\r\n";

enum Bound {
    Listening(TcpListener),
    /// Bound but not listening: holds the port so connections are refused.
    Refusing(TcpSocket),
}

fn bind_one(ip: Ipv4Addr, port: u16, refuse: bool) -> std::io::Result<Bound> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::from((ip, port)))?;
    if refuse { Ok(Bound::Refusing(socket)) } else { Ok(Bound::Listening(socket.listen(64)?)) }
}

fn local_port(b: &Bound) -> std::io::Result<u16> {
    match b {
        Bound::Listening(l) => l.local_addr().map(|a| a.port()),
        Bound::Refusing(s) => s.local_addr().map(|a| a.port()),
    }
}

/// Binds every host on its address, all on one port; retries with a new port on a clash.
fn bind_all(hosts: &[(Ipv4Addr, bool)]) -> Result<(u16, Vec<Bound>), LabError> {
    let mut last = None;
    for _ in 0..20 {
        let mut bound = Vec::with_capacity(hosts.len());
        let mut port = 0;
        for &(ip, refuse) in hosts {
            match bind_one(ip, port, refuse) {
                Ok(b) => {
                    port = local_port(&b)?;
                    bound.push(b);
                }
                Err(e) => {
                    last = Some(e);
                    break;
                }
            }
        }
        if bound.len() == hosts.len() {
            return Ok((port, bound));
        }
    }
    Err(last.map_or_else(|| LabError::Tls("no free SMTP port".into()), LabError::Io))
}

fn acceptor(ca: &LabCa, spec: &MxHostSpec) -> Result<(TlsAcceptor, Vec<u8>), LabError> {
    let cert = ca.issue(&spec.name, &spec.cert)?;
    let leaf = cert.leaf().as_ref().to_vec();
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| LabError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_single_cert(cert.chain.clone(), rustls::pki_types::PrivateKeyDer::Pkcs8(cert.key))
        .map_err(|e| LabError::Tls(e.to_string()))?;
    Ok((TlsAcceptor::from(Arc::new(config)), leaf))
}

pub(super) async fn start(hosts: &[MxHostSpec], ca: &LabCa) -> Result<Smtp, LabError> {
    let hosts: Vec<&MxHostSpec> = hosts.iter().filter(|h| h.behaviour != MxBehaviour::Unresolvable).collect();
    let plan: Vec<(Ipv4Addr, bool)> =
        hosts.iter().map(|h| (next_loopback(), h.behaviour == MxBehaviour::RefuseConnections)).collect();
    let (port, bound) = bind_all(&plan)?;
    let mut addrs = BTreeMap::new();
    let mut tasks = Vec::new();
    let gauge = Arc::new(SessionGauge::default());
    let mut leaves = BTreeMap::new();
    for ((spec, (ip, _)), b) in hosts.into_iter().zip(&plan).zip(bound) {
        addrs.insert(spec.name.to_ascii_lowercase(), *ip);
        let (task, leaf) = spawn_host(spec, ca, b, &gauge)?;
        tasks.push(task);
        leaves.insert(spec.name.to_ascii_lowercase(), leaf);
    }
    Ok(Smtp { port, addrs, tasks, gauge, leaves })
}

/// Serves one more host on `ip`, on the lab's SMTP `port`. Must run inside the Tokio runtime.
pub(super) fn serve_one(
    spec: &MxHostSpec,
    ca: &LabCa,
    ip: Ipv4Addr,
    port: u16,
    gauge: &Arc<SessionGauge>,
) -> Result<JoinHandle<()>, LabError> {
    let bound = bind_one(ip, port, spec.behaviour == MxBehaviour::RefuseConnections)?;
    spawn_host(spec, ca, bound, gauge).map(|(task, _)| task)
}

fn spawn_host(
    spec: &MxHostSpec,
    ca: &LabCa,
    bound: Bound,
    gauge: &Arc<SessionGauge>,
) -> Result<(JoinHandle<()>, Vec<u8>), LabError> {
    let (acceptor, leaf) = acceptor(ca, spec)?;
    let host = Arc::new(Host { spec: spec.clone(), acceptor, gauge: gauge.clone() });
    let task = match bound {
        Bound::Listening(listener) => tokio::spawn(accept_loop(listener, host)),
        Bound::Refusing(socket) => tokio::spawn(async move {
            let _held = socket;
            std::future::pending::<()>().await
        }),
    };
    Ok((task, leaf))
}

async fn accept_loop(listener: TcpListener, host: Arc<Host>) {
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                if let Ok((stream, _)) = accepted {
                    let guard = host.gauge.enter();
                    sessions.spawn(session(stream, host.clone(), guard));
                }
            }
            Some(_) = sessions.join_next(), if !sessions.is_empty() => {}
        }
    }
}

async fn pause(host: &Host) {
    if host.spec.latency_ms > 0 {
        tokio::time::sleep(Duration::from_millis(host.spec.latency_ms)).await;
    }
}

/// One connection; `guard` counts it as open until QUIT arrives or it ends.
async fn session(mut stream: TcpStream, host: Arc<Host>, mut guard: SessionGuard) {
    match host.spec.behaviour {
        MxBehaviour::CloseImmediately | MxBehaviour::RefuseConnections | MxBehaviour::Unresolvable => return,
        MxBehaviour::StallBeforeBanner => return drain(stream).await,
        MxBehaviour::EndlessBannerLine => {
            if stream.write_all(b"220 ").await.is_ok() {
                hostile::repeat(&mut stream, &[b'x'; 1024], MAX_STREAMED).await;
            }
            return;
        }
        MxBehaviour::Slowloris => {
            return hostile::drip(&mut stream, b"220-slowloris\r\n", Duration::from_secs(1)).await;
        }
        _ => {}
    }
    pause(&host).await;
    let name = &host.spec.name;
    let banner = match &host.spec.greeting {
        Some(text) => format!("220-{name} {text}\r\n220 {name} {text}\r\n"),
        None => format!("220-{name} ESMTP mtasts lab\r\n220 {name} ready\r\n"),
    };
    if stream.write_all(banner.as_bytes()).await.is_err() {
        return;
    }
    if host.spec.behaviour == MxBehaviour::StallAfterBanner {
        return drain(stream).await;
    }
    let mut plain = BufReader::new(stream);
    if !dialogue(&mut plain, &host, false, &mut guard).await {
        return;
    }
    // Anything the client pipelined after STARTTLS is discarded with the buffer, as RFC 3207 asks.
    let mut stream = plain.into_inner();
    if host.spec.behaviour == MxBehaviour::StarttlsThenGarbage {
        if stream.write_all(GARBAGE).await.is_ok() {
            hostile::wait_gone(&mut stream).await;
        }
        return;
    }
    let handshake = tokio::time::timeout(IDLE, host.acceptor.accept(stream)).await;
    if let Ok(Ok(tls)) = handshake {
        dialogue(&mut BufReader::new(tls), &host, true, &mut guard).await;
    }
}

/// Reads and ignores input until the peer goes away or stays silent too long.
async fn drain(stream: TcpStream) {
    let mut reader = BufReader::new(stream);
    for _ in 0..MAX_COMMANDS {
        if read_line(&mut reader).await.is_none() {
            return;
        }
    }
}

/// Runs commands until QUIT, an error or STARTTLS. Returns true when TLS should start.
async fn dialogue<S: AsyncBufRead + AsyncWrite + Unpin>(
    s: &mut S,
    host: &Host,
    tls: bool,
    guard: &mut SessionGuard,
) -> bool {
    let name = &host.spec.name;
    let offer_tls = !tls && (host.spec.starttls || host.spec.behaviour == MxBehaviour::StarttlsRejected);
    for _ in 0..MAX_COMMANDS {
        let Some(line) = read_line(s).await else {
            return false;
        };
        let line = line.trim_end();
        let verb = line.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
        if let (MxBehaviour::ManyContinuationLines(n), "EHLO") = (host.spec.behaviour, verb.as_str())
            && !hostile::continuation_lines(s, n).await
        {
            return false;
        }
        if verb == "QUIT" {
            guard.leave();
        }
        let (reply, then_tls, close) = match verb.as_str() {
            "EHLO" => {
                let tls_line = if offer_tls { "250-STARTTLS\r\n" } else { "" };
                let greets = host.spec.greeting.as_deref().unwrap_or("greets you");
                (
                    format!(
                        "250-{name} {greets}\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n{tls_line}250 8BITMIME\r\n"
                    ),
                    false,
                    false,
                )
            }
            "HELO" => (format!("250 {name}\r\n"), false, false),
            "STARTTLS" if tls => ("503 5.5.1 TLS already active\r\n".to_owned(), false, false),
            "STARTTLS" if host.spec.behaviour == MxBehaviour::StarttlsRejected => {
                ("454 4.7.0 TLS not available\r\n".to_owned(), false, false)
            }
            "STARTTLS" if host.spec.starttls => ("220 2.0.0 Ready to start TLS\r\n".to_owned(), true, false),
            "NOOP" | "RSET" => ("250 2.0.0 OK\r\n".to_owned(), false, false),
            "MAIL" => ("250 2.1.0 OK\r\n".to_owned(), false, false),
            "RCPT" => ("550 5.7.1 the lab accepts no mail\r\n".to_owned(), false, false),
            "QUIT" => (format!("221 2.0.0 {name} closing\r\n"), false, true),
            _ => ("502 5.5.2 command not implemented\r\n".to_owned(), false, false),
        };
        pause(host).await;
        if s.write_all(reply.as_bytes()).await.is_err() || s.flush().await.is_err() {
            return false;
        }
        if then_tls {
            return true;
        }
        if close {
            let _ = s.shutdown().await;
            return false;
        }
    }
    let _ = s.write_all(b"421 4.7.0 too many commands\r\n").await;
    false
}
