//! Moving a domain through its phases, and adopting one that already publishes MTA-STS.

use jiff::Timestamp;

use super::blocker::{Blocker, BlockerKind};
use super::gate::evaluate;
use super::maintenance::{apply_drift_transition, detect_drift, id_not_bumped};
use super::model::{
    Ack, DEFAULT_WINDOW_DAYS, DomainState, ENFORCE_MAX_AGE, Plan, TESTING_MAX_AGE, Transition,
};
use super::observe::{Observation, ReportTally};
use super::phase::Phase;
use super::settle::adopted;
use super::state::{bump_id, enter, note_plan_live, replan};
use crate::rfc::{DomainName, Mode, MxPattern, Policy, PolicyId, RuaUri};

/// Why a domain cannot advance.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{domain} cannot leave {phase}: {}", join(.blockers))]
pub struct Blocked {
    /// The domain.
    pub domain: DomainName,
    /// Its phase.
    pub phase: Phase,
    /// What stands in the way.
    pub blockers: Vec<Blocker>,
}

impl Blocked {
    /// Whether an acknowledgement would let the domain advance (every blocker overridable).
    pub fn overridable(&self) -> bool {
        !self.blockers.is_empty() && self.blockers.iter().all(|b| b.overridable)
    }
}

fn join(blockers: &[Blocker]) -> String {
    blockers.iter().map(|b| b.message.as_str()).collect::<Vec<_>>().join("; ")
}

/// Moves the domain on when its gate passes. Blockers that are judgement calls (see
/// [`Blocker::overridable`]) may be overridden by a non-empty `ack`, which is recorded with
/// the time, the phase and the kinds it overrode. Maintenance comes first: MX drift plans an
/// updated policy and returns to testing; an un-bumped id gets a new id in place (the
/// returned transition then names the current phase and is not added to the history).
pub fn advance(
    state: DomainState,
    obs: Option<&Observation>,
    reports: Option<&ReportTally>,
    ack: Option<String>,
    now: Timestamp,
) -> Result<(DomainState, Transition), Blocked> {
    if let Some(obs) = obs {
        if matches!(state.phase, Phase::Testing | Phase::Enforce | Phase::Enforced)
            && detect_drift(&state, obs).is_some()
            && let Some(live) = &obs.live_mx
            && let (s, Some(t)) = apply_drift_transition(state.clone(), live, now)
        {
            return Ok((s, t));
        }
        if state.phase >= Phase::Validation && state.phase != Phase::Rollback && id_not_bumped(&state, obs) {
            let phase = state.phase;
            return Ok((bump_id(state, now), Transition { phase, at: now }));
        }
    }
    let blocked = |blockers| Blocked { domain: state.domain.clone(), phase: state.phase, blockers };
    let final_msg = match state.phase {
        Phase::Enforced => Some(format!("{} is enforced: there is no next phase", state.domain)),
        Phase::Rollback => Some(format!(
            "rollback is the last phase: once the countdown ends remove the records, then stop tracking {}",
            state.domain
        )),
        _ => None,
    };
    if let Some(msg) = final_msg {
        return Err(blocked(vec![Blocker::hard(BlockerKind::FinalPhase, msg)]));
    }
    let gate = evaluate(&state, obs, reports, now);
    let ack = ack.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
    let mut state = state.clone();
    if !gate.passed {
        let all_soft = gate.blockers.iter().all(|b| b.overridable);
        match ack {
            Some(text) if all_soft => state.acks.push(Ack {
                at: now,
                phase: state.phase,
                overridden: gate.blockers.iter().map(|b| b.kind).collect(),
                text,
            }),
            _ => return Err(blocked(gate.blockers)),
        }
    }
    if let Some(obs) = obs {
        state = note_plan_live(state, obs);
    }
    Ok(match state.phase {
        Phase::Preflight => enter(state, Phase::Records, now),
        Phase::Records => enter(state, Phase::Hosting, now),
        Phase::Hosting => enter(state, Phase::Validation, now),
        Phase::Validation => {
            let next = match state.plan.mode {
                Mode::Testing => Phase::Testing,
                Mode::Enforce => Phase::Enforced,
                Mode::None => Phase::Rollback,
            };
            enter(state, next, now)
        }
        Phase::Testing => {
            let state = replan(state, now, |p| {
                p.mode = Mode::Enforce;
                p.max_age = ENFORCE_MAX_AGE;
            });
            enter(state, Phase::Enforce, now)
        }
        Phase::Enforce | Phase::Enforced | Phase::Rollback => enter(state, Phase::Enforced, now),
    })
}

/// Starts tracking a domain that already publishes MTA-STS. The live policy, id and `rua`
/// become the plan; the phase is the earliest whose gate fails, or — when everything is
/// live and the check has no error — `testing` (the window starts now), `enforced`, or
/// `rollback` for a live `mode: none`. Without a live policy the plan is a fresh testing one
/// with a new id.
pub fn adopt(domain: DomainName, obs: &Observation, now: Timestamp) -> DomainState {
    let rua = match &obs.tlsrpt_rua {
        Some(r) if !r.is_empty() => r.clone(),
        _ => vec![RuaUri::default_for(&domain)],
    };
    let live_mx = || -> Vec<MxPattern> {
        let hosts = obs.live_mx.clone().unwrap_or_default();
        hosts.into_iter().map(MxPattern::exact).collect()
    };
    let (policy, id) = match (&obs.live_policy, &obs.sts_id) {
        (Some(p), Some(id)) => (p.clone(), id.clone()),
        (Some(p), None) => (p.clone(), PolicyId::generate(now, None)),
        (None, prev) => (
            Policy { mode: Mode::Testing, max_age: TESTING_MAX_AGE, mx: live_mx() },
            PolicyId::generate(now, prev.as_ref()),
        ),
    };
    let plan = Plan::new(policy, id, rua, DEFAULT_WINDOW_DAYS, now);
    let state = DomainState { ns_settle: adopted(obs), ..DomainState::new(domain, plan, now) };
    let state = note_plan_live(state, obs);
    let walk = [Phase::Preflight, Phase::Records, Phase::Hosting, Phase::Validation];
    let failing = walk.into_iter().find(|&phase| {
        let probe = DomainState { phase, ..state.clone() };
        evaluate(&probe, Some(obs), None, now)
            .blockers
            .iter()
            .any(|b| b.kind != BlockerKind::HostingNotChosen)
    });
    let phase = failing.unwrap_or(match state.plan.mode {
        Mode::Testing => Phase::Testing,
        Mode::Enforce => Phase::Enforced,
        Mode::None => Phase::Rollback,
    });
    enter(state, phase, now).0
}
