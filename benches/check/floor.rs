//! (f) the latency floor (issue 13): 233 domains, 200 of them sharing two MX hosts and 33 on
//! MX hosts of their own, every MX probe about 1 s long and one about 3 s. The slowest domain
//! checked alone against all 233 with default limits, in one process whose lab runs on a
//! runtime of its own. The lab delays the banner *and* every reply by the host's latency, so
//! 333 ms per reply makes a 1 s probe (banner, EHLO, STARTTLS) and 1000 ms a 3 s one.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use mtasts::ops::{FleetEvent, Order, check_each};
use mtasts_core::finding::Verdict;
use mtasts_core::rfc::DomainName;
use mtasts_lab::{Lab, MxHostSpec, MxSpec, Scenario, fleet};

/// Domains in the fleet, and how many of them share the two MX hosts.
const DOMAINS: usize = 233;
const SHARED: usize = 200;
/// Per-reply latency of an ordinary MX host, and of the slow one.
const LATE_MS: u64 = 333;
const SLOW_MS: u64 = 1000;
/// The target: all domains within this factor of the slowest alone.
pub const TARGET: f64 = 1.15;

pub fn scenario() -> (Scenario, DomainName) {
    let mut s = fleet(DOMAINS);
    let mut hosts = vec![
        MxHostSpec { latency_ms: LATE_MS, ..MxHostSpec::healthy("mx1.fleet.example") },
        MxHostSpec { latency_ms: LATE_MS, ..MxHostSpec::healthy("mx2.fleet.example") },
    ];
    for (i, d) in s.domains.iter_mut().enumerate().skip(SHARED) {
        let host = format!("own{i}.fleet.example");
        let late = if i == DOMAINS - 1 { SLOW_MS } else { LATE_MS };
        hosts.push(MxHostSpec { latency_ms: late, ..MxHostSpec::healthy(&host) });
        d.mx = vec![MxSpec { preference: 10, host }];
    }
    s.mx_hosts = hosts;
    let slow = DomainName::parse(&s.domains[DOMAINS - 1].name).unwrap();
    (s, slow)
}

/// Checks `names` once with default limits; the wall time, and the time of the first result.
pub fn check(rt: &tokio::runtime::Runtime, lab: &Lab, names: &[DomainName]) -> (Duration, Duration) {
    let cfg = super::config(lab);
    let start = Instant::now();
    let mut first = None;
    rt.block_on(check_each(names, &cfg, &BTreeMap::new(), Order::Completion, |event| {
        if let FleetEvent::Checked(c, _) = event {
            first.get_or_insert_with(|| start.elapsed());
            assert_ne!(c.judgement.verdict, Verdict::Fail, "{}: {:#?}", c.domain, c.judgement.findings);
        }
    }));
    (start.elapsed(), first.unwrap_or_default())
}

/// Runs (f) `iterations` times and prints min / median of each side and of the ratio.
pub fn report(rt: &tokio::runtime::Runtime, iterations: usize) {
    let lab_rt = super::lab_runtime();
    let (s, slow) = scenario();
    let lab = lab_rt.block_on(Lab::start(&s, jiff::Timestamp::now())).unwrap();
    let names = super::domains(&s);
    let (mut alone, mut all, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    let (mut first, mut cpu) = (Duration::ZERO, (0.0, 0.0));
    for _ in 0..iterations {
        let (one, _) = check(rt, &lab, std::slice::from_ref(&slow));
        let before = super::cpu_split().unwrap_or_default();
        let (every, first_line) = check(rt, &lab, &names);
        let after = super::cpu_split().unwrap_or_default();
        (first, cpu) = (first_line, (after.1 - before.1, after.0 - before.0));
        ratios.push(every.as_secs_f64() / one.as_secs_f64());
        alone.push(one);
        all.push(every);
    }
    alone.sort();
    all.sort();
    ratios.sort_by(f64::total_cmp);
    let mid = iterations / 2;
    println!(
        "(f) latency floor, {DOMAINS} domains ({SHARED} on 2 shared MX), MX probes ~1 s, one ~3 s: \
         slowest alone {:.0} / {:.0} ms, all {DOMAINS} {:.0} / {:.0} ms, ratio {:.2} / {:.2} (target {TARGET}), \
         last run of all: first result at {:.0} ms, CPU probe+judge {:.0} ms / lab {:.0} ms",
        super::ms(alone[0]),
        super::ms(alone[mid]),
        super::ms(all[0]),
        super::ms(all[mid]),
        ratios[0],
        ratios[mid],
        super::ms(first),
        cpu.0 * 1000.0,
        cpu.1 * 1000.0,
    );
}
