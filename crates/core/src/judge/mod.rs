//! Pure judgement: [`Evidence`] → findings, the way a strict sending MTA sees the domain.
//!
//! One function per check family: [`records`](self) (the TXT records and DNSSEC), policy
//! (host, certificate, HTTP, body), mx (the MX set against the policy and each SMTP probe),
//! plan (the live state against a tracked plan). Severity follows DESIGN.md §3: whatever an
//! enforcing sender would refuse is an error even in testing mode (it would bounce after the
//! switch), and so is whatever makes senders ignore MTA-STS; delivery-neutral problems are
//! warnings; context is information.

mod bogus;
mod cdn;
pub mod curl;
pub mod dane;
pub mod dnssec;
pub mod dnssec_step;
mod held;
mod mx;
mod mx_probe;
pub mod ns;
mod plan;
mod policy;
pub mod reach;
mod records;
pub mod starttls;
mod tls;
mod view;

/// Hand-made evidence for tests (this crate's, and other crates' with the `fixtures` feature).
#[cfg(any(test, feature = "fixtures"))]
#[allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]
pub mod fixtures;
#[cfg(test)]
mod tests_bogus;
#[cfg(test)]
mod tests_dane;
#[cfg(test)]
mod tests_held;
#[cfg(test)]
mod tests_mx;
#[cfg(test)]
mod tests_policy;
#[cfg(test)]
mod tests_records;
#[cfg(test)]
mod tests_view;

pub use crate::finding::{Code, Finding, Severity, Verdict};
pub use bogus::PRIVATE_ROOT;
pub use records::rua_several;

use crate::evidence::{CertVerdict, Evidence, Lookup};
use crate::rfc::{Mode, Policy, PolicyId, Selection, TlsRptRecord, select};

/// Days before expiry from which a certificate is reported as expiring.
pub const DEFAULT_EXPIRY_WARNING_DAYS: i64 = 14;

/// The tracked plan for a domain, when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanContext {
    /// The intended policy.
    pub policy: Policy,
    /// The id the plan publishes.
    pub id: PolicyId,
    /// Every id published so far with the SHA-256 (lower-case hex, see [`Policy::sha256_hex`]) of the
    /// canonical policy body it was published with.
    pub published: Vec<(PolicyId, String)>,
    /// The policy versions senders may still hold (from the rollout's sender-cache model).
    pub held: Vec<HeldPolicy>,
    /// The length of the rollout's testing window, in days.
    pub window_days: u32,
}

/// A policy version senders may still hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldPolicy {
    /// Its id.
    pub id: PolicyId,
    /// The policy.
    pub policy: Policy,
    /// SHA-256 (hex) of its canonical body.
    pub sha256: String,
    /// Until when senders may hold it; `None` for the version live at the previous check
    /// (held for its `max_age` from now if it is no longer live).
    pub until: Option<jiff::Timestamp>,
}

/// Everything the judge needs besides the evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JudgeContext {
    /// The time certificates are judged at.
    pub now: jiff::Timestamp,
    /// Certificates expiring within this many days are reported.
    pub expiry_warning_days: i64,
    /// The tracked plan, if any.
    pub plan: Option<PlanContext>,
}

impl JudgeContext {
    /// A context at `now` with the default expiry window and no plan.
    pub fn new(now: jiff::Timestamp) -> Self {
        Self { now, expiry_warning_days: DEFAULT_EXPIRY_WARNING_DAYS, plan: None }
    }
}

/// The judgement of one domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    /// Every finding: errors first, then warnings, then information.
    pub findings: Vec<Finding>,
    /// The overall verdict.
    pub verdict: Verdict,
    /// The mode of the live policy, when one could be parsed.
    pub policy_mode: Option<Mode>,
    /// One line: what a strict sender would do right now.
    pub senders_view: String,
    /// Remarks that are not findings (e.g. certificates trusted only via `--ca-file`).
    pub notes: Vec<String>,
}

