use super::*;
use crate::rfc::{Mode, MxPattern, PolicyId};

#[test]
fn mx_drift_gives_the_diff_and_returns_to_testing() {
    let s = enforced();
    let old_id = s.plan.id.clone();
    let now = plus_secs(at(T0), 60 * DAY);
    let mut obs = good_obs(&s, now);
    obs.live_mx = Some(vec![dn("mx1.example.com"), dn("mx.newprovider.net")]);
    let drift = detect_drift(&s, &obs).unwrap();
    assert_eq!(drift.added, vec![dn("mx.newprovider.net")]);
    assert_eq!(drift.removed, vec![MxPattern::parse("mx2.example.com").unwrap()]);
    let g = evaluate(&s, Some(&obs), None, now);
    assert!(kinds(&g).contains(&BlockerKind::MxDrift));
    assert!(g.next_action.starts_with(
        "the MX set changed: new MX hosts not in the policy: mx.newprovider.net; policy patterns no MX \
         host uses any more: mx2.example.com"
    ));
    let (t, tr) = advance(s, Some(&obs), None, None, now).unwrap();
    assert_eq!(tr, Transition { phase: Phase::Testing, at: now });
    assert_eq!(t.phase, Phase::Testing);
    assert_eq!(
        t.plan.mx,
        vec![MxPattern::parse("mx1.example.com").unwrap(), MxPattern::parse("mx.newprovider.net").unwrap()]
    );
    assert_eq!((t.plan.mode, t.plan.max_age), (Mode::Testing, 86_400));
    assert_ne!(t.plan.id, old_id);
    assert!(t.published.iter().all(|p| p.id != t.plan.id));
    let p = testing_progress(&t, now).unwrap();
    assert_eq!((p.day, p.days_remaining), (1, 29));
    assert!(detect_drift(&t, &obs).is_none());
}

#[test]
fn drift_keeps_wildcards_that_still_match_and_ignores_unknown_mx() {
    let s = set_mx(fresh(), vec![MxPattern::parse("*.mail.example.com").unwrap()], at(T0));
    let mut obs = good_obs(&s, at(T0));
    obs.live_mx = Some(vec![dn("a.mail.example.com"), dn("b.mail.example.com")]);
    assert_eq!(detect_drift(&s, &obs), None);
    obs.live_mx = None;
    assert_eq!(detect_drift(&s, &obs), None);
    obs.live_mx = Some(Vec::new());
    assert_eq!(detect_drift(&s, &obs), None);
    let moved = apply_drift(s.clone(), &[dn("a.mail.example.com"), dn("mx.other.net")], at(T0));
    assert_eq!(
        moved.plan.mx,
        vec![MxPattern::parse("*.mail.example.com").unwrap(), MxPattern::parse("mx.other.net").unwrap()]
    );
    assert_eq!(apply_drift(s.clone(), &[], at(T0)), s);
}

#[test]
fn body_changes_get_new_ids_and_rua_changes_do_not() {
    let s = fresh();
    let same = set_mx(s.clone(), s.plan.mx.clone(), plus_secs(at(T0), 5));
    assert_eq!(same.plan.id, s.plan.id);
    let changed = set_mx(s.clone(), vec![MxPattern::parse("mx9.example.com").unwrap()], at(T0));
    assert_ne!(changed.plan.id, s.plan.id);
    assert_eq!(changed.plan.id.as_str(), "20261101T1000001");
    let rua = set_rua(s.clone(), vec![crate::rfc::RuaUri::parse("mailto:r@example.net").unwrap()]);
    assert_eq!(rua.plan.id, s.plan.id);
}

#[test]
fn ids_are_never_reused_even_when_the_clock_goes_back() {
    let s = enforced();
    let earliest = s.published[0].id.clone();
    let mut rewound = s.clone();
    rewound.plan.id = PolicyId::parse("zzz").unwrap();
    let bumped = bump_id(rewound, s.published[0].at);
    assert_ne!(bumped.plan.id, earliest);
    assert!(s.published.iter().all(|p| p.id != bumped.plan.id));
}

