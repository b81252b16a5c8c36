//! The TLS-RPT report path on arbitrary bytes: `report_json` (gzip or plain), `gunzip` and
//! `parse_report`, then the summaries built from a parsed report.
//!
//! Properties: no decoded output exceeds `MAX_REPORT_BYTES`; plain input comes back unchanged;
//! the input gzipped comes back from `report_json` unchanged; a parsed report has a non-blank id,
//! `start <= end` and normalised policy domains, and survives a serde round trip.
#![no_main]

use std::io::Write;

use libfuzzer_sys::fuzz_target;
use mtasts_reports::{MAX_REPORT_BYTES, Report, gunzip, parse_report, report_json, summarize, window_tally};

fuzz_target!(|data: &[u8]| {
    let cap = usize::try_from(MAX_REPORT_BYTES).unwrap_or(usize::MAX);
    if let Ok(out) = gunzip(data) {
        assert!(out.len() <= cap);
    }
    match report_json(data) {
        Ok(json) => {
            assert!(json.len() <= cap);
            if !data.starts_with(&[0x1f, 0x8b]) {
                assert_eq!(json, data);
            }
            check(&json);
        }
        Err(_) => assert!(data.starts_with(&[0x1f, 0x8b])),
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(data).unwrap();
    let gz = gz.finish().unwrap();
    assert_eq!(report_json(&gz).unwrap(), data);
});

fn check(json: &[u8]) {
    let Ok(report) = parse_report(json) else {
        return;
    };
    assert!(!report.report_id.trim().is_empty());
    assert!(report.start <= report.end);
    for p in &report.policies {
        if let Some(d) = &p.policy_domain {
            assert!(!d.is_empty() && !d.ends_with('.') && *d == d.to_ascii_lowercase(), "{d:?}");
        }
        let _ = report.domain_for(p);
    }
    let domains = report.domains();
    let again: Report = serde_json::from_slice(&serde_json::to_vec(&report).unwrap()).unwrap();
    assert_eq!(again, report);
    let reports = [report.clone(), report];
    let _ = summarize(&reports, None, None);
    for d in &domains {
        let one = summarize(&reports, Some(d), None);
        assert_eq!(one.len(), 1, "{d:?}");
        let _ = window_tally(&reports, d, reports[0].start, reports[0].end);
    }
}
