//! Terminal safety: every outside string (TXT values, policy lines, SMTP banners and EHLO
//! lines, certificate subjects and SANs, HTTP headers, report fields, file names) reaches the
//! CLI's text output through the sanitiser. The real binary runs against an in-process lab
//! whose every string carries `ESC[2J`, an OSC 52 clipboard write ended by BEL, and U+202E.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::common::lab_env::LabEnv;
use mtasts_lab::scenario::{CertKind, DomainSpec, MxHostSpec, MxSpec, PolicyHostSpec, Scenario};

/// Clear screen, OSC 52 clipboard write (BEL-terminated), right-to-left override.
const EVIL: &str = "\x1b[2J\x1b]52;c;ZXZpbA==\x07\u{202e}";
/// HTTP header values cannot carry C0 bytes (the client rejects them), but C1 and bidi pass.
const EVIL_HEADER: &str = "\u{9b}2J\u{202e}";
/// A certificate's dNSName is an IA5String: ASCII only, so no U+202E there.
const EVIL_SAN: &str = "\x1b[2J\x1b]52;c;ZXZpbA==\x07.evil.example";
const DOMAIN: &str = "evil.example";
const REDIRECT: &str = "evil-redirect.example";
const MX: &str = "mx1.evil.example";

fn scenario() -> Scenario {
    let body = format!(
        "version: STSv1\r\nmode: testing\r\nmx: {MX}\r\nmx: {EVIL}.evil.example\r\nx{EVIL}: {EVIL}\r\n\
         max_age: 86400\r\n"
    );
    let domain = |name: &str, policy: PolicyHostSpec| DomainSpec {
        name: name.to_owned(),
        problem: String::new(),
        expect: Vec::new(),
        mx: vec![MxSpec { preference: 10, host: MX.to_owned() }],
        null_mx: false,
        sts_txt: vec![vec![format!("v=STSv1; id=20260101T000000; x-evil={EVIL}")]],
        sts_cname: None,
        sts_txt_filler: None,
        cnames: Vec::new(),
        tlsrpt_txt: vec![vec![format!("v=TLSRPTv1; rua=mailto:{EVIL}@{name}")]],
        policy: Some(policy),
        policy_host_resolves: true,
    };
    let policy = PolicyHostSpec {
        status: 200,
        content_type: format!("text/plain{EVIL_HEADER}"),
        body,
        pad: None,
        bom: false,
        redirect_to: None,
        cert: CertKind::Named { common_name: format!("{EVIL}.evil.example"), san: EVIL_SAN.to_owned() },
        latency_ms: 0,
        behaviour: Default::default(),
    };
    let redirect = PolicyHostSpec {
        status: 301,
        redirect_to: Some(format!("https://x{EVIL_HEADER}.example/")),
        cert: CertKind::Valid,
        ..policy.clone()
    };
    Scenario {
        name: "hostile-terminal".to_owned(),
        description: "Every outside string carries terminal escapes".to_owned(),
        domains: vec![domain(DOMAIN, policy), domain(REDIRECT, redirect)],
        mx_hosts: vec![MxHostSpec {
            greeting: Some(format!("ESMTP {EVIL}")),
            cert: CertKind::Named { common_name: format!("mx {EVIL}"), san: EVIL_SAN.to_owned() },
            ..MxHostSpec::healthy(MX)
        }],
        ..Scenario::default()
    }
}

/// Runs mtasts with colour off (NO_COLOR) unless `colour`; `add` and `check` probe the lab.
fn run(env: &LabEnv, args: &[&str], colour: bool) -> Output {
    let probe = matches!(args.first(), Some(&"add") | Some(&"check"));
    let mut cmd = env.command(0, args, probe);
    if colour {
        cmd.env_remove("NO_COLOR");
    }
    cmd.output().unwrap()
}

/// The first forbidden character in `text`: C0 except TAB/LF, DEL, C1, bidi controls.
fn first_unsafe(text: &str) -> Option<(usize, char)> {
    text.char_indices().find(|&(_, c)| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    })
}

fn all_text(out: &Output) -> String {
    let mut s = String::from_utf8(out.stdout.clone()).expect("stdout is UTF-8");
    s.push_str(&String::from_utf8(out.stderr.clone()).expect("stderr is UTF-8"));
    s
}

/// No raw control or bidi character anywhere in stdout and stderr.
fn assert_clean(what: &str, out: &Output) {
    let text = all_text(out);
    if let Some((i, c)) = first_unsafe(&text) {
        let from = text[..i].char_indices().rev().nth(60).map_or(0, |(j, _)| j);
        panic!("{what}: raw {c:?} at byte {i} after {:?}\n--- output ---\n{text:?}", &text[from..i]);
    }
}

