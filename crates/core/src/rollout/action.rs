//! The next action for a domain, in words, with the exact text to publish.

use jiff::Timestamp;

use super::blocker::{Blocker, BlockerKind};
use super::change_view::change_action;
use super::emergency::emergency;
use super::maintenance::rollback_countdown;
use super::model::{DomainState, ENFORCE_MAX_AGE};
use super::next::{Next, Verb};
use super::observe::Observation;
use super::phase::Phase;
use super::removal::removal_action;
use super::steps::{policy_one_line, publish_steps};
use super::testing::testing_progress;
use super::time::short_time;
use crate::rfc::{StsRecord, TlsRptRecord};

/// What to do about blocker `b`: for failing checks, where their fixes are and how to check
/// again, rather than the blocker's words once more.
fn fix(b: &Blocker) -> Next {
    match b.kind {
        BlockerKind::CheckFailing => Next::text(
            "Fix the errors the last check found (a check lists each with its fix), then check again (",
        )
        .verb(Verb::Check)
        .then(")."),
        _ => Next::text(format!("Fix: {b}.")),
    }
}

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
) -> Next {
    let d = &state.domain;
    if has(blockers, BlockerKind::NoCheck) || has(blockers, BlockerKind::CheckStale) {
        return Next::text("Run a check: ").verb(Verb::Check);
    }
    if let Some(step) = change_action(state, obs, now) {
        return step;
    }
    if let Some(b) = blockers.iter().find(|b| b.kind == BlockerKind::MxDrift) {
        return Next::text(format!("{b}. Advancing ("))
            .verb(Verb::Advance)
            .then(") plans the updated policy with a new id and a fresh testing window.");
    }
    if let Some(o) = obs
        && let Some(e) = emergency(state, o, now)
        && !e.fixed_by_plan(state, o)
    {
        return e.next();
    }
    if has(blockers, BlockerKind::IdNotBumped) {
        return Next::text("Advance (").verb(Verb::Advance).then(format!(
            ") to give the plan a new id, then serve {} and publish its new id in TXT {}.",
            policy_one_line(&state.plan.policy()),
            d.child("_mta-sts")
        ));
    }
    if let [b] = blockers
        && b.kind == BlockerKind::NsLagging
        && matches!(state.phase, Phase::Records | Phase::Hosting | Phase::Enforce)
    {
        return Next::text(format!("Wait: {b}. Then advance (")).verb(Verb::Advance).then(").");
    }
    let blocked = |default: Next| match blockers.first() {
        Some(b) => fix(b),
        None => default,
    };
    let advance = |before: &str, after: String| Next::text(before).verb(Verb::Advance).then(after);
    match state.phase {
        Phase::Preflight => {
            let hosts: Vec<String> = state.plan.mx.iter().map(ToString::to_string).collect();
            let lead = blocked(advance("Advance (", ") to plan the DNS records.".into()));
            lead.then(format!(
                " Every MX host ({}) must offer STARTTLS with a publicly trusted, unexpired \
                 certificate for its own name. Every domain and subdomain that has MX records needs \
                 its own rollout.",
                hosts.join(", ")
            ))
        }
        Phase::Records if blockers.is_empty() => advance(
            "Both records are live as planned: advance (",
            ") to choose how to host the policy.".into(),
        ),
        Phase::Records => Next::text(format!(
            "Publish TXT {} \"{}\" and TXT {} \"{}\", then advance (",
            d.child("_mta-sts"),
            StsRecord::new(state.plan.id.clone()).render(),
            d.child("_smtp._tls"),
            TlsRptRecord::new(state.plan.rua.clone()).render()
        ))
        .verb(Verb::Advance)
        .then(")."),
        Phase::Hosting if blockers.is_empty() => {
            advance("The planned policy is live: advance (", ") to run the full validation.".into())
        }
        Phase::Hosting => {
            let body = policy_one_line(&state.plan.policy());
            match state.plan.hosting {
                None => Next::text("Choose a hosting path (")
                    .verb(Verb::ChooseHosting)
                    .then(format!("), then serve at {} as text/plain: {body}", d.policy_url())),
                Some(h) => Next::text(format!("Serve at {} as text/plain (snippet: ", d.policy_url()))
                    .verb(Verb::Generate(h))
                    .then(format!("): {body}")),
            }
        }
        Phase::Validation => blocked(advance(
            "Advance (",
            format!(") to start the {}-day testing window.", state.plan.window_days),
        )),
        Phase::Testing => testing_action(state, obs, blockers, now),
        Phase::Enforce => match first_undone_step(state, obs) {
            Some(step) => Next::text(step),
            None => blocked(advance("Advance (", format!("): {d} is enforced."))),
        },
        Phase::Enforced => blocked(Next::text(format!(
            "Nothing to do: {d} is enforced. Keep checking it regularly, e.g. daily from cron."
        ))),
        Phase::Rollback => rollback_action(state, obs, blockers, now),
    }
}

fn testing_action(
    state: &DomainState,
    obs: Option<&Observation>,
    blockers: &[Blocker],
    now: Timestamp,
) -> Next {
    if let Some(step) = pending_step(state, obs, blockers) {
        return Next::text(step);
    }
    let hard: Vec<&Blocker> =
        blockers.iter().filter(|b| !b.overridable || b.kind == BlockerKind::MxCertExpiring).collect();
    if let Some(b) = hard.first() {
        return fix(b);
    }
    if let Some(p) = testing_progress(state, now).filter(|p| !p.complete) {
        return Next::text(format!(
            "Keep testing until {} ({}); watch TLS-RPT reports (",
            short_time(p.ends_at),
            p.words(now)
        ))
        .verb(Verb::Reports)
        .then(").");
    }
    if let Some(b) = blockers.first() {
        return Next::text(format!("Review: {b}. Advance ("))
            .verb(Verb::Advance)
            .then(") with an acknowledgement to enforce anyway.");
    }
    Next::text("Advance (").verb(Verb::Advance).then(format!(
        ") to enforce: the plan becomes mode: enforce, max_age: {ENFORCE_MAX_AGE}, with a new id."
    ))
}

fn rollback_action(
    state: &DomainState,
    obs: Option<&Observation>,
    blockers: &[Blocker],
    now: Timestamp,
) -> Next {
    let d = &state.domain;
    if let Some(step) = removal_action(state, obs, now) {
        return step;
    }
    if let Some(step) = pending_step(state, obs, blockers) {
        return Next::text(step);
    }
    match rollback_countdown(state, now) {
        Some(c) if c.complete => Next::text("The countdown is over. Fixed the problem? Resume testing (")
            .verb(Verb::Resume)
            .then(": a new id and a fresh testing window). Or remove MTA-STS entirely (")
            .verb(Verb::Retire)
            .then(": the records first, then the policy host after the largest max_age ever published)."),
        Some(c) => Next::text(format!(
            "Keep the records and the mode: none policy until {}. Fixed the problem meanwhile? \
             Resume testing (",
            short_time(c.removable_at)
        ))
        .verb(Verb::Resume)
        .then(")."),
        None => Next::text(format!(
            "Record a check of {d} showing the mode: none policy live to start the countdown ("
        ))
        .verb(Verb::Check)
        .then(")."),
    }
}

/// The next publication step (RFC 8461 §8.1 order) while the new policy or id is not live yet.
fn pending_step(state: &DomainState, obs: Option<&Observation>, blockers: &[Blocker]) -> Option<String> {
    let waiting = has(blockers, BlockerKind::PolicyNotLive) || has(blockers, BlockerKind::StsRecordNotLive);
    if waiting { first_undone_step(state, obs) } else { None }
}
