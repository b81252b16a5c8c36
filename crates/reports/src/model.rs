//! The parsed form of one TLS-RPT report (RFC 8460 §4.4), tolerant of what real senders send.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use mtasts_core::rfc::policy::Mode;

/// One aggregate TLS report from one sending organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// `organization-name`; `None` when the sender left it out.
    pub organization: Option<String>,
    /// `contact-info`; `None` when null or missing (common with large senders).
    pub contact: Option<String>,
    /// `report-id`, unique per sender; the deduplication key.
    pub report_id: String,
    /// `date-range.start-datetime`.
    pub start: jiff::Timestamp,
    /// `date-range.end-datetime`.
    pub end: jiff::Timestamp,
    /// One entry per evaluated policy.
    pub policies: Vec<PolicyResult>,
}

impl Report {
    /// The policy domain a policy entry belongs to: its own `policy-domain`, or, when missing
    /// (typical for `no-policy-found`), the single domain named by the report's other entries.
    pub fn domain_for<'a>(&'a self, policy: &'a PolicyResult) -> Option<&'a str> {
        if let Some(d) = policy.policy_domain.as_deref() {
            return Some(d);
        }
        let mut named = self.policies.iter().filter_map(|p| p.policy_domain.as_deref());
        let first = named.next()?;
        named.all(|d| d == first).then_some(first)
    }

    /// Every policy domain the report speaks about, sorted and deduplicated.
    pub fn domains(&self) -> Vec<String> {
        let mut out: Vec<String> =
            self.policies.iter().filter_map(|p| self.domain_for(p).map(str::to_owned)).collect();
        out.sort();
        out.dedup();
        out
    }
}

/// Results for one policy (`policies[]` element).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyResult {
    /// `policy.policy-type`.
    pub policy_type: PolicyType,
    /// `policy.policy-string`: for STS, one policy line per element. Empty when missing.
    pub policy_strings: Vec<String>,
    /// `policy.policy-domain`, lower-cased without a trailing dot; `None` when missing.
    pub policy_domain: Option<String>,
    /// `policy.mx-host` (or `mx-host-pattern`). Empty when missing.
    pub mx_host: Vec<String>,
    /// `summary.total-successful-session-count`.
    pub successful: u64,
    /// `summary.total-failure-session-count`.
    pub failed: u64,
    /// `failure-details`.
    pub failures: Vec<FailureDetail>,
}

impl PolicyResult {
    /// The policy mode the sender saw, from the `mode:` line of `policy-string` (STS only).
    /// The policy id is not part of the policy text, so it cannot be recovered here.
    pub fn seen_mode(&self) -> Option<Mode> {
        self.policy_line("mode").and_then(Mode::parse)
    }

    /// The `mx:` patterns the sender saw in `policy-string`.
    pub fn seen_mx(&self) -> Vec<String> {
        self.policy_lines("mx").map(str::to_owned).collect()
    }

    fn policy_line<'a>(&'a self, key: &'a str) -> Option<&'a str> {
        self.policy_lines(key).next()
    }

    fn policy_lines<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        // Some senders put the whole policy into one element, so split on line breaks too.
        self.policy_strings.iter().flat_map(|s| s.lines()).filter_map(move |line| {
            let (k, v) = line.split_once(':')?;
            (k.trim() == key).then(|| v.trim())
        })
    }
}

/// `policy-type`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyType {
    /// `sts` (RFC 8461).
    Sts,
    /// `tlsa` (DANE).
    Tlsa,
    /// `no-policy-found`.
    NoPolicyFound,
    /// Anything else, kept verbatim.
    Other(String),
}

impl PolicyType {
    /// Parses the wire value; unknown values become [`PolicyType::Other`].
    pub fn parse(s: &str) -> Self {
        match s {
            "sts" => PolicyType::Sts,
            "tlsa" => PolicyType::Tlsa,
            "no-policy-found" => PolicyType::NoPolicyFound,
            other => PolicyType::Other(other.to_owned()),
        }
    }

