//! `mtasts demo` in a real pseudo-terminal (tmux): it starts, draws the home screen,
//! navigates, quits cleanly and leaves the terminal restored (cooked mode, main screen).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::{Duration, Instant};

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux").args(args).output().expect("tmux runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn wait_for(session: &str, needle: &str, secs: u64) -> String {
    let start = Instant::now();
    loop {
        let screen = tmux(&["capture-pane", "-p", "-t", session]);
        if screen.contains(needle) {
            return screen;
        }
        assert!(start.elapsed() < Duration::from_secs(secs), "{needle:?} never appeared:\n{screen}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn demo_starts_navigates_and_quits_with_the_terminal_restored() {
    if Command::new("tmux").arg("-V").output().is_err() {
        eprintln!("tmux not installed; skipping");
        return;
    }
    let session = format!("mtasts-pty-{}", std::process::id());
    let dir = tempfile::tempdir().unwrap();
    let stats = dir.path().join("stats");
    let script = format!(
        "MTASTS_TUI_STATS={} {} demo; rc=$?; echo \"EXIT=$rc MODE=$(stty -a | tr ' ' '\\n' | grep -x -- '-\\?icanon')\"; sleep 30",
        stats.display(),
        env!("CARGO_BIN_EXE_mtasts")
    );
    tmux(&["new-session", "-d", "-s", &session, "-x", "80", "-y", "24", &script]);
    let home = wait_for(&session, "testing.example", 30);
    assert!(home.contains("DEMO") && home.contains("good.example"), "{home}");
    tmux(&["send-keys", "-t", &session, "j", "j", "j", "Enter"]);
    let domain = wait_for(&session, "home › testing.example", 10);
    assert!(domain.contains("day 21/30"), "{domain}");
    tmux(&["send-keys", "-t", &session, "?"]);
    wait_for(&session, "any key closes", 10);
    std::thread::sleep(Duration::from_secs(3));
    tmux(&["send-keys", "-t", &session, "x", "q", "q"]);
    // One line carries both, so the capture cannot see the exit status before the tty mode.
    let after = wait_for(&session, "MODE=", 10);
    tmux(&["kill-session", "-t", &session]);
    assert!(after.contains("EXIT=0"), "{after}");
    assert!(after.lines().any(|l| l.trim().ends_with("MODE=icanon")), "terminal left in raw mode:\n{after}");
    assert!(!after.contains("good.example"), "alternate screen not left:\n{after}");
    let stats = std::fs::read_to_string(stats).unwrap();
    eprintln!("{stats}");
    let draws: u64 = stats.lines().find_map(|l| l.strip_prefix("draws=")).unwrap().parse().unwrap();
    assert!(draws < 60, "too many redraws for a short idle session: {stats}");
}
