//! Who a report is (RFC 8460 §5.3: organisation, report-id, policy domains and its
//! submitter/contact-info) and what the summary keeps of it: reports shaped exactly as sys4's
//! tlsrpt-reporter writes them, two MTAs of one organisation, a store written before the
//! identity changed, and the failures per (MX, result type).

use std::path::Path;
use std::process::Output;

use crate::common;
use crate::common::reports::{ReporterFailure, tlsrpt_reporter_json, write_legacy_store};

const ORG: &str = "Sender Org";
const DAY: &str = "2026-11-20";

fn run(state: &Path, args: &[&str]) -> Output {
    common::mtasts_at(state, "2026-11-25T12:00:00Z").args(args).output().unwrap()
}

fn text(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// MTA `a` (12 sessions, 5 failed at two MX hosts) and MTA `b` (5 sessions, 1 failed) of one
/// organisation: same name, same report-id (each daemon's first report of the day), their own
/// contact-info.
fn two_mtas() -> (String, String) {
    let expired = |n| ReporterFailure {
        result_type: "certificate-expired",
        mx: "mx1.example.org",
        receiving_ip: "192.0.2.10",
        sending_mta: "198.51.100.1",
        reason_code: Some("X509_V_ERR_CERT_HAS_EXPIRED"),
        sessions: n,
    };
    let no_starttls = |sending_mta| ReporterFailure {
        result_type: "starttls-not-supported",
        mx: "mx2.example.org",
        receiving_ip: "192.0.2.20",
        sending_mta,
        reason_code: None,
        sessions: 1,
    };
    let validation = ReporterFailure {
        result_type: "validation-failure",
        mx: "mx1.example.org",
        receiving_ip: "192.0.2.10",
        sending_mta: "198.51.100.1",
        reason_code: Some("X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY"),
        sessions: 1,
    };
    let a = tlsrpt_reporter_json(
        (ORG, "tlsrpt@mx-a.sender.example"),
        DAY,
        1,
        "example.org",
        12,
        &[expired(3), validation, no_starttls("198.51.100.1")],
    );
    let b = tlsrpt_reporter_json(
        (ORG, "tlsrpt@mx-b.sender.example"),
        DAY,
        1,
        "example.org",
        5,
        &[no_starttls("198.51.100.2")],
    );
    (a, b)
}

fn write(dir: &Path, name: &str, json: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, json).unwrap();
    path.to_str().unwrap().to_owned()
}

fn summary_json(state: &Path) -> serde_json::Value {
    let out = run(state, &["reports", "summary", "example.org", "--json"]);
    serde_json::from_str(text(&out).trim()).unwrap()
}

#[test]
fn two_mtas_of_one_organisation_both_count_and_true_duplicates_still_conflict() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let (a, b) = two_mtas();
    let (pa, pb) = (write(dir.path(), "a.json", &a), write(dir.path(), "b.json", &b));
    let out = run(&state, &["reports", "import", &pa, &pb]);
    let t = text(&out);
    assert!(t.contains("2 imported, 0 duplicate") && !t.contains("CONFLICT"), "{t}");
    let v = summary_json(&state);
    assert_eq!((v["reports"].as_u64(), v["total_sessions"].as_u64()), (Some(2), Some(17)), "{v}");
    assert_eq!(v["failed_sessions"], 6);
    assert_eq!(v["conflicts"], serde_json::json!([]));

    // MTA a's report again with other numbers: a true duplicate identity, kept and named;
    // the worst copy counts.
    let worse = a
        .replace(
            "\"certificate-expired\", \"failed-session-count\": 3",
            "\"certificate-expired\", \"failed-session-count\": 9",
        )
        .replace(
            "\"total-failure-session-count\": 5, \"total-successful-session-count\": 7",
            "\"total-failure-session-count\": 11, \"total-successful-session-count\": 1",
        );
    assert_ne!(worse, a);
    let out = run(&state, &["reports", "import", &write(dir.path(), "a2.json", &worse)]);
    assert!(text(&out).contains("CONFLICT: 1 other copy"), "{}", text(&out));
    let v = summary_json(&state);
    assert_eq!((v["reports"].as_u64(), v["failed_sessions"].as_u64()), (Some(2), Some(12)), "{v}");
    assert_eq!(v["conflicts"][0]["failed_per_copy"], serde_json::json!([11, 5]));
    assert_eq!(v["conflicts"][0]["contact"], "tlsrpt@mx-a.sender.example");
}

