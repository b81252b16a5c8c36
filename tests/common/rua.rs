//! `mtasts reports serve` as a child process, and a raw HTTP/1.1-over-TLS client that connects
//! from any loopback address of 127.0.0.0/8 (so one test can be many senders) and can send
//! any head and any part of a body, at any pace.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// A running `mtasts reports serve`, killed on drop.
pub struct Receiver {
    /// The child.
    pub child: Child,
    /// Its port on 127.0.0.1.
    pub port: u16,
    /// Its stderr (one line per request).
    pub log: PathBuf,
    /// Its state directory.
    pub state: PathBuf,
    /// The PEM of the CA that issued its certificate.
    pub ca: String,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Writes a certificate for `localhost` and its key into `dir` (`cert.pem`, `key.pem`);
/// returns the CA's PEM.
pub fn write_certificate(dir: &Path) -> String {
    let (ca, chain, key) = super::test_certificate("localhost");
    std::fs::write(dir.join("cert.pem"), chain).unwrap();
    std::fs::write(dir.join("key.pem"), key).unwrap();
    ca
}

/// Starts `mtasts reports serve` on 127.0.0.1 (reached from the whole of 127.0.0.0/8) with its
/// state in `dir/state`, run through `wrapper` (e.g. `prlimit --nofile=1024 --`) when given;
/// waits until it accepts.
pub fn start(dir: &Path, wrapper: &[&str]) -> Receiver {
    let ca = write_certificate(dir);
    let port = super::free_port();
    let log = dir.join("serve.log");
    let state = dir.join("state");
    let mtasts = env!("CARGO_BIN_EXE_mtasts");
    let mut cmd = match wrapper.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(mtasts);
            c
        }
        None => Command::new(mtasts),
    };
    let child = cmd
        .args(["reports", "serve", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--cert")
        .arg(dir.join("cert.pem"))
        .arg("--key")
        .arg(dir.join("key.pem"))
        .env("MTASTS_STATE_DIR", &state)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap())
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Receiver { child, port, log, state, ca }
}

impl Receiver {
    /// Peak RSS so far, in KiB (`VmHWM`: exact while it runs).
    pub fn peak_kib(&self) -> u64 {
        super::rss::vm_hwm_kib(self.child.id()).unwrap_or(0)
    }

    /// Whether it still runs.
    pub fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Its log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// The stored reports (as received), parsed as JSON.
    pub fn stored(&self) -> Vec<serde_json::Value> {
        if !self.state.join(mtasts_reports::DB_FILE).exists() {
            return Vec::new();
        }
        let store = mtasts_reports::ReportStore::open(&self.state).unwrap();
        super::reports::stored_json(&store).iter().map(|j| serde_json::from_slice(j).unwrap()).collect()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], self.port))
    }

    /// A TLS client that trusts only its CA.
    pub fn connector(&self) -> TlsConnector {
        connector(&self.ca)
    }
}

/// A TLS client that trusts only `ca` (PEM).
pub fn connector(ca: &str) -> TlsConnector {
    TlsConnector::from(super::tls_client_config(CertificateDer::from_pem_slice(ca.as_bytes()).unwrap()))
}

/// The `n`-th loopback sender address: 127.1.0.1, 127.1.0.2, … (never 127.0.0.1).
pub fn sender(n: u32) -> IpAddr {
    let n = n + 1;
    IpAddr::V4(Ipv4Addr::new(127, 1 + (n >> 16) as u8, (n >> 8) as u8, n as u8))
}

/// A TCP connection to `to` from the loopback address `from`.
pub async fn tcp_from(from: IpAddr, to: SocketAddr) -> std::io::Result<TcpStream> {
    let socket = TcpSocket::new_v4()?;
    socket.bind(SocketAddr::new(from, 0))?;
    socket.connect(to).await
}

/// A TLS connection to the receiver from `from`.
pub async fn tls_from(
    from: IpAddr,
    to: SocketAddr,
    tls: &TlsConnector,
) -> std::io::Result<TlsStream<TcpStream>> {
    let tcp = tcp_from(from, to).await?;
    tls.connect(ServerName::try_from("localhost").unwrap(), tcp).await
}

/// One answer: status, `Retry-After` (seconds) and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// The status code.
    pub status: u16,
    /// The `Retry-After` header, if any.
    pub retry_after: Option<u64>,
    /// The body.
    pub body: String,
}

/// The head of a POST of `len` body bytes.
pub fn post_head(path: &str, content_type: &str, len: usize) -> String {
    format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\nContent-Length: {len}\r\n\r\n"
    )
}

/// Reads the answer to the end of the connection.
pub async fn read_reply<S: tokio::io::AsyncRead + Unpin>(stream: &mut S) -> std::io::Result<Reply> {
    let mut raw = Vec::new();
    stream.take(64 * 1024).read_to_end(&mut raw).await?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok());
    let status = status.ok_or_else(|| std::io::Error::other(format!("no status in {head:?}")))?;
    let retry_after =
        head.lines().find_map(|l| l.strip_prefix("Retry-After: ")).and_then(|v| v.trim().parse().ok());
    Ok(Reply { status, retry_after, body: body.trim().to_owned() })
}

/// POSTs a whole body from `from` and reads the answer.
pub async fn post(
    from: IpAddr,
    to: SocketAddr,
    tls: &TlsConnector,
    path: &str,
    content_type: &str,
    body: &[u8],
) -> std::io::Result<Reply> {
    let mut stream = tls_from(from, to, tls).await?;
    stream.write_all(post_head(path, content_type, body.len()).as_bytes()).await?;
    stream.write_all(body).await?;
    stream.flush().await?;
    read_reply(&mut stream).await
}

/// A valid report (the RFC 8460 example) with its own report-id, as JSON.
pub fn report_with_id(id: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reports/rfc8460-example.json");
    let mut report: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    report["report-id"] = id.into();
    serde_json::to_vec(&report).unwrap()
}
