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

/// Paths B/C in the wizard: on the hosting screen of a Worker path, `U` writes the wrangler
/// project into the state directory and runs wrangler on it (here `deploy --dry-run`, offline
/// with a private home), showing wrangler's output.
#[test]
fn the_hosting_screen_deploys_the_worker_with_wrangler() {
    let Some(bin) = common::require_tool("wrangler") else { return };
    let env = common::lab_env::LabEnv::new("demo-fresh");
    const D: &str = "fresh.example";
    let d = D;
    let run = |args: &[&str]| {
        let o = env.command(0, args, true).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{}{}", text(&o.stdout), text(&o.stderr));
    };
    run(&["add", d, "--path", "worker"]);
    run(&["advance", d]);
    env.publish_records(d);
    run(&["advance", d]);
    let home = env.dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let wrangler = mtasts::tui::Wrangler {
        bin,
        args: ["deploy", "--dry-run", "--outdir", "bundle"].map(String::from).to_vec(),
        env: vec![
            ("HOME".into(), home.display().to_string()),
            ("XDG_CONFIG_HOME".into(), home.join(".config").display().to_string()),
            ("WRANGLER_SEND_METRICS".into(), "false".into()),
            ("CI".into(), "true".into()),
        ],
    };
    let mut probe = common::lab_config(&env.lab);
    probe.now = jiff::Timestamp::now();
    let state_dir = env.state_dir();
    env.rt.block_on(common::tui_loop::run_probing(
        &state_dir,
        probe,
        Some(wrangler),
        120,
        40,
        |s| async move {
            let (i, _) = s.wait_for(0, |t| t.contains(D)).await;
            s.key(crossterm::event::KeyCode::Enter);
            let (i, _) = s.wait_for(i, |t| t.contains("● B Worker") && t.contains("checked now")).await;
            s.key(crossterm::event::KeyCode::Char('?'));
            let (i, help) = s.wait_for(i, |t| t.contains("deploy with wrangler")).await;
            assert!(help.contains("U "), "{help}");
            s.key(crossterm::event::KeyCode::Esc);
            s.key(crossterm::event::KeyCode::Char('U'));
            let (i, _) = s.wait_for(i, |t| t.contains("Deploy the Worker serving")).await;
            s.key(crossterm::event::KeyCode::Char('y'));
            let (_, out) =
                s.wait_for(i, |t| t.contains("wrangler deploy finished") || t.contains("FAILED")).await;
            assert!(out.contains("--dry-run: exiting now"), "{out}");
            s.key(crossterm::event::KeyCode::Esc);
            s.key(crossterm::event::KeyCode::Esc);
        },
    ));
    let project = state_dir.join("wrangler").join(d);
    assert!(project.join("wrangler.jsonc").is_file(), "{}", project.display());
}
