//! What the probe saw, as plain data. Strings from the network are kept raw; sanitising is the
//! display layer's job. Nothing here decides pass or fail.

use std::net::{IpAddr, SocketAddr};

use serde::Serialize;

use crate::rfc::DomainName;

mod dns;

pub use dns::{
    DnssecChain, DnssecProof, DsRecord, NsAnswers, NsEvidence, NsServer, TlsaEvidence, TlsaRecord, ZoneKey,
    hex,
};

/// What a check of one domain is waiting for, as the probe moves on (a front end's spinner
/// names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ProbeStage {
    /// DNS: the MX, `_mta-sts` and `_smtp._tls` records and the policy host (where every check
    /// starts).
    Dns,
    /// DNS named the MX hosts: STARTTLS with each of them and the policy fetch over HTTPS.
    Servers,
}

/// The outcome of one DNS question.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", content = "value", rename_all = "snake_case")]
pub enum Lookup<T> {
    /// The name has records of the asked type (never an empty list: that is `NoData`).
    Found(T),
    /// The name does not exist (NXDOMAIN).
    #[serde(rename = "nxdomain")]
    NxDomain,
    /// The name exists but has no records of this type (NOERROR, empty answer).
    #[serde(rename = "nodata")]
    NoData,
    /// The resolver answered SERVFAIL (often a DNSSEC validation failure upstream).
    #[serde(rename = "servfail")]
    ServFail,
    /// No answer within the step timeout.
    Timeout,
    /// Anything else (REFUSED, network error, malformed answer), as text.
    Error(String),
}

impl<T> Lookup<T> {
    /// The found value, if any.
    pub fn found(&self) -> Option<&T> {
        match self {
            Lookup::Found(v) => Some(v),
            _ => None,
        }
    }

    /// Applies `f` to a found value, keeping every other outcome.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Lookup<U> {
        match self {
            Lookup::Found(v) => Lookup::Found(f(v)),
            Lookup::NxDomain => Lookup::NxDomain,
            Lookup::NoData => Lookup::NoData,
            Lookup::ServFail => Lookup::ServFail,
            Lookup::Timeout => Lookup::Timeout,
            Lookup::Error(e) => Lookup::Error(e),
        }
    }
}

/// Everything gathered about one domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// The domain probed.
    pub domain: DomainName,
    /// The MX records as published, each with its addresses and SMTP probes.
    pub mx: Lookup<Vec<MxEvidence>>,
    /// True when the MX set is the null MX (`0 .`, RFC 7505): the domain accepts no mail.
    pub null_mx: bool,
    /// When the MX lookup found no records (NODATA), the implicit MX senders fall back to:
    /// the domain itself at preference 0, with its A/AAAA addresses, probed like an MX.
    pub implicit_mx: Option<MxEvidence>,
    /// `_mta-sts.DOMAIN` TXT.
    pub sts_record: TxtEvidence,
    /// Whether the resolver marked the `_mta-sts` answer authenticated (AD bit), from a separate
    /// query with the DO bit set. `Found(ad)` for any NOERROR or NXDOMAIN answer.
    pub sts_dnssec: Lookup<bool>,
    /// `_smtp._tls.DOMAIN` TXT.
    pub tlsrpt_record: TxtEvidence,
    /// `_smtp-tlsrpt.DOMAIN` TXT (an obsolete draft name that should not be used).
    pub tlsrpt_legacy_record: TxtEvidence,
    /// The policy host `mta-sts.DOMAIN`.
    pub policy_host: String,
    /// A and AAAA of the policy host.
    pub policy_host_addresses: Lookup<Vec<IpAddr>>,
    /// The policy fetch.
    pub policy: PolicyFetch,
    /// Number of extra trust anchors in use (from `--ca-file`); verdicts say which ones mattered.
    pub extra_anchors: usize,
    /// True when the overall timeout cut some step short (those steps report `timeout`).
    pub overall_timeout_hit: bool,
    /// The domain's DNSSEC chain (keys, DS at the parent, validation), when asked.
    pub dnssec_chain: Option<DnssecChain>,
    /// The authoritative nameservers and what each serves, when asked.
    pub nameservers: Option<NsEvidence>,
    /// Wall-clock time spent on this domain, in milliseconds.
    pub elapsed_ms: u64,
}

/// One TXT question and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TxtEvidence {
    /// The name asked, without trailing dot.
    pub name: String,
    /// CNAMEs followed from `name`, in order (owner → target), without trailing dots.
    pub cname_chain: Vec<String>,
    /// The TXT records: one entry per record, each the record's character-strings in order
    /// (decoded lossily as UTF-8; the judge concatenates them).
    pub records: Lookup<Vec<Vec<String>>>,
}

