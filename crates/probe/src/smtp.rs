//! The SMTP STARTTLS probe of one MX address: banner, EHLO, STARTTLS, TLS handshake, QUIT.
//! Every read is bounded in size and time; every failure is recorded as the stage it hit.

use std::io::ErrorKind;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::OwnedSemaphorePermit;
use tokio::time::{Instant, timeout_at};

use super::Timeouts;
use super::smtp_reply::{MAX_LINE, ReplyAccumulator, ehlo_has};
use super::tls::{CertSlot, TrustStores};
use mtasts_core::evidence::{MAX_CHAIN_CERT_BYTES, MAX_CHAIN_CERTS};
use mtasts_core::evidence::{SmtpEvidence, SmtpOutcome, SmtpReply, SmtpStage, TlsEvidence};

/// How long QUIT may take; its answer is a courtesy, not evidence.
const QUIT_WAIT: Duration = Duration::from_secs(2);

/// Why reading a reply failed.
#[derive(Debug)]
enum ReadFail {
    Timeout,
    Trickle(usize),
    Closed,
    Garbage(String),
    Io(String),
}

impl ReadFail {
    fn at(self, stage: SmtpStage) -> SmtpOutcome {
        match self {
            ReadFail::Timeout => SmtpOutcome::Timeout { stage },
            ReadFail::Trickle(received) => SmtpOutcome::Trickle { stage, received },
            ReadFail::Closed => SmtpOutcome::Closed { stage },
            ReadFail::Garbage(detail) => SmtpOutcome::Garbage { stage, detail },
            ReadFail::Io(error) => SmtpOutcome::Io { stage, error },
        }
    }
}

fn io_fail(e: &std::io::Error) -> ReadFail {
    match e.kind() {
        ErrorKind::UnexpectedEof
        | ErrorKind::BrokenPipe
        | ErrorKind::ConnectionReset
        | ErrorKind::ConnectionAborted => ReadFail::Closed,
        _ => ReadFail::Io(e.to_string()),
    }
}

