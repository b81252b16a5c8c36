//! A whole rollout through the command line against the in-process lab: `add` → records →
//! hosting → validation → testing (30 days later, with TLS-RPT reports) → enforce →
//! enforced; then MX drift and rollback. The lab plays the user's DNS and web host.

use std::path::{Path, PathBuf};
use std::process::Output;

use mtasts_core::rollout::Phase;
use mtasts_lab::MxSpec;

use crate::common;

use common::dkim::{DkimKey, report_email, with_reporters};
use common::lab_env::LabEnv as Env;

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn assert_ok(out: &Output) {
    assert_eq!(out.status.code(), Some(0), "stdout:\n{}\nstderr:\n{}", text(&out.stdout), text(&out.stderr));
}

fn assert_blocked(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(1), "stdout:\n{}\nstderr:\n{}", text(&out.stdout), text(&out.stderr));
    assert!(text(&out.stdout).contains(needle), "expected {needle:?} in:\n{}", text(&out.stdout));
}

fn write_report(dir: &Path, domain: &str, start: jiff::Timestamp, failed: u64) -> PathBuf {
    let end = start.checked_add(jiff::SignedDuration::from_hours(24)).unwrap();
    let failure = if failed > 0 {
        format!(
            r#"[{{"result-type":"certificate-expired","receiving-mx-hostname":"mx1.{domain}","failed-session-count":{failed}}}]"#
        )
    } else {
        "[]".to_owned()
    };
    let json = format!(
        r#"{{"organization-name":"Example Sender","date-range":{{"start-datetime":"{start}","end-datetime":"{end}"}},
        "contact-info":null,"report-id":"{domain}-{start}-{failed}","policies":[{{"policy":{{"policy-type":"sts",
        "policy-string":["version: STSv1","mode: testing","mx: mx1.{domain}","max_age: 86400"],"policy-domain":"{domain}"}},
        "summary":{{"total-successful-session-count":120,"total-failure-session-count":{failed}}},"failure-details":{failure}}}]}}"#
    );
    let path = dir.join(format!("report-{start}-{failed}.json").replace(':', "-"));
    std::fs::write(&path, json).unwrap();
    path
}

