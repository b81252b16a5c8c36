use super::fixtures::*;
use super::*;
use crate::rfc::{MxPattern, parse_strict};

fn held(id: &str, mode: &str, mx: &[&str], until: Option<jiff::Timestamp>) -> HeldPolicy {
    let policy = parse_strict(body(mode, mx).as_bytes()).policy.unwrap();
    HeldPolicy { id: PolicyId::parse(id).unwrap(), sha256: policy.sha256_hex(), policy, until }
}

#[test]
fn live_hosts_a_held_enforce_policy_does_not_list_are_errors_until_it_expires() {
    let ev = healthy("enforce");
    let live =
        parse_strict(body("enforce", &["mx1.example.com", "mx2.example.com"]).as_bytes()).policy.unwrap();
    let id = PolicyId::parse("20261101T000000").unwrap();
    let mut c = ctx();
    c.plan = Some(PlanContext {
        policy: live.clone(),
        id: id.clone(),
        published: vec![(id.clone(), live.sha256_hex())],
        held: vec![
            held("old1", "enforce", &["mx1.example.com"], Some(days(3))),
            held("old2", "testing", &["mx9.example.com"], Some(days(3))),
            held("gone", "enforce", &["mx9.example.com"], Some(days(-1))),
            held("20261101T000000", "enforce", &["mx1.example.com", "mx2.example.com"], None),
        ],
        window_days: 30,
    });
    let j = judge(&ev, &c);
    assert_eq!(problems(&j), vec!["mx-not-covered-by-held-policy"]);
    let f = find(&j, "mx-not-covered-by-held-policy");
    assert_eq!((f.severity, f.subject.as_str()), (Severity::Error, "mx2.example.com"));
    let until = days(3).strftime("%Y-%m-%d %H:%M UTC").to_string();
    assert!(f.message.starts_with(&format!("senders that cached the enforce policy id old1 (mx: mx1.example.com) refuse delivery to mx2.example.com until {until}")), "{}", f.message);
    let held_notes: Vec<&String> =
        j.notes.iter().filter(|n| n.starts_with("senders may still hold")).collect();
    assert_eq!(held_notes.len(), 2, "{:?}", j.notes);
    assert!(held_notes[1].starts_with("senders may still hold: testing, id old2 (mx9.example.com)"));

    // Once expired nothing is said; a version live before this check but replaced now is
    // held for its max_age from now.
    c.now = days(4);
    assert!(judge(&ev, &c).notes.iter().all(|n| !n.starts_with("senders may still hold")));
    let plan = c.plan.as_mut().unwrap();
    plan.held = vec![held("prev", "enforce", &["mx1.example.com"], None)];
    plan.policy.mx.push(MxPattern::parse("mx3.example.com").unwrap());
    let j = judge(&ev, &c);
    let f = find(&j, "mx-not-covered-by-held-policy");
    assert!(
        f.message.contains(&format!("until {}", days(11).strftime("%Y-%m-%d %H:%M UTC"))),
        "{}",
        f.message
    );
}
