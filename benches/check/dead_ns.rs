//! (g) dead nameservers beside the latency floor (issue 25): the fleet of (f), where one
//! domain on a ~1 s MX also lists a nameserver where nothing listens (ICMP port unreachable)
//! and another lists that one and a silent one (takes every question, answers none). Every
//! nameserver question runs beside the MX probes, a refused server is known at once and a
//! silent one given up after 2 s (`NS_GIVE_UP`), so neither domain outlasts the slowest MX
//! probe (~3 s) and the whole run stays at the floor. Reports each dead-nameserver domain
//! alone, the slowest domain alone, all of them, and the ratio of all to the slowest alone.

use std::time::Duration;

use mtasts_lab::{Lab, NsRole, NsSpec};

/// The two domains given dead nameservers: one refused, one refused and silent.
const REFUSED: usize = 0;
const REFUSED_AND_SILENT: usize = 1;

fn spec(zone: &str, role: NsRole) -> NsSpec {
    NsSpec { zone: zone.to_owned(), role, sts_txt: Vec::new() }
}

/// The fleet of (f) with the dead nameservers, and its slowest domain.
pub fn scenario() -> (mtasts_lab::Scenario, mtasts_core::rfc::DomainName) {
    let (mut s, slow) = super::floor::scenario();
    let (one, two) = (s.domains[REFUSED].name.clone(), s.domains[REFUSED_AND_SILENT].name.clone());
    s.nameservers = vec![spec(&one, NsRole::Down), spec(&two, NsRole::Down), spec(&two, NsRole::Silent)];
    (s, slow)
}

/// Runs (g) `iterations` times and prints min / median of each figure.
pub fn report(rt: &tokio::runtime::Runtime, iterations: usize) {
    let lab_rt = super::lab_runtime();
    let (s, slow) = scenario();
    let lab = lab_rt.block_on(Lab::start(&s, jiff::Timestamp::now())).unwrap();
    let names = super::domains(&s);
    let (refused, silent) = (names[REFUSED].clone(), names[REFUSED_AND_SILENT].clone());
    let mut runs: [Vec<Duration>; 4] = Default::default();
    let mut ratios = Vec::new();
    for _ in 0..iterations {
        let alone =
            |d: &mtasts_core::rfc::DomainName| super::floor::check(rt, &lab, std::slice::from_ref(d)).0;
        let (a, b, c) = (alone(&refused), alone(&silent), alone(&slow));
        let (every, _) = super::floor::check(rt, &lab, &names);
        ratios.push(every.as_secs_f64() / c.as_secs_f64());
        for (list, d) in runs.iter_mut().zip([a, b, c, every]) {
            list.push(d);
        }
    }
    for list in &mut runs {
        list.sort();
    }
    ratios.sort_by(f64::total_cmp);
    let mid = iterations / 2;
    let pair = |l: &[Duration]| format!("{:.0} / {:.0} ms", super::ms(l[0]), super::ms(l[mid]));
    println!(
        "(g) dead nameservers, {} domains as (f): refused-NS domain alone {}, refused+silent-NS domain \
         alone {}, slowest MX domain alone {}, all {}, ratio to the slowest alone {:.2} / {:.2} (target {})",
        names.len(),
        pair(&runs[0]),
        pair(&runs[1]),
        pair(&runs[2]),
        pair(&runs[3]),
        ratios[0],
        ratios[mid],
        super::floor::TARGET,
    );
}