/// Reads bounded SMTP replies from a stream, keeping bytes that arrive early.
struct ReplyReader<S> {
    stream: S,
    buf: Vec<u8>,
    /// The run's connection permits (global, per destination), released only when the connection is closed (after the
    /// background QUIT), so `--concurrency` bounds open connections, not just dialogues.
    hold: Vec<OwnedSemaphorePermit>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> ReplyReader<S> {
    async fn read_reply(&mut self, until: Instant) -> Result<SmtpReply, ReadFail> {
        let mut acc = ReplyAccumulator::new();
        let mut chunk = [0u8; 1024];
        let mut received = 0;
        loop {
            if let Some(pos) = self.buf.iter().position(|b| *b == b'\n') {
                let line: Vec<u8> = self.buf.drain(..=pos).take(pos).collect();
                match acc.push(&line) {
                    Ok(Some(reply)) => return Ok(reply),
                    Ok(None) => continue,
                    Err(e) => return Err(ReadFail::Garbage(e.to_string())),
                }
            }
            if self.buf.len() >= MAX_LINE {
                return Err(ReadFail::Garbage(format!(
                    "line too long (no line end within {MAX_LINE} bytes)"
                )));
            }
            match timeout_at(until, self.stream.read(&mut chunk)).await {
                Err(_) if received > 0 => return Err(ReadFail::Trickle(received)),
                Err(_) => return Err(ReadFail::Timeout),
                Ok(Ok(0)) => return Err(ReadFail::Closed),
                Ok(Ok(n)) => {
                    received += n;
                    self.buf.extend_from_slice(&chunk[..n]);
                }
                Ok(Err(e)) => return Err(io_fail(&e)),
            }
        }
    }

    async fn command(&mut self, cmd: &str, until: Instant) -> Result<SmtpReply, ReadFail> {
        match timeout_at(until, self.stream.write_all(format!("{cmd}\r\n").as_bytes())).await {
            Err(_) => return Err(ReadFail::Timeout),
            Ok(Err(e)) => return Err(io_fail(&e)),
            Ok(Ok(())) => {}
        }
        self.read_reply(until).await
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin + Send + 'static> ReplyReader<S> {
    /// Says QUIT and closes, in the background: the server's 221 is a courtesy, not evidence,
    /// so waiting for it would only add a round trip to every probe.
    fn quit(mut self) {
        tokio::spawn(async move {
            let _ = self.command("QUIT", Instant::now() + QUIT_WAIT).await;
            let _ = timeout_at(Instant::now() + QUIT_WAIT, self.stream.shutdown()).await;
            drop(self.hold);
        });
    }
}

/// Runs the STARTTLS dialogue with `addr`, presenting `host` as SNI and expected name.
pub(crate) async fn probe_smtp(
    host: &str,
    addr: SocketAddr,
    ehlo_name: &str,
    timeouts: &Timeouts,
    deadline: Instant,
    stores: Result<Arc<TrustStores>, String>,
    permit: Vec<OwnedSemaphorePermit>,
) -> SmtpEvidence {
    let start = Instant::now();
    let mut ev = SmtpEvidence::bare(host.to_owned(), addr, SmtpOutcome::Refused);
    ev.outcome = match dialogue(&mut ev, ehlo_name, timeouts, deadline, stores, permit).await {
        Ok(outcome) | Err(outcome) => outcome,
    };
    ev.elapsed_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
    ev
}

fn within(step: Duration, deadline: Instant) -> Instant {
    (Instant::now() + step).min(deadline)
}

async fn dialogue(
    ev: &mut SmtpEvidence,
    ehlo_name: &str,
    t: &Timeouts,
    deadline: Instant,
    stores: Result<Arc<TrustStores>, String>,
    permit: Vec<OwnedSemaphorePermit>,
) -> Result<SmtpOutcome, SmtpOutcome> {
    let tcp = match timeout_at(within(t.connect, deadline), TcpStream::connect(ev.addr)).await {
        Err(_) => {
            return Err(SmtpOutcome::Timeout { stage: SmtpStage::Connect });
        }
        Ok(Err(e)) if e.kind() == ErrorKind::ConnectionRefused => return Err(SmtpOutcome::Refused),
        Ok(Err(e)) => {
            return Err(SmtpOutcome::Io { stage: SmtpStage::Connect, error: e.to_string() });
        }
        Ok(Ok(s)) => s,
    };
    let mut conn = ReplyReader { stream: tcp, buf: Vec::new(), hold: permit };

    let banner =
        conn.read_reply(within(t.smtp_reply, deadline)).await.map_err(|f| f.at(SmtpStage::Banner))?;
    let code = banner.code;
    ev.banner = Some(banner);
    if code != 220 {
        conn.quit();
        return Err(SmtpOutcome::Rejected { stage: SmtpStage::Banner, code });
    }

    // The name comes from configuration; keep it to one printable word all the same.
    let ehlo_name: String = ehlo_name.chars().filter(char::is_ascii_graphic).collect();
    let ehlo = conn
        .command(&format!("EHLO {ehlo_name}"), within(t.smtp_reply, deadline))
        .await
        .map_err(|f| f.at(SmtpStage::Ehlo))?;
    let (code, offered) = (ehlo.code, ehlo_has(&ehlo, "STARTTLS"));
    ev.ehlo = Some(ehlo);
    if code != 250 {
        conn.quit();
        return Err(SmtpOutcome::Rejected { stage: SmtpStage::Ehlo, code });
    }
    ev.starttls_offered = Some(offered);
    if !offered {
        conn.quit();
        return Ok(SmtpOutcome::StartTlsNotOffered);
    }

    let reply = conn
        .command("STARTTLS", within(t.smtp_reply, deadline))
        .await
        .map_err(|f| f.at(SmtpStage::StartTls))?;
    let code = reply.code;
    ev.starttls_reply = Some(reply);
    if code != 220 {
        conn.quit();
        return Err(SmtpOutcome::Rejected { stage: SmtpStage::StartTls, code });
    }

    let tls_fail = |error: String| SmtpOutcome::TlsHandshake { error };
    let stores = stores.map_err(tls_fail)?;
    let slot = CertSlot::default();
    let config = stores.client_config(&[], slot.clone()).map_err(|e| tls_fail(e.to_string()))?;
    let name = ServerName::try_from(ev.host.clone()).map_err(|e| tls_fail(format!("server name: {e}")))?;
    // Bytes the server sent after its 220 (STARTTLS injection) are dropped with `conn.buf`.
    let handshake = tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, conn.stream);
    let stream = match timeout_at(within(t.tls_handshake, deadline), handshake).await {
        Err(_) => {
            return Err(SmtpOutcome::Timeout { stage: SmtpStage::TlsHandshake });
        }
        Ok(Err(e)) => return Err(tls_fail(e.to_string())),
        Ok(Ok(s)) => s,
    };
    let session = stream.get_ref().1;
    let cert = slot.lock().ok().and_then(|mut s| s.take());
    let (Some(version), Some(suite), Some(cert)) =
        (session.protocol_version(), session.negotiated_cipher_suite(), cert)
    else {
        return Err(tls_fail("handshake completed without a recorded certificate".into()));
    };
    let chain_der = kept_chain(session.peer_certificates().unwrap_or_default());
    ev.tls = Some(TlsEvidence {
        version: format!("{version:?}"),
        cipher: format!("{:?}", suite.suite()),
        cert,
        chain_der,
    });
    ReplyReader { stream, buf: Vec::new(), hold: conn.hold }.quit();
    Ok(SmtpOutcome::TlsEstablished)
}

/// The presented chain as DER, bounded by [`MAX_CHAIN_CERTS`] and [`MAX_CHAIN_CERT_BYTES`].
fn kept_chain(certs: &[rustls_pki_types::CertificateDer<'_>]) -> Vec<Vec<u8>> {
    certs
        .iter()
        .take(MAX_CHAIN_CERTS)
        .filter(|c| c.len() <= MAX_CHAIN_CERT_BYTES)
        .map(|c| c.as_ref().to_vec())
        .collect()
}