/// The e-mail a reporter at sender.example sends for the report file `path`, signed by
/// sender.example (`contact-info` is null: the submitter header names the reporting domain).
fn signed_email(python: &Path, key: &DkimKey, path: &Path, domain: &str) -> Vec<u8> {
    let json = std::fs::read_to_string(path).unwrap();
    let id = json.split("\"report-id\":\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    key.sign(python, &report_email(&json, "tlsrpt@sender.example", domain, &id, &format!("tlsrpt@{domain}")))
}

#[test]
fn a_domain_goes_from_add_to_enforced_with_nothing_but_commands() {
    let env = Env::start(&with_reporters("demo-fresh", &["sender.example"]));
    let d = "fresh.example";
    assert_ok(&env.run_days(0, &["add", d]));
    assert_eq!(env.state(d).phase, Phase::Preflight);
    let again = env.run_days(0, &["add", d]);
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("already tracked"));

    assert_ok(&env.run_days(0, &["advance", d]));
    assert_eq!(env.state(d).phase, Phase::Records);
    assert_blocked(&env.run_days(0, &["advance", d]), "_mta-sts.fresh.example");

    env.publish_records(d);
    assert_ok(&env.run_days(0, &["advance", d]));
    assert_eq!(env.state(d).phase, Phase::Hosting);
    assert_blocked(&env.run_days(0, &["advance", d]), "--path nginx");
    assert_blocked(&env.run_days(0, &["advance", d, "--path", "nginx"]), "cannot leave hosting");
    assert_eq!(env.state(d).plan.hosting, Some(mtasts_core::rollout::HostingPath::Nginx));

    env.publish_generated_policy(d, env.now);
    assert_ok(&env.run_days(0, &["advance", d]));
    assert_eq!(env.state(d).phase, Phase::Validation);
    assert_ok(&env.run_days(0, &["advance", d]));
    assert_eq!(env.state(d).phase, Phase::Testing);

    let status = env.run_days(12, &["status", d]);
    assert!(text(&status.stdout).contains("testing day 13 of 30, 17 days left"), "{}", text(&status.stdout));
    assert_blocked(&env.run_days(12, &["advance", d]), "testing day 13 of 30");

    let reports = env.dir.path().join("reports-in");
    std::fs::create_dir_all(&reports).unwrap();
    for day in [3, 10, 20] {
        write_report(
            &reports,
            d,
            env.now.checked_add(jiff::SignedDuration::from_hours(24 * day)).unwrap(),
            0,
        );
    }
    assert_ok(&env.run_days(31, &["reports", "import", reports.to_str().unwrap()]));
    let out = env.run_days(31, &["advance", d, "--ran", "hardenize"]);
    assert_blocked(&out, "1 of 2 external testers ticked");
    assert!(text(&out.stdout).contains("--ran"), "{}", text(&out.stdout));
    // Bare report files prove nothing about who sent them: clean files do not open the gate.
    assert_blocked(&out, "3 TLS-RPT reports in the window (360 successful sessions), none authenticated");
    match common::dkim::dkimpy() {
        Some(python) => {
            // The same reports as their sender mailed them, DKIM-signed: now they count.
            let key = DkimKey::new("sender.example", "sel");
            key.publish(&env.lab);
            let mails = env.dir.path().join("mails-in");
            std::fs::create_dir_all(&mails).unwrap();
            for entry in std::fs::read_dir(&reports).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_str().unwrap().replace(".json", ".eml");
                std::fs::write(mails.join(name), signed_email(&python, &key, &path, d)).unwrap();
            }
            let out =
                env.command(24 * 31, &["reports", "import", mails.to_str().unwrap()], true).output().unwrap();
            assert_ok(&out);
            assert_eq!(
                text(&out.stdout).matches("now DKIM-verified (sender.example)").count(),
                3,
                "{}",
                text(&out.stdout)
            );
            assert_ok(&env.run_days(31, &["advance", d, "--ran", "internet.nl"]));
        }
        None => assert_ok(
            &env.run_days(31, &["advance", d, "--ran", "internet.nl", "--ack", "reports read by hand"]),
        ),
    }
    let s = env.state(d);
    assert_eq!(s.phase, Phase::Enforce);
    assert_eq!(s.walkthrough.testers.len(), 2);
    assert_eq!(s.plan.mode, mtasts_core::rfc::Mode::Enforce);
    assert_eq!(s.plan.max_age, 604_800);

    // RFC 8461 §8.1: the new id before the policy is refused; policy first, then the id.
    env.publish_records(d);
    assert_blocked(&env.run_days(31, &["advance", d]), "cannot leave enforce");
    env.publish_generated_policy(d, env.at(24 * 31));
    assert_ok(&env.run_days(31, &["advance", d]));
    assert_eq!(env.state(d).phase, Phase::Enforced);
    let status = env.run_days(32, &["status", "--json", d]);
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(v["phase"], "enforced");
    assert_eq!(v["mode"], "enforce");
    assert!(v["testing_day"].is_null());

    // A provider migration: a new MX in DNS drops the domain back to testing with a new id.
    let id_before = env.state(d).plan.id;
    env.rt.block_on(async {
        let mx = ["mx1", "mx2", "mx3"]
            .iter()
            .enumerate()
            .map(|(i, h)| MxSpec { preference: 10 * (i as u16 + 1), host: format!("{h}.{d}") });
        env.lab.set_mx(d, mx.collect()).unwrap();
    });
    let check = env.run_days(33, &["check", d]);
    assert_eq!(check.status.code(), Some(1));
    assert!(text(&check.stdout).contains("mx-not-covered"), "{}", text(&check.stdout));
    assert_ok(&env.run_days(33, &["advance", d]));
    let s = env.state(d);
    assert_eq!(s.phase, Phase::Testing);
    assert_ne!(s.plan.id, id_before);
    assert!(s.plan.mx.iter().any(|m| m.to_string() == "mx3.fresh.example"));

    // Rollback: mode none, small max_age, yet another id.
    assert_ok(&env.run_days(34, &["rollback", d]));
    let s = env.state(d);
    assert_eq!(s.plan.mode, mtasts_core::rfc::Mode::None);
    assert_eq!(s.phase, Phase::Rollback);

    // Removing needs the countdown; resuming does not: back to testing with a new id.
    let early = env.run_days(34, &["retire", d]);
    assert_eq!(early.status.code(), Some(2), "{}", text(&early.stdout));
    assert!(
        text(&early.stderr).contains("countdown of fresh.example has not started"),
        "{}",
        text(&early.stderr)
    );
    let none_id = s.plan.id;
    let resumed = env.run_days(34, &["resume", d]);
    assert_ok(&resumed);
    assert!(text(&resumed.stdout).contains("next: Serve the new policy"), "{}", text(&resumed.stdout));
    let s = env.state(d);
    assert_eq!((s.phase, s.plan.mode), (Phase::Testing, mtasts_core::rfc::Mode::Testing));
    assert_ne!(s.plan.id, none_id);
}

