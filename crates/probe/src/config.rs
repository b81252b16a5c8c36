//! What a probe run needs, and loading extra trust anchors.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;

use mtasts_core::evidence::ProbeStage;
use mtasts_core::rfc::DomainName;

/// Which DNS resolver to ask.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolverChoice {
    /// The operating system's configuration (`/etc/resolv.conf`), read by hickory.
    System,
    /// One recursive resolver (or, in tests, the lab's authoritative server) at this address.
    At(SocketAddr),
}

/// Per-step timeouts; every step is also cut short by `overall`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeouts {
    /// Everything for one domain.
    pub overall: Duration,
    /// One DNS question.
    pub dns: Duration,
    /// One TCP connect.
    pub connect: Duration,
    /// One SMTP reply (and the command before it).
    pub smtp_reply: Duration,
    /// The TLS handshake after STARTTLS.
    pub tls_handshake: Duration,
    /// The whole policy fetch: connect, TLS, response and body.
    pub https: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            overall: Duration::from_secs(60),
            dns: Duration::from_secs(5),
            connect: Duration::from_secs(10),
            smtp_reply: Duration::from_secs(30),
            tls_handshake: Duration::from_secs(15),
            https: Duration::from_secs(20),
        }
    }
}

impl Timeouts {
    /// Every timeout set to `d` (handy in tests and for `--timeout`).
    pub fn uniform(d: Duration) -> Self {
        Self { overall: d, dns: d, connect: d, smtp_reply: d, tls_handshake: d, https: d }
    }
}

/// Told each domain's [`ProbeStage`] as a check moves on (the wizard's spinner names what it
/// waits for).
#[derive(Clone)]
pub struct StageHook(pub std::sync::Arc<StageFn>);

/// What a [`StageHook`] calls: the domain and the stage its check reached.
pub type StageFn = dyn Fn(&DomainName, ProbeStage) + Send + Sync;

impl std::fmt::Debug for StageHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StageHook")
    }
}

/// Everything the probe needs; nothing is read from globals or the environment.
#[derive(Debug, Clone)]
pub struct ProbeConfig {
    /// The DNS resolver.
    pub resolver: ResolverChoice,
    /// Extra trust anchors (DER), e.g. from `--ca-file`; verdicts say when only these matched.
    pub extra_anchors: Vec<CertificateDer<'static>>,
    /// SMTP port on MX hosts (25).
    pub smtp_port: u16,
    /// HTTPS port on the policy host (443).
    pub https_port: u16,
    /// Timeouts.
    pub timeouts: Timeouts,
    /// Most connections (SMTP probes and policy fetches) open at once in a run, the global
    /// limit (default: from the file-descriptor limit, see [`default_limits`](super::default_limits)).
    pub concurrency: usize,
    /// Most connections to one IP address at once (2: polite to shared MX hosts and to
    /// postscreen).
    pub per_host: usize,
    /// Most DNS questions in flight at once (those on a domain's MX chain pass first).
    pub dns_in_flight: usize,
    /// The name sent in EHLO.
    pub ehlo_name: String,
    /// The time certificates are judged at.
    pub now: jiff::Timestamp,
    /// The DNSSEC trust anchor as DNSKEY records in zone-file text (`--trust-anchor`); `None`:
    /// the root's.
    pub dnssec_anchor: Option<String>,
    /// The port authoritative nameservers are asked on directly (53; a lab's port in tests).
    pub ns_port: u16,
    /// Told when a domain's check moves on from DNS (none by default).
    pub stage: Option<StageHook>,
}

impl ProbeConfig {
    /// Defaults: system resolver, ports 25 and 443, default timeouts, connection and DNS
    /// limits from the file-descriptor limit, 2 connections per address, EHLO
    /// `mtasts.invalid`, certificates judged at `now`.
    pub fn new(now: jiff::Timestamp) -> Self {
        let (concurrency, dns_in_flight) = super::default_limits();
        Self {
            resolver: ResolverChoice::System,
            extra_anchors: Vec::new(),
            smtp_port: 25,
            https_port: 443,
            timeouts: Timeouts::default(),
            concurrency,
            per_host: 2,
            dns_in_flight,
            ehlo_name: "mtasts.invalid".to_owned(),
            now,
            dnssec_anchor: None,
            ns_port: 53,
            stage: None,
        }
    }
}

/// Errors of this module's setup helpers (probing itself never fails).
#[derive(Debug, thiserror::Error)]
pub enum ProbeError {
    /// A CA file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A CA file is larger than the limit (bytes).
    #[error("{path} is larger than {limit} bytes; a CA file holds a few certificates")]
    CaFileTooLarge {
        /// The file.
        path: PathBuf,
        /// The limit in bytes.
        limit: u64,
    },
    /// A CA file is not valid PEM.
    #[error("{path} is not a valid PEM file: {detail}")]
    Pem {
        /// The file.
        path: PathBuf,
        /// What the parser said.
        detail: String,
    },
    /// A CA file holds no certificate.
    #[error("{path} contains no CERTIFICATE block")]
    NoCertificates {
        /// The file.
        path: PathBuf,
    },
    /// A certificate cannot be used as a trust anchor.
    #[error("unusable trust anchor: {0}")]
    Anchor(String),
    /// The TLS configuration could not be built.
    #[error("TLS configuration: {0}")]
    Tls(String),
}

/// Largest CA file read (1 MiB, like every other file input).
pub const MAX_CA_FILE_BYTES: u64 = 1 << 20;

/// Reads the CERTIFICATE blocks of a PEM file (at most [`MAX_CA_FILE_BYTES`]), for [`ProbeConfig::extra_anchors`], and checks
/// that each can serve as a trust anchor.
pub fn load_ca_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, ProbeError> {
    use std::io::Read;
    let read = |source| ProbeError::Read { path: path.to_owned(), source };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(read)?
        .take(MAX_CA_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read)?;
    if bytes.len() as u64 > MAX_CA_FILE_BYTES {
        return Err(ProbeError::CaFileTooLarge { path: path.to_owned(), limit: MAX_CA_FILE_BYTES });
    }
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ProbeError::Pem { path: path.to_owned(), detail: e.to_string() })?;
    if certs.is_empty() {
        return Err(ProbeError::NoCertificates { path: path.to_owned() });
    }
    let mut roots = rustls::RootCertStore::empty();
    for der in &certs {
        roots.add(der.clone()).map_err(|e| ProbeError::Anchor(e.to_string()))?;
    }
    Ok(certs)
}
