//! Property tests of the sender-cache model and the change planner.

use proptest::prelude::*;

use super::*;
use crate::rfc::{Mode, MxPattern, Policy, PolicyId};

const HOSTS: [&str; 6] =
    ["a.example.com", "b.example.com", "c.example.com", "x.new.net", "y.new.net", "*.new.net"];

fn pat(i: usize) -> MxPattern {
    MxPattern::parse(HOSTS[i % HOSTS.len()]).unwrap()
}

fn policy() -> impl Strategy<Value = Policy> {
    let mode = prop_oneof![Just(Mode::Testing), Just(Mode::Enforce), Just(Mode::None)];
    (mode, 1u32..=40 * DAY as u32, prop::collection::btree_set(0usize..HOSTS.len(), 1..4))
        .prop_map(|(mode, max_age, mx)| Policy { mode, max_age, mx: mx.into_iter().map(pat).collect() })
}

/// Checks at increasing times, each seeing one of a few ids with a policy (or nothing).
fn observations() -> impl Strategy<Value = Vec<(i64, Option<(u8, Policy)>)>> {
    prop::collection::vec((1i64..10 * DAY, prop::option::weighted(0.85, (0u8..4, policy()))), 1..12)
}

fn history_of(seen: &[(i64, Option<(u8, Policy)>)]) -> (Vec<PolicyVersion>, Timestamp) {
    let mut t = at(T0);
    let mut h = Vec::new();
    for (gap, what) in seen {
        t = plus_secs(t, *gap);
        if let Some((id, p)) = what {
            h = note_live(h, &PolicyId::parse(&format!("v{id}")).unwrap(), p, t);
        }
    }
    (h, t)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// No version is reported as held after its last possibly-live moment + max_age; every
    /// version still within that bound is reported; the live one is always reported.
    #[test]
    fn held_exactly_until_live_until_plus_max_age(seen in observations(), later in 0i64..60 * DAY) {
        let (h, last) = history_of(&seen);
        let now = plus_secs(last, later);
        let held = held_versions(&h, None, now);
        for v in &h {
            let bound = plus_secs(v.live_until(now), i64::from(v.max_age));
            let reported = held.iter().any(|x| x.id == v.id && x.mode == v.mode && x.max_age == v.max_age && x.mx == v.mx);
            prop_assert!(v.last_seen <= v.live_until(now));
            if v.replaced_seen.is_none() {
                prop_assert!(reported, "the live version must be held");
            } else {
                prop_assert_eq!(reported, bound > now, "version {:?} bound {} now {}", v, bound, now);
            }
        }
        for x in &held {
            prop_assert!(x.live || x.until > now);
        }
        prop_assert!(h.iter().filter(|v| v.replaced_seen.is_none()).count() <= 1);
    }
}

/// A world the simulated user changes: the live id, policy and MX hosts.
#[derive(Clone)]
struct World {
    id: PolicyId,
    policy: Policy,
    mx: Vec<DomainName>,
}

fn observe_world(w: &World, when: Timestamp) -> Observation {
    Observation {
        at: when,
        verdict: crate::finding::Verdict::Pass,
        error_codes: Vec::new(),
        warning_codes: Vec::new(),
        live_mx: Some(w.mx.clone()),
        mx_results: Vec::new(),
        sts_id: Some(w.id.clone()),
        tlsrpt_rua: None,
        live_policy: Some(w.policy.clone()),
        ns_sts: None,
    }
}

fn lacking_held(state: &DomainState, wanted: &[MxPattern], now: Timestamp) -> Vec<String> {
    held_versions(&state.history, None, now)
        .into_iter()
        .filter(|v| v.mode != Mode::None && wanted.iter().any(|w| lacks(&v.mx, w)))
        .map(|v| format!("{} until {}", v.id, v.until))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(150))]

    /// A user who does what each step says, at random delays, with checks at random times:
    /// the MX switch is never the current step while a held version lacks a new host, and
    /// the old hosts leave the policy only after the switch was seen live and DNS caches
    /// expired; the change always completes with the final policy live.
    #[test]
    fn planner_never_calls_an_unsafe_moment_safe(
        old_max_age in 1u32..=30 * DAY as u32,
        older in prop::option::of((1u32..=60 * DAY as u32, 0i64..20 * DAY)),
        provider_switch in any::<bool>(),
        gaps in prop::collection::vec(1i64..3 * DAY, 60),
    ) {
        let mut state = enforced();
        state.plan.max_age = old_max_age;
        let mut world = World {
            id: state.plan.id.clone(),
            policy: state.plan.policy(),
            mx: vec![dn("mx1.example.com"), dn("mx2.example.com")],
        };
        let mut now = plus_secs(at(T0), 40 * DAY);
        if let Some((age, ago)) = older {
            // An older enforce version without mx2, with its own max_age, replaced a while ago.
            state.history.insert(0, PolicyVersion {
                id: PolicyId::parse("older1").unwrap(),
                policy_sha256: "0".repeat(64),
                mode: Mode::Enforce,
                mx: vec![MxPattern::parse("mx1.example.com").unwrap()],
                max_age: age,
                first_seen: plus_secs(now, -ago - 30 * DAY),
                last_seen: plus_secs(now, -ago - DAY),
                replaced_seen: Some(plus_secs(now, -ago)),
            });
        }
        state = record_check(state, &observe_world(&world, now));
        let add = vec![MxPattern::parse("mx.new.net").unwrap()];
        let remove = if provider_switch {
            vec![MxPattern::parse("mx1.example.com").unwrap(), MxPattern::parse("mx2.example.com").unwrap()]
        } else {
            vec![MxPattern::parse("mx2.example.com").unwrap()]
        };
        state = plan_mx(state, add.clone(), remove.clone(), now).unwrap();
        let mut switched_at = None;
        for gap in gaps {
            now = plus_secs(now, gap);
            if let Some((_, step)) = current_step(&state) {
                match step {
                    Step::Publish { .. } => {
                        world.id = state.plan.id.clone();
                        world.policy = state.plan.policy();
                    }
                    Step::SwitchMx { .. } => {
                        let lacking = lacking_held(&state, &add, now);
                        prop_assert!(lacking.is_empty(), "switch offered at {} while held: {:?}", now, lacking);
                        if switched_at.is_none() {
                            world.mx = if provider_switch {
                                vec![dn("mx.new.net")]
                            } else {
                                vec![dn("mx.new.net"), dn("mx1.example.com")]
                            };
                            switched_at = Some(now);
                        }
                    }
                    _ => {}
                }
            }
            let obs = observe_world(&world, now);
            state = record_check(state, &obs);
            let before = state.plan.mx.clone();
            state = advance_change(state, Some(&obs), now).0;
            let dropped: Vec<&MxPattern> = remove.iter().filter(|p| before.contains(p) && !state.plan.mx.contains(p)).collect();
            if !dropped.is_empty() {
                let s = switched_at.expect("old hosts left the policy before the MX switch");
                prop_assert!(now >= plus_secs(s, MX_CACHE_WAIT_SECS), "old hosts dropped at {} after switch at {}", now, s);
            }
            if state.change.is_none() {
                break;
            }
        }
        prop_assert!(state.change.is_none(), "60 steps of up to 3 days did not finish the change");
        prop_assert!(switched_at.is_some());
        prop_assert_eq!(&world.policy, &state.plan.policy());
        prop_assert!(state.plan.mx.contains(&add[0]));
        prop_assert!(remove.iter().all(|p| !state.plan.mx.contains(p)));
    }
}
