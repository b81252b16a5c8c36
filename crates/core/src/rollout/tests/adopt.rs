use super::*;
use crate::finding::Code;
use crate::rfc::{Mode, Policy, PolicyId, RuaUri};

fn live(mode: Mode, max_age: u32) -> Observation {
    let s = fresh();
    let mut obs = good_obs(&s, at(T0));
    obs.sts_id = Some(PolicyId::parse("2024live").unwrap());
    obs.tlsrpt_rua = Some(vec![RuaUri::parse("mailto:reports@example.net").unwrap()]);
    obs.live_policy = Some(Policy { mode, max_age, mx: s.plan.mx.clone() });
    obs
}

#[test]
fn passing_testing_deployment_enters_testing_now() {
    let obs = live(Mode::Testing, 604_800);
    let s = adopt(dn("example.com"), &obs, at(T0));
    assert_eq!(s.phase, Phase::Testing);
    assert_eq!(s.plan.id.as_str(), "2024live");
    assert_eq!(s.plan.max_age, 604_800);
    assert_eq!(s.plan.rua, vec![RuaUri::parse("mailto:reports@example.net").unwrap()]);
    assert_eq!(testing_started(&s), Some(at(T0)));
    assert_eq!(s.published.len(), 1);
    assert_eq!(s.published[0].policy_sha256, obs.live_policy.as_ref().unwrap().sha256_hex());
}

#[test]
fn passing_enforce_deployment_is_enforced() {
    let s = adopt(dn("example.com"), &live(Mode::Enforce, 604_800), at(T0));
    assert_eq!(s.phase, Phase::Enforced);
    assert_eq!(enforced_at(&s), Some(at(T0)));
}

#[test]
fn failing_deployments_start_at_the_earliest_failing_phase() {
    let mut obs = live(Mode::Enforce, 604_800);
    obs.verdict = Verdict::Fail;
    obs.error_codes = vec![Code::PolicyContentType];
    let s = adopt(dn("example.com"), &obs, at(T0));
    assert_eq!(s.phase, Phase::Validation);
    let fixed = live(Mode::Enforce, 604_800);
    let (s, t) = advance(s, Some(&fixed), None, None, at(T0)).unwrap();
    assert_eq!((s.phase, t.phase), (Phase::Enforced, Phase::Enforced));

    let mut obs = live(Mode::Testing, 86_400);
    obs.mx_results[0].starttls_ok = false;
    assert_eq!(adopt(dn("example.com"), &obs, at(T0)).phase, Phase::Preflight);

    let mut obs = live(Mode::Testing, 86_400);
    obs.tlsrpt_rua = None;
    let s = adopt(dn("example.com"), &obs, at(T0));
    assert_eq!(s.phase, Phase::Records);
    assert_eq!(s.plan.rua, vec![RuaUri::default_for(&dn("example.com"))]);
}

#[test]
fn record_without_policy_gets_a_fresh_plan_and_id() {
    let mut obs = live(Mode::Testing, 86_400);
    obs.live_policy = None;
    let s = adopt(dn("example.com"), &obs, at(T0));
    assert_eq!(s.phase, Phase::Records);
    assert_ne!(s.plan.id.as_str(), "2024live");
    assert_eq!((s.plan.mode, s.plan.max_age), (Mode::Testing, 86_400));
    assert_eq!(s.plan.mx, fresh().plan.mx);
    assert!(s.published.is_empty());
}

#[test]
fn live_none_policy_is_a_rollback() {
    let s = adopt(dn("example.com"), &live(Mode::None, 86_400), at(T0));
    assert_eq!(s.phase, Phase::Rollback);
    let c = rollback_countdown(&s, at(T0)).unwrap();
    assert_eq!(c.removable_at, plus_secs(at(T0), DAY));
}
