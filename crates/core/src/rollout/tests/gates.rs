use super::*;
use crate::finding::Code;
use crate::rfc::{Mode, RuaUri};

#[test]
fn new_domain_defaults() {
    let s = fresh();
    assert_eq!(s.schema, 2);
    assert_eq!(s.phase, Phase::Preflight);
    assert_eq!(s.plan.mode, Mode::Testing);
    assert_eq!(s.plan.max_age, 86_400);
    assert_eq!(s.plan.window_days, 30);
    assert_eq!(s.plan.id.as_str(), "20261101T100000");
    assert_eq!(s.plan.rua, vec![RuaUri::parse("mailto:tlsrpt@example.com").unwrap()]);
    assert_eq!(s.transitions, vec![Transition { phase: Phase::Preflight, at: at(T0) }]);
    let zero = new_domain(dn("example.org"), Vec::new(), Vec::new(), Some(0), at(T0));
    assert_eq!(zero.plan.window_days, 1);
}

#[test]
fn no_check_blocks_and_asks_for_one() {
    let g = evaluate(&fresh(), None, None, at(T0));
    assert!(!g.passed);
    assert_eq!(kinds(&g), vec![BlockerKind::NoCheck]);
    assert_eq!(g.next_action, "Run a check: mtasts check example.com");
    let err = advance(fresh(), None, None, Some("go".into()), at(T0)).unwrap_err();
    assert_eq!(err.phase, Phase::Preflight);
    assert!(!err.overridable());
    assert_eq!(
        err.to_string(),
        "example.com cannot leave preflight: no live check of example.com has been run yet"
    );
}

#[test]
fn stale_check_blocks() {
    let s = fresh();
    let obs = good_obs(&s, at(T0));
    let g = evaluate(&s, Some(&obs), None, plus_secs(at(T0), DAY + 1));
    assert_eq!(kinds(&g), vec![BlockerKind::CheckStale]);
    assert!(evaluate(&s, Some(&obs), None, plus_secs(at(T0), DAY)).passed);
}

#[test]
fn preflight_passes_and_moves_to_records() {
    let s = fresh();
    let obs = good_obs(&s, at(T0));
    let g = evaluate(&s, Some(&obs), None, at(T0));
    assert!(g.passed, "{:?}", g.blockers);
    assert!(g.next_action.contains("needs its own rollout"));
    let (s, t) = advance(s, Some(&obs), None, None, at(T0)).unwrap();
    assert_eq!(t, Transition { phase: Phase::Records, at: at(T0) });
    assert_eq!(s.phase, Phase::Records);
    assert!(s.acks.is_empty());
}

#[test]
fn preflight_tls_failures_can_be_acknowledged_and_are_recorded() {
    let s = fresh();
    let mut obs = good_obs(&s, at(T0));
    obs.mx_results[1].starttls_ok = false;
    obs.mx_results[0].not_after = Some(plus_secs(at(T0), -1));
    let g = evaluate(&s, Some(&obs), None, at(T0));
    assert_eq!(kinds(&g), vec![BlockerKind::MxCertExpired, BlockerKind::MxStarttlsMissing]);
    assert!(g.blockers.iter().all(|b| b.overridable));
    assert!(g.blockers[1].message.contains("mx2.example.com does not complete STARTTLS"));
    let err = advance(s.clone(), Some(&obs), None, None, at(T0)).unwrap_err();
    assert!(err.overridable());
    let blank = advance(s.clone(), Some(&obs), None, Some("  ".into()), at(T0));
    assert!(blank.is_err(), "an empty acknowledgement overrides nothing");
    let (s, _) = advance(s, Some(&obs), None, Some("mx2 is being replaced".into()), at(T0)).unwrap();
    assert_eq!(s.phase, Phase::Records);
    assert_eq!(
        s.acks,
        vec![Ack {
            at: at(T0),
            phase: Phase::Preflight,
            overridden: vec![BlockerKind::MxCertExpired, BlockerKind::MxStarttlsMissing],
            text: "mx2 is being replaced".into(),
        }]
    );
}

#[test]
fn uncovered_or_missing_mx_is_hard() {
    let s = fresh();
    let mut obs = good_obs(&s, at(T0));
    obs.live_mx = Some(vec![dn("mx1.example.com"), dn("mx3.example.net")]);
    let g = evaluate(&s, Some(&obs), None, at(T0));
    assert!(kinds(&g).contains(&BlockerKind::MxNotCovered));
    assert!(kinds(&g).contains(&BlockerKind::MxNotChecked));
    let err = advance(s.clone(), Some(&obs), None, Some("ok".into()), at(T0)).unwrap_err();
    assert!(!err.overridable());
    obs.live_mx = Some(Vec::new());
    let g = evaluate(&s, Some(&obs), None, at(T0));
    assert_eq!(kinds(&g), vec![BlockerKind::MxUnknown]);
}

