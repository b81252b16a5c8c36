//! `mtasts report --check` against the lab: the live check adds the policy host's
//! certificate and the DNSSEC status, which the rollout state does not keep.

use crate::common::lab_env::LabEnv;

#[test]
fn report_check_adds_the_policy_host_certificate_and_dnssec() {
    let env = LabEnv::new("all-good-testing");
    let run = |args: &[&str], probe: bool| {
        let out = env.command(0, args, probe).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).ok()
    };
    run(&["add", "testing.example"], true);

    let stored = run(&["report", "--json"], false).unwrap();
    let d = &stored["domains"][0];
    assert!(d["certificates"].as_array().unwrap().iter().all(|c| c["role"] == "mx"));
    assert!(d["dnssec_dane"].as_str().unwrap().contains("report --check"));

    let live = run(&["report", "--json", "--check"], true).unwrap();
    let d = &live["domains"][0];
    let policy = d["certificates"].as_array().unwrap().iter().find(|c| c["role"] == "policy host").unwrap();
    assert_eq!(policy["host"], "mta-sts.testing.example");
    assert_eq!((policy["trusted"].as_bool(), policy["name_ok"].as_bool()), (Some(true), Some(true)));
    assert!(policy["days_left"].as_i64().unwrap() > 300, "{policy}");
    assert!(d["dnssec_dane"].as_str().unwrap().starts_with("the _mta-sts answer is not DNSSEC-validated"));
}
