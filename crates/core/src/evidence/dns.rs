//! DNS evidence beyond the records MTA-STS reads: TLSA per MX (DANE), the domain's DNSSEC
//! chain, and what each authoritative nameserver serves.

use serde::Serialize;

use super::Lookup;

/// What DNSSEC validation concluded about an answer (RFC 4035 §4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DnssecProof {
    /// Validation could not get the DNSSEC records it needed.
    Indeterminate,
    /// Validation failed: senders treat the answer as a failure and defer mail.
    Bogus,
    /// Provably unsigned (no DS on the way down): nothing is validated.
    Insecure,
    /// A chain of signatures leads from the trust anchor to the answer.
    Secure,
}

impl DnssecProof {
    /// The lower-case word used in text.
    pub fn as_str(self) -> &'static str {
        match self {
            DnssecProof::Indeterminate => "indeterminate",
            DnssecProof::Bogus => "bogus",
            DnssecProof::Insecure => "insecure",
            DnssecProof::Secure => "secure",
        }
    }
}

/// One TLSA record (RFC 6698 §2.1), its association data kept raw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TlsaRecord {
    /// Certificate usage: 0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE.
    pub usage: u8,
    /// Selector: 0 the whole certificate, 1 its SubjectPublicKeyInfo.
    pub selector: u8,
    /// Matching type: 0 exact, 1 SHA-256, 2 SHA-512.
    pub matching: u8,
    /// The certificate association data (serialised as lower-case hex).
    #[serde(serialize_with = "hex_bytes")]
    pub data: Vec<u8>,
}

impl TlsaRecord {
    /// The record in presentation form, the data in hex: `3 1 1 ab12…`.
    pub fn presentation(&self) -> String {
        format!("{} {} {} {}", self.usage, self.selector, self.matching, hex(&self.data))
    }
}

/// The TLSA question for one MX host (`_25._tcp.HOST`), asked through a validating resolver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TlsaEvidence {
    /// The name asked, without trailing dot.
    pub name: String,
    /// The records (bounded in number).
    pub records: Lookup<Vec<TlsaRecord>>,
    /// What validation concluded about the answer (or its absence).
    pub proof: DnssecProof,
}

/// The domain's DNSSEC chain: its own keys, the DS at the parent and what validation says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DnssecChain {
    /// Number of DNSKEY records at the domain.
    pub dnskey: Lookup<usize>,
    /// Number of DS records for the domain at its parent.
    pub ds: Lookup<usize>,
    /// What validation concluded about the domain's MX answer.
    pub validation: DnssecProof,
    /// The validator's error text, when it failed.
    pub detail: Option<String>,
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn hex_bytes<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&hex(bytes))
}

/// What one authoritative nameserver address answered, asked directly (no recursion).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NsAnswers {
    /// `_mta-sts.DOMAIN` TXT, each record's strings joined.
    pub sts: Lookup<Vec<String>>,
    /// The TTL (seconds) the nameserver gives its `_mta-sts` records: how long a resolver may
    /// hold them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sts_ttl: Option<u32>,
    /// `_smtp._tls.DOMAIN` TXT, each record's strings joined.
    pub tlsrpt: Lookup<Vec<String>>,
    /// The MX records as `PREF HOST`, sorted.
    pub mx: Lookup<Vec<String>>,
    /// A and AAAA of `mta-sts.DOMAIN`, sorted.
    pub policy_host: Lookup<Vec<String>>,
}

/// One address of one authoritative nameserver.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NsServer {
    /// The nameserver's name, without trailing dot.
    pub name: String,
    /// The address and port asked.
    pub addr: std::net::SocketAddr,
    /// What it served; `None` when it gave no authoritative answer at all (lame or dead).
    pub answers: Option<NsAnswers>,
    /// Why it gave no answer.
    pub error: Option<String>,
}

/// The zone's NS set and what each nameserver serves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NsEvidence {
    /// The NS records of the domain (names without trailing dot, sorted).
    pub ns: Lookup<Vec<String>>,
    /// Nameservers whose addresses could not be found.
    pub unresolved: Vec<String>,
    /// Every address of every nameserver (bounded).
    pub servers: Vec<NsServer>,
}
