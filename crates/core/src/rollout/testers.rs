//! Working the walkthrough's checklist ([`super::walkthrough`]): ticking the external testers
//! the user ran (the enforce gate wants at least [`TESTERS_NEEDED`], or an acknowledgement), and
//! when the next review of the TLS-RPT reports is due (a week after the last one while testing,
//! a month after it once enforcing).

use jiff::{SignedDuration, Timestamp};

use super::blocker::{Blocker, BlockerKind};
use super::model::DomainState;
use super::phase::Phase;
use super::state::entered_at;
use super::walkthrough::{Tester, TesterRun};

/// How many testers the enforce gate asks for.
pub const TESTERS_NEEDED: usize = 2;
/// Days between report reviews while testing.
pub const REVIEW_DAYS_TESTING: i64 = 7;
/// Days between report reviews once enforcing.
pub const REVIEW_DAYS_ENFORCED: i64 = 30;

/// Ticks `t` (or unticks it when already ticked).
pub fn toggle_tester(mut state: DomainState, t: Tester, now: Timestamp) -> DomainState {
    let w = &mut state.walkthrough;
    if w.ran(t) {
        w.testers.retain(|r| r.tester != t);
    } else {
        w.testers.push(TesterRun { tester: t, at: now });
    }
    state
}

/// Ticks `t` (kept as it is when already ticked).
pub fn tick_tester(state: DomainState, t: Tester, now: Timestamp) -> DomainState {
    if state.walkthrough.ran(t) { state } else { toggle_tester(state, t, now) }
}

/// One change to the checklist (idempotent, so a repeated save changes nothing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChecklistEdit {
    /// Tick (`true`) or untick a tester.
    Tester(Tester, bool),
    /// The reports were reviewed.
    Reviewed,
}

/// Applies `edit` at `now`.
pub fn apply_checklist(state: DomainState, edit: ChecklistEdit, now: Timestamp) -> DomainState {
    match edit {
        ChecklistEdit::Tester(t, true) => tick_tester(state, t, now),
        ChecklistEdit::Tester(t, false) if state.walkthrough.ran(t) => toggle_tester(state, t, now),
        ChecklistEdit::Tester(_, false) => state,
        ChecklistEdit::Reviewed => mark_reviewed(state, now),
    }
}

/// The enforce gate's tester item: fewer than [`TESTERS_NEEDED`] ticked is a blocker the user
/// may acknowledge instead.
pub(crate) fn blocker(state: &DomainState) -> Option<Blocker> {
    let n = state.walkthrough.testers.len();
    (n < TESTERS_NEEDED).then(|| {
        Blocker::soft(
            BlockerKind::TestersNotRun,
            format!(
                "{n} of {TESTERS_NEEDED} external testers ticked as run: run at least {TESTERS_NEEDED} \
                 of {} and tick them, or acknowledge",
                Tester::ALL.map(Tester::name).join(", ")
            ),
        )
    })
}

/// Records a review of the TLS-RPT reports.
pub fn mark_reviewed(mut state: DomainState, now: Timestamp) -> DomainState {
    state.walkthrough.reports_reviewed_at = Some(now);
    state
}

/// When the next TLS-RPT review is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewDue {
    /// The date and time it is due.
    pub at: Timestamp,
    /// Whether that time has passed.
    pub overdue: bool,
    /// Days between reviews in the current phase.
    pub every_days: i64,
}

/// The next review: a week after the last one (or after testing began) while testing, a month
/// after it once enforcing; `None` before reports are expected (no testing yet) and during
/// rollback.
pub fn next_review(state: &DomainState, now: Timestamp) -> Option<ReviewDue> {
    let every_days = match state.phase {
        Phase::Testing => REVIEW_DAYS_TESTING,
        Phase::Enforce | Phase::Enforced => REVIEW_DAYS_ENFORCED,
        _ => return None,
    };
    let start = entered_at(state, Phase::Testing).or_else(|| entered_at(state, state.phase))?;
    let from = state.walkthrough.reports_reviewed_at.map_or(start, |r| r.max(start));
    let at = from.checked_add(SignedDuration::from_hours(24 * every_days)).ok()?;
    Some(ReviewDue { at, overdue: at <= now, every_days })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rfc::{DomainName, MxPattern};
    use crate::rollout::{Transition, new_domain};

    fn t(days: i64) -> Timestamp {
        Timestamp::from_second(1_790_000_000 + days * 86_400).unwrap()
    }

    fn testing() -> DomainState {
        let d = DomainName::parse("example.com").unwrap();
        let mx = vec![MxPattern::parse("mx1.example.com").unwrap()];
        let mut s = new_domain(d, mx, Vec::new(), None, t(-5));
        s.phase = Phase::Testing;
        s.transitions.push(Transition { phase: Phase::Testing, at: t(0) });
        s
    }

    #[test]
    fn two_ticks_clear_the_blocker_and_a_second_press_unticks() {
        let s = testing();
        assert_eq!(blocker(&s).map(|b| (b.kind, b.overridable)), Some((BlockerKind::TestersNotRun, true)));
        let s = toggle_tester(s, Tester::Hardenize, t(1));
        assert!(blocker(&s).is_some());
        let s = toggle_tester(s, Tester::Checktls, t(1));
        assert!(blocker(&s).is_none());
        let s = toggle_tester(s, Tester::Checktls, t(2));
        assert!(!s.walkthrough.ran(Tester::Checktls));
        assert!(blocker(&s).is_some());
        let s = tick_tester(tick_tester(s, Tester::Hardenize, t(3)), Tester::Hardenize, t(3));
        assert_eq!(s.walkthrough.testers.len(), 1);
    }

    #[test]
    fn testers_are_found_by_id_or_name_and_link_to_the_domain() {
        assert_eq!(Tester::parse("internet.nl"), Some(Tester::InternetNl));
        assert_eq!(Tester::parse("INTERNET-NL"), Some(Tester::InternetNl));
        assert_eq!(Tester::parse("nope"), None);
        let d = DomainName::parse("example.com").unwrap();
        for tester in Tester::ALL {
            assert_eq!(Tester::parse(tester.id()), Some(tester));
            assert!(tester.url(&d).starts_with("https://"));
        }
        assert_eq!(Tester::Hardenize.url(&d), "https://www.hardenize.com/report/example.com");
    }

    #[test]
    fn reviews_are_due_weekly_while_testing_and_monthly_once_enforced() {
        let s = testing();
        let due = next_review(&s, t(3)).unwrap();
        assert_eq!((due.at, due.overdue, due.every_days), (t(7), false, 7));
        assert!(next_review(&s, t(8)).unwrap().overdue);
        let s = mark_reviewed(s, t(9));
        assert_eq!(next_review(&s, t(9)).unwrap().at, t(16));
        let mut e = s.clone();
        e.phase = Phase::Enforced;
        assert_eq!(next_review(&e, t(9)).unwrap().at, t(39));
        let mut pre = s;
        pre.phase = Phase::Validation;
        assert_eq!(next_review(&pre, t(9)), None);
    }

    #[test]
    fn an_old_state_file_without_the_table_loads_empty_and_round_trips() {
        let s = testing();
        let text = toml::to_string(&s).unwrap();
        assert!(!text.contains("walkthrough"), "{text}");
        let back: DomainState = toml::from_str(&text).unwrap();
        assert!(back.walkthrough.is_empty());
        let s = mark_reviewed(toggle_tester(s, Tester::Mxtoolbox, t(1)), t(2));
        let back: DomainState = toml::from_str(&toml::to_string(&s).unwrap()).unwrap();
        assert_eq!(back.walkthrough, s.walkthrough);
    }
}
