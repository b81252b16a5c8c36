//! Every write refuses a target that is a symbolic link or not a regular file, naming it, and
//! leaves it as it was: `report --html` and `check --metrics` (the state, reports, `generate
//! --out` and the lab's CA file share the same function, `mtasts_fs::write_atomic`).

use crate::common::{mtasts, output_text as text};

use std::os::unix::fs::FileTypeExt;
use std::path::Path;
use std::process::Command;

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

fn is_fifo(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_fifo())
}

#[test]
fn report_html_refuses_a_link_and_a_fifo_and_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let added = mtasts(&state)
        .args(["add", "example.com", "--mx", "mx.example.com", "--resolver", "127.0.0.1:9", "--timeout", "1"])
        .output()
        .unwrap();
    assert!(added.status.success(), "{}", text(&added));
    let html = |target: &Path| mtasts(&state).arg("report").arg("--html").arg(target).output().unwrap();

    let outside = dir.path().join("precious.html");
    std::fs::write(&outside, "precious").unwrap();
    let link = dir.path().join("link.html");
    std::os::unix::fs::symlink(&outside, &link).unwrap();
    let out = html(&link);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("link.html is a symbolic link"), "{}", text(&out));
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays");
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");

    let fifo = dir.path().join("fifo.html");
    mkfifo(&fifo);
    let out = html(&fifo);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("fifo.html is a FIFO (named pipe), not a regular file"), "{}", text(&out));
    assert!(is_fifo(&fifo), "the FIFO stays a FIFO");

    let fine = dir.path().join("fine.html");
    assert!(html(&fine).status.success());
    assert!(std::fs::read_to_string(&fine).unwrap().contains("<html"));
}

#[test]
fn check_metrics_refuses_a_fifo_and_a_link_and_keeps_them() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let check = |target: &Path| {
        mtasts(&state)
            .args(["check", "example.com", "--resolver", "127.0.0.1:9", "--timeout", "1", "--metrics"])
            .arg(target)
            .output()
            .unwrap()
    };
    let fifo = dir.path().join("mtasts.prom");
    mkfifo(&fifo);
    let out = check(&fifo);
    assert!(text(&out).contains("mtasts.prom is a FIFO (named pipe), not a regular file"), "{}", text(&out));
    assert!(is_fifo(&fifo), "the FIFO stays a FIFO");

    let outside = dir.path().join("outside.prom");
    std::fs::write(&outside, "precious").unwrap();
    let link = dir.path().join("link.prom");
    std::os::unix::fs::symlink(&outside, &link).unwrap();
    let out = check(&link);
    assert!(text(&out).contains("link.prom is a symbolic link"), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&outside).unwrap(), "precious");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
