//! `mtasts add --domain-file FILE`: many domains onboarded in one step against the lab, each
//! reported as its check finishes; tracked ones skipped, a repeat said, a bad line refused
//! with its number, an unreachable domain failing the run (exit 1) without stopping the rest.

use std::path::Path;
use std::process::Output;

use crate::common::lab_env::LabEnv;
use mtasts::store::Store;
use mtasts_lab::{Scenario, fleet};

/// `n` fleet domains; the even ones do not publish MTA-STS yet (added new), the odd ones do
/// (adopted).
fn scenario(n: usize) -> Scenario {
    let mut s = fleet(n);
    for d in s.domains.iter_mut().step_by(2) {
        d.sts_txt.clear();
        d.policy = None;
    }
    s
}

fn add(env: &LabEnv, file: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["add", "--domain-file", file.to_str().unwrap()];
    args.extend(extra);
    env.command(0, &args, true).output().unwrap()
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

fn tracked(env: &LabEnv) -> usize {
    Store::open(&env.state_dir()).unwrap().list().unwrap().len()
}

#[test]
fn a_hundred_domains_from_a_file_in_one_step_and_an_unreachable_one_fails_the_run() {
    let env = LabEnv::start(&scenario(100));
    let mut lines: Vec<String> = (0..100).map(|i| format!("d{i}.fleet.example")).collect();
    lines.insert(50, "gone.fleet.example   # not in the lab's DNS".into());
    lines.insert(0, "# the fleet".into());
    let file = env.dir.path().join("fleet.txt");
    std::fs::write(&file, lines.join("\n")).unwrap();

    let out = add(&env, &file, &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert_eq!(stdout.matches("  now tracked · testing · MX ").count(), 50, "{stdout}");
    assert_eq!(stdout.matches("  adopted (it already publishes MTA-STS) · enforce").count(), 50, "{stdout}");
    assert!(
        stdout.contains("gone.fleet.example  ✗ not added (line 52): the DNS resolver did not answer"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("100 of 101 now tracked (50 new, 50 adopted) · 0 skipped · 1 failed\n"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 102, "one line per domain and the summary: {stdout}");
    assert_eq!(tracked(&env), 100);
    let d0 = env.state("d0.fleet.example");
    let mx: Vec<String> = d0.plan.mx.iter().map(ToString::to_string).collect();
    assert_eq!(mx, ["mx1.fleet.example", "mx2.fleet.example"], "MX hosts from DNS");

    // Again: every domain is tracked now and skipped without a check; the lost one fails again.
    let again = add(&env, &file, &[]);
    let (stdout, _) = text(&again);
    assert_eq!(again.status.code(), Some(1), "{stdout}");
    assert_eq!(stdout.matches("  already tracked: skipped").count(), 100, "{stdout}");
    assert!(stdout.ends_with("0 of 101 now tracked (0 new, 0 adopted) · 100 skipped · 1 failed\n"));
}

#[test]
fn json_lines_one_object_per_domain_with_a_repeat_and_the_line_s_own_mx() {
    let env = LabEnv::start(&scenario(3));
    let file = env.dir.path().join("three.txt");
    std::fs::write(
        &file,
        "d0.fleet.example mx1.fleet.example\nd1.fleet.example\nd0.fleet.example. MX1.fleet.example\n",
    )
    .unwrap();
    let out = add(&env, &file, &["--json", "--path", "worker-multi"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    let objects: Vec<serde_json::Value> = stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(objects.len(), 3, "{stdout}");
    let find = |d: &str, r: &str| {
        objects
            .iter()
            .find(|o| o["domain"] == d && o["result"] == r)
            .unwrap_or_else(|| panic!("{d} {r}: {stdout}"))
    };
    let d0 = find("d0.fleet.example", "added");
    assert_eq!(d0["line"], 1);
    assert_eq!(d0["mx"], serde_json::json!(["mx1.fleet.example"]));
    assert_eq!(d0["phase"], "preflight");
    assert!(d0["next"].as_str().is_some_and(|n| !n.is_empty()), "{d0}");
    let d1 = find("d1.fleet.example", "adopted");
    assert!(matches!(d1["verdict"].as_str(), Some("pass" | "warn")), "{d1}");
    assert_eq!(find("d0.fleet.example", "repeat")["first_line"], 1);
    assert_eq!(
        env.state("d1.fleet.example").plan.hosting,
        Some(mtasts_core::rollout::HostingPath::WorkerMulti),
        "--path applies to every domain"
    );
}

#[test]
fn a_bad_line_is_named_and_nothing_is_added() {
    let env = LabEnv::start(&scenario(2));
    let file = env.dir.path().join("bad.txt");
    std::fs::write(&file, "d0.fleet.example\n\nd1.fleet.example mx1.fleet.example bad_host!\n").unwrap();
    let out = add(&env, &file, &[]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stderr.contains("bad.txt: line 3: MX \"bad_host!\""), "{stderr}");
    assert_eq!(tracked(&env), 0, "nothing is added while a line is bad");

    let big = env.dir.path().join("big.txt");
    std::fs::write(&big, "a.example\n".repeat(120_000)).unwrap();
    let out = add(&env, &big, &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("is larger than 1 MiB"), "{}", text(&out).1);

    let both = env.command(0, &["add", "x.example", "--domain-file", file.to_str().unwrap()], false);
    let out = { both }.output().unwrap();
    assert_eq!(out.status.code(), Some(2), "a DOMAIN and --domain-file together are refused");
}
