//! Findings: the stable codes scripts match on, their severity, and the text shown to users.
//!
//! Lives at the crate root because both the pure RFC linting (`rfc`) and the live judgement
//! (`judge`) produce findings; `judge` re-exports it as the catalogue.

use std::fmt;

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
        Self { code, severity, subject: subject.into(), message: message.into(), fix: fix.into(), line: None }
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

/// At most this many findings of one code are kept for one domain (or one linted input).
pub const MAX_PER_CODE: usize = 20;
/// At most this many findings are kept for one domain (or one linted input), summaries
/// included.
pub const MAX_PER_DOMAIN: usize = 200;

/// Keeps findings within [`MAX_PER_CODE`] per code and [`MAX_PER_DOMAIN`] in all while they
/// are produced, so memory stays bounded for any input; [`FindingCap::finish`] adds one
/// "… and N more like this" finding per code that overflowed.
#[derive(Debug, Default, Clone)]
pub struct FindingCap {
    kept: std::collections::BTreeMap<Code, usize>,
    total: usize,
    dropped: std::collections::BTreeMap<Code, (Severity, String, u64)>,
}

impl FindingCap {
    /// Pushes `f` onto `out` unless its code (or the whole list) is at the cap; then counts it.
    pub fn push(&mut self, out: &mut Vec<Finding>, f: Finding) {
        let kept = self.kept.entry(f.code).or_default();
        if *kept < MAX_PER_CODE && self.total < MAX_PER_DOMAIN - Code::ALL.len() {
            *kept += 1;
            self.total += 1;
            out.push(f);
            return;
        }
        let entry = self.dropped.entry(f.code).or_insert((f.severity, f.subject, 0));
        entry.0 = entry.0.max(f.severity);
        entry.2 = entry.2.saturating_add(1);
    }

    /// Appends one summary finding per code that overflowed, with its worst severity.
    pub fn finish(self, out: &mut Vec<Finding>) {
        for (code, (severity, subject, n)) in self.dropped {
            out.push(Finding::new(
                code,
                severity,
                subject,
                format!("… and {} more like this", thousands(n)),
                "",
            ));
        }
    }
}

/// Caps a finished list (see [`FindingCap`]); order is kept, summaries come last.
pub fn cap_findings(findings: Vec<Finding>) -> Vec<Finding> {
    if findings.len() <= MAX_PER_CODE {
        return findings;
    }
    let mut cap = FindingCap::default();
    let mut out = Vec::new();
    for f in findings {
        if f.fix.is_empty() && f.message.starts_with("… and ") && f.message.ends_with(" more like this") {
            // A summary from an earlier cap: keep its count.
            let n = f.message[("… and ".len())..f.message.len() - " more like this".len()].replace(',', "");
            let entry = cap.dropped.entry(f.code).or_insert((f.severity, f.subject.clone(), 0));
            entry.2 = entry.2.saturating_add(n.parse().unwrap_or(0));
            continue;
        }
        cap.push(&mut out, f);
    }
    cap.finish(&mut out);
    out
}

/// `130811` → `130,811`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn findings_are_capped_per_code_with_a_count_of_the_rest() {
        let f = |code, i: usize| Finding::new(code, Severity::Error, "policy", format!("line {i}"), "fix");
        let mut many: Vec<Finding> = (0..130_811).map(|i| f(Code::PolicyInvalid, i)).collect();
        many.push(f(Code::PolicyUnknownKey, 0));
        let capped = cap_findings(many);
        assert_eq!(capped.len(), MAX_PER_CODE + 2);
        assert_eq!(capped.iter().filter(|x| x.code == Code::PolicyInvalid).count(), MAX_PER_CODE + 1);
        let last = capped.last().unwrap();
        assert_eq!(
            last.message,
            format!("… and {} more like this", thousands(130_811 - MAX_PER_CODE as u64))
        );
        assert_eq!(last.severity, Severity::Error);
        assert_eq!(thousands(130_791), "130,791");
        assert_eq!(cap_findings(capped.clone()), capped, "capping twice keeps the count");
    }

    #[test]
    fn findings_are_capped_per_domain() {
        let f = |code| Finding::new(code, Severity::Warning, "x", "y", "");
        let all: Vec<Finding> =
            Code::ALL.iter().flat_map(|c| (0..MAX_PER_CODE).map(move |_| f(*c))).collect();
        assert!(cap_findings(all).len() <= MAX_PER_DOMAIN);
    }

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
