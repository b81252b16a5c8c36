//! (e) fleet scale: N domains spread over M distinct MX hosts (each its own loopback
//! address) whose every greeting and reply is late. The lab runs in the bench process; the
//! check runs with default limits in a child process that holds nothing else, so the child's
//! peak RSS and CPU are mtasts's own (probe + judge), as on a user's machine where the
//! servers are elsewhere. Reports wall time, CPU per domain, CPU ÷ wall, peak RSS, and how long
//! after the domain it reports the first result line came, in input order and (with
//! `--unordered`) in completion order.

use std::collections::BTreeMap;
use std::time::Instant;

use mtasts::ops::{FleetEvent, Order, check_each};
use mtasts_core::finding::Verdict;
use mtasts_lab::{Lab, MxHostSpec, MxSpec, Scenario, fleet};
use mtasts_probe::{ProbeConfig, ResolverChoice};

/// The flag that makes the bench binary run (e) as a child.
pub const SCALE_CHILD: &str = "--scale-child";

/// `domains` fleet domains, domain i on MX host i mod `mx`, every MX reply `late_ms` late.
fn scenario(domains: usize, mx: usize, late_ms: u64) -> Scenario {
    let mut s = fleet(domains);
    for (i, d) in s.domains.iter_mut().enumerate() {
        d.mx = vec![MxSpec { preference: 10, host: format!("mx{}.fleet.example", i % mx) }];
    }
    s.mx_hosts = (0..mx)
        .map(|j| MxHostSpec { latency_ms: late_ms, ..MxHostSpec::healthy(&format!("mx{j}.fleet.example")) })
        .collect();
    s
}

fn arg<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(String::as_str)
}

/// The child: checks every domain once against the lab the parent named, prints figures.
pub fn child(args: &[String], domains: usize) {
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let mut cfg = ProbeConfig::new(jiff::Timestamp::now());
    cfg.resolver = ResolverChoice::At(arg(args, "--dns").unwrap().parse().unwrap());
    cfg.smtp_port = arg(args, "--smtp-port").unwrap().parse().unwrap();
    cfg.https_port = arg(args, "--https-port").unwrap().parse().unwrap();
    cfg.extra_anchors = vec![std::fs::read(arg(args, "--ca").unwrap()).unwrap().into()];
    let order = if args.iter().any(|a| a == "--unordered") { Order::Completion } else { Order::Input };
    let names = super::domains(&fleet(domains));
    let before = super::cpu_split().unwrap_or_default();
    let start = Instant::now();
    let (mut first, mut first_gap, mut failed, mut done) = (None, None, 0usize, 0usize);
    rt.block_on(check_each(&names, &cfg, &BTreeMap::new(), order, |event| {
        if let FleetEvent::Checked(c, _) = event {
            let at = start.elapsed();
            if first.is_none() {
                // The domains of the first window start with the run, so the line's delay
                // after its domain finished is the time since start minus the check's own.
                first = Some(at);
                first_gap = Some(super::ms(at) - c.evidence.elapsed_ms as f64);
            }
            failed += usize::from(c.judgement.verdict == Verdict::Fail);
            done += 1;
        }
    }));
    let wall = start.elapsed();
    let after = super::cpu_split().unwrap_or_default();
    let peak = super::proc_status_kib("VmHWM:").unwrap_or(0);
    println!(
        "wall_ms={} first_ms={} first_gap_ms={} client_cpu_ms={} peak_kib={peak} done={done} failed={failed} sockets={} dns={}",
        super::ms(wall),
        super::ms(first.unwrap_or_default()),
        first_gap.unwrap_or(f64::NAN),
        (after.1 - before.1) * 1000.0,
        cfg.concurrency,
        cfg.dns_in_flight,
    );
}

/// Starts the lab here, runs the child against it in input order and in completion order,
/// and prints (e).
pub fn report(domains: usize, mx: usize, late_ms: u64) {
    let lab_rt = super::lab_runtime();
    let lab = lab_rt.block_on(Lab::start(&scenario(domains, mx, late_ms), jiff::Timestamp::now())).unwrap();
    let lab_rss = super::proc_status_kib("VmRSS:").unwrap_or(0);
    let Ok(dir) = tempfile::tempdir() else { return };
    let ca = dir.path().join("ca.der");
    if std::fs::write(&ca, &lab.ca_der).is_err() {
        return;
    }
    for unordered in [false, true] {
        let lab_before = super::cpu_split().unwrap_or_default();
        let Some(text) = run_child(&lab, &ca, domains, unordered) else {
            println!("(e) could not run the child");
            return;
        };
        let lab_cpu = (super::cpu_split().unwrap_or_default().0 - lab_before.0) * 1000.0;
        let field = |key: &str| -> f64 {
            text.split_whitespace()
                .find_map(|w| w.strip_prefix(key))
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN)
        };
        let (wall, cpu) = (field("wall_ms="), field("client_cpu_ms="));
        println!(
            "(e) {domains} domains on {mx} MX addresses, every reply {late_ms} ms late, {}: wall {wall:.0} ms, \
             first result line {:.0} ms ({:.0} ms after its domain finished), probe+judge CPU {:.2} ms per \
             domain, CPU/wall {:.2}, peak RSS of mtasts {:.1} MiB (the lab, in another process, {:.1} MiB, \
             CPU {lab_cpu:.0} ms), {} done / {} failing, limits {} sockets / {} DNS",
            if unordered { "--unordered" } else { "input order" },
            field("first_ms="),
            field("first_gap_ms="),
            cpu / domains as f64,
            cpu / wall,
            field("peak_kib=") / 1024.0,
            lab_rss as f64 / 1024.0,
            field("done="),
            field("failed="),
            field("sockets="),
            field("dns="),
        );
    }
}

fn run_child(lab: &Lab, ca: &std::path::Path, domains: usize, unordered: bool) -> Option<String> {
    let exe = std::env::current_exe().ok()?;
    let mut cmd = std::process::Command::new(exe);
    cmd.args([SCALE_CHILD, "--domains", &domains.to_string()])
        .args(["--dns", &lab.dns_addr.to_string()])
        .args(["--smtp-port", &lab.smtp_port.to_string(), "--https-port", &lab.https_port.to_string()])
        .args(["--ca", ca.to_str()?]);
    if unordered {
        cmd.arg("--unordered");
    }
    let out = cmd.output().ok()?;
    if !out.status.success() {
        println!("(e) child failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}
