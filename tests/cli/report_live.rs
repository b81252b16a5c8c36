//! `mtasts report --check` against the lab: the live check adds the policy host's
//! certificate and the DNSSEC status, which the rollout state does not keep.

use std::process::Command;

use mtasts_lab::Lab;

#[test]
fn report_check_adds_the_policy_host_certificate_and_dnssec() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let now = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second()).unwrap();
    let lab = rt.block_on(Lab::start_named("all-good-testing", now)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &lab.ca_pem).unwrap();
    let run = |args: &[&str], probe: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mtasts"));
        cmd.args(args).env("MTASTS_STATE_DIR", dir.path().join("state")).env("MTASTS_NOW", now.to_string());
        if probe {
            cmd.args(["--resolver", &lab.dns_addr.to_string(), "--smtp-port", &lab.smtp_port.to_string()])
                .args(["--https-port", &lab.https_port.to_string(), "--ca-file", ca.to_str().unwrap()]);
        }
        let out = cmd.output().unwrap();
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
