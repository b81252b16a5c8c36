//! `mtasts reports fetch` against a small IMAP server in this test (plain IMAP on loopback,
//! `tests/common/imap_server.rs`): a greeting announcing a 530 MB literal, a greeting that never
//! ends (both before STARTTLS, where anyone on the path can send them), an e-mail of gzip
//! bombs, and a full disk during the fetch. Peak RSS of the child is bounded by 256 MiB.

use crate::common;

use std::path::Path;
use std::process::Command;
use std::sync::atomic::Ordering;
use std::time::Duration;

use common::imap_server::{ImapServer, Script};
use common::reports::{email_with_parts, gzip, gzip_bomb};
use common::rss::{LIMIT_KIB, Measured, run_measured};

fn fetch(cmd: &mut Command, state: &Path, url: &str, args: &[&str]) -> Measured {
    cmd.args(["reports", "fetch", url])
        .args(args)
        .env("MTASTS_STATE_DIR", state)
        .env("MTASTS_IMAP_PASSWORD", "pw")
        .env("NO_COLOR", "1");
    run_measured(cmd, LIMIT_KIB, Duration::from_secs(300))
}

fn mtasts() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mtasts"))
}

#[test]
fn a_greeting_announcing_a_huge_literal_fails_at_once_without_allocating_it() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let server = ImapServer::start(Script::Greeting(b"* 1 FETCH (UID 1 BODY[] {530000000}\r\n".to_vec()));
    let run = fetch(&mut mtasts(), dir.path(), &server.url(), &["--timeout", "10"]);
    run.assert_within("reports fetch imap://, a greeting announcing 530000000 bytes", LIMIT_KIB);
    assert_eq!(run.status.and_then(|s| s.code()), Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains("the greeting failed: the server announced 530000000 more bytes"),
        "{}",
        run.stderr
    );
}

#[test]
fn an_endless_greeting_stops_at_the_byte_cap_not_at_the_timeout() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let server = ImapServer::start(Script::EndlessGreeting);
    let run = fetch(&mut mtasts(), dir.path(), &server.url(), &["--timeout", "120"]);
    run.assert_within("reports fetch imap://, an endless greeting line", LIMIT_KIB);
    assert_eq!(run.status.and_then(|s| s.code()), Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("the greeting failed: the server sent more than expected"), "{}", run.stderr);
    let sent = server.sent.load(Ordering::Relaxed);
    assert!(sent < 64 << 20, "the client read {sent} bytes of one greeting line");
}

#[test]
fn an_email_of_gzip_bombs_over_imap_stays_within_the_bound() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let bomb = gzip_bomb();
    let mails = vec![email_with_parts(&bomb, 300), email_with_parts(&bomb, 1100)];
    let sizes: Vec<usize> = mails.iter().map(Vec::len).collect();
    assert!(sizes[1] < 16 << 20, "under the default --max-message-size");
    let server = ImapServer::start(Script::Mailbox(mails));
    let run = fetch(&mut mtasts(), dir.path(), &server.url(), &["--insecure-plain"]);
    let case = format!("reports fetch, e-mails of 300 and 1,100 gzip bombs ({sizes:?} bytes)");
    run.assert_within(&case, LIMIT_KIB);
    let excess = run.stdout.lines().filter(|l| l.contains("not read, nor the ")).count();
    assert_eq!(excess, 2, "{}", run.stdout);
    assert!(
        run.stdout.ends_with("2 message(s): 0 imported, 0 duplicate, 14 rejected, 0 ignored\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_report_that_could_not_be_stored_is_fetched_again_once_there_is_space() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let report = common::reports::incompressible_report("big-1", 512 * 1024);
    let other = b"From: a@example.net\r\nSubject: hello\r\n\r\nnot a report\r\n".to_vec();
    let server = ImapServer::start(Script::Mailbox(vec![email_with_parts(&gzip(&report), 1), other]));
    // A disk with room for small writes only: the position file fits, the report does not.
    let limit = common::reports::small_writes_only(dir.path());
    let mut full = Command::new("sh");
    full.args(["-c", "trap '' XFSZ; exec prlimit --fsize=\"$0\" -- \"$@\""])
        .arg(limit.to_string())
        .arg(env!("CARGO_BIN_EXE_mtasts"));
    let run = fetch(&mut full, dir.path(), &server.url(), &["--insecure-plain"]);
    assert_eq!(run.status.and_then(|s| s.code()), Some(1), "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("message 1 part 2: not stored, import it again: cannot store: "),
        "{}",
        run.stdout
    );
    assert!(
        run.stderr.contains("stopped at message 1: a report in it could not be stored"),
        "{}",
        run.stderr
    );

    let run = fetch(&mut mtasts(), dir.path(), &server.url(), &["--insecure-plain"]);
    assert!(run.stderr.contains(": 2 new message(s)"), "the report is fetched again: {}", run.stderr);
    assert!(
        run.stdout.ends_with("2 message(s): 1 imported, 0 duplicate, 0 rejected, 1 ignored\n"),
        "{}",
        run.stdout
    );
    assert_eq!(run.status.and_then(|s| s.code()), Some(0));
    let run = fetch(&mut mtasts(), dir.path(), &server.url(), &["--insecure-plain"]);
    assert!(run.stderr.contains(": 0 new message(s)"), "{}", run.stderr);
}