#[test]
fn a_store_written_before_the_identity_changed_still_loads_and_counts_both_mtas() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let (a, b) = two_mtas();
    // The file store as version 1 left it: files named by the old key (organisation and
    // report-id only, so both MTAs' reports share it), no authentication records, and an
    // index of version 1 that calls them two copies of one report.
    let written = write_legacy_store(&state, &[(a.as_bytes(), None), (b.as_bytes(), None)]);
    let reports = state.join("reports");
    let old_key = {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for part in [ORG.to_lowercase(), format!("{DAY}T00:00:00Z_idx1_example.org")] {
            h.update((part.len() as u64).to_be_bytes());
            h.update(part.as_bytes());
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    for path in written {
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        let content = name.trim_end_matches(".json").split('-').nth(1).unwrap().to_owned();
        std::fs::rename(&path, reports.join(format!("{}-{content}.json", &old_key[..32]))).unwrap();
    }
    std::fs::write(reports.join(".index.json"), br#"{"version":1,"files":{}}"#).unwrap();

    let v = summary_json(&state);
    assert_eq!((v["reports"].as_u64(), v["total_sessions"].as_u64()), (Some(2), Some(17)), "{v}");
    assert_eq!(v["failed_sessions"], 6);
    assert_eq!(v["conflicts"], serde_json::json!([]));
    assert_eq!(v["authentication"]["unauthenticated_by"]["stored before authentication was recorded"], 2);
    // Moved into the database (the old directory is gone), and importing them again finds them.
    assert!(!reports.exists());
    let again = run(&state, &["reports", "import", &write(dir.path(), "a.json", &a)]);
    assert!(text(&again).contains("0 imported, 1 duplicate"), "{}", text(&again));
}

#[test]
fn the_summary_keeps_each_failure_at_its_mx_with_what_the_reports_said() {
    let _processes = crate::starting_processes();
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let (a, b) = two_mtas();
    let dane = r#"{"organization-name": "Dane Sender", "date-range": {"start-datetime": "2026-11-20T00:00:00Z",
        "end-datetime": "2026-11-20T23:59:59Z"}, "contact-info": "tlsrpt@dane.sender.example",
        "report-id": "dane-1", "policies": [{"policy": {"policy-type": "tlsa", "policy-string":
        ["3 1 1 0123456789abcdef"], "policy-domain": "dane.example", "mx-host": ["mx.dane.example"]},
        "summary": {"total-successful-session-count": 10, "total-failure-session-count": 0}}]}"#;
    // A report counting failures without any failure-details.
    let bare = dane
        .replace("dane.example", "bare.example")
        .replace("dane-1", "bare-1")
        .replace("\"total-failure-session-count\": 0", "\"total-failure-session-count\": 3");
    let paths = [
        write(dir.path(), "a.json", &a),
        write(dir.path(), "b.json", &b),
        write(dir.path(), "d.json", dane),
        write(dir.path(), "e.json", &bare),
    ];
    let args: Vec<&str> = ["reports", "import"].into_iter().chain(paths.iter().map(String::as_str)).collect();
    assert!(run(&state, &args).status.success());
    let out = text(&run(&state, &["reports", "summary"]));
    let section = |domain: &str| {
        let start = out.find(&format!("{domain}  ")).unwrap();
        out[start..].split("\n\n").next().unwrap().to_owned()
    };
    let org = section("example.org");
    let lines: Vec<&str> = org.lines().map(str::trim).collect();
    let at = |needle: &str| {
        lines.iter().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle}:\n{org}"))
    };
    // Each pair: its line with the sessions, what the reports said, the fix naming its MX.
    let pair = |title: &str, sessions: &str, details: Option<&str>, fix: &str| {
        let i = at(title);
        assert!(lines[i].ends_with(sessions), "{title}:\n{org}");
        let fix_at = match details {
            Some(d) => {
                assert_eq!(lines[i + 1], d, "{org}");
                i + 2
            }
            None => i + 1,
        };
        assert!(lines[fix_at].starts_with("fix: ") && lines[fix_at].contains(fix), "{title}:\n{org}");
    };
    pair(
        "certificate-expired at mx1.example.org",
        " 3 sessions",
        Some(
            "receiving IP 192.0.2.10; failure-reason-code X509_V_ERR_CERT_HAS_EXPIRED; sending MTA 198.51.100.1",
        ),
        "renew the certificate on mx1.example.org",
    );
    pair(
        "starttls-not-supported at mx2.example.org",
        " 2 sessions",
        Some("receiving IP 192.0.2.20; sending MTA 198.51.100.1 (1), 198.51.100.2 (1)"),
        "mx2.example.org did not offer STARTTLS",
    );
    pair(
        "validation-failure at mx1.example.org",
        " 1 session",
        Some(
            "receiving IP 192.0.2.10; failure-reason-code X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY; sending MTA 198.51.100.1",
        ),
        "validate TLS with mx1.example.org",
    );
    assert!(!org.contains("1 sessions") && !org.contains("the MX"), "{org}");
    assert!(org.contains("modes: testing 17"), "{org}");
    let tlsa = section("dane.example");
    assert!(tlsa.contains("policy seen: tlsa 10\n"), "no empty modes label:\n{tlsa}");
    assert!(!tlsa.contains("modes:"), "{tlsa}");
    let bare = section("bare.example");
    assert!(bare.contains("3 sessions failed without failure-details in the reports"), "{bare}");

    let v = summary_json(&state);
    let pair = v["failures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["result_type"] == "starttls-not-supported")
        .unwrap();
    assert_eq!(pair["mx"], "mx2.example.org");
    assert_eq!(pair["sessions"], 2);
    assert_eq!(pair["sending_mtas"], serde_json::json!({"198.51.100.1": 1, "198.51.100.2": 1}));
    assert_eq!(pair["receiving_ips"], serde_json::json!({"192.0.2.20": 2}));
}
