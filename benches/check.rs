//! Probe benchmarks against the in-process lab with injected latency (issue 3):
//! (a) one domain with three MX hosts, as a ratio of the protocol's critical path;
//! (b) 200 domains sharing two MX hosts, as a ratio of (a);
//! (c) the peak memory of (b), measured in a child process;
//! (d) the CPU time of one (b) run, split between the probe (client) and the lab (servers) by
//! running the lab on a runtime of its own;
//! (e) fleet scale (see `check/scale.rs`): 5,000 domains on 1,000 MX addresses, every reply
//! 2 s late, results as they come;
//! (f) the latency floor (see `check/floor.rs`): 233 domains, MX probes ~1 s, one ~3 s, all
//! of them against the slowest alone;
//! (g) dead nameservers (see `check/dead_ns.rs`): (f) with one nameserver refused and one
//! silent, all domains against the slowest alone;
//! (h) checkdmarc on the fleet of (g), offline (see `check/checkdmarc.rs`), when
//! `-- --checkdmarc PYTHON` names a Python that has it.
//!
//! A small hand-written harness rather than criterion: each iteration is a real network
//! exchange of ~100 ms and more, dominated by injected sleeps, so a few runs reported as
//! min/median say all there is; the figures are ratios to a derived critical path, and (c)
//! re-executes this binary, neither of which criterion's sampling model fits.
//!
//! Run with `cargo bench --bench check`; `-- --iterations N` and `-- --latency MS` change the
//! defaults (10 runs, 20 ms); `-- --only-scale` runs (e) alone, `--domains N --mx M --late MS`
//! scale it; `-- --only-floor` runs (f) alone, `-- --only-dead-ns` (g) alone.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use mtasts::ops::check_domains;
use mtasts_core::finding::Verdict;
use mtasts_core::rfc::DomainName;
use mtasts_lab::{DomainSpec, Lab, MxSpec, PolicyHostSpec, Scenario, fleet};
use mtasts_probe::{ProbeConfig, ResolverChoice};

#[path = "check/checkdmarc.rs"]
mod checkdmarc;
#[path = "check/dead_ns.rs"]
mod dead_ns;
#[path = "check/floor.rs"]
mod floor;
#[path = "check/scale.rs"]
mod scale;

/// Round trips carrying injected latency on the longest dependent chain of one domain: MX
/// lookup, A/AAAA of the MX host (asked together), SMTP banner, EHLO reply, STARTTLS reply.
/// TCP connect and the TLS handshake run on loopback without added delay.
const CRITICAL_ROUND_TRIPS: u32 = 5;
const FLEET_SIZE: usize = 200;
const CHILD_FLAG: &str = "--fleet-child";

fn three_mx() -> Scenario {
    let hosts = ["mx1.three.example", "mx2.three.example", "mx3.three.example"];
    let domain = DomainSpec {
        name: "three.example".into(),
        problem: String::new(),
        expect: Vec::new(),
        mx: hosts.iter().zip(1u16..).map(|(h, i)| MxSpec { preference: i * 10, host: (*h).into() }).collect(),
        null_mx: false,
        sts_txt: vec![vec!["v=STSv1; id=20260101T000000;".into()]],
        sts_cname: None,
        sts_txt_filler: None,
        cnames: Vec::new(),
        tlsrpt_txt: vec![vec!["v=TLSRPTv1; rua=mailto:tlsrpt@three.example".into()]],
        policy: Some(PolicyHostSpec {
            status: 200,
            content_type: "text/plain".into(),
            body: format!(
                "version: STSv1\r\nmode: enforce\r\nmx: {}\r\nmax_age: 604800\r\n",
                hosts.join("\r\nmx: ")
            ),
            pad: None,
            bom: false,
            redirect_to: None,
            cert: Default::default(),
            latency_ms: 0,
            behaviour: Default::default(),
        }),
        policy_host_resolves: true,
    };
    Scenario {
        name: "three-mx".into(),
        description: "one healthy domain with three MX hosts".into(),
        domains: vec![domain],
        ..Scenario::default()
    }
}

