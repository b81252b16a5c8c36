//! The next action for a domain, in words, with the exact text to publish.

use jiff::Timestamp;

use super::gate::{Blocker, BlockerKind};
use super::maintenance::rollback_countdown;
use super::observe::Observation;
use super::phase::Phase;
use super::state::{DomainState, ENFORCE_MAX_AGE};
use super::steps::{policy_one_line, publish_steps};
use super::testing::testing_progress;
use crate::rfc::{StsRecord, TlsRptRecord};

fn has(blockers: &[Blocker], kind: BlockerKind) -> bool {
    blockers.iter().any(|b| b.kind == kind)
}

fn first_undone_step(state: &DomainState, obs: Option<&Observation>) -> Option<String> {
    publish_steps(state, obs).into_iter().find(|s| !s.done).map(|s| {
        let mut a = s.action;
        if let Some(c) = a.get(..1) {
            a = c.to_uppercase() + &a[1..];
        }
        a
    })
}

/// What to do next in the current phase.
pub(crate) fn next_action(
    state: &DomainState,
    obs: Option<&Observation>,
    blockers: &[Blocker],
    now: Timestamp,
) -> String {
    let d = &state.domain;
    if has(blockers, BlockerKind::NoCheck) || has(blockers, BlockerKind::CheckStale) {
        return format!("Run a check: mtasts check {d}");
    }
    if let Some(step) = super::change_view::change_action(state, obs, now) {
        return step;
    }
    if let Some(b) = blockers.iter().find(|b| b.kind == BlockerKind::MxDrift) {
        return format!(
            "{}. Advancing plans the updated policy with a new id and a fresh testing window.",
            b
        );
    }
    if has(blockers, BlockerKind::IdNotBumped) {
        return format!(
            "Advance to give the plan a new id, then serve {} and publish its new id in TXT {}.",
            policy_one_line(&state.plan.policy()),
            d.child("_mta-sts")
        );
    }
    let blocked = |default: String| match blockers.first() {
        Some(b) => format!("Fix: {b}."),
        None => default,
    };
    match state.phase {
        Phase::Preflight => {
            let hosts: Vec<String> = state.plan.mx.iter().map(ToString::to_string).collect();
            let lead = blocked(String::from("Advance to plan the DNS records."));
            format!(
                "{lead} Every MX host ({}) must offer STARTTLS with a publicly trusted, unexpired \
                 certificate for its own name. Every domain and subdomain that has MX records needs \
                 its own rollout.",
                hosts.join(", ")
            )
        }
        Phase::Records if blockers.is_empty() => {
            String::from("Both records are live as planned: advance to choose how to host the policy.")
        }
        Phase::Records => format!(
            "Publish TXT {} \"{}\" and TXT {} \"{}\", then advance.",
            d.child("_mta-sts"),
            StsRecord::new(state.plan.id.clone()).render(),
            d.child("_smtp._tls"),
            TlsRptRecord::new(state.plan.rua.clone()).render()
        ),
        Phase::Hosting if blockers.is_empty() => {
            String::from("The planned policy is live: advance to run the full validation.")
        }
        Phase::Hosting => {
            let body = policy_one_line(&state.plan.policy());
            match state.plan.hosting {
                None => format!(
                    "Choose a hosting path (nginx, apache, caddy, static-headers, worker, worker-multi), \
                     then serve at {} as text/plain: {body}",
                    d.policy_url()
                ),
                Some(h) => format!(
                    "Serve at {} as text/plain (snippet: mtasts generate --target {} {d}): {body}",
                    d.policy_url(),
                    h.generate_target()
                ),
            }
        }
        Phase::Validation => {
            blocked(format!("Advance to start the {}-day testing window.", state.plan.window_days))
        }
        Phase::Testing => testing_action(state, obs, blockers, now),
        Phase::Enforce => match first_undone_step(state, obs) {
            Some(step) => step,
            None => blocked(format!("Advance: {d} is enforced.")),
        },
        Phase::Enforced => blocked(format!(
            "Nothing to do: {d} is enforced. Keep checking it regularly, e.g. daily from cron."
        )),
        Phase::Rollback => rollback_action(state, obs, blockers, now),
    }
}

fn testing_action(
    state: &DomainState,
    obs: Option<&Observation>,
    blockers: &[Blocker],
    now: Timestamp,
) -> String {
    let d = &state.domain;
    if let Some(step) = pending_step(state, obs, blockers) {
        return step;
    }
    let hard: Vec<&Blocker> =
        blockers.iter().filter(|b| !b.overridable || b.kind == BlockerKind::MxCertExpiring).collect();
    if let Some(b) = hard.first() {
        return format!("Fix: {b}.");
    }
    if let Some(p) = testing_progress(state, now).filter(|p| !p.complete) {
        return format!(
            "Keep testing until {} (day {} of {}, {} days remaining); watch TLS-RPT reports \
             (mtasts reports summary {d}).",
            p.ends_at, p.day, p.total, p.days_remaining
        );
    }
    if let Some(b) = blockers.first() {
        return format!("Review: {b}. Advance with an acknowledgement to enforce anyway.");
    }
    format!("Advance to enforce: the plan becomes mode: enforce, max_age: {ENFORCE_MAX_AGE}, with a new id.")
}

fn rollback_action(
    state: &DomainState,
    obs: Option<&Observation>,
    blockers: &[Blocker],
    now: Timestamp,
) -> String {
    let d = &state.domain;
    if let Some(step) = pending_step(state, obs, blockers) {
        return step;
    }
    match rollback_countdown(state, now) {
        Some(c) if c.complete => format!(
            "Remove TXT {} and stop serving {} (and TXT {} if you no longer want reports), then \
             mtasts remove {d}.",
            d.child("_mta-sts"),
            d.policy_url(),
            d.child("_smtp._tls")
        ),
        Some(c) => format!("Keep the records and the mode: none policy until {}.", c.removable_at),
        None => format!("Record a check of {d} showing the mode: none policy live to start the countdown."),
    }
}

/// The next publication step (RFC 8461 §8.1 order) while the new policy or id is not live yet.
fn pending_step(state: &DomainState, obs: Option<&Observation>, blockers: &[Blocker]) -> Option<String> {
    let waiting = has(blockers, BlockerKind::PolicyNotLive) || has(blockers, BlockerKind::StsRecordNotLive);
    if waiting { first_undone_step(state, obs) } else { None }
}
