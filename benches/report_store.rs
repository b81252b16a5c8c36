//! The report store, two cases. Large reports: 24 distinct TLS-RPT reports of 10 MiB each are
//! imported, then `status`, `advance` and `reports summary` run against that store. MSP scale:
//! small reports of 100 domains × 30 days × 10 organisations (30,000; `--reports N` for other
//! sizes, in steps of 100 domains) are imported from one folder, then one domain's `reports
//! summary` and `status` run, and the database's size is read. Each command runs in a fresh
//! child process (this bench binary re-executed), which reports its own wall time and peak RSS
//! (`VmHWM` of /proc/self/status) — the numbers a user sees.
//!
//! `cargo bench --bench report_store [-- --reports 300000] [-- --msp-only]` (add `--profile dev`
//! for the debug build).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use clap::Parser;
use mtasts::store::Store;
use mtasts_core::rfc::{DomainName, MxPattern};
use mtasts_core::rollout::{Phase, Transition, new_domain};
use mtasts_lab::Lab;

#[path = "report_store/msp.rs"]
mod msp;

const CHILD_ENV: &str = "MTASTS_BENCH_CHILD";
const REPORTS: usize = 24;
const REPORT_BYTES: usize = 10 * 1024 * 1024 - 64 * 1024;
const DOMAIN: &str = "testing.example";

/// Child mode: run one mtasts command line in-process, then print its cost on stderr.
fn child() {
    let args: Vec<String> = std::env::args().skip_while(|a| a != "--").skip(1).collect();
    let cli = mtasts::cli::Cli::parse_from(std::iter::once("mtasts".to_owned()).chain(args));
    let Ok(rt) = tokio::runtime::Builder::new_multi_thread().enable_all().build() else {
        eprintln!("BENCH cannot build a tokio runtime");
        return;
    };
    let started = Instant::now();
    let code = mtasts::cli::run(cli, &rt);
    let wall = started.elapsed();
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap_or("VmHWM: ? kB");
    eprintln!(
        "BENCH wall_ms={} {} ok={}",
        wall.as_millis(),
        hwm.split_whitespace().nth(1).unwrap_or("?"),
        code.is_ok()
    );
}

/// Runs `args` in a child; returns (wall ms, peak RSS in MB).
fn measure(state: &Path, now: &str, args: &[&str]) -> (u128, f64) {
    let out = Command::new(std::env::current_exe().unwrap())
        .env(CHILD_ENV, "1")
        .env("MTASTS_STATE_DIR", state)
        .env("MTASTS_NOW", now)
        .env("NO_COLOR", "1")
        .arg("--")
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err.lines().find(|l| l.starts_with("BENCH ")).unwrap_or_else(|| panic!("no numbers: {err}"));
    assert!(line.ends_with("ok=true"), "{args:?} failed: {err}");
    let mut words = line.split_whitespace().skip(1);
    let wall: u128 = words.next().unwrap().trim_start_matches("wall_ms=").parse().unwrap();
    let kb: f64 = words.next().unwrap().parse().unwrap();
    (wall, kb / 1024.0)
}

/// One distinct report of about 10 MiB: many failure details for the domain.
fn write_report(path: &Path, i: usize) {
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    write!(
        f,
        r#"{{"organization-name":"Sender {o}","date-range":{{"start-datetime":"2026-11-{d:02}T00:00:00Z","end-datetime":"2026-11-{d:02}T23:59:59Z"}},"contact-info":"tlsrpt@sender{o}.example","report-id":"bench-{i}","policies":[{{"policy":{{"policy-type":"sts","policy-string":["version: STSv1","mode: testing","mx: mx1.{DOMAIN}","max_age: 86400"],"policy-domain":"{DOMAIN}","mx-host":["mx1.{DOMAIN}"]}},"summary":{{"total-successful-session-count":100000,"total-failure-session-count":0}},"failure-details":["#,
        o = i % 4,
        d = 2 + i % 20,
    )
    .unwrap();
    let mut written = 0;
    let mut n = 0;
    while written < REPORT_BYTES {
        let detail = format!(
            r#"{}{{"result-type":"validation-failure","sending-mta-ip":"192.0.2.{}","receiving-mx-hostname":"mx1.{DOMAIN}","receiving-ip":"198.51.100.{}","failed-session-count":0,"additional-information":"https://reports.example/detail/{i}/{n}","failure-reason-code":"bench-{n}"}}"#,
            if n == 0 { "" } else { "," },
            n % 250,
            n % 250
        );
        f.write_all(detail.as_bytes()).unwrap();
        written += detail.len();
        n += 1;
    }
    f.write_all(b"]}]}").unwrap();
    f.flush().unwrap();
}

fn main() {
    if std::env::var_os(CHILD_ENV).is_some() {
        return child();
    }
    let args: Vec<String> = std::env::args().collect();
    let sizes: Vec<usize> =
        args.windows(2).filter(|w| w[0] == "--reports").map(|w| w[1].parse().expect("--reports N")).collect();
    msp::msp_scale(if sizes.is_empty() { &[30_000] } else { &sizes });
    if !args.iter().any(|a| a == "--msp-only") {
        large_reports();
    }
}

fn large_reports() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    let now: jiff::Timestamp = "2026-11-25T12:00:00Z".parse().unwrap();
    let lab = rt.block_on(Lab::start_named("demo", now)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, &lab.ca_pem).unwrap();
    let store = Store::open(&state).unwrap();
    let domain = DomainName::parse(DOMAIN).unwrap();
    let mut s =
        new_domain(domain, vec![MxPattern::parse(&format!("mx1.{DOMAIN}")).unwrap()], Vec::new(), None, now);
    let started: jiff::Timestamp = "2026-11-01T00:00:00Z".parse().unwrap();
    s.phase = Phase::Testing;
    s.transitions.push(Transition { phase: Phase::Testing, at: started });
    store.create(&s).unwrap();

    let inbox = dir.path().join("inbox");
    std::fs::create_dir_all(&inbox).unwrap();
    for i in 0..REPORTS {
        write_report(&inbox.join(format!("report-{i}.json")), i);
    }
    let total: u64 = std::fs::read_dir(&inbox).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum();
    println!("report store: {REPORTS} distinct reports, {:.0} MB", total as f64 / 1e6);
    let now_s = now.to_string();
    let (ms, mb) = measure(&state, &now_s, &["reports", "import", inbox.to_str().unwrap()]);
    println!("{:<28} {ms:>6} ms  peak RSS {mb:>7.1} MB", "reports import (24 files)");
    let probe = [
        "--resolver".to_owned(),
        lab.dns_addr.to_string(),
        "--smtp-port".to_owned(),
        lab.smtp_port.to_string(),
        "--https-port".to_owned(),
        lab.https_port.to_string(),
        "--ca-file".to_owned(),
        ca.display().to_string(),
        "--timeout".to_owned(),
        "5".to_owned(),
    ];
    let mut advance = vec!["advance", DOMAIN];
    advance.extend(probe.iter().map(String::as_str));
    for (name, args) in [
        ("status", vec!["status"]),
        ("advance testing.example", advance),
        ("reports summary", vec!["reports", "summary"]),
    ] {
        for run in 0..3 {
            let (ms, mb) = measure(&state, &now_s, &args);
            println!("{name:<28} {ms:>6} ms  peak RSS {mb:>7.1} MB  (run {})", run + 1);
        }
    }
}
