//! Findings: the stable codes scripts match on, their severity, and the text shown to users.
//!
//! Lives at the crate root because both the pure RFC linting (`rfc`) and the live judgement
//! (`judge`) produce findings; `judge` re-exports it as the catalogue.

use std::fmt;

mod cap;

pub use cap::{FindingCap, MAX_PER_CODE, MAX_PER_DOMAIN, cap_findings};

/// How much a finding matters. Ordered: `Info < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Context, nothing to fix.
    Info,
    /// Does not affect delivery, worth fixing.
    Warning,
    /// Would make an enforcing sender refuse delivery, or makes senders ignore MTA-STS.
    Error,
}

impl Severity {
    /// The lower-case word used in text and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident => $text:literal,)*) => {
        /// A stable finding identifier (DESIGN.md §3). The kebab-case text never changes.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code {
            $($(#[$doc])* $variant,)*
        }

        impl Code {
            /// Every code, in catalogue order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The stable kebab-case identifier.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Code::$variant => $text,)*
                }
            }

            /// Looks a code up by its identifier.
            pub fn from_str_exact(s: &str) -> Option<Code> {
                match s {
                    $($text => Some(Code::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

codes! {
    /// No `_mta-sts` TXT record starting with `v=STSv1`.
    StsRecordMissing => "sts-record-missing",
    /// More than one `v=STSv1` record.
    StsRecordMultiple => "sts-record-multiple",
    /// The `_mta-sts` record does not follow the ABNF.
    StsRecordInvalid => "sts-record-invalid",
    /// The live policy differs from the one published under this id.
    StsIdNotBumped => "sts-id-not-bumped",
    /// No `_smtp._tls` TXT record.
    TlsRptRecordMissing => "tlsrpt-record-missing",
    /// More than one `v=TLSRPTv1` record.
    TlsRptRecordMultiple => "tlsrpt-record-multiple",
    /// The `_smtp._tls` record does not follow the ABNF.
    TlsRptRecordInvalid => "tlsrpt-record-invalid",
    /// The TLS-RPT record lists several `rua` URIs; some large senders report only to the first.
    TlsRptRuaSeveral => "tlsrpt-rua-several",
    /// The `_mta-sts` answer is not DNSSEC-validated.
    DnssecUnsigned => "dnssec-unsigned",
    /// `mta-sts.DOMAIN` has no address.
    PolicyHostUnresolvable => "policy-host-unresolvable",
    /// The policy could not be fetched at all.
    PolicyFetchFailed => "policy-fetch-failed",
    /// The policy host's certificate is not valid for it.
    PolicyTlsInvalid => "policy-tls-invalid",
    /// The policy URL answered with a redirect.
    PolicyRedirect => "policy-redirect",
    /// The policy URL answered with a status other than 200.
    PolicyHttpStatus => "policy-http-status",
    /// Bot protection (a CDN or WAF) answered the policy fetch with a challenge page.
    PolicyBotChallenge => "policy-bot-challenge",
    /// The policy is not served as `text/plain`.
    PolicyContentType => "policy-content-type",
    /// The policy body is over 64 KiB.
    PolicyTooLarge => "policy-too-large",
    /// The policy does not parse under strict rules.
    PolicyInvalid => "policy-invalid",
    /// The policy parses only under the lenient rules some senders use.
    PolicyLenientOnly => "policy-lenient-only",
    /// The policy has a key nobody reads (often a typo such as `nmx` or `max-age`).
    PolicyUnknownKey => "policy-unknown-key",
    /// A key given more than once.
    PolicyDuplicateKey => "policy-duplicate-key",
    /// A wildcard pattern broad enough to let many hosts qualify (RFC 8461 §10.4).
    PolicyWildcardBroad => "policy-wildcard-broad",
    /// The live policy differs from the planned one.
    PolicyDiffersFromPlan => "policy-differs-from-plan",
    /// `max_age` under one day.
    PolicyMaxAgeShort => "policy-max-age-short",
    /// `max_age` too long (over a year, or over two weeks while testing).
    PolicyMaxAgeLong => "policy-max-age-long",
    /// The policy is in testing mode.
    PolicyModeTesting => "policy-mode-testing",
    /// The policy is in mode none.
    PolicyModeNone => "policy-mode-none",
    /// The policy host's certificate expires soon.
    PolicyCertExpiring => "policy-cert-expiring",
    /// The domain has no MX records.
    MxMissing => "mx-missing",
    /// A DNS MX host no policy pattern matches.
    MxNotCovered => "mx-not-covered",
    /// A policy pattern that matches no DNS MX host.
    MxPatternUnused => "mx-pattern-unused",
    /// An MX host could not be reached on port 25.
    MxUnreachable => "mx-unreachable",
    /// An MX host does not offer STARTTLS.
    MxStarttlsMissing => "mx-starttls-missing",
    /// An MX certificate has expired (or is not yet valid).
    MxCertExpired => "mx-cert-expired",
    /// An MX certificate does not chain to a trusted root.
    MxCertUntrusted => "mx-cert-untrusted",
    /// An MX certificate does not name the MX host.
    MxCertNameMismatch => "mx-cert-name-mismatch",
    /// An MX certificate expires soon.
    MxCertExpiring => "mx-cert-expiring",
    /// An MX host negotiated TLS older than 1.2.
    MxTlsTooOld => "mx-tls-too-old",
    /// A live MX host that a policy senders may still hold in enforce does not list.
    MxNotCoveredByHeldPolicy => "mx-not-covered-by-held-policy",
    /// No secure TLSA record of an MX host matches the chain an address presented: DANE
    /// senders refuse this MX.
    DaneTlsaMismatch => "dane-tlsa-mismatch",
    /// TLSA records in a zone DNSSEC does not secure: DANE senders ignore them.
    DaneTlsaInsecure => "dane-tlsa-insecure",
    /// Secure TLSA records, but only with usages, selectors or matching types SMTP does not use.
    DaneTlsaUnusable => "dane-tlsa-unusable",
    /// The MX host's secure TLSA records match what every address presented.
    DaneValid => "dane-valid",
    /// The zone has DNSKEYs but the parent has no DS: nothing is validated.
    DnssecDsMissing => "dnssec-ds-missing",
    /// DNSSEC validation fails: senders treat the answers as failures and defer mail.
    DnssecBogus => "dnssec-bogus",
    /// The authoritative nameservers serve different records for a name MTA-STS reads.
    NsInconsistent => "ns-inconsistent",
    /// An authoritative nameserver gives no authoritative answer (lame or dead).
    NsUnreachable => "ns-unreachable",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Code::from_str_exact(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown finding code {s:?}")))
    }
}

/// One problem or observation, with what to do about it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Finding {
    /// Stable identifier.
    pub code: Code,
    /// How much it matters.
    pub severity: Severity,
    /// What it is about: a record name, a URL, `host:address`, a file.
    pub subject: String,
    /// What is wrong, in plain words.
    pub message: String,
    /// The concrete fix (may be empty for pure context).
    pub fix: String,
    /// 1-based line number in a policy file, where one applies.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub line: Option<usize>,
    /// The finding this one follows from, when it is a consequence rather than a fault of its
    /// own (a record a broken DNSSEC chain hides from validating resolvers): fixing that one
    /// fixes this one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub caused_by: Option<Code>,
}

impl Finding {
    /// A finding without a line number.
    pub fn new(
        code: Code,
        severity: Severity,
        subject: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Self {
            code,
            severity,
            subject: subject.into(),
            message: message.into(),
            fix: fix.into(),
            line: None,
            caused_by: None,
        }
    }

    /// Whether it is a fault of its own, not a consequence of another finding.
    pub fn is_root(&self) -> bool {
        self.caused_by.is_none()
    }

    /// The same finding pointing at a line.
    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }
}

/// The overall result for one domain: `fail` when any finding is an error, `warn` when any is
/// a warning, `pass` otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Nothing worse than information.
    Pass,
    /// At least one warning, no error.
    Warn,
    /// At least one error.
    Fail,
}

impl Verdict {
    /// The verdict a list of findings adds up to.
    pub fn of(findings: &[Finding]) -> Self {
        Self::from_worst(worst(findings))
    }

    /// The verdict for a worst severity (`None`: no findings at all).
    pub fn from_worst(worst: Option<Severity>) -> Self {
        match worst {
            Some(Severity::Error) => Verdict::Fail,
            Some(Severity::Warning) => Verdict::Warn,
            _ => Verdict::Pass,
        }
    }

    /// The lower-case word used in text and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Warn => "warn",
            Verdict::Fail => "fail",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The worst severity in a list, if any.
pub fn worst(findings: &[Finding]) -> Option<Severity> {
    findings.iter().map(|f| f.severity).max()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "duplicate {code}");
            assert_eq!(Code::from_str_exact(code.as_str()), Some(*code));
        }
        assert_eq!(Code::MxNotCovered.as_str(), "mx-not-covered");
    }

    #[test]
    fn worst_severity() {
        let f = |s| Finding::new(Code::PolicyModeTesting, s, "x", "y", "");
        assert_eq!(
            worst(&[f(Severity::Info), f(Severity::Error), f(Severity::Warning)]),
            Some(Severity::Error)
        );
        assert_eq!(worst(&[]), None);
        assert_eq!(Verdict::of(&[f(Severity::Info), f(Severity::Warning)]), Verdict::Warn);
        assert_eq!(Verdict::of(&[f(Severity::Error)]), Verdict::Fail);
        assert_eq!(Verdict::of(&[]), Verdict::Pass);
    }
}
