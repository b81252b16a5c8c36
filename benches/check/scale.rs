//! (e) fleet scale: N domains spread over M distinct MX hosts (each its own loopback
//! address) whose every greeting and reply is late, checked with default limits in a child
//! process so its peak RSS is its own. Reports wall time, time to the first result, CPU per
//! domain of the probe + judge (the lab runs on a runtime of its own), CPU ÷ wall and peak RSS.

use std::collections::BTreeMap;
use std::time::Instant;

use mtasts::finding::Verdict;
use mtasts::lab::{Lab, MxHostSpec, MxSpec, Scenario, fleet};
use mtasts::ops::{FleetEvent, Order, check_each};
use mtasts::probe::domain_window;

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

/// The child: starts the lab on its own runtime, checks every domain once, prints figures.
pub fn child(domains: usize, mx: usize, late_ms: u64) {
    let lab_rt = super::lab_runtime();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let s = scenario(domains, mx, late_ms);
    let lab = lab_rt.block_on(Lab::start(&s, jiff::Timestamp::now())).unwrap();
    let lab_rss = super::proc_status_kib("VmRSS:").unwrap_or(0);
    let names = super::domains(&s);
    let cfg = super::config(&lab);
    let before = super::cpu_split().unwrap_or_default();
    let start = Instant::now();
    let (mut first, mut failed, mut done) = (None, 0usize, 0usize);
    // The first window of domains starts at once, so the shortest of their durations is when
    // the first domain finished.
    let (window, mut first_done) = (domain_window(&cfg), u64::MAX);
    rt.block_on(check_each(&names, &cfg, &BTreeMap::new(), Order::Input, |event| {
        if let FleetEvent::Checked(c, _) = event {
            first.get_or_insert_with(|| start.elapsed());
            if done < window {
                first_done = first_done.min(c.evidence.elapsed_ms);
            }
            failed += usize::from(c.judgement.verdict == Verdict::Fail);
            done += 1;
        }
    }));
    let wall = start.elapsed();
    let after = super::cpu_split().unwrap_or_default();
    let peak = super::proc_status_kib("VmHWM:").unwrap_or(0);
    let first = first.unwrap_or_default();
    println!(
        "wall_ms={} first_ms={} first_done_ms={first_done} client_cpu_ms={} lab_cpu_ms={} lab_rss_kib={lab_rss} peak_kib={peak} done={done} failed={failed} sockets={} dns={}",
        super::ms(wall),
        super::ms(first),
        (after.1 - before.1) * 1000.0,
        (after.0 - before.0) * 1000.0,
        cfg.concurrency,
        cfg.dns_in_flight,
    );
}

/// Runs the child and prints (e).
pub fn report(domains: usize, mx: usize, late_ms: u64) {
    let Ok(exe) = std::env::current_exe() else { return };
    let out = std::process::Command::new(exe)
        .args([SCALE_CHILD, "--domains", &domains.to_string(), "--mx", &mx.to_string()])
        .args(["--late", &late_ms.to_string()])
        .output();
    let Ok(out) = out else {
        println!("(e) could not run the child");
        return;
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |key: &str| -> f64 {
        text.split_whitespace()
            .find_map(|w| w.strip_prefix(key))
            .and_then(|v| v.parse().ok())
            .unwrap_or(f64::NAN)
    };
    let (wall, cpu) = (field("wall_ms="), field("client_cpu_ms="));
    println!(
        "(e) {domains} domains on {mx} MX addresses, every reply {late_ms} ms late: wall {wall:.0} ms, first result {:.0} ms \
         (first domain done {:.0} ms), \
         probe+judge CPU {:.2} ms per domain, CPU/wall {:.2}, lab CPU {:.0} ms, peak RSS {:.1} MiB (lab alone {:.1} MiB), \
         {} done / {} failing, limits {} sockets / {} DNS",
        field("first_ms="),
        field("first_done_ms="),
        cpu / domains as f64,
        cpu / wall,
        field("lab_cpu_ms="),
        field("peak_kib=") / 1024.0,
        field("lab_rss_kib=") / 1024.0,
        field("done="),
        field("failed="),
        field("sockets="),
        field("dns="),
    );
    if !out.status.success() {
        println!("(e) child failed: {}", String::from_utf8_lossy(&out.stderr));
    }
}