    /// The wire value (verbatim for [`PolicyType::Other`]).
    pub fn as_str(&self) -> &str {
        match self {
            PolicyType::Sts => "sts",
            PolicyType::Tlsa => "tlsa",
            PolicyType::NoPolicyFound => "no-policy-found",
            PolicyType::Other(s) => s,
        }
    }
}

/// One `failure-details` element.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FailureDetail {
    /// `result-type`.
    pub result_type: ResultType,
    /// `sending-mta-ip`; often missing.
    pub sending_mta_ip: Option<String>,
    /// `receiving-mx-hostname`.
    pub receiving_mx_hostname: Option<String>,
    /// `receiving-mx-helo`.
    pub receiving_mx_helo: Option<String>,
    /// `receiving-ip`.
    pub receiving_ip: Option<String>,
    /// `failed-session-count`.
    pub failed_session_count: u64,
    /// `additional-information` (a URI per the RFC; free text in practice).
    pub additional_information: Option<String>,
    /// `failure-reason-code`.
    pub failure_reason_code: Option<String>,
}

/// `result-type` (RFC 8460 §4.3), with unknown values kept.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResultType {
    /// `starttls-not-supported`.
    StarttlsNotSupported,
    /// `certificate-host-mismatch`.
    CertificateHostMismatch,
    /// `certificate-expired`.
    CertificateExpired,
    /// `certificate-not-trusted`.
    CertificateNotTrusted,
    /// `validation-failure`.
    ValidationFailure,
    /// `tlsa-invalid`.
    TlsaInvalid,
    /// `dnssec-invalid`.
    DnssecInvalid,
    /// `dane-required`.
    DaneRequired,
    /// `sts-policy-fetch-error`.
    StsPolicyFetchError,
    /// `sts-policy-invalid`.
    StsPolicyInvalid,
    /// `sts-webpki-invalid`.
    StsWebpkiInvalid,
    /// A value outside the RFC list, verbatim.
    Other(String),
}

const KNOWN_RESULT_TYPES: [(&str, ResultType); 11] = [
    ("starttls-not-supported", ResultType::StarttlsNotSupported),
    ("certificate-host-mismatch", ResultType::CertificateHostMismatch),
    ("certificate-expired", ResultType::CertificateExpired),
    ("certificate-not-trusted", ResultType::CertificateNotTrusted),
    ("validation-failure", ResultType::ValidationFailure),
    ("tlsa-invalid", ResultType::TlsaInvalid),
    ("dnssec-invalid", ResultType::DnssecInvalid),
    ("dane-required", ResultType::DaneRequired),
    ("sts-policy-fetch-error", ResultType::StsPolicyFetchError),
    ("sts-policy-invalid", ResultType::StsPolicyInvalid),
    ("sts-webpki-invalid", ResultType::StsWebpkiInvalid),
];

impl ResultType {
    /// Parses a wire value. Also accepts the `other: <value>` form produced by `Display`.
    pub fn parse(s: &str) -> Self {
        let s = s.trim();
        if let Some((_, t)) = KNOWN_RESULT_TYPES.iter().find(|(name, _)| name.eq_ignore_ascii_case(s)) {
            return t.clone();
        }
        match s.strip_prefix("other: ") {
            Some(rest) => ResultType::Other(rest.to_owned()),
            None => ResultType::Other(s.to_owned()),
        }
    }

    /// The wire value (verbatim for [`ResultType::Other`]).
    pub fn wire(&self) -> &str {
        match self {
            ResultType::Other(s) => s,
            known => KNOWN_RESULT_TYPES.iter().find(|(_, t)| t == known).map_or("", |(name, _)| name),
        }
    }
}

impl fmt::Display for ResultType {
    /// RFC names as they are; unknown ones as `other: <value>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResultType::Other(s) => write!(f, "other: {s}"),
            known => f.write_str(known.wire()),
        }
    }
}

macro_rules! serde_as_wire_string {
    ($t:ty, $to:ident) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.$to())
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                Ok(<$t>::parse(&String::deserialize(d)?))
            }
        }
    };
}
serde_as_wire_string!(PolicyType, as_str);
serde_as_wire_string!(ResultType, wire);
