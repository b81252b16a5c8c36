//! The ways out of a rollback: resume testing, or remove MTA-STS records first.

use super::*;
use crate::rfc::Mode;

/// Enforced, rolled back at T0 + 50 days, `mode: none` live an hour later; returns the state
/// and the instant the countdown ends.
fn rolled_back() -> (DomainState, Timestamp) {
    let now = plus_secs(at(T0), 50 * DAY);
    let r = plan_rollback(enforced(), now);
    let live_at = plus_secs(now, 3600);
    let r = record_check(r.clone(), &good_obs(&r, live_at));
    let end = rollback_countdown(&r, live_at).unwrap().removable_at;
    (r, end)
}

#[test]
fn resume_gives_a_new_testing_id_and_a_fresh_window() {
    let (r, end) = rolled_back();
    let none_id = r.plan.id.clone();
    let (s, t) = resume_testing(r.clone(), end).unwrap();
    assert_eq!((s.phase, t.phase, t.at), (Phase::Testing, Phase::Testing, end));
    assert_eq!((s.plan.mode, s.plan.max_age), (Mode::Testing, TESTING_MAX_AGE));
    assert_ne!(s.plan.id, none_id);
    assert!(s.published.iter().all(|p| p.id != s.plan.id), "a new id, never used before");
    let p = testing_progress(&s, end).unwrap();
    assert_eq!((p.day, p.days_remaining, p.complete), (1, 29, false));
    let g = evaluate(&s, Some(&good_obs(&r, end)), None, end);
    assert!(kinds(&g).contains(&BlockerKind::PolicyNotLive), "{:?}", kinds(&g));
    assert!(g.next_action.starts_with("Serve the new policy at"), "{}", g.next_action);
    assert!(matches!(resume_testing(s, end), Err(WayOutError::NotRollingBack(..))));
    assert!(resume_testing(r, plus_secs(end, -DAY)).is_ok(), "resuming never waits for the countdown");
}

#[test]
fn removal_waits_for_the_countdown_then_takes_the_records_first() {
    let (r, end) = rolled_back();
    let early = plus_secs(end, -1);
    assert!(matches!(plan_removal(r.clone(), early), Err(WayOutError::CountdownRunning(_, t)) if t == end));
    let s = plan_removal(r.clone(), end).unwrap();
    assert_eq!(s.phase, Phase::Rollback);
    let g = evaluate(&s, Some(&good_obs(&r, end)), None, end);
    assert_eq!(kinds(&g), vec![BlockerKind::RollbackWaiting]);
    assert!(g.blockers[0].message.contains("still published"), "{}", g.blockers[0].message);
    assert!(g.next.verbs().any(|v| v == Verb::Check));
    assert!(g.next_action.contains("delete TXT _mta-sts.example.com"), "{}", g.next_action);

    let gone_at = plus_secs(end, 3600);
    let mut gone = good_obs(&r, gone_at);
    gone.sts_id = None;
    let s = record_check(s, &gone);
    let v = removal_view(&s, gone_at).unwrap();
    assert_eq!(v.records_gone_at, Some(gone_at));
    assert_eq!(v.wait_secs, ENFORCE_MAX_AGE, "the largest max_age ever published");
    let host_at = plus_secs(gone_at, i64::from(ENFORCE_MAX_AGE));
    assert_eq!(v.host_removable_at, Some(host_at));
    let later = plus_secs(gone_at, DAY);
    let mut obs = gone.clone();
    obs.at = later;
    let s = record_check(s, &obs);
    assert_eq!(removal_view(&s, later).unwrap().records_gone_at, Some(gone_at), "the first sighting counts");
    let g = evaluate(&s, Some(&obs), None, later);
    assert!(!g.passed && g.blockers[0].message.contains("keep serving it until"), "{:?}", g.blockers);
    obs.at = host_at;
    let g = evaluate(&s, Some(&obs), None, host_at);
    assert!(g.passed, "{:?}", g.blockers);
    assert_eq!(g.next.verbs().collect::<Vec<_>>(), vec![Verb::StopTracking]);
    assert!(g.next_action.contains("mtasts remove example.com --yes"), "{}", g.next_action);
}

#[test]
fn a_record_that_comes_back_restarts_the_wait() {
    let (r, end) = rolled_back();
    let s = plan_removal(r.clone(), end).unwrap();
    let mut gone = good_obs(&r, end);
    gone.sts_id = None;
    let s = record_check(s, &gone);
    assert!(removal_view(&s, end).unwrap().records_gone_at.is_some());
    let back = good_obs(&r, plus_secs(end, 60));
    let s = record_check(s, &back);
    assert_eq!(removal_view(&s, end).unwrap().records_gone_at, None);
    let (s, _) = resume_testing(s, plus_secs(end, 120)).unwrap();
    assert!(s.removal.is_none(), "resuming drops the removal");
}

#[test]
fn next_steps_name_verbs_the_cli_writes_as_commands() {
    let s = testing();
    let now = plus_secs(at(T0), 3 * DAY);
    let g = evaluate(&s, None, None, now);
    assert_eq!(g.next.verbs().collect::<Vec<_>>(), vec![Verb::Check]);
    assert_eq!(g.next_action, "Run a check: mtasts check example.com");
    let keys = g.next.render(|_| "press r".to_owned());
    assert_eq!(keys, "Run a check: press r");
    let g = evaluate(&s, Some(&good_obs(&s, now)), None, now);
    assert!(g.next.verbs().any(|v| v == Verb::Reports), "{:?}", g.next);
    assert!(!g.next.render(|_| "R".to_owned()).contains("mtasts"));
}

#[test]
fn a_finished_window_says_when_it_ended_and_no_blocker_outlives_it() {
    let s = testing();
    let started = entered_at(&s, Phase::Testing).unwrap();
    let mid = plus_secs(started, 15 * DAY + 60);
    let p = testing_progress(&s, mid).unwrap();
    assert_eq!(p.words(mid), "day 16 of 30, 14 days left");
    let g = evaluate(&s, Some(&good_obs(&s, mid)), Some(&reports_ok()), mid);
    assert_eq!(kinds(&g), vec![BlockerKind::WindowIncomplete]);
    let late = plus_secs(started, 47 * DAY + 60);
    let p = testing_progress(&s, late).unwrap();
    assert_eq!((p.complete, p.ended_days_ago(late)), (true, Some(17)));
    assert_eq!(p.words(late), "window ended 17 days ago");
    let g = evaluate(&s, Some(&good_obs(&s, late)), Some(&reports_ok()), late);
    assert!(g.passed, "{:?}", g.blockers);
    assert!(!g.next_action.contains("day 16"), "{}", g.next_action);
    let end = plus_secs(started, 30 * DAY);
    assert_eq!(testing_progress(&s, end).unwrap().words(end), "window ended today");
}