/// One MX host: its record, addresses and SMTP probes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MxEvidence {
    /// MX preference.
    pub preference: u16,
    /// The exchange host, lower-case, without trailing dot (`.` for the null MX).
    pub host: String,
    /// A and AAAA of the host.
    pub addresses: Lookup<Vec<IpAddr>>,
    /// One SMTP probe per address.
    pub probes: Vec<SmtpEvidence>,
    /// The TLSA records at `_25._tcp.HOST` (DANE), when asked.
    pub tlsa: Option<TlsaEvidence>,
}

/// The stage of the SMTP dialogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpStage {
    /// TCP connect.
    Connect,
    /// Reading the greeting.
    Banner,
    /// EHLO and its reply.
    Ehlo,
    /// STARTTLS and its reply.
    StartTls,
    /// The TLS handshake.
    TlsHandshake,
}

/// How an SMTP probe ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SmtpOutcome {
    /// STARTTLS was offered and the TLS handshake completed (see `tls`).
    TlsEstablished,
    /// EHLO succeeded but STARTTLS was not offered.
    StartTlsNotOffered,
    /// The server answered with an unexpected reply code at `stage` (e.g. 554 banner, 454
    /// to STARTTLS).
    Rejected {
        /// Where.
        stage: SmtpStage,
        /// The reply code.
        code: u16,
    },
    /// The TCP connection was refused.
    Refused,
    /// Nothing arrived within the step timeout.
    Timeout {
        /// Where.
        stage: SmtpStage,
    },
    /// Bytes kept arriving, but too slowly: the reply was still incomplete at the step timeout
    /// (a slow drip, as in a slowloris attack).
    Trickle {
        /// Where.
        stage: SmtpStage,
        /// Bytes received while waiting for the reply.
        received: usize,
    },
    /// The server closed the connection.
    Closed {
        /// Where.
        stage: SmtpStage,
    },
    /// The server sent something that is not an SMTP reply (or exceeded a size bound).
    Garbage {
        /// Where.
        stage: SmtpStage,
        /// What was wrong.
        detail: String,
    },
    /// The TLS handshake failed (e.g. no common protocol version).
    TlsHandshake {
        /// rustls' error text.
        error: String,
    },
    /// Another network error.
    Io {
        /// Where.
        stage: SmtpStage,
        /// The error text.
        error: String,
    },
}

/// One SMTP reply: code and the text of each line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SmtpReply {
    /// The three-digit reply code.
    pub code: u16,
    /// Text after the code and separator, one entry per line.
    pub lines: Vec<String>,
}

/// The SMTP dialogue with one MX address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SmtpEvidence {
    /// The MX host name (used for SNI and certificate matching).
    pub host: String,
    /// The address and port connected to.
    pub addr: SocketAddr,
    /// How far the dialogue got.
    pub outcome: SmtpOutcome,
    /// The greeting.
    pub banner: Option<SmtpReply>,
    /// The EHLO reply.
    pub ehlo: Option<SmtpReply>,
    /// Whether EHLO advertised STARTTLS (None if EHLO did not succeed).
    pub starttls_offered: Option<bool>,
    /// The reply to STARTTLS.
    pub starttls_reply: Option<SmtpReply>,
    /// The TLS session, when established.
    pub tls: Option<TlsEvidence>,
    /// Time spent, in milliseconds.
    pub elapsed_ms: u64,
}

/// A completed TLS session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TlsEvidence {
    /// Negotiated protocol version, e.g. `TLSv1_3`.
    pub version: String,
    /// Negotiated cipher suite, e.g. `TLS13_AES_256_GCM_SHA384`.
    pub cipher: String,
    /// The server's certificate and its verdict.
    pub cert: CertEvidence,
    /// The presented chain as DER, leaf first (at most [`MAX_CHAIN_CERTS`] certificates of at
    /// most [`MAX_CHAIN_CERT_BYTES`] each), for matching TLSA records; not serialised.
    #[serde(skip)]
    pub chain_der: Vec<Vec<u8>>,
}

/// Most certificates of a presented chain kept in [`TlsEvidence::chain_der`].
pub const MAX_CHAIN_CERTS: usize = 8;
/// Largest certificate kept in [`TlsEvidence::chain_der`] (bytes).
pub const MAX_CHAIN_CERT_BYTES: usize = 16 * 1024;

/// The certificate verdict against webpki-roots (and any extra anchors), at the config's `now`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CertVerdict {
    /// Chains to a public root, valid for the name, within its validity period.
    Trusted,
    /// Valid, but only because of an extra trust anchor from `--ca-file`.
    TrustedViaExtraAnchor,
    /// Does not chain to any anchor.
    UnknownIssuer,
    /// A single self-signed certificate not among the anchors.
    SelfSigned,
    /// Past its notAfter.
    Expired,
    /// Before its notBefore.
    NotYetValid,
    /// Not valid for the expected host name.
    NameMismatch,
    /// Any other failure (bad encoding, bad signature, revoked, ...); see `detail`.
    Other,
}

