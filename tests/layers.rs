//! DESIGN.md §1: the pure layers never reach into the probes, and the wizard's screens never
//! name the lab or the probes.
#![allow(clippy::unwrap_used)]

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
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
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for d in dirs {
        sources(&root.join(d), &mut files);
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
fn judge_and_the_screens_import_nothing_from_probe() {
    let found = offenders(&["judge", "tui/screens"], &["crate::probe", "super::probe"]);
    assert!(found.is_empty(), "imports from probe:\n{}", found.join("\n"));
}

#[test]
fn the_wizard_never_names_the_lab() {
    let found = offenders(&["tui"], &["crate::lab", "lab::Lab"]);
    assert!(found.is_empty(), "the wizard names the lab:\n{}", found.join("\n"));
}

#[test]
fn the_pure_layers_do_no_io() {
    let io = ["tokio::", "reqwest", "hickory", "ratatui", "std::fs"];
    let found = offenders(&["rfc", "judge", "rollout", "snippet"], &io);
    assert!(found.is_empty(), "I/O in a pure layer:\n{}", found.join("\n"));
}
