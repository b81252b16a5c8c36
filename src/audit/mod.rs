//! The evidence report for auditors: one document per set of tracked domains with the current
//! records and policy, the phase timeline, the check history, every acknowledgement, the
//! TLS-RPT reports over the period and the certificates, as data ([`AuditReport`], also the
//! `--json` output) and as one self-contained HTML page ([`render_html`]).
//!
//! Pure: it is handed the state, the imported reports and `now`; writing the file is the
//! caller's job (`ops::audit`).

mod build;
mod chart;
mod html;
mod html_parts;
mod live;

use jiff::Timestamp;
use serde::Serialize;

use mtasts_core::finding::Verdict;
use mtasts_core::rollout::{CheckRecord, Phase, PublishedId};

pub use build::{build, domain_audit};
pub use html::render_html;
pub use live::{LiveFacts, add_live, live_facts};

/// The whole report: a summary row per domain, then each domain in full.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditReport {
    /// When the report was generated.
    pub generated_at: Timestamp,
    /// The mtasts version that generated it.
    pub generator: String,
    /// One row per domain, in the order of `domains`.
    pub summary: Vec<SummaryRow>,
    /// Each domain in full.
    pub domains: Vec<DomainAudit>,
}

/// One line of the multi-domain summary table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SummaryRow {
    /// The domain.
    pub domain: String,
    /// Current phase.
    pub phase: Phase,
    /// Planned policy mode.
    pub mode: String,
    /// When testing first started.
    pub testing_started: Option<Timestamp>,
    /// When enforce was first reached.
    pub enforced: Option<Timestamp>,
    /// The latest check's verdict.
    pub last_verdict: Option<Verdict>,
    /// TLS-RPT reports received.
    pub reports: u32,
    /// TLS sessions those reports count.
    pub sessions: u64,
    /// Failed sessions among them.
    pub failed_sessions: u64,
}

/// Everything the report says about one domain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainAudit {
    /// The domain (A-labels).
    pub domain: String,
    /// Current phase.
    pub phase: Phase,
    /// The intended records and policy.
    pub plan: PlanView,
    /// What the latest check saw live, if a check was recorded.
    pub live: Option<LiveView>,
    /// The dated milestones.
    pub milestones: Milestones,
    /// Every phase change, id publication and acknowledgement, oldest first.
    pub timeline: Vec<TimelineEvent>,
    /// The recorded checks, oldest first.
    pub checks: Vec<CheckRecord>,
    /// Every id seen live, with the policy mode and max_age it was published with.
    pub published: Vec<PublishedId>,
    /// Gate overrides with their reasons.
    pub acknowledgements: Vec<AckView>,
    /// TLS-RPT over every imported report for the domain (`None`: no report yet).
    pub tlsrpt: Option<TlsRptView>,
    /// Certificate expiry per MX host (from the latest check) and, with `--check`, of the
    /// policy host.
    pub certificates: Vec<CertView>,
    /// What is known about DNSSEC and DANE, in words.
    pub dnssec_dane: String,
}

/// The plan: policy, records and how the policy is served.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlanView {
    /// Policy mode.
    pub mode: String,
    /// Policy max_age in seconds.
    pub max_age: u32,
    /// Policy mx patterns.
    pub mx: Vec<String>,
    /// The `_mta-sts` id.
    pub id: String,
    /// The `_mta-sts` TXT record name and value.
    pub sts_record: (String, String),
    /// The `_smtp._tls` TXT record name and value.
    pub tlsrpt_record: (String, String),
    /// The policy URL.
    pub policy_url: String,
    /// The policy body (CRLF line ends).
    pub policy_body: String,
    /// How the policy is served, when chosen.
    pub hosting: Option<String>,
}

/// What the latest recorded check saw.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LiveView {
    /// When it ran.
    pub checked_at: Timestamp,
    /// Its verdict.
    pub verdict: Verdict,
    /// The live `_mta-sts` id.
    pub sts_id: Option<String>,
    /// The live `rua` URIs.
    pub tlsrpt_rua: Option<Vec<String>>,
    /// The live policy body.
    pub policy_body: Option<String>,
    /// The MX hosts in DNS.
    pub mx: Option<Vec<String>>,
    /// Codes of its error findings.
    pub errors: Vec<String>,
    /// Codes of its warning findings.
    pub warnings: Vec<String>,
}

/// The dates an auditor asks for first.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Milestones {
    /// When tracking started (the first recorded transition).
    pub tracking_started: Option<Timestamp>,
    /// When `mode: testing` first started.
    pub testing_started: Option<Timestamp>,
    /// When `mode: enforce` was first live.
    pub enforced: Option<Timestamp>,
    /// Every time a rollback was planned.
    pub rollbacks: Vec<Timestamp>,
}

/// One dated entry of the timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEvent {
    /// When.
    pub at: Timestamp,
    /// `phase`, `published` or `acknowledged`.
    pub kind: &'static str,
    /// What happened, in words.
    pub what: String,
}

/// An acknowledged gate override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AckView {
    /// When.
    pub at: Timestamp,
    /// The phase whose gate was overridden.
    pub phase: Phase,
    /// The blockers overridden.
    pub overridden: Vec<String>,
    /// The reason given.
    pub reason: String,
}

/// TLS-RPT numbers for the domain.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TlsRptView {
    /// The summary over every imported report.
    pub summary: mtasts_reports::DomainSummary,
    /// Failures per receiving MX and result type, most sessions first, each with its fix.
    pub failures: Vec<FailureView>,
    /// How the reports are authenticated, in words.
    pub authentication: String,
}

/// Failed sessions of one result type at one MX, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FailureView {
    /// The receiving MX (`unknown` when the reports did not say).
    pub mx: String,
    /// The result type (RFC 8460 §4.3).
    pub result_type: String,
    /// Receiving IPs, failure-reason-codes and sending MTAs the reports gave, in words.
    pub details: Option<String>,
    /// Failed sessions.
    pub sessions: u64,
    /// The fix.
    pub fix: String,
}

/// A certificate seen by the latest check (MX hosts), or by `report --check` (the policy host).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertView {
    /// The host presenting it.
    pub host: String,
    /// `mx` or `policy host`.
    pub role: &'static str,
    /// STARTTLS completed (`None` for the policy host, which speaks HTTPS).
    pub starttls_ok: Option<bool>,
    /// Chains to a trusted root.
    pub trusted: bool,
    /// Names the host.
    pub name_ok: bool,
    /// Its expiry.
    pub not_after: Option<Timestamp>,
    /// Whole days from the report's time to expiry (negative: expired).
    pub days_left: Option<i64>,
}