fn config(lab: &Lab) -> ProbeConfig {
    let mut cfg = ProbeConfig::new(lab.now);
    cfg.resolver = ResolverChoice::At(lab.dns_addr);
    cfg.smtp_port = lab.smtp_port;
    cfg.https_port = lab.https_port;
    cfg.extra_anchors = vec![lab.ca_der.clone()];
    cfg.ns_port = lab.dns_addr.port();
    cfg
}

fn domains(s: &Scenario) -> Vec<DomainName> {
    s.domains.iter().map(|d| DomainName::parse(&d.name).unwrap()).collect()
}

/// Checks every domain of the lab once; panics on any error finding, so a broken probe cannot
/// look fast (the fleet's `*.fleet.example` policy draws a wildcard warning).
async fn check_once(lab: &Lab, names: &[DomainName]) -> Duration {
    let cfg = config(lab);
    let start = Instant::now();
    let checked = check_domains(names, &cfg, &BTreeMap::new()).await;
    let took = start.elapsed();
    for c in &checked {
        assert_ne!(c.judgement.verdict, Verdict::Fail, "{}: {:#?}", c.domain, c.judgement.findings);
    }
    took
}

struct Stats {
    min: Duration,
    median: Duration,
}

async fn measure(scenario: &Scenario, iterations: usize) -> Stats {
    let lab = Lab::start(scenario, jiff::Timestamp::now()).await.unwrap();
    let names = domains(scenario);
    check_once(&lab, &names).await;
    let mut runs = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        runs.push(check_once(&lab, &names).await);
    }
    runs.sort();
    Stats { min: runs[0], median: runs[runs.len() / 2] }
}

/// CPU seconds used so far by this process's live threads: (lab threads, all others). The lab
/// runtime names its threads `lab-rt`; `/proc` reports utime and stime in ticks of 1/100 s.
fn cpu_split() -> Option<(f64, f64)> {
    let (mut lab, mut client) = (0u64, 0u64);
    for entry in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(entry.ok()?.path().join("stat")).ok()?;
        let (head, rest) = stat.rsplit_once(')')?;
        let comm = head.split_once('(')?.1;
        // `rest` starts at field 3 (state); utime and stime are fields 14 and 15.
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let ticks = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
        if comm.starts_with("lab-rt") {
            lab += ticks;
        } else {
            client += ticks;
        }
    }
    Some((lab as f64 / 100.0, client as f64 / 100.0))
}

/// A runtime of its own for the lab's servers (two workers, like the probe's), its threads
/// named `lab-rt` so [`cpu_split`] can tell them apart.
fn lab_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("lab-rt")
        .enable_all()
        .build()
        .unwrap()
}

