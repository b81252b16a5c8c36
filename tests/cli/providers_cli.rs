//! Provider presets through the real binary against the lab: a domain whose MX hosts are
//! Proton's gets Proton named by `add` and `check`, and the plan's `mx` lines are the ones
//! Proton documents; a domain on unknown hosts gets nothing extra.

use mtasts_lab::Scenario;

use crate::common::lab_env::LabEnv;

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
    let env = LabEnv::start(&Scenario::from_toml(SCENARIO).unwrap());
    let run = |args: &[&str]| env.command(0, args, true).output().unwrap();
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
