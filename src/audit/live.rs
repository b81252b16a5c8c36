//! Facts only a live check has (the rollout state does not keep them): the policy host's
//! certificate and whether the `_mta-sts` answer is DNSSEC-validated. `mtasts report --check`
//! probes and adds them to the report.

use jiff::Timestamp;

use super::{AuditReport, CertView, DomainAudit};
use mtasts_core::evidence::{CertVerdict, Evidence, Lookup};

/// What a live check adds to a domain's section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveFacts {
    /// The policy host's certificate, as a row of the certificate table.
    pub policy_cert: Option<CertView>,
    /// DNSSEC and DANE in words.
    pub dnssec_dane: String,
}

/// The facts in one domain's evidence, judged at `now`.
pub fn live_facts(ev: &Evidence, now: Timestamp) -> LiveFacts {
    let policy_cert = ev.policy.cert.as_ref().map(|c| CertView {
        host: ev.policy_host.clone(),
        role: "policy host",
        starttls_ok: None,
        trusted: !matches!(
            c.verdict,
            CertVerdict::UnknownIssuer | CertVerdict::SelfSigned | CertVerdict::Other
        ),
        name_ok: c.verdict != CertVerdict::NameMismatch,
        not_after: c.not_after,
        days_left: c.not_after.map(|t| super::build::days_between(now, t)),
    });
    let dnssec = match ev.sts_dnssec {
        Lookup::Found(true) => "the _mta-sts answer is DNSSEC-validated",
        Lookup::Found(false) => "the _mta-sts answer is not DNSSEC-validated (the zone is unsigned)",
        _ => "DNSSEC status unknown (the validating lookup failed)",
    };
    LiveFacts {
        policy_cert,
        dnssec_dane: format!(
            "{dnssec} (checked {}); DANE (TLSA) records are not checked by this version",
            now.strftime("%Y-%m-%d %H:%M UTC")
        ),
    }
}

/// Adds live facts to the domain's section (domains without facts are left as they are).
pub fn add_live(report: &mut AuditReport, domain: &str, facts: LiveFacts) {
    if let Some(d) = report.domains.iter_mut().find(|d| d.domain == domain) {
        apply(d, facts);
    }
}

fn apply(d: &mut DomainAudit, facts: LiveFacts) {
    d.certificates.retain(|c| c.role != "policy host");
    d.certificates.extend(facts.policy_cert);
    d.dnssec_dane = facts.dnssec_dane;
}
