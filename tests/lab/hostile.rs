//! Hostile servers: the real `mtasts check --json --timeout N` binary against every hostile lab
//! scenario. Each run must end (exit 0 or 1) within its timeout plus a margin — a hang is a bug,
//! not slowness — keep its peak RSS under a cap, and report the precise finding.

use std::io::Read;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

/// `--timeout` given to every hostile run.
const TIMEOUT: u64 = 5;
/// Giving up may take the timeout plus this (process start, judging, printing).
const MARGIN: Duration = Duration::from_secs(10);
/// Peak resident memory allowed for one `check` run.
const MAX_RSS_KIB: u64 = 200 * 1024;

use crate::common;

use common::lab_env::LabEnv as Env;
use common::rss::vm_hwm_kib;

/// One finished `check` run.
struct Run {
    exit: Option<i32>,
    elapsed: Duration,
    peak_rss_kib: u64,
    json: Value,
    stderr: String,
}

impl Run {
    fn codes(&self) -> Vec<String> {
        let mut v: Vec<String> = self.json["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["severity"] != "info")
            .map(|f| f["code"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v.dedup();
        v
    }

    fn messages(&self) -> String {
        let all = self.json["findings"].as_array().unwrap().iter();
        all.map(|f| f["message"].as_str().unwrap_or_default()).collect::<Vec<_>>().join("\n")
    }
}

/// Runs `mtasts check --json` on `domain` against the lab, sampling the child's peak RSS
/// (VmHWM) until it exits. Kills it and fails if it outlives every reasonable bound.
fn check(env: &Env, domain: &str, timeout: u64, concurrency: u64) -> Run {
    let _runtime = env.rt.enter();
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mtasts"))
        .args(["check", "--json", domain])
        .args(env.probe_args_with_timeout(timeout))
        .args(["--concurrency", &concurrency.to_string()])
        .env("MTASTS_STATE_DIR", env.state_dir())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let (mut out, mut err) = (child.stdout.take().unwrap(), child.stderr.take().unwrap());
    let stdout = thread::spawn(move || {
        let mut s = String::new();
        out.read_to_string(&mut s).map(|_| s)
    });
    let stderr = thread::spawn(move || {
        let mut s = String::new();
        err.read_to_string(&mut s).map(|_| s)
    });
    let mut peak = 0;
    let status = loop {
        if let Some(kib) = vm_hwm_kib(pid) {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(timeout * 4) + MARGIN {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("mtasts check {domain} still running after {:?}: it hangs", start.elapsed());
        }
        thread::sleep(Duration::from_millis(10));
    };
    let elapsed = start.elapsed();
    let stdout = stdout.join().unwrap().unwrap();
    let json = serde_json::from_str(stdout.trim()).unwrap_or(Value::Null);
    Run { exit: status.code(), elapsed, peak_rss_kib: peak, json, stderr: stderr.join().unwrap().unwrap() }
}

/// (scenario, domain, error and warning codes, verdict, a piece of a finding's message).
const CASES: &[(&str, &str, &[&str], &str, &str)] = &[
    (
        "hostile-smtp-endless-banner",
        "endless-banner.example",
        &["mx-unreachable"],
        "fail",
        "while waiting for the greeting (banner): line too long",
    ),
    (
        "hostile-smtp-continuation-lines",
        "many-lines.example",
        &["mx-unreachable"],
        "fail",
        "in reply to EHLO: reply has more than 100 lines",
    ),
    (
        "hostile-smtp-starttls-garbage",
        "tls-garbage.example",
        &["mx-unreachable"],
        "fail",
        "the TLS handshake after STARTTLS failed: received corrupt message",
    ),
    (
        "hostile-smtp-slowloris",
        "slowloris.example",
        &["mx-unreachable"],
        "fail",
        "while waiting for the greeting (banner) and the reply was still incomplete at the timeout",
    ),
    (
        "hostile-https-endless-body",
        "endless-body.example",
        &["policy-too-large"],
        "fail",
        "the policy body is over 65536 bytes",
    ),
    (
        "hostile-https-huge-length",
        "huge-length.example",
        &["policy-too-large"],
        "fail",
        "announces Content-Length: 10000000",
    ),
    (
        "hostile-https-no-headers",
        "no-headers.example",
        &["policy-fetch-failed"],
        "fail",
        "no HTTP status line or headers arrived before the timeout",
    ),
    ("hostile-https-http10", "http10.example", &[], "pass", ""),
    (
        "hostile-dns-many-txt-strings",
        "many-strings.example",
        &["sts-record-invalid"],
        "fail",
        "has no '=' (record: \"v=STSv1; id=20260101T000000;xxx",
    ),
    ("hostile-dns-cname-loop", "cname-loop.example", &["sts-record-missing"], "fail", "CNAME loop"),
];

fn assert_bounded(name: &str, run: &Run, timeout: u64) {
    assert!(
        matches!(run.exit, Some(0 | 1)),
        "{name}: exit {:?} (want 0 or 1); stderr:\n{}",
        run.exit,
        run.stderr
    );
    assert!(
        run.elapsed < Duration::from_secs(timeout) + MARGIN,
        "{name}: took {:?} with --timeout {timeout}",
        run.elapsed
    );
    assert!(run.peak_rss_kib > 0, "{name}: no memory sample");
    assert!(run.peak_rss_kib < MAX_RSS_KIB, "{name}: peak RSS {} KiB", run.peak_rss_kib);
}

#[test]
fn every_hostile_server_is_given_up_on_in_time_with_a_precise_finding() {
    let mut failures = Vec::new();
    eprintln!("| scenario | verdict | codes | time to give up | peak RSS |");
    for (scenario, domain, codes, verdict, message) in CASES {
        let env = Env::new(scenario);
        let run = check(&env, domain, TIMEOUT, 32);
        eprintln!(
            "| {scenario} | {} | {} | {:.1} s | {:.0} MiB |",
            run.json["verdict"],
            run.codes().join(", "),
            run.elapsed.as_secs_f64(),
            run.peak_rss_kib as f64 / 1024.0
        );
        assert_bounded(scenario, &run, TIMEOUT);
        assert!(run.messages().len() < 2000, "{scenario}: findings of {} bytes", run.messages().len());
        let want: Vec<String> = codes.iter().map(|c| (*c).to_owned()).collect();
        if run.codes() != want || run.json["verdict"] != *verdict || !run.messages().contains(message) {
            failures.push(format!(
                "{scenario}: codes {:?} (want {want:?}), verdict {} (want {verdict}), messages:\n{}\n(want {message:?})\nrecord evidence: {}",
                run.codes(),
                run.json["verdict"],
                run.messages(),
                run.json["evidence"]["sts_record"]
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_huge_txt_record_is_read_over_tcp_after_udp_truncation() {
    let env = Env::new("hostile-dns-many-txt-strings");
    let run = check(&env, "many-strings.example", TIMEOUT, 32);
    assert_bounded("many-strings", &run, TIMEOUT);
    let records = &run.json["evidence"]["sts_record"]["records"];
    assert_eq!(records["status"], "found", "{records}");
    let strings = records["value"][0].as_array().unwrap();
    assert_eq!(strings.len(), 301);
    assert_eq!(strings[0], "v=STSv1; id=20260101T000000;");
    assert!(strings[1..].iter().all(|s| s.as_str().unwrap() == "x".repeat(200)));
}

#[test]
fn a_hundred_mx_hosts_are_probed_at_most_concurrency_at_a_time() {
    let env = Env::new("hostile-dns-100-mx");
    let run = check(&env, "hundred-mx.example", 20, 4);
    assert_bounded("hundred-mx", &run, 20);
    assert_eq!(run.json["verdict"], "pass", "{}", run.messages());
    let mx = run.json["evidence"]["mx"]["value"].as_array().unwrap();
    assert_eq!(mx.len(), 100);
    for m in mx {
        let probes = m["probes"].as_array().unwrap();
        assert_eq!(probes.len(), 1, "{m}");
        assert_eq!(probes[0]["outcome"]["kind"], "tls_established", "{m}");
    }
    let peak = env.lab.smtp_peak_sessions();
    eprintln!(
        "| hostile-dns-100-mx | {} | {} | {:.1} s | {:.0} MiB | {peak} SMTP sessions at once |",
        run.json["verdict"],
        run.codes().join(", "),
        run.elapsed.as_secs_f64(),
        run.peak_rss_kib as f64 / 1024.0
    );
    assert!(peak <= 4, "{peak} SMTP sessions at once with --concurrency 4");
    assert!(peak >= 2, "the probes never overlapped (peak {peak})");
}
