//! Gate items of the phases where a policy is live: testing, enforce, enforced, rollback.

use jiff::Timestamp;

use super::blocker::{Blocker, BlockerKind};
use super::checks::{failing, mx_tls, plan_live, policy_live, records};
use super::maintenance::{detect_drift, id_not_bumped, rollback_countdown, senders_meanwhile};
use super::model::DomainState;
use super::observe::{Observation, ReportTally};
use super::removal::removal_blockers;
use super::steps::publish_steps;
use super::testing::testing_progress;
use super::time::short_time;
use crate::finding::Code;
use crate::words::thousands;

/// MX drift and un-bumped ids.
fn drift_and_id(state: &DomainState, obs: &Observation) -> Vec<Blocker> {
    let mut out = Vec::new();
    if let Some(drift) = detect_drift(state, obs) {
        let mut meanwhile = senders_meanwhile(state, obs).join("; ");
        if !meanwhile.is_empty() {
            meanwhile = format!(". Meanwhile {meanwhile}");
        }
        out.push(Blocker::hard(
            BlockerKind::MxDrift,
            format!("the MX set changed: {}; advance to plan an updated policy{meanwhile}", drift.describe()),
        ));
    }
    if id_not_bumped(state, obs) {
        out.push(Blocker::hard(
            BlockerKind::IdNotBumped,
            format!(
                "the policy at {} changed but the _mta-sts id did not; senders keep the old one cached \
                 until a new id is published",
                state.domain.policy_url()
            ),
        ));
    }
    out
}

/// Testing → enforce: window complete, check passing, certificates good for 14 more days,
/// no TLS-RPT failures in the window.
pub(crate) fn testing(
    state: &DomainState,
    obs: &Observation,
    reports: Option<&ReportTally>,
    now: Timestamp,
) -> Vec<Blocker> {
    let mut out = plan_live(state, obs);
    out.extend(drift_and_id(state, obs));
    out.extend(failing(obs, &[]));
    out.extend(mx_tls(state, obs, now, true));
    if let Some(p) = testing_progress(state, now)
        && !p.complete
    {
        out.push(Blocker::soft(
            BlockerKind::WindowIncomplete,
            format!("testing {}: the window ends at {}", p.words(now), short_time(p.ends_at)),
        ));
    }
    out.extend(report_blocker(reports));
    out
}

/// The TLS-RPT item of the testing gate. Failures count from every report (a forger cannot
/// hide them); a clean window needs at least one authenticated report (a forger cannot fake
/// one): DKIM-signed by the reporting domain, or delivered to the https rua.
fn report_blocker(reports: Option<&ReportTally>) -> Option<Blocker> {
    let t = reports.filter(|t| t.reports > 0);
    match t {
        Some(t) if t.failed_sessions > 0 => {
            let types: Vec<String> =
                t.failures_by_type.iter().map(|(k, n)| format!("{k} ×{}", thousands(*n))).collect();
            let detail = if types.is_empty() { String::new() } else { format!(" ({})", types.join(", ")) };
            Some(Blocker::soft(
                BlockerKind::TlsRptFailures,
                format!(
                    "TLS-RPT reports show {} failed of {} sessions in the window{detail}; failures count \
                     from every report, authenticated or not",
                    thousands(t.failed_sessions),
                    thousands(t.failed_sessions.saturating_add(t.successful_sessions))
                ),
            ))
        }
        Some(t) if t.authenticated_reports == 0 => Some(Blocker::soft(
            BlockerKind::TlsRptUnauthenticated,
            format!(
                "{} TLS-RPT report{} in the window ({} successful sessions), none authenticated: \
                 successes count only from reports DKIM-signed by the reporting domain or delivered \
                 to the https rua (anyone can mail a rua address); import the original e-mails, not \
                 extracted .json files",
                t.reports,
                if t.reports == 1 { "" } else { "s" },
                thousands(t.successful_sessions)
            ),
        )),
        Some(_) => None,
        None => Some(Blocker::soft(
            BlockerKind::NoTlsRptReports,
            "no TLS-RPT reports seen yet: nothing confirms senders validate your MX hosts",
        )),
    }
}

/// Enforce → enforced: every publication step done and the check clean.
pub(crate) fn enforce(state: &DomainState, obs: &Observation) -> Vec<Blocker> {
    let mut out = Vec::new();
    let steps = publish_steps(state, Some(obs));
    if !steps[0].done && steps[2].done {
        out.push(Blocker::hard(
            BlockerKind::PolicyNotLive,
            "the new id is in DNS before the new policy is served: senders may cache the old \
             policy under it until its max_age ends; serve the new policy now",
        ));
    } else {
        out.extend(policy_live(state, obs));
    }
    out.extend(records(state, obs));
    out.extend(drift_and_id(state, obs));
    if steps.iter().all(|s| s.done) {
        out.extend(failing(obs, &[]));
    } else {
        out.extend(failing(obs, &[Code::StsIdNotBumped, Code::PolicyDiffersFromPlan]));
    }
    out
}

/// Enforced: stays healthy.
pub(crate) fn maintenance(state: &DomainState, obs: &Observation) -> Vec<Blocker> {
    let mut out = plan_live(state, obs);
    out.extend(drift_and_id(state, obs));
    out.extend(failing(obs, &[]));
    out
}

/// Rollback: the `mode: none` policy and its id are live and the countdown has ended.
pub(crate) fn rollback(state: &DomainState, obs: &Observation, now: Timestamp) -> Vec<Blocker> {
    if let Some(removing) = removal_blockers(state, obs, now) {
        return removing;
    }
    let mut out = policy_live(state, obs);
    out.extend(records(state, obs).into_iter().filter(|b| b.kind == BlockerKind::StsRecordNotLive));
    if out.is_empty() {
        match rollback_countdown(state, now) {
            Some(c) if c.complete => {}
            Some(c) => out.push(Blocker::hard(
                BlockerKind::RollbackWaiting,
                format!(
                    "senders may still cache an older policy: keep the records until {}",
                    short_time(c.removable_at)
                ),
            )),
            None => out.push(Blocker::hard(
                BlockerKind::RollbackWaiting,
                "the mode: none policy is live; record this check so the countdown can start",
            )),
        }
    }
    out
}
