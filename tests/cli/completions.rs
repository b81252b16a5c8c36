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

#[test]
fn man_dir_writes_every_page_the_main_page_refers_to() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man");
    let listing = mtasts(&["man", "--dir", out.to_str().unwrap()]);
    let mut files: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(listing.lines().count(), files.len(), "{listing}");
    for name in ["mtasts.1", "mtasts-check.1", "mtasts-reports.1", "mtasts-reports-serve.1", "mtasts-man.1"] {
        assert!(files.iter().any(|f| f == name), "no {name} in {files:?}");
    }
    assert!(!files.iter().any(|f| f.contains("help")), "help has no page: {files:?}");
    assert_eq!(std::fs::read_to_string(out.join("mtasts.1")).unwrap(), mtasts(&["man"]));
    for file in &files {
        let page = std::fs::read_to_string(out.join(file)).unwrap();
        let stem = file.trim_end_matches(".1");
        assert!(page.contains(&format!(".TH {stem} 1")), "{file}: {}", &page[..page.len().min(200)]);
        for word in page.split(|c: char| c.is_whitespace() || c == '\\') {
            if let Some(name) = word.strip_prefix("mtasts-").and_then(|w| w.strip_suffix("(1)")) {
                let target = format!("mtasts-{}.1", name.replace("\\-", "-").trim_start_matches('-'));
                assert!(files.contains(&target), "{file} refers to {word}, which is not written");
            }
        }
    }
    let serve = std::fs::read_to_string(out.join("mtasts-reports-serve.1")).unwrap();
    assert!(serve.contains("listen"), "the page lists the command's own options");
    let check = std::fs::read_to_string(out.join("mtasts-check.1")).unwrap();
    assert!(
        check.contains(".SH \"PROBE OPTIONS\"") || check.contains(".SH PROBE"),
        "probe options under their heading"
    );
}

#[test]
fn man_dir_refuses_a_symbolic_link_where_a_page_goes() {
    let dir = tempfile::tempdir().unwrap();
    let outside = dir.path().join("precious");
    std::fs::write(&outside, "keep").unwrap();
    std::os::unix::fs::symlink(&outside, dir.path().join("mtasts-check.1")).unwrap();
    let out =
        Command::new(env!("CARGO_BIN_EXE_mtasts")).args(["man", "--dir"]).arg(dir.path()).output().unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("mtasts-check.1") && err.contains("symbolic link"), "{err}");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "keep");
}