#[test]
fn add_says_in_words_why_dns_gave_no_mx_host() {
    let env = Env::new("demo-fresh");
    let out = common::mtasts(&env.state_dir())
        .args(["add", "example.com", "--resolver", "127.0.0.1:1", "--timeout", "2"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("the DNS resolver did not answer") && err.contains("--mx HOST"), "{err}");
    assert!(!err.contains("Timeout") && !err.contains("NxDomain"), "{err}");
    let typed = common::mtasts(&env.state_dir())
        .args([
            "add",
            "example.com",
            "--mx",
            "mx1.example.com",
            "--resolver",
            "127.0.0.1:1",
            "--timeout",
            "2",
        ])
        .output()
        .unwrap();
    assert_ok(&typed);
    assert!(
        text(&typed.stdout).contains("could not be looked up: the DNS resolver did not answer"),
        "{}",
        text(&typed.stdout)
    );
}

#[test]
fn a_reported_failure_in_the_window_blocks_enforce_until_acknowledged() {
    let env = Env::new("all-good-testing");
    let d = "testing.example";
    assert_ok(&env.run_days(0, &["add", d]));
    assert_eq!(env.state(d).phase, Phase::Testing);
    let reports = env.dir.path().join("in");
    std::fs::create_dir_all(&reports).unwrap();
    write_report(&reports, d, env.now.checked_add(jiff::SignedDuration::from_hours(24 * 5)).unwrap(), 7);
    assert_ok(&env.run_days(31, &["reports", "import", reports.to_str().unwrap()]));
    let out = env.run_days(31, &["advance", d]);
    assert_blocked(&out, "certificate-expired");
    assert!(text(&out.stdout).contains("--ack"), "{}", text(&out.stdout));
    assert_ok(&env.run_days(31, &["advance", d, "--ack", "mx1 certificate renewed on day 6"]));
    let s = env.state(d);
    assert_eq!(s.phase, Phase::Enforce);
    assert_eq!(s.acks.len(), 1);
    assert_eq!(s.acks[0].text, "mx1 certificate renewed on day 6");
}

#[test]
fn unreadable_state_is_reported_and_left_untouched() {
    let env = Env::new("all-good-enforce");
    assert_ok(&env.run_days(0, &["add", "good.example"]));
    let path = env.state_dir().join("domains").join("good.example.toml");
    let garbage = b"schema = 1\ndomain = \"good.example\"\nphase = [[[\n".to_vec();
    std::fs::write(&path, &garbage).unwrap();
    let status = env.run_days(0, &["status", "--json"]);
    assert_eq!(status.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert!(v["error"].as_str().unwrap().contains("good.example.toml"), "{v}");
    let adv = env.run_days(0, &["advance", "good.example"]);
    assert_eq!(adv.status.code(), Some(2));
    assert!(text(&adv.stderr).contains("good.example.toml"), "{}", text(&adv.stderr));
    assert_eq!(std::fs::read(&path).unwrap(), garbage);
}

#[test]
fn concurrent_advances_from_two_processes_lose_no_update() {
    let env = Env::new("all-good-enforce");
    assert_ok(&env.run_days(0, &["add", "good.example"]));
    let before = env.state("good.example").checks.len();
    let spawn = || env.command(0, &["check", "good.example"], true).output();
    let outs: Vec<Output> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..6).map(|_| s.spawn(spawn)).collect();
        hs.into_iter().map(|h| h.join().unwrap().unwrap()).collect()
    });
    for o in &outs {
        assert_ok(o);
    }
    assert_eq!(env.state("good.example").checks.len(), before + 6);
}