#[test]
fn records_gate_compares_id_and_rua_set() {
    let s = step(fresh(), at(T0));
    assert_eq!(s.phase, Phase::Records);
    let mut obs = good_obs(&s, at(T0));
    obs.sts_id = Some(crate::rfc::PolicyId::parse("old1").unwrap());
    obs.tlsrpt_rua = None;
    let g = evaluate(&s, Some(&obs), None, at(T0));
    assert_eq!(kinds(&g), vec![BlockerKind::StsRecordNotLive, BlockerKind::TlsRptRecordNotLive]);
    assert_eq!(
        g.blockers[0].message,
        "_mta-sts.example.com has id old1 but the plan says 20261101T100000; publish \"v=STSv1; id=20261101T100000\""
    );
    assert_eq!(
        g.next_action,
        "Publish TXT _mta-sts.example.com \"v=STSv1; id=20261101T100000\" and TXT _smtp._tls.example.com \
         \"v=TLSRPTv1; rua=mailto:tlsrpt@example.com\", then advance (mtasts advance example.com)."
    );
    let two = vec![
        RuaUri::parse("https://r.example.net/tlsrpt").unwrap(),
        RuaUri::parse("mailto:a@example.com").unwrap(),
    ];
    let s = set_rua(s, two.clone());
    let mut obs = good_obs(&s, at(T0));
    obs.tlsrpt_rua = Some(two.into_iter().rev().collect());
    assert!(evaluate(&s, Some(&obs), None, at(T0)).passed, "rua order does not matter");
}

#[test]
fn hosting_gate_needs_a_path_and_the_planned_body() {
    let s = step(step(fresh(), at(T0)), at(T0));
    assert_eq!(s.phase, Phase::Hosting);
    let mut obs = good_obs(&s, at(T0));
    let mut live = s.plan.policy();
    live.max_age = 604_800;
    obs.live_policy = Some(live);
    let g = evaluate(&s, Some(&obs), None, at(T0));
    assert_eq!(kinds(&g), vec![BlockerKind::HostingNotChosen, BlockerKind::PolicyNotLive]);
    assert!(g.blockers[1].message.ends_with("max_age is 604800 (plan: 86400)"));
    assert!(g.next_action.starts_with("Choose a hosting path"));
    let s = set_hosting(s, HostingPath::StaticHeaders);
    let g = evaluate(&s, Some(&obs), None, at(T0));
    assert_eq!(
        g.next_action,
        "Serve at https://mta-sts.example.com/.well-known/mta-sts.txt as text/plain (snippet: mtasts \
         generate --target headers example.com): version: STSv1; mode: testing; mx: mx1.example.com; \
         mx: mx2.example.com; max_age: 86400"
    );
    let (s, t) = advance(s.clone(), Some(&good_obs(&s, at(T0))), None, None, at(T0)).unwrap();
    assert_eq!((s.phase, t.phase), (Phase::Validation, Phase::Validation));
}

#[test]
fn validation_errors_block_and_passing_starts_testing() {
    let s = set_hosting(step(step(fresh(), at(T0)), at(T0)), HostingPath::Caddy);
    let s = step(s, at(T0));
    assert_eq!(s.phase, Phase::Validation);
    let mut obs = good_obs(&s, at(T0));
    obs.verdict = Verdict::Fail;
    obs.error_codes = vec![Code::PolicyContentType];
    let err = advance(s.clone(), Some(&obs), None, Some("please".into()), at(T0)).unwrap_err();
    assert_eq!(err.blockers[0].kind, BlockerKind::CheckFailing);
    assert!(err.blockers[0].message.contains("policy-content-type"));
    let g = evaluate(&s, Some(&obs), None, at(T0));
    assert_eq!(
        g.next_action,
        "Fix the errors the last check found (a check lists each with its fix), then check again (mtasts check example.com).",
        "where the fixes are, not the blocker's words again"
    );
    let start = at("2026-11-02T08:30:00Z");
    let (s, t) = advance(s.clone(), Some(&good_obs(&s, start)), None, None, start).unwrap();
    assert_eq!(t, Transition { phase: Phase::Testing, at: start });
    assert_eq!(testing_started(&s), Some(start));
    assert!(s.published.iter().any(|p| p.id == s.plan.id && p.mode == Mode::Testing));
}

#[test]
fn a_check_is_old_after_four_hours_and_a_gate_refuses_it_after_a_day() {
    let t = at(T0);
    assert!(!check_is_old(t, plus_secs(t, RECHECK_AFTER_SECS - 1)));
    assert!(check_is_old(t, plus_secs(t, RECHECK_AFTER_SECS)));
    let s = fresh();
    let g = evaluate(&s, Some(&good_obs(&s, t)), None, plus_secs(t, RECHECK_AFTER_SECS));
    assert!(!kinds(&g).contains(&BlockerKind::CheckStale), "old news is not yet refused");
    let g = evaluate(&s, Some(&good_obs(&s, t)), None, plus_secs(t, DAY + 1));
    assert!(kinds(&g).contains(&BlockerKind::CheckStale));
}
