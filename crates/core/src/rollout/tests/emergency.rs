//! A domain bouncing mail: the live policy enforces and an MX host fails it.

use super::*;
use crate::rfc::{Mode, Policy};

fn expired(mut obs: Observation, host: &str, when: Timestamp) -> Observation {
    for r in obs.mx_results.iter_mut().filter(|r| r.host.as_str() == host) {
        r.not_after = Some(plus_secs(when, -10 * DAY));
    }
    obs
}

/// A domain adopted in preflight whose live policy already enforces (the demo's
/// expired.example): mx1's certificate expired ten days ago.
fn bouncing() -> (DomainState, Observation, Timestamp) {
    let now = plus_secs(at(T0), 3 * DAY);
    let live = Policy { mode: Mode::Enforce, max_age: ENFORCE_MAX_AGE, ..fresh().plan.policy() };
    let mut obs = good_obs(&fresh(), now);
    obs.live_policy = Some(live);
    let obs = expired(obs, "mx1.example.com", now);
    let state = adopt(dn("example.com"), &obs, now);
    (state, obs, now)
}

#[test]
fn an_expired_mx_certificate_under_enforce_is_an_emergency_in_any_phase() {
    let (state, obs, now) = bouncing();
    let e = emergency(&state, &obs, now).expect("mail is refused");
    assert_eq!(e.refused.len(), 1);
    assert_eq!(e.refused[0].host.as_str(), "mx1.example.com");
    assert_eq!(e.refused[0].why, "its certificate expired on 2026-10-25");
    assert_eq!(e.accepted, vec![dn("mx2.example.com")]);
    assert_eq!(e.held_max_age, ENFORCE_MAX_AGE);
    for phase in [Phase::Preflight, Phase::Records, Phase::Hosting, Phase::Validation, Phase::Enforced] {
        let s = DomainState { phase, ..state.clone() };
        let g = evaluate(&s, Some(&obs), None, now);
        assert_eq!(g.blockers[0].kind, BlockerKind::DeliveryRefused, "{phase}: {:?}", kinds(&g));
        assert!(!g.blockers[0].overridable, "{phase}: never a judgement call");
        assert!(!kinds(&g).contains(&BlockerKind::MxCertExpired), "{phase}: not said twice");
        assert!(g.next.verbs().any(|v| v == Verb::RollBack), "{phase}: {}", g.next_action);
        assert!(g.next_action.contains("mtasts rollback example.com"), "{}", g.next_action);
    }
}

#[test]
fn every_kind_of_refusal_is_named_and_a_healthy_or_testing_domain_is_no_emergency() {
    let (state, obs, now) = bouncing();
    let mut o = good_obs(&fresh(), now);
    o.live_policy = obs.live_policy.clone();
    assert_eq!(emergency(&state, &o, now), None, "every MX passes");
    o.mx_results[0].starttls_ok = false;
    o.mx_results[1].name_ok = false;
    let e = emergency(&state, &o, now).unwrap();
    assert_eq!(e.refused[0].why, "it does not complete STARTTLS");
    assert_eq!(e.refused[1].why, "its certificate is not valid for the name mx2.example.com");
    assert!(e.accepted.is_empty());
    assert!(e.message().ends_with("mail waits in senders' queues and then bounces"), "{}", e.message());
    let mut o = good_obs(&fresh(), now);
    o.live_policy = obs.live_policy.clone();
    o.live_mx = Some(vec![dn("mx1.example.com"), dn("mx9.example.net")]);
    let e = emergency(&state, &o, now).unwrap();
    assert_eq!(e.refused[0].host.as_str(), "mx9.example.net");
    assert_eq!(e.refused[0].why, "the live policy does not list it");
    // mode: testing: senders deliver anyway; unknown MX hosts or policy: nothing to assert.
    let mut t = obs.clone();
    t.live_policy = Some(fresh().plan.policy());
    assert_eq!(emergency(&state, &t, now), None);
    let mut unknown = obs.clone();
    unknown.live_mx = None;
    assert_eq!(emergency(&state, &unknown, now), None);
    let rolling = DomainState { phase: Phase::Rollback, ..state };
    assert_eq!(emergency(&rolling, &obs, now), None, "the way out is already taken");
}

#[test]
fn the_plan_says_what_it_does_in_order() {
    let (state, obs, now) = bouncing();
    let e = emergency(&state, &obs, now).unwrap();
    let lines: Vec<String> = e.plan(&state, now).iter().map(|n| n.cli(&state.domain)).collect();
    assert!(lines[0].contains("refuse mx1.example.com (its certificate expired on 2026-10-25)"), "{lines:?}");
    assert!(lines[0].contains("they deliver only to mx2.example.com"), "{lines:?}");
    assert!(lines[2].contains("mode: none with max_age 86400 and a new id"), "{lines:?}");
    let serve = lines[2].find("https://mta-sts.example.com/.well-known/mta-sts.txt").unwrap();
    let id = lines[2].find("TXT _mta-sts.example.com").unwrap();
    assert!(serve < id, "the policy first, then the id: {}", lines[2]);
    assert!(lines[3].contains("max_age (7 days)"), "{lines:?}");
    assert!(lines[3].contains("to about 2026-11-11"), "{lines:?}");
    assert!(lines[3].contains("mtasts resume example.com") && lines[3].contains("mtasts retire example.com"));
    // Taking it is the rollback: mode none, a new id, a countdown over the enforce max_age.
    let r = plan_rollback(record_check(state.clone(), &obs), now);
    assert_eq!((r.phase, r.plan.mode), (Phase::Rollback, Mode::None));
    assert_ne!(r.plan.id, state.plan.id);
    // Once mode: none is served, verifying it is not held up by the certificate it answers.
    let mut served = obs.clone();
    served.live_policy = Some(r.plan.policy());
    served.error_codes = vec![crate::finding::Code::MxCertExpired];
    let steps = publish_steps(&r, Some(&served));
    assert!(steps[0].done && steps[1].done && !steps[2].done, "{steps:?}");
}

#[test]
fn a_plan_that_ends_the_refusals_is_the_way_forward() {
    let (state, obs, now) = bouncing();
    let e = emergency(&state, &obs, now).unwrap();
    assert!(!e.fixed_by_plan(&state, &obs), "the plan is what is live: only the way out helps");
    // Back to testing (a plan of mode: testing not yet served): its publication is next.
    let testing = DomainState {
        plan: Plan { mode: Mode::Testing, ..state.plan.clone() },
        phase: Phase::Testing,
        ..state.clone()
    };
    assert!(e.fixed_by_plan(&testing, &obs));
    let g = evaluate(&testing, Some(&obs), None, now);
    assert_eq!(g.blockers[0].kind, BlockerKind::DeliveryRefused, "mail is still refused now");
    assert!(!g.next.verbs().any(|v| v == Verb::RollBack), "{}", g.next_action);
}
