//! State + reports + now → [`AuditReport`].

use jiff::Timestamp;

use super::{
    AckView, AuditReport, CertView, DomainAudit, FailureView, LiveView, Milestones, PlanView, SummaryRow,
    TimelineEvent, TlsRptView,
};
use mtasts_core::rfc::{StsRecord, TlsRptRecord};
use mtasts_core::rollout::{DomainState, Phase};
use mtasts_reports::{ReportEntry, summarize_entries, words};

/// The report for `states` (in the order given) from the report index's entries (each report
/// counted once, by its worst copy).
pub fn build(states: &[DomainState], reports: &[ReportEntry], now: Timestamp) -> AuditReport {
    let domains: Vec<DomainAudit> = states.iter().map(|s| domain_audit(s, reports, now)).collect();
    AuditReport {
        generated_at: now,
        generator: concat!("mtasts ", env!("CARGO_PKG_VERSION")).to_owned(),
        summary: domains.iter().map(summary_row).collect(),
        domains,
    }
}

fn summary_row(d: &DomainAudit) -> SummaryRow {
    let t = d.tlsrpt.as_ref().map(|t| &t.summary);
    SummaryRow {
        domain: d.domain.clone(),
        phase: d.phase,
        mode: d.plan.mode.clone(),
        testing_started: d.milestones.testing_started,
        enforced: d.milestones.enforced,
        last_verdict: d.checks.last().map(|c| c.verdict),
        reports: t.map_or(0, |s| s.reports),
        sessions: t.map_or(0, |s| s.counts.total()),
        failed_sessions: t.map_or(0, |s| s.counts.failed),
    }
}

/// The report section for one domain.
pub fn domain_audit(state: &DomainState, reports: &[ReportEntry], now: Timestamp) -> DomainAudit {
    let domain = state.domain.as_str().to_owned();
    let first = |phase: Phase| state.transitions.iter().find(|t| t.phase == phase).map(|t| t.at);
    let milestones = Milestones {
        tracking_started: state.transitions.first().map(|t| t.at),
        testing_started: first(Phase::Testing),
        enforced: first(Phase::Enforced),
        rollbacks: state.transitions.iter().filter(|t| t.phase == Phase::Rollback).map(|t| t.at).collect(),
    };
    DomainAudit {
        phase: state.phase,
        plan: plan_view(state),
        live: state.last_observation.as_ref().map(|o| LiveView {
            checked_at: o.at,
            verdict: o.verdict,
            sts_id: o.sts_id.as_ref().map(|i| i.as_str().to_owned()),
            tlsrpt_rua: o.tlsrpt_rua.as_ref().map(|r| r.iter().map(|u| u.as_str().to_owned()).collect()),
            policy_body: o.live_policy.as_ref().map(|p| p.render()),
            mx: o.live_mx.as_ref().map(|m| m.iter().map(|h| h.as_str().to_owned()).collect()),
            errors: o.error_codes.iter().map(|c| c.as_str().to_owned()).collect(),
            warnings: o.warning_codes.iter().map(|c| c.as_str().to_owned()).collect(),
        }),
        timeline: timeline(state),
        milestones,
        checks: state.checks.clone(),
        published: state.published.clone(),
        acknowledgements: state
            .acks
            .iter()
            .map(|a| AckView {
                at: a.at,
                phase: a.phase,
                overridden: kinds(&a.overridden),
                reason: a.text.clone(),
            })
            .collect(),
        tlsrpt: tlsrpt(reports, &domain),
        certificates: certificates(state, now),
        dnssec_dane: "DNSSEC and the policy host's certificate are not kept in the rollout state: \
                      `mtasts report --check` checks them live and adds them here"
            .to_owned(),
        domain,
    }
}

fn plan_view(state: &DomainState) -> PlanView {
    let plan = &state.plan;
    let d = &state.domain;
    PlanView {
        mode: plan.mode.to_string(),
        max_age: plan.max_age,
        mx: plan.mx.iter().map(ToString::to_string).collect(),
        id: plan.id.as_str().to_owned(),
        sts_record: (d.child("_mta-sts"), StsRecord::new(plan.id.clone()).render()),
        tlsrpt_record: (d.child("_smtp._tls"), TlsRptRecord::new(plan.rua.clone()).render()),
        policy_url: d.policy_url(),
        policy_body: plan.policy().render(),
        hosting: plan.hosting.and_then(|h| kinds(&[h]).pop()),
    }
}

/// Serde enums (blocker kinds, hosting paths) as their kebab-case names.
fn kinds<T: serde::Serialize>(list: &[T]) -> Vec<String> {
    list.iter()
        .filter_map(|k| serde_json::to_value(k).ok().and_then(|v| v.as_str().map(str::to_owned)))
        .collect()
}

fn timeline(state: &DomainState) -> Vec<TimelineEvent> {
    let mut events: Vec<TimelineEvent> = state
        .transitions
        .iter()
        .map(|t| TimelineEvent { at: t.at, kind: "phase", what: format!("entered {}", t.phase) })
        .collect();
    events.extend(state.published.iter().map(|p| TimelineEvent {
        at: p.at,
        kind: "published",
        what: format!("id {} live (mode {}, max_age {})", p.id.as_str(), p.mode, p.max_age),
    }));
    events.extend(state.acks.iter().map(|a| TimelineEvent {
        at: a.at,
        kind: "acknowledged",
        what: format!("{} gate overridden: {}", a.phase, a.text),
    }));
    events.sort_by_key(|e| e.at);
    events
}

fn tlsrpt(reports: &[ReportEntry], domain: &str) -> Option<TlsRptView> {
    let (summary, _) = summarize_entries(reports, Some(domain), None).into_iter().next()?;
    let failures: Vec<FailureView> = words::worst_first(&summary.counts.failures)
        .into_iter()
        .map(|f| FailureView {
            mx: f.mx.clone(),
            result_type: f.result_type.clone(),
            details: words::pair_details(f),
            sessions: f.sessions,
            fix: words::pair_fix(f, domain),
        })
        .collect();
    let authentication = words::auth_line(&summary.auth, summary.reports);
    Some(TlsRptView { summary, failures, authentication })
}

fn certificates(state: &DomainState, now: Timestamp) -> Vec<CertView> {
    let Some(obs) = &state.last_observation else { return Vec::new() };
    obs.mx_results
        .iter()
        .map(|r| CertView {
            host: r.host.as_str().to_owned(),
            role: "mx",
            starttls_ok: Some(r.starttls_ok),
            trusted: r.cert_trusted,
            name_ok: r.name_ok,
            not_after: r.not_after,
            days_left: r.not_after.map(|t| days_between(now, t)),
        })
        .collect()
}

/// Whole days from `now` to `then` (negative when `then` is past).
pub(super) fn days_between(now: Timestamp, then: Timestamp) -> i64 {
    then.as_second().saturating_sub(now.as_second()).div_euclid(86_400)
}
