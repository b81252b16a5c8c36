use super::*;
use crate::rfc::{Mode, MxPattern};

fn p(s: &str) -> MxPattern {
    MxPattern::parse(s).unwrap()
}

/// A check at `when` showing `state`'s plan live with MX hosts `mx`.
fn seen(state: &DomainState, when: Timestamp, mx: &[&str]) -> Observation {
    let mut o = good_obs(state, when);
    o.live_mx = Some(mx.iter().map(|h| dn(h)).collect());
    o
}

fn confirm(state: DomainState, obs: &Observation) -> (DomainState, Vec<usize>) {
    let state = record_check(state, obs);
    advance_change(state, Some(obs), obs.at)
}

#[test]
fn history_records_versions_and_their_replacement() {
    let s = enforced();
    let versions: Vec<(Mode, u32, bool)> =
        s.history.iter().map(|v| (v.mode, v.max_age, v.replaced_seen.is_some())).collect();
    assert_eq!(versions, vec![(Mode::Testing, 86_400, true), (Mode::Enforce, 604_800, false)]);
    let enforce_live = s.history[1].first_seen;
    assert_eq!(s.history[0].replaced_seen, Some(enforce_live));
    assert_eq!(current_version(&s.history).map(|v| v.mode), Some(Mode::Enforce));
    // A later check extends the live version; an older one changes nothing.
    let later = plus_secs(at(T0), 50 * DAY);
    let s2 = record_check(s.clone(), &good_obs(&s, later));
    assert_eq!(s2.history[1].last_seen, later);
    let s3 = record_check(s2.clone(), &good_obs(&s, at(T0)));
    assert_eq!(s3.history, s2.history);
    assert_eq!(s.history_since, Some(at(T0)));
}

#[test]
fn a_provider_switch_is_planned_with_dates_and_checked_step_by_step() {
    let s = enforced();
    let t = plus_secs(at(T0), 40 * DAY);
    let s = record_check(s.clone(), &good_obs(&s, t));
    let old_id = s.plan.id.clone();
    let s = plan_mx(s, vec![p("mx.new.net")], vec![p("mx1.example.com"), p("mx2.example.com")], t).unwrap();
    assert_eq!(s.plan.mx, vec![p("mx1.example.com"), p("mx2.example.com"), p("mx.new.net")]);
    assert_ne!(s.plan.id, old_id);
    assert_eq!(s.plan.mode, Mode::Enforce);

    let v = change_view(&s, s.last_observation.as_ref(), t).unwrap();
    assert_eq!(v.what, "MX hosts: add mx.new.net, remove mx1.example.com, mx2.example.com");
    let dates: Vec<Option<Timestamp>> = v.steps.iter().map(|s| s.earliest).collect();
    let week = plus_secs(t, 7 * DAY);
    assert_eq!(
        dates,
        vec![Some(t), Some(week), Some(week), Some(plus_secs(week, DAY)), Some(plus_secs(week, DAY))]
    );
    assert!(v.steps[0].action.contains("mx: mx.new.net") && v.steps[0].action.contains(s.plan.id.as_str()));
    let g = evaluate(&s, s.last_observation.as_ref(), None, t);
    assert!(g.next_action.starts_with("Planned change (MX hosts: add mx.new.net"), "{}", g.next_action);

    // Publishing the union a day later starts the week's wait from then.
    let t1 = plus_secs(t, DAY);
    let (s, done) = confirm(s.clone(), &seen(&s, t1, &["mx1.example.com", "mx2.example.com"]));
    assert_eq!(done, vec![0]);
    assert_eq!(
        detect_drift(&s, s.last_observation.as_ref().unwrap()),
        None,
        "new hosts not in DNS yet are planned"
    );
    let wait_end = plus_secs(t1, 7 * DAY);
    assert_eq!(step_complete(&s, None, t1), Err(format!("wait until {}", short_time(wait_end))));
    let held = held_now(&s, s.last_observation.as_ref(), t1);
    assert_eq!(held.len(), 2);
    assert_eq!((held[0].id.clone(), held[0].until, held[0].live), (old_id.clone(), wait_end, false));
    let lines = maintenance_lines(&s, t1);
    assert!(
        lines[0].starts_with(&format!(
            "senders may still hold: enforce, id {old_id} (mx1.example.com, mx2.example.com) until"
        )),
        "{lines:?}"
    );
    assert!(lines.iter().any(|l| l.starts_with("▶ 2. from ")), "{lines:?}");

    // A day before the end nothing moves, even with the MX records already switched.
    let early = plus_secs(wait_end, -DAY);
    let (s, done) = confirm(s.clone(), &seen(&s, early, &["mx1.example.com", "mx2.example.com"]));
    assert!(done.is_empty());
    // After the wait: the switch is the step; a check without it does not complete it.
    let (s, done) = confirm(s.clone(), &seen(&s, wait_end, &["mx1.example.com", "mx2.example.com"]));
    assert_eq!(done, vec![1]);
    assert!(matches!(current_step(&s), Some((2, Step::SwitchMx { .. }))));
    let t3 = plus_secs(wait_end, 3600);
    let (s, done) = confirm(s.clone(), &seen(&s, t3, &["mx.new.net"]));
    assert_eq!(done, vec![2]);
    let (s, done) = confirm(s.clone(), &seen(&s, plus_secs(t3, DAY - 1), &["mx.new.net"]));
    assert!(done.is_empty());
    let t4 = plus_secs(t3, DAY);
    let (s, done) = confirm(s.clone(), &seen(&s, t4, &["mx.new.net"]));
    assert_eq!(done, vec![3]);
    assert_eq!(s.plan.mx, vec![p("mx.new.net")]);
    let (s, done) = confirm(s.clone(), &seen(&s, plus_secs(t4, 600), &["mx.new.net"]));
    assert_eq!(done, vec![4]);
    assert_eq!(s.change, None);
    assert_eq!(s.phase, Phase::Enforced);
}

