//! The built binary: `lint` and `generate` exit codes, JSON shape, and one-line errors.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn mtasts(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mtasts"))
        .args(args)
        .env_remove("MTASTS_NOW")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8(b.to_vec()).unwrap()
}

const GOOD: &[u8] = b"version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmax_age: 604800\r\n";

#[test]
fn valid_policy_from_stdin_exits_zero() {
    let out = mtasts(&["lint", "policy", "-"], Some(GOOD));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(text(&out.stdout).contains("valid policy"));
}

#[test]
fn invalid_policy_exits_one_with_json_shape() {
    let body = b"version: STSv1\nmode: enforce\nnmx: mail.example.com\nmax_age: 604800\n";
    let out = mtasts(&["lint", "policy", "-", "--json"], Some(body));
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "policy");
    assert_eq!(v["valid"], false);
    let codes: Vec<&str> =
        v["findings"].as_array().unwrap().iter().map(|f| f["code"].as_str().unwrap()).collect();
    assert!(codes.contains(&"policy-invalid"), "{codes:?}");
    assert!(codes.contains(&"policy-unknown-key"), "{codes:?}");
    let unknown =
        v["findings"].as_array().unwrap().iter().find(|f| f["code"] == "policy-unknown-key").unwrap();
    assert_eq!(unknown["line"], 3);
    assert!(unknown["fix"].as_str().unwrap().contains("mx"));
}

#[test]
fn lenient_only_policy_is_an_error() {
    let out = mtasts(
        &["lint", "policy", "-", "--json"],
        Some(b"version: STSv1\rmode: enforce\rmx: a.example.com\rmax_age: 604800\r"),
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["strict_valid"], false);
    assert_eq!(v["lenient_valid"], true);
    assert!(v["findings"].as_array().unwrap().iter().any(|f| f["code"] == "policy-lenient-only"));
}

#[test]
fn records_are_detected_and_linted() {
    let out = mtasts(&["lint", "record", "v=STSv1; id=20261129T081500", "--json"], None);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "sts");
    assert_eq!(v["parsed"]["id"], "20261129T081500");

    let out = mtasts(
        &["lint", "record", "v=TLSRPTv1; rua=mailto:a@example.com,https://r.example.com/x", "--json"],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["kind"], "tlsrpt");
    assert_eq!(v["parsed"]["rua"].as_array().unwrap().len(), 2);

    let out = mtasts(&["lint", "record", "v=STSv1; id=bad-id"], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stdout).contains("sts-record-invalid"));
}

#[test]
fn unreadable_file_is_one_clear_line_and_exit_two() {
    let out = mtasts(&["lint", "policy", "/nonexistent/policy.txt"], None);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cannot read /nonexistent/policy.txt"), "{err}");
}

#[test]
fn generate_rejects_bad_input_with_exit_two() {
    for (args, needle) in [
        (vec!["generate", "--target", "policy", "ex_ample.com", "--mx", "mail.example.com"], "'_'"),
        (
            vec!["generate", "--target", "policy", "example.com", "--mx", "mail.example.com", "--id", "a-b"],
            "--id",
        ),
        (vec!["generate", "--target", "policy", "example.com", "--mx", "192.0.2.1"], "IP address"),
        (vec!["generate", "--target", "policy", "example.com"], "--mx"),
        (
            vec![
                "generate",
                "--target",
                "nginx",
                "example.com",
                "--mx",
                "m.example.com",
                "--cert",
                "rel/path",
            ],
            "absolute",
        ),
        (vec!["generate", "--target", "bogus", "example.com"], "bogus"),
    ] {
        let out = mtasts(&args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains(needle), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn generated_policy_lints_clean_and_out_dir_writes_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = mtasts(
        &[
            "generate",
            "--target",
            "policy",
            "example.com",
            "--mx",
            "mail.example.com",
            "--mode",
            "enforce",
            "--max-age",
            "604800",
            "--out",
            dir.path().to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let path = dir.path().join("mta-sts.txt");
    assert_eq!(std::fs::read(&path).unwrap(), GOOD);
    let lint = mtasts(&["lint", "policy", path.to_str().unwrap()], None);
    assert_eq!(lint.status.code(), Some(0), "{}", text(&lint.stdout));
}

#[test]
fn generate_uses_the_given_id_and_domain_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("domains.txt");
    std::fs::write(&file, "# fleet\na.example mx.a.example\nb.example mx.b.example\n").unwrap();
    let out = mtasts(
        &["generate", "--target", "worker-multi", "--id", "abc123", "--domain-file", file.to_str().unwrap()],
        None,
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let js = text(&out.stdout);
    assert!(js.contains("mta-sts.a.example") && js.contains("mta-sts.b.example"), "{js}");
    let dns =
        mtasts(&["generate", "--target", "dns", "a.example", "--mx", "mx.a.example", "--id", "abc123"], None);
    assert!(text(&dns.stdout).contains("\"v=STSv1; id=abc123\""));
}
