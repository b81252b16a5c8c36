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
/// Every question is asked with the CD bit, so a validating resolver that answers SERVFAIL
/// still hands over the records, and validated by mtasts itself.
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
    /// The DS records at the parent, each compared with the zone's current keys.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ds_records: Vec<DsRecord>,
    /// The zone's current DNSKEYs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keys: Vec<ZoneKey>,
    /// True when validation started from a trust anchor given with `--trust-anchor`, false
    /// for the public root's.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub anchor_configured: bool,
}

impl DnssecChain {
    /// A chain with these counts and verdict, and no record details.
    pub fn counted(dnskey: Lookup<usize>, ds: Lookup<usize>, validation: DnssecProof) -> Self {
        Self {
            dnskey,
            ds,
            validation,
            detail: None,
            ds_records: Vec::new(),
            keys: Vec::new(),
            anchor_configured: false,
        }
    }

    /// Whether the parent publishes DS records and none of them matches a current key of the
    /// zone (the registrar holds a DS for a key the zone no longer uses).
    pub fn ds_mismatch(&self) -> bool {
        !self.ds_records.is_empty() && !self.keys.is_empty() && self.ds_records.iter().all(|d| !d.matches_key)
    }
}

/// One DS record at the parent (RFC 4034 §5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DsRecord {
    /// The key tag of the key it names.
    pub key_tag: u16,
    /// The key's algorithm number (8 RSA/SHA-256, 13 ECDSA P-256, 15 Ed25519, …).
    pub algorithm: u8,
    /// The digest type (2: SHA-256).
    pub digest_type: u8,
    /// The digest, lower-case hex.
    pub digest: String,
    /// Whether one of the zone's current DNSKEYs has this tag, algorithm and digest.
    pub matches_key: bool,
}

/// One DNSKEY of the zone (RFC 4034 §2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ZoneKey {
    /// Its key tag.
    pub key_tag: u16,
    /// Its algorithm number.
    pub algorithm: u8,
    /// Its flags (257: key-signing key, 256: zone-signing key).
    pub flags: u16,
    /// The SHA-256 digest a DS for this key carries, lower-case hex.
    pub ds_sha256: String,
}

impl ZoneKey {
    /// Whether it is a key-signing key (the SEP flag): the key a DS normally names.
    pub fn is_ksk(&self) -> bool {
        self.flags & 1 == 1
    }

    /// The DS record for this key in presentation form, for `owner`:
    /// `example.com. IN DS 12345 15 2 ab12…`.
    pub fn ds_presentation(&self, owner: &str) -> String {
        format!(
            "{}. IN DS {} {} 2 {}",
            owner.trim_end_matches('.'),
            self.key_tag,
            self.algorithm,
            self.ds_sha256
        )
    }
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
