//! The HTTP side shared by the API providers: one client per provider (publicly trusted
//! roots plus the user's extra anchors, no redirects, no proxy surprises), bounded bodies,
//! and errors in words (401/403/404/429, timeouts, unreachable).

use std::sync::Arc;
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use serde_json::Value;

use super::error::{PublishError, truncate};

/// Largest response body read (a whole PowerDNS zone can be large).
const MAX_BODY: usize = 64 * 1024 * 1024;

/// A provider's HTTP client.
pub struct Http {
    client: reqwest::Client,
    provider: &'static str,
    timeout: Duration,
}

/// A response: status and body.
pub struct Response {
    /// The HTTP status.
    pub status: u16,
    /// The body (bounded).
    pub body: Vec<u8>,
    /// The `Retry-After` header, when present.
    pub retry_after: Option<String>,
}

impl Response {
    /// The body as JSON (an empty body is `null`).
    pub fn json(&self, provider: &str) -> Result<Value, PublishError> {
        if self.body.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.body).map_err(|e| {
            let start = truncate(&String::from_utf8_lossy(&self.body), 120);
            PublishError::Protocol(format!(
                "{provider} answered something that is not JSON ({e}): {}",
                mtasts_core::sanitize::sanitize(&start)
            ))
        })
    }
}

impl Http {
    /// A client trusting the public roots and `extra` anchors.
    pub fn new(
        provider: &'static str,
        extra: &[CertificateDer<'static>],
        timeout: Duration,
    ) -> Result<Http, PublishError> {
        let mut roots = rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        for der in extra {
            roots
                .add(der.clone())
                .map_err(|e| PublishError::Secret(format!("an extra trust anchor: {e}")))?;
        }
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(
            rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| PublishError::Protocol(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .connect_timeout(timeout)
            .timeout(timeout)
            .user_agent(concat!("mtasts/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| PublishError::Protocol(format!("HTTP client: {e}")))?;
        Ok(Http { client, provider, timeout })
    }

    /// A request to build on.
    pub fn request(&self, method: reqwest::Method, url: &str) -> reqwest::RequestBuilder {
        self.client.request(method, url)
    }

    /// Sends `req` (described as `what` in errors) and reads the bounded answer.
    pub async fn send(&self, req: reqwest::RequestBuilder, what: &str) -> Result<Response, PublishError> {
        let mut resp = req.send().await.map_err(|e| self.failure(&e, what))?;
        let status = resp.status().as_u16();
        let retry_after =
            resp.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.failure(&e, what))? {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(PublishError::Protocol(format!(
                    "{}: the answer to {what} is larger than 64 MiB",
                    self.provider
                )));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Response { status, body, retry_after })
    }

    fn failure(&self, e: &reqwest::Error, what: &str) -> PublishError {
        if e.is_timeout() {
            return PublishError::Timeout {
                what: format!("{} ({what})", self.provider),
                secs: self.timeout.as_secs(),
            };
        }
        let mut chain = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            chain.push_str(&format!(": {s}"));
            source = s.source();
        }
        PublishError::Network(format!(
            "cannot reach the {} ({what}): {}",
            self.provider,
            mtasts_core::sanitize::sanitize(&chain)
        ))
    }

    /// The provider's name.
    pub fn provider(&self) -> &'static str {
        self.provider
    }
}

/// Percent-encodes one URL path segment or query value.
pub fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Candidate zone names for `domain`: itself, then each parent with at least two labels.
pub fn zone_candidates(domain: &str) -> Vec<String> {
    let labels: Vec<&str> = domain.split('.').collect();
    (0..labels.len().saturating_sub(1)).map(|i| labels[i..].join(".")).collect()
}

/// `req` with `body` as its JSON body.
pub fn with_json(req: reqwest::RequestBuilder, body: &Value) -> reqwest::RequestBuilder {
    req.header(reqwest::header::CONTENT_TYPE, "application/json").body(body.to_string())
}
