//! Shell completions and the man page: every shell's script is generated, the bash one is
//! loaded by a real `bash` (`complete -p mtasts`), and the man page is roff naming the
//! subcommands.

use crate::common;

use std::process::Command;

fn mtasts(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_mtasts")).args(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_shell_gets_a_script_naming_the_subcommands() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let script = mtasts(&["completions", shell]);
        for word in ["check", "report", "completions", "state-dir"] {
            assert!(script.contains(word), "{shell}: no {word:?}");
        }
    }
    let bad = Command::new(env!("CARGO_BIN_EXE_mtasts")).args(["completions", "tcsh"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn bash_loads_the_completion_script() {
    let Some(bash) = common::require_tool("bash") else { return };
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("mtasts.bash");
    std::fs::write(&script, mtasts(&["completions", "bash"])).unwrap();
    let out = Command::new(bash)
        .args([
            "--norc",
            "--noprofile",
            "-c",
            &format!("source '{}' && complete -p mtasts", script.display()),
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.starts_with("complete ") && stdout.trim_end().ends_with(" mtasts"), "{stdout}");
    assert!(stdout.contains("-F _mtasts"), "{stdout}");
}

#[test]
fn man_page_is_roff_with_the_subcommands() {
    let page = mtasts(&["man"]);
    assert!(page.contains(".TH mtasts 1"), "{}", &page[..page.len().min(300)]);
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "no {section}");
    }
    assert!(page.contains("mtasts\\-report") || page.contains("mtasts-report"), "report subcommand listed");
}
