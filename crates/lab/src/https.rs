//! The lab's policy host: one TLS listener on 127.0.0.1 choosing the certificate by SNI
//! (`mta-sts.DOMAIN`) and answering a minimal HTTP/1.1 per the scenario.
//!
//! Certificates and pages live in [`Sites`], read per connection, so they can be replaced
//! while the server runs.

use std::collections::HashMap;
use std::net::Ipv4Addr;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

use rustls::server::{ClientHello, ResolvesServerCert};
use rustls::sign::CertifiedKey;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tokio_rustls::TlsAcceptor;

use super::LabError;
use super::ca::LabCa;
use super::hostile::{self, MAX_STREAMED};
use super::net::{IDLE, read_line};
use super::scenario::{PolicyBehaviour, PolicyHostSpec, Scenario};

/// The path RFC 8461 §3.2 fixes.
pub const POLICY_PATH: &str = "/.well-known/mta-sts.txt";
const MAX_HEADERS: usize = 64;

pub(super) struct Https {
    pub port: u16,
    pub task: JoinHandle<()>,
    pub sites: Arc<Sites>,
}

/// One policy host's answer, ready to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Page {
    pub status: u16,
    /// Empty means no `Content-Type` header.
    pub content_type: String,
    pub location: Option<String>,
    pub body: Vec<u8>,
    pub latency_ms: u64,
    pub behaviour: PolicyBehaviour,
}

impl Page {
    pub(super) fn from_spec(spec: &PolicyHostSpec) -> Page {
        Page {
            status: spec.status,
            content_type: spec.content_type.clone(),
            location: spec.redirect_to.clone(),
            body: spec.body_bytes(),
            latency_ms: spec.latency_ms,
            behaviour: spec.behaviour,
        }
    }
}

/// Certificates (chosen by SNI) and pages of every policy host, keyed by lower-case host name.
#[derive(Debug, Default)]
pub(super) struct Sites {
    certs: RwLock<HashMap<String, Arc<CertifiedKey>>>,
    pages: RwLock<HashMap<String, Arc<Page>>>,
}

impl Sites {
    /// Whether `host` has a certificate.
    pub(super) fn has_cert(&self, host: &str) -> bool {
        self.certs.read().unwrap_or_else(PoisonError::into_inner).contains_key(host)
    }

    /// The page served for `host`.
    pub(super) fn page(&self, host: &str) -> Option<Arc<Page>> {
        self.pages.read().unwrap_or_else(PoisonError::into_inner).get(host).cloned()
    }

    pub(super) fn set_cert(&self, host: &str, cert: Arc<CertifiedKey>) {
        let mut certs = self.certs.write().unwrap_or_else(PoisonError::into_inner);
        certs.insert(host.to_owned(), cert);
    }

    /// Serves `page` for `host` from the next request on.
    pub(super) fn set_page(&self, host: &str, page: Page) {
        let mut pages = self.pages.write().unwrap_or_else(PoisonError::into_inner);
        pages.insert(host.to_owned(), Arc::new(page));
    }
}

impl ResolvesServerCert for Sites {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        let host = hello.server_name()?.to_ascii_lowercase();
        self.certs.read().unwrap_or_else(PoisonError::into_inner).get(&host).cloned()
    }
}

pub(super) async fn start(s: &Scenario, ca: &LabCa) -> Result<Https, LabError> {
    let sites = Arc::new(Sites::default());
    for d in &s.domains {
        if let Some(policy) = &d.policy {
            let host = format!("mta-sts.{}", d.name.to_ascii_lowercase());
            sites.set_cert(&host, ca.issue(&host, &policy.cert)?.certified_key()?);
            sites.set_page(&host, Page::from_spec(policy));
        }
    }
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| LabError::Tls(e.to_string()))?
        .with_no_client_auth()
        .with_cert_resolver(sites.clone());
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let port = listener.local_addr()?.port();
    let served = sites.clone();
    let task = tokio::spawn(async move {
        let mut conns = JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    if let Ok((stream, _)) = accepted {
                        conns.spawn(serve(stream, acceptor.clone(), served.clone()));
                    }
                }
                Some(_) = conns.join_next(), if !conns.is_empty() => {}
            }
        }
    });
    Ok(Https { port, task, sites })
}

