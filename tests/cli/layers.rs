//! DESIGN.md §1: the layers the compiler cannot see. The crate graph keeps the core free of
//! I/O crates (checked here against `Cargo.lock` as well); these tests keep the core off the
//! file system and the wizard's screens off the probes and the lab.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn offenders(dirs: &[&str], forbidden: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    for d in dirs {
        sources(&root().join(d), &mut files);
    }
    assert!(!files.is_empty(), "no sources found under {dirs:?}");
    let mut out = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for (n, line) in text.lines().enumerate() {
            if forbidden.iter().any(|w| line.contains(w)) {
                out.push(format!("{}:{}: {}", f.display(), n + 1, line.trim()));
            }
        }
    }
    out
}

#[test]
fn the_screens_import_nothing_from_probe() {
    let found = offenders(&["src/tui/screens"], &["mtasts_probe", "ProbeConfig"]);
    assert!(found.is_empty(), "imports from probe:\n{}", found.join("\n"));
}

#[test]
fn the_wizard_never_names_the_lab() {
    let found = offenders(&["src/tui"], &["mtasts_lab", "lab::Lab"]);
    assert!(found.is_empty(), "the wizard names the lab:\n{}", found.join("\n"));
}

#[test]
fn the_core_does_no_io() {
    let io =
        ["std::fs", "std::net::Tcp", "std::net::Udp", "std::time::SystemTime", "std::env", "Timestamp::now"];
    let found = offenders(&["crates/core/src"], &io);
    assert!(found.is_empty(), "I/O in the core:\n{}", found.join("\n"));
}

/// Every package `name` depends on, directly or not, by `Cargo.lock` (which lists normal, dev
/// and build dependencies alike, so this is stricter than `cargo tree -e normal`).
fn closure(name: &str) -> BTreeSet<String> {
    let lock: toml::Table = std::fs::read_to_string(root().join("Cargo.lock")).unwrap().parse().unwrap();
    let mut deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in lock["package"].as_array().unwrap() {
        let list = p.get("dependencies").and_then(|d| d.as_array()).cloned().unwrap_or_default();
        let names = list.iter().map(|d| d.as_str().unwrap().split(' ').next().unwrap().to_owned());
        deps.entry(p["name"].as_str().unwrap().to_owned()).or_default().extend(names);
    }
    let mut seen = BTreeSet::new();
    let mut todo = vec![name.to_owned()];
    while let Some(n) = todo.pop() {
        for d in deps.get(&n).into_iter().flatten() {
            if seen.insert(d.clone()) {
                todo.push(d.clone());
            }
        }
    }
    seen
}

#[test]
fn the_core_depends_on_no_io_crate() {
    let all = closure("mtasts-core");
    assert!(all.contains("jiff"), "the closure was not read: {all:?}");
    let io: Vec<&String> = all
        .iter()
        .filter(|d| {
            ["tokio", "reqwest", "rustls", "tokio-rustls", "ratatui", "crossterm", "mio", "socket2"]
                .contains(&d.as_str())
                || d.starts_with("hickory")
                || d.starts_with("mtasts-")
        })
        .collect();
    assert!(io.is_empty(), "mtasts-core pulls in {io:?}");
}

#[test]
fn the_lower_crates_never_reach_up() {
    for (krate, forbidden) in [
        ("mtasts-probe", &["mtasts-reports", "mtasts-lab", "ratatui"][..]),
        ("mtasts-reports", &["mtasts-probe", "mtasts-lab", "ratatui"][..]),
        ("mtasts-lab", &["mtasts-probe", "mtasts-reports", "ratatui"][..]),
        ("mtasts-dns-publish", &["mtasts-probe", "mtasts-reports", "mtasts-lab", "ratatui"][..]),
    ] {
        let all = closure(krate);
        let bad: Vec<&&str> = forbidden.iter().filter(|f| all.contains(**f)).collect();
        assert!(bad.is_empty(), "{krate} depends on {bad:?}");
    }
}

/// The folders of `src/` other than `allowed`.
fn src_dirs_except(allowed: &[&str]) -> Vec<String> {
    let mut dirs: Vec<String> = std::fs::read_dir(root().join("src"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir() && !allowed.iter().any(|a| p.ends_with(a)))
        .map(|p| p.strip_prefix(root()).unwrap().display().to_string())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn only_ops_and_the_cli_name_the_probes_and_only_the_cli_the_lab() {
    let dirs = src_dirs_except(&["ops", "cli"]);
    assert!(dirs.iter().any(|d| d.ends_with("tui")), "{dirs:?}");
    let found =
        offenders(&dirs.iter().map(String::as_str).collect::<Vec<_>>(), &["mtasts_probe", "ProbeConfig"]);
    assert!(found.is_empty(), "the probe crate named outside ops and cli:\n{}", found.join("\n"));
    let dirs = src_dirs_except(&["cli"]);
    let found = offenders(&dirs.iter().map(String::as_str).collect::<Vec<_>>(), &["mtasts_lab"]);
    assert!(found.is_empty(), "the lab named outside cli:\n{}", found.join("\n"));
}

#[test]
fn only_ops_and_the_cli_name_the_dns_providers() {
    let dirs = src_dirs_except(&["ops", "cli"]);
    let found = offenders(&dirs.iter().map(String::as_str).collect::<Vec<_>>(), &["mtasts_dns_publish"]);
    assert!(found.is_empty(), "the DNS providers named outside ops and cli:\n{}", found.join("\n"));
}
