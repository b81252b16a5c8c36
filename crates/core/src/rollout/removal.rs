//! The ways out of a rollback (RFC 8461 §8.3): back to testing once the problem is fixed, or
//! removing MTA-STS entirely — the records first, then the policy host once no sender can
//! still hold a policy it would want to refresh (the largest `max_age` ever published after
//! the records went).

use jiff::Timestamp;

use super::blocker::{Blocker, BlockerKind};
use super::cache::max_age_words;
use super::maintenance::rollback_countdown;
use super::model::{DomainState, ROLLBACK_MAX_AGE, TESTING_MAX_AGE, Transition};
use super::next::{Next, Verb};
use super::observe::Observation;
use super::phase::Phase;
use super::state::{enter, replan};
use super::time::{add_secs, short_time};
use super::timeline::{PolicyVersion, Removal};
use crate::rfc::Mode;

/// Why a way out of a rollback cannot be taken now.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WayOutError {
    /// The domain is not rolling back.
    #[error("{0} is not rolling back (phase {1}); resume and remove follow a rollback")]
    NotRollingBack(crate::rfc::DomainName, Phase),
    /// The countdown has not ended: senders may still hold an older policy.
    #[error("senders may still hold an older policy of {}: keep the records until {}", .0, short_time(*.1))]
    CountdownRunning(crate::rfc::DomainName, Timestamp),
    /// The `mode: none` policy has not been seen live, so the countdown has not started.
    #[error("the countdown of {0} has not started: publish the mode: none policy and its id, then check")]
    CountdownNotStarted(crate::rfc::DomainName),
}

/// Where a removal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct RemovalView {
    /// When the records were first seen gone.
    pub records_gone_at: Option<Timestamp>,
    /// The largest `max_age` ever published, in seconds.
    pub wait_secs: u32,
    /// When the policy host may be shut down (once the records are gone).
    pub host_removable_at: Option<Timestamp>,
    /// Whether the policy host may be shut down now.
    pub complete: bool,
}

/// Back to testing after a rollback ("fixed it"): `mode: testing`, a one-day `max_age`, a new
/// id and a fresh testing window; a removal in progress is dropped. Allowed at any time
/// during a rollback (testing never refuses mail).
pub fn resume_testing(state: DomainState, now: Timestamp) -> Result<(DomainState, Transition), WayOutError> {
    if state.phase != Phase::Rollback {
        return Err(WayOutError::NotRollingBack(state.domain.clone(), state.phase));
    }
    let mut state = replan(state, now, |p| {
        p.mode = Mode::Testing;
        p.max_age = TESTING_MAX_AGE;
    });
    state.removal = None;
    Ok(enter(state, Phase::Testing, now))
}

/// Starts removing MTA-STS once the rollback countdown is over: the records go first.
pub fn plan_removal(state: DomainState, now: Timestamp) -> Result<DomainState, WayOutError> {
    if state.phase != Phase::Rollback {
        return Err(WayOutError::NotRollingBack(state.domain.clone(), state.phase));
    }
    match rollback_countdown(&state, now) {
        None => Err(WayOutError::CountdownNotStarted(state.domain.clone())),
        Some(c) if !c.complete => Err(WayOutError::CountdownRunning(state.domain.clone(), c.removable_at)),
        Some(_) => {
            let mut state = state;
            if state.removal.is_none() {
                state.removal = Some(Removal { planned_at: now, records_gone_at: None });
            }
            Ok(state)
        }
    }
}

/// Notes when a check first sees the `_mta-sts` record gone during a removal (and forgets it
/// when the record is back).
pub(crate) fn observe_removal(mut state: DomainState, obs: &Observation) -> DomainState {
    if let Some(r) = state.removal.as_mut() {
        match (&obs.sts_id, r.records_gone_at) {
            (Some(_), _) => r.records_gone_at = None,
            (None, None) => r.records_gone_at = Some(obs.at),
            (None, Some(_)) => {}
        }
    }
    state
}

fn largest_max_age(state: &DomainState) -> u32 {
    let published = state.published.iter().map(|p| p.max_age);
    let seen = state.history.iter().map(|v: &PolicyVersion| v.max_age);
    published.chain(seen).max().unwrap_or(ROLLBACK_MAX_AGE)
}

/// The removal in progress, or `None`.
pub fn removal_view(state: &DomainState, now: Timestamp) -> Option<RemovalView> {
    let r = state.removal.as_ref()?;
    let wait_secs = largest_max_age(state);
    let host_removable_at = r.records_gone_at.map(|t| add_secs(t, i64::from(wait_secs)));
    Some(RemovalView {
        records_gone_at: r.records_gone_at,
        wait_secs,
        host_removable_at,
        complete: host_removable_at.is_some_and(|t| now >= t),
    })
}

/// The gate while removing: the record must be gone and the wait over.
pub(crate) fn removal_blockers(
    state: &DomainState,
    obs: &Observation,
    now: Timestamp,
) -> Option<Vec<Blocker>> {
    let v = removal_view(state, now)?;
    let d = &state.domain;
    let out = if obs.sts_id.is_some() {
        vec![Blocker::hard(
            BlockerKind::RollbackWaiting,
            format!("TXT {} is still published: remove it first", d.child("_mta-sts")),
        )]
    } else {
        match v.host_removable_at {
            Some(t) if !v.complete => vec![Blocker::hard(
                BlockerKind::RollbackWaiting,
                format!(
                    "senders that cached a policy may still refresh it from {}: keep serving it until {}",
                    d.policy_host(),
                    short_time(t)
                ),
            )],
            Some(_) => Vec::new(),
            None => vec![Blocker::hard(
                BlockerKind::RollbackWaiting,
                "the record is gone; record this check so the wait for the policy host can start",
            )],
        }
    };
    Some(out)
}

/// The next step while removing.
pub(crate) fn removal_action(state: &DomainState, obs: Option<&Observation>, now: Timestamp) -> Option<Next> {
    let v = removal_view(state, now)?;
    let d = &state.domain;
    let record_live = obs.is_none_or(|o| o.sts_id.is_some());
    Some(if record_live {
        Next::text(format!(
            "Removing MTA-STS: delete TXT {} (and TXT {} if you no longer want reports), keep serving {} \
             for now, then re-check (",
            d.child("_mta-sts"),
            d.child("_smtp._tls"),
            d.policy_url()
        ))
        .verb(Verb::Check)
        .then(").")
    } else {
        match v.host_removable_at {
            Some(t) if !v.complete => Next::text(format!(
                "The record is gone. Keep serving {} until {} (the largest max_age ever published, {}), \
                 then shut the policy host down.",
                d.policy_url(),
                short_time(t),
                max_age_words(v.wait_secs)
            )),
            Some(_) => Next::text(format!(
                "MTA-STS is removed: shut down {} and delete its DNS name, then stop tracking {d} (",
                d.policy_host()
            ))
            .verb(Verb::StopTracking)
            .then(")."),
            None => Next::text("The record is gone: record a check (").verb(Verb::Check).then(")."),
        }
    })
}
