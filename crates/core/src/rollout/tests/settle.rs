//! Every nameserver serving a new id, then the previous record's TTL: the settle kept in the
//! state, the gates that wait for it and the publication steps of a planned change.

use super::*;
use crate::finding::Code;
use crate::rfc::{Mode, PolicyId};

fn id(s: &str) -> PolicyId {
    PolicyId::parse(s).unwrap()
}

/// `good_obs` with the nameservers asked: all serve `ns_id` (or disagree, for `None`).
fn with_ns(mut obs: Observation, ns_id: Option<&PolicyId>, ttl: u32) -> Observation {
    obs.ns_sts = Some(NsSts { id: ns_id.cloned(), ttl: Some(ttl), skipped: Vec::new() });
    obs
}

#[test]
fn the_settle_starts_when_all_agree_restarts_after_a_lapse_and_keeps_the_previous_ttl() {
    let s = fresh();
    let t = at(T0);
    let obs = |when, ns: Option<&PolicyId>, ttl| with_ns(good_obs(&s, when), ns, ttl);
    let (a, b) = (id("aaa"), id("bbb"));

    assert_eq!(settle_ns(None, &good_obs(&s, t)), None, "no nameserver evidence: nothing known");
    let first = settle_ns(None, &obs(t, Some(&a), 3600)).unwrap();
    assert_eq!((first.id.clone(), first.since, first.wait_secs), (a.clone(), t, 3600));
    assert_eq!(first.until(), plus_secs(t, 3600));
    // The same check again, a later agreeing one, one without evidence: unchanged.
    assert_eq!(settle_ns(Some(first.clone()), &obs(t, Some(&a), 3600)), Some(first.clone()));
    let later = plus_secs(t, 600);
    assert_eq!(settle_ns(Some(first.clone()), &obs(later, Some(&a), 3600)), Some(first.clone()));
    assert_eq!(settle_ns(Some(first.clone()), &good_obs(&s, later)), Some(first.clone()));

    // A nameserver falls behind, then catches up: the wait starts again.
    let lapsed = settle_ns(Some(first.clone()), &obs(later, None, 3600)).unwrap();
    assert!(lapsed.lapsed && lapsed.since == t);
    let again = plus_secs(t, 1200);
    let back = settle_ns(Some(lapsed), &obs(again, Some(&a), 3600)).unwrap();
    assert_eq!((back.since, back.lapsed, back.wait_secs), (again, false, 3600));

    // A new id with a shorter TTL: resolvers may hold the previous record for its own TTL.
    let next = settle_ns(Some(back), &obs(plus_secs(t, DAY), Some(&b), 300)).unwrap();
    assert_eq!((next.id, next.ttl, next.wait_secs), (b, 300, 3600));
}

/// A domain in the enforce phase and the check showing the enforce id through the resolver.
fn entering() -> (DomainState, Timestamp) {
    let e = step(testing(), plus_secs(at(T0), 31 * DAY));
    assert_eq!(e.phase, Phase::Enforce);
    (e, plus_secs(at(T0), 32 * DAY))
}

#[test]
fn the_enforce_switch_waits_for_every_nameserver_then_for_the_ttl() {
    let (e, t) = entering();
    let old = e.published.last().unwrap().id.clone();
    let new = e.plan.id.clone();

    // A stale secondary still serves the testing id.
    let mut lagging = with_ns(good_obs(&e, t), None, 300);
    lagging.warning_codes = vec![Code::NsInconsistent];
    let s = record_check(e.clone(), &lagging);
    let g = evaluate(&s, Some(&lagging), None, t);
    assert_eq!(kinds(&g), vec![BlockerKind::NsLagging]);
    assert!(!g.blockers[0].message.contains("  "), "{}", g.blockers[0].message);
    assert!(g.next_action.starts_with("Wait: not every authoritative nameserver"), "{}", g.next_action);
    assert_eq!(s.ns_settle, None);

    // Without the finding but not agreeing on the new id either (one still on the old one).
    let behind = with_ns(good_obs(&e, t), Some(&old), 300);
    let g = evaluate(&s, Some(&behind), None, t);
    assert_eq!(
        g.blockers[0].message,
        format!(
            "not every authoritative nameserver serves id {new} yet; wait until each one does, then for the \
             previous record's TTL"
        )
    );

    // All agree from t1: blocked until t1 + TTL, with the time left.
    let t1 = plus_secs(t, 3600);
    let agreed = with_ns(good_obs(&e, t1), Some(&new), 300);
    let s = record_check(s, &agreed);
    assert_eq!(s.ns_settle.as_ref().map(|n| n.since), Some(t1));
    let g = evaluate(&s, Some(&agreed), None, t1);
    assert_eq!(kinds(&g), vec![BlockerKind::NsLagging]);
    assert_eq!(
        g.blockers[0].message,
        format!(
            "every nameserver serves id {new} since {}; wait until {} (TTL 300 s, 5 min left) for resolvers to \
             drop the old record",
            short_time(t1),
            plus_secs(t1, 300).strftime("%Y-%m-%d %H:%M:%S UTC")
        )
    );
    let late = advance(s.clone(), Some(&agreed), None, None, plus_secs(t1, 299)).unwrap_err();
    assert!(late.blockers[0].message.contains("(TTL 300 s, 1 s left)"), "{late}");
    let (done, _) = advance(s.clone(), Some(&agreed), None, None, plus_secs(t1, 300)).unwrap();
    assert_eq!(done.phase, Phase::Enforced);

    // A later check that did not hear from the nameservers keeps the known wait.
    let quiet = good_obs(&e, plus_secs(t1, 60));
    let s2 = record_check(s, &quiet);
    assert!(evaluate(&s2, Some(&quiet), None, plus_secs(t1, 60)).blockers[0].message.contains("TTL 300 s"));
    assert!(evaluate(&s2, Some(&quiet), None, plus_secs(t1, 300)).passed);
}

