//! Path C as a fleet from the command line: `generate --target wrangler` with no domain writes
//! one Worker for every tracked path-C domain, and after a check `status` says which domains
//! the shared Worker is behind for.

use crate::common::lab_env::LabEnv;
use mtasts_lab::fleet;

#[test]
fn one_worker_for_every_path_c_domain_and_status_says_when_it_is_behind() {
    let env = LabEnv::start(&fleet(3));
    let file = env.dir.path().join("fleet.txt");
    std::fs::write(&file, "d0.fleet.example\nd1.fleet.example\nd2.fleet.example\n").unwrap();
    let file = file.to_str().unwrap();
    let out =
        env.command(0, &["add", "--domain-file", file, "--path", "worker-multi"], true).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    let status = env.run_days(0, &["status"]);
    assert!(!String::from_utf8_lossy(&status.stdout).contains("shared Worker"), "nothing behind yet");

    let project = env.dir.path().join("worker");
    let out = env
        .command(0, &["generate", "--target", "wrangler", "--out", project.to_str().unwrap()], false)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let worker = std::fs::read_to_string(project.join("worker.js")).unwrap();
    for d in ["d0", "d1", "d2"] {
        assert!(worker.contains(&format!("{d}.fleet.example")), "{d} missing from the Worker:\n{worker}");
    }

    // d1's Worker route now serves an older policy: the shared Worker is behind for it.
    let old = "version: STSv1\r\nmode: testing\r\nmx: *.fleet.example\r\nmax_age: 86400\r\n";
    env.lab.publish_policy("d1.fleet.example", Some(old.as_bytes().to_vec())).unwrap();
    let check = env.run_days(0, &["check"]);
    assert!(String::from_utf8_lossy(&check.stdout).contains("policy-differs-from-plan"));
    let status = env.run_days(0, &["status"]);
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        text.contains("the shared Worker is behind: redeploy (1 of 3 domains) (d1.fleet.example)"),
        "{text}"
    );
    assert!(text.contains("mode is testing (plan: enforce)"), "{text}");
    assert!(text.contains("mtasts generate --target wrangler --out DIR"), "{text}");
    let json = env.run_days(0, &["status", "--json"]);
    let lines: Vec<serde_json::Value> =
        String::from_utf8_lossy(&json.stdout).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let worker: Vec<&str> = lines.iter().map(|l| l["shared_worker"].as_str().unwrap()).collect();
    assert_eq!(worker, ["current", "behind", "current"]);
}

#[test]
fn no_path_c_domain_is_a_clear_error() {
    let env = LabEnv::start(&fleet(1));
    let out = env.command(0, &["generate", "--target", "worker-multi"], false).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no tracked domain is on the shared Worker"));
}
