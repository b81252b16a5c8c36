//! Whether the current step of a planned change is done — checked live for publications (and
//! every nameserver serving the new id for the previous record's TTL) and the MX switch, by
//! the clock and the sender-cache model for waits — and moving on.

use jiff::Timestamp;

use super::cache::{no_version_lacks, projected_until};
use super::change::{MX_CACHE_WAIT_SECS, Step, current_step, enter_step, steps};
use super::model::DomainState;
use super::observe::Observation;
use super::settle::ns_settled;
use super::time::{add_secs, short_time};
use super::timeline::{PlannedChange, PolicyVersion};
use crate::rfc::{DomainName, MxPattern};

/// When the step before `index` was completed, or when the change was planned.
fn started(change: &PlannedChange, index: usize) -> Timestamp {
    index.checked_sub(1).and_then(|i| change.done.get(i).copied()).unwrap_or(change.planned_at)
}

/// Whether the current step is complete: `Ok(when)` or `Err(what is still missing)`.
pub fn step_complete(
    state: &DomainState,
    obs: Option<&Observation>,
    now: Timestamp,
) -> Result<Timestamp, String> {
    let (Some(change), Some((index, step))) = (&state.change, current_step(state)) else {
        return Err("no change is in progress".into());
    };
    let since = started(change, index);
    let fresh = obs.filter(|o| o.at >= since);
    match step {
        Step::Publish { .. } => {
            let policy = state.plan.policy();
            match fresh {
                Some(o)
                    if o.sts_id.as_ref() == Some(&state.plan.id)
                        && o.live_policy.as_ref() == Some(&policy) =>
                {
                    let settled = ns_settled(state, o, &state.plan.id, now)?;
                    Ok(settled.map_or(o.at, |t| t.max(o.at)))
                }
                Some(_) => Err("the check does not show the new policy and its id live yet".into()),
                None => Err("no check since this step started".into()),
            }
        }
        Step::WaitCovered { wanted } => wait_until(no_version_lacks(&state.history, &wanted, now, now), now),
        Step::WaitMxCaches => wait_until(Some(add_secs(since, MX_CACHE_WAIT_SECS)), now),
        Step::WaitShorter { max_age } => {
            wait_until(longer_held_until(&state.history, max_age, now, now), now)
        }
        Step::SwitchMx { add, remove } => {
            let o = fresh.ok_or("no check since this step started")?;
            let live =
                o.live_mx.as_deref().filter(|l| !l.is_empty()).ok_or("the MX records could not be read")?;
            mx_switched(live, &add, &remove, &state.plan.policy().mx).map(|()| o.at)
        }
    }
}

fn wait_until(end: Option<Timestamp>, now: Timestamp) -> Result<Timestamp, String> {
    match end {
        Some(t) if t > now => Err(format!("wait until {}", short_time(t))),
        Some(t) => Ok(t),
        None => Ok(now),
    }
}

/// When no version with a `max_age` above `max_age` can be held any more, the live one
/// counted as replaced at `live_replaced`.
pub fn longer_held_until(
    history: &[PolicyVersion],
    max_age: u32,
    live_replaced: Timestamp,
    now: Timestamp,
) -> Option<Timestamp> {
    history
        .iter()
        .filter(|v| v.max_age > max_age)
        .map(|v| projected_until(v, live_replaced, now))
        .filter(|t| *t > now)
        .max()
}

/// Whether the live MX hosts show the switch: every added pattern in use, no removed one,
/// every host covered by `policy_mx`.
pub fn mx_switched(
    live: &[DomainName],
    add: &[MxPattern],
    remove: &[MxPattern],
    policy_mx: &[MxPattern],
) -> Result<(), String> {
    let used = |p: &MxPattern| live.iter().any(|h| p.matches(h.as_str()));
    let mut missing: Vec<String> = add.iter().filter(|p| !used(p)).map(ToString::to_string).collect();
    missing.extend(
        live.iter().filter(|h| !policy_mx.iter().any(|p| p.matches(h.as_str()))).map(|h| h.to_string()),
    );
    let still: Vec<String> = remove.iter().filter(|p| used(p)).map(ToString::to_string).collect();
    match (missing.is_empty(), still.is_empty()) {
        (true, true) => Ok(()),
        _ => Err(format!(
            "the MX records do not show the switch yet{}{}",
            if missing.is_empty() {
                String::new()
            } else {
                format!("; not in DNS or not covered: {}", missing.join(", "))
            },
            if still.is_empty() { String::new() } else { format!("; still in DNS: {}", still.join(", ")) },
        )),
    }
}

/// Completes every step the latest check and the clock show done, entering the next; a
/// finished change is removed. Returns the state and the indices of the steps completed.
pub fn advance_change(
    state: DomainState,
    obs: Option<&Observation>,
    now: Timestamp,
) -> (DomainState, Vec<usize>) {
    let mut state = state;
    let mut completed = Vec::new();
    while let Some((index, _)) = current_step(&state) {
        let Ok(at) = step_complete(&state, obs, now) else { break };
        if let Some(c) = state.change.as_mut() {
            c.done.push(at);
        }
        completed.push(index);
        state = enter_step(state, now);
    }
    if state.change.as_ref().is_some_and(|c| c.done.len() >= steps(&c.kind).len()) {
        state.change = None;
    }
    (state, completed)
}
