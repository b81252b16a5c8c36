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
                Outcome::Failed { reason } => ("failed", reason.clone()),
                Outcome::Ignored { reason } => ("ignored", reason.clone()),
            };
            (rel.display().to_string(), o.source.message, o.source.part.clone(), status, detail)
        })
        .collect()
}

/// Every stored report as received (its JSON), oldest first.
pub fn stored_json(store: &ReportStore) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    store
        .export(Timestamp::MIN, None, &mut |r| {
            out.push(r.json);
            Ok(())
        })
        .unwrap();
    out
}

/// The stored copies, by name (`<identity hash>-<content hash>`, 32 hex digits each), sorted.
pub fn stored_files(store: &ReportStore) -> Vec<String> {
    let mut names: Vec<String> = stored_json(store)
        .iter()
        .map(|json| {
            let e = mtasts_reports::entry_of(&parse_report(json).unwrap());
            format!("{}-{}", &e.key[..32], &e.content[..32])
        })
        .collect();
    names.sort();
    names
}

/// Every stored report, parsed, sorted by start time then id.
pub fn load_all(store: &ReportStore) -> Vec<Report> {
    let mut reports: Vec<Report> = stored_json(store).iter().map(|j| parse_report(j).unwrap()).collect();
    reports.sort_by(|a, b| (a.start, &a.report_id).cmp(&(b.start, &b.report_id)));
    reports
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

/// 10 MiB of spaces, gzipped (about 10 KiB): a part that inflates a thousandfold.
pub fn gzip_bomb() -> Vec<u8> {
    let mut enc = GzEncoder::new(Vec::new(), Compression::best());
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..10 {
        enc.write_all(&chunk).unwrap();
    }
    enc.finish().unwrap()
}

/// An e-mail (CRLF line ends) with `parts` attachments of type `application/tlsrpt+gzip`,
/// each holding `gz`, base64-encoded.
pub fn email_with_parts(gz: &[u8], parts: usize) -> Vec<u8> {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD.encode(gz);
    let lines: Vec<&str> = b64.as_bytes().chunks(76).map(|c| std::str::from_utf8(c).unwrap()).collect();
    let body = lines.join("\r\n");
    let mut mail = String::from(
        "From: reporter@example.net\r\nTo: tlsrpt@example.org\r\nSubject: Report Domain: example.org\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/report; report-type=tlsrpt; boundary=\"B\"\r\n\r\n\
         --B\r\nContent-Type: text/plain\r\n\r\nThe reports.\r\n",
    );
    for i in 0..parts {
        mail.push_str(&format!(
            "--B\r\nContent-Type: application/tlsrpt+gzip\r\nContent-Transfer-Encoding: base64\r\n\
             Content-Disposition: attachment; filename=\"r{i}.json.gz\"\r\n\r\n{body}\r\n"
        ));
    }
    mail.push_str("--B--\r\n");
    mail.into_bytes()
}

/// A report JSON of exactly `len` bytes whose `failure-details` are `{}` objects (what costs
/// most memory per byte once parsed).
pub fn json_shape_bomb(len: usize) -> Vec<u8> {
    let head = br#"{"report-id":"bomb","date-range":{"start-datetime":"2026-01-01T00:00:00Z","end-datetime":"2026-01-02T00:00:00Z"},"policies":[{"policy":{"policy-type":"sts","policy-domain":"example.org"},"summary":{"total-successful-session-count":1,"total-failure-session-count":1},"failure-details":[{}"#;
    let tail = b"]}]}";
    let mut out = head.to_vec();
    while out.len() + 3 + tail.len() <= len {
        out.extend_from_slice(b",{}");
    }
    out.resize(len - tail.len(), b' ');
    out.extend_from_slice(tail);
    out
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

/// Writes reports as the file store of earlier versions kept them (`<state>/reports/`, one
/// `<identity hash>-<content hash>.json` per report, `.<file>.auth` beside it when an
/// authentication is given); the file paths.
pub fn write_legacy_store(state: &Path, reports: &[(&[u8], Option<&str>)]) -> Vec<PathBuf> {
    let dir = state.join(mtasts_reports::LEGACY_DIR);
    std::fs::create_dir_all(&dir).unwrap();
    reports
        .iter()
        .map(|(json, auth)| {
            let e = mtasts_reports::entry_of(&parse_report(json).unwrap());
            let name = format!("{}-{}.json", &e.key[..32], &e.content[..32]);
            std::fs::write(dir.join(&name), json).unwrap();
            if let Some(auth) = auth {
                std::fs::write(dir.join(format!(".{name}.auth")), auth).unwrap();
            }
            dir.join(name)
        })
        .collect()
}

/// A report of about `bytes` bytes that gzip cannot shrink much (pseudo-random hex in its
/// `additional-information`), for "disk full" cases that must not fit.
pub fn incompressible_report(id: &str, bytes: usize) -> Vec<u8> {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let noise: String = (0..bytes)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from_digit((x % 16) as u32, 16).unwrap()
        })
        .collect();
    format!(
        r#"{{"organization-name":"Big Sender","date-range":{{"start-datetime":"2026-11-20T00:00:00Z","end-datetime":"2026-11-20T23:59:59Z"}},"contact-info":"tlsrpt@big.example","report-id":"{id}","policies":[{{"policy":{{"policy-type":"sts","policy-string":["version: STSv1","mode: testing","mx: mx1.example.org","max_age: 86400"],"policy-domain":"example.org","mx-host":["mx1.example.org"]}},"summary":{{"total-successful-session-count":5,"total-failure-session-count":1}},"failure-details":[{{"result-type":"certificate-expired","receiving-mx-hostname":"mx1.example.org","failed-session-count":1,"additional-information":"{noise}"}}]}}]}}"#
    )
    .into_bytes()
}

/// A file size limit (`prlimit --fsize`) for a "disk with room for small writes only": the
/// report database of `state` is created first, and the limit leaves room for a few small
/// reports, never for an [`incompressible_report`] of 512 KiB.
pub fn small_writes_only(state: &Path) -> u64 {
    let store = ReportStore::open(state).unwrap();
    drop(store);
    let size = std::fs::metadata(state.join(mtasts_reports::DB_FILE)).unwrap().len();
    size + 160 * 1024
}
