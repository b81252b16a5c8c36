//! The small pure operations on a domain's state: starting to track it, changing the plan
//! (a new id whenever the policy body changes), entering phases, logging published ids.

use jiff::Timestamp;

use super::model::{DEFAULT_WINDOW_DAYS, DomainState, Plan, PublishedId, TESTING_MAX_AGE, Transition};
use super::observe::Observation;
use super::phase::{HostingPath, Phase};
use crate::rfc::{DomainName, Mode, MxPattern, Policy, PolicyId, RuaUri};

/// The policy the plan publishes.
pub fn planned_policy(state: &DomainState) -> Policy {
    state.plan.policy()
}

/// Starts tracking a domain in preflight: `mode: testing`, `max_age` one day, a fresh id,
/// `rua` defaulting to `mailto:tlsrpt@DOMAIN`, a testing window of `window_days` (default 30,
/// at least 1).
pub fn new_domain(
    domain: DomainName,
    mx: Vec<MxPattern>,
    rua: Vec<RuaUri>,
    window_days: Option<u32>,
    now: Timestamp,
) -> DomainState {
    let rua = if rua.is_empty() { vec![RuaUri::default_for(&domain)] } else { rua };
    let policy = Policy { mode: Mode::Testing, max_age: TESTING_MAX_AGE, mx };
    let window_days = window_days.unwrap_or(DEFAULT_WINDOW_DAYS).max(1);
    let plan = Plan::new(policy, PolicyId::generate(now, None), rua, window_days, now);
    enter(DomainState::new(domain, plan, now), Phase::Preflight, now).0
}

/// An id that differs from the plan's and from every id ever published.
pub(crate) fn fresh_id(state: &DomainState, now: Timestamp) -> PolicyId {
    let mut id = PolicyId::generate(now, Some(&state.plan.id));
    for _ in 0..1000 {
        if id != state.plan.id && !state.published.iter().any(|p| p.id == id) {
            break;
        }
        id = PolicyId::generate(now, Some(&id));
    }
    id
}

/// A new id for the current plan (the fix when a policy changed without one).
pub fn bump_id(mut state: DomainState, now: Timestamp) -> DomainState {
    state.plan.id = fresh_id(&state, now);
    state.plan.id_generated_at = now;
    state
}

/// Changes the plan; a new id is generated when the policy body changes.
pub(crate) fn replan(state: DomainState, now: Timestamp, change: impl FnOnce(&mut Plan)) -> DomainState {
    let before = state.plan.policy();
    let mut state = state;
    change(&mut state.plan);
    if state.plan.policy() != before {
        state = bump_id(state, now);
    }
    state
}

/// Replaces the planned MX patterns (new id when they change).
pub fn set_mx(state: DomainState, mx: Vec<MxPattern>, now: Timestamp) -> DomainState {
    replan(state, now, |p| p.mx = mx)
}

/// Replaces the planned `rua` URIs (empty means the default). The policy id is unaffected.
pub fn set_rua(mut state: DomainState, rua: Vec<RuaUri>) -> DomainState {
    state.plan.rua = if rua.is_empty() { vec![RuaUri::default_for(&state.domain)] } else { rua };
    state
}

/// Chooses how the policy is served.
pub fn set_hosting(mut state: DomainState, hosting: HostingPath) -> DomainState {
    state.plan.hosting = Some(hosting);
    state
}

/// Changes the testing window length (at least one day).
pub fn set_window_days(mut state: DomainState, days: u32) -> DomainState {
    state.plan.window_days = days.max(1);
    state
}

/// Moves to `phase` and records the transition.
pub(crate) fn enter(mut state: DomainState, phase: Phase, now: Timestamp) -> (DomainState, Transition) {
    let t = Transition { phase, at: now };
    state.phase = phase;
    state.transitions.push(t.clone());
    (state, t)
}

/// When the current phase was entered (the last transition into it).
pub fn entered_at(state: &DomainState, phase: Phase) -> Option<Timestamp> {
    state.transitions.iter().rev().find(|t| t.phase == phase).map(|t| t.at)
}

/// Logs the plan's id as published when `obs` shows it live with the planned policy.
pub(crate) fn note_plan_live(state: DomainState, obs: &Observation) -> DomainState {
    let policy = state.plan.policy();
    if obs.sts_id.as_ref() == Some(&state.plan.id) && obs.live_policy.as_ref() == Some(&policy) {
        note_published(state, &policy, obs.at)
    } else {
        state
    }
}

/// Logs the plan's id as published with `policy`, unless already logged.
pub(crate) fn note_published(mut state: DomainState, policy: &Policy, at: Timestamp) -> DomainState {
    if !state.published.iter().any(|p| p.id == state.plan.id) {
        state.published.push(PublishedId {
            id: state.plan.id.clone(),
            policy_sha256: policy.sha256_hex(),
            max_age: policy.max_age,
            mode: policy.mode,
            at,
        });
    }
    state
}
