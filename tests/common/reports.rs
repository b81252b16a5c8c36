//! TLS-RPT report fixtures and how an import went, for the report tests.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use jiff::Timestamp;
use mtasts_reports::{DkimVerdict, ImportOutcome, Outcome, Report, ReportStore, gunzip, parse_report};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reports")
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

/// `(file name relative to the fixtures, message, part, status, report-id or reason)`.
pub type Row = (String, Option<usize>, Option<String>, &'static str, String);

pub fn describe(outcomes: &[ImportOutcome]) -> Vec<Row> {
    outcomes
        .iter()
        .map(|o| {
            let rel = o.source.path.strip_prefix(fixtures()).unwrap_or(&o.source.path);
            let (status, detail) = match &o.outcome {
                Outcome::Imported { report_id, .. } => ("imported", report_id.clone()),
                Outcome::Duplicate { report_id, .. } => ("duplicate", report_id.clone()),
                Outcome::Rejected { reason } => ("rejected", reason.clone()),
                Outcome::Ignored { reason } => ("ignored", reason.clone()),
            };
            (rel.display().to_string(), o.source.message, o.source.part.clone(), status, detail)
        })
        .collect()
}

/// The stored report files (not the dot files: the tally index, temp files).
pub fn stored_files(store: &ReportStore) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(store.dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.'))
        .collect();
    names.sort();
    names
}

pub fn load(name: &str) -> Report {
    let bytes =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/reports").join(name));
    let bytes = bytes.unwrap();
    let json = if name.ends_with(".gz") { gunzip(&bytes).unwrap() } else { bytes };
    parse_report(&json).unwrap()
}

pub fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

pub fn map(pairs: &[(&str, u64)]) -> BTreeMap<String, u64> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
}

/// A DKIM check that asks no DNS: for imports whose e-mails are not signed anyway.
pub fn unchecked(_raw: &[u8]) -> DkimVerdict {
    DkimVerdict::failed("DKIM not checked in this test")
}

/// Imports without DNS ([`unchecked`]).
pub trait ImportOffline {
    /// [`ReportStore::import_paths`] with [`unchecked`].
    fn import_offline(&self, paths: &[PathBuf]) -> Vec<ImportOutcome>;
}

impl ImportOffline for ReportStore {
    fn import_offline(&self, paths: &[PathBuf]) -> Vec<ImportOutcome> {
        self.import_paths(paths, &unchecked)
    }
}

/// One `failure-details` entry of a tlsrpt-reporter report.
pub struct ReporterFailure<'a> {
    pub result_type: &'a str,
    pub mx: &'a str,
    pub receiving_ip: &'a str,
    pub sending_mta: &'a str,
    pub reason_code: Option<&'a str>,
    pub sessions: u64,
}

/// A daily report exactly as sys4's tlsrpt-reporter 0.6 renders it for `domain` (Python's
/// `json.dumps`: its key order and separators; report-id `<day>T00:00:00Z_idx<n>_<domain>`,
/// unique only per reporting daemon), one STS policy with `total` sessions.
pub fn tlsrpt_reporter_json(
    (org, contact): (&str, &str),
    day: &str,
    idx: u32,
    domain: &str,
    total: u64,
    failures: &[ReporterFailure],
) -> String {
    let failed: u64 = failures.iter().map(|f| f.sessions).sum();
    let details: Vec<String> = failures
        .iter()
        .map(|f| {
            let code = f.reason_code.map(|c| format!("\"failure-reason-code\": \"{c}\", ")).unwrap_or_default();
            format!(
                "{{{code}\"receiving-mx-hostname\": \"{}\", \"receiving-ip\": \"{}\", \"sending-mta-ip\": \"{}\", \
                 \"result-type\": \"{}\", \"failed-session-count\": {}}}",
                f.mx, f.receiving_ip, f.sending_mta, f.result_type, f.sessions
            )
        })
        .collect();
    format!(
        "{{\"organization-name\": \"{org}\", \"date-range\": {{\"start-datetime\": \"{day}T00:00:00Z\", \
         \"end-datetime\": \"{day}T23:59:59Z\"}}, \"contact-info\": \"{contact}\", \"policies\": [{{\"summary\": \
         {{\"total-failure-session-count\": {failed}, \"total-successful-session-count\": {}}}, \"policy\": \
         {{\"policy-type\": \"sts\", \"policy-string\": [\"version: STSv1\", \"mode: testing\", \"mx: *.{domain}\", \
         \"max_age: 86400\"], \"policy-domain\": \"{domain}\", \"mx-host\": [\"*.{domain}\"]}}, \"failure-details\": \
         [{}]}}], \"report-id\": \"{day}T00:00:00Z_idx{idx}_{domain}\"}}",
        total - failed,
        details.join(", ")
    )
}
