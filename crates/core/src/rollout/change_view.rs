//! A planned change in words and dates: each step with its earliest date, what is done, and
//! what to do now; and the lines the wizard's maintenance screen shows ([`maintenance_lines`]).

use jiff::Timestamp;

use super::cache::{HeldVersion, held_versions, max_age_words, no_version_lacks};
use super::change::{MX_CACHE_WAIT_SECS, Step, steps};
use super::change_check::{longer_held_until, step_complete};
use super::model::DomainState;
use super::next::{Next, Verb};
use super::observe::Observation;
use super::settle::settles_at;
use super::steps::policy_one_line;
use super::time::{add_secs, short_time};
use super::timeline::ChangeKind;
use crate::rfc::{MxPattern, StsRecord};

/// Where a step stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StepStatus {
    /// Completed (and checked live, for the steps a check can see).
    Done,
    /// The step to do (or wait for) now.
    Current,
    /// Later.
    Pending,
}

/// One step for display.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StepView {
    /// 1-based position.
    pub number: usize,
    /// What to do, with the exact text to publish where it is known.
    pub action: String,
    /// Where it stands.
    pub status: StepStatus,
    /// When it was completed, for a done step.
    pub done_at: Option<Timestamp>,
    /// The earliest it can be completed (for a wait: when it ends), projected from now for
    /// steps not done.
    pub earliest: Option<Timestamp>,
}

/// A change in progress for display (`status`, `plan`, the wizard).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChangeView {
    /// "mx: add mx.new.example, remove mx1.example.com" or "max_age 604800 → 86400".
    pub what: String,
    /// When it was planned.
    pub planned_at: Timestamp,
    /// Every step.
    pub steps: Vec<StepView>,
    /// What the current step still needs (from the latest check and the clock).
    pub waiting_for: Option<String>,
}

