//! `mtasts add DOMAIN --zone-file FILE`: every name of a BIND zone that receives mail, listed
//! and tracked on request. Offline: the resolver is a closed loopback port, so the MX hosts
//! come from the zone file.

use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use mtasts::store::Store;
use mtasts_core::rfc::DomainName;

fn zone(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/zones").join(name)
}

fn run(state: &Path, args: &[&str]) -> Output {
    crate::common::mtasts_at(state, "2026-11-30T10:00:00Z")
        .args(args)
        .args(["--resolver", "127.0.0.1:9", "--timeout", "1"])
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

#[test]
fn lists_every_name_with_mx_and_without_a_terminal_adds_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let file = zone("example.com.zone");
    let out = run(dir.path(), &["add", "example.com", "--zone-file", file.to_str().unwrap()]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("legacy.example.com  still receives mail — not tracked  (MX old-mx.example.net)")
    );
    assert!(
        stdout.contains(
            "example.com  still receives mail — not tracked  (MX mx1.example.com, mx2.example.com)"
        )
    );
    assert!(stdout.contains("shop.example.com  still receives mail"), "{stdout}");
    assert!(stdout.contains("nomail.example.com  refuses mail (null MX)"), "{stdout}");
    assert!(!stdout.contains("www.example.com"), "{stdout}");
    assert!(stdout.contains("3 name(s) still receive mail without MTA-STS tracking; add --all"), "{stdout}");
    let store = Store::open(dir.path()).unwrap();
    assert!(store.load(&DomainName::parse("example.com").unwrap()).unwrap().is_none());
}

#[test]
fn all_tracks_each_name_with_the_zone_s_mx_hosts_then_reports_them_tracked() {
    let dir = tempfile::tempdir().unwrap();
    let file = zone("example.com.zone");
    let file = file.to_str().unwrap();
    let out = run(dir.path(), &["add", "example.com", "--zone-file", file, "--all"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}{stderr}");
    let store = Store::open(dir.path()).unwrap();
    let legacy = store.load(&DomainName::parse("legacy.example.com").unwrap()).unwrap().unwrap();
    let mx: Vec<String> = legacy.plan.mx.iter().map(ToString::to_string).collect();
    assert_eq!(mx, ["old-mx.example.net"]);
    assert!(store.load(&DomainName::parse("shop.example.com").unwrap()).unwrap().is_some());
    assert!(store.load(&DomainName::parse("nomail.example.com").unwrap()).unwrap().is_none());

    let again = run(dir.path(), &["add", "example.com", "--zone-file", file]);
    let (stdout, _) = text(&again);
    assert_eq!(again.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("legacy.example.com  tracked"), "{stdout}");
    assert!(stdout.contains("every name that receives mail is tracked"), "{stdout}");
}

#[test]
fn a_broken_zone_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = zone("broken.zone");
    let out = run(dir.path(), &["add", "example.com", "--zone-file", file.to_str().unwrap()]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stderr.contains("line 17: "), "{stderr}");
}

#[test]
fn an_oversized_file_and_include_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let big = dir.path().join("big.zone");
    let line = "a IN A 192.0.2.1\n";
    std::fs::write(&big, line.repeat((4 << 20) / line.len() + 1)).unwrap();
    let out = run(dir.path(), &["add", "example.com", "--zone-file", big.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("larger than 4 MiB"), "{}", text(&out).1);

    let inc = dir.path().join("inc.zone");
    std::fs::write(&inc, "$ORIGIN example.com.\n@ IN MX 10 mx1.example.com.\n$INCLUDE /etc/hosts\n").unwrap();
    let out = run(dir.path(), &["add", "example.com", "--zone-file", inc.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("line 3: $INCLUDE is not followed"), "{}", text(&out).1);
}

/// A zone with `n` MX records for its origin (and one ordinary name), as text.
fn many_mx(n: usize) -> String {
    let mut text = String::from("$TTL 300\n@ IN SOA ns.example.com. h.example.com. 1 2 3 4 5\n");
    for i in 0..n {
        text.push_str(&format!("@ IN MX 10 mx{i}.example.net.\n"));
    }
    text + "legacy IN MX 10 old-mx.example.net.\n"
}

#[test]
fn a_name_with_more_mx_hosts_than_a_plan_may_list_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let file = dir.path().join("huge.zone");
    std::fs::write(&file, many_mx(60_000)).unwrap();
    let out = run(&state, &["add", "example.com", "--zone-file", file.to_str().unwrap(), "--all"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stderr.contains("line 67: example.com has more than 64 MX records"), "{stderr}");
    assert!(Store::open(&state).unwrap().list().unwrap().is_empty(), "no state file was written");

    std::fs::write(&file, many_mx(64)).unwrap();
    let out = run(&state, &["add", "example.com", "--zone-file", file.to_str().unwrap(), "--all"]);
    assert!(out.status.success(), "{:?}", text(&out));
    let store = Store::open(&state).unwrap();
    let tracked = store.load(&DomainName::parse("example.com").unwrap()).unwrap().unwrap();
    assert_eq!(tracked.plan.mx.len(), 64);
    for domain in ["example.com", "legacy.example.com"] {
        let status = run(&state, &["status", domain]);
        assert!(status.status.success(), "{domain} reads back: {:?}", text(&status));
    }

    let mut args = vec!["add".to_owned(), "many.example".to_owned()];
    for i in 0..65 {
        args.extend(["--mx".to_owned(), format!("mx{i}.example.net")]);
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run(&state, &args);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains("many.example: 65 MX hosts, more than the 64 a tracked domain may list"),
        "{stderr}"
    );
}