async fn serve(stream: TcpStream, acceptor: TlsAcceptor, sites: Arc<Sites>) {
    let Ok(Ok(tls)) = tokio::time::timeout(IDLE, acceptor.accept(stream)).await else {
        return;
    };
    let sni = tls.get_ref().1.server_name().map(str::to_ascii_lowercase);
    let mut conn = BufReader::new(tls);
    let Some(request_line) = read_line(&mut conn).await else {
        return;
    };
    for _ in 0..MAX_HEADERS {
        match read_line(&mut conn).await {
            Some(l) if l.trim_end().is_empty() => break,
            Some(_) => {}
            None => return,
        }
    }
    let mut parts = request_line.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let page = sni.as_deref().and_then(|h| sites.page(h));
    let response = match page {
        Some(page) if path == POLICY_PATH && (method == "GET" || method == "HEAD") => {
            if page.latency_ms > 0 {
                tokio::time::sleep(Duration::from_millis(page.latency_ms)).await;
            }
            if page.behaviour != PolicyBehaviour::Normal && method == "GET" {
                return misbehave(&mut conn, &page).await;
            }
            render(&page, method == "HEAD")
        }
        _ => plain(404, "not found\n"),
    };
    let _ = conn.write_all(&response).await;
    let _ = conn.shutdown().await;
}

/// Answers with one of the hostile framings, as bounded as every hostile writer.
async fn misbehave<S: AsyncRead + AsyncWrite + Unpin>(conn: &mut S, page: &Page) {
    let status = format!("{} {}", page.status, reason(page.status));
    let ctype = match page.content_type.as_str() {
        "" => String::new(),
        t => format!("Content-Type: {t}\r\n"),
    };
    let mut send = async |bytes: &[u8]| conn.write_all(bytes).await.and(conn.flush().await).is_ok();
    match page.behaviour {
        PolicyBehaviour::Normal => {}
        PolicyBehaviour::BotChallenge | PolicyBehaviour::GithubPages => {
            send(&with_headers(render(page, false), page.behaviour.extra_headers())).await;
        }
        PolicyBehaviour::NeverSendsHeaders => hostile::wait_gone(conn).await,
        PolicyBehaviour::Http10NoLength => {
            send(&[format!("HTTP/1.0 {status}\r\n{ctype}\r\n").as_bytes(), &page.body].concat()).await;
        }
        PolicyBehaviour::HugeContentLength => {
            let head =
                format!("HTTP/1.1 {status}\r\n{ctype}Content-Length: 10000000\r\nConnection: close\r\n\r\n");
            if send(&[head.as_bytes(), &page.body].concat()).await {
                hostile::wait_gone(conn).await;
            }
        }
        PolicyBehaviour::EndlessBody => {
            let head = format!(
                "HTTP/1.1 {status}\r\n{ctype}Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
            );
            let first = if page.body.is_empty() { Vec::new() } else { chunk(&page.body) };
            if send(&[head.as_bytes(), &first].concat()).await {
                let pad = chunk("x-padding: endless\r\n".repeat(200).as_bytes());
                hostile::repeat(conn, &pad, MAX_STREAMED).await;
            }
        }
    }
    let _ = conn.shutdown().await;
}

/// One HTTP/1.1 chunk (RFC 9112 §7.1).
fn chunk(data: &[u8]) -> Vec<u8> {
    [format!("{:x}\r\n", data.len()).as_bytes(), data, b"\r\n"].concat()
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        403 => "Forbidden",
        429 => "Too Many Requests",
        404 => "Not Found",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

fn head(status: u16, content_type: &str, location: Option<&str>, len: usize) -> String {
    let mut h = format!("HTTP/1.1 {status} {}\r\n", reason(status));
    if !content_type.is_empty() {
        h.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    if let Some(loc) = location {
        h.push_str(&format!("Location: {loc}\r\n"));
    }
    h.push_str(&format!("Content-Length: {len}\r\nConnection: close\r\n\r\n"));
    h
}

/// The full HTTP response for a page.
fn render(page: &Page, head_only: bool) -> Vec<u8> {
    let mut out =
        head(page.status, &page.content_type, page.location.as_deref(), page.body.len()).into_bytes();
    if !head_only {
        out.extend_from_slice(&page.body);
    }
    out
}

/// The response with `extra` header lines inserted after the status line.
fn with_headers(response: Vec<u8>, extra: &[(&str, &str)]) -> Vec<u8> {
    let split = response.windows(2).position(|w| w == b"\r\n").map_or(response.len(), |i| i + 2);
    let mut out = response[..split].to_vec();
    for (name, value) in extra {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(&response[split..]);
    out
}

fn plain(status: u16, body: &str) -> Vec<u8> {
    let mut out = head(status, "text/plain", None, body.len()).into_bytes();
    out.extend_from_slice(body.as_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_carries_location_and_no_content_type_when_empty() {
        let spec = PolicyHostSpec {
            status: 301,
            content_type: String::new(),
            body: String::new(),
            pad: None,
            bom: false,
            redirect_to: Some("https://www.x.example/p".into()),
            cert: Default::default(),
            latency_ms: 0,
            behaviour: Default::default(),
        };
        let text = String::from_utf8(render(&Page::from_spec(&spec), false)).unwrap();
        assert_eq!(
            text,
            "HTTP/1.1 301 Moved Permanently\r\nLocation: https://www.x.example/p\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
    }
}
