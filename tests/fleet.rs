//! Fleet checks hand each result over as it comes: a domain whose MX greets late does not
//! hold back the others (issue 13).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use mtasts::lab::{Lab, MxHostSpec, MxSpec, Scenario, fleet};
use mtasts::ops::{FleetEvent, Order, check_each};
use mtasts::probe::ProbeConfig;
use mtasts::rfc::DomainName;

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