/// Judges the evidence for one domain.
pub fn judge(ev: &Evidence, ctx: &JudgeContext) -> Judgement {
    let served = policy::served(&ev.policy);
    let (sts, mut findings) = records::sts(ev, served);
    findings.extend(records::reporting(ev));
    let pol = policy::check(ev, ctx, &sts);
    findings.extend(pol.findings.iter().cloned());
    let mx = mx::check(ev, ctx, pol.parsed.as_ref());
    findings.extend(mx.findings.iter().cloned());
    let mut notes = extra_anchor_note(ev);
    notes.extend(provider_note(ev));
    if let Some(plan) = &ctx.plan {
        findings.extend(plan::check(ev, plan, pol.parsed.as_ref(), &sts));
        let live_id = match &sts {
            records::StsState::Valid(r) => Some(&r.id),
            _ => None,
        };
        let (held, held_notes) = held::check(ev, plan, pol.parsed.as_ref(), live_id, ctx.now);
        findings.extend(held);
        notes.extend(held_notes);
    }
    findings.extend(dane::check(ev));
    findings.extend(dnssec::check(ev));
    if findings.iter().any(|f| f.code == Code::DnssecBogus && f.subject == ev.domain.as_str()) {
        bogus::mark_consequences(ev, &mut findings);
    }
    findings.extend(ns::check(ev));
    dane::annotate_expiry(ev, &mut findings);
    if dnssec::validated(ev) {
        findings.retain(|f| f.code != Code::DnssecUnsigned);
    }
    let mut findings = crate::finding::cap_findings(findings);
    // Worst first; within a severity, a fault before the findings that follow from it.
    findings.sort_by_key(|f| (std::cmp::Reverse(f.severity), !f.is_root()));
    let tlsrpt = ev
        .tlsrpt_record
        .records
        .found()
        .is_some_and(|a| matches!(select::<TlsRptRecord>(a), Selection::One { .. }));
    let policy_mode = pol.parsed.as_ref().map(|p| p.mode);
    let senders_view = view::senders_view(&view::ViewInput {
        domain: ev.domain.as_str(),
        record_name: &ev.sts_record.name,
        sts: &sts,
        policy_served: served,
        unusable: pol.unusable.as_deref(),
        mode: policy_mode,
        hosts: &mx.hosts,
        null_mx: mx.null_mx,
        tlsrpt,
        mx_failed: mx_failure(ev),
        dane: dane::senders_note(ev),
    });
    Judgement { verdict: Verdict::of(&findings), findings, policy_mode, senders_view, notes }
}

/// Why senders cannot look the MX up, when the resolver answered SERVFAIL.
fn mx_failure(ev: &Evidence) -> Option<&'static str> {
    if ev.mx != Lookup::ServFail {
        return None;
    }
    let bogus = ev.dnssec_chain.as_ref().is_some_and(|c| c.validation == crate::evidence::DnssecProof::Bogus);
    Some(if bogus { "SERVFAIL: DNSSEC validation fails" } else { "SERVFAIL" })
}

/// Names the mail provider when the MX hosts are a known provider's, with the policy lines it
/// documents.
fn provider_note(ev: &Evidence) -> Option<String> {
    let hosts: Vec<crate::rfc::DomainName> =
        ev.mx.found()?.iter().filter_map(|m| crate::rfc::DomainName::parse(&m.host).ok()).collect();
    crate::providers::propose(&hosts).map(|p| p.describe())
}

/// One note naming every certificate trusted only through the extra anchors.
fn extra_anchor_note(ev: &Evidence) -> Vec<String> {
    let mut via: Vec<String> = Vec::new();
    if ev.policy.cert.as_ref().is_some_and(|c| c.verdict == CertVerdict::TrustedViaExtraAnchor) {
        via.push(ev.policy_host.clone());
    }
    let listed = match &ev.mx {
        Lookup::Found(list) => list.iter().collect::<Vec<_>>(),
        _ => ev.implicit_mx.iter().collect(),
    };
    for probe in listed.iter().flat_map(|m| &m.probes) {
        if probe.tls.as_ref().is_some_and(|t| t.cert.verdict == CertVerdict::TrustedViaExtraAnchor) {
            via.push(mx_probe::subject(probe));
        }
    }
    if via.is_empty() {
        return Vec::new();
    }
    vec![format!(
        "trusted only via the extra trust anchor from --ca-file (public senders would not trust them): {}",
        via.join(", ")
    )]
}