/// (b) again with the lab's servers on a runtime of their own (two workers, like the probe's),
/// so each side's CPU can be read per thread. Returns the median wall time and the mean CPU
/// seconds per run of the lab and of the probe (plus the judge).
fn measure_split(scenario: &Scenario, iterations: usize, rt: &tokio::runtime::Runtime) -> (Stats, f64, f64) {
    let lab_rt = lab_runtime();
    let lab = lab_rt.block_on(Lab::start(scenario, jiff::Timestamp::now())).unwrap();
    let names = domains(scenario);
    rt.block_on(check_once(&lab, &names));
    let before = cpu_split().unwrap_or_default();
    let mut runs: Vec<Duration> = (0..iterations).map(|_| rt.block_on(check_once(&lab, &names))).collect();
    let after = cpu_split().unwrap_or_default();
    runs.sort();
    let per_run = |a: f64, b: f64| (a - b) / iterations as f64;
    let stats = Stats { min: runs[0], median: runs[runs.len() / 2] };
    (stats, per_run(after.0, before.0), per_run(after.1, before.1))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// `VmHWM` / `VmRSS` from `/proc/self/status`, in KiB (Linux only).
fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The child of (c): one fleet check, then the memory figures on stdout.
async fn fleet_child(latency: u64) {
    let scenario = fleet(FLEET_SIZE).with_latency(latency);
    let lab = Lab::start(&scenario, jiff::Timestamp::now()).await.unwrap();
    let lab_rss = proc_status_kib("VmRSS:").unwrap_or(0);
    check_once(&lab, &domains(&scenario)).await;
    let peak = proc_status_kib("VmHWM:").unwrap_or(0);
    println!("lab_rss_kib={lab_rss} peak_kib={peak}");
}

fn peak_memory(latency: u64) -> Option<(f64, f64)> {
    let exe = std::env::current_exe().ok()?;
    let out = std::process::Command::new(exe)
        .args([CHILD_FLAG, "--latency", &latency.to_string()])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |key: &str| -> Option<f64> {
        let v = text.split_whitespace().find_map(|w| w.strip_prefix(key))?;
        Some(v.parse::<f64>().ok()? / 1024.0)
    };
    Some((field("lab_rss_kib=")?, field("peak_kib=")?))
}

fn arg_value(args: &[String], name: &str, default: u64) -> u64 {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let latency = arg_value(&args, "--latency", 20);
    let iterations = usize::try_from(arg_value(&args, "--iterations", 10)).unwrap_or(10).max(1);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    if args.iter().any(|a| a == CHILD_FLAG) {
        rt.block_on(fleet_child(latency));
        return;
    }
    let size =
        |name: &str, default: u64| usize::try_from(arg_value(&args, name, default)).unwrap_or(1).max(1);
    let (scale_domains, scale_mx, late) =
        (size("--domains", 5000), size("--mx", 1000), arg_value(&args, "--late", 2000));
    if args.iter().any(|a| a == scale::SCALE_CHILD) {
        drop(rt);
        scale::child(&args, scale_domains);
        return;
    }
    if args.iter().any(|a| a == "--only-floor") {
        floor::report(&rt, iterations);
        return;
    }
    if args.iter().any(|a| a == "--only-dead-ns") {
        dead_ns::report(&rt, iterations);
        return;
    }
    let python = args.iter().position(|a| a == "--checkdmarc").and_then(|i| args.get(i + 1));
    if let Some(python) = python {
        checkdmarc::report(&rt, python);
        return;
    }
    if args.iter().any(|a| a == "--only-scale") {
        scale::report(scale_domains, scale_mx, late);
        return;
    }

    let critical = Duration::from_millis(latency) * CRITICAL_ROUND_TRIPS;
    println!("injected latency {latency} ms; {iterations} runs each after one warm-up; min / median");

    let one = rt.block_on(measure(&three_mx().with_latency(latency), iterations));
    println!(
        "(a) 1 domain, 3 MX hosts:      {:7.1} / {:7.1} ms   critical path {} x {latency} ms = {:.0} ms   ratio {:.2} / {:.2}",
        ms(one.min),
        ms(one.median),
        CRITICAL_ROUND_TRIPS,
        ms(critical),
        one.min.as_secs_f64() / critical.as_secs_f64(),
        one.median.as_secs_f64() / critical.as_secs_f64(),
    );

    let many = rt.block_on(measure(&fleet(FLEET_SIZE).with_latency(latency), iterations));
    println!(
        "(b) {FLEET_SIZE} domains, 2 shared MX:  {:7.1} / {:7.1} ms   ratio to (a) {:.2} / {:.2}",
        ms(many.min),
        ms(many.median),
        many.min.as_secs_f64() / one.min.as_secs_f64(),
        many.median.as_secs_f64() / one.median.as_secs_f64(),
    );

    match peak_memory(latency) {
        Some((lab, peak)) => {
            println!(
                "(c) peak RSS of (b) in a child: {peak:.1} MiB (of which {lab:.1} MiB with only the lab started)"
            )
        }
        None => println!("(c) peak RSS unavailable (needs Linux /proc/self/status)"),
    }

    let (split, lab_cpu, client_cpu) =
        measure_split(&fleet(FLEET_SIZE).with_latency(latency), iterations, &rt);
    println!(
        "(d) (b) with the lab on its own runtime: {:7.1} / {:7.1} ms; CPU per run: probe+judge {:.0} ms, lab {:.0} ms",
        ms(split.min),
        ms(split.median),
        client_cpu * 1000.0,
        lab_cpu * 1000.0,
    );

    floor::report(&rt, iterations.min(3));
    dead_ns::report(&rt, iterations.min(3));
    scale::report(scale_domains, scale_mx, late);
}
