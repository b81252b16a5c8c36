//! The gates that depend on a newly published id wait for a lagging nameserver, then for the
//! previous record's TTL (300 s in the lab): `demo-fresh` with a stale secondary for
//! `fresh.example`, driven through the command line with `MTASTS_NOW`.

use std::process::Output;

use mtasts_core::rollout::Phase;
use mtasts_lab::{NsRole, NsSpec, scenario};

const D: &str = "fresh.example";
const DAY: i64 = 86_400;
/// The TTL the lab's nameservers give every record.
const TTL: i64 = 300;

use crate::common;
use crate::common::output_text as text;

use common::lab_env::LabEnv as Env;

/// `demo-fresh` with a stale secondary for `fresh.example`.
fn with_stale_secondary() -> Env {
    let mut s = scenario("demo-fresh").unwrap();
    s.nameservers.push(NsSpec { zone: D.into(), role: NsRole::Stale, sts_txt: Vec::new() });
    Env::start(&s)
}

/// Runs `mtasts` `secs` seconds after the start, asking the lab's nameservers directly.
fn run(env: &Env, secs: i64, args: &[&str]) -> Output {
    let mut cmd = env.command_at(env.at_secs(secs), args, true);
    cmd.args(["--ns-port", &env.lab.dns_addr.port().to_string()]).output().unwrap()
}

/// Publishes the plan's records and policy `secs` seconds after the start.
fn publish(env: &Env, secs: i64) {
    env.publish_records(D);
    env.publish_generated_policy(D, env.at_secs(secs));
}

fn ok(out: &Output) {
    assert_eq!(out.status.code(), Some(0), "{}", text(out));
}

fn waits_for_the_stale_nameserver(out: &Output) {
    assert_eq!(out.status.code(), Some(1), "{}", text(out));
    assert!(text(out).contains("not every authoritative nameserver serves the new records"), "{}", text(out));
}

/// Blocked by the previous record's TTL at `secs`: names the id, since when every nameserver
/// serves it, until when to wait and how long that is.
fn waits_for_the_ttl(env: &Env, secs: i64, agreed: i64, args: &[&str]) {
    let out = run(env, secs, args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let want = format!(
        "every nameserver serves id {} since {}; wait until {} (TTL 300 s, {} left) for resolvers to drop \
         the old record",
        env.state(D).plan.id,
        env.at_secs(agreed).strftime("%Y-%m-%d %H:%M UTC"),
        env.at_secs(agreed + TTL).strftime("%Y-%m-%d %H:%M:%S UTC"),
        match agreed + TTL - secs {
            s if s < 120 => format!("{s} s"),
            s => format!("{} min", (s + 59) / 60),
        }
    );
    assert!(text(&out).contains(&want), "{want}\n{}", text(&out));
    if args.first() == Some(&"advance") {
        assert!(
            text(&out).contains(&format!("  ! {want} (time clears it)")),
            "a wait, not a failure: {}",
            text(&out)
        );
    }
}

#[test]
fn leaving_records_and_the_enforce_switch_wait_for_a_lagging_nameserver_then_the_ttl() {
    let env = with_stale_secondary();
    ok(&run(&env, 0, &["add", D]));
    ok(&run(&env, 0, &["advance", D]));
    assert_eq!(env.state(D).phase, Phase::Records);

    publish(&env, 0);
    waits_for_the_stale_nameserver(&run(&env, 0, &["advance", D]));
    assert_eq!(env.state(D).phase, Phase::Records);
    let check = run(&env, 0, &["check", D]);
    assert!(text(&check).contains("ns-inconsistent"), "{}", text(&check));
    assert!(text(&check).contains("ns2.fresh.example"), "{}", text(&check));

    env.lab.sync_nameservers();
    // The first id replaces no record: once every nameserver serves it, no TTL to wait for.
    ok(&run(&env, 60, &["advance", D]));
    assert_eq!(env.state(D).phase, Phase::Hosting);
    ok(&run(&env, 60, &["advance", D, "--path", "nginx"]));
    ok(&run(&env, 60, &["advance", D]));
    assert_eq!(env.state(D).phase, Phase::Testing);
    ok(&run(&env, 31 * DAY, &["advance", D, "--ack", "no-tlsrpt-reports"]));
    assert_eq!(env.state(D).phase, Phase::Enforce);

    publish(&env, 31 * DAY);
    waits_for_the_stale_nameserver(&run(&env, 31 * DAY, &["advance", D]));
    assert_eq!(env.state(D).phase, Phase::Enforce);
    env.lab.sync_nameservers();
    let agreed = 31 * DAY + 120;
    waits_for_the_ttl(&env, agreed, agreed, &["advance", D]);
    let status = run(&env, agreed + 60, &["status", D]);
    assert!(text(&status).contains("(TTL 300 s, 4 min left)"), "{}", text(&status));
    waits_for_the_ttl(&env, agreed + TTL - 1, agreed, &["advance", D]);
    assert_eq!(env.state(D).phase, Phase::Enforce);
    ok(&run(&env, agreed + TTL, &["advance", D]));
    assert_eq!(env.state(D).phase, Phase::Enforced);
}

#[test]
fn a_planned_change_publication_waits_for_a_lagging_nameserver_then_the_ttl() {
    let env = with_stale_secondary();
    env.lab.publish_txt(&format!("_mta-sts.{D}"), vec![vec!["v=STSv1; id=20260101T000000".into()]]).unwrap();
    env.lab
        .publish_txt(&format!("_smtp._tls.{D}"), vec![vec![format!("v=TLSRPTv1; rua=mailto:tlsrpt@{D}")]])
        .unwrap();
    let policy =
        format!("version: STSv1\r\nmode: enforce\r\nmx: mx1.{D}\r\nmx: mx2.{D}\r\nmax_age: 604800\r\n");
    env.lab.publish_policy(D, Some(policy.into_bytes())).unwrap();
    env.lab.sync_nameservers();
    ok(&run(&env, 0, &["add", D]));
    assert_eq!(env.state(D).phase, Phase::Enforced, "adopted: the live id needs no wait");

    ok(&run(&env, 60, &["plan", "max-age", D, "1209600"]));
    publish(&env, 60);
    let out = run(&env, 120, &["plan", "confirm", D]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let lagging = format!("not every authoritative nameserver serves id {} yet", env.state(D).plan.id);
    assert!(text(&out).contains(&lagging), "{}", text(&out));

    env.lab.sync_nameservers();
    waits_for_the_ttl(&env, 180, 180, &["plan", "confirm", D]);
    assert!(env.state(D).change.is_some());
    let out = run(&env, 180 + TTL, &["plan", "confirm", D]);
    ok(&out);
    assert!(text(&out).contains("✓ step 1 done"), "{}", text(&out));
    assert_eq!(env.state(D).change, None);
    assert_eq!(env.state(D).plan.max_age, 1_209_600);
}
