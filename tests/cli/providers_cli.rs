//! Provider presets through the real binary against the lab: a domain whose MX hosts are
//! Proton's gets Proton named by `add` and `check`, and the plan's `mx` lines are the ones
//! Proton documents; a domain on unknown hosts gets nothing extra.

use std::process::Command;

use mtasts_lab::{Lab, Scenario};

const SCENARIO: &str = r#"
name = "provider-proton"
[[domains]]
name = "proton-customer.example"
[[domains.mx]]
preference = 10
host = "mail.protonmail.ch"
[[domains.mx]]
preference = 20
host = "mailsec.protonmail.ch"
[[domains]]
name = "own-mx.example"
[[domains.mx]]
preference = 10
host = "mx1.own-mx.example"
"#;

#[test]
fn add_and_check_name_the_provider_and_use_its_documented_lines() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let now = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second()).unwrap();
    let lab = rt.block_on(Lab::start(&Scenario::from_toml(SCENARIO).unwrap(), now)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &lab.ca_pem).unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_mtasts"))
            .args(args)
            .args(["--resolver", &lab.dns_addr.to_string(), "--smtp-port", &lab.smtp_port.to_string()])
            .args(["--https-port", &lab.https_port.to_string(), "--ca-file", ca.to_str().unwrap()])
            .env("MTASTS_STATE_DIR", dir.path().join("state"))
            .env("MTASTS_NOW", now.to_string())
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    };
    let out = run(&["add", "proton-customer.example"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        text.contains("provider: MX hosts of Proton Mail (mail.protonmail.ch, mailsec.protonmail.ch)"),
        "{text}"
    );
    assert!(text.contains("mx: mail.protonmail.ch; mx: mailsec.protonmail.ch"), "{text}");

    let out = run(&["check", "proton-customer.example", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let notes: Vec<&str> = v["notes"].as_array().unwrap().iter().filter_map(|n| n.as_str()).collect();
    assert!(
        notes.iter().any(|n| n.contains("Proton Mail") && n.contains("mx: mailsec.protonmail.ch")),
        "{notes:?}"
    );

    let out = run(&["add", "own-mx.example"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && !text.contains("provider:"), "{text}");
    assert!(text.contains("mx: mx1.own-mx.example"), "{text}");
}