#[test]
fn without_nameserver_evidence_no_wait_is_invented() {
    let (e, t) = entering();
    let obs = good_obs(&e, t);
    let s = record_check(e, &obs);
    assert_eq!(s.ns_settle, None);
    assert!(evaluate(&s, Some(&obs), None, t).passed);
    // And a state file written before the settle existed loads without one.
    let mut json = serde_json::to_value(&s).unwrap();
    json.as_object_mut().unwrap().remove("ns_settle");
    let back: DomainState = serde_json::from_value(json).unwrap();
    assert_eq!(back.ns_settle, None);
}

#[test]
fn an_adopted_id_every_nameserver_serves_does_not_wait() {
    let s = fresh();
    let mut obs = with_ns(good_obs(&s, at(T0)), None, 3600);
    obs.sts_id = Some(id("2024live"));
    obs.ns_sts = Some(NsSts { id: Some(id("2024live")), ttl: Some(3600), skipped: Vec::new() });
    obs.live_policy =
        Some(crate::rfc::Policy { mode: Mode::Enforce, max_age: 604_800, mx: s.plan.mx.clone() });
    let s = record_check(adopt(dn("example.com"), &obs, at(T0)), &obs);
    assert_eq!(s.phase, Phase::Enforced);
    assert_eq!(s.ns_settle.as_ref().map(|n| (n.wait_secs, n.ttl)), Some((0, 3600)));
}

#[test]
fn a_planned_change_publication_waits_for_the_nameservers_and_the_ttl() {
    let s = enforced();
    let t = plus_secs(at(T0), 40 * DAY);
    let s = record_check(s.clone(), &with_ns(good_obs(&s, t), Some(&s.plan.id), 3600));
    let s = plan_max_age(s, 1_209_600, t).unwrap();
    let new = s.plan.id.clone();

    let t1 = plus_secs(t, 600);
    let lagging = with_ns(good_obs(&s, t1), None, 3600);
    let s = record_check(s, &lagging);
    let (s, done) = advance_change(s, Some(&lagging), t1);
    assert!(done.is_empty());
    assert!(step_complete(&s, Some(&lagging), t1).unwrap_err().starts_with("not every authoritative"));

    let t2 = plus_secs(t, 1200);
    let agreed = with_ns(good_obs(&s, t2), Some(&new), 300);
    let s = record_check(s, &agreed);
    let waiting = step_complete(&s, Some(&agreed), t2).unwrap_err();
    assert!(waiting.contains("(TTL 3600 s, 60 min left)"), "the previous record's TTL: {waiting}");
    let v = change_view(&s, Some(&agreed), t2).unwrap();
    assert_eq!(v.steps[0].earliest, Some(plus_secs(t2, 3600)));
    assert_eq!(v.waiting_for.as_deref(), Some(waiting.as_str()));

    let t3 = plus_secs(t2, 3600);
    let (s, done) = advance_change(s, Some(&agreed), t3);
    assert_eq!((done, s.change), (vec![0], None));
}

#[test]
fn a_first_publication_replaces_no_record_so_only_a_lagging_nameserver_holds_it() {
    let r = step(fresh(), at(T0));
    assert_eq!(r.phase, Phase::Records);
    assert!(r.published.iter().all(|p| p.id == r.plan.id), "no earlier id was live");
    let t = plus_secs(at(T0), 60);
    let mut lagging = with_ns(good_obs(&r, t), None, 3600);
    lagging.warning_codes = vec![Code::NsInconsistent];
    let g = evaluate(&record_check(r.clone(), &lagging), Some(&lagging), None, t);
    assert!(kinds(&g).contains(&BlockerKind::NsLagging), "{:?}", g.blockers);
    let agreed = with_ns(good_obs(&r, t), Some(&r.plan.id), 3600);
    let s = record_check(r, &agreed);
    let g = evaluate(&s, Some(&agreed), None, t);
    assert!(!kinds(&g).contains(&BlockerKind::NsLagging), "{:?}", g.blockers);
}

#[test]
fn the_wait_names_a_nameserver_that_gave_no_answer_instead_of_claiming_every_one() {
    let (e, t) = entering();
    let new = e.plan.id.clone();
    let mut agreed = with_ns(good_obs(&e, t), Some(&new), 300);
    let dead =
        "ns2.example.com [192.0.2.2]:53 (refused: nothing listens on that port (ICMP port unreachable))";
    if let Some(ns) = agreed.ns_sts.as_mut() {
        ns.skipped = vec![dead.to_owned()];
    }
    let s = record_check(e, &agreed);
    let g = evaluate(&s, Some(&agreed), None, t);
    let message = &g.blockers[0].message;
    assert!(
        message.starts_with(&format!("every nameserver that answered serves id {new} since")),
        "{message}"
    );
    assert!(message.contains(&format!("; {dead} gave no answer and was skipped")), "{message}");
    assert!(!message.contains("  "), "{message}");
}