#[test]
fn changed_policy_without_new_id_is_caught_and_advance_bumps_the_id() {
    let s = enforced();
    let now = plus_secs(at(T0), 40 * DAY);
    let mut obs = good_obs(&s, now);
    let mut edited = s.plan.policy();
    edited.max_age = 86_400;
    obs.live_policy = Some(edited);
    assert!(id_not_bumped(&s, &obs));
    assert!(!id_not_bumped(&s, &good_obs(&s, now)));
    let g = evaluate(&s, Some(&obs), None, now);
    assert!(kinds(&g).contains(&BlockerKind::IdNotBumped));
    assert!(g.next_action.starts_with("Advance (mtasts advance example.com) to give the plan a new id"));
    let (b, t) = advance(s.clone(), Some(&obs), None, None, now).unwrap();
    assert_eq!(t, Transition { phase: Phase::Enforced, at: now });
    assert_eq!(b.transitions, s.transitions, "an id bump is not a phase change");
    assert_ne!(b.plan.id, s.plan.id);
    assert_eq!(b.plan.policy(), s.plan.policy());
}

#[test]
fn rollback_plans_none_and_counts_down_from_the_largest_max_age() {
    let s = enforced();
    let now = plus_secs(at(T0), 50 * DAY);
    let r = plan_rollback(s.clone(), now);
    assert_eq!(r.phase, Phase::Rollback);
    assert_eq!((r.plan.mode, r.plan.max_age), (Mode::None, 86_400));
    assert_ne!(r.plan.id, s.plan.id);
    assert_eq!(plan_rollback(r.clone(), plus_secs(now, 10)), r);
    assert_eq!(rollback_countdown(&r, now), None);
    let g = evaluate(&r, Some(&good_obs(&s, now)), None, now);
    assert!(g.next_action.starts_with("Serve the new policy at") && g.next_action.contains("mode: none"));

    let live_at = plus_secs(now, 3600);
    let obs = good_obs(&r, live_at);
    let r = record_check(r, &obs);
    let c = rollback_countdown(&r, live_at).unwrap();
    assert_eq!(c.wait_secs, 604_800);
    assert_eq!(c.none_live_since, live_at);
    assert_eq!(c.removable_at, plus_secs(live_at, 7 * DAY));
    assert_eq!(c.remaining, jiff::SignedDuration::from_secs(7 * DAY));
    let almost = plus_secs(live_at, 7 * DAY - 1);
    assert!(!rollback_countdown(&r, almost).unwrap().complete);
    let g = evaluate(&r, Some(&good_obs(&r, almost)), None, almost);
    assert_eq!(kinds(&g), vec![BlockerKind::RollbackWaiting]);
    let end = plus_secs(live_at, 7 * DAY);
    let c = rollback_countdown(&r, end).unwrap();
    assert!(c.complete && c.remaining.is_zero());
    let g = evaluate(&r, Some(&good_obs(&r, end)), None, end);
    assert!(g.passed);
    assert!(g.next_action.contains("mtasts resume example.com"), "{}", g.next_action);
    assert!(g.next_action.contains("mtasts retire example.com"), "{}", g.next_action);
    assert_eq!(
        advance(r, Some(&obs), None, None, end).unwrap_err().blockers[0].kind,
        BlockerKind::FinalPhase
    );
}

#[test]
fn check_history_is_bounded() {
    let mut s = fresh();
    for i in 0..75 {
        s = record_check(s.clone(), &good_obs(&s, plus_secs(at(T0), i)));
    }
    assert_eq!(s.checks.len(), MAX_CHECKS);
    assert_eq!(s.checks[0].at, plus_secs(at(T0), 15));
    assert_eq!(s.checks.last().unwrap().at, plus_secs(at(T0), 74));
}
