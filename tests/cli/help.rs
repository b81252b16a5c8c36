//! Help lists what applies: the probe options are accepted anywhere, but only the commands that
//! probe list them, under their own heading; `reports serve` and `reports fetch` list their own
//! options first. Snapshots of a probing and two non-probing commands' help, through the
//! binary, and the rule over every command of the clap definition.

use std::process::Command;

use mtasts::cli::headings::{GLOBAL as GLOBAL_HEADING, PROBE as PROBE_HEADING};
use mtasts::cli::help::command;

fn help(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_mtasts"))
        .args(args)
        .arg("--help")
        .env_remove("MTASTS_STATE_DIR")
        .output()
        .unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn check_lists_its_options_then_the_probe_options() {
    insta::assert_snapshot!("check_help", help(&["check"]));
}

#[test]
fn reports_serve_lists_its_own_options_and_no_probe_option() {
    insta::assert_snapshot!("reports_serve_help", help(&["reports", "serve"]));
}

#[test]
fn reports_fetch_lists_its_own_options_first_then_the_two_it_borrows() {
    let text = help(&["reports", "fetch"]);
    insta::assert_snapshot!("reports_fetch_help", text);
    let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("no {needle}:\n{text}"));
    assert!(at("--password-file") < at("--ca-file") && at("--json") < at("--timeout"), "{text}");
    assert!(at("--timeout") < at(&format!("{GLOBAL_HEADING}:")), "{text}");
    assert!(!text.contains(PROBE_HEADING) && !text.contains("--smtp-port"), "{text}");
}

/// Every command path below `mtasts` with the long names of the options its help lists, by heading.
fn listed(cmd: &mut clap::Command, path: &mut Vec<String>, out: &mut Vec<(String, String)>) {
    let heading_of = |a: &clap::Arg| a.get_help_heading().unwrap_or("Options").to_owned();
    let shown: Vec<String> = cmd
        .get_arguments()
        .filter(|a| !a.is_hide_set())
        .filter_map(|a| a.get_long().map(|l| format!("{}: --{l}", heading_of(a))))
        .collect();
    out.push((path.join(" "), shown.join(", ")));
    for sub in cmd.get_subcommands_mut() {
        path.push(sub.get_name().to_owned());
        listed(sub, path, out);
        path.pop();
    }
}

#[test]
fn only_the_commands_that_probe_list_the_probe_options() {
    let mut cmd = command();
    let mut all = Vec::new();
    listed(&mut cmd, &mut Vec::new(), &mut all);
    let probing =
        ["", "check", "add", "advance", "report", "plan mx", "plan max-age", "plan confirm", "publish"];
    // clap's generated `help` subcommands (and their lists of commands) take no options.
    for (path, shown) in all.iter().filter(|(path, _)| !path.split(' ').any(|word| word == "help")) {
        let lists_probes = shown.contains(&format!("{PROBE_HEADING}: --smtp-port"));
        assert_eq!(lists_probes, probing.contains(&path.as_str()), "`mtasts {path}` lists: {shown}");
        if lists_probes {
            for long in [
                "resolver",
                "ca-file",
                "trust-anchor",
                "ns-port",
                "https-port",
                "timeout",
                "concurrency",
                "per-host",
            ] {
                assert!(
                    shown.contains(&format!("{PROBE_HEADING}: --{long}")),
                    "`mtasts {path}` lacks --{long}"
                );
            }
        }
        assert!(shown.contains(&format!("{GLOBAL_HEADING}: --state-dir")), "`mtasts {path}`: {shown}");
    }
    assert!(all.len() > 25, "{all:?}");
}

#[test]
fn probe_options_are_still_accepted_where_they_are_not_listed() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("p.txt");
    std::fs::write(&policy, "version: STSv1\r\nmode: testing\r\nmx: mail.example.com\r\nmax_age: 86400\r\n")
        .unwrap();
    for args in [
        vec!["lint", "policy", policy.to_str().unwrap(), "--smtp-port", "2525", "--resolver", "127.0.0.1:1"],
        vec!["--per-host", "3", "lint", "policy", policy.to_str().unwrap()],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_mtasts")).args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_mtasts"))
        .args(["lint", "record", "v=STSv1; id=1", "--smtp-port", "not-a-port"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2), "a bad value of a hidden option is still a usage error");
}
