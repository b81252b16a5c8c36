//! Scenario data for DNSSEC and DANE: which zones the lab signs, and TLSA records per MX host.

use serde::{Deserialize, Serialize};

/// Which certificate a lab TLSA record is computed from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlsaOf {
    /// The leaf the host presents.
    #[default]
    Current,
    /// A key the host no longer presents (as after a renewal with a new key).
    Previous,
    /// The lab CA that issued the leaf.
    Ca,
}

/// One TLSA record of an MX host, computed when the lab starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsaSpec {
    /// Certificate usage (2 DANE-TA, 3 DANE-EE; others are published as given).
    pub usage: u8,
    /// Selector (0 certificate, 1 SubjectPublicKeyInfo).
    pub selector: u8,
    /// Matching type (0 exact, 1 SHA-256, 2 SHA-512).
    pub matching: u8,
    /// The certificate the data comes from.
    #[serde(default)]
    pub of: TlsaOf,
}

/// Whether the parent (the lab root) publishes a DS for a signed zone.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DsState {
    /// A DS for the zone's key: answers validate.
    #[default]
    Published,
    /// No DS: the zone is signed but nothing is validated.
    Missing,
    /// A DS for another key: every signature fails validation (bogus).
    Wrong,
}

/// A zone the lab signs with DNSSEC under its own root.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedZone {
    /// The zone (one of the scenario's domains).
    pub name: String,
    /// The DS at the lab root.
    #[serde(default)]
    pub ds: DsState,
}

/// What an extra authoritative nameserver of a lab zone does.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum NsRole {
    /// Serves the zone as it was when the lab started (with `sts_txt` if given) until
    /// [`Lab::sync_nameservers`](super::Lab::sync_nameservers): a secondary that stopped
    /// transferring the zone.
    #[default]
    Stale,
    /// Refuses every question (a lame delegation).
    Lame,
    /// Nothing listens at its address: its host answers ICMP port unreachable (a server
    /// that was switched off, or a typo in the NS records).
    Down,
    /// Takes every question and answers none (a firewall that drops DNS, an overloaded server).
    Silent,
}

/// A second (third, …) authoritative nameserver for a lab zone, on its own loopback address
/// and the lab's DNS port; the lab's own server is then listed as `ns1.ZONE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NsSpec {
    /// The zone (one of the scenario's domains).
    pub zone: String,
    /// What it does.
    #[serde(default)]
    pub role: NsRole,
    /// For a stale server: the `_mta-sts` TXT records it still serves (empty: the same as the
    /// lab's at start).
    #[serde(default)]
    pub sts_txt: Vec<Vec<String>>,
}
