//! A planned provider switch through the command line against the in-process lab, with
//! `MTASTS_NOW` moving the clock: an enforced domain moves from mx1.good.example to
//! mx.newprovider.example step by step, each step checked live, the lab's MX records changed
//! between steps. And what `check` says when the MX records move without a plan.

use std::process::Output;

use mtasts_core::rfc::MxPattern;
use mtasts_core::rollout::Phase;

const D: &str = "good.example";
const NEW: &str = "mx.newprovider.example";

use crate::common;

use common::lab_env::LabEnv as Env;

/// Runs mtasts `hours` after the start, probing the lab.
fn run(env: &Env, hours: i64, args: &[&str]) -> Output {
    env.command(hours, args, args.first() != Some(&"status")).output().unwrap()
}

/// Serves the plan's policy, then its id (RFC 8461 §8.1), as the user would.
fn publish_plan(env: &Env) {
    let s = env.state(D);
    env.lab.publish_policy(D, Some(s.plan.policy().render().into_bytes())).unwrap();
    env.lab.publish_txt(&format!("_mta-sts.{D}"), vec![vec![format!("v=STSv1; id={}", s.plan.id)]]).unwrap();
}

fn set_mx(env: &Env, hosts: &[&str]) {
    env.rt.block_on(async { env.lab.set_mx_hosts(D, hosts).unwrap() });
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[track_caller]
fn code(out: &Output, want: i32) -> String {
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(want), "stdout:\n{stdout}\nstderr:\n{}", text(&out.stderr));
    stdout
}

