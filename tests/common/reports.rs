//! TLS-RPT report fixtures and how an import went, for the report tests.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;
use jiff::Timestamp;
use mtasts_reports::{ImportOutcome, Outcome, Report, ReportStore, gunzip, parse_report};

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
                Outcome::Duplicate { report_id } => ("duplicate", report_id.clone()),
                Outcome::Rejected { reason } => ("rejected", reason.clone()),
                Outcome::Failed { reason } => ("failed", reason.clone()),
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
