//! Gates: what must hold before a domain moves to the next phase, as plain-word blockers.

use jiff::Timestamp;

use super::action::next_action;
use super::blocker::{Blocker, BlockerKind};
use super::emergency::emergency;
use super::model::DomainState;
use super::next::Next;
use super::observe::{Observation, ReportTally};
use super::phase::Phase;
use super::settle::ns_settled;
use super::{checks, live, testers};
use crate::finding::Code;

/// The state of the current phase's gate.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Gate {
    /// The phase the gate belongs to.
    pub phase: Phase,
    /// No blockers: the domain may advance (for `enforced`: healthy; for `rollback`: the
    /// records may be removed).
    pub passed: bool,
    /// What stands in the way.
    pub blockers: Vec<Blocker>,
    /// The next thing to do, with the exact record or policy to publish, as the CLI says it
    /// (verbs as commands).
    pub next_action: String,
    /// The same with its verbs typed, for the wizard to name its keys.
    #[serde(skip)]
    pub next: Next,
}

/// Evaluates the current phase's gate against the latest check and the TLS-RPT summary.
pub fn evaluate(
    state: &DomainState,
    obs: Option<&Observation>,
    reports: Option<&ReportTally>,
    now: Timestamp,
) -> Gate {
    let blockers = match obs {
        None => vec![Blocker::hard(
            BlockerKind::NoCheck,
            format!("no live check of {} has been run yet", state.domain),
        )],
        Some(obs) => phase_blockers(state, obs, reports, now),
    };
    let next = next_action(state, obs, &blockers, now);
    Gate {
        phase: state.phase,
        passed: blockers.is_empty(),
        next_action: next.cli(&state.domain),
        next,
        blockers,
    }
}

fn phase_blockers(
    state: &DomainState,
    obs: &Observation,
    reports: Option<&ReportTally>,
    now: Timestamp,
) -> Vec<Blocker> {
    let mut out = checks::stale(obs, now);
    let refused = emergency(state, obs, now);
    match state.phase {
        Phase::Preflight => out.extend(checks::preflight(state, obs, now)),
        Phase::Records => out.extend(checks::records(state, obs)),
        Phase::Hosting => {
            out.extend(checks::records(state, obs));
            out.extend(checks::hosting(state, obs));
        }
        Phase::Validation => {
            out.extend(checks::plan_live(state, obs));
            out.extend(checks::failing(obs, &[]));
        }
        Phase::Testing => {
            out.extend(live::testing(state, obs, reports, now));
            out.extend(testers::blocker(state));
        }
        Phase::Enforce => out.extend(live::enforce(state, obs)),
        Phase::Enforced => out.extend(live::maintenance(state, obs)),
        Phase::Rollback => out.extend(live::rollback(state, obs, now)),
    }
    if matches!(state.phase, Phase::Records | Phase::Hosting | Phase::Enforce | Phase::Rollback) {
        out.extend(ns_lagging(state, obs, now));
    }
    if let Some(e) = refused {
        // One hard blocker names every refused host and why, in every phase (never a judgement
        // call to acknowledge): the per-host items it replaces would only repeat it.
        out.retain(|b| !REFUSALS.contains(&b.kind));
        out.insert(0, Blocker::hard(BlockerKind::DeliveryRefused, e.message()));
    }
    out
}

/// The per-host blockers a [`BlockerKind::DeliveryRefused`] blocker stands for.
const REFUSALS: [BlockerKind; 5] = [
    BlockerKind::MxNotCovered,
    BlockerKind::MxStarttlsMissing,
    BlockerKind::MxCertUntrusted,
    BlockerKind::MxCertNameMismatch,
    BlockerKind::MxCertExpired,
];

/// The gates that depend on a newly published id wait until every authoritative nameserver
/// serves the same records (`ns-inconsistent` names which one lags) and then for the previous
/// `_mta-sts` record's TTL.
fn ns_lagging(state: &DomainState, obs: &Observation, now: Timestamp) -> Option<Blocker> {
    if obs.warning_codes.contains(&Code::NsInconsistent) {
        return Some(Blocker::hard(
            BlockerKind::NsLagging,
            "not every authoritative nameserver serves the new records yet (see ns-inconsistent in \
             `mtasts check`); wait until each one does, then for the previous record's TTL",
        ));
    }
    // A record not live at all is another blocker's to name.
    if obs.sts_id.as_ref() != Some(&state.plan.id) {
        return None;
    }
    ns_settled(state, obs, &state.plan.id, now).err().map(|m| Blocker::hard(BlockerKind::NsLagging, m))
}
