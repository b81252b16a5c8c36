//! Certificate verdicts turned into words: shared by the policy host and MX checks.

use crate::evidence::{CertEvidence, CertVerdict};

/// What is wrong with a certificate, from a strict sender's point of view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CertProblem {
    /// Past notAfter or before notBefore.
    Expired,
    /// Does not chain to a trusted root (includes self-signed).
    Untrusted,
    /// Not valid for the host name.
    NameMismatch,
}

/// The problem a verdict amounts to; `None` when senders accept the certificate.
pub(crate) fn problem(verdict: CertVerdict) -> Option<CertProblem> {
    match verdict {
        CertVerdict::Trusted | CertVerdict::TrustedViaExtraAnchor => None,
        CertVerdict::Expired | CertVerdict::NotYetValid => Some(CertProblem::Expired),
        CertVerdict::NameMismatch => Some(CertProblem::NameMismatch),
        CertVerdict::UnknownIssuer | CertVerdict::SelfSigned | CertVerdict::Other => {
            Some(CertProblem::Untrusted)
        }
    }
}

/// A short phrase for the sender's view: "certificate expired".
pub(crate) fn short_reason(verdict: CertVerdict) -> &'static str {
    match verdict {
        CertVerdict::Trusted | CertVerdict::TrustedViaExtraAnchor => "certificate trusted",
        CertVerdict::Expired => "certificate expired",
        CertVerdict::NotYetValid => "certificate not yet valid",
        CertVerdict::NameMismatch => "certificate name mismatch",
        CertVerdict::UnknownIssuer => "certificate from an unknown issuer",
        CertVerdict::SelfSigned => "self-signed certificate",
        CertVerdict::Other => "certificate rejected",
    }
}

/// A full sentence on why the certificate is rejected for `host`. The verifier's own words
/// are added only where ours name no reason: for the rest they repeat it, in UNIX seconds.
pub(crate) fn explain(cert: &CertEvidence, host: &str) -> String {
    let detail = match (cert.verdict, cert.detail.as_deref()) {
        (CertVerdict::Other, Some(d)) => format!(" (verifier: {d})"),
        _ => String::new(),
    };
    let why = match cert.verdict {
        CertVerdict::Trusted | CertVerdict::TrustedViaExtraAnchor => {
            return format!("the certificate is valid for {host}");
        }
        CertVerdict::Expired => format!("the certificate expired{}", at(cert.not_after)),
        CertVerdict::NotYetValid => format!("the certificate is not valid yet{}", from(cert.not_before)),
        CertVerdict::NameMismatch => {
            format!("the certificate is not valid for {host}: it names {}", sans(cert))
        }
        CertVerdict::UnknownIssuer => format!(
            "the certificate does not chain to a trusted root (issuer: {})",
            cert.issuer.as_deref().unwrap_or("unknown")
        ),
        CertVerdict::SelfSigned => "the certificate is self-signed".to_owned(),
        CertVerdict::Other => "the certificate was rejected".to_owned(),
    };
    format!("{why}{detail}")
}

/// The fix for a rejected certificate on `host`.
pub(crate) fn fix(verdict: CertVerdict, host: &str) -> String {
    if verdict == CertVerdict::NotYetValid {
        return format!(
            "install a certificate for {host} that is valid now (check the issuing system's clock)"
        );
    }
    let Some(problem) = problem(verdict) else {
        return String::new();
    };
    match problem {
        CertProblem::Expired => {
            format!("renew the certificate of {host} (and automate renewal, e.g. with an ACME client)")
        }
        CertProblem::Untrusted => format!(
            "install a certificate for {host} from a public CA (e.g. Let's Encrypt), with its full \
             intermediate chain"
        ),
        CertProblem::NameMismatch => {
            format!("install a certificate whose subjectAltName includes {host}")
        }
    }
}

/// The DNS names the certificate carries, for messages.
pub(crate) fn sans(cert: &CertEvidence) -> String {
    if cert.sans.is_empty() { "no DNS names (no subjectAltName)".to_owned() } else { cert.sans.join(", ") }
}

/// Days until `not_after` when the certificate is accepted and expires within `days`.
pub(crate) fn expiring_within(cert: &CertEvidence, now: jiff::Timestamp, days: i64) -> Option<i64> {
    if problem(cert.verdict).is_some() {
        return None;
    }
    let at = cert.not_after?;
    let left = crate::words::days_between(now, at);
    (at > now && left < days).then_some(left)
}

/// "in 3 days (2026-12-08)", "today (2026-12-05)": when an expiring certificate expires, in
/// calendar days; `days` (from [`expiring_within`]) when its end is unknown.
pub(crate) fn expiry_words(cert: &CertEvidence, now: jiff::Timestamp, days: i64) -> String {
    match cert.not_after {
        Some(t) => format!("{} ({})", crate::words::relative_day(now, t), t.strftime("%Y-%m-%d")),
        None => format!("within {}", crate::words::count(days.unsigned_abs(), "day")),
    }
}

fn at(t: Option<jiff::Timestamp>) -> String {
    t.map(|t| format!(" on {}", t.strftime("%Y-%m-%d %H:%M UTC"))).unwrap_or_default()
}

fn from(t: Option<jiff::Timestamp>) -> String {
    t.map(|t| format!(" (valid from {})", t.strftime("%Y-%m-%d %H:%M UTC"))).unwrap_or_default()
}
