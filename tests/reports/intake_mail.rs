//! What one e-mail or one report may cost `mtasts reports import`, measured as the child's
//! peak RSS (bound: 256 MiB): an e-mail of 300 gzip parts that each inflate to 10 MiB (4.2 MB)
//! and one of 1,100 such parts (15.5 MB), a 10 MiB report of three million empty objects, and
//! a DKIM signature larger than its check may cost.

use crate::common;

use std::time::Duration;

use common::dkim::report_email;
use common::reports::{email_with_parts, gzip_bomb, json_shape_bomb};
use common::rss::{LIMIT_KIB, run_measured};
use common::rua::report_with_id;

fn import(state: &std::path::Path, path: &std::path::Path) -> common::rss::Measured {
    let mut cmd = common::mtasts(state);
    cmd.args(["reports", "import"]).arg(path);
    run_measured(&mut cmd, LIMIT_KIB, Duration::from_secs(600))
}

#[test]
fn an_email_of_gzip_bombs_is_read_one_part_at_a_time_and_the_excess_is_named() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let bomb = gzip_bomb();
    for parts in [300, 1100] {
        let path = dir.path().join(format!("bombs-{parts}.eml"));
        let mail = email_with_parts(&bomb, parts);
        std::fs::write(&path, &mail).unwrap();
        let case =
            format!("reports import, {parts} parts of 10 MiB each ({:.1} MB)", mail.len() as f64 / 1e6);
        let run = import(&dir.path().join("state"), &path);
        run.assert_within(&case, LIMIT_KIB);
        assert_eq!(run.status.and_then(|s| s.code()), Some(1), "{case}: {}", run.stderr);
        let lines: Vec<&str> = run.stdout.lines().collect();
        // Six parts fill the 64 MiB a message may decompress to (10 MiB of spaces is no JSON);
        // the seventh and every later one are named in one line.
        assert_eq!(lines.len(), 8, "{case}: {}", run.stdout);
        assert!(lines[..6].iter().all(|l| l.contains(": rejected: not JSON")), "{}", run.stdout);
        let excess = format!(
            "part 8: rejected: not read, nor the {} report part(s) after it: the report parts before it \
             decompressed to 64 MiB, the most read from one e-mail",
            parts - 7
        );
        assert!(lines[6].ends_with(&excess), "{case}: {}", lines[6]);
        assert_eq!(lines[7], "0 imported, 0 duplicate, 7 rejected, 0 ignored");
    }
}

#[test]
fn a_report_of_millions_of_empty_objects_is_refused_before_it_is_parsed() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shape.json");
    std::fs::write(&path, json_shape_bomb(10 * 1024 * 1024 - 16)).unwrap();
    let run = import(&dir.path().join("state"), &path);
    run.assert_within("reports import, 10 MiB of empty failure-details", LIMIT_KIB);
    assert!(
        run.stdout.contains("rejected: too complex: it would take more than 96 MiB once parsed"),
        "{}",
        run.stdout
    );
}

#[test]
fn a_dkim_signature_larger_than_any_signer_writes_is_not_checked() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let json = String::from_utf8(report_with_id("dkim-bloat")).unwrap();
    let mail =
        report_email(&json, "sts-reporting@company-x.example", "company-y.example", "dkim-bloat", "x@y");
    // One signature naming 8 million header fields in `h=` (16 MiB): mail-auth would keep
    // every name (about 460 MiB).
    let names = "a:".repeat(8 * 1024 * 1024);
    let mut signed = format!(
        "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=company-x.example; s=s1; h=from:{names}; \
         bh=AAAA; b=AAAA\r\n"
    )
    .into_bytes();
    signed.extend_from_slice(&mail);
    let path = dir.path().join("bloated-signature.eml");
    std::fs::write(&path, &signed).unwrap();
    let mut cmd = common::mtasts(&dir.path().join("state"));
    cmd.args(["reports", "import", "--resolver", "127.0.0.1:1"]).arg(&path);
    let run = run_measured(&mut cmd, LIMIT_KIB, Duration::from_secs(600));
    run.assert_within("reports import, a 16 MiB DKIM-Signature field", LIMIT_KIB);
    assert_eq!(run.status.and_then(|s| s.code()), Some(0), "{}", run.stderr);
    let line = run.stdout.lines().next().unwrap_or_default();
    assert!(line.contains(": imported report dkim-bloat"), "{}", run.stdout);
    assert!(
        line.ends_with("not authenticated: DKIM not checked: a DKIM signature longer than 8192 bytes"),
        "{line}"
    );
}

#[test]
fn an_email_of_millions_of_header_lines_is_refused_before_it_is_parsed() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("heads.eml");
    // 60 MB of `a:b` fields (15 million): the parser alone took 3.8 GB of them.
    let mut mail = b"From: a@b.example\r\n".to_vec();
    mail.extend_from_slice(&b"a:b\n".repeat(15_000_000));
    mail.extend_from_slice(b"\r\n{}\r\n");
    std::fs::write(&path, &mail).unwrap();
    let run = import(&dir.path().join("state"), &path);
    run.assert_within("reports import, 15 million header lines (60 MB)", LIMIT_KIB);
    assert!(
        run.stdout.contains("rejected: too complex: more than 20000 header lines in the heads of the e-mail"),
        "{}",
        run.stdout
    );
}