#[test]
fn lowering_max_age_waits_for_the_old_one_and_raising_does_not() {
    let s = enforced();
    let t = plus_secs(at(T0), 40 * DAY);
    let s = record_check(s.clone(), &good_obs(&s, t));
    let low = plan_max_age(s.clone(), 86_400, t).unwrap();
    assert_eq!(low.plan.max_age, 86_400);
    let (low, done) = confirm(low.clone(), &good_obs(&low, t));
    assert_eq!(done, vec![0]);
    assert_eq!(
        step_complete(&low, None, t),
        Err(format!("wait until {}", short_time(plus_secs(t, 7 * DAY))))
    );
    let (low, done) = advance_change(low, None, plus_secs(t, 7 * DAY));
    assert_eq!((done, low.change), (vec![1], None));

    let high = plan_max_age(s.clone(), 1_209_600, t).unwrap();
    let (high, done) = confirm(high.clone(), &good_obs(&high, t));
    assert_eq!((done, high.change), (vec![0], None));
    assert_eq!(plan_max_age(s.clone(), 0, t), Err(PlanError::MaxAge(0)));
    assert!(matches!(
        plan_mx(s.clone(), vec![], vec![p("mx9.example.com")], t),
        Err(PlanError::NotPlanned(..))
    ));
    assert!(matches!(plan_mx(s.clone(), vec![p("mx1.example.com")], vec![], t), Err(PlanError::Nothing(_))));
    let many: Vec<MxPattern> = (0..crate::rfc::MAX_POLICY_MX).map(|i| p(&format!("mx{i}.new.net"))).collect();
    let from = s.plan.mx.len();
    assert_eq!(
        plan_mx(s.clone(), many, vec![], t),
        Err(PlanError::TooManyMx(from + crate::rfc::MAX_POLICY_MX)),
        "old and new are listed together while the change runs"
    );
    let busy = plan_max_age(s, 86_400, t).unwrap();
    assert!(matches!(plan_max_age(busy.clone(), 3600, t), Err(PlanError::InProgress(_))));
    assert_eq!(cancel(busy).change, None);
}

#[test]
fn an_unplanned_switch_says_what_senders_do_meanwhile_and_rollback_waits_for_them() {
    let s = enforced();
    let t = plus_secs(at(T0), 40 * DAY);
    let obs = seen(&s, t, &["mx.new.net"]);
    let g = evaluate(&s, Some(&obs), None, t);
    let drift = g.blockers.iter().find(|b| b.kind == BlockerKind::MxDrift).unwrap();
    assert!(
        drift.message.contains(&format!(
            "Meanwhile senders that cached the enforce policy id {} refuse delivery to mx.new.net while it stays live",
            s.plan.id
        )),
        "{}",
        drift.message
    );
    // Back to testing with a new id: the enforce version is still held for its max_age.
    let s = record_check(s, &obs);
    let (moved, _) = advance(s.clone(), Some(&obs), None, None, t).unwrap();
    let republished = seen(&moved, plus_secs(t, 3600), &["mx.new.net"]);
    let moved = record_check(moved, &republished);
    let held = held_now(&moved, moved.last_observation.as_ref(), plus_secs(t, 2 * 3600));
    let enforce = held.iter().find(|v| v.mode == Mode::Enforce).unwrap();
    assert_eq!(enforce.until, plus_secs(t, 3600 + 7 * DAY));
    assert!(enforce.refuses());

    // Rollback: drops a planned change; the countdown also waits for every version the model
    // says may be held.
    let moved = plan_max_age(moved, 3600, plus_secs(t, 2 * 3600)).unwrap();
    let r = plan_rollback(moved, plus_secs(t, 2 * 3600));
    assert_eq!(r.change, None);
    let live_at = plus_secs(t, 3 * 3600);
    let r = record_check(r.clone(), &seen(&r, live_at, &["mx.new.net"]));
    let c = rollback_countdown(&r, live_at).unwrap();
    assert_eq!(c.removable_at, plus_secs(live_at, 7 * DAY));
}
