//! Fleet checks hand each result over as it comes: a domain whose MX greets late does not
//! hold back the others (issue 13).

use crate::common;
use crate::common::lab_env::LabEnv;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use mtasts::ops::{FleetEvent, Order, check_each};
use mtasts_core::rfc::DomainName;
use mtasts_lab::{Lab, MxHostSpec, MxSpec, Scenario, fleet};
use mtasts_probe::ProbeConfig;

const SLOW: &str = "slow.fleet.example";

/// Six healthy domains plus `slow.fleet.example`, whose only MX waits 1.5 s before its
/// banner and every reply.
fn scenario() -> Scenario {
    let mut s = fleet(6);
    let mut slow = s.domains[0].clone();
    slow.name = SLOW.into();
    slow.mx = vec![MxSpec { preference: 10, host: "mxslow.fleet.example".into() }];
    s.domains.insert(2, slow);
    s.mx_hosts.push(MxHostSpec { latency_ms: 1500, ..MxHostSpec::healthy("mxslow.fleet.example") });
    s
}

fn config(lab: &Lab) -> ProbeConfig {
    common::lab_config(lab)
}

/// Runs the check and returns, per result in hand-over order, the domain and the time since
/// the start at which it was handed over, plus how long the slow domain's probe took.
async fn run(order: Order) -> (Vec<(String, Duration)>, Duration) {
    let lab = Lab::start(&scenario(), "2026-06-01T12:00:00Z".parse().unwrap()).await.unwrap();
    let domains: Vec<DomainName> =
        scenario().domains.iter().map(|d| DomainName::parse(&d.name).unwrap()).collect();
    let start = Instant::now();
    let mut seen = Vec::new();
    let mut slow = Duration::ZERO;
    check_each(&domains, &config(&lab), &BTreeMap::new(), order, |event| {
        if let FleetEvent::Checked(c, progress) = event {
            assert_eq!(progress.done, seen.len() + 1);
            if c.domain.as_str() == SLOW {
                slow = Duration::from_millis(c.evidence.elapsed_ms);
            }
            seen.push((c.domain.as_str().to_owned(), start.elapsed()));
        }
    })
    .await;
    (seen, slow)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_input_order_the_domains_before_a_slow_one_come_out_before_it_finishes() {
    let (seen, slow) = run(Order::Input).await;
    let names: Vec<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names[..3], ["d0.fleet.example", "d1.fleet.example", SLOW]);
    assert_eq!(names.len(), 7);
    assert!(slow >= Duration::from_millis(1500), "the slow MX took {slow:?}");
    assert!(seen[0].1 < slow, "first result at {:?}, the slow domain alone took {slow:?}", seen[0].1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_completion_order_every_fast_domain_comes_out_before_the_slow_one() {
    let (seen, slow) = run(Order::Completion).await;
    assert_eq!(seen.len(), 7);
    assert_eq!(seen[6].0, SLOW);
    assert!(seen[5].1 < slow, "sixth result at {:?}, the slow domain alone took {slow:?}", seen[5].1);
}

/// `mtasts check` of every domain of [`scenario`] (the slow one third), probing the lab.
fn check_args(env: &LabEnv) -> Vec<String> {
    let mut args: Vec<String> = vec!["check".into()];
    args.extend(scenario().domains.iter().map(|d| d.name.clone()));
    args.extend(env.probe_args_with_timeout(20));
    args
}

#[test]
fn the_cli_writes_a_json_line_while_the_slow_domain_is_still_pending() {
    use std::io::BufRead;
    let env = LabEnv::start(&scenario());
    let args = check_args(&env);
    let mut child = env
        .command(0, &args.iter().map(String::as_str).collect::<Vec<_>>(), false)
        .args(["--json", "--unordered"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(child.try_wait().unwrap().is_none(), "the process ended before its first line was read");
    assert!(!first.contains(SLOW), "the slow domain came first: {first}");
    let rest: Vec<String> = lines.map(Result::unwrap).collect();
    assert_eq!(rest.len(), 6);
    assert!(rest[5].contains(SLOW), "the slow domain is not last: {}", rest[5]);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("checked "), "progress line on a pipe");
}

#[test]
fn the_progress_line_is_drawn_on_a_terminal_and_cleared_at_the_end() {
    if !std::path::Path::new("/usr/bin/script").exists() {
        eprintln!("SKIPPED: script (util-linux) not installed");
        return;
    }
    let env = LabEnv::start(&scenario());
    let quote = |a: &str| format!("'{}'", a.replace('\'', "'\\''"));
    let mut line = vec![quote(env!("CARGO_BIN_EXE_mtasts"))];
    line.extend(check_args(&env).iter().map(|a| quote(a)));
    let out_file = env.dir.path().join("stdout.txt");
    line.push(format!(">{}", quote(out_file.to_str().unwrap())));
    let out = std::process::Command::new("/usr/bin/script")
        .args(["-qec", &line.join(" "), "/dev/null"])
        .env("MTASTS_STATE_DIR", env.state_dir())
        .output()
        .unwrap();
    let terminal = String::from_utf8(out.stdout).unwrap();
    assert!(
        terminal.contains("checked ") && terminal.contains("waiting on"),
        "no progress line: {terminal:?}"
    );
    assert!(terminal.trim_end_matches(['\r', '\n']).ends_with("\r\x1b[2K"), "not cleared: {terminal:?}");
    let stdout = std::fs::read_to_string(out_file).unwrap();
    assert!(!stdout.contains("checked "), "progress line on stdout");
    assert_eq!(stdout.matches(".fleet.example  ").count(), 7, "{stdout}");
}
