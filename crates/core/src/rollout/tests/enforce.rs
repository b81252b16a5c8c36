use super::*;
use crate::finding::Code;
use crate::rfc::Mode;

fn entering() -> (DomainState, DomainState, Timestamp) {
    let t = testing();
    let done = plus_secs(at(T0), 31 * DAY);
    let e = step(t.clone(), done);
    assert_eq!(e.phase, Phase::Enforce);
    (t, e, done)
}

#[test]
fn steps_follow_rfc_8461_section_8_1() {
    let (t, e, done) = entering();
    let old = good_obs(&t, done);
    let steps = publish_steps(&e, Some(&old));
    assert_eq!(steps.iter().map(|s| s.done).collect::<Vec<_>>(), vec![false, false, false]);
    assert_eq!(
        steps[0].action,
        "serve the new policy at https://mta-sts.example.com/.well-known/mta-sts.txt (text/plain): \
         version: STSv1; mode: enforce; mx: mx1.example.com; mx: mx2.example.com; max_age: 604800"
    );
    assert_eq!(
        steps[2].action,
        format!("then publish TXT _mta-sts.example.com \"v=STSv1; id={}\"", e.plan.id)
    );
    let g = evaluate(&e, Some(&old), None, done);
    assert!(g.next_action.starts_with("Serve the new policy at"));
    assert!(!id_not_bumped(&e, &old));

    let mut staged = old.clone();
    staged.live_policy = Some(e.plan.policy());
    staged.verdict = Verdict::Fail;
    staged.error_codes = vec![Code::StsIdNotBumped];
    let steps = publish_steps(&e, Some(&staged));
    assert_eq!(steps.iter().map(|s| s.done).collect::<Vec<_>>(), vec![true, true, false]);
    assert!(!id_not_bumped(&e, &staged), "the new body ahead of its id is the right order");
    let g = evaluate(&e, Some(&staged), None, done);
    assert_eq!(kinds(&g), vec![BlockerKind::StsRecordNotLive]);
    assert!(g.next_action.starts_with("Then publish TXT _mta-sts.example.com"));
    assert!(advance(e.clone(), Some(&staged), None, None, done).is_err());

    let live = good_obs(&e, plus_secs(done, 3600));
    let (s, tr) = advance(e, Some(&live), None, None, plus_secs(done, 3600)).unwrap();
    assert_eq!(tr.phase, Phase::Enforced);
    assert_eq!(enforced_at(&s), Some(plus_secs(done, 3600)));
    let entry = s.published.iter().find(|p| p.id == s.plan.id).unwrap();
    assert_eq!((entry.mode, entry.max_age), (Mode::Enforce, 604_800));
    assert_eq!(entry.policy_sha256, s.plan.policy().sha256_hex());
    let g = evaluate(&s, Some(&live), None, plus_secs(done, 3600));
    assert!(g.passed);
    assert!(g.next_action.starts_with("Nothing to do: example.com is enforced"));
    let err = advance(s, Some(&live), None, None, done).unwrap_err();
    assert_eq!(err.blockers[0].kind, BlockerKind::FinalPhase);
}

#[test]
fn new_id_before_the_policy_is_flagged() {
    let (t, e, done) = entering();
    let mut wrong = good_obs(&t, done);
    wrong.sts_id = Some(e.plan.id.clone());
    let g = evaluate(&e, Some(&wrong), None, done);
    assert!(g.blockers[0].message.starts_with("the new id is in DNS before the new policy is served"));
}

#[test]
fn sha256_is_of_the_canonical_body() {
    let s = fresh();
    let hash = s.plan.policy().sha256_hex();
    assert_eq!(hash.len(), 64);
    assert!(hash.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
    use sha2::Digest;
    let expected: String = sha2::Sha256::digest(s.plan.policy().render().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(hash, expected);
}
