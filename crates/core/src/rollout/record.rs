//! Recording a check: the state remembers the result, the policy version it saw live, how far
//! the nameservers have settled, a published id and where a removal stands.

use super::model::{CheckRecord, DomainState, MAX_CHECKS};
use super::observe::Observation;
use super::state::note_plan_live;
use super::{history, removal, settle};

/// Records a check result (keeping the last [`MAX_CHECKS`]), notes when every nameserver came
/// to serve the live id and, the first time the planned id and the planned policy are both
/// live, logs the id as published with the policy's hash.
pub fn record_check(mut state: DomainState, obs: &Observation) -> DomainState {
    state.checks.push(CheckRecord {
        at: obs.at,
        verdict: obs.verdict,
        errors: u32::try_from(obs.error_codes.len()).unwrap_or(u32::MAX),
        warnings: u32::try_from(obs.warning_codes.len()).unwrap_or(u32::MAX),
    });
    let excess = state.checks.len().saturating_sub(MAX_CHECKS);
    state.checks.drain(..excess);
    state.last_observation = Some(obs.clone());
    state.history_since.get_or_insert(obs.at);
    state.history = history::observe(std::mem::take(&mut state.history), obs);
    state.ns_settle = settle::settle(state.ns_settle.take(), obs);
    removal::observe_removal(note_plan_live(state, obs), obs)
}