#[test]
fn an_enforced_domain_switches_provider_step_by_step() {
    let env = Env::new("all-good-enforce");
    code(&run(&env, 0, &["add", D]), 0);
    assert_eq!(env.state(D).phase, Phase::Enforced);
    let old_id = env.state(D).plan.id.clone();

    let out = code(&run(&env, 0, &["plan", "mx", D, "--add", NEW, "--remove", "mx1.good.example"]), 0);
    assert!(
        out.contains("planned change: MX hosts: add mx.newprovider.example, remove mx1.good.example"),
        "{out}"
    );
    assert!(out.contains("▶ 1. from "), "{out}");
    let week = env.at(7 * 24).strftime("%Y-%m-%d %H:%M UTC").to_string();
    assert!(
        out.contains(&format!("· 2. from {week}: wait until no sender can hold a policy that lacks {NEW}")),
        "{out}"
    );
    assert!(out.contains(&format!("· 3. from {week}: change the MX records of {D}")), "{out}");
    let planned = env.state(D);
    assert_eq!(
        planned.plan.mx,
        vec![MxPattern::parse("mx1.good.example").unwrap(), MxPattern::parse(NEW).unwrap()]
    );
    assert_ne!(planned.plan.id, old_id);

    // Nothing published yet: confirm checks live and refuses.
    let out = code(&run(&env, 1, &["plan", "confirm", D]), 1);
    assert!(out.contains("waiting for: the check does not show the new policy and its id live yet"), "{out}");

    publish_plan(&env);
    let out = code(&run(&env, 2, &["plan", "confirm", D]), 0);
    assert!(out.contains("✓ step 1 done"), "{out}");
    let week = env.at(2 + 7 * 24).strftime("%Y-%m-%d %H:%M UTC").to_string();
    assert!(
        out.contains(&format!(
            "senders may still hold: enforce, id {old_id} (mx1.good.example) until {week}"
        )),
        "{out}"
    );

    // Three days in: status shows what senders hold; the wait is not over.
    let status = code(&run(&env, 3 * 24, &["status", D]), 0);
    assert!(
        status.contains(&format!(
            "senders may still hold: enforce, id {old_id} (mx1.good.example) until {week}"
        )),
        "{status}"
    );
    assert!(
        status.contains(
            "planned change: MX hosts: add mx.newprovider.example, remove mx1.good.example — step 2 of 5"
        ),
        "{status}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&run(&env, 3 * 24, &["status", "--json", D]).stdout).unwrap();
    assert_eq!(json["senders_may_hold"][0]["id"], old_id.as_str());
    assert_eq!(json["change"]["steps"][1]["status"], "current");
    let out = code(&run(&env, 3 * 24, &["plan", "confirm", D]), 1);
    assert!(out.contains(&format!("waiting for: wait until {week}")), "{out}");
    code(&run(&env, 3 * 24, &["check", D]), 0);

    // After the week: the switch is the step; the lab's MX records change; confirm sees it.
    let out = code(&run(&env, 2 + 7 * 24, &["plan", "confirm", D]), 0);
    assert!(out.contains("✓ step 2 done") && out.contains("▶ 3."), "{out}");
    set_mx(&env, &[NEW]);
    let out = code(&run(&env, 3 + 7 * 24, &["plan", "confirm", D]), 0);
    assert!(out.contains("✓ step 3 done") && out.contains("▶ 4."), "{out}");
    code(&run(&env, 3 + 7 * 24, &["check", D]), 0);

    // A day later the old host leaves the policy, under yet another id.
    let out = code(&run(&env, 3 + 8 * 24, &["plan", "confirm", D]), 0);
    assert!(out.contains("✓ step 4 done") && out.contains("▶ 5."), "{out}");
    let s = env.state(D);
    assert_eq!(s.plan.mx, vec![MxPattern::parse(NEW).unwrap()]);
    publish_plan(&env);
    let out = code(&run(&env, 4 + 8 * 24, &["plan", "confirm", D]), 0);
    assert!(out.contains("✓ step 5 done") && out.contains("the planned change is complete"), "{out}");
    let s = env.state(D);
    assert_eq!((s.phase, s.change.is_none()), (Phase::Enforced, true));
    assert_eq!(s.history.len(), 3, "{:?}", s.history);
    code(&run(&env, 5 + 8 * 24, &["check", D]), 0);
    let shown = code(&run(&env, 5 + 8 * 24, &["plan", "mx", D]), 0);
    assert!(shown.contains("no change in progress"), "{shown}");

    // Lowering max_age waits for the old one; a change can be cancelled.
    let out = code(&run(&env, 6 + 8 * 24, &["plan", "max-age", D, "86400"]), 0);
    assert!(out.contains("planned change: max_age 604800 → 86400"), "{out}");
    assert!(
        out.contains("2. from ")
            && out.contains("wait until no sender can hold a policy with a max_age above 86400"),
        "{out}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&run(&env, 6 + 8 * 24, &["plan", "max-age", D, "--json"]).stdout).unwrap();
    assert_eq!(json["change"]["what"], "max_age 604800 → 86400");
    assert_eq!(json["change"]["steps"].as_array().unwrap().len(), 2);
    let busy = run(&env, 6 + 8 * 24, &["plan", "mx", D, "--add", "mx2.newprovider.example"]);
    assert!(text(&busy.stderr).contains("a change is already in progress"), "{}", text(&busy.stderr));
    code(&run(&env, 6 + 8 * 24, &["plan", "cancel", D]), 0);
    assert!(env.state(D).change.is_none());
    let none = run(&env, 6 + 8 * 24, &["plan", "confirm", D]);
    assert_eq!(none.status.code(), Some(2));
    assert!(text(&none.stderr).contains("no change is in progress"), "{}", text(&none.stderr));
}

#[test]
fn moving_mx_without_a_plan_is_an_error_until_the_held_policy_expires() {
    let env = Env::new("all-good-enforce");
    code(&run(&env, 0, &["add", D]), 0);
    let old_id = env.state(D).plan.id.clone();
    set_mx(&env, &[NEW]);
    let out = code(&run(&env, 1, &["check", D]), 1);
    assert!(out.contains("mx-not-covered "), "{out}");
    // The reactive fix: a policy listing the new host under a new id. Senders that cached
    // the old one still refuse the new host until it expires.
    let out = code(&run(&env, 1, &["advance", D]), 0);
    assert!(out.contains("now in testing"), "{out}");
    publish_plan(&env);
    let out = code(&run(&env, 2, &["check", D]), 1);
    let until = env.at(2 + 7 * 24).strftime("%Y-%m-%d %H:%M UTC").to_string();
    assert!(out.contains("mx-not-covered-by-held-policy"), "{out}");
    assert!(
        out.contains(&format!("senders that cached the enforce policy id {old_id} (mx: mx1.good.example) refuse delivery to {NEW} until {until}")),
        "{out}"
    );
    let json: serde_json::Value =
        serde_json::from_slice(&run(&env, 3, &["check", "--json", D]).stdout).unwrap();
    let notes = json["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n.as_str().unwrap().starts_with("senders may still hold: enforce, id")),
        "{json}"
    );
    let out = code(&run(&env, 3 + 7 * 24, &["check", D]), 0);
    assert!(!out.contains("mx-not-covered-by-held-policy"), "{out}");
}