/// The output shows the payload, escaped (so the test proves the path was exercised).
fn assert_shows_escaped(what: &str, out: &Output, needle: &str) {
    let text = all_text(out);
    assert!(text.contains(needle), "{what}: expected {needle:?} in:\n{text}");
}

/// Removes every SGR sequence `ESC [ digits/semicolons m`; what is left must be clean.
fn strip_sgr(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("\x1b[") {
        out.push_str(&rest[..i]);
        let tail = &rest[i + 2..];
        let end = tail.find(|c: char| !(c.is_ascii_digit() || c == ';')).unwrap_or(tail.len());
        if tail[end..].starts_with('m') {
            rest = &tail[end + 1..];
        } else {
            out.push_str("\x1b[");
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

fn write_evil_report(dir: &Path) -> PathBuf {
    let json = serde_json::json!({
        "organization-name": format!("Org {EVIL}"),
        "date-range": {"start-datetime": "2026-11-01T00:00:00Z", "end-datetime": "2026-11-01T23:59:59Z"},
        "contact-info": format!("mailto:{EVIL}@sender.example"),
        "report-id": format!("id-{EVIL}"),
        "policies": [{
            "policy": {
                "policy-type": "sts",
                "policy-string": ["version: STSv1", format!("mode: {EVIL}")],
                "policy-domain": DOMAIN,
                "mx-host": [format!("{EVIL}.evil.example")],
            },
            "summary": {"total-successful-session-count": 5, "total-failure-session-count": 3},
            "failure-details": [{
                "result-type": "other",
                "receiving-mx-hostname": format!("mx{EVIL}.evil.example"),
                "receiving-mx-helo": format!("helo {EVIL}"),
                "failed-session-count": 3,
                "additional-information": format!("info {EVIL}"),
                "failure-reason-code": format!("code {EVIL}"),
            }],
        }],
    });
    let reports = dir.join("inbox");
    std::fs::create_dir_all(&reports).unwrap();
    let path = reports.join(format!("report-{EVIL}.json"));
    std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
    reports
}

#[test]
fn check_text_output_has_no_raw_control_characters() {
    let env = LabEnv::start(&scenario());
    for domain in [DOMAIN, REDIRECT] {
        let out = run(&env, &["check", domain], false);
        assert_clean(&format!("check {domain}"), &out);
        assert_shows_escaped(&format!("check {domain}"), &out, "\\x1b[2J");
        let out = run(&env, &["--no-color", "check", domain], true);
        assert_clean(&format!("check --no-color {domain}"), &out);
    }
    let out = run(&env, &["check", REDIRECT], false);
    assert_shows_escaped("redirect Location", &out, "\\x9b2J\\u{202e}");
}

/// With colour on (stdout a terminal, via util-linux `script`), the only escape sequences are
/// our own SGR codes; the pty turns LF into CRLF, so CR is allowed here.
#[test]
fn check_in_colour_emits_only_our_sgr_sequences() {
    if !Path::new("/usr/bin/script").exists() {
        eprintln!("SKIPPED: script (util-linux) not installed");
        return;
    }
    let env = LabEnv::start(&scenario());
    let quote = |a: &str| format!("'{}'", a.replace('\'', "'\\''"));
    let bin = env!("CARGO_BIN_EXE_mtasts");
    let args: Vec<String> =
        ["check", DOMAIN].map(String::from).into_iter().chain(env.probe_args()).map(|a| quote(&a)).collect();
    let args = args.join(" ");
    let out = Command::new("/usr/bin/script")
        // Standard error (the progress line, drawn when it is a terminal) is not under test.
        .args(["-qec", &format!("{} {args} 2>/dev/null", quote(bin)), "/dev/null"])
        .env("MTASTS_STATE_DIR", env.state_dir())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\x1b[31;1m") || text.contains("\x1b[33m"), "no colour in:\n{text:?}");
    let stripped = strip_sgr(&text).replace('\r', "");
    if let Some((i, c)) = first_unsafe(&stripped) {
        panic!("colour check: raw {c:?} at {i} outside SGR:\n{stripped:?}");
    }
    for code in sgr_codes(&text) {
        assert!(PALETTE.contains(&code.as_str()), "unexpected SGR {code:?}");
    }
    assert!(stripped.contains("\\x1b[2J"), "payload shown escaped:\n{stripped}");
}

/// The SGR parameters `Style` uses (bold, dim, red, yellow, cyan, green, reset).
const PALETTE: [&str; 8] = ["0", "1", "2", "31;1", "33", "36", "32;1", "33;1"];

fn sgr_codes(text: &str) -> Vec<String> {
    text.split("\x1b[").skip(1).map(|t| t.split('m').next().unwrap_or_default().to_owned()).collect()
}

#[test]
fn check_json_is_valid_and_escapes_control_characters() {
    let env = LabEnv::start(&scenario());
    let out = run(&env, &["check", "--json", DOMAIN], false);
    assert!(!out.stdout.contains(&0x1b), "raw ESC in JSON output");
    assert!(!out.stdout.contains(&0x07), "raw BEL in JSON output");
    serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("valid JSON");
    let raw = String::from_utf8(out.stdout).unwrap();
    assert!(raw.contains("\\u001b[2J"), "the payload survives in the data, escaped by JSON:\n{raw}");
    assert_json_clean("check --json", &raw);
    assert!(raw.contains("\\u009b2J\\u202e"), "the Content-Type's C1 and bidi controls, escaped:\n{raw}");
}

/// JSON output: no raw control (C0 but LF, DEL, C1) or bidi control anywhere.
fn assert_json_clean(what: &str, raw: &str) {
    let bad = raw.char_indices().find(|&(_, c)| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    });
    assert!(bad.is_none(), "{what}: raw {bad:?} in JSON output:\n{raw:?}");
}

#[test]
fn status_after_add_is_clean() {
    let env = LabEnv::start(&scenario());
    let out = run(&env, &["add", DOMAIN], false);
    assert_clean("add", &out);
    let out = run(&env, &["status"], false);
    assert_clean("status", &out);
}

#[test]
fn lint_policy_and_record_are_clean() {
    let env = LabEnv::start(&scenario());
    let file = env.dir.path().join(format!("policy-{EVIL}.txt"));
    std::fs::write(
        &file,
        format!("version: STSv1\r\nmode: {EVIL}\r\nmx: {EVIL}\r\nx{EVIL}: {EVIL}\r\nmax_age: 1{EVIL}\r\n"),
    )
    .unwrap();
    let out = run(&env, &["lint", "policy", file.to_str().unwrap()], false);
    assert_clean("lint policy", &out);
    assert_shows_escaped("lint policy", &out, "\\x1b[2J");
    let json = run(&env, &["lint", "policy", "--json", file.to_str().unwrap()], false);
    assert!(!json.stdout.contains(&0x1b), "raw ESC in lint --json");
    serde_json::from_slice::<serde_json::Value>(&json.stdout).expect("valid JSON");
    let missing = env.dir.path().join(format!("missing-{EVIL}"));
    let out = run(&env, &["lint", "policy", missing.to_str().unwrap()], false);
    assert_clean("lint policy on a missing file", &out);
    for record in
        [format!("v=STSv1; id={EVIL}"), format!("v=TLSRPTv1; rua=mailto:{EVIL}@x.example"), EVIL.into()]
    {
        let out = run(&env, &["lint", "record", &record], false);
        assert_clean(&format!("lint record {record:?}"), &out);
        // The parser names the first bad character, which may be the ESC or the U+202E.
        let text = all_text(&out);
        assert!(
            text.contains("\\x1b") || text.contains("\\u{202e}"),
            "lint record: payload not shown:\n{text}"
        );
    }
}

#[test]
fn reports_import_and_summary_are_clean() {
    let env = LabEnv::start(&scenario());
    let inbox = write_evil_report(env.dir.path());
    let out = run(&env, &["reports", "import", inbox.to_str().unwrap()], false);
    assert_clean("reports import", &out);
    assert_shows_escaped("reports import (file name)", &out, "report-\\x1b[2J");
    let json = run(&env, &["reports", "import", "--json", inbox.to_str().unwrap()], false);
    assert!(!json.stdout.contains(&0x1b), "raw ESC in import --json");
    for line in json.stdout.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        serde_json::from_slice::<serde_json::Value>(line).expect("valid JSON line");
    }
    let out = run(&env, &["reports", "summary"], false);
    assert_clean("reports summary", &out);
    let json = run(&env, &["reports", "summary", "--json"], false);
    let raw = String::from_utf8(json.stdout).unwrap();
    assert_json_clean("reports summary --json", &raw);
    assert!(raw.contains("\\u202e"), "U+202E escaped as \\u202e:\n{raw}");
    assert_shows_escaped("reports summary", &out, "\\x1b[2J");
    let out = run(&env, &["add", DOMAIN], false);
    assert_clean("add", &out);
    let out = run(&env, &["status"], false);
    assert_clean("status with reports", &out);
}
