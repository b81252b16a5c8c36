//! `mtasts generate --target wrangler --out DIR`, checked by wrangler itself offline
//! (`wrangler deploy --dry-run`: it reads the configuration, resolves `main` and bundles the
//! module, without an account, a login or telemetry). Needs `wrangler` (npm package
//! `wrangler`, version 4; `.ci/run` installs it).

use crate::common;

use std::path::Path;
use std::process::{Command, Output};

fn mtasts(args: &[&str], state: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mtasts"))
        .args(args)
        .arg("--state-dir")
        .arg(state)
        .env_remove("MTASTS_NOW")
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Generates into a fresh directory and returns it with the parsed configuration.
fn generate(domains: &[&str], tmp: &Path) -> (std::path::PathBuf, serde_json::Value) {
    let out = tmp.join("deploy");
    let mut args = vec!["generate", "--target", "wrangler", "--mx", "mail.example.net", "--id", "20261130"];
    args.extend_from_slice(domains);
    args.extend(["--out", out.to_str().unwrap()]);
    let o = mtasts(&args, &tmp.join("state"));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let stderr = text(&o.stderr);
    assert!(stderr.contains("wrote") && stderr.contains("wrangler.jsonc"), "{stderr}");
    let config = std::fs::read_to_string(out.join("wrangler.jsonc")).unwrap();
    let json: String = config.lines().filter(|l| !l.starts_with("//")).collect();
    (out, serde_json::from_str(&json).unwrap())
}

#[test]
fn single_domain_configuration_passes_wrangler_dry_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, cfg) = generate(&["example.com"], tmp.path());
    assert_eq!(cfg["main"], "worker.js");
    assert_eq!(cfg["compatibility_date"], mtasts_core::snippet::COMPATIBILITY_DATE);
    assert_eq!(
        cfg["routes"],
        serde_json::json!([{ "pattern": "mta-sts.example.com", "custom_domain": true }])
    );
    let module = std::fs::read_to_string(dir.join("worker.js")).unwrap();
    assert!(module.contains("mx: mail.example.net\\r\\n"), "{module}");
    let Some(wrangler) = common::require_tool("wrangler") else {
        return;
    };
    common::cloudflare::dry_run(&wrangler, &dir);
}

#[test]
fn multi_domain_configuration_passes_wrangler_dry_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, cfg) = generate(&["example.com", "example.org", "bücher.example"], tmp.path());
    let hosts: Vec<&str> =
        cfg["routes"].as_array().unwrap().iter().map(|r| r["pattern"].as_str().unwrap()).collect();
    assert_eq!(hosts, ["mta-sts.example.com", "mta-sts.example.org", "mta-sts.xn--bcher-kva.example"]);
    let module = std::fs::read_to_string(dir.join("worker.js")).unwrap();
    assert!(
        module.contains("new Map(") && module.contains("\"mta-sts.example.org\""),
        "the multi-domain Worker"
    );
    let Some(wrangler) = common::require_tool("wrangler") else {
        return;
    };
    common::cloudflare::dry_run(&wrangler, &dir);
}

#[test]
fn wrangler_needs_out_and_never_writes_through_a_link() {
    let tmp = tempfile::tempdir().unwrap();
    let state = tmp.path().join("state");
    let o = mtasts(&["generate", "--target", "wrangler", "example.com", "--mx", "mail.example.net"], &state);
    assert_eq!(o.status.code(), Some(2), "a usage error: {}", text(&o.stdout));
    assert!(text(&o.stderr).contains("give --out DIR"), "{}", text(&o.stderr));
    assert!(o.stdout.is_empty(), "nothing printed half");

    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let victim = tmp.path().join("victim");
    std::fs::write(&victim, "keep").unwrap();
    std::os::unix::fs::symlink(&victim, out.join("wrangler.jsonc")).unwrap();
    let args = ["generate", "--target", "wrangler", "example.com", "--mx", "mail.example.net", "--out"];
    let o = mtasts(&[&args[..], &[out.to_str().unwrap()]].concat(), &state);
    assert_ne!(o.status.code(), Some(0));
    assert!(text(&o.stderr).contains("symbolic link"), "{}", text(&o.stderr));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");

    let linked_dir = tmp.path().join("linked");
    std::os::unix::fs::symlink(tmp.path().join("elsewhere"), &linked_dir).unwrap();
    let o = mtasts(&[&args[..], &[linked_dir.to_str().unwrap()]].concat(), &state);
    assert_ne!(o.status.code(), Some(0));
    assert!(!tmp.path().join("elsewhere").exists(), "no directory created through a link");
}