fn list(p: &[MxPattern]) -> String {
    p.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

/// "add a, b; remove c (note)", leaving out an empty side.
fn add_remove(add: &[MxPattern], remove: &[MxPattern], remove_note: &str, sep: &str) -> String {
    let mut parts = Vec::new();
    if !add.is_empty() {
        parts.push(format!("add {}", list(add)));
    }
    if !remove.is_empty() {
        parts.push(format!("remove {}{remove_note}", list(remove)));
    }
    parts.join(sep)
}

/// What a change does, in a few words.
pub fn describe_kind(kind: &ChangeKind) -> String {
    match kind {
        ChangeKind::Mx { add, remove, .. } => format!("MX hosts: {}", add_remove(add, remove, "", ", ")),
        ChangeKind::MaxAge { from, to } => format!("max_age {from} → {to}"),
    }
}

fn action(state: &DomainState, step: &Step, current: bool) -> String {
    let d = &state.domain;
    match step {
        Step::Publish { .. } if current => format!(
            "serve at {} (text/plain): {}; once a check shows it live, publish TXT {} \"{}\"",
            d.policy_url(),
            policy_one_line(&state.plan.policy()),
            d.child("_mta-sts"),
            StsRecord::new(state.plan.id.clone()).render()
        ),
        Step::Publish { mx, max_age } => {
            let mut what = Vec::new();
            if let Some(mx) = mx {
                what.push(format!("mx {}", list(mx)));
            }
            if let Some(m) = max_age {
                what.push(format!("max_age {m}"));
            }
            format!("publish the policy with {} under a new id (policy first, then the id)", what.join(", "))
        }
        Step::WaitCovered { wanted } => format!(
            "wait until no sender can hold a policy that lacks {} (each held policy's max_age)",
            list(wanted)
        ),
        Step::SwitchMx { add, remove } => format!(
            "change the MX records of {d}: {}",
            add_remove(add, remove, " (keep those servers running for now)", "; ")
        ),
        Step::WaitMxCaches => format!(
            "wait {} for DNS caches of the old MX records to expire; the old hosts may be shut down after \
             the next step",
            max_age_words(MX_CACHE_WAIT_SECS as u32)
        ),
        Step::WaitShorter { max_age } => format!(
            "wait until no sender can hold a policy with a max_age above {max_age}: from then on a change \
             reaches every sender within {}",
            max_age_words(*max_age)
        ),
    }
}

/// The change in progress with dated steps, or `None`.
pub fn change_view(state: &DomainState, obs: Option<&Observation>, now: Timestamp) -> Option<ChangeView> {
    let change = state.change.as_ref()?;
    let all = steps(&change.kind);
    let current = change.done.len();
    let mut t = change.done.last().copied().unwrap_or(change.planned_at).max(now);
    let mut published = now;
    let mut views = Vec::with_capacity(all.len());
    for (i, step) in all.iter().enumerate() {
        let status = match i {
            i if i < current => StepStatus::Done,
            i if i == current => StepStatus::Current,
            _ => StepStatus::Pending,
        };
        let done_at = change.done.get(i).copied();
        let earliest = if status == StepStatus::Done {
            None
        } else {
            t = match step {
                Step::Publish { .. } => {
                    if i == current
                        && let Some(until) = settles_at(state, obs, &state.plan.id)
                    {
                        t = t.max(until);
                    }
                    published = t;
                    t
                }
                Step::WaitCovered { wanted } => {
                    no_version_lacks(&state.history, wanted, published, now).unwrap_or(t).max(t)
                }
                Step::WaitShorter { max_age } => {
                    longer_held_until(&state.history, *max_age, published, now).unwrap_or(t).max(t)
                }
                Step::WaitMxCaches => add_secs(t, MX_CACHE_WAIT_SECS),
                Step::SwitchMx { .. } => t,
            };
            Some(t)
        };
        if let (Step::Publish { .. }, Some(at)) = (step, done_at) {
            published = at;
        }
        views.push(StepView {
            number: i + 1,
            action: action(state, step, i == current),
            status,
            done_at,
            earliest,
        });
    }
    Some(ChangeView {
        what: describe_kind(&change.kind),
        planned_at: change.planned_at,
        steps: views,
        waiting_for: step_complete(state, obs, now).err(),
    })
}

/// The next action while a change is in progress: the current step, with its date.
pub fn change_action(state: &DomainState, obs: Option<&Observation>, now: Timestamp) -> Option<Next> {
    let view = change_view(state, obs, now)?;
    let total = view.steps.len();
    let step = view.steps.into_iter().find(|s| s.status == StepStatus::Current)?;
    let when = match step.earliest {
        Some(t) if t > now => format!(" (from {})", short_time(t)),
        _ => String::new(),
    };
    Some(
        Next::text(format!(
            "Planned change ({}), step {} of {total}{when}: {}. Then confirm it (",
            view.what, step.number, step.action
        ))
        .verb(Verb::ConfirmChange)
        .then(")."),
    )
}

/// The versions senders may hold at `now`, judged against the MX hosts `obs` saw.
pub fn held_now(state: &DomainState, obs: Option<&Observation>, now: Timestamp) -> Vec<HeldVersion> {
    held_versions(&state.history, obs.and_then(|o| o.live_mx.as_deref()), now)
}

/// What the wizard's maintenance screen shows for a domain: what senders may still hold
/// ("senders may still hold: enforce, id … (mx1, mx2) until …", with the live hosts each
/// refuses), where the history starts, and the planned change with one dated line per step
/// (`✓` done, `▶` now, `·` later). Pure; one string per line, unstyled.
pub fn maintenance_lines(state: &DomainState, now: Timestamp) -> Vec<String> {
    let mut out = Vec::new();
    for v in held_now(state, state.last_observation.as_ref(), now) {
        let mut line = format!("senders may still hold: {}", v.describe());
        if v.refuses() {
            let hosts: Vec<&str> = v.not_covered.iter().map(|h| h.as_str()).collect();
            line.push_str(&format!(" — refuses {}", hosts.join(", ")));
        }
        out.push(line);
    }
    if let Some(since) = state.history_since {
        out.push(format!("policy history recorded since {}", short_time(since)));
    }
    if let Some(view) = change_view(state, state.last_observation.as_ref(), now) {
        out.push(format!("planned change: {} (planned {})", view.what, short_time(view.planned_at)));
        for s in &view.steps {
            let (mark, when) = match (s.status, s.done_at, s.earliest) {
                (StepStatus::Done, Some(t), _) => ("✓", format!("done {}", short_time(t))),
                (StepStatus::Current, _, Some(t)) => ("▶", format!("from {}", short_time(t))),
                (_, _, Some(t)) => ("·", format!("from {}", short_time(t))),
                _ => ("·", String::new()),
            };
            out.push(format!("{mark} {}. {when}: {}", s.number, s.action));
        }
        if let Some(w) = view.waiting_for {
            out.push(format!("waiting for: {w}"));
        }
    }
    out
}
