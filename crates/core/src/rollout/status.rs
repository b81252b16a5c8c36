//! The one-line-per-domain status shown by `mtasts status` and the TUI home screen.

use jiff::Timestamp;
use jiff::civil::Date;

use super::cache::HeldVersion;
use super::change_view::{ChangeView, change_view, held_now};
use super::gate::evaluate;
use super::model::DomainState;
use super::next::Next;
use super::observe::{Observation, ReportTally};
use super::phase::Phase;
use super::state::entered_at;
use super::testing::testing_progress;
use crate::finding::Verdict;
use crate::rfc::{DomainName, Mode};

/// The latest recorded check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LastCheck {
    /// Its verdict.
    pub verdict: Verdict,
    /// When it ran.
    pub at: Timestamp,
}

/// Status of one domain. Serialized as the `status --json` object; fields that do not apply
/// are `null`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatusView {
    /// The domain.
    pub domain: DomainName,
    /// Current phase.
    pub phase: Phase,
    /// Planned policy mode.
    pub mode: Mode,
    /// Day N of the testing window.
    pub testing_day: Option<u32>,
    /// Length of the testing window.
    pub testing_days_total: Option<u32>,
    /// Testing days left, the current one included.
    pub days_remaining: Option<u32>,
    /// UTC date the testing window ends.
    pub window_ends: Option<Date>,
    /// The testing window in words: "testing day 12 of 30, 18 days left (ends 2026-12-15)",
    /// or once over "testing window ended 3 days ago (2026-11-23)".
    #[serde(skip)]
    pub testing_words: Option<String>,
    /// What to do next, as the CLI says it.
    pub next_action: String,
    /// The same with its verbs typed (the wizard names keys instead of commands).
    #[serde(skip)]
    pub next: Next,
    /// What blocks the current gate, in words.
    pub blockers: Vec<String>,
    /// The latest recorded check.
    pub last_check: Option<LastCheck>,
    /// The policy versions senders may still hold (sender-cache model), oldest first, each
    /// with the live MX hosts it does not list.
    pub senders_may_hold: Vec<HeldVersion>,
    /// Since when policy versions are recorded (versions live before are unknown).
    pub history_since: Option<Timestamp>,
    /// The planned change in progress, with dated steps.
    pub change: Option<ChangeView>,
}

/// The status of a domain given its latest check (if any) and TLS-RPT summary.
pub fn status_line(
    state: &DomainState,
    obs_last: Option<&Observation>,
    reports: Option<&ReportTally>,
    now: Timestamp,
) -> StatusView {
    let gate = evaluate(state, obs_last, reports, now);
    let progress = testing_progress(state, now);
    StatusView {
        domain: state.domain.clone(),
        phase: state.phase,
        mode: state.plan.mode,
        testing_day: progress.map(|p| p.day),
        testing_days_total: progress.map(|p| p.total),
        days_remaining: progress.map(|p| p.days_remaining),
        window_ends: progress.map(|p| p.window_ends),
        testing_words: progress.map(|p| match p.ended_days_ago(now) {
            Some(_) => format!("testing {} ({})", p.words(now), p.window_ends),
            None => format!("testing {} (ends {})", p.words(now), p.window_ends),
        }),
        next_action: gate.next_action,
        next: gate.next,
        blockers: gate.blockers.into_iter().map(|b| b.message).collect(),
        last_check: state.checks.last().map(|c| LastCheck { verdict: c.verdict, at: c.at }),
        senders_may_hold: held_now(state, obs_last, now),
        history_since: state.history_since,
        change: change_view(state, obs_last, now),
    }
}

/// When the current testing window started, if testing.
pub fn testing_started(state: &DomainState) -> Option<Timestamp> {
    (state.phase == Phase::Testing).then(|| entered_at(state, Phase::Testing)).flatten()
}

/// When the domain was last enforced, if it is.
pub fn enforced_at(state: &DomainState) -> Option<Timestamp> {
    (state.phase == Phase::Enforced).then(|| entered_at(state, Phase::Enforced)).flatten()
}
