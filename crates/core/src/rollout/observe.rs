//! What the rollout logic is told about the live state of a domain: the result of one full
//! check (built by the judge from probe evidence) and a TLS-RPT summary.

use jiff::Timestamp;

use crate::finding::{Code, Verdict};
use crate::rfc::{DomainName, Policy, PolicyId, RuaUri};

/// The live state of one domain as seen by a full check.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Observation {
    /// When the check ran.
    pub at: Timestamp,
    /// The check's overall verdict.
    pub verdict: Verdict,
    /// Codes of the error findings.
    pub error_codes: Vec<Code>,
    /// Codes of the warning findings.
    #[serde(default)]
    pub warning_codes: Vec<Code>,
    /// The MX hosts in DNS; `None` when the lookup failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_mx: Option<Vec<DomainName>>,
    /// STARTTLS and certificate results per MX host.
    #[serde(default)]
    pub mx_results: Vec<MxResult>,
    /// The id of the single valid `_mta-sts` record, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sts_id: Option<PolicyId>,
    /// The `rua` URIs of the single valid `_smtp._tls` record, if there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tlsrpt_rua: Option<Vec<RuaUri>>,
    /// The policy served at the well-known URL, if it was fetched and parsed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_policy: Option<Policy>,
    /// What the authoritative nameservers serve for `_mta-sts`, asked directly; `None` when
    /// none was asked or none answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ns_sts: Option<NsSts>,
}

/// The `_mta-sts` record as every authoritative nameserver that answered serves it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NsSts {
    /// The id every one of them serves; `None` while they disagree or serve no single valid
    /// record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<PolicyId>,
    /// The highest TTL (seconds) they give the record: how long a resolver may hold it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ttl: Option<u32>,
    /// The nameservers that gave no answer and were skipped, each as `NAME [ADDRESS]:PORT (why)`:
    /// what they serve is not known.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<String>,
}

impl Observation {
    /// Whether the check found at least one error.
    pub fn has_errors(&self) -> bool {
        self.verdict == Verdict::Fail || !self.error_codes.is_empty()
    }

    /// The result for one MX host, if it was probed.
    pub fn mx_result(&self, host: &DomainName) -> Option<&MxResult> {
        self.mx_results.iter().find(|r| &r.host == host)
    }
}

/// STARTTLS and certificate result for one MX host.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MxResult {
    /// The MX host name.
    pub host: DomainName,
    /// STARTTLS was offered and the handshake completed.
    pub starttls_ok: bool,
    /// The certificate chains to a publicly trusted root.
    pub cert_trusted: bool,
    /// The certificate names the MX host.
    pub name_ok: bool,
    /// The certificate's expiry, when one was seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_after: Option<Timestamp>,
}

/// TLS-RPT summary for the testing window (RFC 8460 reports received for the domain).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReportTally {
    /// Number of reports.
    pub reports: u32,
    /// Sessions that failed.
    pub failed_sessions: u64,
    /// Sessions that succeeded.
    pub successful_sessions: u64,
    /// Failed sessions per result type (e.g. `certificate-expired`).
    pub failures_by_type: Vec<(String, u64)>,
    /// Reports whose successes count: DKIM-verified by the reporting domain, or delivered to
    /// the https rua (anyone can mail a `rua` address, so an unauthenticated report can add
    /// failures but never show a clean window).
    #[serde(default)]
    pub authenticated_reports: u32,
    /// Successful sessions in those reports.
    #[serde(default)]
    pub authenticated_successful_sessions: u64,
}
