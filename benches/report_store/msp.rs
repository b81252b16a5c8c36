//! The MSP-scale case of `report_store.rs`: many small reports in one folder.

use std::time::Instant;

use mtasts::store::Store;
use mtasts_core::rfc::{DomainName, MxPattern};
use mtasts_core::rollout::{Phase, Transition, new_domain};

use super::measure;

/// Domains per 100 × 30 × 10 block; organisations per domain and day; days.
const ORGS: usize = 10;
const DAYS: usize = 30;

/// One small report of `client{d}.example` from organisation `o` on day `day` (1-based),
/// one in seven with a failure.
fn small_report(d: usize, day: usize, o: usize) -> String {
    let failed = usize::from((d + day + o).is_multiple_of(7)) * 3;
    let failures = if failed > 0 {
        format!(
            r#"{{"result-type":"certificate-expired","sending-mta-ip":"192.0.2.{o}","receiving-mx-hostname":"mx1.client{d}.example","receiving-ip":"198.51.100.{}","failed-session-count":{failed}}}"#,
            d % 250
        )
    } else {
        String::new()
    };
    format!(
        r#"{{"organization-name":"Sender {o}","date-range":{{"start-datetime":"2026-10-{day:02}T00:00:00Z","end-datetime":"2026-10-{day:02}T23:59:59Z"}},"contact-info":"tlsrpt@sender{o}.example","report-id":"r-{d}-{day}-{o}","policies":[{{"policy":{{"policy-type":"sts","policy-string":["version: STSv1","mode: testing","mx: mx1.client{d}.example","max_age: 86400"],"policy-domain":"client{d}.example","mx-host":["mx1.client{d}.example"]}},"summary":{{"total-successful-session-count":{},"total-failure-session-count":{failed}}},"failure-details":[{failures}]}}]}}"#,
        100 + o * 10 + day
    )
}

/// Imports `n` small reports (n / 300 domains) into a fresh state directory and measures the
/// import, one domain's summary and status, and the database's size.
pub fn msp_scale(sizes: &[usize]) {
    for &n in sizes {
        let domains = (n / (ORGS * DAYS)).max(1);
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("state");
        let inbox = dir.path().join("inbox");
        std::fs::create_dir_all(&inbox).unwrap();
        let started = Instant::now();
        let mut count = 0;
        for d in 0..domains {
            let sub = inbox.join(format!("client{d}"));
            std::fs::create_dir_all(&sub).unwrap();
            for day in 1..=DAYS {
                for o in 0..ORGS {
                    std::fs::write(sub.join(format!("{day}-{o}.json")), small_report(d, day, o)).unwrap();
                    count += 1;
                }
            }
        }
        println!(
            "MSP scale: {count} reports of {domains} domains written in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        let now = "2026-11-05T12:00:00Z";
        let store = Store::open(&state).unwrap();
        let tracked = format!("client{}.example", domains / 2);
        let domain = DomainName::parse(&tracked).unwrap();
        let mx = MxPattern::parse(&format!("mx1.{tracked}")).unwrap();
        let mut s = new_domain(domain, vec![mx], Vec::new(), None, "2026-09-25T00:00:00Z".parse().unwrap());
        s.phase = Phase::Testing;
        s.transitions.push(Transition { phase: Phase::Testing, at: "2026-10-01T00:00:00Z".parse().unwrap() });
        store.create(&s).unwrap();
        let (ms, mb) = measure(&state, now, &["reports", "import", inbox.to_str().unwrap()]);
        let rate = count as f64 / (ms as f64 / 1000.0);
        println!(
            "{:<36} {ms:>7} ms  peak RSS {mb:>7.1} MB  ({rate:.0} reports/s)",
            format!("reports import ({count})")
        );
        let size: u64 = ["reports.sqlite3", "reports.sqlite3-wal"]
            .iter()
            .filter_map(|f| std::fs::metadata(state.join(f)).ok())
            .map(|m| m.len())
            .sum();
        println!(
            "{:<36} {:>7.1} MB  ({:.0} bytes per report)",
            "database size",
            size as f64 / 1e6,
            size as f64 / count as f64
        );
        for (name, args) in [
            (format!("reports summary {tracked}"), vec!["reports", "summary", tracked.as_str()]),
            (format!("status {tracked}"), vec!["status", tracked.as_str()]),
        ] {
            for run in 0..3 {
                let (ms, mb) = measure(&state, now, &args);
                println!("{name:<36} {ms:>7} ms  peak RSS {mb:>7.1} MB  (run {})", run + 1);
            }
        }
    }
}