/// Facts about the certificate chain a server presented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertEvidence {
    /// Number of certificates presented (leaf included).
    pub chain_len: usize,
    /// The verdict.
    pub verdict: CertVerdict,
    /// The verifier's error text when not trusted.
    pub detail: Option<String>,
    /// The leaf's notBefore.
    pub not_before: Option<jiff::Timestamp>,
    /// The leaf's notAfter.
    pub not_after: Option<jiff::Timestamp>,
    /// The leaf's issuer DN.
    pub issuer: Option<String>,
    /// The leaf's subject DN.
    pub subject: Option<String>,
    /// The leaf's DNS subjectAltNames.
    pub sans: Vec<String>,
    /// The presented chain, leaf first, as `openssl s_client` lists it: at most
    /// [`MAX_CHAIN`] certificates, each name cut at [`MAX_DN_BYTES`] bytes.
    pub chain: Vec<ChainCert>,
}

/// Most certificates of a presented chain kept in [`CertEvidence::chain`].
pub const MAX_CHAIN: usize = 8;
/// Longest subject or issuer name kept in a [`ChainCert`], in bytes.
pub const MAX_DN_BYTES: usize = 256;

/// One certificate of a presented chain: who it names and who signed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainCert {
    /// The subject DN (`s:` in `openssl s_client`).
    pub subject: String,
    /// The issuer DN (`i:`).
    pub issuer: String,
    /// Its notAfter.
    pub not_after: Option<jiff::Timestamp>,
}

/// `s` cut to at most `max` bytes, at a character boundary.
pub fn cut_bytes(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_owned()
}

/// How the policy fetch ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FetchOutcome {
    /// An HTTP response arrived (any status; see `status`).
    Response,
    /// The policy host had no address, so nothing was fetched.
    HostUnresolved,
    /// Could not connect or complete TLS.
    Connect {
        /// The error chain as text.
        error: String,
    },
    /// No complete response within the timeout.
    Timeout,
    /// Another failure (protocol error, body read error).
    Other {
        /// The error chain as text.
        error: String,
    },
}

/// The HTTPS fetch of the policy file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyFetch {
    /// The URL requested.
    pub url: String,
    /// How it ended.
    pub outcome: FetchOutcome,
    /// HTTP status code.
    pub status: Option<u16>,
    /// Raw Content-Type header.
    pub content_type: Option<String>,
    /// Raw Location header (redirects are recorded, never followed).
    pub location: Option<String>,
    /// The body (at most 64 KiB + 1 bytes); serialised as lossy UTF-8 text.
    #[serde(serialize_with = "lossy_text")]
    pub body: Option<Vec<u8>>,
    /// The `Content-Length` the server announced, if any.
    pub content_length: Option<u64>,
    /// True when the body exceeded 64 KiB (reading stopped there), or the announced
    /// `Content-Length` did (nothing was read).
    pub too_large: bool,
    /// The server certificate, when a TLS handshake got that far.
    pub cert: Option<CertEvidence>,
    /// The response headers that tell who answered and whether it was a bot challenge
    /// ([`NOTABLE_HEADERS`]), names lower-case, each value cut at 256 bytes.
    pub headers: std::collections::BTreeMap<String, String>,
}

/// The response headers kept in [`PolicyFetch::headers`]: the web server's name and the
/// markers CDNs and static hosts set on challenge pages and their own error pages.
pub const NOTABLE_HEADERS: &[&str] =
    &["server", "cf-mitigated", "x-amzn-waf-action", "x-vercel-mitigated", "x-github-request-id"];

fn lossy_text<S: serde::Serializer>(body: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
    match body {
        Some(bytes) => s.serialize_some(&String::from_utf8_lossy(bytes)),
        None => s.serialize_none(),
    }
}

impl SmtpEvidence {
    /// Evidence of a dialogue that got nowhere yet: only the host, address and outcome.
    pub fn bare(host: String, addr: SocketAddr, outcome: SmtpOutcome) -> Self {
        Self {
            host,
            addr,
            outcome,
            banner: None,
            ehlo: None,
            starttls_offered: None,
            starttls_reply: None,
            tls: None,
            elapsed_ms: 0,
        }
    }
}

impl PolicyFetch {
    /// A fetch with only its URL and outcome, filled in as the request proceeds.
    pub fn unattempted(url: String, outcome: FetchOutcome) -> Self {
        Self {
            url,
            outcome,
            status: None,
            content_type: None,
            location: None,
            body: None,
            content_length: None,
            too_large: false,
            cert: None,
            headers: Default::default(),
        }
    }
}
