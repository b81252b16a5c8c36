//! Planned changes of a live policy: MX hosts (a provider switch is "add all new, remove all
//! old") and `max_age`, as ordered steps, each checked live before the next.
//!
//! MX change: publish a policy listing old and new hosts with a new id → wait until no
//! version senders may hold lacks a new host → change the DNS MX records → wait until no
//! sender's DNS cache can still name an old host → publish the policy without them with a new
//! id. Lowering `max_age`: publish it with a new id → wait until the old, longer `max_age` has
//! passed (only then does the lower value bound what senders hold).

use jiff::Timestamp;

use super::model::DomainState;
use super::state::replan;
use super::timeline::{ChangeKind, PlannedChange};
use crate::rfc::{DomainName, MAX_POLICY_MX, MxPattern};

/// How long after the MX records changed a sender's DNS cache may still hold the old ones.
/// mtasts does not see TTLs; one day covers the TTLs DNS providers allow for MX records.
pub const MX_CACHE_WAIT_SECS: i64 = 86_400;

/// One step of a change.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "step", rename_all = "kebab-case")]
pub enum Step {
    /// Serve a policy with new patterns or a new `max_age` under a new id (policy first).
    Publish {
        /// The policy's new patterns, if they change.
        #[serde(skip_serializing_if = "Option::is_none")]
        mx: Option<Vec<MxPattern>>,
        /// The policy's new `max_age`, if it changes.
        #[serde(skip_serializing_if = "Option::is_none")]
        max_age: Option<u32>,
    },
    /// Wait until no held version lacks one of `wanted`.
    WaitCovered {
        /// The patterns every held version must list.
        wanted: Vec<MxPattern>,
    },
    /// Change the DNS MX records.
    SwitchMx {
        /// Patterns that must match a live MX host.
        add: Vec<MxPattern>,
        /// Patterns no live MX host may match.
        remove: Vec<MxPattern>,
    },
    /// Wait until DNS caches no longer hold the old MX records.
    WaitMxCaches,
    /// Wait until no held version has a `max_age` above `max_age`.
    WaitShorter {
        /// The new `max_age`.
        max_age: u32,
    },
}

impl Step {
    /// Whether the step is a wait that only time completes.
    pub fn is_wait(&self) -> bool {
        matches!(self, Step::WaitCovered { .. } | Step::WaitMxCaches | Step::WaitShorter { .. })
    }
}

/// The ordered steps of a change.
pub fn steps(kind: &ChangeKind) -> Vec<Step> {
    match kind {
        ChangeKind::Mx { from, add, remove } => {
            let mut out = Vec::new();
            if !add.is_empty() {
                let mut union = from.clone();
                union.extend(add.iter().filter(|a| !from.contains(a)).cloned());
                out.push(Step::Publish { mx: Some(union), max_age: None });
                out.push(Step::WaitCovered { wanted: add.clone() });
            }
            out.push(Step::SwitchMx { add: add.clone(), remove: remove.clone() });
            if !remove.is_empty() {
                out.push(Step::WaitMxCaches);
                out.push(Step::Publish { mx: Some(final_mx(from, add, remove)), max_age: None });
            }
            out
        }
        ChangeKind::MaxAge { from, to } => {
            let mut out = vec![Step::Publish { mx: None, max_age: Some(*to) }];
            if to < from {
                out.push(Step::WaitShorter { max_age: *to });
            }
            out
        }
    }
}

/// The patterns after an MX change: `from` without `remove`, plus `add`.
pub fn final_mx(from: &[MxPattern], add: &[MxPattern], remove: &[MxPattern]) -> Vec<MxPattern> {
    let mut mx: Vec<MxPattern> = from.iter().filter(|p| !remove.contains(p)).cloned().collect();
    for a in add {
        if !mx.contains(a) {
            mx.push(a.clone());
        }
    }
    mx
}

/// Why a change cannot be planned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// Another change is in progress.
    #[error("a change is already in progress for {0}; finish it or cancel it first")]
    InProgress(DomainName),
    /// Nothing would change.
    #[error("nothing to change: {0}")]
    Nothing(String),
    /// A pattern to remove is not in the plan.
    #[error("{0} is not one of the planned mx patterns ({1})")]
    NotPlanned(MxPattern, String),
    /// The change would leave no MX pattern.
    #[error("the policy would list no MX host")]
    NoMx,
    /// The policy would list more patterns than [`MAX_POLICY_MX`] while the change runs.
    #[error(
        "the policy would list {0} mx patterns during the change, more than the {MAX_POLICY_MX} mtasts \
         plans for"
    )]
    TooManyMx(usize),
    /// `max_age` out of range.
    #[error("max_age {0} is out of range (1 to 31557600 seconds, RFC 8461 §3.2)")]
    MaxAge(u32),
}

/// Plans an MX change and starts its first step (the plan gets the first policy to publish
/// and a new id).
pub fn plan_mx(
    state: DomainState,
    add: Vec<MxPattern>,
    remove: Vec<MxPattern>,
    now: Timestamp,
) -> Result<DomainState, PlanError> {
    let from = state.plan.mx.clone();
    let planned = from.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ");
    if let Some(p) = remove.iter().find(|p| !from.contains(p)) {
        return Err(PlanError::NotPlanned(p.clone(), planned));
    }
    let add: Vec<MxPattern> = add.into_iter().filter(|a| !from.contains(a) && !remove.contains(a)).collect();
    if add.is_empty() && remove.is_empty() {
        return Err(PlanError::Nothing(format!("the plan already lists exactly {planned}")));
    }
    if final_mx(&from, &add, &remove).is_empty() {
        return Err(PlanError::NoMx);
    }
    if from.len() + add.len() > MAX_POLICY_MX {
        return Err(PlanError::TooManyMx(from.len() + add.len()));
    }
    start(state, ChangeKind::Mx { from, add, remove }, now)
}

/// Plans a `max_age` change and starts its first step.
pub fn plan_max_age(state: DomainState, to: u32, now: Timestamp) -> Result<DomainState, PlanError> {
    if to == 0 || to > 31_557_600 {
        return Err(PlanError::MaxAge(to));
    }
    let from = state.plan.max_age;
    if to == from {
        return Err(PlanError::Nothing(format!("max_age is already {to}")));
    }
    start(state, ChangeKind::MaxAge { from, to }, now)
}

fn start(state: DomainState, kind: ChangeKind, now: Timestamp) -> Result<DomainState, PlanError> {
    if state.change.is_some() {
        return Err(PlanError::InProgress(state.domain.clone()));
    }
    let mut state = state;
    state.change = Some(PlannedChange { kind, planned_at: now, done: Vec::new() });
    Ok(enter_step(state, now))
}

/// Abandons the change in progress; the plan keeps whatever policy it has now.
pub fn cancel(mut state: DomainState) -> DomainState {
    state.change = None;
    state
}

/// The current step and its index, if a change is in progress.
pub fn current_step(state: &DomainState) -> Option<(usize, Step)> {
    let c = state.change.as_ref()?;
    let i = c.done.len();
    steps(&c.kind).into_iter().nth(i).map(|s| (i, s))
}

/// Prepares the plan for the current step: a publication step sets the plan's policy (a new
/// id when it changes).
pub(super) fn enter_step(state: DomainState, now: Timestamp) -> DomainState {
    match current_step(&state) {
        Some((_, Step::Publish { mx, max_age })) => replan(state, now, |p| {
            if let Some(mx) = mx {
                p.mx = mx;
            }
            if let Some(max_age) = max_age {
                p.max_age = max_age;
            }
        }),
        _ => state,
    }
}
